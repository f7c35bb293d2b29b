"""Exactly one process sends for a bot at a time; the others stand by and take over within seconds
of its death.

On PostgreSQL: `pg_try_advisory_lock` on a dedicated connection kept open and checked every few
seconds. The lock lives as long as that session: a holder killed with SIGKILL loses its TCP
connection, PostgreSQL ends the session and frees the lock, and a standby's next try (every
`retry_seconds`) gets it. On SQLite (one machine, no advisory locks): a row in `leases` renewed
every `retry_seconds` and valid for `lease_seconds`, taken over once it lapses.

The new holder gives back the outbox claims every other process held (only the holder sends, so
those belong to the dead one): the message that was in flight at the kill may go out once more,
nothing waits out its claim.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from models import Lease, OutboxMessage, OutboxState, Platform
from models.db import insert_ignoring_duplicates_core

log = logging.getLogger(__name__)

RETRY_SECONDS = 2.0
# SQLite only: how long a lease stays valid without renewal (takeover ≤ this + one retry).
LEASE_SECONDS = 6.0


def lock_key(name: str) -> int:
    """A signed 64-bit advisory-lock key from the lock's name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class SenderLock:
    """`held` says whether this process may send now; `run` keeps trying until cancelled."""

    def __init__(
        self,
        engine: AsyncEngine,
        name: str,
        holder: str,
        platforms: Collection[Platform] = (),
        *,
        retry_seconds: float = RETRY_SECONDS,
        lease_seconds: float = LEASE_SECONDS,
    ) -> None:
        self.engine = engine
        self.name = name
        self.holder = holder
        self.platforms = list(platforms)
        self.retry_seconds = retry_seconds
        self.lease = timedelta(seconds=lease_seconds)
        self.held = False
        self.acquired = asyncio.Event()
        self._connection: AsyncConnection | None = None

    async def run(self) -> None:
        """Try, hold and check until cancelled; on the way out the lock is given up at once."""
        try:
            while True:
                try:
                    await self._step()
                except (SQLAlchemyError, OSError) as exc:
                    if self.held:
                        log.warning("lost the %s lock (%s); standing by", self.name, type(exc).__name__)
                    await self._lose()
                await asyncio.sleep(self.retry_seconds)
        finally:
            await asyncio.shield(self._release())

    async def _step(self) -> None:
        if self.engine.dialect.name == "postgresql":
            await self._step_advisory()
        else:
            await self._step_lease()

    async def _step_advisory(self) -> None:
        if self._connection is None:
            self._connection = await self.engine.connect()
        if self.held:
            await self._connection.execute(text("SELECT 1"))  # the session (and so the lock) is alive
            await self._connection.commit()
            return
        got = await self._connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": lock_key(self.name)})
        await self._connection.commit()
        if got:
            await self._taken()

    async def _step_lease(self) -> None:
        now = datetime.now(UTC)
        async with self.engine.connect() as connection:
            await connection.execute(
                insert_ignoring_duplicates_core(
                    connection, Lease, {"name": self.name, "holder": "", "until": now}, ["name"]
                )
            )
            taken = await connection.execute(
                update(Lease)
                .where(Lease.name == self.name, or_(Lease.holder == self.holder, Lease.until < now))
                .values(holder=self.holder, until=now + self.lease)
            )
            await connection.commit()
        mine = bool(getattr(taken, "rowcount", 0))
        if mine and not self.held:
            await self._taken()
        elif not mine and self.held:
            log.warning("the %s lease was taken over; standing by", self.name)
            self.held = False
            self.acquired.clear()

    async def _taken(self) -> None:
        """Free what a dead holder left claimed, then send."""
        async with self.engine.connect() as connection:
            freed = await connection.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.state == OutboxState.PENDING,
                    OutboxMessage.claimed_by.is_not(None),
                    OutboxMessage.claimed_by != self.holder,
                    OutboxMessage.platform.in_(self.platforms),
                )
                .values(claimed_by=None, claimed_until=None)
            )
            await connection.commit()
        self.held = True
        self.acquired.set()
        log.info("this process now sends (%s); %s claims given back", self.name, getattr(freed, "rowcount", 0))

    async def _lose(self) -> None:
        self.held = False
        self.acquired.clear()
        if self._connection is not None:
            connection, self._connection = self._connection, None
            with contextlib.suppress(SQLAlchemyError, OSError):
                await connection.invalidate()
                await connection.close()

    async def _release(self) -> None:
        """Leave at once, so a standby takes over on its next try rather than after a lapse."""
        was_held, self.held = self.held, False
        self.acquired.clear()
        try:
            if self._connection is not None:
                if was_held:
                    await self._connection.execute(
                        text("SELECT pg_advisory_unlock(:key)"), {"key": lock_key(self.name)}
                    )
                    await self._connection.commit()
                await self._connection.close()
                self._connection = None
            elif was_held:
                async with self.engine.connect() as connection:
                    await connection.execute(
                        update(Lease)
                        .where(Lease.name == self.name, Lease.holder == self.holder)
                        .values(holder="", until=datetime.now(UTC) - self.lease)
                    )
                    await connection.commit()
        except (SQLAlchemyError, OSError) as exc:
            log.info("could not give up the %s lock cleanly (%s); it lapses on its own", self.name, type(exc).__name__)


async def holder_of(engine: AsyncEngine, name: str) -> str | None:
    """SQLite: who holds the lease now (for tests and the health check)."""
    async with engine.connect() as connection:
        row = (await connection.execute(select(Lease.holder, Lease.until).where(Lease.name == name))).first()
    if row is None or not row.holder or row.until < datetime.now(UTC):
        return None
    return str(row.holder)
