"""A roster file sent in chat: previewed by the importer's own plan, kept in the database, and
written all or nothing on confirm; a secretary within her cell, an admin within their subtree."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import open_app
from core.clock import FakeClock
from handlers.context import AppContext
from handlers.dispatcher import Dispatcher
from handlers.registry import ROUTER
from models import AuditEntry, Cell, Membership, Person, Prompt
from services import retention
from services.roster import import_rows
from services.roster_file import parse_rows
from tests.chat import Chat, Said
from tests.conftest import ADMIN_ID
from tests.dialog import ConsoleDialog
from tests.test_tree_admins import HK, ROWS, SCHOOL, SCHOOL_ADMIN, WARD_ADMIN

TAM, HUNG, BA = "2001", "2003", "2005"  # secretaries of Chi bộ Tổ 1 (Hoàn Kiếm), Giáo viên (school), Ba Đình
THUONG = "2020"  # a plain member of Chi bộ Tổ 1


@pytest.fixture
async def city(app: AppContext, chat: Chat) -> AppContext:
    async with app.sessions() as session:
        await import_rows(session, parse_rows([*ROWS, [HK, "Chi bộ Tổ 1", "Hồ Thị Thường", "dang_vien", THUONG]]))
        await session.commit()
    for someone in (TAM, HUNG, BA, WARD_ADMIN, SCHOOL_ADMIN):
        await chat.say(someone, "/trogiup")  # opens the private chat: the bot may write to them now
    return app


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def button(said: Said, index: int = 0) -> str:
    return said.response.messages[0].buttons[0][index].packed


async def members_of(app: AppContext, cell: str) -> list[str]:
    async with app.sessions() as session:
        rows = await session.scalars(
            select(Person.full_name)
            .join(Membership, Membership.person_id == Person.id)
            .join(Cell, Cell.id == Membership.cell_id)
            .where(Cell.name == cell, Membership.ended_at.is_(None))
            .order_by(Person.full_name)
        )
        return list(rows)


async def kept_files(app: AppContext) -> int:
    async with app.sessions() as session:
        return int(await session.scalar(select(func.count()).where(Prompt.kind == "roster")) or 0)


MY_CELL = csv(
    "chi_bo,ho_ten,vai_tro,trang_thai",
    "Chi bộ Tổ 1,Nguyễn Thị Tâm,bi_thu,chinh_thuc",
    "Chi bộ Tổ 1,Lý Văn Mới,dang_vien,du_bi",
)


async def test_a_secretary_previews_then_confirms_her_cells_file(city: AppContext, chat: Chat) -> None:
    before = await members_of(city, "Chi bộ Tổ 1")
    said = await chat.send_file(TAM, "to1.csv", MY_CELL)
    assert "Xem trước tệp to1.csv" in said.text
    assert "Thêm vào chi bộ: 1 (Lý Văn Mới)" in said.text
    assert "Giữ nguyên: 1" in said.text
    assert await members_of(city, "Chi bộ Tổ 1") == before  # a dry run: nothing written
    confirm = button(said)
    done = await chat.press(TAM, confirm)
    assert "Đã ghi tệp to1.csv: thêm 1 đảng viên" in done.text
    assert await members_of(city, "Chi bộ Tổ 1") == sorted([*before, "Lý Văn Mới"])
    async with city.sessions() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "roster_add"))
        assert entry is not None
        assert entry.detail == "chi bộ tổ 1: roster file to1.csv"
        person = await session.get(Person, entry.subject_id)
        assert person is not None
        assert person.full_name == "Lý Văn Mới"
    again = await chat.press(TAM, confirm)
    assert "đã được ghi" in again.toast
    assert await members_of(city, "Chi bộ Tổ 1") == sorted([*before, "Lý Văn Mới"])


async def test_the_preview_names_members_the_file_leaves_out(city: AppContext, chat: Chat) -> None:
    said = await chat.send_file(TAM, "to1.csv", csv("chi_bo,ho_ten", "Chi bộ Tổ 1,Lý Văn Mới"))
    assert "không có trong tệp" in said.text
    assert "Nguyễn Thị Tâm" in said.text


async def test_cancel_drops_the_file(city: AppContext, chat: Chat) -> None:
    said = await chat.send_file(TAM, "to1.csv", MY_CELL)
    dropped = await chat.press(TAM, button(said, 1))
    assert "Đã hủy tệp to1.csv" in dropped.text
    assert "Lý Văn Mới" not in await members_of(city, "Chi bộ Tổ 1")
    assert "đã hủy" in (await chat.press(TAM, button(said))).toast


async def test_a_secretarys_file_may_not_touch_another_cell(city: AppContext, chat: Chat) -> None:
    file = csv("chi_bo,ho_ten", "Chi bộ Tổ 1,Lý Văn Mới", "Chi bộ Ba Đình,Hồ Văn Lạ")
    said = await chat.send_file(TAM, "hai.csv", file)
    assert "Dòng 3: “Chi bộ Ba Đình” không phải chi bộ của đồng chí" in said.text
    assert not said.response.messages[0].buttons
    assert await kept_files(city) == 0


async def test_a_secretary_may_not_appoint_an_admin(city: AppContext, chat: Chat) -> None:
    file = csv("cap_tren,chi_bo,ho_ten,vai_tro,telegram_id", f"{SCHOOL},,Lý Văn Mới,quan_tri,3001")
    said = await chat.send_file(TAM, "qt.csv", file)
    assert "Dòng 2:" in said.text
    assert "không phải chi bộ của đồng chí" in said.text


async def test_an_admin_writes_within_the_subtree_and_the_cells_secretary_is_told(city: AppContext, chat: Chat) -> None:
    file = csv(
        "cap_tren,chi_bo,ho_ten", f"{SCHOOL},Chi bộ Giáo viên,Lý Văn Mới", f"{SCHOOL},Chi bộ Học sinh,Đào Thị Em"
    )
    said = await chat.send_file(SCHOOL_ADMIN, "truong.csv", file)
    assert "Thêm vào chi bộ: 2" in said.text
    assert "Chi bộ mới: 1" in said.text
    done = await chat.press(SCHOOL_ADMIN, button(said))
    assert "Đã ghi tệp truong.csv" in done.text
    assert "Vũ Thị Trường đã cập nhật danh sách chi bộ từ tệp truong.csv" in done.to(HUNG)[0]
    assert not done.to(TAM)
    assert await members_of(city, "Chi bộ Học sinh") == ["Đào Thị Em"]


async def test_an_admins_file_may_not_reach_outside_the_subtree(city: AppContext, chat: Chat) -> None:
    file = csv(
        "cap_tren,chi_bo,ho_ten,vai_tro,telegram_id",
        f"{SCHOOL},Chi bộ Giáo viên,Lý Văn Mới,,",
        "Thành ủy Hà Nội / Đảng ủy phường Ba Đình,Chi bộ Ba Đình,Hồ Văn Lạ,,",
        f"{SCHOOL},,Ông Văn Quản,quan_tri,3002",
    )
    said = await chat.send_file(SCHOOL_ADMIN, "ngoai.csv", file)
    assert "Dòng 3: “Chi bộ Ba Đình” nằm ngoài các tổ chức đồng chí quản trị" in said.text
    # Admins of the school are appointed by the ward above it, not by its own admin.
    assert "Dòng 4:" in said.text
    appoint = csv("cap_tren,chi_bo,ho_ten,vai_tro,telegram_id", file.decode().splitlines()[3])
    ward = await chat.send_file(WARD_ADMIN, "phuong.csv", appoint)
    assert "Xem trước" in ward.text
    assert "quản trị, theo dõi mới: 1" in ward.text
    done = await chat.press(WARD_ADMIN, button(ward))
    assert "quản trị và theo dõi mới 1" in done.text
    async with city.sessions() as session:
        appointed = await session.scalar(select(AuditEntry).where(AuditEntry.action == "roster_quan_tri"))
        assert appointed is not None
        assert appointed.detail is not None
        assert "phuong.csv" in appointed.detail


async def test_a_root_admin_may_send_any_file(city: AppContext, chat: Chat) -> None:
    file = csv("cap_tren,chi_bo,ho_ten", "Thành ủy Hà Nội / Đảng ủy phường Mới,Chi bộ Một,Lý Văn Mới")
    said = await chat.send_file(str(ADMIN_ID), "moi.csv", file)
    done = await chat.press(str(ADMIN_ID), button(said))
    assert "Đã ghi tệp moi.csv" in done.text
    assert await members_of(city, "Chi bộ Một") == ["Lý Văn Mới"]


async def test_someone_else_cannot_press_the_confirm(city: AppContext, chat: Chat) -> None:
    said = await chat.send_file(TAM, "to1.csv", MY_CELL)
    assert "không phải của đồng chí" in (await chat.press(BA, button(said))).toast
    assert "không phải của đồng chí" in (await chat.press(TAM, "roster:999999:ok")).toast
    assert "Lý Văn Mới" not in await members_of(city, "Chi bộ Tổ 1")


async def test_an_expired_file_is_refused(city: AppContext, chat: Chat, clock: FakeClock) -> None:
    said = await chat.send_file(TAM, "to1.csv", MY_CELL)
    clock.advance(timedelta(minutes=31))
    assert "quá thời hạn" in (await chat.press(TAM, button(said))).toast
    assert "Lý Văn Mới" not in await members_of(city, "Chi bộ Tổ 1")


async def test_a_newer_file_replaces_the_older(city: AppContext, chat: Chat) -> None:
    first = await chat.send_file(TAM, "a.csv", MY_CELL)
    await chat.send_file(TAM, "b.csv", csv("chi_bo,ho_ten", "Chi bộ Tổ 1,Đinh Văn Khác"))
    assert "đã có tệp mới thay thế" in (await chat.press(TAM, button(first))).toast


async def test_confirm_plans_again_against_what_is_stored_then(city: AppContext, chat: Chat) -> None:
    said = await chat.send_file(TAM, "to1.csv", MY_CELL)
    async with city.sessions() as session:  # meanwhile the same member arrives by another import
        await import_rows(session, parse_rows([["chi_bo", "ho_ten"], ["Chi bộ Tổ 1", "Lý Văn Mới"]]))
        await session.commit()
    done = await chat.press(TAM, button(said))
    assert "thêm 0 đảng viên, thay đổi 1" in done.text  # only the status (dự bị) was left to write


async def test_a_file_refused_at_confirm_writes_nothing(city: AppContext, chat: Chat) -> None:
    file = csv("chi_bo,ho_ten,vai_tro", "Chi bộ Tổ 1,Lý Văn Mới,dang_vien", "Chi bộ Tổ 1,Đinh Văn Hai,dang_vien")
    said = await chat.send_file(TAM, "to1.csv", file)
    async with city.sessions() as session:  # meanwhile Lý Văn Mới leaves this cell on the books
        await import_rows(session, parse_rows([["chi_bo", "ho_ten"], ["Chi bộ Tổ 1", "Lý Văn Mới"]]))
        await session.commit()
    ended = await chat.say(TAM, "/ketthuc Lý Văn Mới chuyen_di")
    assert "thôi sinh hoạt" in ended.text, ended.text
    done = await chat.press(TAM, button(said))
    assert "Không nhập tệp, chưa có gì bị thay đổi" in done.text
    assert "Lý Văn Mới" in done.text
    assert "Đinh Văn Hai" not in await members_of(city, "Chi bộ Tổ 1")
    assert "đã được ghi" in (await chat.press(TAM, button(said))).toast


async def test_a_plain_member_or_a_stranger_cannot_send_a_roster(city: AppContext, chat: Chat) -> None:
    assert "không dành cho vai trò" in (await chat.send_file(THUONG, "x.csv", MY_CELL)).text
    stranger = await chat.send_file("7878", "x.csv", MY_CELL)
    assert "chưa kết nối" in stranger.text, stranger.text
    assert await kept_files(city) == 0
    assert "Lý Văn Mới" not in await members_of(city, "Chi bộ Tổ 1")


async def test_bad_files_are_refused_by_line(city: AppContext, chat: Chat) -> None:
    assert "chỉ nhập được tệp .csv hoặc .xlsx" in (await chat.send_file(TAM, "to1.pdf", b"%PDF")).text
    bad = await chat.send_file(TAM, "to1.csv", csv("chi_bo,ho_ten,trang_thai", "Chi bộ Tổ 1,Lý Văn Mới,khong_ro"))
    assert "Dòng 2" in bad.text
    assert not bad.response.messages[0].buttons
    assert "Không tải được tệp" in (await chat.send_file(TAM, "lon.csv", None)).text


async def test_two_presses_at_once_write_the_file_once(city: AppContext, chat: Chat) -> None:
    said = await chat.send_file(TAM, "to1.csv", MY_CELL)
    first, second = await asyncio.gather(chat.press(TAM, button(said)), chat.press(TAM, button(said)))
    toasts = {first.toast, second.toast}
    assert "Đã ghi danh sách." in toasts
    assert any("đã được ghi" in toast for toast in toasts)
    assert (await members_of(city, "Chi bộ Tổ 1")).count("Lý Văn Mới") == 1
    async with city.sessions() as session:
        uploads = await session.scalar(select(func.count()).where(AuditEntry.action == "roster_add"))
    assert uploads == 1


async def test_the_kept_file_survives_a_restart(city: AppContext, chat: Chat, clock: FakeClock) -> None:
    said = await chat.send_file(TAM, "to1.csv", MY_CELL)
    async with open_app(city.config, clock) as restarted:
        done = await Chat(Dispatcher(restarted, ROUTER)).press(TAM, button(said))
    assert "Đã ghi tệp to1.csv" in done.text
    assert "Lý Văn Mới" in await members_of(city, "Chi bộ Tổ 1")


async def test_a_file_name_is_shown_escaped(city: AppContext, chat: Chat) -> None:
    said = await chat.send_file(TAM, "<b>to1</b>\u200b.csv", MY_CELL)
    assert "&lt;b&gt;to1&lt;/b&gt;.csv" in str(said.response.messages[0].text)


async def test_on_the_console_the_confirm_is_a_numbered_choice(city: AppContext, tmp_path: Path) -> None:
    async with city.sessions() as session:
        tam = await session.scalar(select(Person.id).where(Person.full_name == "Nguyễn Thị Tâm"))
    assert tam is not None
    file = tmp_path / "to1.csv"
    file.write_bytes(MY_CELL)
    dialog = ConsoleDialog(city, tam, "Nguyễn Thị Tâm")
    preview = await dialog.say(f"/tep {file}")
    assert "Xem trước tệp to1.csv" in preview
    assert "1. ✅ Xác nhận" in preview
    assert "Lý Văn Mới" not in await members_of(city, "Chi bộ Tổ 1")
    done = await dialog.say("1")
    assert "Đã ghi tệp to1.csv" in done
    assert "Lý Văn Mới" in await members_of(city, "Chi bộ Tổ 1")
    assert "Không tải được tệp" in await dialog.say(f"/tep {tmp_path / 'khong-co.csv'}")


async def test_a_secretary_may_not_name_her_cells_supervisor(city: AppContext, chat: Chat) -> None:
    file = csv("chi_bo,ho_ten,vai_tro,telegram_id", "Chi bộ Tổ 1,Lý Văn Mới,theo_doi,3003")
    said = await chat.send_file(TAM, "theodoi.csv", file)
    assert "Dòng 2: “Chi bộ Tổ 1” không phải chi bộ của đồng chí" in said.text
    ward = await chat.send_file(WARD_ADMIN, "theodoi.csv", file)
    assert "quản trị, theo dõi mới: 1" in ward.text


async def test_the_daily_purge_drops_answered_and_expired_files(city: AppContext, chat: Chat, clock: FakeClock) -> None:
    answered = await chat.send_file(TAM, "a.csv", MY_CELL)
    await chat.press(TAM, button(answered, 1))
    await chat.send_file(HUNG, "b.csv", csv("chi_bo,ho_ten", "Chi bộ Giáo viên,Lý Văn Mới"))
    async with city.sessions() as session, session.begin():
        assert (await retention.purge(session, clock.now(), 365)).roster_files == 1
    assert await kept_files(city) == 1  # still open: kept
    clock.advance(timedelta(minutes=31))
    async with city.sessions() as session, session.begin():
        assert (await retention.purge(session, clock.now(), 365)).roster_files == 1
    assert await kept_files(city) == 0


async def test_a_secretary_who_left_cannot_confirm_her_earlier_file(city: AppContext, chat: Chat) -> None:
    said = await chat.send_file(TAM, "to1.csv", MY_CELL)
    ended = await chat.say(WARD_ADMIN, "/ketthuc Nguyễn Thị Tâm chuyen_di, Chi bộ Tổ 1")
    assert "thôi sinh hoạt" in ended.text
    refused = await chat.press(TAM, button(said))
    assert "không dành cho vai trò" in refused.toast
    assert "Lý Văn Mới" not in await members_of(city, "Chi bộ Tổ 1")
