"""/healthz: 200 only when the database answers, the scheduler runs and no due message is stuck."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import aiohttp
import pytest

from channels.server import HEALTH_PATH, HttpServer
from core.clock import FakeClock
from handlers.context import AppContext
from models import Platform
from models.db import make_engine, make_sessionmaker
from services.health import HealthCheck
from services.outbox import Recipient, enqueue

STUCK = timedelta(minutes=15)


def check(app: AppContext, idle: Callable[[], float | None] | None = None) -> HealthCheck:
    return HealthCheck(app.sessions, app.clock.now, STUCK, idle, timedelta(minutes=2))


@pytest.fixture
async def served(app: AppContext) -> AsyncIterator[tuple[HttpServer, list[float | None]]]:
    """A server whose scheduler's idle time the test sets."""
    idle: list[float | None] = [1.0]
    server = HttpServer("127.0.0.1:0", check(app, lambda: idle[0]))
    await server.start()
    try:
        yield server, idle
    finally:
        await server.stop()


async def get(server: HttpServer) -> tuple[int, dict[str, object]]:
    async with aiohttp.ClientSession() as client, client.get(f"http://127.0.0.1:{server.port}{HEALTH_PATH}") as r:
        return r.status, await r.json()


async def due_message(app: AppContext) -> None:
    async with app.sessions() as session, session.begin():
        await enqueue(
            session,
            key="health-test",
            to=Recipient(Platform.TELEGRAM, "1001"),
            kind="nudge",
            text="Nhắc họp",
            not_before=app.clock.now(),
        )


async def test_healthy_then_a_stuck_outbox_then_a_stopped_scheduler(
    app: AppContext, clock: FakeClock, served: tuple[HttpServer, list[float | None]]
) -> None:
    server, idle = served
    assert await get(server) == (200, {"ok": True, "database": "ok", "outbox": "ok", "scheduler": "ok"})
    await due_message(app)
    clock.advance(STUCK)
    assert (await get(server))[0] == 200  # waiting exactly the limit is still fine
    clock.advance(timedelta(minutes=1))
    status, body = await get(server)
    assert status == 503
    assert body["outbox"] == "stuck: a message has waited 16 min"
    idle[0] = 600.0
    status, body = await get(server)
    assert (status, body["scheduler"]) == (503, "stopped: no job has run recently")
    idle[0] = None  # the scheduler is not running at all
    assert (await get(server))[0] == 503


async def test_a_serve_process_has_no_scheduler_to_check(app: AppContext) -> None:
    verdict = await check(app).verdict()
    assert verdict.ok
    assert "scheduler" not in verdict.checks


async def test_an_unreachable_database_is_unhealthy(app: AppContext) -> None:
    engine = make_engine("postgresql+asyncpg://chibo:secret@127.0.0.1:9/none")
    try:
        down = HealthCheck(make_sessionmaker(engine), app.clock.now, STUCK)
        verdict = await down.verdict()
    finally:
        await engine.dispose()
    assert not verdict.ok
    assert verdict.checks == {"database": "unreachable"}
