"""Sending through the Telegram channel: limits, Telegram's errors, coalesced edits, start and stop."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import sys
import time
from collections.abc import Collection
from datetime import timedelta
from pathlib import Path

import pytest
from markupsafe import Markup

from channels.ratelimit import RateLimiter, Window
from channels.telegram import TelegramChannel, TelegramSender, run_telegram
from channels.telegram.sender import telegram_limiter
from core.clock import FakeClock
from core.i18n import Translator
from core.messages import Address, Edit
from handlers import edit_queue
from handlers.context import AppContext
from handlers.delivery import RetryLater, Sender, TransientFailure, Undeliverable
from handlers.edit_queue import EDIT_INTERVAL
from models import Platform
from models.db import Session
from scheduler import jobs
from tests.factories import build_world
from tests.fake_telegram import DEFAULT_TOKEN, FakeTelegram, Limits
from tests.fake_telegram.fixtures import People

ROOT = Path(__file__).resolve().parent.parent


def to(chat_id: int) -> Address:
    return Address(Platform.TELEGRAM, str(chat_id))


async def opened(fake: FakeTelegram, *users: object) -> None:
    """The users open a private chat with the bot (so it may write to them)."""
    for user in users:
        fake.send(user, "/start")  # type: ignore[arg-type]


# ---- Telegram's errors become delivery errors ------------------------------------------------------


async def test_sender_maps_telegram_errors(fake: FakeTelegram, people: People, channel: TelegramChannel) -> None:
    sender = channel.sender
    with pytest.raises(Undeliverable, match=r"(?i)chat not found"):
        await sender.send(to(123456), Markup("x"))
    with pytest.raises(Undeliverable, match=r"(?i)chat not found"):
        await sender.send(to(people.khang.id), Markup("x"))  # never pressed Start
    await opened(fake, people.cuong)
    await fake.wait_for(lambda: fake.sent(people.cuong.id))
    fake.block(people.cuong)
    with pytest.raises(Undeliverable, match=r"(?i)blocked by the user"):
        await sender.send(to(people.cuong.id), Markup("x"))
    await opened(fake, people.dung)
    await fake.wait_for(lambda: fake.sent(people.dung.id))
    fake.fail("sendMessage", 429, "Too Many Requests: retry after 4", retry_after=4)
    with pytest.raises(RetryLater) as slow_down:
        await sender.send(to(people.dung.id), Markup("x"))
    assert slow_down.value.retry_after == 4
    # The limiter now holds that chat back for the time Telegram asked.
    assert 3 < sender.limiter.delay(str(people.dung.id), group=False) <= 4
    fake.fail("sendMessage", 502, "Bad Gateway")
    with pytest.raises(TransientFailure, match="Bad Gateway"):
        await sender.send(to(people.em.id), Markup("x"))


async def test_a_timeout_is_a_transient_failure(tg_app: AppContext, fake: FakeTelegram, people: People) -> None:
    await opened(fake, people.cuong)
    async with TelegramChannel(tg_app, request_timeout=0.5).running() as channel:
        await fake.wait_for(lambda: fake.sent(people.cuong.id))
        fake.hang("sendMessage", 1.0)
        with pytest.raises(TransientFailure):
            await channel.sender.send(to(people.cuong.id), Markup("x"))


async def test_replies_wait_out_a_short_429_and_a_server_error(
    fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    fake.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    fake.fail("sendMessage", 500, "Internal Server Error")
    started = time.monotonic()
    [reply] = await fake.say(people.stranger, "/trogiup")
    assert "/trogiup" in reply.text
    assert time.monotonic() - started >= 1.0
    assert [c.status for c in fake.calls_to("sendMessage")] == [429, 500, 200]


async def test_a_blocked_user_does_not_stop_the_bot(
    fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    fake.send(people.cuong, "/start")
    await fake.wait_for(lambda: fake.sent(people.cuong.id))
    fake.block(people.cuong)
    fake.send(people.cuong, "/trogiup")
    # The refused answer first (updates are handled concurrently on PostgreSQL), then the next one.
    blocked = "Forbidden: bot was blocked by the user"
    await fake.wait_for(lambda: [c for c in fake.calls_to("sendMessage") if c.description == blocked])
    [reply] = await fake.say(people.stranger, "/trogiup")
    assert "/trogiup" in reply.text


# ---- Telegram's limits with the shipped configuration ----------------------------------------------


async def test_the_shipped_limits_never_draw_a_429(tg_app: AppContext, people: People) -> None:
    """Default config against the fake's default flood control: a burst to one person and to a group."""
    async with FakeTelegram(limits=Limits()) as fake:
        sender = TelegramChannel(tg_app).sender
        sender.bot._base_url = f"{fake.base_url}{DEFAULT_TOKEN}"  # the shared app points at another fake
        await sender.bot.initialize()
        try:
            user = fake.user(people.cuong.id, "Cường")
            fake.send(user, "/start")
            group = fake.group("Chi bộ")
            fake.add_bot(user, group)
            await asyncio.gather(
                *(sender.send(to(user.id), Markup(f"tin {n}")) for n in range(5)),
                *(sender.send(to(group.id), Markup(f"nhóm {n}")) for n in range(5)),
            )
        finally:
            await sender.bot.shutdown()
        assert [c.status for c in fake.calls_to("sendMessage")] == [200] * 10
        times = sorted(m.sent_at for m in fake.sent(user.id))
        assert times[3] - times[0] >= 2.9  # three at once, then one a second


