"""A process run in-process (`processes.run_process`) answers /healthz and /metrics, and once
stopped leaves nothing behind: no task on the loop, no thread (an aiosqlite connection thread left
open would hold the test database and stall the tests after it)."""

from __future__ import annotations

import asyncio
import threading

import aiohttp
import pytest

from bot import open_app
from channels.server import HEALTH_PATH
from processes import Role, run_process
from tests.botprocs import free_port
from tests.fake_telegram.fixtures import telegram_config
from tests.fake_telegram.server import FakeTelegram


async def healthy(port: int) -> tuple[int, object]:
    """Poll until the process answers 200 (its scheduler starts after the server); the last answer."""
    health: tuple[int, object] = (0, None)
    async with aiohttp.ClientSession() as client:
        for _ in range(150):
            try:
                async with client.get(f"http://127.0.0.1:{port}{HEALTH_PATH}") as answer:
                    health = (answer.status, await answer.json())
            except aiohttp.ClientConnectionError:
                pass
            if health[0] == 200:
                break
            await asyncio.sleep(0.1)
    return health


@pytest.mark.parametrize("role", [Role.WORKER, Role.RUN])
async def test_a_process_serves_health_and_metrics_and_stops_cleanly(
    db_url: str, fake: FakeTelegram, role: Role
) -> None:
    port = free_port()
    settings = telegram_config(db_url, fake)
    settings = settings.model_copy(
        update={"server": settings.server.model_copy(update={"listen": f"127.0.0.1:{port}"})}
    )
    tasks_before = asyncio.all_tasks()
    threads_before = set(threading.enumerate())
    stop = asyncio.Event()
    async with open_app(settings) as app:
        process = asyncio.create_task(run_process(app, role, stop))
        try:
            health = await healthy(port)
            async with aiohttp.ClientSession() as client, client.get(f"http://127.0.0.1:{port}/metrics") as answer:
                metrics = (answer.status, await answer.text())
        finally:
            stop.set()
            await process
    assert health == (200, {"ok": True, "database": "ok", "outbox": "ok", "scheduler": "ok"})
    assert metrics[0] == 200
    assert "chibo_outbox_messages" in metrics[1]
    await asyncio.sleep(0)  # let done callbacks run
    assert {t.get_name(): t.get_coro() for t in asyncio.all_tasks() - tasks_before} == {}
    # The loop's default executor threads ("asyncio_N", used for DNS lookups) are the loop's own and
    # end with it; any other new thread (an aiosqlite connection left open) would outlive the test.
    # A closed aiosqlite connection's thread ends a moment after the close: wait for it (bounded).
    left = [t for t in set(threading.enumerate()) - threads_before if not t.name.startswith("asyncio_")]
    for thread in left:
        await asyncio.to_thread(thread.join, 5)
    assert [t.name for t in left if t.is_alive()] == []
