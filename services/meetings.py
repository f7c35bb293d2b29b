"""Meetings of a cell: which one is next, and a member's record over a year."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Attendance, Meeting, MeetingKind, MeetingState, Outcome
from services.errors import DomainError

ACTIVE_STATES = (MeetingState.PLANNED, MeetingState.CHECKIN_OPEN)
# A planned meeting stays "current" this long after its start, so a late check-in still finds it.
CURRENT_GRACE = timedelta(hours=6)
# Two meetings of one cell closer than this overlap (a meeting lasts 90-120 minutes).
MEETING_SLOT = timedelta(hours=3)


async def current_meeting(session: AsyncSession, cell_id: int, now: datetime) -> Meeting | None:
    """The meeting whose check-in is open, else the next planned one (or one that just began)."""
    open_meeting = await session.scalar(
        select(Meeting)
        .where(Meeting.cell_id == cell_id, Meeting.state == MeetingState.CHECKIN_OPEN)
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )
    if open_meeting is not None:
        return open_meeting
    return await session.scalar(
        select(Meeting)
        .where(
            Meeting.cell_id == cell_id,
            Meeting.state == MeetingState.PLANNED,
            Meeting.starts_at >= now - CURRENT_GRACE,
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    )


def has_begun(now: datetime) -> ColumnElement[bool]:
    """A meeting has been held or is under way: its start has passed, or its check-in was already
    closed (opened early and closed before the planned start)."""
    return or_(Meeting.starts_at <= now, Meeting.state == MeetingState.CLOSED)


async def latest_begun(session: AsyncSession, cell_id: int, now: datetime) -> Meeting | None:
    """The cell's latest meeting that has begun or been held, cancelled ones aside: what a report or
    a mark without a date is about, including a past meeting nobody settled."""
    return await session.scalar(
        select(Meeting)
        .where(Meeting.cell_id == cell_id, Meeting.state != MeetingState.CANCELLED, has_begun(now))
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )


def is_unsettled(meeting: Meeting, now: datetime) -> bool:
    """Its time has passed and its attendance was never settled (check-in never opened and closed)."""
    return meeting.state is MeetingState.PLANNED and meeting.starts_at <= now


async def meetings_on(session: AsyncSession, cell_id: int, days: Collection[date], zone: ZoneInfo) -> list[Meeting]:
    """The cell's meetings, cancelled ones aside, on any of these local days, earliest first."""
    found: list[Meeting] = []
    for day in sorted(set(days)):
        start = datetime(day.year, day.month, day.day, tzinfo=zone)
        found += (
            await session.scalars(
                select(Meeting)
                .where(
                    Meeting.cell_id == cell_id,
                    Meeting.state != MeetingState.CANCELLED,
                    Meeting.starts_at >= start,
                    Meeting.starts_at < start + timedelta(days=1),
                )
                .order_by(Meeting.starts_at)
            )
        ).all()
    return found


async def current_meetings(session: AsyncSession, cell_ids: Collection[int], now: datetime) -> list[Meeting]:
    """The current meeting of each of these cells (a member of two cells has two), soonest first."""
    found = [await current_meeting(session, cell_id, now) for cell_id in sorted(set(cell_ids))]
    return sorted((m for m in found if m is not None), key=lambda m: m.starts_at)


async def open_checkins(session: AsyncSession, cell_ids: Collection[int], now: datetime) -> Sequence[Meeting]:
    """Meetings of these cells whose check-in is open right now."""
    return (
        await session.scalars(
            select(Meeting)
            .where(
                Meeting.cell_id.in_(list(cell_ids)),
                Meeting.state == MeetingState.CHECKIN_OPEN,
                Meeting.checkin_closes_at > now,
            )
            .order_by(Meeting.starts_at)
        )
    ).all()


@dataclass(frozen=True)
class YearRecord:
    """A member's attendance over one calendar year, counted from settled meetings."""

    year: int
    meetings: int
    present: int
    excused: int
    unexcused: int


async def year_record(session: AsyncSession, person_id: int, cell_id: int, year: int, zone: ZoneInfo) -> YearRecord:
    start = datetime(year, 1, 1, tzinfo=zone)
    end = datetime(year + 1, 1, 1, tzinfo=zone)
    outcomes = (
        await session.scalars(
            select(Attendance.outcome)
            .join(Meeting)
            .where(
                Attendance.person_id == person_id,
                Meeting.cell_id == cell_id,
                Meeting.state == MeetingState.CLOSED,
                Meeting.starts_at >= start,
                Meeting.starts_at < end,
            )
        )
    ).all()
    counts = Counter(outcomes)
    return YearRecord(
        year=year,
        meetings=len(outcomes),
        present=counts[Outcome.PRESENT],
        excused=counts[Outcome.EXCUSED],
        unexcused=counts[Outcome.UNEXCUSED],
    )


async def my_answer(session: AsyncSession, meeting_id: int, person_id: int) -> Attendance | None:
    return await session.scalar(
        select(Attendance).where(Attendance.meeting_id == meeting_id, Attendance.person_id == person_id)
    )


async def check_new_time(
    session: AsyncSession, cell_id: int, starts_at: datetime, now: datetime, *, moving: int | None = None
) -> None:
    """Refuse a meeting time in the past or overlapping another active meeting of the cell (other
    than `moving`, the meeting being moved)."""
    if starts_at <= now:
        raise DomainError("err-meeting-in-past")
    query = select(Meeting.id).where(
        Meeting.cell_id == cell_id,
        Meeting.state.in_(ACTIVE_STATES),
        Meeting.starts_at > starts_at - MEETING_SLOT,
        Meeting.starts_at < starts_at + MEETING_SLOT,
    )
    if moving is not None:
        query = query.where(Meeting.id != moving)
    if await session.scalar(query.limit(1)) is not None:
        raise DomainError("err-meeting-overlap")


async def schedule_meeting(
    session: AsyncSession,
    cell_id: int,
    starts_at: datetime,
    now: datetime,
    *,
    kind: MeetingKind = MeetingKind.REGULAR,
    place: str | None = None,
    agenda: str | None = None,
    rule_month: str | None = None,
) -> Meeting:
    """Plan one meeting; refuses a time in the past and an overlap with the cell's other meetings."""
    await check_new_time(session, cell_id, starts_at, now)
    meeting = Meeting(
        cell_id=cell_id,
        kind=kind,
        starts_at=starts_at,
        place=place,
        agenda=agenda,
        rule_month=rule_month,
        created_at=now,
    )
    session.add(meeting)
    await session.flush()
    return meeting


async def upcoming_meetings(session: AsyncSession, cell_id: int, now: datetime) -> Sequence[Meeting]:
    """Meetings of the cell not over yet (planned, or check-in open), soonest first."""
    query = (
        select(Meeting)
        .where(Meeting.cell_id == cell_id, Meeting.state.in_(ACTIVE_STATES), Meeting.starts_at > now - CURRENT_GRACE)
        .order_by(Meeting.starts_at)
    )
    return (await session.scalars(query)).all()


async def unsettled_meetings(session: AsyncSession, cell_id: int, now: datetime, limit: int) -> Sequence[Meeting]:
    """Past meetings nobody settled (no check-in), latest first: they can still be settled or cancelled."""
    query = (
        select(Meeting)
        .where(
            Meeting.cell_id == cell_id,
            Meeting.state == MeetingState.PLANNED,
            Meeting.starts_at <= now - CURRENT_GRACE,
        )
        .order_by(Meeting.starts_at.desc())
        .limit(limit)
    )
    return (await session.scalars(query)).all()
