"""One member at a time from chat: /themdangvien, /ketthuc, /chuyen, /trangthai — a secretary in
her own cell, an admin in the cells they administer (named after a comma); each change audited
and told to the touched cell's secretary."""

from __future__ import annotations

from sqlalchemy import select

from handlers.context import AppContext
from models import AuditEntry, Cell, EndReason, Membership, MemberStatus, Person
from tests.chat import Chat
from tests.test_roster_chat import HUNG, TAM, THUONG, city, members_of
from tests.test_tree_admins import SCHOOL_ADMIN, WARD_ADMIN

__all__ = ["city"]  # the fixture, shared with the file tests


async def membership(app: AppContext, name: str, cell: str) -> Membership | None:
    async with app.sessions() as session:
        return await session.scalar(
            select(Membership)
            .join(Person, Person.id == Membership.person_id)
            .join(Cell, Cell.id == Membership.cell_id)
            .where(Person.full_name == name, Cell.name == cell)
        )


async def actions(app: AppContext) -> list[str]:
    async with app.sessions() as session:
        return list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


async def test_a_secretary_adds_a_member_to_her_cell(city: AppContext, chat: Chat) -> None:
    said = await chat.say(TAM, "/themdangvien Lý Văn Mới du_bi")
    assert "Đã thêm đồng chí Lý Văn Mới vào Chi bộ Tổ 1 (đảng viên dự bị)" in said.text
    added = await membership(city, "Lý Văn Mới", "Chi bộ Tổ 1")
    assert added is not None
    assert added.status is MemberStatus.PROBATIONARY
    assert "add_member" in await actions(city)
    again = await chat.say(TAM, "/themdangvien Lý  Văn Mới")
    assert "đã có trong danh sách Chi bộ Tổ 1" in again.text
    assert (await members_of(city, "Chi bộ Tổ 1")).count("Lý Văn Mới") == 1


async def test_adding_refusals(city: AppContext, chat: Chat) -> None:
    assert "Cách dùng: /themdangvien" in (await chat.say(TAM, "/themdangvien")).text
    assert "Cách dùng: /themdangvien" in (await chat.say(TAM, "/themdangvien 123456789012345678901234567890")).text
    other = await chat.say(TAM, "/themdangvien Lý Văn Mới, Chi bộ Ba Đình")
    assert "Không có chi bộ “Chi bộ Ba Đình” trong phạm vi đồng chí phụ trách" in other.text
    assert "Lý Văn Mới" not in await members_of(city, "Chi bộ Ba Đình")
    assert "không dành cho vai trò" in (await chat.say(THUONG, "/themdangvien Lý Văn Mới")).text
    assert "dài quá 200 ký tự" in (await chat.say(TAM, "/themdangvien " + "Ă" * 201)).text
    assert "Cách dùng: /themdangvien" in (await chat.say(TAM, "/themdangvien Lý Văn Mới, du_bi")).text
    assert "Lý Văn Mới" not in await members_of(city, "Chi bộ Tổ 1")


async def test_an_admin_names_the_cell_and_its_secretary_is_told(city: AppContext, chat: Chat) -> None:
    unnamed = await chat.say(SCHOOL_ADMIN, "/themdangvien Lý Văn Mới")
    assert "Vui lòng ghi tên chi bộ ở cuối lệnh" in unnamed.text
    assert unnamed.text.endswith("dùng được: Chi bộ Giáo viên.")  # nothing outside the school is named
    said = await chat.say(SCHOOL_ADMIN, "/themdangvien Lý Văn Mới chinh_thuc, chi bo giao vien")
    assert "Đã thêm đồng chí Lý Văn Mới vào Chi bộ Giáo viên" in said.text
    assert "Vũ Thị Trường đã thêm đồng chí Lý Văn Mới vào Chi bộ Giáo viên" in said.to(HUNG)[0]
    outside = await chat.say(SCHOOL_ADMIN, "/themdangvien Lý Văn Mới, Chi bộ Tổ 1")
    assert "Không có chi bộ “Chi bộ Tổ 1”" in outside.text


async def test_status_changes(city: AppContext, chat: Chat) -> None:
    said = await chat.say(TAM, "/trangthai Hồ Thị Thường dự bị")
    assert "Hồ Thị Thường tại Chi bộ Tổ 1: đảng viên chính thức → đảng viên dự bị" in said.text
    changed = await membership(city, "Hồ Thị Thường", "Chi bộ Tổ 1")
    assert changed is not None
    assert changed.status is MemberStatus.PROBATIONARY
    assert "đã ở trạng thái đó" in (await chat.say(TAM, "/trangthai Hồ Thị Thường du_bi")).text
    assert "Cách dùng: /trangthai" in (await chat.say(TAM, "/trangthai Hồ Thị Thường khong_ro")).text
    assert "Có phải: Hồ Thị Thường" in (await chat.say(TAM, "/trangthai Ho Thi Thuong chinh_thuc")).text
    huge = await chat.say(TAM, "/trangthai 123456789012345678901234567890 chinh_thuc")
    assert "Traceback" not in huge.text
    assert "Đã đổi" not in huge.text
    by_ward = await chat.say(WARD_ADMIN, "/trangthai Hồ Thị Thường mien_sinh_hoat, Chi bộ Tổ 1")
    assert "đảng viên dự bị → miễn sinh hoạt" in by_ward.text
    assert "Trần Văn Quản đã đổi trạng thái của đồng chí Hồ Thị Thường" in by_ward.to(TAM)[0]
    assert (await actions(city)).count("change_status") == 2


