"""Pending edits of bot messages (models.PendingEdit): written by any process, sent by the one
that holds the sender lock. One row per message; the newest text replaces the older ones."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Executable, Table, bindparam, case, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import PendingEdit, Platform
from models.db import dialect_insert


@dataclass(frozen=True)
class EditRequest:
    """What a message should show next: a fixed `text`, or the `live` text read when it goes out."""

    platform: Platform
    chat_id: str
    message_id: str
    text: str | None
    live: str | None
    buttons: list[list[list[str]]] | None
    final: bool


@functools.cache
def _queue(dialect: str) -> Executable:
    """Built once per kind of database: every press that asks for an edit reuses it."""
    table = PendingEdit.__table__
    now = bindparam("now", type_=PendingEdit.next_at.type)
    insert = dialect_insert(dialect)(table)
    new = insert.excluded
    statement: Executable = insert.on_conflict_do_update(
        index_elements=["platform", "chat_id", "message_id"],
        set_={
            "text": new.text,
            "live": new.live,
            "buttons": new.buttons,
            "final": new.final,
            "version": table.c.version + 1,
            "attempts": 0,
            "next_at": case((new.final, new.next_at), (table.c.next_at > now, table.c.next_at), else_=new.next_at),
        },
        where=or_(new.final, ~table.c.final),
    ).returning(table.c.next_at)
    return statement


async def queue(
    session: AsyncSession, request: EditRequest, now: datetime, *, delay: timedelta = timedelta(0)
) -> datetime | None:
    """Make `request` the message's next text; returns when it goes out (None when a final text
    already waits and this one was dropped). A final text goes at once and is never replaced by a
    later non-final one. A throttled (non-final) text waits for the message's interval, or `delay`
    when the message is due already: presses that follow within it need write nothing, since the
    text is read when it goes out."""
    row = {
        "platform": request.platform,
        "chat_id": request.chat_id,
        "message_id": request.message_id,
        "text": request.text,
        "live": request.live,
        "buttons": request.buttons,
        "final": request.final,
        "version": 1,
        "sent_version": 0,
        "attempts": 0,
        "next_at": now if request.final else now + delay,
        "now": now,
    }
    until: datetime | None = (await session.execute(_queue(session.get_bind().dialect.name), row)).scalar()
    return until


async def due(session: AsyncSession, platform: Platform, now: datetime, limit: int) -> Sequence[PendingEdit]:
    """Messages whose newest text is not sent yet and may go now, the longest waiting first."""
    rows = await session.scalars(
        select(PendingEdit)
        .where(
            PendingEdit.platform == platform,
            PendingEdit.next_at <= now,
            PendingEdit.sent_version < PendingEdit.version,
        )
        .order_by(PendingEdit.next_at, PendingEdit.id)
        .limit(limit)
    )
    return rows.all()


@functools.cache
def _settle() -> Executable:
    """On the table, not the ORM entity: run with a list of rows it is one plain executemany."""
    table = cast(Table, PendingEdit.__table__)
    version = bindparam("sent", type_=PendingEdit.version.type)
    statement: Executable = (
        update(table)
        .where(table.c.id == bindparam("edit_id"), table.c.sent_version < version)
        .values(
            sent_version=version,
            attempts=0,
            next_at=case(
                (table.c.final & (table.c.version > version), table.c.next_at),
                else_=bindparam("later", type_=PendingEdit.next_at.type),
            ),
        )
    )
    return statement


async def settle(session: AsyncSession, sent: Sequence[tuple[int, int, datetime]]) -> None:
    """These (edit, version) went out, or never will, in one statement: each message's next text
    waits until its `next_at`, unless it is final."""
    if sent:
        rows = [{"edit_id": edit_id, "sent": version, "later": next_at} for edit_id, version, next_at in sent]
        await session.execute(_settle(), rows)


async def retry(session: AsyncSession, edit_id: int, version: int, next_at: datetime, *, failed: bool) -> int:
    """Try `version` again at `next_at` (a newer text, if one came, is what goes then); returns the
    failures counted so far."""
    attempts = PendingEdit.attempts + 1 if failed else PendingEdit.attempts
    counted = await session.scalar(
        update(PendingEdit)
        .where(PendingEdit.id == edit_id, PendingEdit.sent_version < version)
        .values(attempts=attempts, next_at=next_at)
        .returning(PendingEdit.attempts)
    )
    return int(counted or 0)


async def forget_settled(session: AsyncSession, now: datetime, older_than: timedelta = timedelta(hours=1)) -> int:
    """Drop the rows of messages edited long ago with nothing left to send."""
    result = await session.execute(
        delete(PendingEdit).where(
            PendingEdit.sent_version >= PendingEdit.version, PendingEdit.next_at < now - older_than
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
