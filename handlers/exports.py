"""/xuatfile and `bot.py export`: the year's attendance register (.xlsx) and a minutes draft (.docx)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from core.messages import Outgoing, Response
from handlers import common
from handlers.context import AppContext, Ctx
from handlers.router import Need, Router
from services import export, summary
from services.errors import DomainError

router = Router()


def parse_export_args(text: str, today: date) -> tuple[int | None, date | None]:
    year: int | None = None
    day: date | None = None
    for word in text.split():
        if word.isdigit() and len(word) == 4:
            year = int(word)
        elif "/" in word:
            day = summary.parse_day(word, today)
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


async def build_exports(app: AppContext, cell_name: str, year: int, meeting: str | None) -> export.ExportFiles:
    """`bot.py export`: find the cell by name and build both files (nothing is written on a refusal)."""
    zone, now = app.config.schedule.zone, app.clock.now()
    async with app.sessions() as session:
        cell = await export.find_cell(session, cell_name)
        day = summary.parse_day(meeting, now.astimezone(zone).date()) if meeting else None
        return await export.export_cell(session, app.tr, app.config.scoring, cell, year, day, now, zone)


def save_exports(files: export.ExportFiles, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in (files.register, files.minutes):
        path = out_dir / name
        path.write_bytes(content)
        written.append(path)
    return written
