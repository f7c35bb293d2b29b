"""The outbox dispatcher: claims due messages, sends them through the channels' Senders, records
what happened. It owns retries; the channels own the rate limits (every Sender.send waits for its
platform's limiter).

Claims are atomic and work on SQLite and PostgreSQL alike: one UPDATE … RETURNING sets
`claimed_by`/`claimed_until` on a batch of due rows (on PostgreSQL the rows are picked with
FOR UPDATE SKIP LOCKED, so two processes never wait for or take each other's rows). A claim is a
lease of `[reminders] claim_seconds`, renewed while the batch is worked through; each row's outcome
is committed as soon as it is known, so a process killed mid fan-out leaves at most the one
message in flight to be sent again, after its lease runs out.

Outcomes: sent; RetryLater (429) → the whole dispatcher waits `retry_after`, then carries on with
the same row, not counted as a failure; TransientFailure (5xx, timeout) → retried with exponential
backoff, at most MAX_ATTEMPTS times, then `failed`; Undeliverable (403: blocked, never started,
left the group) → `undeliverable`, never retried; past `expires_at` → `dropped`, never sent late.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from markupsafe import Markup
from sqlalchemy import Row, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from core.clock import Clock
from core.messages import Address, Outgoing, load_keyboard
from core.metrics import SEND_SECONDS
from handlers.delivery import RetryLater, Sender, TransientFailure, Undeliverable, send_to
from models import OutboxMessage, OutboxState, Platform

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF_FIRST = timedelta(seconds=5)
BACKOFF_CAP = timedelta(minutes=10)
BATCH = 50
ERROR_MAX = 500


@dataclass
class DispatchReport:
    sent: int = 0
    dropped: int = 0
    undeliverable: int = 0
    retried: int = 0
    failed: int = 0
    throttled: int = 0

    def __bool__(self) -> bool:
        return any(vars(self).values())


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s, 40 s … capped: a server in trouble gets room to recover."""
    delay: timedelta = BACKOFF_FIRST * 2 ** max(0, attempts - 1)
    return min(BACKOFF_CAP, delay)


