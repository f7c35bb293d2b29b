"""Exports for an organisation: the month's rollup as one row per cell, and the year's attendance
per cell and month (.xlsx). Both cover the organisation's whole subtree in a fixed number of
statements."""

from __future__ import annotations

from collections import defaultdict
from zoneinfo import ZoneInfo

from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator
from models import Attendance, Committee, Meeting, MeetingState, Outcome
from services.export.workbook import (
    Value,
    add_sheet,
    append_row,
    new_sheet,
    set_widths,
    style_header,
    style_title,
    workbook_bytes,
)
from services.rollup import ChildFigures, Rollup, cells_below
from services.summary import year_bounds
from services.text import plain_text

_ROLLUP_COLUMNS = (
    "rollup-xlsx-child",
    "rollup-xlsx-cell",
    "rollup-xlsx-held",
    "rollup-xlsx-planned",
    "rollup-xlsx-missing",
    "rollup-xlsx-present",
    "rollup-xlsx-expected",
    "rollup-xlsx-rate",
    "rollup-xlsx-warnings",
    "rollup-xlsx-score",
    "rollup-xlsx-on-bot",
    "rollup-xlsx-members",
    "rollup-xlsx-unsent",
)


_COVERAGE_COLUMNS = (
    "rollup-xlsx-supervisor",
    "rollup-xlsx-followed",
    "rollup-xlsx-visited",
    "rollup-xlsx-visited-cells",
)


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _rollup_row(tr: Translator, child: str, figures: ChildFigures) -> list[Value]:
    mark = plain_text(tr.t("reports-xlsx-mark-present"))
    score = figures.score
    return [
        child,
        figures.name,
        figures.held,
        figures.planned,
        mark if figures.missing else None,
        figures.present,
        figures.expected,
        _percent(figures.attendance),
        figures.warnings,
        None if score is None else round(score, 1),
        figures.on_bot,
        figures.members,
        mark if figures.unsent else None,
    ]


def rollup_workbook(tr: Translator, rollup: Rollup, month: str) -> bytes:
    """One row per cell below the organisation, then its total."""
    book, sheet = new_sheet(tr.t("rollup-xlsx-sheet", month=month))
    append_row(sheet, [plain_text(tr.t("rollup-xlsx-title", name=rollup.node.name, month=month))])
    style_title(sheet, "A1")
    append_row(sheet, [])
    append_row(sheet, [plain_text(tr.t(key)) for key in _ROLLUP_COLUMNS])
    style_header(sheet, 3)
    for child, figures in rollup.cells:
        append_row(sheet, _rollup_row(tr, child, figures))
    total = rollup.total
    row = _rollup_row(tr, plain_text(tr.t("rollup-xlsx-total")), total)
    row[1], row[4], row[12] = total.cells, len(total.missing), len(total.unsent)
    append_row(sheet, row)
    set_widths(sheet, 1, [34, 30, *[11] * (len(_ROLLUP_COLUMNS) - 2)])
    if rollup.coverage:
        _coverage_sheet(tr, add_sheet(book, tr.t("rollup-xlsx-visits-sheet", quarter=rollup.quarter)), rollup)
    return workbook_bytes(book)


def _coverage_sheet(tr: Translator, sheet: Worksheet, rollup: Rollup) -> None:
    """The quarter's visits: one row per supervisor of cells below, as in the chat rollup."""
    title = tr.t("rollup-xlsx-visits-title", name=rollup.node.name, quarter=rollup.quarter)
    append_row(sheet, [plain_text(title)])
    style_title(sheet, "A1")
    append_row(sheet, [])
    append_row(sheet, [plain_text(tr.t(key)) for key in _COVERAGE_COLUMNS])
    style_header(sheet, 3)
    for supervisor in rollup.coverage:
        append_row(
            sheet, [supervisor.name, supervisor.followed, len(supervisor.visited), ", ".join(supervisor.visited)]
        )
    set_widths(sheet, 1, [30, 14, 10, 60])


async def year_workbook(session: AsyncSession, tr: Translator, node: Committee, year: int, zone: ZoneInfo) -> bytes:
    """Attendance of the meetings held, per cell (rows) and month (columns), and the year's."""
    start, end = year_bounds(year, zone)
    scope = cells_below(node.id).subquery()
    cells = (await session.execute(select(scope.c.id, scope.c.name).order_by(scope.c.name, scope.c.id))).all()
    rows = await session.execute(
        select(Meeting.cell_id, Meeting.starts_at, Attendance.outcome, func.count())
        .join(Attendance, Attendance.meeting_id == Meeting.id)
        .where(
            Meeting.cell_id.in_(select(scope.c.id)),
            Meeting.state == MeetingState.CLOSED,
            Meeting.starts_at >= start,
            Meeting.starts_at < end,
            Attendance.outcome.is_not(None),
        )
        .group_by(Meeting.id, Meeting.cell_id, Meeting.starts_at, Attendance.outcome)
    )
    counted: defaultdict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])  # (cell, month) -> present, all
    for cell_id, starts_at, outcome, count in rows.all():
        for month in (starts_at.astimezone(zone).month, 0):  # 0: the whole year
            counted[(cell_id, month)][0] += count if outcome is Outcome.PRESENT else 0
            counted[(cell_id, month)][1] += count
    book, sheet = new_sheet(tr.t("reports-xlsx-sheet", year=str(year)))
    append_row(sheet, [plain_text(tr.t("rollup-xlsx-year-title", name=node.name, year=str(year)))])
    style_title(sheet, "A1")
    append_row(sheet, [])
    months = [plain_text(tr.t("rollup-xlsx-month", month=str(m))) for m in range(1, 13)]
    append_row(sheet, [plain_text(tr.t("rollup-xlsx-cell")), *months, plain_text(tr.t("reports-xlsx-total-rate"))])
    style_header(sheet, 3)
    for cell_id, name in cells:
        shares = [counted.get((cell_id, m)) for m in (*range(1, 13), 0)]
        append_row(sheet, [name, *[_percent(s[0] / s[1]) if s and s[1] else None for s in shares]])
    set_widths(sheet, 1, [34, *[8] * 13])
    return workbook_bytes(book)
