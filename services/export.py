"""Exports for the secretary: the year's attendance register (.xlsx) and a minutes draft (.docx).

The register lists members × the year's held meetings with reasons and totals; the minutes draft
holds what domain.md says minutes record, with blanks for what only the meeting knows (chair,
minute-taker, conclusion). Both count attendance with the same rule as the summary.
"""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from markupsafe import Markup
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from core.config import ScoringConfig
from core.i18n import Translator
from models import Attendance, Cell, Meeting, MeetingState, Membership, MemberStatus, Outcome, Person
from services import vote_result
from services.errors import DomainError
from services.names import find_by_name
from services.scoring import describe_score
from services.summary import (
    MeetingReport,
    fold_breakdown,
    held_meeting,
    meeting_report,
    percent_text,
    year_bounds,
)
from services.text import clean_text, fold, plain_text

XLSX_SHEET_CHARS = 31
# A value starting with one of these is a formula to a spreadsheet (or becomes one when the file is
# saved again as CSV): a member named "=HYPERLINK(…)" must stay a name.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Value = str | int | float | None


@dataclass(frozen=True)
class ExportFiles:
    year: int
    meeting_day: str
    register: tuple[str, bytes]
    minutes: tuple[str, bytes]
    register_caption: Markup
    minutes_caption: Markup


