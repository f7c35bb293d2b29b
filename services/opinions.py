"""Ý kiến: short opinions members send for a meeting, which they can list and withdraw."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Meeting, MeetingState, Opinion
from services.errors import DomainError

OPINION_MAX = 1000


async def add(
    session: AsyncSession, meeting: Meeting, person_id: int, text: str, now: datetime, *, max_per_meeting: int
) -> Opinion:
    """Add one opinion; a member has at most `max_per_meeting` standing for a meeting, so one
    member cannot make the summary of the meeting unreadable."""
    text = text.strip()
    if not text:
        raise DomainError("opinion-empty")
    if len(text) > OPINION_MAX:
        raise DomainError("opinion-too-long", limit=OPINION_MAX, length=len(text))
    if meeting.state not in (MeetingState.PLANNED, MeetingState.CHECKIN_OPEN):
        raise DomainError("opinion-meeting-over")
    if len(await mine(session, meeting.id, person_id)) >= max_per_meeting:
        raise DomainError("opinion-too-many", limit=max_per_meeting)
    opinion = Opinion(meeting_id=meeting.id, person_id=person_id, text=text, created_at=now)
    session.add(opinion)
    await session.flush()
    return opinion


async def mine(session: AsyncSession, meeting_id: int, person_id: int) -> Sequence[Opinion]:
    """A member's opinions for the meeting that are not withdrawn, oldest first (numbered from 1)."""
    return (
        await session.scalars(
            select(Opinion)
            .where(Opinion.meeting_id == meeting_id, Opinion.person_id == person_id, Opinion.withdrawn_at.is_(None))
            .order_by(Opinion.created_at, Opinion.id)
        )
    ).all()


async def withdraw(session: AsyncSession, meeting: Meeting, person_id: int, number: int, now: datetime) -> Opinion:
    if meeting.state not in (MeetingState.PLANNED, MeetingState.CHECKIN_OPEN):
        raise DomainError("opinion-meeting-over")
    opinions = await mine(session, meeting.id, person_id)
    if not 1 <= number <= len(opinions):
        raise DomainError("opinion-no-such", count=len(opinions))
    opinion = opinions[number - 1]
    opinion.withdrawn_at = now
    return opinion
