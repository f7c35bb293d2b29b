"""Receiving by webhook (`serve`): the real python-telegram-bot stack behind our HTTP server, with
the fake Bot API delivering updates the way Telegram does (tests/fake_telegram/webhook.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot import open_app
from core.clock import FakeClock
from core.config import Config
from handlers.context import AppContext
from models import Attendance, ProcessedUpdate
from processes import Role, run_process
from services import updates
from tests.botprocs import free_port
from tests.factories import build_world
from tests.fake_telegram import DEFAULT_TOKEN, FakeTelegram
from tests.fake_telegram.fixtures import ADMIN_ID, People

SECRET = "Webhook_secret-0123456789"


@pytest.fixture
def port() -> int:
    return free_port()


def webhook_config(db_url: str, fake: FakeTelegram, port: int) -> Config:
    telegram = {
        "token": DEFAULT_TOKEN,
        "base_url": fake.base_url,
        "admin_ids": [ADMIN_ID],
        "mode": "webhook",
        "webhook_secret": SECRET,
        "rate_per_second": 30,
    }
    server = {"listen": f"127.0.0.1:{port}", "public_url": f"http://127.0.0.1:{port}"}
    return Config.model_validate({"database": {"url": db_url}, "telegram": telegram, "server": server})


@pytest.fixture
async def wh_app(db_url: str, clock: FakeClock, fake: FakeTelegram, port: int) -> AsyncIterator[AppContext]:
    async with open_app(webhook_config(db_url, fake, port), clock) as context:
        yield context


async def serving(app: AppContext, fake: FakeTelegram) -> tuple[asyncio.Task[None], asyncio.Event]:
    stop = asyncio.Event()
    task = asyncio.create_task(run_process(app, Role.SERVE, stop))
    await fake.wait_for(lambda: fake.webhook is not None or task.done(), within=10)
    if task.done():
        task.result()
    return task, stop


@pytest.fixture
async def serve(wh_app: AppContext, fake: FakeTelegram) -> AsyncIterator[None]:
    task, stop = await serving(wh_app, fake)
    yield
    stop.set()
    await asyncio.wait_for(task, 15)


def url(port: int, path: str) -> str:
    return f"http://127.0.0.1:{port}{path}"


async def post(port: int, body: object, headers: dict[str, str] | None = None) -> int:
    async with (
        aiohttp.ClientSession() as http,
        http.post(url(port, "/telegram/webhook"), json=body, headers=headers) as r,
    ):
        return r.status


async def count(app: AppContext, model: type[object]) -> int:
    async with app.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_serve_sets_the_webhook_and_answers_through_it(
    wh_app: AppContext, fake: FakeTelegram, people: People, port: int, serve: None
) -> None:
    [setting] = fake.calls_to("setWebhook")
    assert setting.params["url"] == f"http://127.0.0.1:{port}/telegram/webhook"
    assert setting.params["secret_token"] == SECRET
    assert str(setting.params.get("drop_pending_updates", "false")).lower() == "false"
    assert not fake.calls_to("getUpdates")
    replies = await fake.say(people.stranger, "/start")
    assert replies[0].text
    assert all(d.status == 200 for d in fake.webhook_deliveries)
    assert await count(wh_app, ProcessedUpdate) == 1


async def test_a_second_serve_process_leaves_the_webhook_alone(
    wh_app: AppContext, fake: FakeTelegram, port: int, serve: None
) -> None:
    """Many serve processes start at once: only the first (or a change) calls setWebhook."""
    config = wh_app.config.model_copy(
        update={"server": wh_app.config.server.model_copy(update={"listen": f"127.0.0.1:{free_port()}"})}
    )
    async with open_app(config, FakeClock(wh_app.clock.now())) as other:
        task, stop = await serving(other, fake)
        await asyncio.sleep(0.5)
        stop.set()
        await asyncio.wait_for(task, 15)
    assert len(fake.calls_to("getWebhookInfo")) == 2
    assert len(fake.calls_to("setWebhook")) == 1


@pytest.mark.parametrize("headers", [None, {"X-Telegram-Bot-Api-Secret-Token": "wrong-secret-0000"}])
async def test_a_call_without_the_secret_is_refused_before_any_handler(
    wh_app: AppContext, fake: FakeTelegram, people: People, port: int, serve: None, headers: dict[str, str] | None
) -> None:
    update = {
        "update_id": 999,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": people.stranger.id, "type": "private"},
            "from": people.stranger.as_json(),
            "text": "/start",
        },
    }
    assert await post(port, update, headers) == 401
    assert await count(wh_app, ProcessedUpdate) == 0
    assert not fake.calls_to("sendMessage")


async def test_a_body_that_is_no_update_is_refused(wh_app: AppContext, port: int, serve: None) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    assert await post(port, ["not", "an", "update"], headers) == 400
    async with aiohttp.ClientSession() as http:
        async with http.post(url(port, "/telegram/webhook"), data=b"\xff{", headers=headers) as answer:
            assert answer.status == 400
        async with http.get(url(port, "/healthz")) as answer:
            assert answer.status == 200
            assert (await answer.json())["database"] == "ok"


async def test_a_redelivered_press_counts_once(
    wh_app: AppContext, clock: FakeClock, fake: FakeTelegram, people: People, port: int, serve: None
) -> None:
    """Telegram delivers an update again when we did not answer it (we died after the commit):
    the second delivery finds its update id and does nothing."""
    await build_world(wh_app, meeting_at=clock.now() + timedelta(hours=1))
    group = fake.group("Chi bộ Khu phố 1")
    fake.add_bot(people.an, group)
    await fake.say(people.an, "/ketnoi", group)
    await fake.say(people.an, "/modiemdanh", group)
    [post_message] = await fake.wait_for(lambda: [m for m in fake.sent(group.id) if m.buttons])
    query = fake.press(people.cuong, post_message, post_message.buttons[0]["callback_data"])
    await fake.wait_for(lambda: fake.answers.get(query))
    [delivered] = [d for d in fake.webhook_deliveries if d.status == 200][-1:]
    update = {
        "update_id": delivered.update_id,
        "callback_query": {
            "id": "again-1",
            "from": people.cuong.as_json(),
            "message": post_message.as_json(fake.chats[group.id], fake.bot),
            "chat_instance": "1",
            "data": post_message.buttons[0]["callback_data"],
        },
    }
    before = await count(wh_app, ProcessedUpdate)
    assert await post(port, update, {"X-Telegram-Bot-Api-Secret-Token": SECRET}) == 200
    assert await count(wh_app, ProcessedUpdate) == before
    assert "again-1" not in fake.answers
    async with wh_app.sessions() as session:
        present = await session.scalar(
            select(func.count()).select_from(Attendance).where(Attendance.checked_in_at.is_not(None))
        )
    assert present == 1


async def test_an_update_the_database_could_not_take_is_delivered_again(
    wh_app: AppContext, fake: FakeTelegram, people: People, serve: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Database out of reach: 503, no reply; Telegram's redelivery is then handled once."""
    real = updates.first_time
    failures = [OperationalError("SELECT", {}, OSError("connection refused"))]

    async def flaky(*args: object) -> bool:
        if failures:
            raise failures.pop()
        return await real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(updates, "first_time", flaky)
    fake.webhook_retry_delay = 0.1
    assert fake.webhook is not None
    fake.webhook.retry_delay = 0.1
    replies = await fake.say(people.stranger, "/start", within=10)
    await fake.wait_for(lambda: len(fake.webhook_deliveries) >= 2)
    statuses = [d.status for d in fake.webhook_deliveries]
    assert statuses == [503, 200]
    assert len(replies) == 1
    await asyncio.sleep(0.3)
    assert len(fake.sent(people.stranger.id)) == 1