async def test_an_admin_ends_a_membership_in_a_cell_below(city: AppContext, chat: Chat) -> None:
    outside = await chat.say(SCHOOL_ADMIN, "/ketthuc Hồ Thị Thường tu_tran, Chi bộ Tổ 1")
    assert "Không có chi bộ “Chi bộ Tổ 1”" in outside.text
    said = await chat.say(WARD_ADMIN, "/ketthuc Hồ Thị Thường xoa_ten, Chi bộ Tổ 1")
    assert "thôi sinh hoạt tại Chi bộ Tổ 1" in said.text
    assert "Trần Văn Quản đã ghi: đồng chí Hồ Thị Thường thôi sinh hoạt" in said.to(TAM)[0]
    ended = await membership(city, "Hồ Thị Thường", "Chi bộ Tổ 1")
    assert ended is not None
    assert ended.end_reason is EndReason.REMOVED


async def test_a_note_with_a_comma_is_still_a_note(city: AppContext, chat: Chat) -> None:
    said = await chat.say(TAM, "/ketthuc Hồ Thị Thường chuyen_di về quê, Hà Nam")
    assert "thôi sinh hoạt tại Chi bộ Tổ 1" in said.text
    ended = await membership(city, "Hồ Thị Thường", "Chi bộ Tổ 1")
    assert ended is not None
    assert ended.end_note == "về quê, Hà Nam"


async def test_an_admin_transfers_a_member_within_the_subtree(city: AppContext, chat: Chat) -> None:
    said = await chat.say(WARD_ADMIN, "/chuyen Hồ Thị Thường sang Chi bộ Giáo viên, Chi bộ Tổ 1")
    assert "Đã chuyển đồng chí Hồ Thị Thường từ Chi bộ Tổ 1 sang Chi bộ Giáo viên" in said.text
    assert said.to(TAM)
    assert said.to(HUNG)
    left = await membership(city, "Hồ Thị Thường", "Chi bộ Tổ 1")
    arrived = await membership(city, "Hồ Thị Thường", "Chi bộ Giáo viên")
    assert left is not None
    assert left.end_reason is EndReason.MOVED
    assert arrived is not None
    assert arrived.ended_at is None
    assert "transfer" in await actions(city)
    # And back: her old membership of Tổ 1 is taken up again.
    back = await chat.say(WARD_ADMIN, "/chuyen Hồ Thị Thường Chi bộ Tổ 1, Chi bộ Giáo viên")
    assert "sang Chi bộ Tổ 1" in back.text
    assert "Hồ Thị Thường" in await members_of(city, "Chi bộ Tổ 1")
    assert "Hồ Thị Thường" not in await members_of(city, "Chi bộ Giáo viên")


async def test_transfer_refusals(city: AppContext, chat: Chat) -> None:
    out = await chat.say(TAM, "/chuyen Hồ Thị Thường sang Chi bộ Ba Đình")
    assert "Không có chi bộ “Chi bộ Ba Đình” trong phạm vi đồng chí phụ trách, nên không chuyển được" in out.text
    assert "Hồ Thị Thường" in await members_of(city, "Chi bộ Tổ 1")
    assert "đang sinh hoạt tại Chi bộ Tổ 1 rồi" in (await chat.say(TAM, "/chuyen Hồ Thị Thường Chi bộ Tổ 1")).text
    assert "Cách dùng: /chuyen" in (await chat.say(TAM, "/chuyen Hồ Thị Thường")).text
    school = await chat.say(SCHOOL_ADMIN, "/chuyen Hồ Thị Thường sang Chi bộ Giáo viên, Chi bộ Tổ 1")
    assert "Không có chi bộ “Chi bộ Tổ 1”" in school.text
    assert "Hồ Thị Thường" in await members_of(city, "Chi bộ Tổ 1")


async def test_help_lists_the_roster_commands_for_those_who_may_use_them(city: AppContext, chat: Chat) -> None:
    for leader in (TAM, WARD_ADMIN):
        text = (await chat.say(leader, "/trogiup")).text
        for command in ("/themdangvien", "/ketthuc", "/chuyen", "/trangthai"):
            assert command in text, (leader, command)
    member = (await chat.say(THUONG, "/trogiup")).text
    assert "/themdangvien" not in member
    assert "/chuyen" not in member
