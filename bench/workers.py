"""Scheduler at city scale (issue 12): real worker processes on PostgreSQL against the fake Bot API.

1. Two workers: the monthly planning and the weekly digest are each done exactly once (asserted:
   one meeting per cell and month, one `job_runs` marker, one digest per supervisor, each sent
   once); the sending worker is SIGKILLed a third of the way through a fan-out, and the other
   takes the sender lock over: the time from the kill to its first send (target ≤ 10 s).
2. The same fan-out with one worker, then with two: sends per second of each, and their ratio
   (one sender per bot at a time, so a second worker buys failover, not speed).

Needs TEST_DATABASE_URL (a PostgreSQL server where databases may be created); skipped without.
`python bench/workers.py [--cells 40] [--members 10] [--fanout 600]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, update  # noqa: E402

from bench.city import MEMBER_ID, SECRETARY_ID, roster  # noqa: E402
from bot import open_app  # noqa: E402
from core.clock import SystemClock  # noqa: E402
from core.config import load_config  # noqa: E402
from models import Account, Cell, JobRun, Meeting, OutboxMessage, Platform, Supervision  # noqa: E402
from scheduler.digest import JOB as DIGEST_JOB  # noqa: E402
from services.roster import import_rows  # noqa: E402
from services.roster_file import parse_rows  # noqa: E402
from tests.botprocs import BotProcess, is_sending, write_config  # noqa: E402
from tests.dbutil import fresh_database, postgres_admin_url  # noqa: E402
from tests.fake_telegram.flood import Limits  # noqa: E402
from tests.fake_telegram.server import DEFAULT_TOKEN, FakeTelegram  # noqa: E402
from tests.fake_telegram.world import Call  # noqa: E402

FANOUT_ID = 40_000_000
# The digest job looks every 30 s (scheduler/digest.py); the first look comes that long after start.
DIGEST_WITHIN = 120.0


class Workers:
    """A seeded database and `count` worker processes sending to the fake Bot API."""

    def __init__(self, folder: Path, url: str, fake: FakeTelegram) -> None:
        self.folder = folder
        self.fake = fake
        self.config = write_config(
            folder / "workers.toml",
            {
                "telegram": {"token": DEFAULT_TOKEN, "base_url": fake.base_url, "rate_per_second": 25},
                "database": {"url": url},
                "reminders": {"dispatch_seconds": 0.5},
                "server": {"listen": "127.0.0.1:0"},
            },
        )
        self.processes: list[BotProcess] = []

    async def seed(self, cells: int, members: int, fanout: int) -> None:
        """The roster with every account connected, each secretary following the next cell (so the
        digest has supervisors), and `fanout` reminders waiting in the outbox."""
        now = datetime.now(UTC)
        async with open_app(load_config(self.config, environ={}), SystemClock()) as app, app.sessions() as session:
            await import_rows(session, parse_rows(roster(cells, members)))
            await session.execute(update(Account).values(connected_at=now))
            ids = (await session.scalars(select(Cell.id).order_by(Cell.name))).all()
            secretaries = await session.execute(
                select(Account.person_id, Account.external_id).where(
                    Account.external_id.in_([str(SECRETARY_ID + n) for n in range(cells)])
                )
            )
            rows = [
                {"person_id": person, "cell_id": ids[(int(external) - SECRETARY_ID + 1) % cells]}
                for person, external in secretaries
            ]
            await session.execute(insert(Supervision), rows)
            await session.execute(
                insert(OutboxMessage),
                [
                    {
                        "key": f"bench:{n}",
                        "platform": Platform.TELEGRAM,
                        "chat_id": str(FANOUT_ID + n),
                        "kind": "reminder",
                        "text": "Nhắc họp",
                        "not_before": now,
                    }
                    for n in range(fanout)
                ],
            )
            await session.commit()
        for n in range(cells):
            self.fake.chats[self.fake.user(SECRETARY_ID + n, f"BT{n}").id].open = True
            for m in range(members):
                self.fake.chats[self.fake.user(MEMBER_ID + n * members + m, f"DV{n}.{m}").id].open = True
        for n in range(fanout):
            self.fake.chats[self.fake.user(FANOUT_ID + n, f"U{n}").id].open = True

    async def start(self, count: int) -> None:
        for n in range(count):
            process = await BotProcess(self.config, "worker", log=self.folder / f"worker-{n}.log").start()
            self.processes.append(process)
        for process in self.processes:
            await process.wait_log("worker process ready", within=120)

    async def stop(self) -> None:
        await asyncio.gather(*(p.stop() for p in self.processes))
        self.processes.clear()

    async def digests(self) -> set[tuple[str, str]]:
        """(chat, text) of every digest message, once the digest job has run (it looks every 30 s)."""
        for _ in range(int(DIGEST_WITHIN)):
            async with open_app(load_config(self.config, environ={}), SystemClock()) as app, app.sessions() as s:
                if await s.scalar(select(func.count()).where(JobRun.job == DIGEST_JOB)):
                    digest = select(OutboxMessage.chat_id, OutboxMessage.text).where(OutboxMessage.kind == "digest")
                    rows = await s.execute(digest)
                    return {(chat, text) for chat, text in rows}
            await asyncio.sleep(1)
        raise AssertionError(f"no weekly digest within {DIGEST_WITHIN} s")

    async def counts(self) -> dict[str, int]:
        """What the jobs wrote: meetings, meetings beyond one per cell and month, digest markers."""
        async with open_app(load_config(self.config, environ={}), SystemClock()) as app, app.sessions() as session:
            meetings = await session.scalar(select(func.count()).select_from(Meeting)) or 0
            months = await session.scalar(
                select(func.count()).select_from(select(Meeting.cell_id, Meeting.rule_month).distinct().subquery())
            )
            markers = await session.scalar(select(func.count()).where(JobRun.job == DIGEST_JOB)) or 0
        return {"meetings": meetings, "repeated": meetings - (months or 0), "markers": markers}


def _sends(fake: FakeTelegram, *methods: str) -> list[Call]:
    calls = [c for method in methods for c in fake.calls_to(method) if c.ok]
    return sorted(calls, key=lambda c: c.at)


def _fanout_sends(fake: FakeTelegram) -> list[Call]:
    return [c for c in _sends(fake, "sendMessage") if int(c.params["chat_id"]) >= FANOUT_ID]


async def takeover(folder: Path, url: str, cells: int, members: int, fanout: int) -> dict[str, object]:
    async with FakeTelegram(limits=Limits()) as fake:
        workers = Workers(folder, url, fake)
        await workers.seed(cells, members, fanout)
        try:
            await workers.start(2)
            await fake.wait_for(lambda: len(_fanout_sends(fake)) >= fanout // 3, within=600)
            [holder] = [p for p in workers.processes if is_sending(p)]
            holder.kill()
            killed_at = time.monotonic()
            before = len(_fanout_sends(fake))
            await fake.wait_for(lambda: len(_fanout_sends(fake)) > before, within=60)
            first_after = min(c.at for c in _fanout_sends(fake)[before:])
            await fake.wait_for(lambda: len({c.params["chat_id"] for c in _fanout_sends(fake)}) >= fanout, within=600)
            digests = await workers.digests()
            await fake.wait_for(lambda: set(digests) <= set(_texts(fake)), within=120)
            await asyncio.sleep(3)  # a second copy would come now
            counts = await workers.counts()
        finally:
            await workers.stop()
        digest_sends = Counter(text for text in _texts(fake) if text in digests)
        per_chat = Counter(c.params["chat_id"] for c in _fanout_sends(fake))
        assert counts["repeated"] == 0, counts
        assert counts["markers"] == 1, counts
        assert set(digest_sends.values()) == {1}, digest_sends
        assert len({chat for chat, _ in digest_sends}) == cells, digest_sends
        return {
            "workers": 2,
            "meetings_planned": counts["meetings"],
            "planned_twice": counts["repeated"],
            "digest_markers": counts["markers"],
            "digest_messages_sent": sum(digest_sends.values()),
            "reminders": fanout,
            "takeover_s": round(first_after - killed_at, 2),
            "duplicates": sum(n - 1 for n in per_chat.values()),
            "lost": fanout - len(per_chat),
            "throttled_429": sum(1 for c in fake.calls if c.status == 429),
        }


def _texts(fake: FakeTelegram) -> list[tuple[str, str]]:
    """(chat, text or caption) of every message the bot got through."""
    return [
        (str(c.params["chat_id"]), str(c.params.get("text", c.params.get("caption", ""))))
        for c in _sends(fake, "sendMessage", "sendPhoto")
    ]


async def throughput(folder: Path, url: str, fanout: int, count: int) -> float:
    """Sends per second of a fan-out of `fanout` reminders with `count` workers."""
    async with FakeTelegram(limits=Limits()) as fake:
        workers = Workers(folder, url, fake)
        await workers.seed(1, 1, fanout)
        try:
            await workers.start(count)
            await fake.wait_for(lambda: len(_fanout_sends(fake)) >= fanout, within=600)
        finally:
            await workers.stop()
        sends = _fanout_sends(fake)
        return (len(sends) - 1) / (sends[-1].at - sends[0].at)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=40)
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--fanout", type=int, default=600)
    args = parser.parse_args()
    if not postgres_admin_url():
        print("workers: skipped (set TEST_DATABASE_URL to a PostgreSQL server)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with fresh_database("postgresql", folder) as url:
            result = asyncio.run(takeover(folder, url, args.cells, args.members, args.fanout))
        print("takeover", json.dumps(result), flush=True)
        rates = []
        for count in (1, 2):
            with fresh_database("postgresql", folder) as url:
                rates.append(asyncio.run(throughput(folder, url, args.fanout, count)))
        print(
            "throughput",
            json.dumps({"one_worker_per_s": round(rates[0], 1), "two_workers_per_s": round(rates[1], 1)}),
            f"ratio one/two = {rates[0] / rates[1]:.2f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
