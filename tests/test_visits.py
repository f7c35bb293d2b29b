"""Supervisors' visits through the real dispatcher: the coming meetings of followed cells, registering
and withdrawing (the secretaries and the group told), checking in as a visitor (never counted), the
comment in the summary, the quarter's coverage in the rollup, the reminder job, and every refusal."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select, update

from core.clock import FakeClock
from handlers.context import AppContext
from handlers.rollup import rollup_lines
from models import (
    Account,
    Attendance,
    Cell,
    Committee,
    CommitteeRole,
    Meeting,
    MeetingState,
    NodeRole,
    OutboxMessage,
    Person,
    Platform,
    SupervisorVisit,
)
from scheduler.visits import write_visit_reminders
from services import erasure, mydata, tallies
from services.export.node import rollup_workbook
from services.meetings import schedule_meeting
from services.rollup import Rollup, build_rollup
from tests.chat import GROUP, Chat
from tests.factories import CELL, COMMITTEE, build_world, connect_everyone
from tests.test_export import minutes_text
from tests.test_meeting_flow import DEPUTY, MEMBER, OTHER_SECRETARY, SECRETARY, SUPERVISOR

MEETING_AT = datetime(2026, 11, 23, 12, 30, tzinfo=UTC)  # 19:30 in Hanoi, the fixture clock's day
MONTH = (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
YEAR = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))


async def followed_world(app: AppContext, chat: Chat) -> tuple[int, int]:
    """The standard world (the supervisor follows cell 1), its group linked, everyone connected; a
    meeting of cell 1 tonight and one of cell 2 (not followed). Returns both meetings' ids."""
    world = await build_world(app, meeting_at=MEETING_AT)
    await connect_everyone(app)
    assert "Đã gắn nhóm" in (await chat.say(SECRETARY, "/ketnoi", group=GROUP)).text
    async with app.sessions() as session, session.begin():
        other = await session.scalar(select(Cell.id).where(Cell.name == "Chi bộ Khu phố 2"))
        assert other is not None
        elsewhere = await schedule_meeting(session, other, MEETING_AT + timedelta(days=2), app.clock.now())
    assert world.meeting_id is not None
    return world.meeting_id, elsewhere.id


async def test_a_supervisor_lists_registers_and_withdraws(app: AppContext, chat: Chat) -> None:
    mid, _ = await followed_world(app, chat)
    listed = await chat.say(SUPERVISOR, "/lichtheodoi")
    assert "Lịch họp 30 ngày tới của các chi bộ đồng chí theo dõi (1)" in listed.text
    assert f"1. {CELL}: Thứ Hai, 23/11/2026 lúc 19:30, tại Nhà văn hóa" in listed.text
    assert "Chi bộ Khu phố 2" not in listed.text
    [[button]] = listed.response.messages[0].buttons
    assert button.data.pack() == f"visit:{mid}:r"

    said = await chat.say(SUPERVISOR, "/lichtheodoi dangky 1")
    assert f"Đã đăng ký dự họp {CELL}" in said.text
    told = "Đồng chí Võ Thị Giang (cấp ủy viên theo dõi) sẽ dự họp Chi bộ Khu phố 1: Thứ Hai, 23/11/2026 lúc 19:30"
    assert told in said.to(SECRETARY)[0]
    assert told in said.to(DEPUTY)[0]
    assert told in said.to(GROUP)[0]
    assert not said.to(MEMBER)
    assert "đã đăng ký dự cuộc họp này rồi" in (await chat.say(SUPERVISOR, "/lichtheodoi dang ky 1")).text
    assert "— đã đăng ký dự" in (await chat.say(SUPERVISOR, "/lichtheodoi")).text

    pressed = await chat.press(SUPERVISOR, f"visit:{mid}:c")
    assert pressed.toast == "Đã hủy đăng ký dự họp."
    assert "báo không dự họp" in pressed.to(GROUP)[0]
    assert "chưa đăng ký dự" in (await chat.press(SUPERVISOR, f"visit:{mid}:c")).toast
    assert "Đã đăng ký" in (await chat.press(SUPERVISOR, f"visit:{mid}:r")).toast


async def test_two_presses_at_once_register_once(app: AppContext, chat: Chat) -> None:
    mid, _ = await followed_world(app, chat)
    said = await asyncio.gather(*(chat.press(SUPERVISOR, f"visit:{mid}:r") for _ in range(3)))
    assert sorted(s.toast for s in said).count("Đã đăng ký dự họp.") == 1
    async with app.sessions() as session:
        assert await session.scalar(select(func.count(SupervisorVisit.id))) == 1


