"""Building a small cell in the database for tests, the same way an import would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from handlers.context import AppContext
from models import Account, Cell, Meeting, Person
from services.meetings import schedule_meeting
from services.roster import import_rows
from services.roster_file import parse_rows

COMMITTEE = "Đảng bộ phường Thử Nghiệm"
CELL = "Chi bộ Khu phố 1"


@dataclass
class World:
    cell_id: int
    people: dict[str, int]
    meeting_id: int | None = None


def roster_table(extra: list[list[str]] | None = None) -> list[list[str]]:
    rows = [
        ["dang_bo", "chi_bo", "ho_ten", "vai_tro", "trang_thai", "telegram_id", "zalo_id"],
        [COMMITTEE, CELL, "Nguyễn Văn An", "bi_thu", "chinh_thuc", "1001", ""],
        [COMMITTEE, CELL, "Trần Thị Bình", "pho_bi_thu", "chinh_thuc", "1002", ""],
        [COMMITTEE, CELL, "Lê Văn Cường", "dang_vien", "chinh_thuc", "1003", ""],
        [COMMITTEE, CELL, "Phạm Thị Dung", "dang_vien", "du_bi", "1004", ""],
        [COMMITTEE, CELL, "Hoàng Văn Em", "dang_vien", "mien_sinh_hoat", "1005", ""],
        [COMMITTEE, CELL, "Đỗ Thị Phương", "dang_vien", "tam_thoi", "", "z-1006"],
        [COMMITTEE, "Chi bộ Khu phố 2", "Bùi Văn Khang", "bi_thu", "chinh_thuc", "2001", ""],
        [COMMITTEE, CELL, "Võ Thị Giang", "theo_doi", "", "9001", ""],
    ]
    return rows + (extra or [])


async def build_world(app: AppContext, *, meeting_at: datetime | None = None) -> World:
    """Import the standard roster and, if asked, plan one meeting of cell 1."""
    async with app.sessions() as session:
        await import_rows(session, parse_rows(roster_table()))
        cell = await session.scalar(select(Cell).where(Cell.name == CELL))
        assert cell is not None
        people = {p.full_name: p.id for p in (await session.scalars(select(Person))).all()}
        meeting: Meeting | None = None
        if meeting_at is not None:
            meeting = await schedule_meeting(
                session, cell.id, meeting_at, app.clock.now(), place="Nhà văn hóa", agenda="Công tác tháng 12"
            )
        await session.commit()
        return World(cell.id, people, meeting.id if meeting else None)


async def connect_everyone(app: AppContext, *external_ids: str) -> None:
    """These accounts (all when none is named) have written to the bot; until an account has, the
    bot never writes to it privately."""
    statement = update(Account).values(connected_at=app.clock.now())
    if external_ids:
        statement = statement.where(Account.external_id.in_(external_ids))
    async with app.sessions() as session, session.begin():
        await session.execute(statement)
