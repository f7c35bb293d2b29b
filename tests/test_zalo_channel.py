"""The Zalo channel against the fake Zalo Bot Platform over real HTTP: polling and webhook mode,
forged webhook calls, numbered choices, duplicates, the Sender's errors, limits and charts, and
`bot.py run` with Zalo configured."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from markupsafe import Markup
from sqlalchemy import func, select

from bot import open_app
from channels.choices import PromptBook
from channels.ratelimit import RateLimiter, Window
from channels.zalo.client import ZaloClient
from channels.zalo.runner import ZaloRuntime, ZaloStartError
from channels.zalo.sender import ZaloSender
from channels.zalo.server import WEBHOOK_PATH
from core.buttons import Answer, CheckinData, RsvpData
from core.clock import FakeClock
from core.config import Config
from core.messages import Address, Button, ChatKind, Edit, Incoming, Keyboard
from core.metrics import REGISTRY
from handlers.context import AppContext
from handlers.delivery import RetryLater, Sender, TransientFailure, Undeliverable, deliver
from handlers.dispatcher import Dispatcher
from handlers.registry import ROUTER
from models import Account, Attendance, JoinRequest, JoinState, Meeting, MeetingState, Person, Platform, Rsvp
from services.meetings import schedule_meeting
from tests.botprocs import free_port
from tests.chat import Chat
from tests.factories import build_world
from tests.fake_zalo import FakeZalo, serving
from tests.fake_zalo.server import PNG_MAGIC, Failure

ROOT = Path(__file__).resolve().parent.parent
PHUONG = "z-1006"  # Đỗ Thị Phương's Zalo id in the standard roster
PUBLIC = "https://chibo.example.org"
SECRET = "webhook-secret-0123456789"


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
async def fake(port: int) -> AsyncIterator[FakeZalo]:
    async with serving(public={PUBLIC: f"http://127.0.0.1:{port}"}) as server:
        yield server


@pytest.fixture
def mode() -> str:
    return "polling"


@pytest.fixture
def config(db_url: str, fake: FakeZalo, port: int, mode: str) -> Config:
    zalo: dict[str, Any] = {"token": fake.token, "base_url": fake.base_url, "rate_per_second": 50}
    zalo |= {"mode": mode, "webhook_secret": SECRET}
    server = {"listen": f"127.0.0.1:{port}", "public_url": PUBLIC}
    return Config.model_validate({"database": {"url": db_url}, "zalo": zalo, "server": server})


@pytest.fixture
async def zalo(app: AppContext, dispatcher: Dispatcher) -> AsyncIterator[ZaloRuntime]:
    senders: dict[Platform, Sender] = {}
    async with ZaloRuntime(app, dispatcher, senders, poll_seconds=5).running() as runtime:
        yield runtime


async def meeting_world(app: AppContext) -> int:
    world = await build_world(app, meeting_at=app.clock.now() + timedelta(days=11, hours=10, minutes=30))
    assert world.meeting_id is not None
    return world.meeting_id


async def rsvp_of(app: AppContext, meeting_id: int, name: str) -> tuple[Rsvp | None, str | None]:
    async with app.sessions() as session:
        row = (
            await session.execute(
                select(Attendance.rsvp, Attendance.reason)
                .join(Attendance.person)
                .where(Attendance.meeting_id == meeting_id)
                .where(Attendance.person.has(full_name=name))
            )
        ).first()
    return (row.rsvp, row.reason) if row else (None, None)


# ---- polling ------------------------------------------------------------------------------------


async def test_polling_answers_typed_commands_with_or_without_slash_and_diacritics(
    app: AppContext, fake: FakeZalo, zalo: ZaloRuntime
) -> None:
    await meeting_world(app)
    fake.user(PHUONG, "Phương")
    for typed in ("/lichhop", "lich hop", "Lịch họp", "LICH HOP"):
        await fake.say(PHUONG, typed)
        [answer] = fake.take(PHUONG)
        assert "Cuộc họp sắp tới — Chi bộ Khu phố 1" in answer, typed
    assert "getUpdates" in fake.calls
    assert "setWebhook" not in fake.calls
    assert fake.actions[-1] == (PHUONG, "typing")


def rsvp_buttons(meeting_id: int) -> Keyboard:
    return ((Button("Sẽ dự", RsvpData(meeting_id, Answer.YES)), Button("Xin vắng", RsvpData(meeting_id, Answer.NO))),)


async def test_numbered_choices_answer_the_reminder(app: AppContext, fake: FakeZalo, zalo: ZaloRuntime) -> None:
    meeting_id = await meeting_world(app)
    fake.user(PHUONG, "Phương")
    await zalo.sender.send(Address(Platform.ZALO, PHUONG), Markup("Thông báo họp"), rsvp_buttons(meeting_id))
    assert fake.take(PHUONG)[-1].endswith("2. Xin vắng\nXin vắng thì nhắn 2 kèm lý do, ví dụ: 2 bận công tác")

    await fake.say(PHUONG, "2")  # no reason yet: the bot asks for one
    [asked] = fake.take(PHUONG)
    assert "lý do" in asked
    await fake.say(PHUONG, "1 tuần đi công tác")  # a reason, although it starts with a number
    assert "xin vắng có lý do" in fake.take(PHUONG)[0]
    assert await rsvp_of(app, meeting_id, "Đỗ Thị Phương") == (Rsvp.ABSENT, "1 tuần đi công tác")

    # The announcement was answered: its numbers are closed, and "1" now presses nothing.
    await fake.say(PHUONG, "1")
    assert fake.take(PHUONG) == [
        "Không có câu hỏi nào đang chờ câu trả lời bằng số này: câu hỏi đã được trả lời, đã hết hạn, "
        "hoặc cuộc họp đã bắt đầu hay bị hủy. Bot không thay đổi gì. Gõ /trogiup để xem các lệnh."
    ]
    assert await rsvp_of(app, meeting_id, "Đỗ Thị Phương") == (Rsvp.ABSENT, "1 tuần đi công tác")
    # A word with no open choice is the command it spells: /vang for the next meeting.
    await fake.say(PHUONG, "vắng con ốm")
    assert len(fake.take(PHUONG)) == 1
    assert await rsvp_of(app, meeting_id, "Đỗ Thị Phương") == (Rsvp.ABSENT, "con ốm")

    await zalo.sender.send(Address(Platform.ZALO, PHUONG), Markup("Nhắc lại"), rsvp_buttons(meeting_id))
    assert fake.take(PHUONG)[-1].endswith("Xin vắng thì nhắn 2 kèm lý do, ví dụ: 2 bận công tác")
    await fake.say(PHUONG, "có")
    assert fake.take(PHUONG)[0].startswith("Đã ghi nhận: đồng chí sẽ dự cuộc họp ngày ")
    assert await rsvp_of(app, meeting_id, "Đỗ Thị Phương") == (Rsvp.ATTEND, None)


async def test_a_newer_message_on_the_same_meeting_replaces_the_older_numbers(
    app: AppContext, fake: FakeZalo, zalo: ZaloRuntime
) -> None:
    meeting_id = await meeting_world(app)
    fake.user(PHUONG, "Phương")
    to = Address(Platform.ZALO, PHUONG)
    await zalo.sender.send(to, Markup("Thông báo họp"), rsvp_buttons(meeting_id))
    await zalo.sender.send(to, Markup("Nhắc họp"), rsvp_buttons(meeting_id))
    assert "1. Sẽ dự" in fake.take(PHUONG)[-1]  # the same numbers again, the first message is replaced
    await fake.say(PHUONG, "vắng ốm")  # one open message: no need to ask which
    assert "xin vắng có lý do" in fake.take(PHUONG)[0]


async def test_after_the_meeting_closed_its_old_choice_does_nothing(
    app: AppContext, clock: FakeClock, fake: FakeZalo, zalo: ZaloRuntime
) -> None:
    """Issue 10.1: "vang <lý do>" after a meeting closed pressed the old meeting's button."""
    world = await build_world(app, meeting_at=app.clock.now() + timedelta(days=2))
    assert world.meeting_id is not None
    fake.user(PHUONG, "Phương")
    await zalo.sender.send(Address(Platform.ZALO, PHUONG), Markup("Thông báo họp"), rsvp_buttons(world.meeting_id))
    fake.take(PHUONG)
    async with app.sessions() as session:
        meeting = await session.get(Meeting, world.meeting_id)
        assert meeting is not None
        meeting.state = MeetingState.CLOSED
        nxt = await schedule_meeting(session, world.cell_id, clock.now() + timedelta(days=30), clock.now())
        await session.commit()
    clock.advance(timedelta(days=3))

    await fake.say(PHUONG, "2")
    assert "Bot không thay đổi gì" in fake.take(PHUONG)[0]
    await fake.say(PHUONG, "vắng đi công tác")
    fake.take(PHUONG)
    assert await rsvp_of(app, world.meeting_id, "Đỗ Thị Phương") == (None, None)
    assert await rsvp_of(app, nxt.id, "Đỗ Thị Phương") == (Rsvp.ABSENT, "đi công tác")


