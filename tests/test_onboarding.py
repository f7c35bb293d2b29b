"""Joining with personal and cell codes, approval by the secretary, expiry and reuse."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.clock import FakeClock
from handlers.context import AppContext
from models import Account, Person, Platform
from services.roster import import_rows
from services.roster_file import parse_rows
from tests.chat import Chat
from tests.conftest import ADMIN_ID
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
    names = {b.label: b.packed for row in said.response.messages[0].buttons for b in row}
    assert set(names) == {"Mai Văn Tới", "Lý Thị Hậu", "Đỗ Thị Phương"}  # not yet on Telegram
    assert all(len(data.encode()) <= 64 for data in names.values())
    said = await chat.press("6004", names["Lý Thị Hậu"])
    assert "Bí thư chi bộ sẽ xác nhận" in said.toast
    to_secretary = said.to(SECRETARY)
    assert to_secretary
    assert "Lý Thị Hậu" in to_secretary[0]
    ask = next(m for m in said.response.messages if m.to is not None and m.to.chat_id == SECRETARY)
    approve, reject = (b.packed for b in ask.buttons[0])
    before = await accounts(app)
    assert "không dành cho vai trò" in (await chat.press(MEMBER, approve)).toast
    assert await accounts(app) == before
    said = await chat.press(SECRETARY, approve)
    assert "Đã duyệt yêu cầu số 1: kết nối Lý Thị Hậu" in said.toast
    assert "đã xác nhận" in said.to("6004")[0]
    assert "đã được xử lý" in (await chat.press(SECRETARY, reject)).toast
    assert len(await accounts(app)) == len(before) + 1
    assert "Lý Thị Hậu" in (await chat.say("6004", "/cuatoi")).text


async def test_rejected_claim_links_nothing(app: AppContext, chat: Chat) -> None:
    await world_with_newcomers(app)
    cell_code = (await chat.say(SECRETARY, "/moi")).text.split("Mã chung của chi bộ: ")[1].split()[0]
    said = await chat.say("6005", f"/start {cell_code}")
    pick = next(b.packed for row in said.response.messages[0].buttons for b in row if b.label == "Mai Văn Tới")
    said = await chat.press("6005", pick)
    reject = next(m for m in said.response.messages if m.to is not None).buttons[0][1].packed
    said = await chat.press(SECRETARY, reject)
    assert "chưa được chấp nhận" in said.to("6005")[0]
    assert "chưa kết nối" in (await chat.say("6005", "/lichhop")).text


async def test_start_without_code(app: AppContext, chat: Chat) -> None:
    await build_world(app)
    assert "mã mời" in (await chat.say("6006", "/start")).text
    assert "Chào đồng chí Lê Văn Cường" in (await chat.say(MEMBER, "/start")).text


LEADER = "Trịnh Văn Ủy"  # a chi ủy viên with no account yet


async def cell_code(chat: Chat) -> str:
    return (await chat.say(SECRETARY, "/moi")).text.split("Mã chung của chi bộ: ")[1].split()[0]


async def person_id(app: AppContext, name: str) -> int:
    async with app.sessions() as session:
        found = await session.scalar(select(Person.id).where(Person.full_name == name))
        assert found is not None
        return found


async def test_a_cell_code_shows_no_leader_and_a_leader_claim_goes_to_the_admin(app: AppContext, chat: Chat) -> None:
    """Issue 10.1: a stranger with the cell code claimed the secretary's name and a deputy approved."""
    await world_with_newcomers(app)
    async with app.sessions() as session:
        await import_rows(
            session, parse_rows([["dang_bo", "chi_bo", "ho_ten", "vai_tro"], [COMMITTEE, CELL, LEADER, "chi_uy_vien"]])
        )
        await session.commit()
    code = await cell_code(chat)
    said = await chat.say("6010", f"/start {code}")
    names = {b.label for row in said.response.messages[0].buttons for b in row}
    assert LEADER not in names
    assert "Mai Văn Tới" in names
    # A forged press naming the leader anyway goes to the committee's admin, not to the cell.
    leader = await person_id(app, LEADER)
    said = await chat.press("6010", f"pick:{code}:{leader}")
    asked = [m for m in said.response.messages if m.to is not None]
    assert [(m.to.platform, m.to.chat_id) for m in asked if m.to] == [(Platform.TELEGRAM, str(ADMIN_ID))]
    approve = asked[0].buttons[0][0].packed
    assert "chỉ quản trị viên" in (await chat.press(SECRETARY, approve)).toast
    assert "chỉ quản trị viên" in (await chat.say("1002", "/duyet 1")).text  # the deputy, by command
    assert "chưa kết nối" in (await chat.say("6010", "/lichhop")).text
    said = await chat.say(str(ADMIN_ID), "/duyet 1")
    assert "Đã duyệt yêu cầu số 1" in said.text
    assert "đã xác nhận" in said.to("6010")[0]


