"""One parser for every number, date and time users type: the same formats and the same bounds everywhere."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from handlers.context import AppContext
from services.errors import DomainError
from services.parsing import ID_MAX, looks_like_date, parse_date, parse_id, parse_int, parse_time, parse_year
from tests.chat import Chat
from tests.dialog import ConsoleDialog
from tests.factories import build_world
from tests.test_digest import build_history

TODAY = date(2026, 11, 23)
HUGE = "9" * 26
SECRETARY, MEMBER = "1001", "1003"


@pytest.mark.parametrize(
    "text", ["04/12", "04.12", "04-12", "4/12", "04/12/2026", "04.12.2026", "04-12-2026", "2026-12-04"]
)
def test_every_date_format_means_the_same_day(text: str) -> None:
    assert parse_date(text, TODAY) == date(2026, 12, 4)
    assert parse_date(text.replace("12", "11"), TODAY, past=True) == date(2026, 11, 4)


def test_a_date_without_a_year_is_the_next_one_or_for_reports_the_last_one() -> None:
    assert parse_date("24/11", TODAY) == date(2026, 11, 24)
    assert parse_date("22/11", TODAY) == date(2027, 11, 22)
    assert parse_date("23/11", TODAY) == parse_date("23/11", TODAY, past=True) == TODAY
    assert parse_date("24/11", TODAY, past=True) == date(2025, 11, 24)
    assert parse_date("29/02", TODAY) == date(2028, 2, 29)
    assert parse_date("29/02", TODAY, past=True) == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("31/02", "err-no-such-date"),
        ("30/02", "err-no-such-date"),
        ("31/02/2026", "err-no-such-date"),
        ("00/12", "err-no-such-date"),
        ("04/13", "err-no-such-date"),
        ("04/12/9999", "err-bad-year"),
        ("04/12/1999", "err-bad-year"),
        ("04/12-2026", "err-bad-date"),
        ("mai", "err-bad-date"),
        ("0²/12", "err-bad-date"),
        ("٠٤/١٢", "err-bad-date"),
        (f"{HUGE}/12", "err-bad-date"),
        ("", "err-bad-date"),
    ],
)
def test_impossible_dates_are_refused_with_their_reason(text: str, key: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_date(text, TODAY)
    assert refused.value.key == key


@pytest.mark.parametrize("text", ["²", "٣", "５", "-1", "1.5", "1e3", " 1", "", HUGE, "9" * 5000])
def test_only_plain_digits_within_bounds_are_numbers(text: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_int(text, 0, 100)
    assert refused.value.key == "err-bad-number"
    assert parse_id(text) is None


def test_bounds() -> None:
    assert parse_int("-5", -10, 10) == -5
    assert parse_int("0", 0, 0) == 0
    assert parse_id(str(ID_MAX)) == ID_MAX
    assert parse_id(str(ID_MAX + 1)) is None
    assert parse_id("0") is None
    assert parse_year("2100") == 2100
    with pytest.raises(DomainError):
        parse_year("10000")
    assert parse_time("19h30") == parse_time("19:30") == parse_time("19g30") == time(19, 30)
    with pytest.raises(DomainError):
        parse_time("１9:30")
    words = ("04.12", "31/02", "15", "-5", "chuan_bi=15")
    assert [looks_like_date(w) for w in words] == [True, True, False, False, False]


async def test_every_command_takes_the_same_date_formats(app: AppContext, chat: Chat) -> None:
    """/huyhop 04.12 was refused while /tongket 04.12 worked: two parsers with different formats."""
    await build_history(app)  # meetings held on the 4th of Jun-Nov 2026, one planned on 04/12
    assert "Điểm: 84/100" in (await chat.say(SECRETARY, "/tongket 04.11")).text
    assert "04/11/2026" in (await chat.say(SECRETARY, "/chamdiem 04-11")).text
    assert "04/11/2026" in (await chat.say(SECRETARY, "/xuatfile 04.11.2026")).text
    assert "Thứ Sáu, 04/12/2026" in (await chat.say(SECRETARY, "/nhaclai 04.12")).text
    assert "Đã hủy cuộc họp Thứ Sáu, 04/12/2026" in (await chat.say(SECRETARY, "/huyhop 04.12 trùng lịch")).text
    assert "Thứ Năm, 10/12/2026" in (await chat.say(SECRETARY, "/datlich 10.12 19h30 Nhà văn hóa")).text


@pytest.mark.parametrize(
    ("user", "text", "expected"),
    [
        (SECRETARY, f"/datlich hangthang {HUGE} 19:30", f"Ngày {HUGE} không hợp lệ: chọn từ 1 đến 28"),
        (SECRETARY, "/datlich hangthang ² 19:30", "Cú pháp: /datlich hangthang"),
        (SECRETARY, f"/chamdiem {HUGE} 40 18", f"“{HUGE}” không hợp lệ: cần một số từ -1000 đến 1000."),
        (SECRETARY, f"/chamdiem chuan_bi={HUGE}", f"“{HUGE}” không hợp lệ"),
        (SECRETARY, "/xuatfile 9999", "Năm “9999” không hợp lệ: cần một năm từ 2000 đến 2100."),
        (SECRETARY, f"/xuatfile {HUGE}", f"Năm “{HUGE}” không hợp lệ"),
        (SECRETARY, f"/diemdanhho {HUGE} co", "Không có số thứ tự này; danh sách có 6 người."),
        (SECRETARY, f"/moi {'9' * 5000}", "Không có số thứ tự này"),
        (MEMBER, "/ykien xoa ²", "Cú pháp: /ykien xoa <số>"),
        (MEMBER, f"/ykien xoa {HUGE}", f"“{HUGE}” không hợp lệ"),
        (MEMBER, "/ykien xoa 99999", "Không có ý kiến số này"),
    ],
)
async def test_huge_and_look_alike_numbers_get_a_clear_refusal(
    app: AppContext, chat: Chat, user: str, text: str, expected: str
) -> None:
    await build_history(app)
    assert (await chat.say(user, text)).text.startswith(expected)


@pytest.mark.parametrize(
    "data",
    ["ci:²", f"ci:{HUGE}", f"ci:{ID_MAX + 1}", "rsvp:²:yes", f"cancel:{HUGE}", "open:٣", "join:²:ok", "pick:X:²"],
)
async def test_forged_button_numbers_are_stale_buttons(app: AppContext, chat: Chat, data: str) -> None:
    await build_world(app, meeting_at=datetime(2026, 12, 4, 12, 30, tzinfo=UTC))
    refusals = {str(app.tr.t(key)) for key in ("err-stale-button", "err-not-allowed", "err-not-joined")}
    refusals.add(str(app.tr.t("join-already-linked")))  # a joined member pressing a name button
    for user in (SECRETARY, MEMBER, "5555"):
        toast = (await chat.press(user, data)).toast
        assert toast in refusals, (user, toast)


async def test_a_huge_number_no_longer_ends_the_console(app: AppContext) -> None:
    """decimal.InvalidOperation escaped the dispatcher (the refusal itself could not be worded)."""
    world = await build_world(app)
    dialog = ConsoleDialog(app, world.people["Nguyễn Văn An"], "Nguyễn Văn An")
    assert f"Ngày {HUGE} không hợp lệ" in await dialog.say(f"/datlich hangthang {HUGE} 19:30")
    assert "Cú pháp" in await dialog.say("/datlich")
