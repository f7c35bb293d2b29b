"""/xuatfile and `bot.py export`: the year's attendance register (.xlsx) and a minutes draft (.docx)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from core.messages import Outgoing, Response
from handlers import common
from handlers.context import AppContext, Ctx
from handlers.router import Need, Router
from services import export
from services.errors import DomainError
from services.parsing import is_number, looks_like_date, parse_date, parse_year

router = Router()


def parse_export_args(text: str, today: date) -> tuple[int | None, date | None]:
    year: int | None = None
    day: date | None = None
    for word in text.split():
        if is_number(word):
            year = parse_year(word)
        elif looks_like_date(word):
            day = parse_date(word, today, past=True)
        else:
            raise DomainError("reports-export-usage", text=word)
    return year, day


@router.command("export", "xuatfile", Need.SECRETARY)
async def export_command(ctx: Ctx) -> Response:
    membership = await common.secretary_cell(ctx)
    zone, tr = ctx.app.config.schedule.zone, ctx.app.tr
    year, day = parse_export_args(ctx.args, ctx.now.astimezone(zone).date())
    files = await export.export_cell(ctx.session, tr, ctx.app.config.scoring, membership.cell, year, day, ctx.now, zone)
    response = ctx.reply("reports-export-sent", year=str(files.year), date=files.meeting_day, cell=membership.cell.name)
    response.messages.append(Outgoing(files.register_caption, document=files.register))
    response.messages.append(Outgoing(files.minutes_caption, document=files.minutes))
    return response


async def build_exports(app: AppContext, cell_name: str, year: str, meeting: str | None) -> export.ExportFiles:
    """`bot.py export`: find the cell by name and build both files (nothing is written on a refusal);
    the year and the day are read by the same parsers as /xuatfile."""
    zone, now = app.config.schedule.zone, app.clock.now()
    year_number = parse_year(year.strip())
    day = parse_date(meeting, now.astimezone(zone).date(), past=True) if meeting else None
    async with app.sessions() as session:
        cell = await export.find_cell(session, cell_name)
        return await export.export_cell(session, app.tr, app.config.scoring, cell, year_number, day, now, zone)


def save_exports(files: export.ExportFiles, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in (files.register, files.minutes):
        path = out_dir / name
        path.write_bytes(content)
        written.append(path)
    return written
