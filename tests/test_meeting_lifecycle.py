"""Issue 10 item 4: a closed check-in means the meeting was held, and a meeting whose time passed
without check-in is settled afterwards by its date, or cancelled; nobody is left guessing which
meeting a reply is about."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.clock import FakeClock
from handlers.context import AppContext
from models import Attendance, Cell, Meeting, MeetingState, Outcome
from services import attendance, digest
from services.errors import DomainError
from services.meetings import CURRENT_GRACE, schedule_meeting
from tests.chat import Chat
from tests.factories import CELL, World, build_world, connect_everyone
from tests.test_reminders import Harness

AN, CUONG, DUNG, KHANG = "1001", "1003", "1004", "2001"


def utc(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


async def december_and_january(app: AppContext, then: datetime | None = None) -> tuple[World, int, int]:
    """Cell 1 meets on 04/12 19:30 (Hanoi) and again on 04/01/2027; the clock moves on to `then`.
    Returns the world and the two meetings."""
    world = await build_world(app, meeting_at=utc(12, 4, 12, 30))
    december = world.meeting_id
    assert december is not None
    async with app.sessions() as session:
        cell = await session.scalar(select(Cell).where(Cell.name == CELL))
        assert cell is not None
        january = await schedule_meeting(session, cell.id, utc(1, 4, 12, 30, year=2027), app.clock.now())
        await session.commit()
    if then is not None:
        assert isinstance(app.clock, FakeClock)
        app.clock.set(then)
    return world, december, january.id


async def state_of(app: AppContext, meeting_id: int) -> MeetingState:
    async with app.sessions() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        return meeting.state


async def outcomes(app: AppContext, meeting_id: int) -> dict[int, Outcome | None]:
    async with app.sessions() as session:
        rows = (await session.scalars(select(Attendance).where(Attendance.meeting_id == meeting_id))).all()
        return {row.person_id: row.outcome for row in rows}


async def test_a_check_in_closed_before_the_planned_start_is_a_held_meeting(
    app: AppContext, chat: Chat, clock: FakeClock
) -> None:
    """Check-in opened early and closed before 19:30: summary, score and export work at once."""
    world = await build_world(app, meeting_at=utc(12, 4, 12, 30))
    clock.set(utc(12, 4, 10, 45))  # 17:45 in Hanoi
    opened = (await chat.say(AN, "/modiemdanh")).text
    await chat.press(CUONG, f"ci:{world.meeting_id}")
    clock.advance(timedelta(minutes=30))
    closed = await chat.say(AN, "/dongdiemdanh")
    assert "Đã đóng điểm danh cuộc họp ngày 04/12/2026" in closed.text
    summary = (await chat.say(AN, "/tongket")).text
    assert "TỔNG KẾT SINH HOẠT" in summary, summary
    assert "bản tổng kết cuộc họp ngày 04/12/2026" in summary
    assert "Dự họp: 1/5" in summary
    assert "cuộc họp ngày 04/12/2026" in opened
    assert "04/12/2026" in (await chat.say(AN, "/chamdiem")).text
    assert "Đã ghi điểm cuộc họp 04/12/2026" in (await chat.say(AN, "/chamdiem 14 40 18")).text
    export = await chat.say(AN, "/xuatfile")
    assert "dự thảo biên bản cuộc họp 04/12/2026" in export.text
    assert len([m for m in export.response.messages if m.document]) == 2


async def test_a_past_meeting_without_check_in_is_settled_by_its_date(
    app: AppContext, chat: Chat, clock: FakeClock
) -> None:
    """The morning after: marks go to the 04/12 meeting (not January's), /tongket 04/12 settles it."""
    world, december, january = await december_and_january(app, utc(12, 5, 2, 0))  # 09:00 on 05/12 in Hanoi
    assert "0 cuộc họp đã kết thúc" in (await chat.say(CUONG, "/cuatoi")).text
    refused = (await chat.say(AN, "/tongket")).text
    assert "Cuộc họp ngày 04/12/2026 chưa được chốt điểm danh" in refused
    assert "/tongket 04/12" in refused
    assert "/huyhop 04/12" in refused
    marked = (await chat.say(AN, "/diemdanhho 04/12 Cường co")).text
    assert "Đã ghi Lê Văn Cường có mặt (cuộc họp ngày 04/12/2026)" in marked
    assert "/tongket 04/12" in marked
    assert "(cuộc họp ngày 04/12/2026)" in (await chat.say(AN, "/diemdanhho Dung vang ốm nặng")).text
    assert await state_of(app, december) is MeetingState.PLANNED  # marks alone settle nothing
    settled = (await chat.say(AN, "/tongket 04/12")).text
    assert "Đã chốt điểm danh cuộc họp ngày 04/12/2026" in settled
    assert "Phạm Thị Dung: ốm nặng" in settled
    assert await state_of(app, december) is MeetingState.CLOSED
    assert await state_of(app, january) is MeetingState.PLANNED
    assert await outcomes(app, january) == {}
    record = await outcomes(app, december)
    assert record[world.people["Lê Văn Cường"]] is Outcome.PRESENT
    assert record[world.people["Phạm Thị Dung"]] is Outcome.EXCUSED
    assert record[world.people["Trần Thị Bình"]] is Outcome.UNEXCUSED
    assert "1 cuộc họp đã kết thúc" in (await chat.say(CUONG, "/cuatoi")).text
    assert "04/12/2026" in (await chat.say(AN, "/chamdiem 04/12")).text
    again = (await chat.say(AN, "/tongket 04/12")).text
    assert "Đã chốt" not in again
    assert "bản tổng kết cuộc họp ngày 04/12/2026" in again


async def test_closing_check_in_the_next_day_settles_the_past_meeting_not_the_next_one(
    app: AppContext, chat: Chat, clock: FakeClock
) -> None:
    _, december, january = await december_and_january(app, utc(12, 5, 2, 0))
    closed = (await chat.say(AN, "/dongdiemdanh")).text
    assert "Đã đóng điểm danh cuộc họp ngày 04/12/2026" in closed
    assert await state_of(app, december) is MeetingState.CLOSED
    assert await state_of(app, january) is MeetingState.PLANNED
    # Nothing else is unsettled now: the next meeting has not begun and says which one it is.
    assert "Cuộc họp ngày 04/01/2027 chưa bắt đầu" in (await chat.say(AN, "/dongdiemdanh")).text
    assert "Cuộc họp ngày 04/12/2026 đã kết thúc" in (await chat.say(AN, "/dongdiemdanh 04/12")).text


async def test_a_past_meeting_that_did_not_take_place_is_cancelled_by_its_date(
    app: AppContext, chat: Chat, clock: FakeClock
) -> None:
    _, december, january = await december_and_january(app, utc(12, 6, 2, 0))
    pick = await chat.say(AN, "/huyhop")
    labels = [b.label for row in pick.response.messages[0].buttons for b in row]
    assert "04/12/2026" in labels[0]
    assert "04/01/2027" in labels[1]
    cancelled = (await chat.say(AN, "/huyhop 04/12 không đủ người")).text
    assert "04/12/2026" in cancelled
    assert "Đã hủy" in cancelled
    assert await state_of(app, december) is MeetingState.CANCELLED
    assert await state_of(app, january) is MeetingState.PLANNED
    assert "chưa có cuộc họp nào đã diễn ra" in (await chat.say(AN, "/tongket")).text
    assert "Không có cuộc họp nào (chưa bị hủy) vào ngày 04/12" in (await chat.say(AN, "/huyhop 04/12")).text


async def test_dated_commands_refuse_bad_dates_other_cells_and_members(
    app: AppContext, chat: Chat, clock: FakeClock
) -> None:
    _, december, _ = await december_and_january(app, utc(12, 5, 2, 0))
    refusals = {
        (AN, "/dongdiemdanh hôm qua"): "Cách dùng: /dongdiemdanh",
        (AN, "/dongdiemdanh 31/02"): "Không có ngày 31/02",
        (AN, "/diemdanhho 99/99 Cường co"): "Không có ngày 99/99",
        (AN, "/diemdanhho 05/12 Cường co"): "Không có cuộc họp nào (chưa bị hủy) vào ngày 05/12",
        (AN, "/dongdiemdanh 123456789012345678901234/12"): "không phải ngày hợp lệ",
        (KHANG, "/diemdanhho 04/12 Cường co"): "Không có cuộc họp nào",
        (KHANG, "/tongket 04/12"): "không có cuộc họp nào ngày 04/12/2026",
        (KHANG, "/huyhop 04/12"): "Không có cuộc họp nào",
        (CUONG, "/dongdiemdanh 04/12"): "không dành cho vai trò",
        (AN, "/dongdiemdanh 31/12/9999"): "Năm “9999” không hợp lệ: cần một năm từ 2000 đến 2100",
        (AN, "/huyhop 01/01/0001"): "Năm “0001” không hợp lệ",
        (AN, "/diemdanhho 1/1/1 Cường co"): "không phải ngày",
        (CUONG, "/vang 31/12/9999 bận"): "Năm “9999” không hợp lệ",
    }
    for (user, text), expected in refusals.items():
        said = (await chat.say(user, text)).text
        assert expected in said, (text, said)
    assert await state_of(app, december) is MeetingState.PLANNED
    assert await outcomes(app, december) == {}


async def test_the_secretary_is_reminded_once_to_settle_or_cancel_a_past_meeting(
    app: AppContext, chat: Chat, clock: FakeClock
) -> None:
    await december_and_january(app)
    await connect_everyone(app)  # the bot writes privately only to accounts that wrote to it
    h = Harness(app, clock)
    clock.set(utc(12, 4, 12, 30) + CURRENT_GRACE + timedelta(minutes=5))
    await h.tick()
    settle = [s for s in h.sent if s.text.startswith("⏳")]
    assert [s.chat for s in settle] == [AN]  # the secretary
    assert "04/12/2026" in settle[0].text
    assert "/tongket 04/12" in settle[0].text
    assert "/huyhop 04/12" in settle[0].text
    clock.advance(timedelta(days=1))
    await h.tick()
    assert len([s for s in h.sent if s.text.startswith("⏳")]) == 1


async def test_no_settle_reminder_for_a_held_or_cancelled_meeting(
    app: AppContext, chat: Chat, clock: FakeClock
) -> None:
    _, _, january = await december_and_january(app)
    h = Harness(app, clock)
    clock.set(utc(12, 4, 12, 45))
    await chat.say(AN, "/dongdiemdanh")
    clock.set(utc(1, 4, 13, 0, year=2027))
    await chat.say(AN, "/huyhop 04/01")
    clock.advance(CURRENT_GRACE + timedelta(hours=1))
    await h.tick()
    assert [s for s in h.log if s.text.startswith("⏳")] == []
    assert await state_of(app, january) is MeetingState.CANCELLED


async def test_two_closings_racing_settle_the_meeting_once(app: AppContext, clock: FakeClock) -> None:
    """Two secretaries settling the same past meeting at once: the second is refused, nothing doubles."""
    _, december, _ = await december_and_january(app, utc(12, 5, 2, 0))
    async with app.sessions() as first, app.sessions() as second:
        mine = await first.get(Meeting, december)
        theirs = await second.get(Meeting, december)
        assert mine is not None
        assert theirs is not None
        await attendance.close_checkin(first, mine, clock.now())
        await first.commit()
        with pytest.raises(DomainError) as refused:
            await attendance.close_checkin(second, theirs, clock.now())
        assert refused.value.key == "checkin-meeting-over"
        await second.rollback()
    assert len(await outcomes(app, december)) == 6


async def test_the_digest_counts_an_early_closed_meeting_and_not_an_unsettled_one(
    app: AppContext, chat: Chat, clock: FakeClock
) -> None:
    world = await build_world(app, meeting_at=utc(12, 4, 12, 30))
    zone = app.config.schedule.zone

    async def last_meeting() -> datetime | None:
        async with app.sessions() as session:
            built = await digest.build_digest(session, select(Cell.id).where(Cell.name == CELL), clock.now(), zone)
        return built.lines[0].last_meeting

    clock.set(utc(12, 5, 2, 0))  # the morning after a meeting nobody settled: not held
    assert await last_meeting() is None
    clock.set(utc(12, 4, 10, 45))  # back to 17:45 that evening: check-in opened early, closed at 18:15
    await chat.say(AN, "/modiemdanh")
    await chat.press(CUONG, f"ci:{world.meeting_id}")
    clock.advance(timedelta(minutes=30))
    await chat.say(AN, "/dongdiemdanh")
    assert await last_meeting() == utc(12, 4, 12, 30)