async def test_two_open_announcements_make_the_bot_ask_which(
    app: AppContext, clock: FakeClock, fake: FakeZalo, zalo: ZaloRuntime
) -> None:
    first = await meeting_world(app)
    async with app.sessions() as session:
        meeting = await session.get(Meeting, first)
        assert meeting is not None
        second = await schedule_meeting(session, meeting.cell_id, clock.now() + timedelta(days=40), clock.now())
        await session.commit()
    fake.user(PHUONG, "Phương")
    to = Address(Platform.ZALO, PHUONG)
    await zalo.sender.send(to, Markup("Họp tháng 12"), rsvp_buttons(first))
    await zalo.sender.send(to, Markup("Họp tháng 1"), rsvp_buttons(second.id))
    assert "3. Sẽ dự" in fake.take(PHUONG)[-1]  # numbers go on after those still open
    await fake.say(PHUONG, "vắng ốm")
    assert fake.take(PHUONG) == ["Đồng chí muốn trả lời tin nhắn nào? Vui lòng nhắn số: 2 (Xin vắng), 4 (Xin vắng)."]
    assert await rsvp_of(app, first, "Đỗ Thị Phương") == (None, None)
    await fake.say(PHUONG, "4 ốm")
    fake.take(PHUONG)
    assert await rsvp_of(app, second.id, "Đỗ Thị Phương") == (Rsvp.ABSENT, "ốm")
    assert await rsvp_of(app, first, "Đỗ Thị Phương") == (None, None)


