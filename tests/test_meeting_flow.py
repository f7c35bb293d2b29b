"""Issue 3's conversation through the real dispatcher: scheduling, answers, check-in, closing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.clock import FakeClock
from handlers.context import AppContext
from models import Attendance, AuditEntry, ChatLink, Meeting, MeetingState, Outcome, PostedMessage
from services.roster import import_rows
from services.roster_file import parse_rows
from tests.chat import GROUP, Chat
from tests.conftest import ADMIN_ID
from tests.dialog import verify_dialog
from tests.factories import CELL, COMMITTEE, build_world, roster_table

SECRETARY, DEPUTY, MEMBER, PROBATIONARY, EXEMPT, OTHER_SECRETARY, SUPERVISOR = (
    "1001",
    "1002",
    "1003",
    "1004",
    "1005",
    "2001",
    "9001",
)


async def linked_world(app: AppContext, chat: Chat) -> int:
    world = await build_world(app)
    said = await chat.say(SECRETARY, "/ketnoi", group=GROUP)
    assert "Đã gắn nhóm này với Chi bộ Khu phố 1" in said.text
    return world.cell_id


async def test_binding_groups(app: AppContext, chat: Chat) -> None:
    await build_world(app)
    assert "Chỉ bí thư hoặc phó bí thư" in (await chat.say(MEMBER, "/ketnoi", group=GROUP)).text
    assert "dùng trong nhóm chat" in (await chat.say(SECRETARY, "/ketnoi")).text
    assert "Chưa kết nối" not in (await chat.say(SECRETARY, "/ketnoi", group=GROUP)).text
    assert "đã được gắn với Chi bộ Khu phố 1 rồi" in (await chat.say(SECRETARY, "/ketnoi", group=GROUP)).text
    assert "đang gắn với một chi bộ" in (await chat.say(OTHER_SECRETARY, "/ketnoi", group=GROUP)).text
    assert "Chỉ bí thư" in (await chat.say(SECRETARY, "/ketnoi capuy Thử Nghiệm", group="-200")).text
    said = await chat.say(str(ADMIN_ID), "/ketnoi capuy phường thử nghiệm", group="-200")
    assert "nhóm của cấp ủy Đảng bộ phường Thử Nghiệm" in said.text
    assert "Không tìm thấy đảng bộ" in (await chat.say(str(ADMIN_ID), "/ketnoi capuy Quận 9", group="-300")).text
    async with app.sessions() as session:
        links = (await session.scalars(select(ChatLink).order_by(ChatLink.chat_id))).all()
    assert [(link.chat_id, link.cell_id is not None) for link in links] == [(GROUP, True), ("-200", False)]


async def test_scheduling_and_its_bad_input(app: AppContext, chat: Chat) -> None:
    await linked_world(app, chat)
    assert "không dành cho vai trò" in (await chat.say(MEMBER, "/datlich 04/12 19:30")).text
    assert "Cú pháp" in (await chat.say(SECRETARY, "/datlich")).text
    assert "Không có ngày 31/02" in (await chat.say(SECRETARY, "/datlich 31/02/2027 19:30")).text
    assert "không phải giờ" in (await chat.say(SECRETARY, "/datlich 04/12 25:61")).text
    assert "không phải ngày" in (await chat.say(SECRETARY, "/datlich mai 19:30")).text
    assert "đã qua" in (await chat.say(SECRETARY, "/datlich 01/11/2026 19:30")).text
    said = await chat.say(SECRETARY, "/datlich 04/12 19:30 Nhà văn hóa <b>khu 1</b>")
    assert "Đã đặt lịch họp" in said.text
    group_posts = said.to(GROUP)
    assert len(group_posts) == 1
    assert "Thứ Sáu, 04/12/2026 lúc 19:30" in group_posts[0]
    assert "Nhà văn hóa <b>khu 1</b>" in group_posts[0]  # shown as typed: it was escaped, not interpreted
    raw = next(m for m in said.response.messages if m.to is not None)
    assert "&lt;b&gt;khu 1&lt;/b&gt;" in raw.text
    async with app.sessions() as session:
        meeting_id = (await session.scalars(select(Meeting.id))).one()
    assert [b.packed for row in raw.buttons for b in row] == [f"rsvp:{meeting_id}:yes", f"rsvp:{meeting_id}:no"]
    assert "gần thời điểm này" in (await chat.say(SECRETARY, "/datlich 04/12 20:00")).text
    assert "ghi chủ đề" in (await chat.say(SECRETARY, "/datlich chuyende 10/12 19:30")).text
    said = await chat.say(DEPUTY, "/schedule thematic 2026-12-10 19:30 Học tập Nghị quyết")
    assert "sinh hoạt chuyên đề" in said.text
    async with app.sessions() as session:
        assert len((await session.scalars(select(Meeting))).all()) == 2


async def test_monthly_rule_needs_confirmation_outside_the_window(app: AppContext, chat: Chat) -> None:
    await linked_world(app, chat)
    assert (
        "Đã đặt lịch họp hằng tháng: ngày 4 lúc 19:30" in (await chat.say(SECRETARY, "/datlich hangthang 4 19:30")).text
    )
    assert "từ 1 đến 28" in (await chat.say(SECRETARY, "/datlich hangthang 30 19:30")).text
    assert "nằm ngoài khung" in (await chat.say(SECRETARY, "/datlich hangthang 10 19:00 Hội trường")).text
    assert "giữ nguyên" in (await chat.say(SECRETARY, "không")).text
    assert "nằm ngoài khung" in (await chat.say(SECRETARY, "/datlich hangthang 10 19:00 Hội trường")).text
    said = await chat.say(SECRETARY, "có")
    assert "ngày 10 lúc 19:00, tại Hội trường" in said.text
    assert "Các cuộc họp đã lên lịch: 10/12/2026, 10/01/2027" in said.text
    async with app.sessions() as session:
        planned = (await session.scalars(select(Meeting).order_by(Meeting.starts_at))).all()
    assert [(m.rule_month, m.starts_at.isoformat(), m.place) for m in planned] == [
        ("2026-12", "2026-12-10T12:00:00+00:00", "Hội trường"),
        ("2027-01", "2027-01-10T12:00:00+00:00", "Hội trường"),
    ]


async def meeting_soon(app: AppContext, chat: Chat, clock: FakeClock) -> int:
    await linked_world(app, chat)
    await chat.say(SECRETARY, "/datlich 04/12 19:30 Nhà văn hóa")
    async with app.sessions() as session:
        meeting = await session.scalar(select(Meeting))
        assert meeting is not None
        return meeting.id


async def test_answers_before_the_meeting(app: AppContext, chat: Chat, clock: FakeClock) -> None:
    mid = await meeting_soon(app, chat, clock)
    said = await chat.press(MEMBER, f"rsvp:{mid}:yes", group=GROUP)
    assert said.toast == "Đã ghi nhận: đồng chí sẽ dự cuộc họp ngày 04/12/2026."
    assert said.response.messages == []
    assert "sẽ dự" in (await chat.say(MEMBER, "/lichhop")).text
    said = await chat.press(MEMBER, f"rsvp:{mid}:no", group=GROUP)
    assert "lý do" in said.toast
    assert said.to(GROUP) == []  # never asks in the group
    assert "gửi lý do" in said.to(MEMBER)[0]
    assert "xin vắng có lý do" in (await chat.say(MEMBER, "Đi công tác Hà Nội")).text
    assert "xin vắng (Đi công tác Hà Nội)" in (await chat.say(MEMBER, "/lichhop")).text
    assert "ghi rõ lý do" in (await chat.say(PROBATIONARY, "/vang")).text
    assert "quá dài" in (await chat.say(PROBATIONARY, "/vang " + "x" * 600)).text
    assert "xin vắng có lý do" in (await chat.say(PROBATIONARY, "/absent ốm")).text
    assert "không dành cho vai trò" in (await chat.say(SUPERVISOR, "/vang bận")).text
    assert "không thuộc chi bộ" in (await chat.press(OTHER_SECRETARY, f"rsvp:{mid}:yes")).toast
    clock.advance(timedelta(days=12))
    assert "đã bắt đầu" in (await chat.press(MEMBER, f"rsvp:{mid}:yes")).toast
    async with app.sessions() as session:
        rows = {a.person_id: a for a in (await session.scalars(select(Attendance))).all()}
    assert len(rows) == 2
    assert {a.reason for a in rows.values()} == {"Đi công tác Hà Nội", "ốm"}


async def test_check_in_from_open_to_settled_record(app: AppContext, chat: Chat, clock: FakeClock) -> None:
    mid = await meeting_soon(app, chat, clock)
    await chat.say(MEMBER, "/vang Đi công tác")
    assert "không dành cho vai trò" in (await chat.say(MEMBER, "/modiemdanh")).text
    assert "Chưa đến giờ" in (await chat.say(SECRETARY, "/modiemdanh")).text
    assert "Điểm danh chưa mở" in (await chat.press(PROBATIONARY, f"ci:{mid}", group=GROUP)).toast
    clock.set(clock.now() + timedelta(days=11, hours=10, minutes=20))  # 19:20 on the 4th, Hanoi
    said = await chat.say(SECRETARY, "/modiemdanh", group=GROUP)
    assert said.text == ""  # the code goes to the secretary privately, not to the group
    private = said.to(SECRETARY)[0]
    code = private.split("Mã điểm danh: ")[1][:4]
    post = next(m for m in said.response.messages if m.to is not None and m.to.chat_id == GROUP)
    assert "Có mặt 0/5" in post.text
    assert post.remember == (mid, "checkin")
    assert [b.packed for row in post.buttons for b in row] == [f"ci:{mid}"]
    async with app.sessions() as session:
        session.add(
            PostedMessage(meeting_id=mid, purpose="checkin", platform="telegram", chat_id=GROUP, message_id="77")
        )
        await session.commit()
    said = await chat.press(SECRETARY, f"ci:{mid}", group=GROUP, message_id="77")
    assert said.toast == "Đã điểm danh. Cảm ơn đồng chí!"
    assert said.response.messages == []
    # The counter is read when the edit is sent: the press itself spent no query on it.
    assert [(e.message_id, callable(e.text), e.throttled) for e in said.response.edits] == [("77", True, True)]
    assert "Có mặt 1/5" in await said.response.edits[0].current_text()
    assert (
        await chat.press(SECRETARY, f"ci:{mid}", group=GROUP)
    ).toast == "Đồng chí đã điểm danh cuộc họp ngày 04/12/2026."
    assert "không thuộc chi bộ" in (await chat.press(OTHER_SECRETARY, f"ci:{mid}", group=GROUP)).toast
    said = await chat.press(EXEMPT, f"ci:{mid}", group=GROUP)
    [live] = said.response.edits
    assert "Có mặt 1/5 (và 1 đồng chí miễn sinh hoạt)" in await live.current_text()
    assert "gửi kèm mã" in (await chat.say(DEPUTY, "/diemdanh")).text
    wrong = "0000" if code != "0000" else "1111"
    assert "Mã không đúng" in (await chat.say(DEPUTY, f"/diemdanh {wrong}")).text
    assert "Đã điểm danh" in (await chat.say(DEPUTY, f"/checkin {code}")).text
    for _ in range(5):
        await chat.say(PROBATIONARY, f"/diemdanh {wrong}")
    assert "sai mã nhiều lần" in (await chat.say(PROBATIONARY, f"/diemdanh {code}")).text
    said = await chat.say(SECRETARY, "/dongdiemdanh")
    assert "Có mặt 2/5" in said.text
    assert any(["Đã kết thúc điểm danh" in await e.current_text() for e in said.response.edits])
    # A press's edit still queued when check-in closed has nothing left to show: the closing text stays.
    assert await live.current_text() is None
    assert "Điểm danh chưa mở" in (await chat.press(PROBATIONARY, f"ci:{mid}", group=GROUP)).toast
    async with app.sessions() as session:
        meeting = await session.get(Meeting, mid)
        assert meeting is not None
        assert meeting.state is MeetingState.CLOSED
        outcomes = {
            a.person.full_name: a.outcome
            for a in (
                await session.scalars(
                    select(Attendance).where(Attendance.meeting_id == mid).options(selectinload(Attendance.person))
                )
            ).all()
        }
    assert outcomes == {
        "Nguyễn Văn An": Outcome.PRESENT,
        "Trần Thị Bình": Outcome.PRESENT,
        "Lê Văn Cường": Outcome.EXCUSED,
        "Phạm Thị Dung": Outcome.UNEXCUSED,
        "Hoàng Văn Em": Outcome.PRESENT,
        "Đỗ Thị Phương": Outcome.UNEXCUSED,
    }


async def test_old_or_forged_buttons_are_refused_and_change_nothing(
    app: AppContext, chat: Chat, clock: FakeClock
) -> None:
    """callback_data comes back from the client: a press we never offered gets a short toast."""
    mid = await meeting_soon(app, chat, clock)
    clock.set(clock.now() + timedelta(days=11, hours=10, minutes=20))
    await chat.say(SECRETARY, "/modiemdanh", group=GROUP)
    forged = [
        "",
        ":",
        "ci",
        "ci:",
        "ci:abc",
        "ci:999999",
        f"ci:{mid}:1",
        f"rsvp:{mid}",
        f"rsvp:{mid}:maybe",
        f"rsvp::{mid}",
        "open:abc",
        "join:1",
        "join:999:ok",
        "pick:x",
        "cancel:1:2",
        "nope:1",
        "ci:²",  # a digit to str.isdigit(), not to us
        "ci:١٢",
        "ci:" + "9" * 30,  # past any database id
        f"ci:{mid} ",
        f"ci:+{mid}",
        f"pick:A:B:{mid}",
        "pick:" + "A" * 40 + ":1",
        "x" * 65,
    ]
    for data in forged:
        for user in (SECRETARY, MEMBER):
            toast = (await chat.press(user, data, group=GROUP)).toast
            assert toast in ("Nút này đã hết hiệu lực.", "Lệnh này không dành cho vai trò của đồng chí."), (
                data,
                user,
                toast,
            )
    async with app.sessions() as session:
        assert (await session.scalars(select(Attendance))).all() == []
        meeting = await session.get(Meeting, mid)
        assert meeting is not None
        assert meeting.state is MeetingState.CHECKIN_OPEN


async def test_code_required_check_in(app: AppContext, chat: Chat, clock: FakeClock) -> None:
    mid = await meeting_soon(app, chat, clock)
    clock.set(clock.now() + timedelta(days=11, hours=10, minutes=30))
    assert "Cú pháp" in (await chat.say(SECRETARY, "/modiemdanh tatca")).text
    said = await chat.say(SECRETARY, "/modiemdanh ma")
    assert "bắt buộc nhập mã" in said.text
    assert "yêu cầu nhập mã" in (await chat.press(MEMBER, f"ci:{mid}", group=GROUP)).toast
    assert "Điểm danh đang mở" in (await chat.say(SECRETARY, "/modiemdanh")).text
    code = said.text.split("Mã: ")[1][:4]
    async with app.sessions() as session:
        session.add(
            PostedMessage(meeting_id=mid, purpose="checkin", platform="telegram", chat_id=GROUP, message_id="9")
        )
        await session.commit()
    [edit] = (await chat.say(MEMBER, f"/diemdanh {code}")).response.edits
    text = await edit.current_text()
    assert "Có mặt 1/5" in text
    assert "yêu cầu nhập mã" in text  # the hint stays on every edit of the post
    clock.advance(timedelta(minutes=151))
    assert "Điểm danh chưa mở hoặc đã đóng" in (await chat.press(MEMBER, f"ci:{mid}", group=GROUP)).toast


async def test_secretary_marks_for_members_without_phones(app: AppContext, chat: Chat, clock: FakeClock) -> None:
    mid = await meeting_soon(app, chat, clock)
    said = await chat.say(SECRETARY, "/diemdanhho")
    assert "1. Nguyễn Văn An\n2. Trần Thị Bình" in said.text
    assert "6. Đỗ Thị Phương" in said.text
    assert "không dành cho vai trò" in (await chat.say(MEMBER, "/diemdanhho 1 co")).text
    assert "Không có số thứ tự" in (await chat.say(SECRETARY, "/diemdanhho 99 co")).text
    assert "Không tìm thấy" in (await chat.say(SECRETARY, "/diemdanhho Không Ai co")).text
    assert "Có nhiều người" in (await chat.say(SECRETARY, "/diemdanhho Văn co")).text
    clock.set(clock.now() + timedelta(days=11, hours=10, minutes=30))
    await chat.say(SECRETARY, "/modiemdanh")
    assert "Đã ghi Đỗ Thị Phương có mặt" in (await chat.say(SECRETARY, "/diemdanhho 6 co")).text
    assert "vắng có lý do" in (await chat.say(SECRETARY, "/mark Phạm Thị Dung vang nằm viện")).text
    await chat.say(SECRETARY, "/dongdiemdanh")
    assert "vắng không lý do" in (await chat.say(SECRETARY, "/diemdanhho Lê Văn Cường vang")).text
    async with app.sessions() as session:
        rows = {
            a.person.full_name: a
            for a in (
                await session.scalars(
                    select(Attendance).where(Attendance.meeting_id == mid).options(selectinload(Attendance.person))
                )
            ).all()
        }
        audit = (await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()
    assert rows["Đỗ Thị Phương"].outcome is Outcome.PRESENT
    assert rows["Phạm Thị Dung"].outcome is Outcome.EXCUSED
    assert rows["Lê Văn Cường"].outcome is Outcome.UNEXCUSED
    assert [a.action for a in audit] == ["mark_present", "mark_absent", "mark_absent"]
    assert audit[1].detail == "nằm viện"


async def test_opinions(app: AppContext, chat: Chat, clock: FakeClock) -> None:
    await meeting_soon(app, chat, clock)

    async def reply(user: str, text: str) -> str:
        return (await chat.say(user, text)).text

    none_yet = "Đồng chí chưa gửi ý kiến nào cho cuộc họp ngày 04/12/2026. Gửi: /ykien <nội dung>."
    await verify_dialog(
        reply,
        [
            (MEMBER, "/ykien", none_yet),
            (
                MEMBER,
                "/ykien Đề nghị sửa đường <script>",
                "Đã nhận ý kiến của đồng chí (đồng chí có 1 ý kiến cho cuộc họp ngày 04/12/2026)."
                " Gõ /ykien để xem lại.",
            ),
            (
                MEMBER,
                "/opinion Thêm đèn đường",
                "Đã nhận ý kiến của đồng chí (đồng chí có 2 ý kiến cho cuộc họp ngày 04/12/2026)."
                " Gõ /ykien để xem lại.",
            ),
            (
                MEMBER,
                "/ykien",
                """
                Ý kiến của đồng chí — cuộc họp ngày 04/12/2026
                1. Đề nghị sửa đường <script>
                2. Thêm đèn đường
                Rút một ý kiến: /ykien xoa <số>
                """,
            ),
        ],
    )
    assert "&lt;script&gt;" in (await chat.say(MEMBER, "/ykien")).response.messages[0].text  # shown, not run
    await verify_dialog(
        reply,
        [
            (MEMBER, "/ykien " + "y" * 1001, "Ý kiến dài 1.001 ký tự; tối đa 1.000 ký tự. Vui lòng rút gọn."),
            (MEMBER, "/ykien xoa 5", "Không có ý kiến số này (đồng chí có 2 ý kiến)."),
            (MEMBER, "/ykien xoa một", "Cú pháp: /ykien xoa <số> (xem số bằng /ykien)."),
            (MEMBER, "/ykien xoa 1", "Đã rút ý kiến số 1 (cuộc họp ngày 04/12/2026)."),
            (
                MEMBER,
                "/ykien",
                """
                Ý kiến của đồng chí — cuộc họp ngày 04/12/2026
                1. Thêm đèn đường
                Rút một ý kiến: /ykien xoa <số>
                """,
            ),
            (DEPUTY, "/ykien", none_yet),  # only my own
        ],
    )


async def test_wrong_chat_and_strangers(app: AppContext, chat: Chat) -> None:
    await linked_world(app, chat)
    assert "nhắn riêng cho bot" in (await chat.say(MEMBER, "/cuatoi", group=GROUP)).text
    assert "chưa có cuộc họp" in (await chat.say(SECRETARY, "/dongdiemdanh", group=GROUP)).text
    assert "không phụ trách" in (await chat.say(OTHER_SECRETARY, "/modiemdanh", group=GROUP)).text
    assert "chưa được gắn" in (await chat.say(OTHER_SECRETARY, "/modiemdanh", group="-999")).text
    assert (await chat.say(MEMBER, "chào cả nhà", group=GROUP)).response.messages == []
    assert "chưa kết nối với chi bộ" in (await chat.say("5555", "/lichhop")).text
    assert "mã mời" in (await chat.say("5555", "xin chào")).text
    assert "chưa kết nối" in (await chat.press("5555", "rsvp:1:yes")).toast


async def test_marking_reads_names_that_hold_the_keywords(app: AppContext, chat: Chat, clock: FakeClock) -> None:
    await meeting_soon(app, chat, clock)
    async with app.sessions() as session:
        await import_rows(
            session, parse_rows(roster_table([[COMMITTEE, CELL, "Trịnh Văn Có", "dang_vien", "", "", ""]]))
        )
        await session.commit()
    clock.set(clock.now() + timedelta(days=11, hours=10, minutes=30))
    await chat.say(SECRETARY, "/modiemdanh")
    assert "Đã ghi Trịnh Văn Có có mặt" in (await chat.say(SECRETARY, "/diemdanhho Trịnh Văn Có co")).text
    said = await chat.say(SECRETARY, "/diemdanhho Lê Văn Cường vang có việc riêng")
    assert "Đã ghi Lê Văn Cường vắng có lý do" in said.text
    async with app.sessions() as session:
        reasons = (await session.scalars(select(Attendance.reason).where(Attendance.reason.is_not(None)))).all()
    assert reasons == ["có việc riêng"]
