"""/huyhop (cancel) and /nhaclai (remind) through the real dispatcher, and their bad input."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.clock import FakeClock
from handlers.context import AppContext
from models import Meeting, MeetingState, OutboxMessage, ReminderStep, Rsvp
from tests.chat import GROUP, Chat
from tests.test_reminders import AN, BINH, CUONG, DUNG, EM, GIANG, KHANG, PHUONG, Harness, answer, linked_cell, utc

NOTHING_CHANGED_TABLES = (Meeting, OutboxMessage, ReminderStep)


async def counts(app: AppContext) -> dict[str, int]:
    async with app.sessions() as session:
        found = {}
        for model in NOTHING_CHANGED_TABLES:
            found[model.__tablename__] = await session.scalar(select(func.count()).select_from(model)) or 0
        found["cancelled"] = (
            await session.scalar(
                select(func.count()).select_from(Meeting).where(Meeting.state == MeetingState.CANCELLED)
            )
            or 0
        )
        return found


async def announced_world(app: AppContext, clock: FakeClock) -> tuple[Harness, Meeting]:
    """December's meeting planned and announced (30 Nov, 19:30 Hanoi)."""
    await linked_cell(app)
    h = Harness(app, clock)
    await h.plan()
    async with app.sessions() as session:
        meeting = await session.scalar(
            select(Meeting).where(Meeting.rule_month == "2026-12").order_by(Meeting.cell_id).limit(1)
        )
    assert meeting is not None
    await h.run_until(utc(11, 30, 12, 30), step=timedelta(minutes=30))
    return h, meeting


async def test_cancelling_stops_the_reminders_and_tells_those_reminded(
    app: AppContext, clock: FakeClock, chat: Chat
) -> None:
    h, meeting = await announced_world(app, clock)
    reminded = {s.chat for s in h.sent}
    said = await chat.say(AN, "/huyhop 03/12 Trùng lịch họp <b>Đảng ủy</b>")
    assert "Đã hủy cuộc họp Thứ Năm, 03/12/2026 lúc 19:30" in said.text
    assert f"Đã báo cho {len(reminded)} người hoặc nhóm" in said.text
    before = len(h.sent)
    await h.run_until(utc(12, 23, 0))
    cancelled = h.sent[before:]
    assert {s.chat for s in cancelled} == reminded  # and nothing else until the end of the month
    assert all(s.text.startswith("❌") for s in cancelled)
    assert "Lý do: Trùng lịch họp <b>Đảng ủy</b>" in cancelled[0].text  # escaped when written, shown as typed
    stored = await h.rows(kind="cancelled")
    assert "&lt;b&gt;Đảng ủy&lt;/b&gt;" in stored[0].text
    assert EM not in {s.chat for s in cancelled}
    async with app.sessions() as session:
        state = await session.scalar(select(Meeting.state).where(Meeting.id == meeting.id))
    assert state is MeetingState.CANCELLED
    await h.plan()
    async with app.sessions() as session:
        december = (
            await session.scalars(
                select(Meeting.state).where(Meeting.cell_id == meeting.cell_id, Meeting.rule_month == "2026-12")
            )
        ).all()
    assert december == [MeetingState.CANCELLED]  # planning does not bring December back


async def test_cancel_without_a_date_offers_buttons(app: AppContext, clock: FakeClock, chat: Chat) -> None:
    h, meeting = await announced_world(app, clock)
    said = await chat.say(AN, "/cancel")
    assert "Chọn cuộc họp cần hủy" in said.text
    buttons = [b.packed for row in said.response.messages[0].buttons for b in row]
    assert buttons[0] == f"cancel:{meeting.id}"
    assert len(buttons) == 2  # December and January
    assert "không dành cho vai trò" in (await chat.press(CUONG, buttons[0])).toast
    assert "hết hiệu lực" in (await chat.press(KHANG, buttons[0])).toast  # another cell's secretary
    assert "Đã hủy" in (await chat.press(AN, buttons[0])).text
    assert "chưa mở điểm danh" in (await chat.press(BINH, buttons[0])).toast  # twice: refused, nothing more
    await h.tick()
    assert len(await h.rows(kind="cancelled")) == len({s.chat for s in h.sent if s.text.startswith("📢")})


async def refused(app: AppContext, chat: Chat, refusals: dict[tuple[str, str], str]) -> None:
    """Each (user, text) gets a reply containing the expected words, no traceback, and nothing changes."""
    before = await counts(app)
    for (user, text), expected in refusals.items():
        said = await chat.say(user, text)
        assert expected in said.text, (text, said.text)
        assert "Traceback" not in said.text
    assert await counts(app) == before


