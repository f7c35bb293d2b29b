"""Reminders through the real python-telegram-bot stack against the fake Bot API server on loopback,
with faults injected: 429 with retry_after, 502s, a request lost in the network (timeout), a slow
server (timeout after Telegram accepted the message), users who blocked the bot or never started it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from channels.telegram import TelegramChannel
from core.clock import FakeClock
from handlers.context import AppContext
from handlers.reminders import renderer
from models import OutboxState, Platform
from scheduler.dispatch import OutboxDispatcher
from scheduler.jobs import Ticker
from services.outbox import Recipient, enqueue
from tests.chat import GROUP
from tests.factories import connect_everyone
from tests.fake_telegram.fixtures import People
from tests.fake_telegram.server import ApiError, FakeTelegram
from tests.test_reminders import Harness, linked_cell, only_meeting

# Short, so a lost request times out quickly; long enough for loopback answers.
REQUEST_TIMEOUT = 0.5


class LossyTelegram:
    """Makes the fake server swallow the next `count` sendMessage requests: nothing stored and no
    answer in time, as when a request is lost on the way (the bot times out and must try again)."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.count = 0
        self.swallowed = 0
        self._send = fake._methods["sendmessage"]
        fake._methods["sendmessage"] = self.send

    async def send(self, params: dict[str, Any]) -> Any:
        if self.count > 0:
            self.count -= 1
            self.swallowed += 1
            await asyncio.sleep(REQUEST_TIMEOUT * 4)
            raise ApiError(504, "Gateway Timeout")
        return await self._send(params)


@pytest.fixture
def lossy(fake: FakeTelegram) -> LossyTelegram:
    return LossyTelegram(fake)


@pytest.fixture
async def quick_channel(tg_app: AppContext, lossy: LossyTelegram) -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel(tg_app, request_timeout=REQUEST_TIMEOUT)
    async with channel.running():
        yield channel


async def test_faults_lose_nothing_double_nothing_and_the_unreachable_are_reported(
    tg_app: AppContext,
    clock: FakeClock,
    fake: FakeTelegram,
    people: People,
    lossy: LossyTelegram,
    quick_channel: TelegramChannel,
) -> None:
    app = tg_app
    await linked_cell(app, connected=False)
    group = fake.group("Chi bộ Khu phố 1", chat_id=int(GROUP))
    group.open = True
    for user in (people.an, people.binh, people.cuong, people.giang):
        fake.chats[user.id].open = True  # they pressed Start; Dung never did
    await connect_everyone(app, "1001", "1002", "1003", "9001")
    fake.block(people.binh)
    h = Harness(app, clock)
    await h.plan()
    meeting = await only_meeting(app)
    dispatcher = OutboxDispatcher(
        app.sessions, clock, {Platform.TELEGRAM: quick_channel.sender}, claim_seconds=60, batch=3
    )
    ticker = Ticker(app, dispatcher, renderer(app))

    mark = fake.mark()
    fake.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    fake.fail("sendMessage", 502, "Bad Gateway", times=2, chat_id=people.cuong.id)
    lossy.count = 1
    clock.set(meeting.starts_at - timedelta(days=3))
    for _ in range(12):  # a few minutes of ticks: retries wait for their backoff
        await ticker.tick()
        clock.advance(timedelta(seconds=30))

    def received(chat_id: int) -> list[str]:
        return [m.text.splitlines()[0] for m in fake.sent(chat_id, since=mark)]

    announcement = "📢 Thông báo sinh hoạt chi bộ — Chi bộ Khu phố 1"
    assert received(int(GROUP)) == [announcement]
    assert received(people.cuong.id) == [announcement]
    assert received(people.giang.id) == [announcement]
    assert received(people.binh.id) == []
    assert received(people.dung.id) == []
    an = received(people.an.id)
    assert an[0] == announcement
    assert an[1].startswith("⚠️ Bot không gửi được nhắc")
    assert len(an) == 2
    report = fake.sent(people.an.id, since=mark)[1].text
    assert "Chưa nhận được nhắc: Trần Thị Bình" in report  # Dung is not written to at all
    assert lossy.swallowed == 1
    answers = [(c.status, int(c.params["chat_id"])) for c in fake.calls_to("sendMessage", since=mark)]
    assert [status for status, _ in answers].count(429) == 1
    assert [chat for status, chat in answers if status == 502] == [people.cuong.id] * 2
    refused = [chat for status, chat in answers if status == 403]
    assert refused == [people.binh.id]  # blocked the bot: tried once, never again
    assert fake.rejected() == []  # nothing to Dung or Khang, who never opened the bot
    rows = {r.chat_id: r.state for r in await h.rows(kind="announce") if r.chat_id != str(people.khang.id)}
    assert rows == {
        GROUP: OutboxState.SENT,
        str(people.an.id): OutboxState.SENT,
        str(people.binh.id): OutboxState.UNDELIVERABLE,
        str(people.cuong.id): OutboxState.SENT,
        str(people.giang.id): OutboxState.SENT,
    }  # Dung and Phương (Zalo) never wrote to the bot: nothing is queued for them


async def test_a_timeout_after_telegram_accepted_the_message_is_retried(
    tg_app: AppContext, clock: FakeClock, fake: FakeTelegram, people: People, quick_channel: TelegramChannel
) -> None:
    """The one case that can double: Telegram has no idempotency key, so a message whose answer timed
    out after Telegram had stored it is sent again, once, by the retry. Documented, not hidden."""
    fake.chats[people.cuong.id].open = True
    async with tg_app.sessions() as session:
        to = Recipient(Platform.TELEGRAM, str(people.cuong.id))
        await enqueue(session, key="slow", to=to, text="Nhắc họp", kind="nudge", not_before=clock.now())
        await session.commit()
    dispatcher = OutboxDispatcher(tg_app.sessions, clock, {Platform.TELEGRAM: quick_channel.sender}, claim_seconds=60)
    mark = fake.mark()
    fake.hang("sendMessage", REQUEST_TIMEOUT * 2)
    assert (await dispatcher.run_once()).retried == 1
    clock.advance(timedelta(minutes=1))
    assert (await dispatcher.run_once()).sent == 1
    await fake.wait_for(lambda: len(fake.sent(people.cuong.id, since=mark)) == 2, within=REQUEST_TIMEOUT * 4)
    assert [m.text for m in fake.sent(people.cuong.id, since=mark)] == ["Nhắc họp", "Nhắc họp"]
