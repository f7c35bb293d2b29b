"""The live count of a check-in: members present over the members who count, for one meeting or
a whole round of counter edits in one query."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.callback import ID_MAX
from models import Attendance, Meeting, MeetingState, Membership, MemberStatus


@dataclass(frozen=True)
class Tally:
    """Present members over the members who count (exempted members are out of the denominator)."""

    present: int
    counted: int
    present_exempt: int


async def tally(session: AsyncSession, meeting: Meeting) -> Tally:
    """Live count for the check-in message: one query, whatever the cell's size."""
    return (await _tallies(session, [meeting.id])).get(meeting.id, Tally(0, 0, 0))


async def open_tallies(session: AsyncSession, meeting_ids: Collection[int]) -> dict[int, tuple[Meeting, Tally]]:
    """The meetings among these whose check-in is open, with their live counts: two queries for a
    whole round of counter edits, whatever their number. An id no database key can be is nobody's."""
    meeting_ids = [mid for mid in meeting_ids if 1 <= mid <= ID_MAX]
    if not meeting_ids:
        return {}
    opened = await session.scalars(
        select(Meeting).where(Meeting.id.in_(meeting_ids), Meeting.state == MeetingState.CHECKIN_OPEN)
    )
    meetings = {m.id: m for m in opened}
    counts = await _tallies(session, meetings)
    return {mid: (meeting, counts.get(mid, Tally(0, 0, 0))) for mid, meeting in meetings.items()}


async def _tallies(session: AsyncSession, meeting_ids: Collection[int]) -> dict[int, Tally]:
    """Each meeting's members present, members counted (the exempted are not) and exempted members
    present, in one query; a meeting with no members is left out."""
    if not meeting_ids:
        return {}
    exempt = Membership.status == MemberStatus.EXEMPT
    present = Attendance.checked_in_at.is_not(None)
    rows = await session.execute(
        select(
            Meeting.id,
            func.count().filter(~exempt & present),
            func.count().filter(~exempt),
            func.count().filter(exempt & present),
        )
        .select_from(Meeting)
        .join(Membership, (Membership.cell_id == Meeting.cell_id) & Membership.active_at(Meeting.starts_at))
        .outerjoin(
            Attendance,
            (Attendance.person_id == Membership.person_id) & (Attendance.meeting_id == Meeting.id),
        )
        .where(Meeting.id.in_(meeting_ids))
        .group_by(Meeting.id)
    )
    return {mid: Tally(present=p, counted=c, present_exempt=e) for mid, p, c, e in rows.all()}