async def test_a_choice_expires_when_its_meeting_starts(
    app: AppContext, clock: FakeClock, fake: FakeZalo, zalo: ZaloRuntime
) -> None:
    meeting_id = await meeting_world(app)
    fake.user(PHUONG, "Phương")
    await zalo.sender.send(Address(Platform.ZALO, PHUONG), Markup("Thông báo họp"), rsvp_buttons(meeting_id))
    fake.take(PHUONG)
    clock.advance(timedelta(days=11, hours=10, minutes=31))
    await fake.say(PHUONG, "1")
    assert "Bot không thay đổi gì" in fake.take(PHUONG)[0]
    assert await rsvp_of(app, meeting_id, "Đỗ Thị Phương") == (None, None)


async def test_a_secretary_on_zalo_marks_a_member(
    app: AppContext, clock: FakeClock, fake: FakeZalo, zalo: ZaloRuntime
) -> None:
    meeting_id = await meeting_world(app)
    async with app.sessions() as session:
        an = await session.scalar(select(Person).where(Person.full_name == "Nguyễn Văn An"))
        assert an is not None
        session.add(Account(person_id=an.id, platform=Platform.ZALO, external_id="z-an"))
        await session.commit()
    fake.user("z-an", "An")
    clock.advance(timedelta(days=11, hours=10, minutes=20))  # ten minutes before the meeting
    await fake.say("z-an", "diem danh ho")
    assert "Phạm Thị Dung" in fake.take("z-an")[0]
    await fake.say("z-an", "điểm danh hộ Phạm Thị Dung vang nằm viện")
    assert fake.take("z-an") == ["Đã ghi Phạm Thị Dung vắng có lý do (cuộc họp ngày 04/12/2026)."]
    assert await rsvp_of(app, meeting_id, "Phạm Thị Dung") == (Rsvp.ABSENT, "nằm viện")


