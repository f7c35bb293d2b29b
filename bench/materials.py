"""Benchmark: `/tailieu` from a ward of 100 cells against one of 10, in one SQLite file.

Each cell has 30 members (half on the bot) and a Telegram group. The ward's admin sends a material
through the real dispatcher; the bench prints the SQL statements each send issues (target: equal,
but for the outbox insert, which the driver sends in pages of a thousand rows: the fan-out asks for
all the cells at once and writes every message in one executemany) and the time
ratio 100/10 (target: at most 10 % above 10, linear in the recipients). Exits 1 when a target is
missed.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.engine import Connection

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import open_app  # noqa: E402
from core.clock import FakeClock  # noqa: E402
from core.config import Config  # noqa: E402
from core.messages import ChatKind, Incoming  # noqa: E402
from handlers.dispatcher import Dispatcher  # noqa: E402
from handlers.registry import ROUTER  # noqa: E402
from models import Account, Cell, ChatLink, Committee, CommitteeRole, Membership, Person, Platform  # noqa: E402
from tests.dbutil import run_on_sqlite_file  # noqa: E402

WARDS = {1: 10, 2: 100}  # ward id: cells
MEMBERS = 30
REPEATS = 5
CLOSE = 1.1
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def populate(conn: Connection) -> None:
    person = cell = 0
    for ward, cells in WARDS.items():
        conn.execute(insert(Committee), [{"id": ward, "name": f"Đảng ủy phường {ward}", "kind": "dang_uy_xa"}])
        person += 1
        conn.execute(insert(Person), [{"id": person, "full_name": f"Quản trị {ward}"}])
        conn.execute(insert(CommitteeRole), [{"person_id": person, "committee_id": ward, "role": "quan_tri"}])
        conn.execute(
            insert(Account),
            [{"person_id": person, "platform": "telegram", "external_id": f"admin{ward}", "connected_at": NOW}],
        )
        for _ in range(cells):
            cell += 1
            conn.execute(insert(Cell), [{"id": cell, "committee_id": ward, "name": f"Chi bộ {cell}"}])
            conn.execute(insert(ChatLink), [{"platform": "telegram", "chat_id": f"-{cell}", "cell_id": cell}])
            people = range(person + 1, person + MEMBERS + 1)
            person += MEMBERS
            conn.execute(insert(Person), [{"id": p, "full_name": f"Đảng viên {p:07d}"} for p in people])
            conn.execute(insert(Membership), [{"person_id": p, "cell_id": cell} for p in people])
            conn.execute(
                insert(Account),
                [
                    {"person_id": p, "platform": "telegram", "external_id": str(p), "connected_at": NOW}
                    for p in people
                    if p % 2
                ],
            )


async def bench(url: str) -> bool:
    async with open_app(Config.model_validate({"database": {"url": url}}), FakeClock(NOW)) as app:
        dispatcher = Dispatcher(app, ROUTER)
        engine = app.sessions.kw["bind"]
        async with engine.begin() as conn:
            await conn.run_sync(populate)
        statements = [0, 0]  # all, the outbox's insert pages

        def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements[0] += 1
            statements[1] += statement.startswith("INSERT INTO outbox")

        event.listen(engine.sync_engine, "before_cursor_execute", seen)
        results: dict[int, tuple[float, int, int, str]] = {}
        for ward in WARDS:
            timings = []
            for run in range(REPEATS + 1):  # the first run warms the cache and is not counted
                admin = f"admin{ward}"
                text = f"/tailieu 12/2026 | Chuyên đề {run} | đọc kỹ"
                incoming = Incoming(Platform.TELEGRAM, admin, "Quản trị", admin, ChatKind.PRIVATE, text)
                before = list(statements)
                started = time.perf_counter()
                response = await dispatcher.handle(incoming)
                timings.append(time.perf_counter() - started)
                used, pages = (now - then for now, then in zip(statements, before, strict=True))
            results[ward] = (statistics.median(timings[1:]), used, pages, str(response.messages[0].text))
    (small_time, small_sql, small_pages, _), (big_time, big_sql, big_pages, _) = results[1], results[2]
    for ward, (seconds, sql, pages, said) in results.items():
        print(f"{WARDS[ward]:>3} cells: {seconds * 1000:7.1f} ms, {sql} SQL statements ({pages} outbox pages) — {said}")
    scale = WARDS[2] / WARDS[1]
    ratio = big_time / small_time
    print(f"time ratio {WARDS[2]}/{WARDS[1]} cells: {ratio:.2f} (linear: {scale:.0f}; target <= {CLOSE * scale:.1f})")
    ok = small_sql - small_pages == big_sql - big_pages and ratio <= CLOSE * scale
    return ok


if __name__ == "__main__":
    sys.exit(run_on_sqlite_file(bench))
