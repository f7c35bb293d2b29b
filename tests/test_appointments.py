"""An admin appoints and removes admins and supervisors below, by exact name, and nowhere else."""

from __future__ import annotations

from sqlalchemy import select

from handlers.context import AppContext
from models import AuditEntry
from tests.chat import Chat
from tests.test_tree_admins import SCHOOL_ADMIN, WARD_ADMIN, city

__all__ = ["city"]  # the fixture, shared with the admins' tests

SCHOOL = "Đảng bộ Trường THPT Việt Đức"


async def test_a_ward_admin_appoints_a_schools_admin_who_is_told_and_can_act(city: AppContext, chat: Chat) -> None:
    await chat.say("2003", "/trogiup")  # Lê Văn Hùng has opened a private chat with the bot
    assert "không dành cho vai trò" in (await chat.say("2003", "/tonghop")).text
    said = await chat.say(WARD_ADMIN, f"/phancong quantri {SCHOOL} | Lê Văn Hùng")
    assert f"Đã phân công Lê Văn Hùng làm quản trị viên của {SCHOOL}." in said.text
    assert "Đồng chí được Trần Văn Quản phân công làm quản trị viên" in said.to("2003")[0]
    assert (
        "đã được phân công như vậy rồi"
        in (await chat.say(WARD_ADMIN, f"/phancong quantri {SCHOOL} | Lê Văn Hùng")).text
    )
    assert f"TỔNG HỢP THÁNG 11/2026 — {SCHOOL}" in (await chat.say("2003", "/tonghop")).text
    listing = (await chat.say(WARD_ADMIN, f"/phancong {SCHOOL}")).text
    assert "Quản trị: Lê Văn Hùng" in listing
    assert "Quản trị: Vũ Thị Trường" in listing
    said = await chat.say(WARD_ADMIN, f"/phancong bo quantri {SCHOOL} | Lê Văn Hùng")
    assert "thôi làm quản trị viên" in said.text
    assert "không dành cho vai trò" in (await chat.say("2003", "/tonghop")).text
    assert "không có phân công đó" in (await chat.say(WARD_ADMIN, f"/phancong bo quantri {SCHOOL} | Lê Văn Hùng")).text
    async with city.sessions() as session:
        actions = list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["appoint_quan_tri", "dismiss_quan_tri"]


async def test_appointments_stop_at_the_edge_and_names_are_identities(city: AppContext, chat: Chat) -> None:
    own = (await chat.say(WARD_ADMIN, "/phancong theodoi Đảng ủy phường Hoàn Kiếm | Nguyễn Thị Tâm")).text
    assert "chỉ phân công được cho các tổ chức cấp dưới" in own
    elsewhere = (await chat.say(WARD_ADMIN, "/phancong theodoi Đảng ủy phường Ba Đình | Phan Thị Ba")).text
    assert "Không tìm thấy tổ chức" in elsewhere
    outside = (await chat.say(WARD_ADMIN, f"/phancong theodoi {SCHOOL} | Phan Thị Ba")).text
    assert "Không có ai tên “Phan Thị Ba”" in outside
    upward = (await chat.say(SCHOOL_ADMIN, "/phancong theodoi Đảng ủy phường Hoàn Kiếm | Nguyễn Thị Tâm")).text
    assert "Không tìm thấy tổ chức" in upward
    # Other tone marks are another person: only suggested, never appointed.
    near = (await chat.say(WARD_ADMIN, f"/phancong theodoi {SCHOOL} | Lê Văn Hưng")).text
    assert "Không có ai tên đúng “Lê Văn Hưng”. Có phải: #" in near
    assert "Lê Văn Hùng?" in near
    number = near.split("Có phải: #")[1].split()[0]
    said = await chat.say(WARD_ADMIN, f"/phancong theodoi {SCHOOL} | #{number}")
    assert f"Đã phân công Lê Văn Hùng theo dõi {SCHOOL}." in said.text
    for bad in ("", "quantri", f"quantri {SCHOOL}", f"quantri {SCHOOL} |", "bo", f"bo {SCHOOL} | x"):
        assert "Cách dùng: /phancong" in (await chat.say(WARD_ADMIN, f"/phancong {bad}")).text, bad
    assert "không dành cho vai trò" in (await chat.say("2001", f"/phancong quantri {SCHOOL} | Lê Văn Hùng")).text
