"""Processed update ids: a platform that delivers an update again (we died before answering it)
must not make it act twice.

`first_time` is written in the handler's own transaction, so the mark and the work commit or roll
back together; two processes given the same update at once meet at the unique key (on PostgreSQL
the second waits for the first's commit, then sees the row and does nothing).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from models import Platform, ProcessedUpdate
from models.db import dialect_insert, insert_ignoring_duplicates

# Telegram keeps an unanswered update for 24 hours; the marks outlive that comfortably.
KEEP = timedelta(days=3)
_UNIQUE = ["platform", "update_id"]


def _mark(platform: Platform, update_id: str, now: datetime) -> dict[str, object]:
    return {"platform": platform, "update_id": update_id[:64], "processed_at": now}


async def first_time(session: AsyncSession, platform: Platform, update_id: str, now: datetime) -> bool:
    """Mark the update as processed in this transaction; False when it already was."""
    result = await session.execute(
        insert_ignoring_duplicates(session, ProcessedUpdate, _mark(platform, update_id, now), _UNIQUE)
    )
    return bool(getattr(result, "rowcount", 0))


async def mark_processed(session: AsyncSession, marks: Collection[tuple[Platform, str]], now: datetime) -> None:
    """Mark several updates processed in this transaction, which holds their work (check-in
    presses recorded together, handlers/checkin_batch.py)."""
    if marks:
        insert = dialect_insert(session.get_bind().dialect.name)(ProcessedUpdate.__table__)
        rows = [_mark(platform, update_id, now) for platform, update_id in marks]
        await session.execute(insert.on_conflict_do_nothing(index_elements=_UNIQUE), rows)


async def forget_old(session: AsyncSession, now: datetime) -> int:
    """Drop the marks no platform would redeliver any more (the caller commits)."""
    result = await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < now - KEEP))
    return int(getattr(result, "rowcount", 0) or 0)
