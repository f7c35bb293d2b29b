"""Keeping the outbox honest: dropping reminders that came too late, reporting what never arrived."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, and_, case, cast, exists, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Attendance,
    Cell,
    Meeting,
    MeetingState,
    OutboxMessage,
    OutboxState,
    Person,
    Platform,
    ReminderStep,
    Rsvp,
)
from services.reminders.audience import leaders, members, names_list
from services.reminders.steps import mark_step, write_rows
from services.reminders.timeline import MEMBER_KINDS, NOT_DELIVERED, Kind, Notice, Render


async def drop_stale(session: AsyncSession, now: datetime) -> int:
    """Drop queued messages that must no longer go out; returns how many. Runs before each dispatch.

    Past their expiry (a reminder for a meeting that has begun), for a cancelled meeting, to a member
    who has since excused themselves (or answered, for nudges), an open-check-in button after
    check-in opened, a summary reminder after the summary was made.
    """
    pending = OutboxMessage.state == OutboxState.PENDING
    answered = (
        select(Attendance.id)
        .where(
            Attendance.meeting_id == OutboxMessage.meeting_id,
            Attendance.person_id == OutboxMessage.person_id,
            or_(Attendance.rsvp == Rsvp.ABSENT, and_(OutboxMessage.kind == Kind.NUDGE, Attendance.rsvp.is_not(None))),
        )
        .exists()
    )
    moot_meeting = (
        select(Meeting.id)
        .where(
            Meeting.id == OutboxMessage.meeting_id,
            or_(
                and_(Meeting.state == MeetingState.CANCELLED, OutboxMessage.kind != Kind.CANCELLED),
                and_(OutboxMessage.kind.in_([Kind.OPEN, Kind.SETTLE]), Meeting.state != MeetingState.PLANNED),
                and_(OutboxMessage.kind == Kind.SUMMARY, Meeting.summary_at.is_not(None)),
            ),
        )
        .exists()
    )
    expired = OutboxMessage.expires_at <= now
    excused = OutboxMessage.kind.in_([Kind.ANNOUNCE, Kind.NUDGE]) & OutboxMessage.person_id.is_not(None) & answered
    moot = OutboxMessage.kind.in_(list(Kind)) & moot_meeting
    if await session.scalar(select(OutboxMessage.id).where(pending).limit(1)) is None:
        return 0
    result = await session.execute(
        update(OutboxMessage)
        .where(pending, or_(expired, excused, moot))
        .values(
            state=OutboxState.DROPPED,
            last_error=case((expired, "expired"), (excused, "answered"), else_="moot"),
            claimed_by=None,
            claimed_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))


@dataclass(frozen=True)
class Undelivered:
    written: int
    # Some meeting's fan-out is still going: call again later.
    waiting: bool


async def report_undelivered(
    session: AsyncSession, now: datetime, render: Render, platforms: Collection[Platform]
) -> Undelivered:
    """Tell the secretary who could not be reached (blocked the bot, never started it, left the
    group), once per person and meeting, when the meeting's fan-out on `platforms` (those running)
    has finished."""
    rows = (
        await session.execute(
            select(OutboxMessage.meeting_id, OutboxMessage.platform, OutboxMessage.chat_id, Person.full_name)
            .outerjoin(Person, Person.id == OutboxMessage.person_id)
            .where(
                OutboxMessage.state.in_(NOT_DELIVERED),
                OutboxMessage.kind.in_(MEMBER_KINDS),
                OutboxMessage.meeting_id.is_not(None),
                ~exists().where(
                    ReminderStep.meeting_id == OutboxMessage.meeting_id,
                    ReminderStep.step
                    == literal("undelivered:") + cast(OutboxMessage.platform, String) + ":" + OutboxMessage.chat_id,
                ),
            )
            .order_by(OutboxMessage.meeting_id, Person.full_name)
        )
    ).all()
    by_meeting: dict[int, list[tuple[str, str | None]]] = {}
    for meeting_id, platform, chat_id, name in rows:
        if meeting_id is not None:
            by_meeting.setdefault(meeting_id, []).append((f"undelivered:{platform.value}:{chat_id}", name))
    written = 0
    waiting = False
    for meeting_id, found in by_meeting.items():
        busy = await session.scalar(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.meeting_id == meeting_id,
                OutboxMessage.state == OutboxState.PENDING,
                OutboxMessage.kind.in_(MEMBER_KINDS),
                OutboxMessage.not_before <= now,
                OutboxMessage.platform.in_(list(platforms)),
            )
            .limit(1)
        )
        meeting = await session.get(Meeting, meeting_id)
        if busy is not None or meeting is None:
            waiting = waiting or busy is not None
            continue
        fresh = [(step, name) for step, name in found if await mark_step(session, meeting_id, step, now)]
        if not fresh:
            continue
        people = sorted({name for _, name in fresh if name})
        cell = await session.get(Cell, meeting.cell_id)
        assert cell is not None
        notice = Notice(
            Kind.UNDELIVERED,
            cell.name,
            meeting,
            args={"names": names_list(people), "groups": sum(name is None for _, name in fresh)},
        )
        digest = hashlib.sha1("|".join(step for step, _ in fresh).encode(), usedforsecurity=False).hexdigest()[:10]
        roster = await members(session, cell.id)
        written += await write_rows(
            session, meeting, f"undelivered-{digest}", notice, leaders(roster), render, now=now, expires_at=None
        )
    return Undelivered(written, waiting)
