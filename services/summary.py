"""The meeting summary for the committee (cấp ủy) and the warnings the rules call for.

The warning queries take a set of cells as a subquery, so one summary and a digest over
thousands of cells issue the same fixed number of SQL statements.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from core.i18n import Translator
from models import (
    Attendance,
    Cell,
    Meeting,
    MeetingScore,
    MeetingState,
    MemberStatus,
    Opinion,
    Outcome,
    Person,
    Platform,
    PostedMessage,
    SupervisorVisit,
    Vote,
)
from services import materials
from services.errors import DomainError
from services.meetings import latest_begun, meetings_on
from services.votes import results as vote_results
from services.warnings import Warnings, cell_ids, excused_streak_flags, removal_flags, unreachable_flags

# Hướng dẫn 12-HD/BTCTW (2018): a good regular meeting has attendance above 85 %.
ATTENDANCE_BAR_PERCENT = 85


@dataclass(frozen=True)
class Breakdown:
    """Attendance at one meeting by party status; exempted members are out of the denominator."""

    by_status: Mapping[MemberStatus, tuple[int, int]]  # status -> (members, present)
    excused: int = 0
    unexcused: int = 0

    @property
    def counted(self) -> int:
        return sum(total for status, (total, _) in self.by_status.items() if status is not MemberStatus.EXEMPT)

    @property
    def present(self) -> int:
        return sum(present for status, (_, present) in self.by_status.items() if status is not MemberStatus.EXEMPT)

    def members(self, status: MemberStatus) -> int:
        return self.by_status.get(status, (0, 0))[0]

    def present_of(self, status: MemberStatus) -> int:
        return self.by_status.get(status, (0, 0))[1]

    @property
    def percent(self) -> float | None:
        return None if not self.counted else 100 * self.present / self.counted

    @property
    def low(self) -> bool:
        """At or under the bar (integer arithmetic: 85.0 % exactly is low)."""
        return bool(self.counted) and self.present * 100 <= ATTENDANCE_BAR_PERCENT * self.counted


def fold_breakdown(groups: Iterable[tuple[MemberStatus | None, Outcome | None, int]]) -> Breakdown:
    """Build a Breakdown from (status snapshot, outcome, how many) groups, from SQL or from rows.

    A row without a status snapshot counts as a full member: closing check-in snapshots every
    member, so only rows written outside that path lack one.
    """
    members: Counter[MemberStatus] = Counter()
    present: Counter[MemberStatus] = Counter()
    excused = unexcused = 0
    for status, outcome, count in groups:
        status = status or MemberStatus.FULL
        members[status] += count
        if outcome is Outcome.PRESENT:
            present[status] += count
        elif outcome is Outcome.EXCUSED:
            excused += count
        elif outcome is Outcome.UNEXCUSED:
            unexcused += count
    return Breakdown({s: (members[s], present[s]) for s in members}, excused, unexcused)


async def breakdowns(session: AsyncSession, meetings: Select[int]) -> dict[int, Breakdown]:
    """Attendance of many meetings in one grouped query (meetings without rows are left out)."""
    rows = await session.execute(
        select(Attendance.meeting_id, Attendance.member_status, Attendance.outcome, func.count(Attendance.id))
        .where(Attendance.meeting_id.in_(meetings.scalar_subquery()))
        .group_by(Attendance.meeting_id, Attendance.member_status, Attendance.outcome)
    )
    grouped: dict[int, list[tuple[MemberStatus | None, Outcome | None, int]]] = defaultdict(list)
    for meeting_id, status, outcome, count in rows:
        grouped[meeting_id].append((status, outcome, count))
    return {meeting_id: fold_breakdown(groups) for meeting_id, groups in grouped.items()}


@dataclass(frozen=True)
class Named:
    name: str
    reason: str | None = None


@dataclass(frozen=True)
class MeetingReport:
    """Everything a summary or a minutes draft shows for one held meeting."""

    meeting: Meeting
    cell: Cell
    breakdown: Breakdown
    present: Sequence[Named]
    excused: Sequence[Named]
    unexcused: Sequence[Named]
    never_answered: Sequence[Named]
    exempt: Sequence[Named]
    opinions: Sequence[Named]  # name = author, reason = the opinion's text
    score: MeetingScore | None
    warnings: Warnings = field(default_factory=Warnings)
    votes: Sequence[Vote] = ()  # closed resolution votes, in order
    # (reads, reads expected) of the month's materials (/tailieu), when the cell received any.
    materials_read: tuple[int, int] | None = None
    # Supervisors who checked in (services/visits.py): name, reason = their comment, if any.
    visitors: Sequence[Named] = ()


def percent_text(tr: Translator, value: float | None) -> str:
    """85.7 -> "85,7" in Vietnamese, "85.7" in English; whole numbers without decimals."""
    if value is None:
        return "—"
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if tr.language == "vi" else text


def local_day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    return start, start + timedelta(days=1)


def year_bounds(year: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def month_label(moment: datetime, zone: ZoneInfo) -> str:
    """ "11/2026": the local month of an instant, as reports name it."""
    local = moment.astimezone(zone)
    return f"{local.month:02d}/{local.year}"


def month_bounds(year: int, month: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return datetime(year, month, 1, tzinfo=zone), datetime(*following, 1, tzinfo=zone)


async def report_meeting(
    session: AsyncSession, cell_id: int, now: datetime, zone: ZoneInfo, day: date | None = None
) -> Meeting:
    """The meeting a summary, a score or an export is about: the one on `day`, else the latest one
    that began or whose check-in closed (check-in may open early and close before the planned start)."""
    if day is None:
        meeting = await latest_begun(session, cell_id, now)
        if meeting is None:
            raise DomainError("reports-no-meeting-held")
        return meeting
    on_day = await meetings_on(session, cell_id, [day], zone)
    if not on_day:
        raise DomainError("reports-no-meeting-on", day=day.strftime("%d/%m/%Y"))
    return on_day[-1]


def ensure_held(meeting: Meeting, now: datetime, zone: ZoneInfo) -> None:
    """Only a closed meeting has settled attendance; an earlier state gets a reply saying what to do."""
    local = meeting.starts_at.astimezone(zone)
    day, short = local.strftime("%d/%m/%Y"), local.strftime("%d/%m")
    if meeting.state is MeetingState.CHECKIN_OPEN:
        raise DomainError("reports-checkin-open", day=day)
    if meeting.state is MeetingState.PLANNED:
        if meeting.starts_at > now:
            raise DomainError("reports-meeting-future", day=day)
        raise DomainError("reports-checkin-not-closed", day=day, short=short)


async def held_meeting(
    session: AsyncSession, cell_id: int, now: datetime, zone: ZoneInfo, day: date | None = None
) -> Meeting:
    """The held meeting a report is about (see `report_meeting`), or a refusal saying what to do."""
    meeting = await report_meeting(session, cell_id, now, zone, day)
    ensure_held(meeting, now, zone)
    return meeting


def _names(rows: Iterable[Named]) -> list[str]:
    return [row.name for row in rows]


async def meeting_report(session: AsyncSession, meeting_id: int, zone: ZoneInfo) -> MeetingReport:
    """Build the report of one held meeting with its warnings; a fixed number of queries."""
    meeting = await session.scalar(
        select(Meeting).where(Meeting.id == meeting_id).options(joinedload(Meeting.cell).joinedload(Cell.committee))
    )
    if meeting is None:
        raise DomainError("reports-no-meeting-held")
    rows = (
        await session.execute(
            select(Person.full_name, Attendance.member_status, Attendance.outcome, Attendance.rsvp, Attendance.reason)
            .join(Person, Person.id == Attendance.person_id)
            .where(Attendance.meeting_id == meeting_id)
            .order_by(Person.full_name, Person.id)
        )
    ).all()
    groups = Counter((status, outcome) for _, status, outcome, _, _ in rows)
    breakdown = fold_breakdown((status, outcome, n) for (status, outcome), n in groups.items())
    buckets: dict[str, list[Named]] = {"present": [], "excused": [], "unexcused": [], "silent": [], "exempt": []}
    for name, status, outcome, rsvp, reason in rows:
        if outcome is Outcome.PRESENT:
            buckets["present"].append(Named(name))
        elif status is MemberStatus.EXEMPT:
            buckets["exempt"].append(Named(name))
        elif outcome is Outcome.EXCUSED:
            buckets["excused"].append(Named(name, reason))
        else:
            buckets["silent" if rsvp is None else "unexcused"].append(Named(name))
    opinions = (
        await session.execute(
            select(Person.full_name, Opinion.text)
            .join(Person, Person.id == Opinion.person_id)
            .where(Opinion.meeting_id == meeting_id, Opinion.withdrawn_at.is_(None))
            .order_by(Opinion.created_at, Opinion.id)
        )
    ).all()
    visitors = await session.execute(
        select(Person.full_name, SupervisorVisit.comment)
        .join(Person, Person.id == SupervisorVisit.person_id)
        .where(SupervisorVisit.meeting_id == meeting_id, SupervisorVisit.checked_in_at.is_not(None))
        .order_by(Person.full_name, Person.id)
    )
    score = await session.scalar(select(MeetingScore).where(MeetingScore.meeting_id == meeting_id))
    year = meeting.starts_at.astimezone(zone).year
    since, _ = year_bounds(year, zone)
    cells = cell_ids(meeting.cell_id)
    unexcused = _names(buckets["unexcused"]) + _names(buckets["silent"])
    warnings = Warnings(
        low_attendance=breakdown.low,
        percent=breakdown.percent,
        unexcused=sorted(unexcused),
        excused_streaks=await excused_streak_flags(session, cells, since, meeting.starts_at),
        removal=await removal_flags(session, cells, since, meeting.starts_at),
        unreachable=[
            f.name for f in await unreachable_flags(session, select(Meeting.id).where(Meeting.id == meeting_id))
        ],
        year=year,
    )
    return MeetingReport(
        meeting=meeting,
        cell=meeting.cell,
        breakdown=breakdown,
        present=buckets["present"],
        excused=buckets["excused"],
        unexcused=buckets["unexcused"],
        never_answered=buckets["silent"],
        exempt=buckets["exempt"],
        opinions=[Named(name, text) for name, text in opinions],
        score=score,
        warnings=warnings,
        votes=await vote_results(session, meeting_id),
        materials_read=(
            await materials.read_counts(
                session, select(Cell.id).where(Cell.id == meeting.cell_id), materials.month_of(meeting.starts_at, zone)
            )
        ).get(meeting.cell_id),
        visitors=[Named(name, comment) for name, comment in visitors.all()],
    )


async def posted_summary(session: AsyncSession, meeting_id: int) -> dict[tuple[Platform, str, str], PostedMessage]:
    """The summary parts already posted: (platform, chat, purpose) -> the posted message."""
    rows = await session.scalars(
        select(PostedMessage).where(PostedMessage.meeting_id == meeting_id, PostedMessage.purpose.like("summary%"))
    )
    return {(row.platform, row.chat_id, row.purpose): row for row in rows}


def mark_summarised(meeting: Meeting, now: datetime) -> None:
    """Remember when the summary went out (the reminder to make one stops asking)."""
    meeting.summary_at = now
