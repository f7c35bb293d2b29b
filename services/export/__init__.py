"""Exports for the secretary: the year's attendance register (.xlsx) and a minutes draft (.docx).

Modules: `register` (the year's sheet of members × held meetings), `minutes` (one meeting's draft),
`workbook` (plain text, formula-safe rows and styling that every file shares). This module picks the
cell and the meeting and bundles both files; the names below are the package's interface.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from core.config import ScoringConfig
from core.i18n import Translator
from models import Cell, Meeting
from services.errors import DomainError
from services.export.minutes import minutes_draft
from services.export.register import attendance_register, held_in
from services.export.workbook import file_slug
from services.names import find_by_name
from services.summary import held_meeting, meeting_report

__all__ = ["ExportFiles", "attendance_register", "export_cell", "find_cell", "minutes_draft"]


@dataclass(frozen=True)
class ExportFiles:
    year: int
    meeting_day: str
    register: tuple[str, bytes]
    minutes: tuple[str, bytes]
    register_caption: Markup
    minutes_caption: Markup


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


async def _latest_held_in(session: AsyncSession, cell: Cell, year: int, zone: ZoneInfo) -> Meeting:
    meeting = await session.scalar(held_in(cell, year, zone).order_by(Meeting.starts_at.desc()).limit(1))
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
    slug = file_slug(cell.name)
    return ExportFiles(
        year=year,
        meeting_day=shown,
        register=(f"diem_danh_{slug}_{year}.xlsx", register),
        minutes=(f"bien_ban_{slug}_{local_day.isoformat()}.docx", minutes_draft(tr, report, rubric, zone)),
        register_caption=tr.t("reports-export-register-caption", year=str(year), cell=cell.name),
        minutes_caption=tr.t("reports-export-minutes-caption", date=shown, cell=cell.name),
    )
