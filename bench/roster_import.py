"""Roster import at scale, on SQLite, in one run:

1. importing 5,000 rows against importing 1,000 (linear work gives a ratio of about 5), and the
   time of re-importing the 5,000 unchanged;
2. a running bot's writes while another process imports 50,000 rows: how many succeeded, and the
   slowest against the usual (the bot waits while the import holds the write lock; it must never
   wait past the busy timeout, or it answers "Đã có lỗi").
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from models import AuditEntry
from models.db import SQLITE_BUSY_TIMEOUT_MS, make_engine, make_sessionmaker
from models.migrate import upgrade
from services.roster import import_roster
from services.roster_file import parse_rows

CELL_SIZE = 50
BIG = 50_000


def table(count: int) -> list[list[str]]:
    rows = [["dang_bo", "chi_bo", "ho_ten", "vai_tro", "telegram_id", "dien_thoai"]]
    for n in range(count):
        role = "bi_thu" if n % CELL_SIZE == 0 else "dang_vien"
        telegram = str(100_000 + n) if n % 2 else ""
        phone = f"09{n:08d}" if n % 3 == 0 else ""
        rows.append(["Đảng bộ Thử tải", f"Chi bộ {n // CELL_SIZE}", f"Đảng viên Số {n}", role, telegram, phone])
    return rows


def url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def timed_import(path: Path, count: int, *, twice: bool = False) -> tuple[float, float]:
    engine = make_engine(url(path))
    await upgrade(engine)
    sessions = make_sessionmaker(engine)
    rows = parse_rows(table(count))
    times = []
    try:
        for _ in range(2 if twice else 1):
            start = time.perf_counter()
            report = await import_roster(sessions, rows)
            times.append(time.perf_counter() - start)
        assert report.members.added + report.members.unchanged == count
    finally:
        await engine.dispose()
    return times[0], times[-1]


async def bot_writes(path: Path, until: asyncio.Future[float]) -> tuple[list[float], int]:
    """Write one audit row every 50 ms, as a busy bot would, until `until` is done."""
    engine = make_engine(url(path))
    sessions = make_sessionmaker(engine)
    waits: list[float] = []
    failures = 0
    try:
        while not until.done():
            start = time.perf_counter()
            try:
                async with sessions() as session, session.begin():
                    await session.execute(insert(AuditEntry).values(at=datetime.now(UTC), action="bench"))
                waits.append(time.perf_counter() - start)
            except Exception:  # counted: a failed write is what the bench looks for
                failures += 1
            await asyncio.sleep(0.05)
    finally:
        await engine.dispose()
    return waits, failures


async def import_in_child(path: Path) -> float:
    """The import runs in its own process, like `python bot.py import`."""
    start = time.perf_counter()
    child = await asyncio.create_subprocess_exec(sys.executable, __file__, "--import", str(path))
    if await child.wait() != 0:
        raise SystemExit("the import failed")
    return time.perf_counter() - start


async def while_the_bot_writes(folder: Path) -> None:
    path = folder / "busy.db"
    engine = make_engine(url(path))
    await upgrade(engine)
    await engine.dispose()
    idle: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().call_later(2, idle.set_result, 0.0)
    quiet, _ = await bot_writes(path, idle)
    importing = asyncio.ensure_future(import_in_child(path))
    busy, failures = await bot_writes(path, importing)
    usual, slowest = statistics.median(quiet), max(busy)
    print(f"import {BIG:,} rows in another process: {importing.result():.1f} s")
    print(f"bot writes meanwhile: {len(busy)} succeeded, {failures} failed (busy timeout {SQLITE_BUSY_TIMEOUT_MS} ms)")
    print(f"bot write: usual {usual * 1000:.0f} ms, slowest during the import {slowest * 1000:.0f} ms")
    print(f"ratio slowest / busy timeout: {slowest * 1000 / SQLITE_BUSY_TIMEOUT_MS:.2f} (must stay below 1)")


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        small, _ = await timed_import(Path(folder) / "r1.db", 1_000)
        large, again = await timed_import(Path(folder) / "r5.db", 5_000, twice=True)
        print(f"import 1,000 rows: {small * 1000:.0f} ms")
        print(f"import 5,000 rows: {large * 1000:.0f} ms (re-import unchanged: {again * 1000:.0f} ms)")
        print(f"ratio 5,000 / 1,000: {large / small:.2f} (linear ≈ 5)")
        await while_the_bot_writes(Path(folder))


async def child_import(path: Path) -> None:
    engine = make_engine(url(path))
    try:
        await import_roster(make_sessionmaker(engine), parse_rows(table(BIG)))
    finally:
        await engine.dispose()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--import"]:
        asyncio.run(child_import(Path(sys.argv[2])))
    else:
        asyncio.run(main())
