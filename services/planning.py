"""Monthly rules become planned meetings, months ahead, so members can see them and reminders can run.

Entry point for other areas (the /datlich hangthang handler and the daily job):

    report = await plan_cell(session, cell, config, now, render, rule_changed=False)

It plans the cell's regular meeting for the current month (if still ahead) and for the next
`[schedule] plan_months` months. Planning is idempotent per cell and month (Meeting.rule_month is
unique), a month that already has a regular meeting made by hand is left alone, and a day listed
in `[schedule] skip_dates` moves the meeting to the next allowed day of the window; when none is
left the secretary is told once (through the outbox, so the notice survives restarts). A rule time
the clocks skip that day (DST) moves to the first time that exists; one that happens twice takes
the first; both are listed in the report (`adjusted`) so the secretary is told.
With `rule_changed=True` (the secretary just changed the rule), meetings already planned from the
old rule and not yet begun are moved to the new day, time and place, and members already reminded
are told (see services.reminders.move_meeting). The caller commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Config, parse_clock_time
from core.localtime import Fit, Resolved, resolve
from models import Cell, Meeting, MeetingKind, MeetingState
from models.db import sqlite_write_lock
from services import reminders
from services.errors import DomainError
from services.meetings import schedule_meeting

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    """A cell's monthly rule with the configured defaults filled in."""

    day: int
    at: time
    place: str | None


@dataclass(frozen=True)
class Slot:
    """Where a month's regular meeting falls; `day` is None when every allowed day is skipped."""

    month: str
    day: date | None
    moved_from: date | None = None


@dataclass
class PlanReport:
    planned: list[Meeting] = field(default_factory=list)
    moved: list[Meeting] = field(default_factory=list)
    # Months with no allowed day left (the secretary was told) or already taken by another meeting.
    no_day: list[str] = field(default_factory=list)
    clashes: list[str] = field(default_factory=list)
    # Meetings whose rule time does not exist, or exists twice, on their day (DST), and how it was fitted.
    adjusted: list[tuple[Meeting, Fit]] = field(default_factory=list)

    def note(self, meeting: Meeting, start: Resolved) -> None:
        if start.fit is not Fit.EXACT:
            self.adjusted.append((meeting, start.fit))


def rule_of(cell: Cell, config: Config) -> Rule:
    schedule = config.schedule
    return Rule(
        day=cell.rule_day or schedule.days[0],
        at=parse_clock_time(cell.rule_time) if cell.rule_time else schedule.default_time,
        place=cell.rule_place,
    )


def month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_slot(rule: Rule, year: int, month: int, config: Config) -> Slot:
    """The rule's day, or the next day of the window that is not skipped (Tết and the like)."""
    skipped = config.schedule.skipped
    candidates = [rule.day, *(d for d in config.schedule.days if d > rule.day)]
    wanted = date(year, month, rule.day)
    for day in candidates:
        found = date(year, month, day)
        if found not in skipped:
            return Slot(month_key(year, month), found, wanted if found != wanted else None)
    return Slot(month_key(year, month), None, wanted)


def slot_start(slot_day: date, rule: Rule, config: Config) -> Resolved:
    """The local wall-clock time in the configured zone, as UTC whatever the process TZ; a time the
    clocks skip becomes the first that exists, a repeated one the first of the two."""
    return resolve(slot_day, rule.at, config.schedule.zone)


def exact_start(day: date, at: time, config: Config) -> datetime:
    """A one-off meeting's start; a local time that does not exist or happens twice is refused,
    naming the real time, so the announcement never shows a time nobody's clock will show."""
    zone = config.schedule.zone
    start = resolve(day, at, zone)
    names = {"date": day.strftime("%d/%m/%Y"), "time": at.strftime("%H:%M"), "zone": config.schedule.timezone}
    if start.fit is Fit.GAP:
        raise DomainError("schedule-time-gap", first=start.at.astimezone(zone).strftime("%H:%M"), **names)
    if start.fit is Fit.AMBIGUOUS:
        raise DomainError("schedule-time-ambiguous", **names)
    return start.at


def months_ahead(now: datetime, config: Config) -> list[tuple[int, int]]:
    """This month (local) and the next `plan_months` ones."""
    local = now.astimezone(config.schedule.zone)
    index = local.year * 12 + local.month - 1
    return [divmod(index + n, 12) for n in range(config.schedule.plan_months + 1)]


async def _regular_in_month(session: AsyncSession, cell_id: int, year: int, month: int, config: Config) -> bool:
    """A regular meeting the secretary made by hand in that month (any state): the rule steps aside."""
    zone = config.schedule.zone
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    found = await session.scalar(
        select(Meeting.id).where(
            Meeting.cell_id == cell_id,
            Meeting.kind == MeetingKind.REGULAR,
            Meeting.starts_at >= start,
            Meeting.starts_at < end,
        )
    )
    return found is not None


async def plan_cell(
    session: AsyncSession,
    cell: Cell,
    config: Config,
    now: datetime,
    render: reminders.Render,
    *,
    rule_changed: bool = False,
) -> PlanReport:
    """Plan the cell's regular meetings ahead; see the module docstring. The caller commits.

    On SQLite the write lock is taken first: a meeting is written after its overlap check, inside
    a savepoint, and a write committed by another connection in between (the outbox sender's, every
    few seconds) would otherwise fail it at once with "database is locked"."""
    await sqlite_write_lock(session)
    rule = rule_of(cell, config)
    report = PlanReport()
    for year, month0 in months_ahead(now, config):
        month = month0 + 1
        slot = month_slot(rule, year, month, config)
        existing = await session.scalar(
            select(Meeting).where(Meeting.cell_id == cell.id, Meeting.rule_month == slot.month)
        )
        if existing is not None:
            moved = await _follow_rule(session, existing, slot, rule, config, now, render) if rule_changed else None
            if moved is not None:
                report.moved.append(existing)
                report.note(existing, moved)
            continue
        if slot.day is None:
            if (slot.moved_from and slot_start(slot.moved_from, rule, config).at > now) and not await _regular_in_month(
                session, cell.id, year, month, config
            ):
                await reminders.tell_no_day(session, cell, slot.month, now, render)
                report.no_day.append(slot.month)
            continue
        start = slot_start(slot.day, rule, config)
        if start.at <= now or await _regular_in_month(session, cell.id, year, month, config):
            continue
        try:
            async with session.begin_nested():
                meeting = await schedule_meeting(
                    session, cell.id, start.at, now, kind=MeetingKind.REGULAR, place=rule.place, rule_month=slot.month
                )
        except DomainError:
            report.clashes.append(slot.month)
            continue
        except IntegrityError:
            log.info("cell %s month %s was planned by another process", cell.id, slot.month)
            continue
        report.planned.append(meeting)
        report.note(meeting, start)
    return report


async def _follow_rule(
    session: AsyncSession,
    meeting: Meeting,
    slot: Slot,
    rule: Rule,
    config: Config,
    now: datetime,
    render: reminders.Render,
) -> Resolved | None:
    """Move a not-yet-begun meeting planned from the old rule to the new rule's slot; the new start if moved."""
    if meeting.state is not MeetingState.PLANNED or meeting.starts_at <= now or slot.day is None:
        return None
    start = slot_start(slot.day, rule, config)
    if start.at <= now or (start.at == meeting.starts_at and rule.place == meeting.place):
        return None
    try:
        async with session.begin_nested():
            await reminders.move_meeting(session, meeting, start.at, config, now, render, place=rule.place)
    except DomainError:
        return None
    return start
