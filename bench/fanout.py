"""Reminder fan-out: 5,000 private reminders against a fake Bot API that enforces a global limit L.

The whole path runs: the reminder plan writes one announcement per member to the outbox (SQLite),
the outbox dispatcher claims and sends them through the real TelegramSender (python-telegram-bot
over loopback HTTP) with its limiter set to L. The fake server runs in its own process, counts every
call and answers 429 above L; each fan-out runs in a fresh process so its memory is its own.

The dispatcher sends one message at a time and records each outcome before the next, so a crash
repeats at most the one message in flight; that bounds its rate by one round trip plus one commit.
Hence two comparisons in one run:
- 5,000 reminders at L = 100/s (over three times Telegram's real 30/s): achieved rate / L (target
  >= 0.9), 429s drawn (0), lost (0), duplicated (0);
- 1,000 at L = 500/s, which the limiter never reaches: the sequential ceiling on this machine;
and the growth of the process's memory during the fan-out for 1,000 and for 5,000 recipients, with
their ratio (target: flat).
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from telegram import Bot  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot import open_app  # noqa: E402
from channels.ratelimit import RateLimiter, Window  # noqa: E402
from channels.telegram.sender import TelegramSender  # noqa: E402
from core.clock import FakeClock  # noqa: E402
from core.config import Config  # noqa: E402
from handlers.reminders import renderer  # noqa: E402
from models import Account, Cell, Committee, MemberRole, Membership, MemberStatus, Person, Platform  # noqa: E402
from scheduler.dispatch import OutboxDispatcher  # noqa: E402
from services import reminders  # noqa: E402
from services.meetings import schedule_meeting  # noqa: E402

LIMIT = 100  # messages per second the fake server allows and the bot's limiter is set to
CEILING_LIMIT = 500
SIZES = (1_000, 5_000)
FIRST_ID = 500_000
TOKEN = "123456789:TEST-token-for-the-fake-telegram-server"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

# The fake server, in its own process: prints its URL, then on a line "report" prints what it saw.
SERVER = """
import asyncio, json, sys
from collections import Counter
from tests.fake_telegram.flood import Limits
from tests.fake_telegram.server import FakeTelegram

