"""The year's attendance register (.xlsx): members × the cell's held meetings, with reasons and totals.

Attendance is counted with the same rule as the summary (services.summary.fold_breakdown); a member
who left the cell during the year keeps her row.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator
from models import Attendance, Cell, Meeting, MeetingState, Membership, MemberStatus, Outcome, Person
from services.errors import DomainError
from services.export.workbook import (
    Value,
    append_row,
    new_sheet,
    set_widths,
    style_header,
    style_title,
    workbook_bytes,
)
from services.summary import fold_breakdown, year_bounds
from services.text import fold, plain_text


def held_in(cell: Cell, year: int, zone: ZoneInfo) -> Select[Meeting]:
    """The cell's meetings held (check-in closed) in one calendar year of the local zone."""
    start, end = year_bounds(year, zone)
    return select(Meeting).where(
        Meeting.cell_id == cell.id,
        Meeting.state == MeetingState.CLOSED,
        Meeting.starts_at >= start,
        Meeting.starts_at < end,
    )


def _percent(present: int, counted: int) -> float | None:
    return round(100 * present / counted, 1) if counted else None


async def attendance_register(session: AsyncSession, tr: Translator, cell: Cell, year: int, zone: ZoneInfo) -> bytes:
    """Members × the year's held meetings, with reasons, per-member and per-meeting totals."""
    start, _ = year_bounds(year, zone)
    meetings = (await session.scalars(held_in(cell, year, zone).order_by(Meeting.starts_at))).all()
    if not meetings:
        raise DomainError("reports-export-no-meetings", cell=cell.name, year=str(year))
    rows = (
        await session.execute(
            select(Attendance.meeting_id, Attendance.person_id, Attendance.member_status, Attendance.outcome)
            .add_columns(Attendance.reason)
            .where(Attendance.meeting_id.in_([m.id for m in meetings]))
        )
    ).all()
    members = (
        await session.execute(
            select(Person.id, Person.full_name, Membership.status)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.cell_id == cell.id, Membership.active_at(start))
        )
    ).all()
    # Members of the cell at some time in the year; one who left in the year keeps her row.
    people: dict[int, tuple[str, MemberStatus | None]] = {pid: (name, status) for pid, name, status in members}
    missing = {r.person_id for r in rows} - set(people)
    if missing:
        for pid, name in await session.execute(select(Person.id, Person.full_name).where(Person.id.in_(missing))):
            people[pid] = (name, None)
    cells: dict[tuple[int, int], tuple[MemberStatus | None, Outcome | None, str | None]] = {
        (r.person_id, r.meeting_id): (r.member_status, r.outcome, r.reason) for r in rows
    }
    per_meeting: dict[int, Counter[tuple[MemberStatus | None, Outcome | None]]] = defaultdict(Counter)
    for r in rows:
        per_meeting[r.meeting_id][(r.member_status, r.outcome)] += 1

    book, sheet = new_sheet(tr.t("reports-xlsx-sheet", year=str(year)))
    append_row(sheet, [plain_text(tr.t("reports-xlsx-title", cell=cell.name, year=str(year)))])
    style_title(sheet, "A1")
    append_row(sheet, [])
    header = [
        plain_text(tr.t("reports-xlsx-number")),
        plain_text(tr.t("reports-xlsx-name")),
        plain_text(tr.t("reports-xlsx-status")),
        *[m.starts_at.astimezone(zone).strftime("%d/%m") for m in meetings],
        plain_text(tr.t("reports-xlsx-present")),
        plain_text(tr.t("reports-xlsx-excused")),
        plain_text(tr.t("reports-xlsx-unexcused")),
        plain_text(tr.t("reports-xlsx-rate")),
    ]
    append_row(sheet, header)
    style_header(sheet, 3)
    marks = {
        Outcome.PRESENT: plain_text(tr.t("reports-xlsx-mark-present")),
        Outcome.UNEXCUSED: plain_text(tr.t("reports-xlsx-mark-unexcused")),
    }
    exempt_mark = plain_text(tr.t("reports-xlsx-mark-exempt"))
    ordered = sorted(people.items(), key=lambda item: (fold(item[1][0]), item[0]))
    for number, (person_id, (name, status)) in enumerate(ordered, start=1):
        values: list[Value] = []
        tally: Counter[Outcome] = Counter()
        counted = present_counted = 0
        for meeting in meetings:
            found = cells.get((person_id, meeting.id))
            if found is None:
                values.append(None)
                continue
            snapshot, outcome, reason = found
            if outcome is not None:
                tally[outcome] += 1
                if snapshot is not MemberStatus.EXEMPT:
                    counted += 1
                    present_counted += outcome is Outcome.PRESENT
            if outcome is Outcome.EXCUSED:
                values.append(plain_text(tr.t("reports-xlsx-mark-excused", reason=reason or "")))
            elif outcome is None:
                values.append(exempt_mark if snapshot is MemberStatus.EXEMPT else None)
            else:
                values.append(marks[outcome])
        status_label = plain_text(tr.t(f"status-{status.value}")) if status else ""
        append_row(
            sheet,
            [
                number,
                name,
                status_label,
                *values,
                tally[Outcome.PRESENT],
                tally[Outcome.EXCUSED],
                tally[Outcome.UNEXCUSED],
                _percent(present_counted, counted),
            ],
        )
    append_row(sheet, [])
    breakdowns = [fold_breakdown((s, o, n) for (s, o), n in per_meeting[m.id].items()) for m in meetings]
    append_row(
        sheet,
        [
            None,
            plain_text(tr.t("reports-xlsx-total-present")),
            None,
            *[f"{b.present}/{b.counted}" for b in breakdowns],
        ],
    )
    append_row(
        sheet,
        [
            None,
            plain_text(tr.t("reports-xlsx-total-rate")),
            None,
            *[None if b.percent is None else round(b.percent, 1) for b in breakdowns],
        ],
    )
    append_row(sheet, [])
    append_row(sheet, [None, plain_text(tr.t("reports-xlsx-legend"))])
    set_widths(sheet, 1, [5, 28, 20, *[12] * (len(meetings) + 4)])
    sheet.freeze_panes = "D4"
    return workbook_bytes(book)