def worker_name() -> str:
    """Names this process in claims (host, pid and a nonce, so a restart is a new worker)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(4)}"


_COLUMNS = (
    OutboxMessage.id,
    OutboxMessage.platform,
    OutboxMessage.chat_id,
    OutboxMessage.text,
    OutboxMessage.buttons,
    OutboxMessage.not_before,
    OutboxMessage.expires_at,
    OutboxMessage.attempts,
    OutboxMessage.photo,
    OutboxMessage.material_file_id,
)


class OutboxDispatcher:
    """One per process; `run_once` sends everything due and returns when nothing is left."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        senders: Mapping[Platform, Sender],
        *,
        claim_seconds: float,
        batch: int = BATCH,
        worker: str | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        may_send: Callable[[], bool] = lambda: True,
    ) -> None:
        # A plain connection, not an ORM session: recording each outcome is one short statement and
        # commit, and that per-message cost bounds the fan-out rate (sends are one at a time).
        bind = sessions.kw.get("bind")
        if not isinstance(bind, AsyncEngine):
            raise TypeError("the session factory must be bound to an engine")
        self.engine = bind
        self.clock = clock
        self.senders = senders
        self.lease = timedelta(seconds=claim_seconds)
        self.batch = batch
        self.worker = worker or worker_name()
        self.sleep = sleep
        # Set on shutdown: finish the message in flight, give the rest back, stop.
        self.stopping = False
        # False once this process is no longer the one that sends (scheduler/sender_lock.py).
        self.may_send = may_send

    async def run_once(self) -> DispatchReport:
        report = DispatchReport()
        async with self.engine.connect() as connection:
            while not self.stopping and self.may_send() and (claimed := await self._claim(connection)):
                await self._work(connection, claimed, report)
        return report

    async def _claim(self, connection: AsyncConnection) -> list[Row[Any]]:
        """Take up to a batch of due rows nobody holds, oldest first, in one statement."""
        now = self.clock.now()
        due = (
            select(OutboxMessage.id)
            .where(
                OutboxMessage.state == OutboxState.PENDING,
                OutboxMessage.not_before <= now,
                or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
                OutboxMessage.platform.in_(list(self.senders)),
            )
            .order_by(OutboxMessage.not_before, OutboxMessage.id)
            .limit(self.batch)
        )
        # Looking first keeps an idle tick from taking SQLite's write lock.
        if await connection.scalar(due.limit(1)) is None:
            return []
        if connection.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        rows = (
            await connection.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(due.scalar_subquery()))
                .values(claimed_by=self.worker, claimed_until=now + self.lease)
                .returning(*_COLUMNS)
            )
        ).all()
        await connection.commit()
        return sorted(rows, key=lambda r: (r.not_before, r.id))  # type: ignore[arg-type]

    async def _renew(self, connection: AsyncConnection, ids: Sequence[int]) -> set[int]:
        """Extend the lease on the rows still to send; a row someone else took over is left to them."""
        renewed = await connection.scalars(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(ids),
                OutboxMessage.claimed_by == self.worker,
                OutboxMessage.state == OutboxState.PENDING,
            )
            .values(claimed_until=self.clock.now() + self.lease)
            .returning(OutboxMessage.id)
        )
        kept = set(renewed.all())
        await connection.commit()
        return kept

    async def _work(self, connection: AsyncConnection, claimed: list[Row[Any]], report: DispatchReport) -> None:
        renew_at = self.clock.now() + self.lease / 2
        mine = {row.id for row in claimed}
        for index, row in enumerate(claimed):
            if self.stopping or not self.may_send():
                await self._release(connection, [r.id for r in claimed[index:]])
                return
            if self.clock.now() >= renew_at:
                mine = await self._renew(connection, [r.id for r in claimed[index:]])
                renew_at = self.clock.now() + self.lease / 2
            if row.id not in mine:
                continue
            if row.expires_at is not None and row.expires_at <= self.clock.now():
                await self._finish(connection, row.id, state=OutboxState.DROPPED, last_error="expired")
                report.dropped += 1
                continue
            wait = await self._send(connection, row, report)
            if wait is not None:
                # Told to slow down: give the batch back, pause, then claim again (same row first).
                await self._release(connection, [r.id for r in claimed[index:]])
                log.warning("%s asked us to wait %.1fs", row.platform, wait)
                await self.sleep(wait)
                return

    async def _send(self, connection: AsyncConnection, row: Row[Any], report: DispatchReport) -> float | None:
        """Send one row and record the outcome; returns how long to wait when the platform said so."""
        try:
            # The outbox holds catalog markup whose arguments were escaped when it was written.
            text = Markup(row.text)  # noqa: S704
            message = Outgoing(text, load_keyboard(row.buttons), photo=row.photo, stored_file=row.material_file_id)
            with SEND_SECONDS.labels(row.platform.value).time():
                message_id = await send_to(self.senders, Address(row.platform, row.chat_id), message)
        except RetryLater as exc:
            report.throttled += 1
            return exc.retry_after
        except Undeliverable as exc:
            report.undeliverable += 1
            await self._finish(
                connection, row.id, state=OutboxState.UNDELIVERABLE, attempts=row.attempts + 1, last_error=_error(exc)
            )
        except Exception as exc:
            if not isinstance(exc, TransientFailure):
                log.exception("unexpected error sending outbox message %s", row.id)
            attempts = row.attempts + 1
            if attempts >= MAX_ATTEMPTS:
                report.failed += 1
                values: dict[str, Any] = {"state": OutboxState.FAILED}
            else:
                report.retried += 1
                values = {"next_attempt_at": self.clock.now() + backoff(attempts)}
            await self._finish(connection, row.id, attempts=attempts, last_error=_error(exc), **values)
        else:
            report.sent += 1
            await self._finish(
                connection,
                row.id,
                mine_only=False,
                state=OutboxState.SENT,
                sent_at=self.clock.now(),
                photo=None,  # the picture is out; the text stays for the record
                external_message_id=message_id[:64],
                attempts=row.attempts + 1,
            )
        return None

    async def _finish(self, connection: AsyncConnection, row_id: int, *, mine_only: bool = True, **values: Any) -> None:
        """Record an outcome and free the claim; committed at once so a crash cannot forget it.

        A send is recorded even if our lease was taken over meanwhile: it did happen.
        """
        condition = [OutboxMessage.id == row_id]
        if mine_only:
            condition.append(OutboxMessage.claimed_by == self.worker)
        await connection.execute(
            update(OutboxMessage).where(*condition).values(claimed_by=None, claimed_until=None, **values)
        )
        await connection.commit()

    async def _release(self, connection: AsyncConnection, ids: Sequence[int]) -> None:
        if not ids:
            return
        await connection.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == self.worker)
            .values(claimed_by=None, claimed_until=None)
        )
        await connection.commit()


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_MAX]
