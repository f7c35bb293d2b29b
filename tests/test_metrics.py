"""GET /metrics: the Prometheus text changes after handled and failed updates, sends, a 429 from the
fake Bot API, imports; the outbox gauges come from the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from channels.telegram import TelegramChannel
from core.buttons import Answer, RsvpData
from core.clock import FakeClock
from core.messages import ChatKind, Incoming, Response
from handlers.context import AppContext, Ctx
from handlers.dispatcher import Dispatcher
from handlers.router import Need, Router
from models import Platform
from models.db import make_engine, make_sessionmaker
from ops.metrics import METRICS_PATH, add_metrics
from scheduler.digest import KIND as DIGEST_KIND
from services.outbox import Recipient, enqueue
from services.roster_file import RosterError
from tests.chat import Chat
from tests.factories import build_world, connect_everyone
from tests.fake_telegram.fixtures import People
from tests.fake_telegram.server import FakeTelegram
from tests.test_dispatch import dispatcher, queue
from tests.test_reminders import RecordingSender
from tests.test_roster import GOOD, csv_file, run_import


class Scraper:
    """GET /metrics on a real aiohttp server, parsed back with prometheus_client's own parser."""

    def __init__(self, client: TestClient[web.Request, web.Application]) -> None:
        self.client = client

    async def __call__(self) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        answer = await self.client.get(METRICS_PATH)
        assert answer.status == 200
        assert answer.headers["Content-Type"].startswith("text/plain; version=")
        samples = {}
        for family in text_string_to_metric_families(await answer.text()):
            for sample in family.samples:
                samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
        return samples


def value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def serve(app: AppContext) -> AsyncIterator[Scraper]:
    web_app = web.Application()
    add_metrics(web_app, app.sessions, app.clock)
    async with TestClient(TestServer(web_app)) as client:
        yield Scraper(client)


@pytest.fixture
async def scrape(app: AppContext) -> AsyncIterator[Scraper]:
    async for scraper in serve(app):
        yield scraper


@pytest.fixture
async def tg_scrape(tg_app: AppContext) -> AsyncIterator[Scraper]:
    async for scraper in serve(tg_app):
        yield scraper


async def test_handled_commands_are_counted_by_name_and_odd_input_under_bounded_labels(
    chat: Chat, scrape: Scraper
) -> None:
    before = await scrape()
    await chat.say("1001", "/lichhop")
    await chat.say("1001", "/lichhop")
    await chat.say("1001", "/khonglenhnay_9f3a")  # unknown command: not a label of its own
    await chat.say("1001", "Nguyễn Văn An 0912345678")  # free text
    await chat.press("1001", "ci:1")  # a real prefix, whatever the value
    await chat.press("1001", "<script>:1")  # forged: not a label of its own
    after = await scrape()

    def grew(**labels: str) -> float:
        return value(after, "chibo_updates_total", **labels) - value(before, "chibo_updates_total", **labels)

    assert grew(route="next") == 2
    assert grew(route="text") == 2
    assert grew(route="button:ci") == 1
    assert grew(route="button:unknown") == 1
    routes = {dict(labels)["route"] for name, labels in after if name == "chibo_updates_total"}
    assert not any("9f3a" in r or "script" in r or "0912" in r for r in routes)


async def test_a_failing_handler_is_counted_as_failed(app: AppContext, scrape: Scraper) -> None:
    router = Router()

    @router.command("boom", "no", Need.ANYONE)
    async def boom(_ctx: Ctx) -> Response:
        raise RuntimeError("a bug")

    before = await scrape()
    said = await Chat(Dispatcher(app, router)).say("1001", "/no")
    after = await scrape()
    assert said.text  # the internal-error reply, not a traceback
    assert value(after, "chibo_update_failures_total", route="boom") == (
        value(before, "chibo_update_failures_total", route="boom") + 1
    )
    assert value(after, "chibo_updates_total", route="boom") == value(before, "chibo_updates_total", route="boom") + 1


async def test_sends_move_the_outbox_gauges_and_the_latency_histogram(
    app: AppContext, clock: FakeClock, scrape: Scraper
) -> None:
    await queue(app, 3)
    clock.advance(timedelta(minutes=10))
    queued = await scrape()
    assert value(queued, "chibo_outbox_messages", state="pending") == 3
    assert value(queued, "chibo_outbox_messages", state="sent") == 0
    assert value(queued, "chibo_outbox_oldest_due_seconds") == 600  # stuck sender: alert on this
    assert value(queued, "chibo_database_up") == 1

    sender = RecordingSender(clock, Platform.TELEGRAM)
    await dispatcher(app, sender, worker="w").run_once()
    sent = await scrape()
    assert len(sender.sent) == 3
    assert value(sent, "chibo_outbox_messages", state="pending") == 0
    assert value(sent, "chibo_outbox_messages", state="sent") == 3
    assert value(sent, "chibo_outbox_oldest_due_seconds") == 0
    count = "chibo_send_seconds_count"
    assert value(sent, count, platform="telegram") == value(queued, count, platform="telegram") + 3


