"""Attendance: answers before the meeting, check-in during it, and the settled record after it.

The database decides who checked in first: the row is created with ON CONFLICT DO NOTHING and
marked with a conditional UPDATE, so two presses racing each other count once.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Attendance,
    Meeting,
    MeetingState,
    Membership,
    MemberStatus,
    Outcome,
    Rsvp,
    SupervisorVisit,
)
from models.db import insert_ignoring_duplicates
from services import absences, audit
from services.errors import DomainError
from services.tallies import Tally, tally

# Check-in may open this long before the planned start (members arrive early).
OPEN_EARLY = timedelta(hours=2)
# A member who types this many wrong codes must ask the secretary: codes are only 4 digits.
MAX_CODE_FAILURES = 5
CODE_SPACE = 10_000
REASON_MAX = 500
# Where a check-in is written: a member's attendance, or a supervisor's visit.
CheckInRow = type[Attendance] | type[SupervisorVisit]


class CheckIn(StrEnum):
    OK = "ok"
    ALREADY = "already"
    WRONG_CODE = "wrong_code"
    LOCKED = "locked"


async def attendance_row(session: AsyncSession, meeting_id: int, person_id: int) -> Attendance:
    """The member's row for the meeting, created if missing (safe against concurrent creation)."""
    row = await _row(session, Attendance, meeting_id, person_id)
    assert isinstance(row, Attendance)
    return row


async def _row(
    session: AsyncSession, model: CheckInRow, meeting_id: int, person_id: int
) -> Attendance | SupervisorVisit:
    """A member's attendance or a supervisor's visit, created if missing (safe against concurrent creation)."""
    await session.execute(
        insert_ignoring_duplicates(
            session,
            model,
            {"meeting_id": meeting_id, "person_id": person_id, "code_failures": 0},
            ["meeting_id", "person_id"],
        )
    )
    row = await session.scalar(
        select(model)
        .where(model.meeting_id == meeting_id, model.person_id == person_id)
        .execution_options(populate_existing=True)
    )
    assert isinstance(row, (Attendance, SupervisorVisit))
    return row


def clean_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError("absent-reason-missing")
    if len(reason) > REASON_MAX:
        raise DomainError("absent-reason-too-long", limit=REASON_MAX)
    return reason


async def answer(
    session: AsyncSession, meeting: Meeting, person_id: int, rsvp: Rsvp, reason: str | None, now: datetime
) -> Attendance:
    """Will attend, or asks to be absent with a reason; can change until the meeting starts."""
    if meeting.state is not MeetingState.PLANNED or now >= meeting.starts_at:
        raise DomainError("rsvp-too-late")
    member = select(Membership.id).where(
        Membership.person_id == person_id,
        Membership.cell_id == meeting.cell_id,
        Membership.active_at(meeting.starts_at),
    )
    if await session.scalar(member) is None:
        # A question asked before her membership ended is answered after: no row for a non-member.
        raise DomainError("err-not-your-cell")
    row = await attendance_row(session, meeting.id, person_id)
    row.rsvp = rsvp
    row.reason = clean_reason(reason or "") if rsvp is Rsvp.ABSENT else None
    row.rsvp_at = now
    return row


async def open_checkin(
    session: AsyncSession, meeting: Meeting, now: datetime, minutes: int, *, requires_code: bool
) -> str:
    """Open check-in and return the short code to show in the room."""
    if meeting.state is MeetingState.CHECKIN_OPEN:
        raise DomainError("checkin-already-open", code=meeting.checkin_code or "")
    if meeting.state is not MeetingState.PLANNED:
        raise DomainError("checkin-meeting-over")
    if now < meeting.starts_at - OPEN_EARLY:
        raise DomainError("checkin-too-early")
    meeting.state = MeetingState.CHECKIN_OPEN
    meeting.checkin_code = await _free_code(session, now)
    meeting.checkin_requires_code = requires_code
    meeting.checkin_opened_at = now
    meeting.checkin_closes_at = now + timedelta(minutes=minutes)
    return meeting.checkin_code


async def _free_code(session: AsyncSession, now: datetime) -> str:
    """A code no open check-in uses, so `/diemdanh <mã>` identifies its meeting in whichever cell."""
    taken = set(
        (
            await session.scalars(
                select(Meeting.checkin_code).where(
                    Meeting.state == MeetingState.CHECKIN_OPEN, Meeting.checkin_closes_at > now
                )
            )
        ).all()
    )
    if len(taken) >= CODE_SPACE:
        raise DomainError("checkin-no-free-code")
    while True:
        code = f"{secrets.randbelow(CODE_SPACE):04d}"
        if code not in taken:
            return code


def is_open(meeting: Meeting, now: datetime) -> bool:
    return (
        meeting.state is MeetingState.CHECKIN_OPEN
        and meeting.checkin_closes_at is not None
        and now < meeting.checkin_closes_at
    )


async def check_in(
    session: AsyncSession, meeting: Meeting, person_id: int, now: datetime, *, code: str | None, visitor: bool = False
) -> CheckIn:
    """Record the member present; `code=None` is the group button (refused when the cell requires the
    code). `visitor`: a supervisor of the cell, recorded as a visit (services/visits.py), never as
    an attendance, under the same rules and with their own count of wrong codes."""
    if not is_open(meeting, now):
        raise DomainError("checkin-closed")
    model: CheckInRow = SupervisorVisit if visitor else Attendance
    row = await _row(session, model, meeting.id, person_id)
    if row.checked_in_at is not None:
        return CheckIn.ALREADY
    if code is not None or meeting.checkin_requires_code:
        if row.code_failures >= MAX_CODE_FAILURES:
            return CheckIn.LOCKED
        if code is None or not hmac.compare_digest(code.strip(), meeting.checkin_code or ""):
            row.code_failures += 1
            return CheckIn.WRONG_CODE
    result = await session.execute(
        update(model)
        .where(model.id == row.id, model.checked_in_at.is_(None))
        .values(checked_in_at=now)
        .execution_options(synchronize_session=False)
    )
    return CheckIn.OK if getattr(result, "rowcount", 0) == 1 else CheckIn.ALREADY