async def test_choices_and_questions_survive_a_restart(
    app: AppContext, fake: FakeZalo, config: Config, clock: FakeClock
) -> None:
    meeting_id = await meeting_world(app)
    fake.user(PHUONG, "Phương")
    client = ZaloClient(fake.token, fake.base_url, timeout=5)
    before = ZaloSender(client, app.tr, RateLimiter(overall=Window.rate(100)), prompts=PromptBook(app))
    await before.send(Address(Platform.ZALO, PHUONG), Markup("Thông báo"), rsvp_buttons(meeting_id))
    await client.aclose()
    fake.take(PHUONG)
    # A fresh process on the same database, nothing in memory: the number still answers.
    async with open_app(config, clock) as fresh, ZaloRuntime(fresh, Dispatcher(fresh, ROUTER), {}).running():
        await fake.say(PHUONG, "2")
        assert "lý do" in fake.take(PHUONG)[0]
    # And the question it asked is still open in another fresh process.
    async with open_app(config, clock) as other:
        answer = await Dispatcher(other, ROUTER).handle(
            Incoming(Platform.ZALO, PHUONG, "Phương", PHUONG, ChatKind.PRIVATE, text="mẹ ốm")
        )
    assert "xin vắng có lý do" in str(answer.messages[0].text)
    assert await rsvp_of(app, meeting_id, "Đỗ Thị Phương") == (Rsvp.ABSENT, "mẹ ốm")


async def test_duplicates_pictures_and_malformed_updates(app: AppContext, fake: FakeZalo, zalo: ZaloRuntime) -> None:
    await meeting_world(app)
    fake.user(PHUONG, "Phương")
    update = fake.update(PHUONG, "lich hop")
    await fake.deliver(update)
    await fake.deliver(update)  # handed out again: answered once
    assert len(fake.take(PHUONG)) == 1
    await fake.deliver(fake.update(PHUONG, None, event="message.sticker.received"))
    assert fake.take(PHUONG) == ["Bot chỉ đọc được tin nhắn chữ. Nhắn trogiup để xem các lệnh."]
    await fake.deliver({"event_name": "message.text.received", "message": {"text": "x"}})
    await fake.deliver({"event_name": "user.follow", "message": update["message"]})
    await fake.say(PHUONG, "cua toi")  # polling goes on
    assert "Đỗ Thị Phương" in fake.take(PHUONG)[0]


async def test_polling_survives_server_errors(app: AppContext, fake: FakeZalo, zalo: ZaloRuntime) -> None:
    await meeting_world(app)
    fake.user(PHUONG, "Phương")
    fake.fail_next("getUpdates", Failure(502, 502, "Bad gateway"))
    # The poll already waiting takes this message; the next one gets the 502, waits, and polls again.
    await fake.say(PHUONG, "lich hop")
    assert ("getUpdates", "Bad gateway") in fake.refused
    await fake.say(PHUONG, "cua toi")
    first, second = fake.take(PHUONG)
    assert "Cuộc họp sắp tới" in first
    assert "Đỗ Thị Phương" in second


async def test_group_chats_do_not_take_numbers_or_chatter(app: AppContext, fake: FakeZalo, zalo: ZaloRuntime) -> None:
    await meeting_world(app)
    fake.user(PHUONG, "Phương")
    fake.groups.add("g-1")
    update = fake.update(PHUONG, "1")
    update["message"]["chat"] = {"id": "g-1", "chat_type": "GROUP"}
    await fake.deliver(update)
    update = fake.update(PHUONG, "lịch họp")
    update["message"]["chat"] = {"id": "g-1", "chat_type": "GROUP"}
    await fake.deliver(update)
    assert fake.take("g-1") == ["Vui lòng nhắn riêng cho bot để dùng lệnh này."]


