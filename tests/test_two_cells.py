"""Issue 10 item 5: a member of two cells (official in one, temporary in another) checks in by code
and excuses herself in either; /vang and /lichhop ask which cell; /cuatoi shows both."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.clock import FakeClock
from handlers.context import AppContext
from models import Attendance, Cell, Meeting, Person, Rsvp
from services import attendance
from services.meetings import schedule_meeting
from services.roster import import_rows
from services.roster_file import parse_rows
from tests.chat import Chat
from tests.dialog import ConsoleDialog
from tests.factories import COMMITTEE, roster_table

CUONG, KHANG, AN = "1003", "2001", "1001"
CELL_1, CELL_2 = "Chi bộ Khu phố 1", "Chi bộ Khu phố 2"


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


async def two_cells(app: AppContext) -> tuple[int, int, int]:
    """Cường is official in cell 1 and temporary in cell 2; cell 1 meets on 04/12, cell 2 on 05/12
    (19:30 in Hanoi). Returns Cường's person id and the two meetings."""
    extra = [[COMMITTEE, CELL_2, "Lê Văn Cường", "dang_vien", "tam_thoi", CUONG, ""]]
    async with app.sessions() as session:
        await import_rows(session, parse_rows(roster_table(extra)))
        cells = {c.name: c.id for c in (await session.scalars(select(Cell))).all()}
        now = app.clock.now()
        first = await schedule_meeting(session, cells[CELL_1], utc(12, 4, 12, 30), now, place="Nhà văn hóa")
        second = await schedule_meeting(session, cells[CELL_2], utc(12, 5, 12, 30), now, place="Trụ sở khu 2")
        await session.commit()
        person = await session.scalar(select(Person.id).where(Person.full_name == "Lê Văn Cường"))
        assert person is not None
        return person, first.id, second.id


async def rsvp(app: AppContext, meeting_id: int) -> list[tuple[Rsvp | None, str | None]]:
    async with app.sessions() as session:
        rows = (await session.scalars(select(Attendance).where(Attendance.meeting_id == meeting_id))).all()
        return [(row.rsvp, row.reason) for row in rows]


async def test_absent_asks_which_cell_and_takes_a_date(app: AppContext, chat: Chat) -> None:
    _, first, second = await two_cells(app)
    ask = await chat.say(CUONG, "/vang đi công tác")
    assert CELL_1 in ask.text
    assert CELL_2 in ask.text
    assert "04/12/2026" in ask.text
    assert "05/12/2026" in ask.text
    assert "/vang 04/12 đi công tác" in ask.text
    buttons = [(b.label, b.packed) for row in ask.response.messages[0].buttons for b in row]
    assert buttons == [
        (f"Xin vắng: {CELL_1} (04/12)", f"absent:{first}"),
        (f"Xin vắng: {CELL_2} (05/12)", f"absent:{second}"),
    ]
    assert await rsvp(app, first) == []
    assert await rsvp(app, second) == []
    done = (await chat.say(CUONG, "/vang 05/12 đi công tác")).text
    assert f"cuộc họp ngày 05/12/2026 của {CELL_2}" in done
    assert await rsvp(app, second) == [(Rsvp.ABSENT, "đi công tác")]
    assert await rsvp(app, first) == []
    # The button asks for the reason, and the next message answers it.
    pressed = await chat.press(CUONG, f"absent:{first}")
    assert "04/12/2026" in pressed.to(CUONG)[0]
    assert "04/12/2026" in (await chat.say(CUONG, "ốm")).text
    assert await rsvp(app, first) == [(Rsvp.ABSENT, "ốm")]
    # Someone in one cell is not asked anything.
    assert "cuộc họp ngày 04/12/2026 của Chi bộ Khu phố 1" in (await chat.say("1004", "/vang bận")).text
    assert "Không có cuộc họp nào (chưa bị hủy) vào ngày 06/12" in (await chat.say(CUONG, "/vang 06/12 bận")).text
    assert "ghi rõ lý do" in (await chat.say(CUONG, "/vang 05/12")).text


async def test_next_meeting_asks_which_cell(app: AppContext, chat: Chat) -> None:
    _, first, second = await two_cells(app)
    ask = await chat.say(CUONG, "/lichhop")
    assert "Đồng chí muốn xem cuộc họp của chi bộ nào?" in ask.text
    assert [b.packed for row in ask.response.messages[0].buttons for b in row] == [f"next:{first}", f"next:{second}"]
    shown = (await chat.press(CUONG, f"next:{second}")).text
    assert CELL_2 in shown
    assert "05/12/2026" in shown
    assert "Trụ sở khu 2" in shown
    assert "hết hiệu lực" in (await chat.press(CUONG, "next:abc")).toast
    assert "hết hiệu lực" in (await chat.press(CUONG, "next:99999")).toast
    assert "không thuộc chi bộ" in (await chat.press("1004", f"next:{second}")).toast
    assert "không thuộc chi bộ" in (await chat.press("1004", f"absent:{second}")).toast
    one_cell = (await chat.say("1004", "/lichhop")).text
    assert CELL_1 in one_cell
    assert "Nhà văn hóa" in one_cell


