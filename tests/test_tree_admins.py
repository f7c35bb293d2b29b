"""Admins of a node act over its subtree only: claims of a leader's name go to the nearest admin
above the cell, and linking a chat, reports and erasure stop at the edge of what they administer."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers.context import AppContext
from models import Person, Platform
from services.roster import import_rows
from services.roster_file import parse_rows
from tests.chat import Chat
from tests.conftest import ADMIN_ID

CITY = "Thành ủy Hà Nội"
HK = f"{CITY} / Đảng ủy phường Hoàn Kiếm"
BD = f"{CITY} / Đảng ủy phường Ba Đình"
SCHOOL = f"{HK} / Đảng bộ Trường THPT Việt Đức"
ROWS = [
    ["cap_tren", "chi_bo", "ho_ten", "vai_tro", "telegram_id"],
    [HK, "Chi bộ Tổ 1", "Nguyễn Thị Tâm", "bi_thu", "2001"],
    [SCHOOL, "Chi bộ Giáo viên", "Lê Văn Hùng", "bi_thu", "2003"],
    [SCHOOL, "Chi bộ Giáo viên", "Đỗ Văn Ủy", "chi_uy_vien", ""],
    [BD, "Chi bộ Ba Đình", "Phan Thị Ba", "bi_thu", "2005"],
    [BD, "Chi bộ Ba Đình", "Mai Văn Bốn", "chi_uy_vien", ""],
    [HK, "", "Trần Văn Quản", "quan_tri", "2010"],
    [SCHOOL, "", "Vũ Thị Trường", "quan_tri", "2012"],
    [HK, "", "Hà Văn Theo", "theo_doi", "2014"],
]
WARD_ADMIN, SCHOOL_ADMIN, WARD_SUPERVISOR = "2010", "2012", "2014"


@pytest.fixture
async def city(app: AppContext, chat: Chat) -> AppContext:
    async with app.sessions() as session:
        await import_rows(session, parse_rows(ROWS))
        await session.commit()
    for admin in (WARD_ADMIN, SCHOOL_ADMIN, WARD_SUPERVISOR):
        await chat.say(admin, "/trogiup")  # opens the private chat: the bot may write to them now
    return app


async def person_id(app: AppContext, name: str) -> int:
    async with app.sessions() as session:
        found = await session.scalar(select(Person.id).where(Person.full_name == name))
        assert found is not None
        return found


async def claim(app: AppContext, chat: Chat, secretary: str, stranger: str, leader: str) -> list[str]:
    """A stranger with the cell code presses a leader's name: to whom the approval request goes."""
    code = (await chat.say(secretary, "/moi")).text.split("Mã chung của chi bộ: ")[1].split()[0]
    await chat.say(stranger, f"/start {code}")
    said = await chat.press(stranger, f"pick:{code}:{await person_id(app, leader)}")
    return [m.to.chat_id for m in said.response.messages if m.to is not None and m.to.platform is Platform.TELEGRAM]


async def test_a_leader_claim_goes_to_the_nearest_admin_above_the_cell(city: AppContext, chat: Chat) -> None:
    assert await claim(city, chat, "2003", "7001", "Đỗ Văn Ủy") == [SCHOOL_ADMIN]
    # Nobody administers Ba Đình: the root admins decide.
    assert await claim(city, chat, "2005", "7002", "Mai Văn Bốn") == [str(ADMIN_ID)]
    # The ward's admin is above the school: she may decide its claim; not Ba Đình's.
    assert "chỉ quản trị viên" in (await chat.say(WARD_ADMIN, "/duyet 2")).text
    listing = (await chat.say(WARD_ADMIN, "/duyet")).text
    assert "Đỗ Văn Ủy" in listing
    assert "Mai Văn Bốn" not in listing
    assert "Đã duyệt yêu cầu số 1" in (await chat.say(WARD_ADMIN, "/duyet 1")).text
    # The school's admin is below the ward: nothing of the ward's own cells is hers.
    assert "chỉ quản trị viên" in (await chat.say(SCHOOL_ADMIN, "/duyet 2")).text


async def test_an_admin_links_the_chat_of_a_node_below_and_never_learns_of_others(city: AppContext, chat: Chat) -> None:
    said = await chat.say(WARD_ADMIN, "/ketnoi capuy Đảng bộ Trường THPT Việt Đức", group="-100")
    assert "Đã gắn nhóm này làm nhóm của cấp ủy Đảng bộ Trường THPT Việt Đức" in said.text
    refused = (await chat.say(WARD_ADMIN, "/ketnoi capuy Đảng ủy phường Ba Đình", group="-101")).text
    assert "Không tìm thấy đảng bộ" in refused
    assert "Ba Đình" not in refused.split("Các đảng bộ hiện có:")[1]
    upward = (await chat.say(SCHOOL_ADMIN, "/ketnoi capuy Đảng ủy phường Hoàn Kiếm", group="-102")).text
    assert "Không tìm thấy đảng bộ" in upward
    assert "Chỉ bí thư" in (await chat.say("2003", "/ketnoi capuy Đảng bộ Trường THPT Việt Đức", group="-103")).text
    said = await chat.say(str(ADMIN_ID), "/ketnoi capuy Đảng ủy phường Ba Đình", group="-104")
    assert "Đã gắn nhóm này" in said.text


async def test_reports_cover_a_subtree_for_its_admin_and_its_supervisor(city: AppContext, chat: Chat) -> None:
    school = (await chat.say(WARD_ADMIN, "/baocao Đảng bộ Trường THPT Việt Đức")).text
    assert "Giáo viên" in school
    assert "Tổ 1" not in school
    ward = (await chat.say(WARD_ADMIN, "/baocao Đảng ủy phường Hoàn Kiếm")).text
    assert "Giáo viên" in ward
    assert "Tổ 1" in ward
    assert "Ba Đình" not in ward
    assert "Không tìm thấy đảng bộ" in (await chat.say(WARD_ADMIN, "/baocao Đảng ủy phường Ba Đình")).text
    mine = (await chat.say(WARD_SUPERVISOR, "/baocao")).text
    assert "Giáo viên" in mine
    assert "Tổ 1" in mine
    assert "Ba Đình" not in mine
    assert "Chỉ quản trị viên" in (await chat.say(WARD_SUPERVISOR, "/baocao Đảng ủy phường Hoàn Kiếm")).text


async def test_an_admin_erases_only_people_whose_every_cell_is_below(city: AppContext, chat: Chat) -> None:
    other = await person_id(city, "Phan Thị Ba")
    assert "Không có ai tên" in (await chat.say(WARD_ADMIN, "/xoadulieu Phan Thị Ba")).text
    assert f"Không có người nào mang mã số {other}" in (await chat.say(WARD_ADMIN, f"/xoadulieu {other}")).text
    own = await person_id(city, "Lê Văn Hùng")
    assert "Lê Văn Hùng" in (await chat.say(WARD_ADMIN, f"/xoadulieu {own}")).text
    assert "Chỉ quản trị viên" in (await chat.say("2003", f"/xoadulieu {own}")).text
