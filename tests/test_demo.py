"""The first-run demo: last month's meeting held and the next one planned, so every report shows
something real at once, and the console says whom to chat as."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.clock import FakeClock
from handlers.context import AppContext
from models import Person
from services.demo import DEMO_ROLES, last_and_next, seed_demo
from tests.dialog import ConsoleDialog

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


async def seeded(app: AppContext) -> dict[str, int]:
    schedule = app.config.schedule
    async with app.sessions() as session:
        assert await seed_demo(
            session, app.clock.now(), schedule.zone, schedule.days[0], schedule.default_time, app.config.scoring
        )
        await session.commit()
        again = await seed_demo(
            session, app.clock.now(), schedule.zone, schedule.days[0], schedule.default_time, app.config.scoring
        )
        assert not again  # only an empty database is seeded
        return {p.full_name: p.id for p in (await session.scalars(select(Person))).all()}


async def test_the_demo_shows_a_held_meeting_and_the_next_one(app: AppContext, clock: FakeClock) -> None:
    people = await seeded(app)
    secretary = ConsoleDialog(app, people["Nguyễn Văn An"], "Nguyễn Văn An")
    summary = await secretary.say("/tongket")
    assert "03/11/2026" in summary
    assert "Đi công tác Đà Nẵng" in summary  # absent with a reason
    assert "Đỗ Văn Hùng" in summary  # absent without one
    assert "Đề nghị sửa đèn đường ngõ 12." in summary
    assert "xếp loại khá" in summary  # the score recorded at the meeting
    assert "Chấm điểm cuộc họp 03/11/2026" in await secretary.say("/chamdiem")
    assert "Sổ điểm danh năm 2026" in await secretary.say("/xuatfile")
    member = ConsoleDialog(app, people["Lê Văn Cường"], "Lê Văn Cường")
    assert "03/12/2026" in await member.say("/lichhop")
    supervisor = ConsoleDialog(app, people["Võ Thị Giang"], "Võ Thị Giang")
    digest = await supervisor.say("/baocao")
    assert "Chi bộ Khu phố 1" in digest
    assert "03/11" in digest
    assert {name for name, _ in DEMO_ROLES} <= set(people)


def test_the_last_and_next_meeting_around_the_meeting_day() -> None:
    at = time(19, 30)
    before = datetime(2026, 12, 3, 11, 0, tzinfo=UTC)  # 18:00 in Hanoi on the meeting day
    assert [d.date().isoformat() for d in last_and_next(before, HANOI, 3, at)] == ["2026-11-03", "2026-12-03"]
    during = datetime(2026, 12, 3, 13, 0, tzinfo=UTC)  # 20:00: this month's is under way
    assert [d.date().isoformat() for d in last_and_next(during, HANOI, 3, at)] == ["2026-11-03", "2027-01-03"]
    january = datetime(2027, 1, 1, 2, 0, tzinfo=UTC)
    assert [d.date().isoformat() for d in last_and_next(january, HANOI, 5, at)] == ["2026-12-05", "2027-01-05"]
