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

from channels.choices import Choices
from channels.ratelimit import RateLimiter, Window
from channels.zalo.charts import ChartStore
from channels.zalo.client import ZaloClient
from channels.zalo.runner import ZaloRuntime, ZaloStartError
from channels.zalo.sender import ZaloSender
from channels.zalo.server import WEBHOOK_PATH
from core.clock import FakeClock
from core.config import Config
from handlers.context import AppContext
from handlers.delivery import RetryLater, Sender, TransientFailure, Undeliverable
from handlers.messages import Address, Button, Edit
from handlers.router import Dispatcher
from models import Account, Attendance, OutboxMessage, OutboxState, Person, Platform, Rsvp
from tests.botprocs import free_port
from tests.factories import build_world
from tests.fake_zalo import FakeZalo, serving
from tests.fake_zalo.server import PNG_MAGIC, Failure

ROOT = Path(__file__).resolve().parent.parent
PHUONG = "z-1006"  # Đỗ Thị Phương's Zalo id in the standard roster
PUBLIC = "https://chibo.example.org"
SECRET = "webhook-secret-0123456789"
RSVP_ROWS = [[["Sẽ dự", "rsvp:{id}:yes"], ["Xin vắng", "rsvp:{id}:no"]]]


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


async def test_numbered_choices_answer_the_reminder(app: AppContext, fake: FakeZalo, zalo: ZaloRuntime) -> None:
    meeting_id = await meeting_world(app)
    fake.user(PHUONG, "Phương")
    rows = [[[label, data.format(id=meeting_id)] for label, data in row] for row in RSVP_ROWS]
    buttons = tuple(tuple(Button(label, data) for label, data in row) for row in rows)
    await zalo.sender.send(Address(Platform.ZALO, PHUONG), Markup("Thông báo họp"), buttons)
    assert fake.take(PHUONG)[-1].endswith("2. Xin vắng\nXin vắng thì nhắn 2 kèm lý do, ví dụ: 2 bận công tác")

    await fake.say(PHUONG, "có")
    assert fake.take(PHUONG)[0].startswith("Đã ghi nhận: đồng chí sẽ dự cuộc họp ngày ")
    assert await rsvp_of(app, meeting_id, "Đỗ Thị Phương") == (Rsvp.ATTEND, None)

    await fake.say(PHUONG, "2")  # no reason yet: the bot asks for one
    [asked] = fake.take(PHUONG)
    assert "lý do" in asked
    await fake.say(PHUONG, "1 tuần đi công tác")  # a reason, although it starts with a number
    assert "xin vắng có lý do" in fake.take(PHUONG)[0]
    assert await rsvp_of(app, meeting_id, "Đỗ Thị Phương") == (Rsvp.ABSENT, "1 tuần đi công tác")

    await fake.say(PHUONG, "vắng con ốm")
    assert len(fake.take(PHUONG)) == 1  # the answer only, not the question too
    assert await rsvp_of(app, meeting_id, "Đỗ Thị Phương") == (Rsvp.ABSENT, "con ốm")

    await fake.say(PHUONG, "7")
    assert "Bot chưa hiểu" in fake.take(PHUONG)[0]


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


async def test_choices_survive_a_restart_through_the_outbox(
    app: AppContext, dispatcher: Dispatcher, fake: FakeZalo
) -> None:
    meeting_id = await meeting_world(app)
    fake.user(PHUONG, "Phương")
    rows = [[[label, data.format(id=meeting_id)] for label, data in row] for row in RSVP_ROWS]
    async with app.sessions() as session:
        session.add(
            OutboxMessage(
                key="restart",
                platform=Platform.ZALO,
                chat_id=PHUONG,
                kind="announce",
                text="Thông báo",
                buttons=rows,
                not_before=app.clock.now(),
                state=OutboxState.SENT,
                sent_at=app.clock.now(),
                external_message_id="m-1",
            )
        )
        await session.commit()
    async with ZaloRuntime(app, dispatcher, {}, poll_seconds=5).running():  # a fresh process: nothing in memory
        await fake.say(PHUONG, "1")
    assert fake.take(PHUONG)[0].startswith("Đã ghi nhận: đồng chí sẽ dự cuộc họp ngày ")
    assert await rsvp_of(app, meeting_id, "Đỗ Thị Phương") == (Rsvp.ATTEND, None)


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
    yield ZaloSender(client, Translator("vi"), limiter, charts=ChartStore(clock), public_url="")
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
    fake.fail_next("sendMessage", Failure(429, 429, "Too many requests", retry_after=2))
    with pytest.raises(RetryLater) as slow:
        await sender.send(to, Markup("a"))
    assert slow.value.retry_after == 2
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
    await sender.edit(Edit(to, "m1", Markup("Đã đóng điểm danh: 9/10"), ((Button("Xem", "v:1"),),)))
    assert fake.texts("u1") == ["Đã đóng điểm danh: 9/10\n\nNhắn số để chọn:\n1. Xem"]
    assert sender.choices("u1") == Choices((Button("Xem", "v:1"),), fake.sent[-1].message_id)


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
