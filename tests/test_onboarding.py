"""Joining with personal and cell codes, approval by the secretary, expiry and reuse."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.clock import FakeClock
from handlers.context import AppContext
from models import Account, Platform
from services.roster import import_rows
from services.roster_file import parse_rows
from tests.chat import Chat
from tests.factories import CELL, COMMITTEE, build_world

SECRETARY, MEMBER = "1001", "1003"


async def world_with_newcomers(app: AppContext) -> None:
    await build_world(app)
    async with app.sessions() as session:
        await import_rows(
            session,
            parse_rows(
                [["dang_bo", "chi_bo", "ho_ten"], [COMMITTEE, CELL, "Mai Văn Tới"], [COMMITTEE, CELL, "Lý Thị Hậu"]]
            ),
        )
        await session.commit()


def code_for(text: str, name: str) -> str:
    line = next(line for line in text.splitlines() if line.startswith(name))
    return line.split(": ")[1].split()[0]


async def accounts(app: AppContext) -> list[tuple[str, str]]:
    async with app.sessions() as session:
        rows = (await session.scalars(select(Account).where(Account.platform == Platform.TELEGRAM))).all()
        return sorted((a.external_id, str(a.person_id)) for a in rows)


async def test_personal_code_links_at_once_and_only_once(app: AppContext, chat: Chat) -> None:
    await world_with_newcomers(app)
    assert "không dành cho vai trò" in (await chat.say(MEMBER, "/moi")).text
    listing = (await chat.say(SECRETARY, "/moi")).text
    assert "Mai Văn Tới" in listing
    assert "Lý Thị Hậu" in listing
    assert "Lê Văn Cường" not in listing  # already linked
    assert listing == (await chat.say(SECRETARY, "/moi")).text  # valid codes are reused
    code = code_for(listing, "Mai Văn Tới")
    said = await chat.say("6001", f"/start {code}")
    assert "Đã kết nối tài khoản với đồng chí Mai Văn Tới" in said.text
    assert "đã được dùng" in (await chat.say("6002", f"/start {code}")).text
    assert "đã được kết nối" in (await chat.say("6001", f"/start {code_for(listing, 'Lý Thị Hậu')}")).text
    assert "Chưa kết nối" not in (await chat.say("6001", "/lichhop")).text
    assert "Mai Văn Tới" not in (await chat.say(SECRETARY, "/moi")).text


async def test_code_typed_without_command_and_expiry(app: AppContext, chat: Chat, clock: FakeClock) -> None:
    await world_with_newcomers(app)
    listing = (await chat.say(SECRETARY, "/invite")).text
    code = code_for(listing, "Lý Thị Hậu")
    assert "Mã mời không đúng" in (await chat.say("6003", "/start ABCDEFGHJK")).text
    clock.advance(timedelta(days=15))
    assert "hết hạn" in (await chat.say("6003", code.lower())).text
    fresh = code_for((await chat.say(SECRETARY, "/moi")).text, "Lý Thị Hậu")
    assert fresh != code
    assert "Lý Thị Hậu" in (await chat.say("6003", fresh)).text


async def test_cell_code_waits_for_the_secretary(app: AppContext, chat: Chat) -> None:
    await world_with_newcomers(app)
    listing = (await chat.say(SECRETARY, "/moi")).text
    cell_code = listing.split("Mã chung của chi bộ: ")[1].split()[0]
    said = await chat.say("6004", f"/start {cell_code}")
    names = {b.label: b.data for row in said.response.messages[0].buttons for b in row}
    assert set(names) == {"Mai Văn Tới", "Lý Thị Hậu", "Đỗ Thị Phương"}  # not yet on Telegram
    assert all(len(data.encode()) <= 64 for data in names.values())
    said = await chat.press("6004", names["Lý Thị Hậu"])
    assert "Bí thư chi bộ sẽ xác nhận" in said.toast
    to_secretary = said.to(SECRETARY)
    assert to_secretary
    assert "Lý Thị Hậu" in to_secretary[0]
    ask = next(m for m in said.response.messages if m.to is not None and m.to.chat_id == SECRETARY)
    approve, reject = (b.data for b in ask.buttons[0])
    before = await accounts(app)
    assert "không dành cho vai trò" in (await chat.press(MEMBER, approve)).toast
    assert await accounts(app) == before
    said = await chat.press(SECRETARY, approve)
    assert "Đã kết nối Lý Thị Hậu" in said.toast
    assert "đã xác nhận" in said.to("6004")[0]
    assert "đã được xử lý" in (await chat.press(SECRETARY, reject)).toast
    assert len(await accounts(app)) == len(before) + 1
    assert "Lý Thị Hậu" in (await chat.say("6004", "/cuatoi")).text


async def test_rejected_claim_links_nothing(app: AppContext, chat: Chat) -> None:
    await world_with_newcomers(app)
    cell_code = (await chat.say(SECRETARY, "/moi")).text.split("Mã chung của chi bộ: ")[1].split()[0]
    said = await chat.say("6005", f"/start {cell_code}")
    pick = next(b.data for row in said.response.messages[0].buttons for b in row if b.label == "Mai Văn Tới")
    said = await chat.press("6005", pick)
    reject = next(m for m in said.response.messages if m.to is not None).buttons[0][1].data
    said = await chat.press(SECRETARY, reject)
    assert "chưa được chấp nhận" in said.to("6005")[0]
    assert "chưa kết nối" in (await chat.say("6005", "/lichhop")).text


async def test_start_without_code(app: AppContext, chat: Chat) -> None:
    await build_world(app)
    assert "mã mời" in (await chat.say("6006", "/start")).text
    assert "Chào đồng chí Lê Văn Cường" in (await chat.say(MEMBER, "/start")).text