async def test_refusals(app: AppContext, chat: Chat, clock: FakeClock) -> None:
    mid, elsewhere = await followed_world(app, chat)
    assert "không dành cho vai trò" in (await chat.say(MEMBER, "/lichtheodoi")).text
    assert "không dành cho vai trò" in (await chat.press(MEMBER, f"visit:{mid}:r")).toast
    assert "Số thứ tự không hợp lệ" in (await chat.say(SUPERVISOR, "/lichtheodoi dangky " + "9" * 30)).text
    assert "Số thứ tự không hợp lệ" in (await chat.say(SUPERVISOR, "/lichtheodoi dangky ١")).text
    assert "Số thứ tự không hợp lệ" in (await chat.say(SUPERVISOR, "/lichtheodoi dangky -1")).text
    assert "hiện có 1 cuộc họp" in (await chat.say(SUPERVISOR, "/lichtheodoi dangky 2")).text
    assert "hiện có 1 cuộc họp" in (await chat.say(SUPERVISOR, "/lichtheodoi dangky 0")).text
    assert "Cách dùng" in (await chat.say(SUPERVISOR, "/lichtheodoi xoa 1")).text
    assert "Cách dùng" in (await chat.say(SUPERVISOR, "/lichtheodoi dangky")).text
    # A forged press for a cell she does not follow, or for no meeting at all.
    assert "không theo dõi chi bộ" in (await chat.press(SUPERVISOR, f"visit:{elsewhere}:r")).toast
    assert "không theo dõi chi bộ" in (await chat.press(SUPERVISOR, "visit:999999:r")).toast
    assert "hết hiệu lực" in (await chat.press(SUPERVISOR, "visit:1" + "0" * 30 + ":r")).toast
    clock.set(MEETING_AT)
    assert "đã bắt đầu hoặc đã qua" in (await chat.press(SUPERVISOR, f"visit:{mid}:r")).toast
    async with app.sessions() as session, session.begin():
        await session.execute(update(Meeting).where(Meeting.id == mid).values(state=MeetingState.CANCELLED))
    assert "đã bị hủy" in (await chat.press(SUPERVISOR, f"visit:{mid}:r")).toast
    assert "chưa có cuộc họp nào trong 30 ngày tới" in (await chat.say(SUPERVISOR, "/lichtheodoi")).text


async def test_a_supervisor_checks_in_as_a_visitor_and_comments(app: AppContext, chat: Chat, clock: FakeClock) -> None:
    mid, _ = await followed_world(app, chat)
    assert "cần điểm danh dự họp" in (await chat.say(SUPERVISOR, "/nhanxet Chi bộ họp tốt")).text
    clock.set(MEETING_AT)
    assert "Đã mở điểm danh" in (await chat.say(SECRETARY, "/modiemdanh")).text
    assert "Đã điểm danh" in (await chat.press(MEMBER, f"ci:{mid}", group=GROUP)).toast
    pressed = await chat.press(SUPERVISOR, f"ci:{mid}", group=GROUP)
    assert "với tư cách cấp ủy viên theo dõi" in pressed.toast
    assert "rồi" in (await chat.press(SUPERVISOR, f"ci:{mid}", group=GROUP)).toast
    # A member of another cell who does not follow this one is refused.
    assert "không thuộc chi bộ" in (await chat.press(OTHER_SECRETARY, f"ci:{mid}", group=GROUP)).toast
    async with app.sessions() as session:
        meeting = await session.get(Meeting, mid)
        assert meeting is not None
        assert (await tallies.tally(session, meeting)).present == 1
        visitors = await session.scalar(
            select(func.count(Attendance.id))
            .join(SupervisorVisit, SupervisorVisit.person_id == Attendance.person_id)
            .where(Attendance.meeting_id == mid)
        )
        assert visitors == 0

    assert "Cách dùng: /nhanxet" in (await chat.say(SUPERVISOR, "/nhanxet   ")).text
    assert "tối đa 1.000 ký tự" in (await chat.say(SUPERVISOR, "/nhanxet " + "x" * 1001)).text
    said = await chat.say(SUPERVISOR, "/nhanxet Chi bộ chuẩn bị <b>tốt</b>")
    assert f"Đã ghi nhận xét của đồng chí vào tổng kết cuộc họp {CELL}" in said.text

    assert "Đã đóng điểm danh" in (await chat.say(SECRETARY, "/dongdiemdanh")).text
    summary = await chat.say(SECRETARY, "/tongket")
    assert "Dự họp: 1/" in summary.text
    assert "Có mặt (1):\nLê Văn Cường" in summary.text
    assert "Cấp ủy viên theo dõi dự họp (1):\nVõ Thị Giang" in summary.text
    raw = "\n".join(str(m.text) for m in summary.response.messages)
    assert "Nhận xét của đồng chí Võ Thị Giang (cấp ủy viên theo dõi): Chi bộ chuẩn bị &lt;b&gt;tốt&lt;/b&gt;" in raw
    assert "đã được gửi" in (await chat.say(SUPERVISOR, "/nhanxet thêm ý")).text
    exported = await chat.say(SECRETARY, "/xuatfile")
    [minutes] = [m.document[1] for m in exported.response.messages if m.document and m.document[0].endswith(".docx")]
    text = minutes_text(minutes)
    assert "Cấp ủy viên theo dõi dự họp (1):\nVõ Thị Giang" in text
    assert "Nhận xét của đồng chí Võ Thị Giang (cấp ủy viên theo dõi): Chi bộ chuẩn bị <b>tốt</b>" in text

    # Her data export holds the visit; erasing her erases her comment too.
    async with app.sessions() as session, session.begin():
        person = await session.scalar(select(Person).where(Person.full_name == "Võ Thị Giang"))
        assert person is not None
        mine = await mydata.collect(session, person.id, app.config.schedule.zone, clock.now())
        [visit] = mine.content["visits_as_supervisor"]
        assert visit["cell"] == CELL
        assert visit["comment"] == "Chi bộ chuẩn bị <b>tốt</b>"
        await erasure.erase(
            session, person, placeholder="#", erased_text="(đã xóa)", actor_id=None, actor_label="test", now=clock.now()
        )
    async with app.sessions() as session:
        assert await session.scalar(select(SupervisorVisit.comment)) == "(đã xóa)"