async def test_cancel_refuses_bad_input_and_changes_nothing(app: AppContext, clock: FakeClock, chat: Chat) -> None:
    _, meeting = await announced_world(app, clock)
    before = await counts(app)
    await refused(
        app,
        chat,
        {
            (CUONG, "/huyhop 03/12"): "không dành cho vai trò",
            (GIANG, "/huyhop 03/12"): "không dành cho vai trò",
            (AN, "/huyhop 31/02"): "Không có ngày 31/02",
            (AN, "/huyhop mai"): "Cách dùng: /huyhop",
            (AN, "/huyhop 04/12"): "Không có cuộc họp nào (chưa bị hủy) vào ngày 04/12",
            (AN, "/huyhop 03/12 " + "x" * 301): "dài quá 300 ký tự",
        },
    )
    assert "nhắn riêng cho bot" in (await chat.say(AN, "/huyhop 03/12", group=GROUP)).text
    assert await counts(app) == before
    # Check-in already open: too late to cancel.
    clock.set(meeting.starts_at)
    await chat.press(AN, f"open:{meeting.id}")
    assert "chưa mở điểm danh" in (await chat.say(AN, "/huyhop 03/12")).text


async def test_two_meetings_on_one_day_are_ambiguous(app: AppContext, clock: FakeClock, chat: Chat) -> None:
    await announced_world(app, clock)
    assert "Đã đặt lịch họp" in (await chat.say(AN, "/datlich chuyende 03/12 07:30 Học tập nghị quyết")).text
    said = await chat.say(AN, "/huyhop 03/12")
    assert "nhiều cuộc họp" in said.text


async def test_remind_again_reaches_only_those_who_have_not_answered(
    app: AppContext, clock: FakeClock, chat: Chat
) -> None:
    h, meeting = await announced_world(app, clock)
    await answer(app, CUONG, meeting.id, Rsvp.ATTEND)
    await answer(app, DUNG, meeting.id, Rsvp.ABSENT, "ốm")
    said = await chat.say(BINH, "/nhaclai")
    assert "Đã nhắc lại cuộc họp Thứ Năm, 03/12/2026 lúc 19:30 cho 3 đồng chí chưa trả lời" in said.text
    assert "Chưa trả lời: Đỗ Thị Phương, Nguyễn Văn An, Trần Thị Bình" in said.text  # Đ sorts with D
    before = len(h.sent)
    await h.tick()
    again = h.sent[before:]
    assert sorted(s.chat for s in again) == sorted([AN, BINH, PHUONG])
    assert all(s.buttons == (f"rsvp:{meeting.id}:yes", f"rsvp:{meeting.id}:no") for s in again)
    # At most once an hour per meeting, whoever asks.
    clock.advance(timedelta(minutes=59))
    assert "có thể nhắc lại sau 20:30" in (await chat.say(AN, "/remind")).text
    clock.advance(timedelta(minutes=2))
    assert "cho 3 đồng chí" in (await chat.say(AN, "/remind 03/12")).text
    await h.tick()
    assert len(h.sent) == before + 6
    # The day before, the current reminder is the nudge.
    await h.run_until(utc(12, 2, 13))
    await answer(app, AN, meeting.id, Rsvp.ATTEND)
    await answer(app, PHUONG, meeting.id, Rsvp.ATTEND)
    nudges_before = len(h.sent)
    assert "cho 1 đồng chí" in (await chat.say(AN, "/nhaclai")).text
    await h.tick()
    assert [(s.chat, s.text.splitlines()[0]) for s in h.sent[nudges_before:]] == [
        (BINH, "⏰ Nhắc lịch họp — Chi bộ Khu phố 1")
    ]


async def test_remind_refuses_bad_input_and_changes_nothing(app: AppContext, clock: FakeClock, chat: Chat) -> None:
    _, meeting = await announced_world(app, clock)
    before = await counts(app)
    await refused(
        app,
        chat,
        {
            (CUONG, "/nhaclai"): "không dành cho vai trò",
            (AN, "/nhaclai ngay mai"): "Cách dùng: /nhaclai",
            (AN, "/nhaclai 03/12 thêm"): "Cách dùng: /nhaclai",
            (AN, "/nhaclai 30/02"): "Không có ngày 30/02",
            (AN, "/nhaclai 05/12"): "không có cuộc họp nào chưa diễn ra vào ngày 05/12/2026",
        },
    )
    for person in (AN, BINH, CUONG, DUNG, PHUONG):
        await answer(app, person, meeting.id, Rsvp.ATTEND)
    assert "đều đã trả lời" in (await chat.say(AN, "/nhaclai")).text
    assert await counts(app) == before
    clock.set(meeting.starts_at + timedelta(minutes=1))
    assert "không có cuộc họp nào chưa diễn ra vào ngày 03/12/2026" in (await chat.say(AN, "/nhaclai 03/12")).text
    assert "cuộc họp Chủ Nhật, 03/01/2027" in (await chat.say(AN, "/nhaclai")).text  # the next one is January's
