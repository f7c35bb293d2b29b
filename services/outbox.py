"""The persistent outbox: messages that must go out, written in the same transaction as the state
that caused them. The idempotency key (meeting, kind, recipient) is unique in the database, so
planning the same reminder twice never sends it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.messages import Keyboard, store_keyboard
from models import OutboxMessage, OutboxState, Platform
from models.db import insert_ignoring_duplicates


@dataclass(frozen=True)
class Recipient:
    platform: Platform
    chat_id: str
    person_id: int | None = None


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
) -> bool:
    """Add one message unless its key exists already; returns whether it was added.

    `text` is catalog markup (HTML subset, user text escaped); the buttons are stored as JSON.
    """
    values = {
        "key": key,
        "platform": to.platform,
        "chat_id": to.chat_id,
        "person_id": to.person_id,
        "meeting_id": meeting_id,
        "kind": kind,
        "text": text,
        "buttons": store_keyboard(buttons),
        "not_before": not_before,
        "expires_at": expires_at,
        "state": OutboxState.PENDING,
        "attempts": 0,
    }
    result = await session.execute(insert_ignoring_duplicates(session, OutboxMessage, values, ["key"]))
    return bool(getattr(result, "rowcount", 0))