def test_the_limiter_follows_the_configuration(tg_app: AppContext) -> None:
    limiter = telegram_limiter(tg_app.config.telegram)
    assert limiter.overall == Window(25, 1.0)
    assert limiter.per_chat == Window(3, 3.0)
    assert limiter.per_group == Window(20, 60.0)


# ---- coalesced edits -----------------------------------------------------------------------------


async def test_check_in_edits_are_coalesced_every_three_seconds(
    tg_app: AppContext, clock: FakeClock, fake: FakeTelegram, people: People
) -> None:
    """Twelve presses (five people, some pressing again) in about a second: the counter is edited at
    once, then three seconds later with the final count, and never more often."""
    world = await build_world(tg_app, meeting_at=clock.now() + timedelta(hours=1))
    members = [people.cuong, people.an, people.binh, people.dung, people.em]
    limiter = RateLimiter(overall=Window(50, 1.0), per_chat=Window(30, 1.0), per_group=Window(100, 60.0))
    # One update at a time, so the handler's counts arrive in order (see the next test for why).
    async with TelegramChannel(tg_app, limiter=limiter, concurrency=1).running() as channel:
        assert channel.edits.interval == EDIT_INTERVAL == 3.0
        group = fake.group("Chi bộ Khu phố 1")
        fake.add_bot(people.an, group)
        await fake.wait_for(lambda: fake.sent(group.id))  # the greeting, not an answer to /ketnoi
        await fake.say(people.an, "/ketnoi", group)
        await fake.say(people.an, "/modiemdanh", group)
        post = await fake.wait_for(lambda: [m for m in fake.sent(group.id) if m.buttons])
        data = post[0].buttons[0]["callback_data"]
        presses = [fake.press(user, post[0], data) for user in members * 2 + members[:2]]
        await fake.wait_for(lambda: all(q in fake.answers for q in presses))
        # Phương (Zalo only) did not come; Em is exempted, so shown apart from the count.
        await fake.wait_for(lambda: "Có mặt 4/5 (và 1 đồng chí" in post[0].text, within=8)
        await asyncio.sleep(EDIT_INTERVAL + 0.3)  # nothing else may follow
    edits = [at for at, _ in post[0].edits]
    assert 1 <= len(edits) <= 3
    assert all(later - earlier >= EDIT_INTERVAL - 0.05 for earlier, later in itertools.pairwise(edits))
    assert "Có mặt 4/5" in post[0].edits[-1][1]
    assert world.meeting_id is not None


