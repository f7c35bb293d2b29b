"""End to end over the fake Telegram Bot API: /lichhop offers the calendar, /lichhop tep sends the
.ics file and the private link, and /trogiup lists it; a serve process answers the link."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import icalendar
import pytest

from bot import open_app
from channels.telegram import TelegramChannel
from core.clock import FakeClock
from core.config import Config
from handlers.context import AppContext
from tests.botprocs import free_port
from tests.factories import build_world
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.fixtures import People, roomy_limiter, telegram_config
from tests.test_calendar import LINK_RE, MEETING_AT, PUBLIC
from tests.test_webhook import serving, webhook_config


@pytest.fixture
async def tg_app(db_url: str, clock: FakeClock, fake: FakeTelegram) -> AsyncIterator[AppContext]:
    base = telegram_config(db_url, fake)
    config = Config.model_validate({**base.model_dump(), "server": {"public_url": PUBLIC}})
    async with open_app(config, clock) as context:
        yield context


@pytest.fixture
async def channel(tg_app: AppContext) -> AsyncIterator[TelegramChannel]:
    telegram = TelegramChannel(tg_app, limiter=roomy_limiter())
    async with telegram.running():
        yield telegram


async def test_lichhop_sends_the_calendar_file_and_the_link(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    await build_world(tg_app, meeting_at=MEETING_AT)
    [help_reply] = await fake.say(people.cuong, "/trogiup")
    assert "/lichhop (/next) — cuộc họp sắp tới và câu trả lời của đồng chí; /lichhop tep" in help_reply.text
    [next_reply] = await fake.say(people.cuong, "/lichhop")
    assert "Đưa lịch họp vào điện thoại: gõ /lichhop tep" in next_reply.text

    since = fake.mark()
    text, document = await fake.say(people.cuong, "/lichhop tep", replies=2)
    assert "Lịch họp của đồng chí" in text.text
    assert LINK_RE.search(text.text) is not None
    assert document.kind == "document"
    assert document.text == "Tệp lịch họp (.ics): mở tệp để thêm các cuộc họp vào lịch điện thoại."
    assert document.upload is not None
    assert document.upload.name == "lich-hop.ics"
    [event] = icalendar.Calendar.from_ical(document.upload.data).walk("VEVENT")
    assert event["location"] == "Nhà văn hóa"
    assert fake.rejected(since=since) == []
    assert fake.rejected() == []


async def test_a_serve_process_serves_the_link_it_gave(
    db_url: str, clock: FakeClock, fake: FakeTelegram, people: People
) -> None:
    port = free_port()
    async with open_app(webhook_config(db_url, fake, port), clock) as app:
        await build_world(app, meeting_at=MEETING_AT)
        task, stop = await serving(app, fake)
        try:
            [text, _] = await fake.say(people.cuong, "/lichhop tep", replies=2)
            link = text.text[text.text.index(f"http://127.0.0.1:{port}/lich/") :].split()[0]
            async with aiohttp.ClientSession() as http:
                async with http.get(link) as response:
                    assert response.status == 200
                    [event] = icalendar.Calendar.from_ical(await response.read()).walk("VEVENT")
                    assert event["location"] == "Nhà văn hóa"
                async with http.get(link.replace("/lich/", "/lich/x")) as response:
                    assert response.status == 404
        finally:
            stop.set()
            await asyncio.wait_for(task, 15)
        assert fake.rejected() == []