async def test_a_refused_token_stops_start_up_without_showing_it(
    app: AppContext, dispatcher: Dispatcher, fake: FakeZalo
) -> None:
    fake.token = "999:another-token-entirely"
    with pytest.raises(ZaloStartError, match="refused the bot token") as caught:
        await ZaloRuntime(app, dispatcher, {}).start()
    assert app.config.zalo.token not in str(caught.value)


# ---- webhook ------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["webhook"])
@pytest.mark.parametrize("envelope", ["bare", "wrapped"])
async def test_webhook_mode_sets_the_webhook_and_answers(
    app: AppContext, fake: FakeZalo, zalo: ZaloRuntime, envelope: str
) -> None:
    await meeting_world(app)
    assert fake.webhook.url == PUBLIC + WEBHOOK_PATH
    assert fake.webhook.secret == SECRET
    fake.webhook_envelope = envelope
    fake.user(PHUONG, "Phương")
    assert await fake.say(PHUONG, "lich hop") == 200
    assert "Cuộc họp sắp tới" in fake.take(PHUONG)[0]
    assert "getUpdates" not in fake.calls


@pytest.mark.parametrize("mode", ["webhook"])
@pytest.mark.parametrize(
    ("secret", "body", "status"),
    [
        (None, "good", 403),
        ("", "good", 403),
        ("webhook-secret-0123456788", "good", 403),
        (SECRET[:-1], "good", 403),
        (SECRET, "{not json", 400),
        (SECRET, '"just a string"', 400),
        (SECRET, "unknown-event", 400),
        (SECRET, "no-sender", 400),
    ],
)
async def test_forged_or_malformed_webhook_calls_change_nothing(
    app: AppContext, fake: FakeZalo, zalo: ZaloRuntime, secret: str | None, body: str, status: int
) -> None:
    await build_world(app)
    async with app.sessions() as session:
        accounts = await session.scalar(select(func.count()).select_from(Account))
    # A stranger's message that would join with a valid code and answer, were it let in.
    stranger = fake.user("zz-forger", "Kẻ giả mạo")
    update = fake.update(stranger, "/batdau CODE123")
    if body == "good":
        raw = json.dumps(update)
    elif body == "unknown-event":
        raw = json.dumps({**update, "event_name": "user.added"})
    elif body == "no-sender":
        raw = json.dumps({"message": {k: v for k, v in update["message"].items() if k != "from"}})
    else:
        raw = body
    answer_status, text = await fake.post_webhook(raw.encode(), secret)
    assert answer_status == status
    assert SECRET not in text
    assert fake.sent == []
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Account)) == accounts
    # The real secret still works afterwards.
    assert (await fake.post_webhook(json.dumps(fake.update(stranger, "xin chào")).encode(), SECRET))[0] == 200
    assert "Để tham gia" in fake.take(stranger)[0]


# ---- the Sender ---------------------------------------------------------------------------------


@pytest.fixture
async def sender(fake: FakeZalo, clock: FakeClock) -> AsyncIterator[ZaloSender]:
    from core.i18n import Translator

    client = ZaloClient(fake.token, fake.base_url, timeout=5)
    limiter = RateLimiter(overall=Window.rate(100))
    yield ZaloSender(client, Translator("vi"), limiter, public_url="")
    await client.aclose()


async def test_long_messages_go_in_parts_at_line_boundaries(fake: FakeZalo, sender: ZaloSender) -> None:
    fake.user("u1", "An")
    lines = [f"{n:03d}. Đồng chí số {n} — " + "nội dung " * 8 for n in range(60)]
    message_id = await sender.send(Address(Platform.ZALO, "u1"), Markup("\n").join(lines))
    parts = fake.texts("u1")
    assert len(parts) == 3
    assert all(1 <= len(p) <= 2000 for p in parts)
    assert [line.rstrip() for p in parts for line in p.splitlines()] == [line.rstrip() for line in lines]
    assert message_id == fake.sent[-1].message_id