async def test_the_code_checks_a_supervisor_in(app: AppContext, chat: Chat, clock: FakeClock) -> None:
    mid, _ = await followed_world(app, chat)
    assert "gửi kèm mã" in (await chat.say(SUPERVISOR, "/diemdanh")).text
    assert "chưa mở" in (await chat.say(SUPERVISOR, "/diemdanh 1234")).text
    clock.set(MEETING_AT)
    await chat.say(SECRETARY, "/modiemdanh ma")
    async with app.sessions() as session:
        code = await session.scalar(select(Meeting.checkin_code).where(Meeting.id == mid))
    assert code is not None
    assert "yêu cầu nhập mã" in (await chat.press(SUPERVISOR, f"ci:{mid}", group=GROUP)).toast
    wrong = "0000" if code != "0000" else "1111"
    assert "Mã không đúng" in (await chat.say(SUPERVISOR, f"/diemdanh {wrong}")).text
    assert "với tư cách cấp ủy viên theo dõi" in (await chat.say(SUPERVISOR, f"/diemdanh {code}")).text
    async with app.sessions() as session:
        visit = await session.scalar(select(SupervisorVisit).where(SupervisorVisit.meeting_id == mid))
        assert visit is not None
        assert visit.checked_in_at is not None
        assert visit.code_failures == 1
    # Someone neither member nor supervisor still hears the usual refusal.
    assert "chưa kết nối với chi bộ" in (await chat.say("777", f"/diemdanh {code}")).text


async def ward_rollup(app: AppContext) -> Rollup:
    async with app.sessions() as session:
        node = await session.scalar(select(Committee).where(Committee.name == COMMITTEE))
        assert node is not None
        return await build_rollup(session, node, MONTH, YEAR)


async def supervisor_checks_in(chat: Chat, clock: FakeClock, meeting_id: int) -> None:
    clock.set(MEETING_AT)
    await chat.say(SECRETARY, "/modiemdanh")
    await chat.press(SUPERVISOR, f"ci:{meeting_id}", group=GROUP)


async def test_the_rollup_shows_each_supervisors_quarter(app: AppContext, chat: Chat, clock: FakeClock) -> None:
    mid, _ = await followed_world(app, chat)
    before = "\n".join(rollup_lines(app.tr, await ward_rollup(app), "11/2026"))
    assert "quý 4/2026" in before
    assert "• Võ Thị Giang: đã dự 0/1 chi bộ theo dõi — —" in before
    await supervisor_checks_in(chat, clock, mid)
    after = "\n".join(rollup_lines(app.tr, await ward_rollup(app), "11/2026"))
    assert f"• Võ Thị Giang: đã dự 1/1 chi bộ theo dõi — {CELL}" in after


