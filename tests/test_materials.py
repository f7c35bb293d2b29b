"""Tài liệu sinh hoạt: an admin sends the month's material down the tree, members press "Đã đọc"
once, and every refusal is a Vietnamese answer with nothing written."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from channels.choices import PromptBook, typed_reply
from channels.plain import to_plain
from core.messages import Address, Incoming, load_keyboard
from handlers.context import AppContext
from handlers.dispatcher import Dispatcher
from models import Committee, CommitteeRole, Material, MaterialRead, NodeRole, OutboxMessage, Platform
from tests.chat import Chat
from tests.factories import COMMITTEE, build_world, connect_everyone
from tests.test_tree_admins import SCHOOL_ADMIN, WARD_ADMIN, WARD_SUPERVISOR, city

__all__ = ["city"]

LINK = "https://example.vn/chuyen-de-12"


async def sent_to(app: AppContext) -> list[str]:
    async with app.sessions() as session:
        rows = await session.scalars(select(OutboxMessage.chat_id).where(OutboxMessage.kind == "material"))
        return sorted(rows.all())


async def count(app: AppContext, table: type[Material] | type[MaterialRead]) -> int:
    async with app.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def material_id(app: AppContext) -> int:
    async with app.sessions() as session:
        found = await session.scalar(select(func.max(Material.id)))
        assert found is not None
        return found


async def test_the_ward_admin_sends_to_every_cell_below_and_members_read_once(city: AppContext, chat: Chat) -> None:
    await chat.say("2001", "/trogiup")  # the secretaries open their private chats
    await chat.say("2003", "/trogiup")
    await chat.say("2001", "/ketnoi", group="-300")
    said = await chat.say(WARD_ADMIN, f"/tailieu 12/2026 | Chuyên đề tháng 12 | {LINK}")
    assert "tới 2 chi bộ" in said.text
    # Ba Đình lies outside the ward: its secretary (2005) gets nothing.
    assert "2005" not in await sent_to(city)
    assert {"2001", "2003"} <= set(await sent_to(city))
    mid = await material_id(city)
    first = await chat.press("2001", f"read:{mid}")
    assert "Đã ghi nhận" in (first.response.toast or "")
    again = await chat.press("2001", f"read:{mid}")
    assert "trước đó" in (again.response.toast or "")
    assert await count(city, MaterialRead) == 1
    listing = (await chat.say(WARD_ADMIN, "/tailieu 12/2026")).text
    assert "Chuyên đề tháng 12" in listing
    assert "1/3 lượt đã đọc" in listing


async def test_only_cells_of_one_kind(city: AppContext, chat: Chat) -> None:
    await chat.say("2001", "/trogiup")
    await chat.say("2003", "/trogiup")
    assert "tới 1 chi bộ" in (await chat.say(WARD_ADMIN, "/tailieu coso | 12/2026 | Trường học | đọc kỹ")).text
    assert await sent_to(city) == ["2003"]
    assert "tới 1 chi bộ" in (await chat.say(WARD_ADMIN, "/tailieu xa | 12/2026 | Khu dân cư | đọc kỹ")).text
    assert await sent_to(city) == ["2001", "2003"]


async def test_a_member_of_another_cell_and_a_forged_press_count_nobody(city: AppContext, chat: Chat) -> None:
    await chat.say(SCHOOL_ADMIN, "/tailieu 12/2026 | Trường học | đọc kỹ")
    mid = await material_id(city)
    for data in (f"read:{mid}", f"read:{mid + 1}", "read:99999999999", "read:²"):
        said = await chat.press("2001", data)
        assert "hết hiệu lực" in said.text + (said.response.toast or "")
    assert await count(city, MaterialRead) == 0


@pytest.mark.parametrize(
    ("who", "text", "answer"),
    [
        ("2001", "/tailieu 12/2026 | Tiêu đề | nội dung", "không dành cho vai trò"),
        (WARD_SUPERVISOR, "/tailieu 12/2026 | Tiêu đề | nội dung", "Chỉ quản trị viên"),
        (WARD_ADMIN, "/tailieu 12/2026 |  \u200b | nội dung", "cần có tiêu đề"),
        (WARD_ADMIN, "/tailieu 13/2026 | Tiêu đề | nội dung", "không hợp lệ"),
        (WARD_ADMIN, "/tailieu tháng 12 | Tiêu đề | nội dung", "không hợp lệ"),
        (WARD_ADMIN, "/tailieu ١٢/2026 | Tiêu đề | nội dung", "không hợp lệ"),
        (WARD_ADMIN, "/tailieu 12/000000000000000000002026 | Tiêu đề | nội dung", "không hợp lệ"),
        (WARD_ADMIN, "/tailieu 12/2026 | Tiêu đề | " + "a" * 3001, "dài quá"),
        (WARD_ADMIN, "/tailieu 12/2026 | " + "T" * 201 + " | nội dung", "dài quá"),
        (WARD_ADMIN, "/tailieu 12/2026 | Tiêu đề | javascript:alert(1)", "http://"),
        (WARD_ADMIN, "/tailieu 12/2026 | Tiêu đề | ftp://example.vn/a", "http://"),
        (WARD_ADMIN, "/tailieu 12/2026 | Tiêu đề | https://", "http://"),
        (WARD_ADMIN, "/tailieu 12/2026 | Tiêu đề", "Cách dùng"),
        (WARD_ADMIN, "/tailieu 12/2026 | Tiêu đề | \u200b ", "Cách dùng"),
        (WARD_ADMIN, "/tailieu Đảng ủy phường Ba Đình | 12/2026 | Tiêu đề | nội dung", "Không thấy tổ chức"),
    ],
)
async def test_refusals(city: AppContext, chat: Chat, who: str, text: str, answer: str) -> None:
    said = await chat.say(who, text)
    assert answer in said.text
    assert await count(city, Material) == 0
    assert await sent_to(city) == []


async def test_control_characters_are_cleaned(city: AppContext, chat: Chat) -> None:
    await chat.say("2001", "/trogiup")
    await chat.say(WARD_ADMIN, "/tailieu 12/2026 | Chuyên\u200b đề\u202e | nội\x07 dung <b>")
    async with city.sessions() as session:
        material = await session.scalar(select(Material))
        assert material is not None
        assert (material.title, material.body) == ("Chuyên đề", "nội dung <b>")
        posted = await session.scalar(select(OutboxMessage.text).where(OutboxMessage.kind == "material"))
        assert posted is not None
        assert "nội dung &lt;b&gt;" in posted


async def test_rollup_and_digest_show_read_rates_per_cell(city: AppContext, chat: Chat) -> None:
    await chat.say("2001", "/trogiup")
    await chat.say(WARD_ADMIN, "/tailieu 11/2026 | Chuyên đề tháng 11 | đọc kỹ")
    await chat.press("2001", f"read:{await material_id(city)}")
    rollup = (await chat.say(WARD_ADMIN, "/tonghop")).text
    # Tổ 1 has one member who read; the school's cell has two who did not.
    assert "tài liệu đã đọc 33,3%" in rollup
    assert "tài liệu đã đọc 0%" in rollup
    digest = (await chat.say(WARD_SUPERVISOR, "/baocao")).text
    assert "tài liệu đã đọc 100%" in digest
    assert "tài liệu đã đọc 0%" in digest


async def test_on_zalo_the_read_button_is_a_number(app: AppContext, dispatcher: Dispatcher) -> None:
    world = await build_world(app)
    await connect_everyone(app)
    async with app.sessions() as session:
        committee = await session.scalar(select(Committee.id).where(Committee.name == COMMITTEE))
        assert committee is not None
        session.add(CommitteeRole(committee_id=committee, person_id=world.people["Võ Thị Giang"], role=NodeRole.ADMIN))
        await session.commit()
    said = await Chat(dispatcher).say("9001", "/tailieu 11/2026 | Chuyên đề | đọc kỹ")
    assert "tới 2 chi bộ" in said.text
    async with app.sessions() as session:
        sent = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.kind == "material", OutboxMessage.platform == Platform.ZALO)
        )
        assert sent is not None
        keyboard = load_keyboard(sent.buttons)
    book = PromptBook(app)
    prompt, numbered = await book.open(Address(Platform.ZALO, sent.chat_id), keyboard)
    assert [(n, b.label) for n, b in numbered] == [(1, "Đã đọc")]
    await book.bind(prompt, "m-1")
    typed = Incoming(platform=Platform.ZALO, user_id=sent.chat_id, user_name="Phương", chat_id=sent.chat_id, text="1")
    answered = await typed_reply(app, dispatcher, typed)
    assert answered is not None
    assert "Đã ghi nhận" in to_plain(answered.messages[0].text)
    assert await count(app, MaterialRead) == 1


async def test_help_shows_tailieu_to_admins_and_the_read_button_to_members(city: AppContext, chat: Chat) -> None:
    assert "/tailieu" in (await chat.say(WARD_ADMIN, "/trogiup")).text
    member = (await chat.say("2001", "/trogiup")).text
    assert "/tailieu" not in member
    assert "“Đã đọc”" in member


async def test_her_reads_are_in_her_data(city: AppContext, chat: Chat) -> None:
    await chat.say("2001", "/trogiup")
    await chat.say(WARD_ADMIN, "/tailieu 11/2026 | Chuyên đề tháng 11 | đọc kỹ")
    await chat.press("2001", f"read:{await material_id(city)}")
    [message] = (await chat.say("2001", "/dulieucuatoi")).response.messages
    assert message.document is not None
    data = json.loads(message.document[1])
    assert [(r["title"], r["month"]) for r in data["materials_read"]] == [("Chuyên đề tháng 11", "2026-11")]