async def test_sender_errors_become_delivery_errors(fake: FakeZalo, sender: ZaloSender) -> None:
    fake.user("u1", "An")
    to = Address(Platform.ZALO, "u1")
    drawn = REGISTRY.get_sample_value("chibo_rate_limited_total", {"platform": "zalo"}) or 0
    fake.fail_next("sendMessage", Failure(429, 429, "Too many requests", retry_after=2))
    with pytest.raises(RetryLater) as slow:
        await sender.send(to, Markup("a"))
    assert slow.value.retry_after == 2
    assert REGISTRY.get_sample_value("chibo_rate_limited_total", {"platform": "zalo"}) == drawn + 1  # on /metrics
    assert sender.limiter.delay("u1", group=False) > 1  # this chat is held back as asked
    sender.limiter = RateLimiter(overall=Window.rate(100))
    with pytest.raises(Undeliverable, match="chat not found"):
        await sender.send(Address(Platform.ZALO, "never-wrote"), Markup("a"))
    fake.fail_next("sendMessage", Failure(500, 500, "Internal error"))
    with pytest.raises(TransientFailure):
        await sender.send(to, Markup("a"))
    fake.fail_next("sendMessage", Failure(403, 403, "user blocked the bot"))
    with pytest.raises(Undeliverable, match="blocked"):
        await sender.send(to, Markup("a"))
    with pytest.raises(Undeliverable):
        await sender.send(Address(Platform.TELEGRAM, "42"), Markup("a"))
    await fake.stop()
    with pytest.raises(TransientFailure):
        await sender.send(to, Markup("a"))


async def test_edits_throttled_dropped_final_ones_sent_new(fake: FakeZalo, sender: ZaloSender) -> None:
    fake.user("u1", "An")
    to = Address(Platform.ZALO, "u1")
    await sender.edit(Edit(to, "m1", Markup("Có mặt: 3/10"), throttled=True))
    assert fake.sent == []
    await sender.edit(Edit(to, "m1", Markup("Đã đóng điểm danh: 9/10"), ((Button("Xem", CheckinData(1)),),)))
    # Without a prompt book nothing could answer a number, so none is shown.
    assert fake.texts("u1") == ["Đã đóng điểm danh: 9/10"]


async def test_the_rate_limit_keeps_under_what_zalo_accepts(fake: FakeZalo, sender: ZaloSender) -> None:
    fake.per_second = 10
    fake.user("u1", "An")
    sender.limiter = RateLimiter(overall=Window.rate(10))
    started = time.monotonic()
    for n in range(25):
        await sender.send(Address(Platform.ZALO, "u1"), Markup(f"tin {n}"))
    assert len(fake.texts("u1")) == 25
    assert not [r for r in fake.refused if r[1] == "Too many requests"]
    assert time.monotonic() - started >= 1.4  # 25 messages at 10/s need two full windows


async def test_charts_only_with_a_public_address(
    fake: FakeZalo, sender: ZaloSender, clock: FakeClock, app: AppContext, dispatcher: Dispatcher
) -> None:
    fake.user("u1", "An")
    to = Address(Platform.ZALO, "u1")
    image = PNG_MAGIC + b"chart-bytes"
    await sender.send_photo(to, image, Markup("<b>Báo cáo tuần</b>"))
    assert fake.sent[-1].photo == ""
    assert fake.texts("u1") == ["Báo cáo tuần"]
    async with ZaloRuntime(app, dispatcher, {}, poll_seconds=5).running() as runtime:
        await runtime.sender.send_photo(to, image, Markup("<b>Báo cáo tuần</b>"))
        photo = fake.sent[-1]
        assert photo.photo.startswith(PUBLIC + "/zalo/chart/")
        assert photo.photo_bytes == image  # the fake fetched it from our server
        assert photo.text == "Báo cáo tuần"
        async with httpx.AsyncClient() as http:
            assert (await http.get(fake.reach(photo.photo))).status_code == 200
            assert (await http.get(fake.reach(photo.photo[:-8] + "guessed.png"))).status_code == 404
            clock.advance(timedelta(hours=49))
            assert (await http.get(fake.reach(photo.photo))).status_code == 404