async def test_console_lists_each_meeting_with_its_cell_and_date(app: AppContext) -> None:
    person, first, second = await two_cells(app)
    console = ConsoleDialog(app, person)
    printed = await console.say("/vang bận việc nhà")
    assert f"{CELL_1}: Thứ Sáu, 04/12/2026 lúc 19:30" in printed
    assert f"{CELL_2}: Thứ Bảy, 05/12/2026 lúc 19:30" in printed
    assert "/vang 04/12 bận việc nhà" in printed
    # "vắng <lý do>" names no cell: it must not pick the first one silently.
    assert "xin vắng cuộc họp nào?" in await console.say("vắng ốm")
    assert "05/12/2026" in await console.say("2")  # the second meeting's button: the bot asks the reason
    assert f"cuộc họp ngày 05/12/2026 của {CELL_2}" in await console.say("ốm")
    assert await rsvp(app, second) == [(Rsvp.ABSENT, "ốm")]
    assert await rsvp(app, first) == []
    assert f"cuộc họp ngày 04/12/2026 của {CELL_1}" in await console.say("/vang 04/12 ốm")


async def test_check_in_by_code_in_the_second_cell(app: AppContext, chat: Chat, clock: FakeClock) -> None:
    _, first, second = await two_cells(app)
    clock.set(utc(12, 5, 12, 0))  # 19:00 on 05/12: cell 2's meeting
    opened = (await chat.say(KHANG, "/modiemdanh ma")).text
    code = opened.split("Mã: ")[1][:4]
    wrong = "0000" if code != "0000" else "1111"
    assert "Mã không đúng" in (await chat.say(CUONG, f"/diemdanh {wrong}")).text
    done = (await chat.say(CUONG, f"/diemdanh {code}")).text
    assert f"Đã điểm danh cuộc họp ngày 05/12/2026 của {CELL_2}" in done
    assert "đã điểm danh cuộc họp ngày 05/12/2026" in (await chat.say(CUONG, f"/diemdanh {code}")).text
    async with app.sessions() as session:
        row = await session.scalar(select(Attendance).where(Attendance.meeting_id == second))
        assert row is not None
        assert row.checked_in_at is not None
        assert row.code_failures == 1
    assert await rsvp(app, first) == []


async def test_two_open_check_ins_have_different_codes_and_share_the_guess_budget(
    app: AppContext, chat: Chat, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    person, first, second = await two_cells(app)
    async with app.sessions() as session:
        cell_2 = await session.scalar(select(Meeting.cell_id).where(Meeting.id == second))
        assert cell_2 is not None
        # Move cell 2's meeting onto the same evening as cell 1's.
        meeting = await session.get(Meeting, second)
        assert meeting is not None
        meeting.starts_at = utc(12, 4, 12, 30)
        await session.commit()
    draws = iter([1234, 1234, 5678])
    monkeypatch.setattr(attendance.secrets, "randbelow", lambda _n: next(draws))
    clock.set(utc(12, 4, 12, 0))
    assert "Mã: 1234" in (await chat.say(AN, "/modiemdanh ma")).text
    assert "Mã: 5678" in (await chat.say(KHANG, "/modiemdanh ma")).text  # 1234 is taken: drawn again
    for guess in ("0001", "0002", "0003", "0004", "0005"):
        assert "Mã không đúng" in (await chat.say(CUONG, f"/diemdanh {guess}")).text
    # Five wrong guesses over both meetings: the right code of either no longer helps.
    assert "nhập sai mã nhiều lần" in (await chat.say(CUONG, "/diemdanh 5678")).text
    async with app.sessions() as session:
        rows = (await session.scalars(select(Attendance).where(Attendance.person_id == person))).all()
        assert sorted((r.meeting_id, r.code_failures, r.checked_in_at) for r in rows) == [
            (first, 5, None),
            (second, 5, None),
        ]


async def test_my_record_shows_both_cells(app: AppContext, chat: Chat) -> None:
    await two_cells(app)
    record = (await chat.say(CUONG, "/cuatoi")).text
    assert f"Lê Văn Cường</b> — {CELL_1}" in record or f"Lê Văn Cường — {CELL_1}" in record
    assert CELL_2 in record
    assert "sinh hoạt tạm thời" in record
    assert record.index(CELL_1) < record.index(CELL_2)  # the own cell first
