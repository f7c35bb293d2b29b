"""Writing the due steps to the outbox, once each (ReminderStep is unique per meeting and step)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Config
from models import (
    Cell,
    Meeting,
    MeetingState,
    ReminderStep,
)
from models.db import insert_ignoring_duplicates
from services.meetings import CURRENT_GRACE
from services.outbox import Recipient, enqueue
from services.reminders.audience import Member, Target, groups, leaders, members, reminded, supervisors, tally_args
from services.reminders.timeline import (
    SUMMARY_CUTOFF,
    Kind,
    Notice,
    Render,
    Rendered,
    Step,
    plan,
    settle_step,
    step_key,
    summary_step,
)


async def mark_step(session: AsyncSession, meeting_id: int, step: str, now: datetime) -> bool:
    """Claim a step for this transaction; False when another process has written it already."""
    values = {"meeting_id": meeting_id, "step": step, "done_at": now, "messages": 0}
    result = await session.execute(insert_ignoring_duplicates(session, ReminderStep, values, ["meeting_id", "step"]))
    return bool(getattr(result, "rowcount", 0))


async def write_rows(
    session: AsyncSession,
    meeting: Meeting,
    step: str,
    notice: Notice,
    targets: Sequence[Target],
    render: Render,
    *,
    now: datetime,
    expires_at: datetime | None,
) -> int:
    rendered: dict[bool, Rendered] = {}
    written = 0
    for target in targets:
        if target.rsvp not in rendered:
            rendered[target.rsvp] = render(replace(notice, rsvp=target.rsvp))
        text, buttons = rendered[target.rsvp]
        if await enqueue(
            session,
            key=step_key(meeting, step, target.to),
            to=target.to,
            text=text,
            kind=notice.kind.value,
            not_before=now,
            buttons=buttons,
            meeting_id=meeting.id,
            expires_at=expires_at,
        ):
            written += 1
    return written


async def due_meetings(session: AsyncSession, config: Config, now: datetime) -> list[int]:
    """Meetings that may have a step due: planned ones near their start, closed ones awaiting a summary."""
    # A margin for day offsets, which follow the local wall clock across daylight-saving changes.
    horizon = now + config.reminders.deltas[0] + timedelta(hours=2)
    after = timedelta(hours=config.reminders.summary_after_hours)
    closed = func.coalesce(Meeting.closed_at, Meeting.checkin_closes_at)
    summary_done = exists().where(ReminderStep.meeting_id == Meeting.id, ReminderStep.step == "summary")
    settle_done = exists().where(ReminderStep.meeting_id == Meeting.id, ReminderStep.step == "settle")
    query = (
        select(Meeting.id)
        .where(
            or_(
                and_(
                    Meeting.state == MeetingState.PLANNED,
                    Meeting.starts_at > now - CURRENT_GRACE,
                    Meeting.starts_at <= horizon,
                ),
                and_(
                    Meeting.state == MeetingState.PLANNED,
                    Meeting.starts_at <= now - CURRENT_GRACE,
                    Meeting.starts_at > now - SUMMARY_CUTOFF,
                    ~settle_done,
                ),
                and_(
                    Meeting.state == MeetingState.CLOSED,
                    Meeting.summary_at.is_(None),
                    closed <= now - after,
                    closed > now - SUMMARY_CUTOFF,
                    ~summary_done,
                ),
            )
        )
        .order_by(Meeting.starts_at)
    )
    return list((await session.scalars(query)).all())


async def write_due_steps(session: AsyncSession, meeting_id: int, config: Config, now: datetime, render: Render) -> int:
    """Write every step of one meeting whose moment has come; returns how many messages. Caller commits."""
    meeting = await session.get(Meeting, meeting_id, populate_existing=True)
    if meeting is None:
        return 0
    done = set((await session.scalars(select(ReminderStep.step).where(ReminderStep.meeting_id == meeting_id))).all())
    steps = plan(meeting, config) if meeting.state is MeetingState.PLANNED else []
    steps += [s for s in (settle_step(meeting), summary_step(meeting, config)) if s is not None]
    due = [s for s in steps if s.name not in done and s.at <= now and (s.until is None or now < s.until)]
    if not due:
        return 0
    cell = await session.get(Cell, meeting.cell_id)
    assert cell is not None
    roster = await members(session, cell.id, meeting.id)
    announcing = any(s.kind is Kind.ANNOUNCE for s in due)
    written = 0
    for step in due:
        if not await mark_step(session, meeting.id, step.name, now):
            continue
        # Of several due steps of one kind (after downtime) only the latest speaks.
        if any(s.kind is step.kind and s.at > step.at for s in due):
            continue
        count = await _write_step(
            session, meeting, cell, step, roster, render, now, announcing=announcing, zone=config.schedule.zone
        )
        await session.execute(
            update(ReminderStep)
            .where(ReminderStep.meeting_id == meeting.id, ReminderStep.step == step.name)
            .values(messages=count)
        )
        written += count
    return written


async def _write_step(
    session: AsyncSession,
    meeting: Meeting,
    cell: Cell,
    step: Step,
    roster: Sequence[Member],
    render: Render,
    now: datetime,
    *,
    announcing: bool,
    zone: ZoneInfo,
) -> int:
    notice = Notice(step.kind, cell.name, meeting)
    targets: list[Target] = []
    if step.kind is Kind.ANNOUNCE:
        people = reminded(roster, answered_ok=True)
        targets = await groups(session, cell.id)
        targets += [Target(m.to, True) for m in people if m.to is not None]
        targets += await supervisors(session, cell.id, {m.person_id for m in roster})
    elif step.kind is Kind.NUDGE:
        if not announcing:
            targets = [Target(m.to, True) for m in reminded(roster, answered_ok=False) if m.to is not None]
        written = await write_rows(session, meeting, step.name, notice, targets, render, now=now, expires_at=step.until)
        tally = Notice(Kind.TALLY, cell.name, meeting, args=await tally_args(session, meeting, roster, zone))
        return written + await write_rows(
            session, meeting, f"{step.name}-tally", tally, leaders(roster), render, now=now, expires_at=step.until
        )
    elif step.kind is Kind.SOON:
        targets = [] if announcing else await groups(session, cell.id)
    elif step.kind in (Kind.OPEN, Kind.SUMMARY, Kind.SETTLE):
        targets = leaders(roster)
    return await write_rows(session, meeting, step.name, notice, targets, render, now=now, expires_at=step.until)


async def tell_no_day(session: AsyncSession, cell: Cell, month: str, now: datetime, render: Render) -> int:
    """Every allowed day of the month is a skip date: the secretary must pick one (told once)."""
    notice = Notice(Kind.NO_DAY, cell.name, args={"month": f"{month[5:]}/{month[:4]}"})
    written = 0
    for target in leaders(await members(session, cell.id)):
        text, buttons = render(notice)
        written += await enqueue(
            session,
            key=f"c{cell.id}:noday.{month}:{target.to.platform.value}:{target.to.chat_id}",
            to=target.to,
            text=text,
            kind=Kind.NO_DAY.value,
            not_before=now,
            buttons=buttons,
        )
    return written


async def record_announced(
    session: AsyncSession, meeting: Meeting, to: Sequence[Recipient], rendered: Rendered, now: datetime
) -> None:
    """The announcement a handler posts in the cell's groups itself when the meeting is scheduled:
    recorded as those groups' announce step, so the step never posts a second one there (a group
    gets one announcement per meeting; later reminders are other messages), and a cancel or move
    notice knows the group was told."""
    text, buttons = rendered
    for recipient in to:
        await enqueue(
            session,
            key=step_key(meeting, "announce", recipient),
            to=recipient,
            text=text,
            kind=Kind.ANNOUNCE.value,
            not_before=now,
            buttons=buttons,
            meeting_id=meeting.id,
            sent_at=now,
        )
