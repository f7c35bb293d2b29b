"""The warnings of the rules, per member: unexcused absences that call for removal from the rolls
(Quy định 294-QĐ/TW), absences with reason too many times in a row, members the bot could not reach."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Attendance,
    Cell,
    Meeting,
    MeetingState,
    Membership,
    OutboxMessage,
    OutboxState,
    Outcome,
    Person,
)

# Hướng dẫn 12-HD/BTCTW: no member absent with reason more than 3 times in a row in the year.
EXCUSED_STREAK_LIMIT = 3
# Quy định 29-QĐ/TW point 8.1 (kept in QĐ 24 and QĐ 294): 3 unexcused absences in a year -> consider removal.
REMOVAL_UNEXCUSED = 3


@dataclass(frozen=True)
class Flag:
    """One member named by a warning rule, with the number behind it."""

    cell_id: int
    person_id: int
    name: str
    count: int = 0


@dataclass(frozen=True)
class Warnings:
    low_attendance: bool = False
    percent: float | None = None
    unexcused: Sequence[str] = ()
    excused_streaks: Sequence[Flag] = ()
    removal: Sequence[Flag] = ()
    unreachable: Sequence[str] = ()
    year: int = 0

    def __bool__(self) -> bool:
        return bool(self.low_attendance or self.unexcused or self.excused_streaks or self.removal or self.unreachable)


def cell_ids(cell_id: int) -> Select[int]:
    return select(Cell.id).where(Cell.id == cell_id)


def _still_member(cell_id: SQLColumnExpression[int], at: datetime) -> ColumnElement[bool]:
    """Warnings name only people still in the cell: one who moved away or died is not flagged."""
    return (
        select(Membership.id)
        .where(Membership.person_id == Attendance.person_id, Membership.cell_id == cell_id, Membership.active_at(at))
        .exists()
    )


def _held_between(cells: Select[int], since: datetime, until: datetime) -> ColumnElement[bool]:
    """The cells' meetings held (check-in closed) from `since` up to and including `until`."""
    return and_(
        Meeting.cell_id.in_(cells.scalar_subquery()),
        Meeting.state == MeetingState.CLOSED,
        Meeting.starts_at >= since,
        Meeting.starts_at <= until,
    )


async def removal_flags(session: AsyncSession, cells: Select[int], since: datetime, until: datetime) -> list[Flag]:
    """Members with REMOVAL_UNEXCUSED or more unexcused absences between `since` and `until`."""
    count = func.count(Attendance.id)
    rows = await session.execute(
        select(Meeting.cell_id, Attendance.person_id, Person.full_name, count)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .join(Person, Person.id == Attendance.person_id)
        .where(
            _held_between(cells, since, until),
            Attendance.outcome == Outcome.UNEXCUSED,
            _still_member(Meeting.cell_id, until),
        )
        .group_by(Meeting.cell_id, Attendance.person_id, Person.full_name)
        .having(count >= REMOVAL_UNEXCUSED)
        .order_by(Meeting.cell_id, Person.full_name)
    )
    return [Flag(*row) for row in rows]


async def excused_streak_flags(
    session: AsyncSession, cells: Select[int], since: datetime, until: datetime
) -> list[Flag]:
    """Members absent with reason at each of their cell's last EXCUSED_STREAK_LIMIT + 1 meetings
    held between `since` and `until`: "more than 3 times in a row" as of the latest one."""
    streak = EXCUSED_STREAK_LIMIT + 1
    ranked = (
        select(
            Meeting.id.label("meeting_id"),
            Meeting.cell_id.label("cell_id"),
            func.row_number().over(partition_by=Meeting.cell_id, order_by=Meeting.starts_at.desc()).label("rank"),
        )
        .where(_held_between(cells, since, until))
        .subquery()
    )
    count = func.count(Attendance.id)
    rows = await session.execute(
        select(ranked.c.cell_id, Attendance.person_id, Person.full_name, count)
        .join(Attendance, Attendance.meeting_id == ranked.c.meeting_id)
        .join(Person, Person.id == Attendance.person_id)
        .where(
            ranked.c.rank <= streak,
            Attendance.outcome == Outcome.EXCUSED,
            _still_member(ranked.c.cell_id, until),
        )
        .group_by(ranked.c.cell_id, Attendance.person_id, Person.full_name)
        .having(count >= streak)
        .order_by(ranked.c.cell_id, Person.full_name)
    )
    return [Flag(*row) for row in rows]


async def unreachable_flags(session: AsyncSession, meetings: Select[int]) -> list[Flag]:
    """Members whose messages about these meetings the outbox gave up on (blocked the bot, left...)."""
    rows = await session.execute(
        select(Meeting.cell_id, Person.id, Person.full_name)
        .join(OutboxMessage, OutboxMessage.meeting_id == Meeting.id)
        .join(Person, Person.id == OutboxMessage.person_id)
        .where(Meeting.id.in_(meetings.scalar_subquery()), OutboxMessage.state == OutboxState.UNDELIVERABLE)
        .distinct()
        .order_by(Meeting.cell_id, Person.full_name)
    )
    return [Flag(*row) for row in rows]
