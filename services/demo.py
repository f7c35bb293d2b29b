"""A small demo committee and cell, so `make run` shows a working bot on first start."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Cell, Committee
from services.meetings import schedule_meeting
from services.roster import import_rows
from services.roster_file import parse_rows

DEMO_ROSTER = [
    ["dang_bo", "chi_bo", "ho_ten", "vai_tro", "trang_thai"],
    ["Đảng bộ phường Bến Nghé", "Chi bộ Khu phố 1", "Nguyễn Văn An", "bi_thu", "chinh_thuc"],
    ["Đảng bộ phường Bến Nghé", "Chi bộ Khu phố 1", "Trần Thị Bình", "pho_bi_thu", "chinh_thuc"],
    ["Đảng bộ phường Bến Nghé", "Chi bộ Khu phố 1", "Lê Văn Cường", "dang_vien", "chinh_thuc"],
    ["Đảng bộ phường Bến Nghé", "Chi bộ Khu phố 1", "Phạm Thị Dung", "dang_vien", "du_bi"],
    ["Đảng bộ phường Bến Nghé", "Chi bộ Khu phố 1", "Hoàng Văn Em", "dang_vien", "mien_sinh_hoat"],
    ["Đảng bộ phường Bến Nghé", "Chi bộ Khu phố 1", "Võ Thị Giang", "theo_doi", ""],
]


async def seed_demo(session: AsyncSession, now: datetime, zone: ZoneInfo, day: int, at: time) -> bool:
    """Seed only an empty database; returns whether it did."""
    if await session.scalar(select(func.count()).select_from(Committee)):
        return False
    await import_rows(session, parse_rows(DEMO_ROSTER))
    cell = await session.scalar(select(Cell).where(Cell.name == "Chi bộ Khu phố 1"))
    assert cell is not None
    local = now.astimezone(zone)
    starts = datetime.combine(local.date().replace(day=day), at, tzinfo=zone)
    while starts <= now:
        starts = datetime.combine((starts.replace(day=1) + timedelta(days=32)).date().replace(day=day), at, tzinfo=zone)
    await schedule_meeting(
        session, cell.id, starts, now, place="Nhà văn hóa khu phố 1", agenda="Sinh hoạt thường kỳ tháng"
    )
    return True
