"""A demo committee and cell, so `make run` shows a working bot on first start.

Last month's meeting has been held (an excused absence with its reason, an unexcused one,
opinions, a score) and the next one is planned, so `/tongket`, `/chamdiem`, `/baocao` and
`/xuatfile` show something real at once; `DEMO_ROLES` says whom to pick for what.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import ScoringConfig
from models import Cell, Committee, Person, Rsvp
from services import attendance, opinions, scoring
from services.meetings import schedule_meeting
from services.roster import import_rows
from services.roster_file import parse_rows

COMMITTEE = "Đảng bộ phường Bến Nghé"
CELL = "Chi bộ Khu phố 1"
PLACE = "Nhà văn hóa khu phố 1"
DEMO_ROSTER = [
    ["dang_bo", "chi_bo", "ho_ten", "vai_tro", "trang_thai"],
    [COMMITTEE, CELL, "Nguyễn Văn An", "bi_thu", "chinh_thuc"],
    [COMMITTEE, CELL, "Trần Thị Bình", "pho_bi_thu", "chinh_thuc"],
    [COMMITTEE, CELL, "Lê Văn Cường", "dang_vien", "chinh_thuc"],
    [COMMITTEE, CELL, "Phạm Thị Dung", "dang_vien", "du_bi"],
    [COMMITTEE, CELL, "Hoàng Văn Em", "dang_vien", "mien_sinh_hoat"],
    [COMMITTEE, CELL, "Đỗ Văn Hùng", "dang_vien", "chinh_thuc"],
    [COMMITTEE, CELL, "Võ Thị Giang", "theo_doi", ""],
]
# Who to chat as in the console, and what each shows.
DEMO_ROLES = (
    ("Nguyễn Văn An", "bí thư: /tongket, /chamdiem, /xuatfile, /modiemdanh"),
    ("Lê Văn Cường", "đảng viên: /lichhop, /cuatoi, /vang, /ykien"),
    ("Võ Thị Giang", "cấp ủy viên theo dõi: /baocao"),
)
MEETING_HOURS = 2


def _monthly(local: datetime, day: int, at: time, zone: ZoneInfo, months_back: int) -> datetime:
    first = local.date().replace(day=1)
    for _ in range(months_back):
        first = (first - timedelta(days=1)).replace(day=1)
    return datetime.combine(first.replace(day=day), at, tzinfo=zone)


def last_and_next(now: datetime, zone: ZoneInfo, day: int, at: time) -> tuple[datetime, datetime]:
    """The latest monthly meeting time already over, and the first one still ahead."""
    local = now.astimezone(zone)
    held = _monthly(local, day, at, zone, 0)
    if held + timedelta(hours=MEETING_HOURS) > now:
        held = _monthly(local, day, at, zone, 1)
    ahead = _monthly(local, day, at, zone, 0)
    if ahead <= now:
        ahead = _monthly(local + timedelta(days=32), day, at, zone, 0)
    return held, ahead


async def seed_demo(
    session: AsyncSession, now: datetime, zone: ZoneInfo, day: int, at: time, rubric: ScoringConfig
) -> bool:
    """Seed only an empty database; returns whether it did."""
    if await session.scalar(select(func.count()).select_from(Committee)):
        return False
    await import_rows(session, parse_rows(DEMO_ROSTER))
    cell = await session.scalar(select(Cell).where(Cell.name == CELL))
    assert cell is not None
    people = {p.full_name: p.id for p in (await session.scalars(select(Person))).all()}
    held, ahead = last_and_next(now, zone, day, at)
    await _hold(session, cell.id, people, held, rubric)
    await schedule_meeting(session, cell.id, ahead, now, place=PLACE, agenda="Sinh hoạt thường kỳ tháng")
    return True


async def _hold(
    session: AsyncSession, cell_id: int, people: dict[str, int], starts: datetime, rubric: ScoringConfig
) -> None:
    """Last month's meeting through the real rules: answers, check-in, opinions, close, score."""
    meeting = await schedule_meeting(
        session, cell_id, starts, starts - timedelta(days=3), place=PLACE, agenda="Sinh hoạt thường kỳ tháng trước"
    )
    before = starts - timedelta(days=1)
    await attendance.answer(session, meeting, people["Lê Văn Cường"], Rsvp.ABSENT, "Đi công tác Đà Nẵng", before)
    await attendance.answer(session, meeting, people["Phạm Thị Dung"], Rsvp.ATTEND, None, before)
    await attendance.open_checkin(session, meeting, starts, 150, requires_code=False)
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Phạm Thị Dung"):
        await attendance.check_in(session, meeting, people[name], starts + timedelta(minutes=5), code=None)
    during = starts + timedelta(minutes=30)
    # One opinion each: within any configured cap.
    for name, text in (
        ("Trần Thị Bình", "Đề nghị sửa đèn đường ngõ 12."),
        ("Phạm Thị Dung", "Cần vận động đóng đảng phí đúng hạn."),
    ):
        await opinions.add(session, meeting, people[name], text, during, max_per_meeting=1)
    closed = starts + timedelta(hours=MEETING_HOURS)
    await attendance.close_checkin(session, meeting, closed)
    others = {part: points * 9 // 10 for part, points in rubric.parts.items() if part != rubric.attendance_part}
    await scoring.record_rubric(
        session, meeting, rubric, others, reason="", recorded_by=people["Nguyễn Văn An"], now=closed
    )