async def check_in_by_code(
    session: AsyncSession,
    meetings: Sequence[Meeting],
    person_id: int,
    now: datetime,
    code: str,
    *,
    visitor: bool = False,
) -> tuple[Meeting, CheckIn]:
    """`/diemdanh <mã>` for a member whose cells have these check-ins open (or, `visitor`, a
    supervisor whose followed cells have): the code names the
    meeting. A code matching none counts as a wrong guess at each of them, so two open cells do not
    give a guesser twice the tries."""
    if not meetings:
        raise DomainError("checkin-closed")
    typed = code.strip()
    matching = [m for m in meetings if hmac.compare_digest(typed, m.checkin_code or "")]
    if matching or len(meetings) == 1:
        meeting = (matching or list(meetings))[0]
        return meeting, await check_in(session, meeting, person_id, now, code=code, visitor=visitor)
    results = [await check_in(session, m, person_id, now, code=code, visitor=visitor) for m in meetings]
    if all(r is CheckIn.ALREADY for r in results):
        return meetings[0], CheckIn.ALREADY
    return meetings[0], CheckIn.LOCKED if CheckIn.LOCKED in results else CheckIn.WRONG_CODE


def _settle(row: Attendance, status: MemberStatus) -> None:
    row.member_status = status
    if row.checked_in_at is not None:
        row.outcome = Outcome.PRESENT
    elif status is MemberStatus.EXEMPT:
        row.outcome = None  # an exempted member who stays home is not absent
    elif row.rsvp is Rsvp.ABSENT and row.reason:
        row.outcome = Outcome.EXCUSED
    else:
        row.outcome = Outcome.UNEXCUSED


async def close_checkin(session: AsyncSession, meeting: Meeting, now: datetime) -> Tally:
    """Close check-in and settle every member's record: present, excused, or absent without reason."""
    if meeting.state is MeetingState.PLANNED and now < meeting.starts_at:
        raise DomainError("checkin-not-started")
    if meeting.state not in (MeetingState.PLANNED, MeetingState.CHECKIN_OPEN):
        raise DomainError("checkin-meeting-over")
    # Claim the closing in the database: of two closings racing (the scheduler and /dongdiemdanh,
    # or two secretaries settling a past meeting), the second finds it closed and settles nothing.
    claimed = await session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.state.in_([MeetingState.PLANNED, MeetingState.CHECKIN_OPEN]))
        .values(state=MeetingState.CLOSED)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        raise DomainError("checkin-meeting-over")
    members = (
        await session.scalars(
            select(Membership).where(Membership.cell_id == meeting.cell_id, Membership.active_at(meeting.starts_at))
        )
    ).all()
    rows = {
        r.person_id: r
        for r in (await session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))).all()
    }
    away = await absences.excused(session, meeting)
    for membership in members:
        row = rows.get(membership.person_id)
        if row is None:
            row = Attendance(meeting_id=meeting.id, person_id=membership.person_id, code_failures=0)
            session.add(row)
        if membership.person_id in away:
            row.rsvp, row.reason = Rsvp.ABSENT, away[membership.person_id]
        _settle(row, membership.status)
    meeting.state = MeetingState.CLOSED
    meeting.closed_at = now
    meeting.checkin_closes_at = min(meeting.checkin_closes_at or now, now)
    await session.flush()
    return await tally(session, meeting)


async def close_due(session: AsyncSession, now: datetime) -> list[tuple[Meeting, Tally]]:
    """Close every check-in whose time is up, with each one's final count; the scheduler calls this."""
    due = (
        await session.scalars(
            select(Meeting)
            .where(Meeting.state == MeetingState.CHECKIN_OPEN, Meeting.checkin_closes_at <= now)
            # Two workers closing at once: each meeting is closed (and its counter edited) by one.
            .with_for_update(skip_locked=True)
        )
    ).all()
    closed = []
    for meeting in due:
        try:
            closed.append((meeting, await close_checkin(session, meeting, now)))
        except DomainError:
            continue  # a secretary closed it meanwhile
    return closed


async def mark(
    session: AsyncSession,
    meeting: Meeting,
    *,
    actor_id: int,
    membership: Membership,
    present: bool,
    reason: str | None,
    now: datetime,
) -> Attendance:
    """A secretary records attendance for someone (no phone, forgot to check in); audited."""
    if meeting.state is MeetingState.CANCELLED:
        raise DomainError("mark-cancelled")
    row = await attendance_row(session, meeting.id, membership.person_id)
    row.marked_by_id = actor_id
    if present:
        row.checked_in_at = row.checked_in_at or now
    else:
        row.checked_in_at = None
        row.rsvp = Rsvp.ABSENT
        row.reason = clean_reason(reason) if reason else None
        row.rsvp_at = now
    if meeting.state is MeetingState.CLOSED:
        _settle(row, row.member_status or membership.status)
    audit.record(
        session,
        actor_id=actor_id,
        subject_id=membership.person_id,
        meeting_id=meeting.id,
        action="mark_present" if present else "mark_absent",
        detail=row.reason,
        now=now,
    )
    return row
