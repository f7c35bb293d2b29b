"""The supervisors' digest: how each followed cell's meetings went, what is missing, what to watch.

Every query takes the cells as one subquery, so a digest of 2,000 cells issues the same number of
SQL statements as one of 20 (bench/digest.py checks it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models import (
    Attendance,
    Cell,
    Committee,
    CommitteeRole,
    Meeting,
    MeetingScore,
    MeetingState,
    NodeRole,
    Opinion,
    Outcome,
    Person,
    Supervision,
)
from services import materials, tree
from services.meetings import ACTIVE_STATES, CURRENT_GRACE
from services.summary import Breakdown, breakdowns, year_bounds
from services.warnings import Flag, Warnings, excused_streak_flags, removal_flags, unreachable_flags

TREND_MEETINGS = 6
CHART_MONTHS = 6
# Undeliverable messages about meetings this recent (or upcoming) make a member "unreachable".
UNREACHABLE_WINDOW = timedelta(days=40)


@dataclass(frozen=True)
class CellLine:
    """One row of the digest table."""

    cell_id: int
    name: str
    committee: str
    last_meeting: datetime | None = None
    percent: float | None = None
    trend: Sequence[float | None] = ()  # the last meetings' attendance, oldest first
    opinions: int = 0
    score_total: int | None = None
    rating: str | None = None
    next_meeting: datetime | None = None
    this_month: bool = False  # a meeting held or planned this month
    warnings: Warnings = field(default_factory=Warnings)
    read: tuple[int, int] | None = None  # (reads, reads expected) of this month's materials (/tailieu)


@dataclass(frozen=True)
class Digest:
    lines: Sequence[CellLine]
    months: Sequence[date]  # first day of each chart month, oldest first
    monthly: dict[int, list[float | None]]  # cell id -> attendance % per month
    year: int

    @property
    def idle(self) -> list[CellLine]:
        return [line for line in self.lines if not line.this_month]

    @property
    def warned(self) -> list[CellLine]:
        return [line for line in self.lines if line.warnings]


def supervised_cells(person_id: int) -> Select[int]:
    """The cells a person follows one by one, and every cell below the organisations they follow."""
    nodes = select(CommitteeRole.committee_id).where(
        CommitteeRole.person_id == person_id, CommitteeRole.role == NodeRole.SUPERVISOR
    )
    followed = select(Supervision.cell_id).where(Supervision.person_id == person_id)
    return select(Cell.id).where(Cell.id.in_(followed) | Cell.id.in_(tree.cells_under(nodes)))


async def supervisors(session: AsyncSession) -> Sequence[Person]:
    """Everyone who follows at least one cell or organisation, with their chat accounts."""
    return (
        await session.scalars(
            select(Person)
            .where(
                Person.id.in_(select(Supervision.person_id))
                | Person.id.in_(select(CommitteeRole.person_id).where(CommitteeRole.role == NodeRole.SUPERVISOR))
            )
            .options(selectinload(Person.accounts))
            .order_by(Person.full_name, Person.id)
        )
    ).all()


def month_starts(today: date, count: int) -> list[date]:
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _local_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def _merge(parts: Sequence[Breakdown]) -> float | None:
    present = sum(b.present for b in parts)
    counted = sum(b.counted for b in parts)
    return 100 * present / counted if counted else None


async def build_digest(session: AsyncSession, cells: Select[int], now: datetime, zone: ZoneInfo) -> Digest:
    """The digest of the given cells as of `now`; a fixed number of queries whatever their count."""
    today = now.astimezone(zone).date()
    months = month_starts(today, CHART_MONTHS)
    chart_start = _local_start(months[0], zone)
    month_start = _local_start(months[-1], zone)
    month_end = _local_start((months[-1] + timedelta(days=32)).replace(day=1), zone)
    year_start, _ = year_bounds(today.year, zone)
    cell_filter = Meeting.cell_id.in_(cells.scalar_subquery())

    cell_rows = (
        await session.execute(
            select(Cell.id, Cell.name, Committee.name)
            .join(Committee, Committee.id == Cell.committee_id)
            .where(Cell.id.in_(cells.scalar_subquery()))
            .order_by(Committee.name, Cell.name)
        )
    ).all()

    ranked = (
        select(
            Meeting.id.label("id"),
            Meeting.cell_id.label("cell_id"),
            Meeting.starts_at.label("starts_at"),
            func.row_number().over(partition_by=Meeting.cell_id, order_by=Meeting.starts_at.desc()).label("rank"),
        )
        .where(cell_filter, Meeting.state == MeetingState.CLOSED)
        .subquery()
    )
    wanted = or_(ranked.c.rank <= TREND_MEETINGS, ranked.c.starts_at >= chart_start)
    held = (
        await session.execute(
            select(ranked.c.id, ranked.c.cell_id, ranked.c.starts_at, ranked.c.rank)
            .where(wanted)
            .order_by(ranked.c.cell_id, ranked.c.starts_at)
        )
    ).all()
    wanted_ids = select(ranked.c.id).where(wanted)
    last_ids = select(ranked.c.id).where(ranked.c.rank == 1)
    tallies = await breakdowns(session, wanted_ids)
    opinion_counts = dict(
        (
            await session.execute(
                select(Opinion.meeting_id, func.count(Opinion.id))
                .where(Opinion.meeting_id.in_(last_ids.scalar_subquery()), Opinion.withdrawn_at.is_(None))
                .group_by(Opinion.meeting_id)
            )
        ).all()
    )
    scores = {
        row.meeting_id: row
        for row in await session.execute(
            select(MeetingScore.meeting_id, MeetingScore.total, MeetingScore.rating).where(
                MeetingScore.meeting_id.in_(last_ids.scalar_subquery())
            )
        )
    }
    active = Meeting.state.in_(ACTIVE_STATES) & (Meeting.starts_at >= now - CURRENT_GRACE)
    upcoming = {
        row.cell_id: row
        for row in await session.execute(
            select(
                Meeting.cell_id,
                func.min(Meeting.starts_at).filter(active).label("next"),
                func.count(Meeting.id)
                .filter(Meeting.starts_at >= month_start, Meeting.starts_at < month_end)
                .label("this_month"),
            )
            .where(
                cell_filter,
                Meeting.state != MeetingState.CANCELLED,
                Meeting.starts_at >= min(month_start, now - CURRENT_GRACE),
            )
            .group_by(Meeting.cell_id)
        )
    }
    unexcused_last = await session.execute(
        select(ranked.c.cell_id, Person.full_name)
        .select_from(ranked)
        .join(Attendance, Attendance.meeting_id == ranked.c.id)
        .join(Person, Person.id == Attendance.person_id)
        .where(ranked.c.rank == 1, Attendance.outcome == Outcome.UNEXCUSED)
        .order_by(ranked.c.cell_id, Person.full_name)
    )
    recent = select(Meeting.id).where(cell_filter, Meeting.starts_at >= now - UNREACHABLE_WINDOW)
    flags: dict[str, dict[int, list[Flag]]] = {}
    for kind, found in (
        ("removal", await removal_flags(session, cells, year_start, now)),
        ("streak", await excused_streak_flags(session, cells, year_start, now)),
        ("unreachable", await unreachable_flags(session, recent)),
    ):
        flags[kind] = defaultdict(list)
        for flag in found:
            flags[kind][flag.cell_id].append(flag)
    unexcused_names: dict[int, list[str]] = defaultdict(list)
    for cell_id, name in unexcused_last:
        unexcused_names[cell_id].append(name)

    reads = await materials.read_counts(session, cells, f"{today:%Y-%m}")
    per_cell: dict[int, list[tuple[int, datetime, int]]] = defaultdict(list)
    for meeting_id, cell_id, starts_at, rank in held:
        per_cell[cell_id].append((meeting_id, starts_at, rank))
    lines: list[CellLine] = []
    monthly: dict[int, list[float | None]] = {}
    empty = Breakdown({})
    for cell_id, cell_name, committee_name in cell_rows:
        meetings = per_cell.get(cell_id, [])
        trend = [tallies.get(m, empty).percent for m, _, rank in meetings if rank <= TREND_MEETINGS]
        buckets: dict[date, list[Breakdown]] = defaultdict(list)
        for meeting_id, starts_at, _ in meetings:
            local = starts_at.astimezone(zone).date()
            buckets[date(local.year, local.month, 1)].append(tallies.get(meeting_id, empty))
        monthly[cell_id] = [_merge(buckets[m]) if m in buckets else None for m in months]
        last = next(((m, s) for m, s, rank in meetings if rank == 1), None)
        last_tally = tallies.get(last[0], empty) if last else empty
        score = scores.get(last[0]) if last else None
        coming = upcoming.get(cell_id)
        warnings = Warnings(
            low_attendance=last_tally.low,
            percent=last_tally.percent,
            unexcused=unexcused_names.get(cell_id, []),
            excused_streaks=flags["streak"].get(cell_id, []),
            removal=flags["removal"].get(cell_id, []),
            unreachable=[f.name for f in flags["unreachable"].get(cell_id, [])],
            year=today.year,
        )
        lines.append(
            CellLine(
                cell_id=cell_id,
                name=cell_name,
                committee=committee_name,
                last_meeting=last[1] if last else None,
                percent=last_tally.percent,
                trend=trend,
                opinions=opinion_counts.get(last[0], 0) if last else 0,
                score_total=score.total if score else None,
                rating=score.rating if score else None,
                next_meeting=coming.next if coming else None,
                this_month=bool(coming and coming.this_month),
                warnings=warnings,
                read=reads.get(cell_id),
            )
        )
    return Digest(lines=lines, months=months, monthly=monthly, year=today.year)
