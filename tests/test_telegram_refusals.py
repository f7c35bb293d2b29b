"""Wrong role, wrong chat, other cell, wrong moment, bad arguments: over real Telegram round trips every
one gets a short Vietnamese answer, Telegram accepts every message the bot sends (valid HTML, within
limits), and nothing changes in the database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from channels.telegram import TelegramChannel
from handlers.context import AppContext
from models import Attendance, ChatLink, Meeting, Opinion
from services.roster import import_rows
from services.roster_file import parse_rows
from tests.factories import CELL, COMMITTEE, build_world, roster_table
from tests.fake_telegram import BotMessage, FakeChat, FakeTelegram, FakeUser
from tests.fake_telegram.fixtures import People

INTERNAL_ERROR = "Đã có lỗi khi xử lý"


async def counts(app: AppContext) -> tuple[int, ...]:
    async with app.sessions() as session:
        return tuple(
            [
                await session.scalar(select(func.count()).select_from(table)) or 0
                for table in (Meeting, Attendance, Opinion, ChatLink)
            ]
        )


async def linked_group(fake: FakeTelegram, people: People) -> FakeChat:
    group = fake.group(CELL)
    fake.add_bot(people.an, group)
    await fake.wait_for(lambda: fake.sent(group.id))
    await fake.say(people.an, "/ketnoi", group)
    return group


def no_failures(fake: FakeTelegram) -> list[str]:
    return [f"{c.method} {c.status} {c.description}" for c in fake.calls if not c.ok]


# (who, where, what they type, what the answer must say)
Case = tuple[Callable[[People], FakeUser], str, str, str]
CASES: list[Case] = [
    (lambda p: p.cuong, "private", "/datlich 04/12 19:30", "Lệnh này không dành cho vai trò"),
    (lambda p: p.cuong, "private", "/modiemdanh", "Lệnh này không dành cho vai trò"),
    (lambda p: p.giang, "private", "/vang ốm", "Lệnh này không dành cho vai trò"),
    (lambda p: p.stranger, "private", "/diemdanh 1234", "chưa kết nối"),
    (lambda p: p.cuong, "group", "/lichhop", "nhắn riêng cho bot"),
    (lambda p: p.cuong, "group", "/ketnoi", "Chỉ bí thư hoặc phó bí thư"),
    (lambda p: p.khang, "group", "/modiemdanh", "không phụ trách chi bộ này"),
    (lambda p: p.cuong, "private", "/ketnoi", "dùng trong nhóm chat"),
    (lambda p: p.an, "private", "/datlich", "Cú pháp"),
    (lambda p: p.an, "private", "/datlich 31/02 19:30", "Không có ngày 31/02"),
    (lambda p: p.an, "private", "/datlich 04/12 25:00", "không phải giờ"),
    (lambda p: p.an, "private", "/datlich hôm_nay <b>19:30</b>", "không phải ngày"),
    (lambda p: p.an, "private", "/datlich 04/12 19:30 " + "Nhà văn hóa " * 40, "Địa điểm quá dài"),
    (lambda p: p.an, "private", "/datlich hangthang 31 19:30", "không hợp lệ"),
    (lambda p: p.an, "private", "/noidung", "Cú pháp"),
    (lambda p: p.an, "private", "/dongdiemdanh", "chưa có cuộc họp"),
    (lambda p: p.cuong, "private", "/vang", "ghi rõ lý do"),
    (lambda p: p.cuong, "private", "/diemdanh", "gửi kèm mã"),
    (lambda p: p.cuong, "private", "/diemdanh 1234", "chưa có cuộc họp"),
    (lambda p: p.cuong, "private", "/ykien " + "ý kiến dài " * 120, "chưa có cuộc họp"),
    (lambda p: p.an, "private", "/diemdanhho Người Lạ co", "Không tìm thấy “Người Lạ” trong chi bộ"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[2][:24] for c in CASES])
async def test_refused_with_a_clear_answer_and_nothing_changed(
    case: Case, tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    who, where, text, expected = case
    await build_world(tg_app)
    group = await linked_group(fake, people)
    before = await counts(tg_app)
    [answer] = await fake.say(who(people), text, group if where == "group" else None)
    assert expected in answer.text
    assert INTERNAL_ERROR not in answer.text
    assert await counts(tg_app) == before
    assert no_failures(fake) == []


async def test_wrong_moments_around_a_meeting(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    world = await build_world(tg_app, meeting_at=tg_app.clock.now() + timedelta(days=3))
    group = await linked_group(fake, people)
    [too_early] = await fake.say(people.an, "/modiemdanh", group)
    assert "Chưa đến giờ" in too_early.text
    [closed] = await fake.say(people.cuong, "/diemdanh 1234")
    assert "chưa mở hoặc đã đóng" in closed.text
    [long] = await fake.say(people.cuong, "/ykien " + "x" * 1001)
    assert "tối đa 1.000 ký tự" in long.text
    [not_started] = await fake.say(people.an, "/dongdiemdanh")
    assert "chưa bắt đầu" in not_started.text
    async with tg_app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Opinion)) == 0
        assert await session.scalar(select(func.count()).select_from(Attendance)) == 0
    assert world.meeting_id is not None
    assert no_failures(fake) == []


async def test_pressing_check_in_after_it_closed(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    await build_world(tg_app, meeting_at=tg_app.clock.now() + timedelta(hours=1))
    group = await linked_group(fake, people)
    since = fake.mark()
    await fake.say(people.an, "/modiemdanh ma", group)
    [post] = await fake.wait_for(lambda: [m for m in fake.sent(group.id, since=since) if m.buttons])
    needs_code = await fake.click(people.cuong, post, post.buttons[0]["callback_data"])
    assert "nhắn riêng cho bot /diemdanh" in needs_code["text"]
    tg_app.clock.advance(timedelta(hours=4))  # type: ignore[attr-defined]
    late = await fake.click(people.cuong, post, post.buttons[0]["callback_data"])
    assert "chưa mở hoặc đã đóng" in late["text"]
    async with tg_app.sessions() as session:
        checked = await session.scalar(select(func.count()).where(Attendance.checked_in_at.is_not(None)))
    assert checked == 0
    assert fake.sent(group.id, since=fake.mark()) == []


def named(count: int, name: str = "<b>Nguyễn</b> & Văn Thành Công Nguyên Phương Hoàng") -> list[list[str]]:
    return [[COMMITTEE, CELL, f"{name} {n:03}", "dang_vien", "chinh_thuc", "", ""] for n in range(count)]


async def import_extra(app: AppContext, rows: list[list[str]]) -> None:
    async with app.sessions() as session:
        await import_rows(session, parse_rows(roster_table(rows)))
        await session.commit()


async def test_html_in_names_and_long_replies(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    """Names with markup in them, and an invite list far over 4096 characters: all escaped, all split."""
    await import_extra(tg_app, named(120))
    replies = await invite_list(fake, people.an)
    text = "\n".join(r.text for r in replies)
    assert len(replies) > 1
    assert "<b>Nguyễn</b> & Văn Thành Công Nguyên Phương Hoàng 000" in text
    assert "Hoàng 119" in text
    assert all(len(r.text) <= 4096 for r in replies)
    assert no_failures(fake) == []


async def invite_list(fake: FakeTelegram, secretary: FakeUser) -> list[BotMessage]:
    """Every part of the secretary's /moi answer (the cell's code comes last)."""
    since = fake.mark()
    fake.send(secretary, "/moi")
    await fake.wait_for(lambda: any("Mã chung" in m.text for m in fake.sent(secretary.id, since=since)))
    return fake.sent(secretary.id, since=since)


def cell_code(parts: list[BotMessage]) -> str:
    return parts[-1].text.split("Mã chung của chi bộ: ")[1].split()[0]


async def test_markup_in_a_telegram_name_reaches_the_secretary_as_text(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    await import_extra(tg_app, named(2))
    hacker = fake.user(6001, "<script>alert(1)</script>", "&amp; <i>")
    [me] = await fake.say(hacker, "/cuatoi")
    assert "chưa kết nối" in me.text
    [pick] = await fake.say(hacker, "/start " + cell_code(await invite_list(fake, people.an)))
    await fake.click(hacker, pick, pick.buttons[0]["callback_data"])
    ask = await fake.wait_for(lambda: [m for m in fake.sent(people.an.id) if "xin kết nối" in m.text])
    assert "<script>alert(1)</script> &amp; <i>" in ask[0].text
    assert no_failures(fake) == []


async def test_a_cell_code_in_a_big_cell_still_gets_an_answer(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    await import_extra(tg_app, named(120, "Đảng viên"))
    code = cell_code(await invite_list(fake, people.an))
    assert no_failures(fake) == []
    fake.send(people.stranger, "/start " + code)
    await fake.wait_for(lambda: fake.calls_to("sendMessage")[-1].params["chat_id"] == str(people.stranger.id))
    assert no_failures(fake) == []
    assert "gõ họ tên" in fake.sent(people.stranger.id)[-1].text  # too many names for buttons: type yours
    [choices] = await fake.say(people.stranger, "dang vien 07")
    labels = [button["text"] for button in choices.buttons]
    assert labels == [f"Đảng viên {n:03}" for n in range(70, 80)]
    assert no_failures(fake) == []
