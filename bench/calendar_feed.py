"""Benchmark: the private calendar feed (GET /lich/<token>.ics) through the real HTTP server.

A member of two cells whose feed holds 12 and then 120 meetings (a year and a decade of monthly
meetings in each cell), on a fresh SQLite file. Prints the median time of one feed request next to
one GET /healthz measured in the same run (their ratio: what a calendar app's poll costs compared
with the cheapest request the server answers), and the SQL statements one feed issues (target: the
same for 12 and 120 meetings, i.e. no query per meeting). Exits 1 when that target is missed.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import event, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import open_app  # noqa: E402
from channels.calendar_feed import add_calendar_route  # noqa: E402
from channels.server import HEALTH_PATH, HttpServer  # noqa: E402
from core.clock import FakeClock  # noqa: E402
from core.config import Config  # noqa: E402
from handlers.context import AppContext  # noqa: E402
from models import Cell, Committee, Meeting, Membership, Person  # noqa: E402
from services import calendar  # noqa: E402
from services.health import HealthCheck  # noqa: E402

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
REPEATS = 200


class StatementCounter:
    def __init__(self, engine: Any) -> None:
        self.count = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1


async def member_with_cells(app: AppContext) -> tuple[int, list[int]]:
    async with app.sessions() as session, session.begin():
        committee = Committee(name="Đảng bộ phường Thử Nghiệm")
        cells = [Cell(committee=committee, name=f"Chi bộ Khu phố {n}") for n in (1, 2)]
        person = Person(full_name="Lê Văn Cường")
        session.add_all([committee, *cells, person])
        await session.flush()
        session.add_all([Membership(person_id=person.id, cell_id=cell.id) for cell in cells])
        return person.id, [cell.id for cell in cells]


async def add_meetings(app: AppContext, cell_ids: list[int], per_cell: int) -> None:
    """Monthly meetings from a few months back on, each with a place and an agenda."""
    async with app.sessions() as session, session.begin():
        have = len((await session.scalars(select(Meeting.id))).all()) // len(cell_ids)
        for cell_id in cell_ids:
            for month in range(have, per_cell):
                session.add(
                    Meeting(
                        cell_id=cell_id,
                        starts_at=NOW - timedelta(days=90) + timedelta(days=30 * month, hours=10),
                        place="Nhà văn hóa khu phố, tầng 2; phòng họp",
                        agenda="Kiểm điểm công tác tháng, triển khai nhiệm vụ tháng tới",
                        created_at=NOW,
                    )
                )


async def median_get(client: aiohttp.ClientSession, url: str) -> float:
    async with client.get(url) as response:  # warm-up
        assert response.status == 200, response.status
        await response.read()
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        async with client.get(url) as response:
            await response.read()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


async def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        config = Config.model_validate(
            {
                "database": {"url": f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"},
                "server": {"listen": "127.0.0.1:0"},
            }
        )
        async with open_app(config, FakeClock(NOW)) as app:
            person_id, cell_ids = await member_with_cells(app)
            async with app.sessions() as session, session.begin():
                token = await calendar.token_for(session, NOW, person_id=person_id)
            counter = StatementCounter(app.sessions.kw["bind"])
            health = HealthCheck(app.sessions, app.clock.now, timedelta(minutes=15), None, timedelta(minutes=2))
            server = HttpServer(config.server.listen, health)
            add_calendar_route(server, app)
            await server.start()
            base = f"http://127.0.0.1:{server.port}"
            results = []
            try:
                async with aiohttp.ClientSession() as client:
                    for per_cell in (12, 120):
                        await add_meetings(app, cell_ids, per_cell)
                        healthz = await median_get(client, base + HEALTH_PATH)
                        before = counter.count
                        async with client.get(base + calendar.feed_path(token)) as response:
                            body = await response.read()
                        statements = counter.count - before
                        feed = await median_get(client, base + calendar.feed_path(token))
                        results.append(statements)
                        print(
                            f"{2 * per_cell:>4} meetings: feed {feed * 1000:7.2f} ms ({len(body):,} bytes, "
                            f"{statements} SQL statements), /healthz {healthz * 1000:6.2f} ms, "
                            f"ratio {feed / healthz:5.1f}"
                        )
            finally:
                await server.stop()
    if results[0] != results[1]:
        print(f"FAIL: {results[0]} statements for 24 meetings, {results[1]} for 240")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