def _append(sheet: Worksheet, values: Sequence[Value]) -> None:
    """Add a row whose every text is a value, never a formula, and holds no control character."""
    sheet.append([clean_text(v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
            cell.data_type = "s"
            cell.quotePrefix = True


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(name)).strip("_") or "chi_bo"


async def find_cell(session: AsyncSession, name: str) -> Cell:
    """A cell by name: the same name first, then diacritics ignored, then a part (services.names)."""
    cells = (await session.scalars(select(Cell).options(joinedload(Cell.committee)).order_by(Cell.name))).all()
    matches = find_by_name(cells, name, lambda c: c.name)
    if not matches:
        raise DomainError("reports-cell-unknown", name=name)
    if len(matches) > 1:
        known = "; ".join(f"{c.name} ({c.committee.name})" for c in matches[:10])
        raise DomainError("reports-cell-ambiguous", name=name, known=known)
    return matches[0]


def _percent(present: int, counted: int) -> float | None:
    return round(100 * present / counted, 1) if counted else None


async def attendance_register(session: AsyncSession, tr: Translator, cell: Cell, year: int, zone: ZoneInfo) -> bytes:
    """Members × the year's held meetings, with reasons, per-member and per-meeting totals."""
    start, _ = year_bounds(year, zone)
    meetings = (await session.scalars(_held_in(cell, year, zone).order_by(Meeting.starts_at))).all()
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

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = plain_text(tr.t("reports-xlsx-sheet", year=str(year)))[:XLSX_SHEET_CHARS]
    _append(sheet, [plain_text(tr.t("reports-xlsx-title", cell=cell.name, year=str(year)))])
    sheet["A1"].font = Font(bold=True, size=13)
    _append(sheet, [])
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
    _append(sheet, header)
    for cell_ in sheet[3]:
        cell_.font = Font(bold=True)
        cell_.alignment = Alignment(wrap_text=True, vertical="center")
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
        _append(
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
    _append(sheet, [])
    breakdowns = [fold_breakdown((s, o, n) for (s, o), n in per_meeting[m.id].items()) for m in meetings]
    _append(
        sheet,
        [
            None,
            plain_text(tr.t("reports-xlsx-total-present")),
            None,
            *[f"{b.present}/{b.counted}" for b in breakdowns],
        ],
    )
    _append(
        sheet,
        [
            None,
            plain_text(tr.t("reports-xlsx-total-rate")),
            None,
            *[None if b.percent is None else round(b.percent, 1) for b in breakdowns],
        ],
    )
    _append(sheet, [])
    _append(sheet, [None, plain_text(tr.t("reports-xlsx-legend"))])
    sheet.column_dimensions["A"].width = 5
    sheet.column_dimensions["B"].width = 28
    sheet.column_dimensions["C"].width = 20
    for index in range(4, 4 + len(meetings) + 4):
        sheet.column_dimensions[get_column_letter(index)].width = 12
    sheet.freeze_panes = "D4"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def minutes_draft(tr: Translator, report: MeetingReport, rubric: ScoringConfig, zone: ZoneInfo) -> bytes:
    """The biên bản with every number and name the bot knows, and blanks for the rest."""
    meeting, b = report.meeting, report.breakdown
    local = meeting.starts_at.astimezone(zone)
    document = Document()

    def para(text: Markup, *, bold: bool = False, center: bool = False, style: str | None = None) -> None:
        paragraph = document.add_paragraph(style=style)
        run = paragraph.add_run(plain_text(text))
        run.bold = bold
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    para(tr.t("reports-docx-committee", committee=report.cell.committee.name), bold=True)
    para(tr.t("reports-docx-cell", cell=report.cell.name), bold=True)
    para(tr.t("reports-docx-party"), bold=True, center=True)
    para(tr.t("reports-docx-title"), bold=True, center=True)
    para(tr.t("reports-docx-kind", kind=tr.t(f"kind-{meeting.kind.value}")), center=True)
    para(tr.t("reports-docx-when", time=local.strftime("%H:%M"), date=local.strftime("%d/%m/%Y")))
    para(tr.t("reports-docx-place", place=meeting.place or tr.t("unknown-place")))
    para(tr.t("reports-docx-chair"))
    para(tr.t("reports-docx-secretary"))

    document.add_heading(plain_text(tr.t("reports-docx-attendance-heading")), level=2)
    full, probationary = MemberStatus.FULL, MemberStatus.PROBATIONARY
    temporary, exempt = MemberStatus.TEMPORARY, MemberStatus.EXEMPT
    para(
        tr.t(
            "reports-docx-totals",
            total=sum(b.members(s) for s in MemberStatus),
            full=b.members(full),
            probationary=b.members(probationary),
            temporary=b.members(temporary),
            exempt=b.members(exempt),
        )
    )
    para(
        tr.t(
            "reports-docx-present",
            present=b.present,
            counted=b.counted,
            percent=percent_text(tr, b.percent),
            full=b.present_of(full),
            probationary=b.present_of(probationary),
            temporary=b.present_of(temporary),
            exempt=b.present_of(exempt),
        )
    )
    para(tr.t("reports-docx-excused", count=len(report.excused)))
    for row in report.excused:
        para(tr.t("reports-docx-excused-line", name=row.name, reason=row.reason or ""), style="List Bullet")
    absent = [*report.unexcused, *report.never_answered]
    para(tr.t("reports-docx-unexcused", count=len(absent)))
    for row in sorted(absent, key=lambda r: fold(r.name)):
        para(tr.t("reports-docx-name-line", name=row.name), style="List Bullet")

    document.add_heading(plain_text(tr.t("reports-docx-agenda-heading")), level=2)
    para(tr.t("reports-docx-name-line", name=meeting.agenda or tr.t("no-agenda")))
    document.add_heading(plain_text(tr.t("reports-docx-opinions-heading")), level=2)
    for opinion in report.opinions:
        para(
            tr.t("reports-docx-opinion-line", name=opinion.name, text=opinion.reason or ""),
            style="List Number",
        )
    para(tr.t("reports-docx-blank"))
    document.add_heading(plain_text(tr.t("reports-docx-conclusion-heading")), level=2)
    for vote in report.votes:
        for line in vote_result.describe(tr, vote):
            para(line)
    para(tr.t("reports-docx-blank"))
    para(tr.t("reports-docx-blank"))
    document.add_heading(plain_text(tr.t("reports-docx-score-heading")), level=2)
    for line in describe_score(tr, report.score, rubric):
        para(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = plain_text(tr.t("reports-docx-sign-secretary"))
    table.rows[0].cells[1].text = plain_text(tr.t("reports-docx-sign-chair"))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _held_in(cell: Cell, year: int, zone: ZoneInfo) -> Select[Meeting]:
    """The cell's meetings held (check-in closed) in one calendar year of the local zone."""
    start, end = year_bounds(year, zone)
    return select(Meeting).where(
        Meeting.cell_id == cell.id,
        Meeting.state == MeetingState.CLOSED,
        Meeting.starts_at >= start,
        Meeting.starts_at < end,
    )


async def _latest_held_in(session: AsyncSession, cell: Cell, year: int, zone: ZoneInfo) -> Meeting:
    meeting = await session.scalar(_held_in(cell, year, zone).order_by(Meeting.starts_at.desc()).limit(1))
    if meeting is None:
        raise DomainError("reports-export-no-meetings", cell=cell.name, year=str(year))
    return meeting


async def export_cell(
    session: AsyncSession,
    tr: Translator,
    rubric: ScoringConfig,
    cell: Cell,
    year: int | None,
    day: date | None,
    now: datetime,
    zone: ZoneInfo,
) -> ExportFiles:
    """The register of `year` (default: the meeting's year, else this year) and the minutes of the
    meeting on `day` (default: the year's latest held meeting)."""
    if day is not None:
        meeting = await held_meeting(session, cell.id, now, zone, day)
        year = year or meeting.starts_at.astimezone(zone).year
    else:
        year = year or now.astimezone(zone).year
        meeting = await _latest_held_in(session, cell, year, zone)
    register = await attendance_register(session, tr, cell, year, zone)
    report = await meeting_report(session, meeting.id, zone)
    local_day = meeting.starts_at.astimezone(zone).date()
    shown = local_day.strftime("%d/%m/%Y")
    slug = _slug(cell.name)
    return ExportFiles(
        year=year,
        meeting_day=shown,
        register=(f"diem_danh_{slug}_{year}.xlsx", register),
        minutes=(f"bien_ban_{slug}_{local_day.isoformat()}.docx", minutes_draft(tr, report, rubric, zone)),
        register_caption=tr.t("reports-export-register-caption", year=str(year), cell=cell.name),
        minutes_caption=tr.t("reports-export-minutes-caption", date=shown, cell=cell.name),
    )