async def test_the_counter_ends_at_the_true_count_under_concurrent_presses(
    tg_app: AppContext, clock: FakeClock, fake: FakeTelegram, people: People
) -> None:
    await build_world(tg_app, meeting_at=clock.now() + timedelta(hours=1))
    members = [people.cuong, people.an, people.binh, people.dung]
    limiter = RateLimiter(overall=Window(50, 1.0), per_chat=Window(30, 1.0), per_group=Window(100, 60.0))
    async with TelegramChannel(tg_app, limiter=limiter, edit_interval=0.2, concurrency=16).running():
        group = fake.group("Chi bộ Khu phố 1")
        fake.add_bot(people.an, group)
        await fake.wait_for(lambda: fake.sent(group.id))  # the greeting, not an answer to /ketnoi
        await fake.say(people.an, "/ketnoi", group)
        await fake.say(people.an, "/modiemdanh", group)
        [post] = await fake.wait_for(lambda: [m for m in fake.sent(group.id) if m.buttons])
        presses = [fake.press(user, post, post.buttons[0]["callback_data"]) for user in members]
        await fake.wait_for(lambda: all(q in fake.answers for q in presses))
        # The last edit lands within a few intervals however the presses interleaved.
        await fake.wait_for(lambda: "Có mặt 4/5" in post.text)
    assert "Có mặt 4/5" in post.text