async def main() -> None:
    first, count, limit = (int(a) for a in sys.argv[1:4])
    async with FakeTelegram(limits=Limits(chat=None, group_per_minute=None, global_per_second=limit)) as fake:
        for user_id in range(first, first + count):
            fake.user(user_id, "Dang vien")
            fake.chats[user_id].open = True
        print(fake.base_url, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        calls = fake.calls_to("sendMessage")
        got = Counter(int(c.params["chat_id"]) for c in calls if c.ok)
        report = {
            "ok": sum(got.values()),
            "throttled": sum(c.status == 429 for c in calls),
            "lost": sum(1 for u in range(first, first + count) if got[u] == 0),
            "duplicated": sum(n - 1 for n in got.values() if n > 1),
        }
        print(json.dumps(report), flush=True)

asyncio.run(main())
"""


async def seed(app_url: str, count: int, now: datetime) -> None:
    """One cell of `count` members linked on Telegram (inserted in bulk: the roster import is not what
    is measured) and a meeting whose announcement the reminder plan writes now, one row per member."""
    config = Config.model_validate({"database": {"url": app_url}})
    async with open_app(config, FakeClock(now)) as app, app.sessions() as session:
        committee = Committee(name="Đảng bộ Thử")
        cell = Cell(name="Chi bộ Lớn", committee=committee)
        session.add_all([committee, cell])
        await session.flush()
        ids = range(FIRST_ID, FIRST_ID + count)
        await session.execute(insert(Person), [{"id": i, "full_name": f"Đảng viên {i}"} for i in ids])
        await session.execute(
            insert(Account),
            [
                # Every member has written to the bot (pressed Start): the bot may write to them.
                {"person_id": i, "platform": Platform.TELEGRAM, "external_id": str(i), "connected_at": now}
                for i in ids
            ],
        )
        roles = [MemberRole.SECRETARY] + [MemberRole.MEMBER] * (count - 1)
        await session.execute(
            insert(Membership),
            [
                {"person_id": i, "cell_id": cell.id, "role": r, "status": MemberStatus.FULL}
                for i, r in zip(ids, roles, strict=True)
            ],
        )
        meeting = await schedule_meeting(session, cell.id, now + timedelta(days=2), now, place="Hội trường")
        written = await reminders.write_due_steps(session, meeting.id, app.config, now, renderer(app))
        assert written == count, written
        await session.commit()


def rss_mb() -> float:
    """The process's resident memory now (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 1e6


async def highest_rss(samples: list[float]) -> None:
    while True:
        samples.append(rss_mb())
        await asyncio.sleep(0.02)


async def fan_out(url: str, count: int, limit: int) -> dict[str, float]:
    """Send the `count` seeded reminders at `limit`/s, in a process that did nothing else before."""
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        SERVER,
        str(FIRST_ID),
        str(count),
        str(limit),
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert server.stdout is not None
    assert server.stdin is not None
    try:
        base_url = (await server.stdout.readline()).decode().strip()
        config = Config.model_validate({"database": {"url": url}})
        async with open_app(config, FakeClock(NOW)) as app:
            request = HTTPXRequest(connection_pool_size=8)
            async with Bot(TOKEN, base_url=base_url, request=request) as bot:
                limiter = RateLimiter(overall=Window.rate(limit), per_chat=Window.rate(1, 3.0))
                sender = TelegramSender(bot, limiter)
                dispatcher = OutboxDispatcher(app.sessions, app.clock, {Platform.TELEGRAM: sender}, claim_seconds=60)
                before = rss_mb()
                samples: list[float] = []
                sampler = asyncio.create_task(highest_rss(samples))
                started = time.perf_counter()
                report = await dispatcher.run_once()
                elapsed = time.perf_counter() - started
                sampler.cancel()
        server.stdin.write(b"report\n")
        await server.stdin.drain()
        seen = json.loads(await server.stdout.readline())
    finally:
        server.kill()
        await server.wait()
    growth = max(samples, default=before) - before
    return {"sent": report.sent, "rate": report.sent / elapsed, "seconds": elapsed, "growth_mb": growth, **seen}


def in_fresh_processes(count: int, limit: int) -> dict[str, float]:
    """Seed in one process, send in another, so the sender's memory is the fan-out's alone."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/fanout.db"
        run = [sys.executable, __file__, url, str(count), str(limit)]
        subprocess.run([*run, "--seed"], cwd=ROOT, check=True)
        done = subprocess.run([*run, "--send"], cwd=ROOT, capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    big = in_fresh_processes(SIZES[-1], LIMIT)
    small = in_fresh_processes(SIZES[0], LIMIT)
    ceiling = in_fresh_processes(SIZES[0], CEILING_LIMIT)
    print(f"fan-out of {SIZES[-1]:,} private reminders, fake Bot API limit L = {LIMIT}/s (SQLite)")
    print(
        f"  achieved {big['rate']:.0f}/s in {big['seconds']:.1f}s: rate / L = {big['rate'] / LIMIT:.2f} (target >= 0.9)"
    )
    print(f"  429s drawn: {big['throttled']:.0f} (target 0)")
    print(f"  lost: {big['lost']:.0f}  duplicated: {big['duplicated']:.0f} (target 0 and 0)")
    print(
        f"  sequential ceiling, {SIZES[0]:,} at L = {CEILING_LIMIT}/s: {ceiling['rate']:.0f}/s "
        f"= {ceiling['rate'] / CEILING_LIMIT:.2f} L ({ceiling['rate'] / 30:.1f} x Telegram's 30/s)"
    )
    for count, run in ((SIZES[0], small), (SIZES[-1], big)):
        print(f"  memory growth of the sending process, {count:,} recipients: {run['growth_mb']:.1f} MB")
    ratio = big["growth_mb"] / max(small["growth_mb"], 0.1)
    print(f"  growth {SIZES[-1]:,} / {SIZES[0]:,} recipients = {ratio:.2f} (target: flat, about 1)")
    runs = (big, small, ceiling)
    ok = all(r["lost"] == 0 and r["duplicated"] == 0 for r in runs) and big["sent"] == SIZES[-1]
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 5:
        logging.basicConfig(level=logging.ERROR)
        db, size, rate, step = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
        if step == "--seed":
            asyncio.run(seed(db, size, NOW))
        else:
            print(json.dumps(asyncio.run(fan_out(db, size, rate))))
        sys.exit(0)
    sys.exit(main())
