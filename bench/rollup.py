"""Benchmark: a city's monthly rollup (issue 13) against a small city's, in one SQLite file.

Two cities built side by side: one of 10 wards and one of 126 (Hà Nội since 1 July 2025), each
ward with 100 party organisations (90 residential cells right under it, and 10 grassroots
committees of one cell each) of 30 members: about 412,000 members in all, with this month's
meeting held in 90% of the cells (attendance settled) and half of the members on the bot.
Builds each city's rollup through the real code path and prints the SQL statements each issues
(target: equal) and the time ratio 126/10 (the issue's target: "close to 12.6 or better", read as
at most 10 % above 12.6, linear in the members). Exits 1 when a target is missed.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, insert
from sqlalchemy.engine import Connection

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import open_app  # noqa: E402
from core.clock import FakeClock  # noqa: E402
from core.config import Config  # noqa: E402
from models import Account, Attendance, Cell, Committee, Meeting, Membership, Person  # noqa: E402
from services.rollup import build_rollup  # noqa: E402

CITIES = {1: ("Thành phố Nhỏ", 10), 2: ("Thành ủy Hà Nội", 126)}
CELLS_PER_WARD = 90
GRASSROOTS_PER_WARD = 10
MEMBERS = 30
REPEATS = 3
CLOSE = 1.1  # "close to linear": within 10 %
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
MONTH = (datetime(2026, 10, 31, 17, tzinfo=UTC), datetime(2026, 11, 30, 17, tzinfo=UTC))
YEAR = (datetime(2025, 12, 31, 17, tzinfo=UTC), NOW)


class Ids:
    def __init__(self) -> None:
        self.node = max(CITIES)
        self.cell = self.person = self.meeting = 0


def _cell(conn: Connection, ids: Ids, rng: random.Random, parent: int, name: str) -> None:
    """One cell of MEMBERS members, this month's meeting held in 90% of cells."""
    ids.cell += 1
    conn.execute(insert(Cell), [{"id": ids.cell, "committee_id": parent, "name": name}])
    first = ids.person + 1
    ids.person += MEMBERS
    people = range(first, ids.person + 1)
    conn.execute(insert(Person), [{"id": p, "full_name": f"Đảng viên {p:07d}"} for p in people])
    conn.execute(
        insert(Membership),
        [{"person_id": p, "cell_id": ids.cell, "role": "bi_thu" if p == first else "dang_vien"} for p in people],
    )
    conn.execute(
        insert(Account),
        [{"person_id": p, "platform": "telegram", "external_id": str(p), "connected_at": NOW} for p in people if p % 2],
    )
    if rng.random() < 0.9:
        ids.meeting += 1
        at = datetime(2026, 11, 4, 12, 30, tzinfo=UTC)
        conn.execute(
            insert(Meeting),
            [{"id": ids.meeting, "cell_id": ids.cell, "starts_at": at, "state": "closed", "created_at": at}],
        )
        outcomes = rng.choices(["present", "excused", "unexcused"], weights=[88, 8, 4], k=MEMBERS)
        conn.execute(
            insert(Attendance),
            [
                {"meeting_id": ids.meeting, "person_id": p, "outcome": o, "code_failures": 0}
                for p, o in zip(people, outcomes, strict=True)
            ],
        )


def populate(conn: Connection) -> None:
    rng = random.Random(13)
    ids = Ids()
    conn.execute(insert(Committee), [{"id": i, "name": name, "kind": "tinh_uy"} for i, (name, _) in CITIES.items()])
    for city, (_, wards) in CITIES.items():
        for w in range(wards):
            ids.node += 1
            ward = ids.node
            conn.execute(
                insert(Committee),
                [{"id": ward, "parent_id": city, "name": f"Đảng ủy phường {w}", "kind": "dang_uy_xa"}],
            )
            for c in range(CELLS_PER_WARD):
                _cell(conn, ids, rng, ward, f"Chi bộ Tổ dân phố {c}")
            for g in range(GRASSROOTS_PER_WARD):
                ids.node += 1
                conn.execute(
                    insert(Committee),
                    [{"id": ids.node, "parent_id": ward, "name": f"Đảng bộ Trường {g}", "kind": "dang_bo_co_so"}],
                )
                _cell(conn, ids, rng, ids.node, "Chi bộ Giáo viên")


async def bench(url: str) -> bool:
    async with open_app(Config.model_validate({"database": {"url": url}}), FakeClock(NOW)) as app:
        engine = app.sessions.kw["bind"]
        statements = [0]

        def seen(*_args: Any) -> None:
            statements[0] += 1

        event.listen(engine.sync_engine, "before_cursor_execute", seen)
        results: dict[int, tuple[float, int, int]] = {}
        for city in CITIES:
            timings = []
            for _ in range(REPEATS + 1):  # the first run warms the cache and is not counted
                async with app.sessions() as session:
                    node = await session.get(Committee, city)
                    assert node is not None
                    before = statements[0]
                    started = time.perf_counter()
                    rollup = await build_rollup(session, node, MONTH, YEAR)
                    timings.append(time.perf_counter() - started)
                    used = statements[0] - before
            results[city] = (statistics.median(timings[1:]), used, rollup.total.members)
    (small_time, small_sql, small_members), (big_time, big_sql, big_members) = results[1], results[2]
    ratio = big_time / small_time
    scale = CITIES[2][1] / CITIES[1][1]
    for city, (seconds, sql, members) in results.items():
        name, wards = CITIES[city]
        print(f"{name}: {wards:>3} wards, {members:>7,} members: {seconds * 1000:8.1f} ms, {sql} SQL statements")
    limit = CLOSE * scale
    print(f"time ratio {CITIES[2][1]}/{CITIES[1][1]} wards: {ratio:.2f} (linear: {scale:.1f}; target <= {limit:.1f})")
    ok = small_sql == big_sql and ratio <= limit and big_members == small_members * scale
    print("targets met" if ok else "TARGET MISSED")
    return ok


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        url = f"sqlite+aiosqlite:///{path}"
        started = time.perf_counter()
        asyncio.run(_migrate(url))
        engine = create_engine(f"sqlite:///{path}")
        with engine.begin() as conn:
            populate(conn)
        engine.dispose()
        print(f"two synthetic cities built in {time.perf_counter() - started:.0f} s")
        return 0 if asyncio.run(bench(url)) else 1


async def _migrate(url: str) -> None:
    async with open_app(Config.model_validate({"database": {"url": url}}), FakeClock(NOW)):
        pass


if __name__ == "__main__":
    sys.exit(main())