async def test_the_last_digest_sent_comes_from_the_database(app: AppContext, clock: FakeClock, scrape: Scraper) -> None:
    assert value(await scrape(), "chibo_last_digest_sent_timestamp_seconds") == 0
    async with app.sessions() as session:
        for kind, when in ((DIGEST_KIND, clock.now()), ("announce", clock.now() + timedelta(hours=1))):
            await enqueue(
                session, key=f"{kind}:1", to=Recipient(Platform.TELEGRAM, "1001"), text="x", kind=kind, not_before=when
            )
        await session.commit()
    clock.advance(timedelta(hours=2))
    sending_time = clock.now()
    await dispatcher(app, RecordingSender(clock, Platform.TELEGRAM), worker="w").run_once()
    after = await scrape()
    assert value(after, "chibo_last_digest_sent_timestamp_seconds") == sending_time.timestamp()


async def test_a_429_from_the_bot_api_is_counted(
    tg_app: AppContext,
    clock: FakeClock,
    fake: FakeTelegram,
    people: People,
    channel: TelegramChannel,
    tg_scrape: Scraper,
) -> None:
    fake.chats[people.an.id].open = True
    async with tg_app.sessions() as session:
        await enqueue(
            session,
            key="t:1",
            to=Recipient(Platform.TELEGRAM, str(people.an.id)),
            text="x",
            kind="t",
            not_before=clock.now(),
        )
        await session.commit()
    before = await tg_scrape()
    fake.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    outbox = dispatcher(tg_app, channel.sender, worker="w")
    await outbox.run_once()  # told to wait: the (stubbed) sleep returns at once
    await outbox.run_once()
    after = await tg_scrape()
    limited = "chibo_rate_limited_total"
    assert value(after, limited, platform="telegram") == value(before, limited, platform="telegram") + 1
    assert value(after, "chibo_outbox_messages", state="sent") == 1
    assert len(fake.sent(people.an.id)) == 1


async def test_a_429_on_a_reply_is_counted_too(
    fake: FakeTelegram, people: People, channel: TelegramChannel, tg_scrape: Scraper
) -> None:
    before = await tg_scrape()
    fake.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await fake.say(people.stranger, "/trogiup")  # answered after waiting out the 429
    after = await tg_scrape()
    limited = "chibo_rate_limited_total"
    assert value(after, limited, platform="telegram") == value(before, limited, platform="telegram") + 1


async def test_imports_are_counted_applied_and_refused(app: AppContext, scrape: Scraper, tmp_path: Path) -> None:
    before = await scrape()
    await run_import(app, csv_file(tmp_path, GOOD))
    # a chat id under another name: refused by the planner
    renamed = [*GOOD[:2], GOOD[2].replace("Trần Thị Bình", "Trần Thị Bích"), *GOOD[3:]]
    with pytest.raises(RosterError):
        await run_import(app, csv_file(tmp_path, renamed, name="renamed.csv"))
    after = await scrape()
    for outcome in ("applied", "refused"):
        name = "chibo_roster_imports_total"
        assert value(after, name, outcome=outcome) == value(before, name, outcome=outcome) + 1


async def test_an_unreachable_database_still_answers_and_says_so(
    app: AppContext, clock: FakeClock, tmp_path: Path
) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path}/no/such/folder/x.db")
    web_app = web.Application()
    add_metrics(web_app, make_sessionmaker(engine), clock)
    try:
        async with TestClient(TestServer(web_app)) as client:
            samples = await Scraper(client)()
    finally:
        await engine.dispose()
    assert value(samples, "chibo_database_up") == 0
    assert not any(name == "chibo_outbox_messages" for name, _ in samples)


async def test_an_answer_on_zalo_is_counted_as_text_not_as_the_command_it_spells(
    app: AppContext, dispatcher: Dispatcher, scrape: Scraper
) -> None:
    """While the bot waits for a reason, "cua toi" is the answer (as the router reads it), not /cuatoi."""
    world = await build_world(app, meeting_at=app.clock.now() + timedelta(days=3))
    await connect_everyone(app)
    assert world.meeting_id is not None
    zalo = Incoming(Platform.ZALO, "z-1006", "Phương", "z-1006", ChatKind.PRIVATE)

    before = await scrape()
    await dispatcher.handle(replace(zalo, button=RsvpData(world.meeting_id, Answer.NO).pack()))  # asks why
    answered = await dispatcher.handle(replace(zalo, text="cua toi"))
    after = await scrape()

    def grew(route: str) -> float:
        return value(after, "chibo_updates_total", route=route) - value(before, "chibo_updates_total", route=route)

    assert "xin vắng có lý do" in str(answered.messages[0].text)  # taken as the reason
    assert (grew("button:rsvp"), grew("text"), grew("me")) == (1, 1, 0)