async def test_check_in_closed_by_the_clock_shows_the_final_count_without_the_button(
    tg_app: AppContext, clock: FakeClock, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    await build_world(tg_app, meeting_at=clock.now() + timedelta(hours=1))
    group = fake.group("Chi bộ Khu phố 1")
    fake.add_bot(people.an, group)
    await fake.wait_for(lambda: fake.sent(group.id))  # the greeting, not an answer to /ketnoi
    await fake.say(people.an, "/ketnoi", group)
    await fake.say(people.an, "/modiemdanh", group)
    [post] = await fake.wait_for(lambda: [m for m in fake.sent(group.id) if m.buttons])
    # Two presses in a row: the second one's counter edit is still waiting when the clock closes.
    queries = [fake.press(user, post, post.buttons[0]["callback_data"]) for user in (people.cuong, people.binh)]
    await fake.wait_for(lambda: all(q in fake.answers for q in queries))
    clock.advance(timedelta(minutes=tg_app.config.schedule.checkin_minutes - 1))
    assert await jobs.close_due_checkins(tg_app, {Platform.TELEGRAM: channel.sender}) == 0
    assert post.buttons
    clock.advance(timedelta(minutes=1))
    assert await jobs.close_due_checkins(tg_app, {Platform.TELEGRAM: channel.sender}) == 1
    await fake.wait_for(lambda: "Đã kết thúc điểm danh" in post.text)
    await asyncio.sleep(channel.edits.interval + 0.3)  # the waiting edit must not undo it
    assert "Đã kết thúc điểm danh" in post.text
    assert "Có mặt 2/5" in post.text
    assert not post.buttons


async def test_the_final_text_lands_after_failures(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    group = fake.group("Chi bộ")
    fake.add_bot(people.an, group)
    await fake.wait_for(lambda: fake.sent(group.id))
    message_id = await channel.sender.send(to(group.id), Markup("Có mặt 0/5"))
    fake.fail("editMessageText", 500, "Internal Server Error", times=2)
    for count in range(1, 6):
        await channel.sender.edit(Edit(to(group.id), message_id, Markup(f"Có mặt {count}/5"), throttled=True))
    message = fake.messages[(group.id, int(message_id))]
    await fake.wait_for(lambda: message.text == "Có mặt 5/5", within=5)
    # An unthrottled edit (the check-in closed) replaces what is pending and goes at once.
    await channel.sender.edit(Edit(to(group.id), message_id, Markup("Có mặt 6/5"), throttled=True))
    await channel.sender.edit(Edit(to(group.id), message_id, Markup("Đã kết thúc: 6/5")))
    await fake.wait_for(lambda: message.text == "Đã kết thúc: 6/5", within=1)
    await asyncio.sleep(0.5)
    assert message.text == "Đã kết thúc: 6/5"


async def test_a_live_text_is_read_when_sent_and_read_again_after_a_failure(
    tg_app: AppContext,
    fake: FakeTelegram,
    people: People,
    channel: TelegramChannel,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A live counter is read from the database as the edit goes out; if that read fails (the
    database busy), the edit is tried again rather than dropped, so the count still lands."""
    group = fake.group("Chi bộ")
    fake.add_bot(people.an, group)
    await fake.wait_for(lambda: fake.sent(group.id))
    message_id = await channel.sender.send(to(group.id), Markup("Có mặt 0/5"))
    reads: list[str] = []

    async def counter(_session: Session, _tr: Translator, lives: Collection[str]) -> dict[str, Markup]:
        reads.extend(lives)
        if len(reads) == 1:
            raise OSError("database is locked")
        return {live: Markup(f"Có mặt {len(reads)}/5") for live in lives}

    monkeypatch.setattr(edit_queue, "live_texts", counter)
    await channel.sender.edit(Edit(to(group.id), message_id, Markup(""), throttled=True, live="checkin:1"))
    message = fake.messages[(group.id, int(message_id))]
    await fake.wait_for(lambda: message.text == "Có mặt 2/5", within=5)
    assert reads == ["checkin:1", "checkin:1"]


# ---- the command line ------------------------------------------------------------------------------


async def run_bot(fake: FakeTelegram, tmp_path: Path, token: str = DEFAULT_TOKEN) -> asyncio.subprocess.Process:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[telegram]\nbase_url = "{fake.base_url}"\n[database]\nurl = "sqlite+aiosqlite:///{tmp_path}/bot.db"\n'
        '[server]\nlisten = "127.0.0.1:0"\n',
        encoding="utf-8",
    )
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        "--config",
        str(config),
        "run",
        cwd=tmp_path,
        env={**os.environ, "TELEGRAM_BOT_TOKEN": token},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_bot_py_run_polls_telegram_and_stops_on_ctrl_c(fake: FakeTelegram, tmp_path: Path) -> None:
    process = await run_bot(fake, tmp_path)
    stranger = fake.user(5555, "Khách")
    try:
        await fake.wait_for(lambda: fake.commands, within=30)
        [reply] = await fake.say(stranger, "/trogiup", within=10)
        assert "/trogiup" in reply.text
    finally:
        process.send_signal(signal.SIGINT)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 15)
    output = (stdout + stderr).decode()
    assert process.returncode == 130
    assert "Traceback" not in output
    assert "is polling" in output
    assert DEFAULT_TOKEN.split(":")[1] not in output


async def test_bot_py_run_with_a_refused_token(fake: FakeTelegram, tmp_path: Path) -> None:
    wrong = "987654321:WRONG-token-refused-by-the-server"
    process = await run_bot(fake, tmp_path, token=wrong)
    stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    output = (stdout + stderr).decode()
    assert process.returncode == 1
    assert "error: Telegram refused the bot token" in output
    assert "WRONG-token" not in output
    assert "Traceback" not in output


async def test_run_telegram_lends_its_sender_while_running(tg_app: AppContext, fake: FakeTelegram) -> None:
    senders: dict[Platform, Sender] = {}
    stop = asyncio.Event()
    task = asyncio.create_task(run_telegram(tg_app, senders=senders, stop=stop))
    await fake.wait_for(lambda: fake.commands)
    await asyncio.sleep(0.1)
    assert isinstance(senders.get(Platform.TELEGRAM), TelegramSender)
    stop.set()
    await asyncio.wait_for(task, 10)
    assert senders == {}


async def test_files_and_pictures_go_as_multipart_uploads(
    fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    await opened(fake, people.an)
    await fake.wait_for(lambda: fake.sent(people.an.id))
    since = fake.mark()
    long_caption = Markup("<b>Biên bản</b>\n") + Markup("\n").join(f"Dòng {n} — {'ý kiến ' * 8}" for n in range(30))
    await channel.sender.send_document(to(people.an.id), "bien_ban.docx", b"PK\x03\x04docx", long_caption)
    await channel.sender.send_photo(to(people.an.id), b"\x89PNG\r\n", Markup("Tỷ lệ dự họp &lt;6 tháng&gt;"))
    document, rest, photo = fake.sent(people.an.id, since=since)
    assert document.kind == "document"
    assert document.upload is not None
    assert (document.upload.name, document.upload.data) == ("bien_ban.docx", b"PK\x03\x04docx")
    assert document.text.startswith("Biên bản\nDòng 0")
    assert len(document.text) <= 1024
    assert rest.kind == "text"
    assert "Dòng 29" in rest.text
    assert photo.kind == "photo"
    assert photo.upload is not None
    assert photo.upload.data == b"\x89PNG\r\n"
    assert photo.text == "Tỷ lệ dự họp <6 tháng>"
