"""The persistent outbox: messages that must go out, written in the same transaction as the state
that caused them. The idempotency key (meeting, kind, recipient) is unique in the database, so
planning the same reminder twice never sends it twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.messages import Keyboard, store_keyboard
from models import JobRun, OutboxMessage, OutboxState, Platform
from models.db import dialect_insert, insert_ignoring_duplicates


@dataclass(frozen=True)
class Recipient:
    platform: Platform
    chat_id: str
    person_id: int | None = None


@dataclass(frozen=True)
class Content:
    """What a message says and when it may go: the same for every recipient of a fan-out.

    `text` is catalog markup (HTML subset, user text escaped); `buttons` are stored as JSON;
    `photo` PNG bytes sent as a picture with `text` as its caption; `material_file_id` a stored
    file sent with it (by reference: the row does not copy the bytes). `sent_at` records a message a
    handler sent itself (inline), so that the same key is never sent again from here.
    """

    text: str
    kind: str
    not_before: datetime
    buttons: Keyboard = ()
    meeting_id: int | None = None
    expires_at: datetime | None = None
    photo: bytes | None = None
    material_file_id: int | None = None
    sent_at: datetime | None = None

    def row(self, key: str, to: Recipient) -> dict[str, Any]:
        return {
            "key": key,
            "platform": to.platform,
            "chat_id": to.chat_id,
            "person_id": to.person_id,
            "meeting_id": self.meeting_id,
            "kind": self.kind,
            "text": self.text,
            "buttons": store_keyboard(self.buttons),
            "photo": self.photo,
            "material_file_id": self.material_file_id,
            "not_before": self.not_before,
            "expires_at": self.expires_at,
            "state": OutboxState.PENDING if self.sent_at is None else OutboxState.SENT,
            "sent_at": self.sent_at,
            "attempts": 0,
        }


async def enqueue(
    session: AsyncSession,
    *,
    key: str,
    to: Recipient,
    text: str,
    kind: str,
    not_before: datetime,
    buttons: Keyboard = (),
    meeting_id: int | None = None,
    expires_at: datetime | None = None,
    photo: bytes | None = None,
    material_file_id: int | None = None,
    sent_at: datetime | None = None,
) -> bool:
    """Add one message (fields as in `Content`) unless its key exists already; returns whether it was added."""
    content = Content(text, kind, not_before, buttons, meeting_id, expires_at, photo, material_file_id, sent_at)
    values = content.row(key, to)
    result = await session.execute(insert_ignoring_duplicates(session, OutboxMessage, values, ["key"]))
    return bool(getattr(result, "rowcount", 0))


async def enqueue_many(session: AsyncSession, content: Content, to: Mapping[str, Recipient]) -> set[str]:
    """Add one message per key (its recipient as the value) in one statement per thousand rows or
    so, each unless its key exists already; returns the keys added. A fan-out to a city costs a few
    hundred statements, not one per recipient."""
    if not to:
        return set()
    table = OutboxMessage.__table__  # Core, not the ORM's bulk mode, which leaves out NULL columns
    statement = (
        dialect_insert(session.get_bind().dialect.name)(table)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(table.c.key)
    )
    rows = [content.row(key, recipient) for key, recipient in to.items()]
    return set((await session.scalars(statement, rows)).all())


async def claim_period(session: AsyncSession, job: str, period: str, now: datetime) -> bool:
    """Mark `job` done for `period` unless it is already; returns whether this call marked it. Run it
    first in the transaction that writes the job's messages: whoever marks first writes, the other
    rolls back (the database decides, across processes)."""
    values = {"job": job, "period": period, "done_at": now, "produced": 0}
    result = await session.execute(insert_ignoring_duplicates(session, JobRun, values, ["job", "period"]))
    return bool(getattr(result, "rowcount", 0))


async def period_done(session: AsyncSession, job: str, period: str) -> bool:
    found = await session.scalar(select(JobRun.id).where(JobRun.job == job, JobRun.period == period))
    return found is not None


def _overdue(now: datetime) -> tuple[ColumnElement[datetime], ColumnElement[bool]]:
    """When each pending message fell due, and which of them should have gone out by now."""
    due = func.coalesce(OutboxMessage.next_attempt_at, OutboxMessage.not_before)
    overdue = and_(
        OutboxMessage.state == OutboxState.PENDING,
        due <= now,
        or_(OutboxMessage.expires_at.is_(None), OutboxMessage.expires_at > now),
    )
    return due, overdue


async def oldest_overdue(session: AsyncSession, now: datetime) -> datetime | None:
    """When the longest-waiting message that should have gone out by now fell due; None if none
    waits. A sender that stopped shows here before members notice missing reminders."""
    due, overdue = _overdue(now)
    return await session.scalar(select(func.min(due)).where(overdue))


@dataclass(frozen=True)
class OutboxCounts:
    """The outbox at a glance, for /metrics."""

    by_state: dict[OutboxState, int]
    oldest_overdue: datetime | None  # as `oldest_overdue` tells
    last_sent: dict[str, datetime]  # per kind asked for: when its last message was sent


async def outbox_counts(session: AsyncSession, now: datetime, kinds: tuple[str, ...] = ()) -> OutboxCounts:
    """One grouped COUNT over the outbox (run at each scrape, so it must stay one cheap statement)."""
    due, overdue = _overdue(now)
    rows = (
        await session.execute(
            select(
                OutboxMessage.state,
                OutboxMessage.kind,
                func.count(),
                func.min(case((overdue, due))),
                func.max(OutboxMessage.sent_at),
            ).group_by(OutboxMessage.state, OutboxMessage.kind)
        )
    ).all()
    by_state = dict.fromkeys(OutboxState, 0)
    oldest: datetime | None = None
    last_sent: dict[str, datetime] = {}
    for state, kind, count, oldest_here, sent_here in rows:
        by_state[state] += count
        if oldest_here is not None and (oldest is None or oldest_here < oldest):
            oldest = oldest_here
        if kind in kinds and sent_here is not None and (kind not in last_sent or sent_here > last_sent[kind]):
            last_sent[kind] = sent_here
    return OutboxCounts(by_state, oldest, last_sent)
