"""Benchmark: supervisors' digests and /tongket on a synthetic committee of 2,000 cells.

60,000 members (30 per cell) with 24 months of settled meetings (1.44 million attendance rows),
bulk-inserted into a fresh SQLite file. Builds one supervisor's digest over 200 and over 2,000
cells, and /tongket for a 300-member cell and a 30-member one, through the real code paths.
Prints the time ratio 2,000/200 (target <= 12: linear) and the SQL statements each run issues
(target: the same for 200 and 2,000 cells, and for 30 and 300 members). Exits 1 when a target
is missed.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, insert, select
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import open_app  # noqa: E402
from core.clock import FakeClock  # noqa: E402
from core.config import Config  # noqa: E402
from core.messages import ChatKind, Incoming  # noqa: E402
from handlers.context import AppContext  # noqa: E402
from handlers.dispatcher import Dispatcher  # noqa: E402
from handlers.registry import ROUTER  # noqa: E402
from models import (  # noqa: E402
    Account,
    Attendance,
    Cell,
    ChatLink,
    Committee,
    Meeting,
    MeetingScore,
    Membership,
    Opinion,
    Person,
    Platform,
    Supervision,
)
from services import digest  # noqa: E402

CELLS = 2_000
MEMBERS = 30
MONTHS = 24
FEW_CELLS = 200
BIG_CELL = 300
RATIO_TARGET = 12
REPEATS = 3
NOW = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)  # Monday 07:30 in Hanoi
SECRETARY_BIG, SECRETARY_SMALL = "700001", "700002"
STATUSES = ["chinh_thuc"] * 24 + ["du_bi"] * 3 + ["tam_thoi", "tam_thoi", "mien_sinh_hoat"]


def meeting_times() -> list[datetime]:
    """The 4th of each of the last MONTHS months, 19:30 in Hanoi."""
    year, month = NOW.year, NOW.month
    found = []
    for _ in range(MONTHS):
        found.append(datetime(year, month, 4, 12, 30, tzinfo=UTC))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def outcome_row(rng: random.Random, meeting_id: int, person_id: int, status: str, at: datetime) -> dict[str, Any]:
    roll = rng.random()
    row: dict[str, Any] = {
        "meeting_id": meeting_id,
        "person_id": person_id,
        "member_status": status,
        "code_failures": 0,
        "rsvp": None,
        "reason": None,
        "checked_in_at": None,
        "outcome": None,
    }
    if status == "mien_sinh_hoat":
        if roll < 0.2:
            row.update(checked_in_at=at, outcome="present")
    elif roll < 0.88:
        row.update(checked_in_at=at, outcome="present", rsvp="attend")
    elif roll < 0.95:
        row.update(rsvp="absent", reason="Bận việc gia đình", outcome="excused")
    else:
        row.update(rsvp=None if roll < 0.975 else "attend", outcome="unexcused")
    return row


def populate(engine: Engine) -> None:
    """Bulk insert through SQLAlchemy Core (column defaults and types as the app writes them)."""
    rng = random.Random(5)
    times = meeting_times()
    with engine.begin() as conn:
        conn.execute(insert(Committee), [{"id": 1, "name": "Đảng bộ phường Thử Tải"}])
        sizes = [MEMBERS] * CELLS + [BIG_CELL]
        conn.execute(
            insert(Cell),
            [{"id": c, "committee_id": 1, "name": f"Chi bộ Tổ dân phố {c}"} for c in range(1, len(sizes) + 1)],
        )
        people, memberships = [], []
        members: dict[int, list[tuple[int, str]]] = {}
        person_id = 0
        for cell_id, size in enumerate(sizes, start=1):
            members[cell_id] = []
            for n in range(size):
                person_id += 1
                status = STATUSES[n % len(STATUSES)]
                people.append({"id": person_id, "full_name": f"Đảng viên {person_id:06d}"})
                memberships.append(
                    {
                        "person_id": person_id,
                        "cell_id": cell_id,
                        "role": "bi_thu" if n == 0 else "dang_vien",
                        "status": status,
                    }
                )
                members[cell_id].append((person_id, status))
        conn.execute(insert(Person), people)
        conn.execute(insert(Membership), memberships)
        supervisor_few, supervisor_all = person_id + 1, person_id + 2
        conn.execute(
            insert(Person),
            [{"id": supervisor_few, "full_name": "Giám sát 200"}, {"id": supervisor_all, "full_name": "Giám sát 2000"}],
        )
        conn.execute(
            insert(Supervision),
            [{"person_id": supervisor_few, "cell_id": c} for c in range(1, FEW_CELLS + 1)]
            + [{"person_id": supervisor_all, "cell_id": c} for c in range(1, CELLS + 1)],
        )
        conn.execute(
            insert(Account),
            [
                {"person_id": members[CELLS + 1][0][0], "platform": "telegram", "external_id": SECRETARY_BIG},
                {"person_id": members[1][0][0], "platform": "telegram", "external_id": SECRETARY_SMALL},
            ],
        )
        conn.execute(insert(ChatLink), [{"platform": "telegram", "chat_id": "-1001", "committee_id": 1}])
        meeting_id = 0
        for index, at in enumerate(times):
            meetings, rows, opinions, scores = [], [], [], []
            recent = index >= len(times) - 6
            for cell_id, cell_members in members.items():
                meeting_id += 1
                meetings.append(
                    {
                        "id": meeting_id,
                        "cell_id": cell_id,
                        "starts_at": at,
                        "state": "closed",
                        "closed_at": at + timedelta(hours=2),
                        "created_at": at - timedelta(days=30),
                    }
                )
                rows += [outcome_row(rng, meeting_id, pid, status, at) for pid, status in cell_members]
                if recent:
                    opinions += [
                        {"meeting_id": meeting_id, "person_id": cell_members[k][0], "text": "Ý kiến", "created_at": at}
                        for k in (1, 2)
                    ]
                    scores.append(
                        {
                            "meeting_id": meeting_id,
                            "mode": "rubric",
                            "parts": {},
                            "total": rng.randint(60, 98),
                            "rating": "kha",
                            "recorded_at": at,
                        }
                    )
            conn.execute(insert(Meeting), meetings)
            conn.execute(insert(Attendance), rows)
            if opinions:
                conn.execute(insert(Opinion), opinions)
                conn.execute(insert(MeetingScore), scores)
        upcoming = datetime(NOW.year + (NOW.month == 12), NOW.month % 12 + 1, 4, 12, 30, tzinfo=UTC)
        conn.execute(
            insert(Meeting),
            [
                {"cell_id": c, "starts_at": upcoming, "state": "planned", "created_at": NOW}
                for c in range(1, CELLS + 1, 2)
            ],
        )


class StatementCounter:
    def __init__(self, engine: Any) -> None:
        self.count = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1


async def measure(counter: StatementCounter, run: Callable[[], Awaitable[object]]) -> tuple[float, int]:
    """Median seconds over REPEATS runs after a warm-up, and the statements of one run."""
    await run()
    timings = []
    for _ in range(REPEATS):
        before = counter.count
        started = time.perf_counter()
        await run()
        timings.append(time.perf_counter() - started)
        statements = counter.count - before
    return statistics.median(timings), statements


async def bench(url: str) -> bool:
    config = Config.model_validate({"database": {"url": url}})
    async with open_app(config, FakeClock(NOW)) as app:
        counter = StatementCounter(app.sessions.kw["bind"])
        zone = config.schedule.zone
        supervisors = {name: pid for pid, name in await _people(app, ("Giám sát 200", "Giám sát 2000"))}

        async def digest_of(name: str) -> None:
            async with app.sessions() as session:
                built = await digest.build_digest(session, digest.supervised_cells(supervisors[name]), NOW, zone)
            assert len(built.lines) in (FEW_CELLS, CELLS)

        dispatcher = Dispatcher(app, ROUTER)

        async def summary_by(secretary: str) -> None:
            incoming = Incoming(Platform.TELEGRAM, secretary, "bench", secretary, ChatKind.PRIVATE, "/tongket")
            response = await dispatcher.handle(incoming)
            assert "TỔNG KẾT SINH HOẠT" in "".join(str(m.text) for m in response.messages), response

        few_time, few_sql = await measure(counter, lambda: digest_of("Giám sát 200"))
        all_time, all_sql = await measure(counter, lambda: digest_of("Giám sát 2000"))
        big_time, big_sql = await measure(counter, lambda: summary_by(SECRETARY_BIG))
        small_time, small_sql = await measure(counter, lambda: summary_by(SECRETARY_SMALL))
    ratio = all_time / few_time
    print(f"digest, {FEW_CELLS:>5} cells: {few_time * 1000:8.1f} ms, {few_sql} SQL statements")
    print(f"digest, {CELLS:>5} cells: {all_time * 1000:8.1f} ms, {all_sql} SQL statements")
    print(f"time ratio {CELLS}/{FEW_CELLS} cells: {ratio:.2f} (target <= {RATIO_TARGET})")
    print(f"/tongket, {BIG_CELL:>3}-member cell: {big_time * 1000:8.1f} ms, {big_sql} SQL statements")
    print(f"/tongket, {MEMBERS:>3}-member cell: {small_time * 1000:8.1f} ms, {small_sql} SQL statements")
    ok = ratio <= RATIO_TARGET and few_sql == all_sql and big_sql == small_sql
    print("targets met" if ok else "TARGET MISSED")
    return ok


async def _people(app: AppContext, names: tuple[str, ...]) -> list[tuple[int, str]]:
    async with app.sessions() as session:
        rows = await session.execute(select(Person.id, Person.full_name).where(Person.full_name.in_(names)))
        return [(row.id, row.full_name) for row in rows]


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        url = f"sqlite+aiosqlite:///{path}"
        started = time.perf_counter()
        asyncio.run(_migrate(url))
        engine = create_engine(f"sqlite:///{path}")
        populate(engine)
        engine.dispose()
        attendance_rows = (CELLS * MEMBERS + BIG_CELL) * MONTHS
        print(
            f"synthetic committee: {CELLS} cells, {CELLS * MEMBERS} members (+1 cell of {BIG_CELL}), "
            f"{MONTHS} months, {attendance_rows:,} attendance rows, built in {time.perf_counter() - started:.0f} s"
        )
        return 0 if asyncio.run(bench(url)) else 1


async def _migrate(url: str) -> None:
    async with open_app(Config.model_validate({"database": {"url": url}}), FakeClock(NOW)):
        pass


if __name__ == "__main__":
    sys.exit(main())
