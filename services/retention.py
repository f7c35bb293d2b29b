"""Forgetting what no record needs once `[privacy] retention_days` have passed.

Every step is one UPDATE or DELETE whose condition excludes what it already did, so two
processes running the purge at once (or a purge cut off and repeated) change nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import JoinRequest, JoinState, OutboxMessage, OutboxState, Prompt
from services import roster_upload

FINISHED = (OutboxState.SENT, OutboxState.UNDELIVERABLE, OutboxState.DROPPED, OutboxState.FAILED)


@dataclass(frozen=True)
class Purged:
    join_requests: int
    display_names: int
    outbox_texts: int
    roster_files: int = 0


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def purge(session: AsyncSession, now: datetime, days: int) -> Purged:
    """Strangers' claims never approved (rejected or left pending) go whole; approved ones lose the
    chat name the stranger showed; messages already sent or given up keep their row (idempotency
    keys, delivery reports) but not their text."""
    cutoff = now - timedelta(days=days)
    removed = await session.execute(
        delete(JoinRequest).where(
            JoinRequest.state.in_((JoinState.REJECTED, JoinState.PENDING)), JoinRequest.created_at < cutoff
        )
    )
    names = await session.execute(
        update(JoinRequest)
        .where(JoinRequest.created_at < cutoff, JoinRequest.display_name.is_not(None))
        .values(display_name=None)
    )
    texts = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.state.in_(FINISHED),
            func.coalesce(OutboxMessage.sent_at, OutboxMessage.not_before) < cutoff,
            OutboxMessage.text != "",
        )
        .values(text="", buttons=None)
    )
    # A roster file sent in chat holds names and phones: once answered or expired it goes, whatever the retention.
    files = await session.execute(
        delete(Prompt).where(
            Prompt.kind == roster_upload.KIND, or_(Prompt.closed_at.is_not(None), Prompt.expires_at < now)
        )
    )
    return Purged(_count(removed), _count(names), _count(texts), _count(files))
