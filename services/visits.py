"""Supervisors' visits (Quy định 239-QĐ/QU: a committee member attends the meetings of the cells
they follow every quarter): the coming meetings of followed cells, registering to attend one,
checking in at it as a visitor, a comment for the summary, and each quarter's coverage.

A visit is its own row (`SupervisorVisit`), never an attendance: a supervisor present is not a
member of the meeting and never changes its attendance figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select, union, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from models import Cell, Committee, CommitteeRole, Meeting, MeetingState, NodeRole, Person, Supervision, SupervisorVisit
from models.db import insert_ignoring_duplicates
from services.digest import supervised_cells
from services.errors import DomainError
from services.meetings import ACTIVE_STATES

# How far ahead /lichtheodoi looks.
HORIZON = timedelta(days=30)
COMMENT_MAX = 1000
# The reminder goes this long before a quarter ends.
REMINDER_LEAD = timedelta(days=14)


@dataclass(frozen=True)
class Coming:
    """One coming meeting of a followed cell, and whether the supervisor registered for it."""

    meeting: Meeting
    registered: bool


async def coming(session: AsyncSession, person_id: int, now: datetime) -> list[Coming]:
    """The meetings of the cells the person follows in the next `HORIZON`, soonest first."""
    meetings = (
        await session.scalars(
            select(Meeting)
            .where(
                Meeting.cell_id.in_(supervised_cells(person_id).scalar_subquery()),
                Meeting.state.in_(ACTIVE_STATES),
                Meeting.starts_at > now,
                Meeting.starts_at <= now + HORIZON,
            )
            .options(joinedload(Meeting.cell))
            .order_by(Meeting.starts_at, Meeting.id)
        )
    ).all()
    registered = set(
        (
            await session.scalars(
                select(SupervisorVisit.meeting_id).where(
                    SupervisorVisit.person_id == person_id,
                    SupervisorVisit.meeting_id.in_([m.id for m in meetings]),
                    SupervisorVisit.registered_at.is_not(None),
                    SupervisorVisit.cancelled_at.is_(None),
                )
            )
        ).all()
    )
    return [Coming(m, m.id in registered) for m in meetings]


async def follows_cell(session: AsyncSession, person_id: int, cell_id: int) -> bool:
    followed = supervised_cells(person_id).where(Cell.id == cell_id)
    return await session.scalar(select(followed.exists())) or False


async def _bookable(session: AsyncSession, person_id: int, meeting_id: int, now: datetime) -> Meeting:
    """The meeting to register for or cancel: of a followed cell, neither cancelled nor begun."""
    meeting = await session.scalar(select(Meeting).where(Meeting.id == meeting_id).options(joinedload(Meeting.cell)))
    if meeting is None or not await follows_cell(session, person_id, meeting.cell_id):
        raise DomainError("visit-not-followed")
    if meeting.state is MeetingState.CANCELLED:
        raise DomainError("visit-meeting-cancelled")
    if meeting.state not in ACTIVE_STATES or meeting.starts_at <= now:
        raise DomainError("visit-meeting-passed")
    return meeting


async def register(session: AsyncSession, person_id: int, meeting_id: int, now: datetime) -> Meeting:
    """Register to attend; refused twice (one conditional update, so two presses at once register once)."""
    meeting = await _bookable(session, person_id, meeting_id, now)
    await session.execute(
        insert_ignoring_duplicates(
            session,
            SupervisorVisit,
            {"meeting_id": meeting.id, "person_id": person_id, "code_failures": 0},
            ["meeting_id", "person_id"],
        )
    )
    done = await session.execute(
        update(SupervisorVisit)
        .where(
            SupervisorVisit.meeting_id == meeting.id,
            SupervisorVisit.person_id == person_id,
            SupervisorVisit.registered_at.is_(None) | SupervisorVisit.cancelled_at.is_not(None),
        )
        .values(registered_at=now, cancelled_at=None)
        .execution_options(synchronize_session=False)
    )
    if getattr(done, "rowcount", 0) != 1:
        raise DomainError("visit-already-registered")
    return meeting


async def cancel(session: AsyncSession, person_id: int, meeting_id: int, now: datetime) -> Meeting:
    """Withdraw a registration; refused when there is none standing."""
    meeting = await _bookable(session, person_id, meeting_id, now)
    done = await session.execute(
        update(SupervisorVisit)
        .where(
            SupervisorVisit.meeting_id == meeting.id,
            SupervisorVisit.person_id == person_id,
            SupervisorVisit.registered_at.is_not(None),
            SupervisorVisit.cancelled_at.is_(None),
        )
        .values(cancelled_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(done, "rowcount", 0) != 1:
        raise DomainError("visit-not-registered")
    return meeting


async def open_followed(session: AsyncSession, person_id: int, now: datetime) -> Sequence[Meeting]:
    """Meetings of followed cells whose check-in is open now."""
    return (
        await session.scalars(
            select(Meeting)
            .where(
                Meeting.cell_id.in_(supervised_cells(person_id).scalar_subquery()),
                Meeting.state == MeetingState.CHECKIN_OPEN,
                Meeting.checkin_closes_at > now,
            )
            .options(joinedload(Meeting.cell))
            .order_by(Meeting.starts_at, Meeting.id)
        )
    ).all()


async def add_comment(session: AsyncSession, person_id: int, text: str) -> Meeting:
    """The comment of the supervisor's latest checked-in visit, until that meeting's summary is
    sent; a second comment replaces the first."""
    text = text.strip()
    if not text:
        raise DomainError("visit-comment-empty")
    if len(text) > COMMENT_MAX:
        raise DomainError("visit-comment-too-long", limit=COMMENT_MAX, length=len(text))
    row = await session.scalar(
        select(SupervisorVisit)
        .join(Meeting, Meeting.id == SupervisorVisit.meeting_id)
        .where(SupervisorVisit.person_id == person_id, SupervisorVisit.checked_in_at.is_not(None))
        .order_by(SupervisorVisit.checked_in_at.desc(), SupervisorVisit.id.desc())
        .limit(1)
    )
    if row is None:
        raise DomainError("visit-comment-no-checkin")
    meeting = await session.scalar(
        select(Meeting).where(Meeting.id == row.meeting_id).options(joinedload(Meeting.cell))
    )
    assert meeting is not None
    if meeting.summary_at is not None or meeting.state is MeetingState.CANCELLED:
        raise DomainError("visit-comment-too-late")
    row.comment = text
    return meeting


def quarter_start(moment: datetime) -> datetime:
    """Local midnight of the first day of the moment's quarter (in the moment's own time zone)."""
    return moment.replace(month=3 * ((moment.month - 1) // 3) + 1, day=1, hour=0, minute=0, second=0, microsecond=0)


def next_quarter(start: datetime) -> datetime:
    year, month = (start.year + 1, 1) if start.month == 10 else (start.year, start.month + 3)
    return start.replace(year=year, month=month)


def quarter_label(start: datetime) -> str:
    return f"{(start.month - 1) // 3 + 1}/{start.year}"


def _followed_pairs(scope: Select[int]) -> Select[tuple[int, int]]:
    """(supervisor, cell) for every cell in `scope` someone follows, one by one or through an
    organisation above it."""
    down = (
        select(CommitteeRole.person_id.label("person_id"), CommitteeRole.committee_id.label("id"))
        .where(CommitteeRole.role == NodeRole.SUPERVISOR)
        .cte("followed_nodes", recursive=True)
    )
    down = down.union(select(down.c.person_id, Committee.id).where(Committee.parent_id == down.c.id))
    through_nodes = select(down.c.person_id, Cell.id).join(Cell, Cell.committee_id == down.c.id)
    one_by_one = select(Supervision.person_id, Supervision.cell_id)
    pairs = union(one_by_one, through_nodes).subquery()
    return select(pairs.c[0].label("person_id"), pairs.c[1].label("cell_id")).where(
        pairs.c[1].in_(scope.scalar_subquery())
    )


@dataclass
class Coverage:
    """One supervisor over a quarter: how many of their followed cells (in the scope) they attended."""

    name: str
    followed: int
    visited: list[str] = field(default_factory=list)


async def coverage(session: AsyncSession, scope: Select[int], quarter: tuple[datetime, datetime]) -> list[Coverage]:
    """Per supervisor of cells in `scope`: followed cells, and those whose meeting they checked in
    at during the quarter. Two statements whatever the size of the scope."""
    pairs = _followed_pairs(scope).subquery()
    counts = await session.execute(
        select(Person.id, Person.full_name, func.count(func.distinct(pairs.c.cell_id)))
        .join(pairs, pairs.c.person_id == Person.id)
        .group_by(Person.id, Person.full_name)
        .order_by(Person.full_name, Person.id)
    )
    start, end = quarter
    visited = await session.execute(
        select(SupervisorVisit.person_id, Cell.name)
        .join(Meeting, Meeting.id == SupervisorVisit.meeting_id)
        .join(Cell, Cell.id == Meeting.cell_id)
        .join(pairs, (pairs.c.person_id == SupervisorVisit.person_id) & (pairs.c.cell_id == Meeting.cell_id))
        .where(SupervisorVisit.checked_in_at.is_not(None), Meeting.starts_at >= start, Meeting.starts_at < end)
        .distinct()
        .order_by(Cell.name)
    )
    names: dict[int, list[str]] = defaultdict(list)
    for person_id, cell_name in visited.all():
        names[person_id].append(cell_name)
    return [Coverage(name, count, names.get(person_id, [])) for person_id, name, count in counts.all()]


async def unvisited(session: AsyncSession, person_id: int, quarter: tuple[datetime, datetime]) -> list[str]:
    """The names of the cells the person follows whose meetings they have not attended this quarter."""
    start, end = quarter
    seen = (
        select(Meeting.cell_id)
        .join(SupervisorVisit, SupervisorVisit.meeting_id == Meeting.id)
        .where(
            SupervisorVisit.person_id == person_id,
            SupervisorVisit.checked_in_at.is_not(None),
            Meeting.starts_at >= start,
            Meeting.starts_at < end,
        )
    )
    rows = await session.scalars(
        select(Cell.name)
        .where(Cell.id.in_(supervised_cells(person_id).scalar_subquery()), Cell.id.not_in(seen))
        .order_by(Cell.name)
    )
    return list(rows.all())