async def test_a_worker_sends_the_chart_too(fake: FakeZalo, app: AppContext, dispatcher: Dispatcher) -> None:
    """A worker receives nothing, yet its digest carries the chart: the picture waits in the
    database for whichever process Zalo's fetch reaches."""
    fake.user("u1", "An")
    image = PNG_MAGIC + b"chart-bytes"
    async with ZaloRuntime(app, dispatcher, {}, receive=False).running() as worker:
        await worker.sender.send_photo(Address(Platform.ZALO, "u1"), image, Markup("<b>Báo cáo tuần</b>"))
    photo = fake.sent[-1]
    assert photo.photo.startswith(PUBLIC + "/zalo/chart/")
    assert photo.photo_bytes == image


# ---- bot.py run -----------------------------------------------------------------------------------


async def run_bot(tmp_path: Path, fake: FakeZalo, token: str) -> asyncio.subprocess.Process:
    (tmp_path / "config.toml").write_text(
        f'[zalo]\nbase_url = "{fake.base_url}"\nrate_per_second = 20\n[server]\nlisten = "127.0.0.1:0"\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN")}
    env |= {"ZALO_BOT_TOKEN": token, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}"}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_bot_run_with_zalo_alone(tmp_path: Path) -> None:
    async with serving() as fake:
        bot = await run_bot(tmp_path, fake, fake.token)
        fake.user("u1", "Khách")
        await fake.deliver(fake.update("u1", "lich hop"), within=60)
        assert "chưa kết nối với chi bộ" in fake.take("u1")[0]
        bot.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(bot.communicate(), 30)
        assert bot.returncode == 0, err.decode()
        assert "console" not in out.decode()
        refused = await run_bot(tmp_path, fake, "1459232241454765289:not-the-right-one")
        out, err = await asyncio.wait_for(refused.communicate(), 60)
    assert refused.returncode == 1
    assert "Zalo refused the bot token" in err.decode()
    assert "not-the-right-one" not in err.decode() + out.decode()
    assert "Traceback" not in err.decode()


async def test_a_deputys_number_or_word_never_decides_a_join_request(
    app: AppContext, dispatcher: Dispatcher, fake: FakeZalo, zalo: ZaloRuntime
) -> None:
    """Issue 10.1: a deputy's "1" to an announcement approved a claim; her "vang …" rejected one."""
    meeting_id = await meeting_world(app)
    async with app.sessions() as session:
        binh = await session.scalar(select(Person).where(Person.full_name == "Trần Thị Bình"))
        assert binh is not None
        session.add(Account(person_id=binh.id, platform=Platform.ZALO, external_id="z-binh"))
        await session.commit()
    fake.user("z-binh", "Bình")
    await fake.say("z-binh", "tro giup")  # she has written to the bot: it may write to her
    fake.take("z-binh")
    await zalo.sender.send(Address(Platform.ZALO, "z-binh"), Markup("Thông báo họp"), rsvp_buttons(meeting_id))
    chat = Chat(dispatcher)
    code = (await chat.say("1001", "/moi")).text.split("Mã chung của chi bộ: ")[1].split()[0]
    await chat.say("6020", f"/start {code}")
    async with app.sessions() as session:
        phuong = await session.scalar(select(Person.id).where(Person.full_name == "Đỗ Thị Phương"))
    said = await chat.press("6020", f"pick:{code}:{phuong}")
    await deliver(app, said.response, Address(Platform.TELEGRAM, "6020"), {Platform.ZALO: zalo.sender})
    ask = fake.take("z-binh")[-1]
    assert "Yêu cầu số 1" in ask
    assert "Đồng ý: gõ /duyet 1" in ask
    assert "Từ chối: gõ /tuchoi 1" in ask

    await fake.say("z-binh", "vắng bận trực")  # answers the announcement, not the request
    fake.take("z-binh")
    assert await rsvp_of(app, meeting_id, "Trần Thị Bình") == (Rsvp.ABSENT, "bận trực")
    await fake.say("z-binh", "1")
    assert "Bot không thay đổi gì" in fake.take("z-binh")[0]
    async with app.sessions() as session:
        assert await session.scalar(select(JoinRequest.state)) is JoinState.PENDING
    await fake.say("z-binh", "duyet 1")
    assert "Đã duyệt yêu cầu số 1" in fake.take("z-binh")[0]
    async with app.sessions() as session:
        assert await session.scalar(select(JoinRequest.state)) is JoinState.APPROVED
