"""Bot messages kept for later edits (the check-in counter, the committee summary), with what each
one shows now, so an edit that would change nothing is never sent."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Platform, PostedMessage


def fingerprint(text: str, buttons: Sequence[Sequence[tuple[str, str]]] = ()) -> str:
    """What a message shows, as a short fixed-size digest (texts may be thousands of characters)."""
    shown = json.dumps([text, [[list(b) for b in row] for row in buttons]], ensure_ascii=False)
    return hashlib.sha256(shown.encode()).hexdigest()


async def remember(
    session: AsyncSession,
    meeting_id: int,
    purpose: str,
    platform: Platform,
    chat_id: str,
    message_id: str,
    shown: str | None,
) -> None:
    """Record (or replace) the message sent for (meeting, purpose) in one chat."""
    posted = await session.scalar(
        select(PostedMessage).where(
            PostedMessage.meeting_id == meeting_id,
            PostedMessage.purpose == purpose,
            PostedMessage.platform == platform,
            PostedMessage.chat_id == chat_id,
        )
    )
    if posted is None:
        session.add(
            PostedMessage(
                meeting_id=meeting_id,
                purpose=purpose,
                platform=platform,
                chat_id=chat_id,
                message_id=message_id,
                shown=shown,
            )
        )
    else:
        posted.message_id, posted.shown = message_id, shown


def will_show(row: PostedMessage, text: str, buttons: Sequence[Sequence[tuple[str, str]]] = ()) -> bool:
    """Record that the message is being edited to show `text`; False when it shows exactly that
    already, and the edit must not be sent."""
    shown = fingerprint(text, buttons)
    if row.shown == shown:
        return False
    row.shown = shown
    return True


async def checkin_posts(session: AsyncSession, meeting_id: int) -> Sequence[PostedMessage]:
    """The group messages showing this meeting's check-in counter."""
    query = select(PostedMessage).where(PostedMessage.meeting_id == meeting_id, PostedMessage.purpose == "checkin")
    return (await session.scalars(query)).all()
