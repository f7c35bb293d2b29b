"""The secretary's actions on a meeting's reminders: cancel, move, resend."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Config
from models import (
    Cell,
    Meeting,
    MeetingState,
    OutboxMessage,
    OutboxState,
    ReminderStep,
)
from services import calendar
from services.errors import DomainError
from services.meetings import check_new_time
from services.outbox import Recipient
from services.reminders.audience import Target, members, registered_visitors, reminded
from services.reminders.steps import mark_step, write_rows
from services.reminders.timeline import MEMBER_KINDS, Kind, Notice, Render, plan


async def _informed(session: AsyncSession, meeting: Meeting, now: datetime) -> list[Recipient]:
    """Chats that got (or are getting right now) a reminder of this meeting, and the supervisors
    registered to attend it."""
    in_flight = and_(OutboxMessage.state == OutboxState.PENDING, OutboxMessage.claimed_until > now)
    rows = (
        await session.execute(
            select(OutboxMessage.platform, OutboxMessage.chat_id, OutboxMessage.person_id)
            .where(
                OutboxMessage.meeting_id == meeting.id,
                OutboxMessage.kind.in_(MEMBER_KINDS),
                or_(OutboxMessage.state == OutboxState.SENT, in_flight),
            )
            .distinct()
        )
    ).all()
    got = {Recipient(p, c, person) for p, c, person in rows}
    seen = {(r.platform, r.chat_id) for r in got}
    visitors = {r for r in await registered_visitors(session, meeting.id) if (r.platform, r.chat_id) not in seen}
    return sorted(got | visitors, key=lambda r: (r.platform, r.chat_id))


async def _drop_queued(session: AsyncSession, meeting: Meeting, now: datetime, why: str) -> None:
    """Queued reminders of the meeting stop; one being sent right now cannot be called back."""
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.meeting_id == meeting.id,
            OutboxMessage.state == OutboxState.PENDING,
            OutboxMessage.kind.in_([Kind.ANNOUNCE, Kind.NUDGE, Kind.TALLY, Kind.SOON, Kind.OPEN, Kind.MOVED]),
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
        )
        .values(state=OutboxState.DROPPED, last_error=why)
        .execution_options(synchronize_session=False)
    )


async def cancel_meeting(
    session: AsyncSession, meeting: Meeting, now: datetime, render: Render, *, reason: str | None
) -> int:
    """Cancel a planned meeting: queued reminders stop, everyone already reminded is told.

    Returns how many chats are told. The caller checks the actor runs the cell, and commits.
    """
    if meeting.state is not MeetingState.PLANNED:
        raise DomainError("reminders-cancel-not-planned")
    meeting.state = MeetingState.CANCELLED
    calendar.revise(meeting, now)
    await session.flush()
    told = await _informed(session, meeting, now)
    await _drop_queued(session, meeting, now, "cancelled")
    cell = await session.get(Cell, meeting.cell_id)
    assert cell is not None
    notice = Notice(Kind.CANCELLED, cell.name, meeting, args={"reason": reason or ""})
    return await write_rows(
        session, meeting, "cancelled", notice, [Target(r, False) for r in told], render, now=now, expires_at=None
    )


async def move_meeting(
    session: AsyncSession,
    meeting: Meeting,
    starts_at: datetime,
    config: Config,
    now: datetime,
    render: Render,
    *,
    place: str | None,
) -> int:
    """Move a planned meeting: its reminders follow it, and those already reminded are told.

    Steps still ahead of the new time fire again at their new moment; steps whose new moment has
    passed are covered by the notice. Returns how many chats are told. The caller commits.
    """
    if meeting.state is not MeetingState.PLANNED:
        raise DomainError("reminders-move-not-planned")
    await check_new_time(session, meeting.cell_id, starts_at, now, moving=meeting.id)
    told = await _informed(session, meeting, now)
    await _drop_queued(session, meeting, now, "moved")
    previous = meeting.starts_at
    meeting.starts_at = starts_at
    meeting.place = place
    calendar.revise(meeting, now)
    steps = plan(meeting, config)
    await session.execute(
        delete(ReminderStep).where(
            ReminderStep.meeting_id == meeting.id, ReminderStep.step.in_([s.name for s in steps if s.at > now])
        )
    )
    await session.flush()
    if not told:
        return 0
    # The notice carries the new time and the RSVP buttons: nudges already due would only repeat it.
    for step in steps:
        if step.at <= now and step.kind in (Kind.NUDGE, Kind.SOON):
            await mark_step(session, meeting.id, step.name, now)
    cell = await session.get(Cell, meeting.cell_id)
    assert cell is not None
    roster = {m.person_id: m for m in await members(session, cell.id, meeting.id)}
    notice = Notice(Kind.MOVED, cell.name, meeting, args={"previous": previous})
    targets = [Target(r, r.person_id is None or r.person_id in roster) for r in told]
    return await write_rows(session, meeting, "moved", notice, targets, render, now=now, expires_at=starts_at)


async def resend(session: AsyncSession, meeting: Meeting, config: Config, now: datetime, render: Render) -> list[str]:
    """/nhaclai: the current reminder again, privately, to members who have not answered.

    At most once per `[reminders] resend_minutes` per meeting. Returns the names reminded; members
    who have not answered and cannot be reached are the caller's to list (see `unreachable`).
    """
    if meeting.state is not MeetingState.PLANNED or now >= meeting.starts_at:
        raise DomainError("reminders-resend-too-late")
    steps = (
        await session.execute(
            select(ReminderStep.step, ReminderStep.done_at).where(ReminderStep.meeting_id == meeting.id)
        )
    ).all()
    resent = [at for name, at in steps if name.startswith("resend-")]
    wait = timedelta(minutes=config.reminders.resend_minutes)
    if resent and max(resent) + wait > now:
        raise DomainError("reminders-resend-wait", at=_local_time(max(resent) + wait, config))
    cell = await session.get(Cell, meeting.cell_id)
    assert cell is not None
    silent = reminded(await members(session, cell.id, meeting.id), answered_ok=False)
    if not silent:
        raise DomainError("reminders-resend-nobody")
    step = f"resend-{len(resent) + 1}"
    if not await mark_step(session, meeting.id, step, now):
        raise DomainError("reminders-resend-wait", at=_local_time(now + wait, config))
    nudged = any(name.startswith("nudge-") for name, _ in steps)
    notice = Notice(Kind.NUDGE if nudged else Kind.ANNOUNCE, cell.name, meeting)
    targets = [Target(m.to, True) for m in silent if m.to is not None]
    await write_rows(session, meeting, step, notice, targets, render, now=now, expires_at=meeting.starts_at)
    return [m.name for m in silent]


def _local_time(moment: datetime, config: Config) -> str:
    return moment.astimezone(config.schedule.zone).strftime("%H:%M")