async def test_repeated_presses_send_one_request_and_claims_are_capped(
    app: AppContext, chat: Chat, clock: FakeClock
) -> None:
    """Issue 10.1: four presses sent eight approval requests."""
    await world_with_newcomers(app)
    await chat.say("1002", "/trogiup")  # the deputy has opened a chat with the bot: she can be written to
    code = await cell_code(chat)
    await chat.say("6011", f"/start {code}")
    tai, hau = await person_id(app, "Mai Văn Tới"), await person_id(app, "Lý Thị Hậu")
    asks = []
    for _ in range(4):
        said = await chat.press("6011", f"pick:{code}:{tai}")
        asks += [m for m in said.response.messages if m.to is not None]
    assert sorted(m.to.chat_id for m in asks if m.to) == [SECRETARY, "1002"]  # once to each leader
    assert "không cần bấm lại" in said.text
    # One waiting claim per account: another name waits for the first to be decided.
    assert "đang có một yêu cầu chờ" in (await chat.press("6011", f"pick:{code}:{hau}")).toast
    await chat.say(SECRETARY, "/tuchoi 1")
    phuong = await person_id(app, "Đỗ Thị Phương")
    await chat.press("6011", f"pick:{code}:{hau}")
    await chat.say(SECRETARY, "/tuchoi 2")
    await chat.press("6011", f"pick:{code}:{phuong}")
    await chat.say(SECRETARY, "/tuchoi 3")
    async with app.sessions() as session:
        await import_rows(session, parse_rows([["dang_bo", "chi_bo", "ho_ten"], [COMMITTEE, CELL, "Đinh Văn Bốn"]]))
        await session.commit()
    bon = await person_id(app, "Đinh Văn Bốn")
    assert "quá nhiều yêu cầu" in (await chat.press("6011", f"pick:{code}:{bon}")).toast
    clock.advance(timedelta(days=1, minutes=1))
    assert "Bí thư chi bộ sẽ xác nhận" in (await chat.press("6011", f"pick:{code}:{bon}")).toast


async def test_leaders_decide_by_a_command_naming_the_request(app: AppContext, chat: Chat) -> None:
    await world_with_newcomers(app)
    code = await cell_code(chat)
    await chat.say("6012", f"/start {code}")
    tai = await person_id(app, "Mai Văn Tới")
    await chat.press("6012", f"pick:{code}:{tai}")
    listing = (await chat.say(SECRETARY, "/duyet")).text
    assert "Số 1: tài khoản telegram “Người dùng” xin kết nối với tên Mai Văn Tới" in listing
    for bad in ("abc", "1 2", "²", "9" * 30, "-1"):
        assert "Cách dùng: /duyet" in (await chat.say(SECRETARY, f"/duyet {bad}")).text, bad
    assert "Không có yêu cầu kết nối số 99" in (await chat.say(SECRETARY, "/duyet 99")).text
    assert "không dành cho vai trò" in (await chat.say(MEMBER, "/duyet 1")).text
    assert "không phụ trách chi bộ" in (await chat.say("2001", "/duyet 1")).text  # another cell's secretary
    assert "Đã duyệt yêu cầu số 1" in (await chat.say(SECRETARY, "/duyet 1")).text
    assert "đã được xử lý" in (await chat.say(SECRETARY, "/tuchoi 1")).text
    assert "Không có yêu cầu kết nối nào" in (await chat.say(SECRETARY, "/duyet")).text
