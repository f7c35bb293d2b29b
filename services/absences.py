"""Tạm vắng: a period a member declares ahead (ill, in treatment, away on long work) with a reason.

Nothing is written to the meetings when a period is declared: a meeting is covered when it starts
inside the period, and this is read where it matters, so a meeting planned later, a moved meeting
and a cancelled declaration all come out right, and the period ends by itself:
- the reminders treat the member as excused (services/reminders/audience.py), so they stop;
- closing check-in settles her as absent with that reason (services/attendance.py).
A member who comes anyway and checks in is present; an answer she gives for one meeting after
declaring the period (/vang, the RSVP buttons) is more recent and stands.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from models import Absence, Attendance, Meeting, Membership, Person
from models.db import sqlite_write_lock
from services import attendance, audit
from services.errors import DomainError
from services.parsing import parse_date

# "20/12-10/01", "20/12 - 10/01/2027", "20.12–10.01": two dates with / or . (a dash inside a date
# would be ambiguous here) joined by a dash or "đến".
_PERIOD = re.compile(
    r"^([0-9]{1,2}[/.][0-9]{1,2}(?:[/.][0-9]{4})?)\s*(?:[-–—]|\s(?:đến|den)\s)\s*([0-9]{1,2}[/.][0-9]{1,2}(?:[/.][0-9]{4})?)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def looks_like_period(text: str) -> bool:
    return _PERIOD.match(text.strip()) is not None


def parse_period(text: str, today: date, max_days: int) -> Period:
    """The first and last day. A first day without a year is the nearer of its coming and its past
    date (ill since Monday is a few days back); a last day without a year is the first such day on
    or after the first (so 20/12-10/01 crosses into the next year)."""
    match = _PERIOD.match(text.strip())
    if match is None:
        raise DomainError("absence-usage")
    start_text, end_text = match.group(1), match.group(2)
    options = {parse_date(start_text, today), parse_date(start_text, today, past=True)}
    first = min(options, key=lambda d: (abs((d - today).days), d < today))
    last = parse_date(end_text, first)
    if last < first:
        raise DomainError("absence-end-before-start", first=_show(first), last=_show(last))
    if last < today:
        raise DomainError("absence-in-past", last=_show(last))
    period = Period(first, last)
    if period.days > max_days:
        raise DomainError("absence-too-long", days=period.days, limit=max_days)
    return period


def _show(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _bounds(period: Period, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Local midnight of the first day and of the day after the last."""
    start = datetime(period.first.year, period.first.month, period.first.day, tzinfo=zone)
    after = period.last + timedelta(days=1)
    return start, datetime(after.year, after.month, after.day, tzinfo=zone)


def active(now: datetime) -> ColumnElement[bool]:
    """SQL: declared, not cancelled, not over."""
    return (Absence.cancelled_at.is_(None)) & (Absence.ends_at > now)


async def declare(
    session: AsyncSession,
    person_id: int,
    period: Period,
    reason: str,
    *,
    zone: ZoneInfo,
    now: datetime,
    actor_id: int,
) -> Absence:
    """Record the period; refuses one overlapping a period the member already declared. A leader
    declaring for someone else is audited."""
    if not reason.strip():
        raise DomainError("absence-no-reason")
    reason = attendance.clean_reason(reason)
    starts_at, ends_at = _bounds(period, zone)
    await _lock_declarations(session, person_id)
    overlapping = await session.scalar(
        select(Absence)
        .where(Absence.person_id == person_id, active(now), Absence.starts_at < ends_at, Absence.ends_at > starts_at)
        .limit(1)
    )
    if overlapping is not None:
        first, last = shown_days(overlapping, zone)
        raise DomainError("absence-overlap", first=first, last=last)
    absence = Absence(
        person_id=person_id,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
        declared_by_id=actor_id,
        created_at=now,
    )
    session.add(absence)
    if actor_id != person_id:
        audit.record(session, actor_id=actor_id, subject_id=person_id, action="declare_absence", detail=reason, now=now)
    await session.flush()
    return absence


async def _lock_declarations(session: AsyncSession, person_id: int) -> None:
    """Hold off other declarations for the member until this transaction ends, so that of two at
    once (a double tap, the member and the secretary, two serve processes) the second checks for
    overlaps only after the first is committed. PostgreSQL locks the person's row (FOR NO KEY
    UPDATE: rows referring to her can still be written); SQLite takes its one write lock."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(Person.id).where(Person.id == person_id).with_for_update(key_share=True))
    else:
        await sqlite_write_lock(session)


def shown_days(absence: Absence, zone: ZoneInfo) -> tuple[str, str]:
    """The first and last day as dd/mm/yyyy."""
    first = absence.starts_at.astimezone(zone).date()
    last = absence.ends_at.astimezone(zone).date() - timedelta(days=1)
    return _show(first), _show(last)


async def of_person(session: AsyncSession, person_id: int, now: datetime) -> Sequence[Absence]:
    """A member's periods not over yet, earliest first (numbered from 1 in her list)."""
    return (
        await session.scalars(
            select(Absence).where(Absence.person_id == person_id, active(now)).order_by(Absence.starts_at, Absence.id)
        )
    ).all()


async def of_cell(session: AsyncSession, cell_id: int, now: datetime) -> Sequence[Absence]:
    """The periods not over yet of the cell's current members (for the secretary), earliest first."""
    return (
        await session.scalars(
            select(Absence)
            .join(Membership, Membership.person_id == Absence.person_id)
            .where(Membership.cell_id == cell_id, Membership.current(), active(now))
            .options(joinedload(Absence.person))
            .order_by(Absence.starts_at, Absence.id)
        )
    ).all()


def cancel(session: AsyncSession, absence: Absence, *, actor_id: int, now: datetime) -> None:
    absence.cancelled_at = now
    if actor_id != absence.person_id:
        audit.record(
            session, actor_id=actor_id, subject_id=absence.person_id, action="cancel_absence", detail=None, now=now
        )


async def excused(session: AsyncSession, meeting: Meeting) -> dict[int, str]:
    """Members whose declared period covers the meeting and still applies: person id -> reason.

    It applies unless the member checked in, or answered for this meeting after declaring."""
    rows = await session.execute(
        select(Absence.person_id, Absence.reason)
        .join(Membership, Membership.person_id == Absence.person_id)
        .outerjoin(Attendance, (Attendance.person_id == Absence.person_id) & (Attendance.meeting_id == meeting.id))
        .where(
            Membership.cell_id == meeting.cell_id,
            Absence.cancelled_at.is_(None),
            Absence.starts_at <= meeting.starts_at,
            Absence.ends_at > meeting.starts_at,
            Attendance.checked_in_at.is_(None),
            or_(Attendance.rsvp_at.is_(None), Attendance.rsvp_at < Absence.created_at),
        )
        .order_by(Absence.id)
    )
    return {person_id: reason for person_id, reason in rows.all()}
