"""Roster import at scale: importing 5,000 rows against importing 1,000, in one run.

Both imports go into a fresh SQLite database already holding the other rows' committee, so the
comparison is of the matching and writing work alone. Prints both times, the ratio (linear work
gives about 5) and the time of re-importing the 5,000 rows unchanged.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.config import Config
from models.db import make_engine, make_sessionmaker
from models.migrate import upgrade
from services.roster import ImportReport, import_rows
from services.roster_file import parse_rows

CELL_SIZE = 50


def table(count: int) -> list[list[str]]:
    rows = [["dang_bo", "chi_bo", "ho_ten", "vai_tro", "telegram_id", "dien_thoai"]]
    for n in range(count):
        role = "bi_thu" if n % CELL_SIZE == 0 else "dang_vien"
        telegram = str(100_000 + n) if n % 2 else ""
        phone = f"09{n:08d}" if n % 3 == 0 else ""
        rows.append(["Đảng bộ Thử tải", f"Chi bộ {n // CELL_SIZE}", f"Đảng viên Số {n}", role, telegram, phone])
    return rows


async def timed_import(folder: Path, count: int, *, twice: bool = False) -> tuple[float, float]:
    config = Config.model_validate({"database": {"url": f"sqlite+aiosqlite:///{folder / f'r{count}.db'}"}})
    engine = make_engine(config.database.url)
    await upgrade(engine)
    sessions = make_sessionmaker(engine)
    rows = parse_rows(table(count))
    times = []
    try:
        for _ in range(2 if twice else 1):
            start = time.perf_counter()
            async with sessions() as session, session.begin():
                report: ImportReport = await import_rows(session, rows)
            times.append(time.perf_counter() - start)
        assert report.members.added + report.members.unchanged == count
    finally:
        await engine.dispose()
    return times[0], times[-1]


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        small, _ = await timed_import(Path(folder), 1_000)
        large, again = await timed_import(Path(folder), 5_000, twice=True)
    print(f"import 1,000 rows: {small * 1000:.0f} ms")
    print(f"import 5,000 rows: {large * 1000:.0f} ms (re-import unchanged: {again * 1000:.0f} ms)")
    print(f"ratio 5,000 / 1,000: {large / small:.2f} (linear ≈ 5)")


if __name__ == "__main__":
    asyncio.run(main())