async def test_the_rollup_file_has_the_quarters_visits_sheet(app: AppContext, chat: Chat, clock: FakeClock) -> None:
    """`/tonghop tep`'s month workbook carries the same coverage as the chat rollup, on its own sheet."""
    mid, _ = await followed_world(app, chat)
    await supervisor_checks_in(chat, clock, mid)
    book = load_workbook(io.BytesIO(rollup_workbook(app.tr, await ward_rollup(app), "11/2026")))
    assert book.sheetnames[1] == "Dự sinh hoạt quý 4-2026"
    rows = [list(r) for r in book.worksheets[1].iter_rows(values_only=True)]
    assert rows[0][0] == f"CẤP ỦY VIÊN THEO DÕI DỰ SINH HOẠT CHI BỘ, QUÝ 4/2026 — {COMMITTEE}"
    assert rows[2:] == [
        ["Cấp ủy viên theo dõi", "Chi bộ theo dõi", "Đã dự", "Các chi bộ đã dự"],
        ["Võ Thị Giang", 1, 1, CELL],
    ]


async def reminders(app: AppContext) -> list[tuple[str, str]]:
    async with app.sessions() as session:
        rows = await session.execute(
            select(OutboxMessage.chat_id, OutboxMessage.text).where(OutboxMessage.kind == "visit-reminder")
        )
        return [(chat_id, text) for chat_id, text in rows]


async def test_the_reminder_goes_once_two_weeks_before_the_quarter_ends(app: AppContext, chat: Chat) -> None:
    await followed_world(app, chat)
    assert await write_visit_reminders(app, datetime(2026, 12, 17, 16, 59, tzinfo=UTC)) is None  # 23:59 on 17/12
    due = datetime(2026, 12, 17, 17, tzinfo=UTC)  # 00:00 on 18/12 in Hà Nội: fourteen days left
    written = await asyncio.gather(*(write_visit_reminders(app, due) for _ in range(3)))
    assert sorted(written, key=str) == [1, None, None]
    assert await write_visit_reminders(app, due + timedelta(days=3)) is None
    [(chat_id, text)] = await reminders(app)
    assert chat_id == SUPERVISOR
    assert "quý 4/2026" in text
    assert "hết ngày 31/12/2026" in text
    assert CELL in text
    # The next quarter has its own reminder.
    assert await write_visit_reminders(app, datetime(2027, 3, 18, tzinfo=UTC)) == 1


async def test_a_supervisor_who_visited_is_not_reminded(app: AppContext, chat: Chat, clock: FakeClock) -> None:
    mid, _ = await followed_world(app, chat)
    clock.set(MEETING_AT)
    await chat.say(SECRETARY, "/modiemdanh")
    assert "cấp ủy viên" in (await chat.press(SUPERVISOR, f"ci:{mid}", group=GROUP)).toast
    assert await write_visit_reminders(app, datetime(2026, 12, 20, tzinfo=UTC)) == 0
    assert await reminders(app) == []


async def test_a_registered_supervisor_hears_of_a_cancellation(app: AppContext, chat: Chat) -> None:
    mid, _ = await followed_world(app, chat)
    await chat.say(SUPERVISOR, "/lichtheodoi dangky 1")
    assert "Đã hủy" in (await chat.say(SECRETARY, "/huyhop 23/11 mưa bão")).text
    async with app.sessions() as session:
        told = (
            await session.scalars(
                select(OutboxMessage.text).where(OutboxMessage.meeting_id == mid, OutboxMessage.chat_id == SUPERVISOR)
            )
        ).all()
    assert len(told) == 1
    assert "mưa bão" in told[0]


async def test_a_supervisor_of_the_organisation_follows_every_cell_below(
    app: AppContext, chat: Chat, clock: FakeClock
) -> None:
    mid, elsewhere = await followed_world(app, chat)
    async with app.sessions() as session, session.begin():
        node = await session.scalar(select(Committee).where(Committee.name == COMMITTEE))
        assert node is not None
        ward = Person(full_name="Đặng Văn Phường")
        session.add(ward)
        await session.flush()
        now = clock.now()
        session.add(Account(person_id=ward.id, platform=Platform.TELEGRAM, external_id="9100", connected_at=now))
        session.add(CommitteeRole(person_id=ward.id, committee_id=node.id, role=NodeRole.SUPERVISOR))
    listed = (await chat.say("9100", "/lichtheodoi")).text
    assert f"1. {CELL}" in listed
    assert "2. Chi bộ Khu phố 2" in listed
    assert "Đã đăng ký" in (await chat.press("9100", f"visit:{elsewhere}:r")).toast
    clock.set(MEETING_AT)
    await chat.say(SECRETARY, "/modiemdanh")
    assert "cấp ủy viên theo dõi" in (await chat.press("9100", f"ci:{mid}", group=GROUP)).toast
    lines = "\n".join(rollup_lines(app.tr, await ward_rollup(app), "11/2026"))
    assert f"• Đặng Văn Phường: đã dự 1/2 chi bộ theo dõi — {CELL}" in lines
    assert "• Võ Thị Giang: đã dự 0/1 chi bộ theo dõi — —" in lines
