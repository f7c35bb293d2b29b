"""City scale (issue 12), real processes on PostgreSQL behind a round-robin proxy.

1. Burst: C cells × M members press "Có mặt" at an offered R presses/s; the fake Bot API delivers
   by webhook as Telegram does (max_connections at once, one chat at a time, redelivery after a
   non-2xx answer). Two serve processes and two workers; one serve process is SIGKILLed halfway
   and restarted. Then the same burst against one serve process alone. Reported: presses
   answered, lost (a presser without an attendance row), counted twice, latency press → answer
   (p50, p99), 429s drawn.
2. Sender failover: N reminders in the outbox, two workers; the sending one SIGKILLed a third of
   the way: longest gap between two sends, duplicates, lost, 429s.

Needs TEST_DATABASE_URL (a PostgreSQL server where databases may be created); skipped without.
`python bench/city.py [--cells 200] [--members 30] [--rate 150] [--fanout 2000]`.
The fake Bot API, the proxy and the pressers share this process's event loop.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from bot import open_app  # noqa: E402
from core.clock import SystemClock  # noqa: E402
from core.config import load_config  # noqa: E402
from models import Account, Attendance, ChatLink, OutboxMessage, Platform, ProcessedUpdate  # noqa: E402
from services.meetings import schedule_meeting  # noqa: E402
from services.roster import import_rows  # noqa: E402
from services.roster_file import parse_rows  # noqa: E402
from tests.botprocs import BotProcess, check_in_post, free_port, is_sending, wait_healthy, write_config  # noqa: E402
from tests.dbutil import fresh_database, postgres_admin_url  # noqa: E402
from tests.fake_telegram.flood import Limits  # noqa: E402
from tests.fake_telegram.server import DEFAULT_TOKEN, FakeTelegram  # noqa: E402
from tests.fake_telegram.world import Call  # noqa: E402
from tests.proxy import RoundRobinProxy  # noqa: E402

SECRET = "bench-city-secret"
MEMBER_ID = 10_000_000
SECRETARY_ID = 20_000_000
GROUP_ID = -1_005_000_000_000


def roster(cells: int, members: int) -> list[list[str]]:
    rows = [["dang_bo", "chi_bo", "ho_ten", "vai_tro", "trang_thai", "telegram_id", "zalo_id"]]
    for cell in range(cells):
        name = f"Chi bộ {cell:03d}"
        rows.append(
            ["Đảng bộ Thành phố", name, f"Bí Thư {cell:03d}", "bi_thu", "chinh_thuc", str(SECRETARY_ID + cell), ""]
        )
        for member in range(members):
            person = cell * members + member
            rows.append(
                [
                    "Đảng bộ Thành phố",
                    name,
                    f"Đảng Viên {person:05d}",
                    "dang_vien",
                    "chinh_thuc",
                    str(MEMBER_ID + person),
                    "",
                ]
            )
    return rows


class City:
    def __init__(
        self, folder: Path, url: str, fake: FakeTelegram, proxy: RoundRobinProxy, cells: int, members: int
    ) -> None:
        self.folder = folder
        self.url = url
        self.fake = fake
        self.proxy = proxy
        self.cells = cells
        self.members = members
        self.config = write_config(
            folder / "city.toml",
            {
                "telegram": {
                    "token": DEFAULT_TOKEN,
                    "base_url": fake.base_url,
                    "mode": "webhook",
                    "webhook_secret": SECRET,
                    "rate_per_second": 25,
                },
                "database": {"url": url},
                "reminders": {"dispatch_seconds": 0.5},
                "server": {"listen": "127.0.0.1:0", "public_url": proxy.url},
            },
        )
        self.processes: list[BotProcess] = []

    async def seed(self) -> dict[int, int]:
        """The roster, each cell's group linked, one meeting per cell in an hour; returns cell → meeting."""
        now = datetime.now(UTC)
        meetings: dict[int, int] = {}
        async with open_app(load_config(self.config, environ={}), SystemClock()) as app:
            async with app.sessions() as session:
                await import_rows(session, parse_rows(roster(self.cells, self.members)))
                await session.commit()
            async with app.sessions() as session:
                from models import Cell

                cells = (await session.scalars(select(Cell).order_by(Cell.name))).all()
                await session.execute(
                    insert(ChatLink),
                    [
                        {"platform": Platform.TELEGRAM, "chat_id": str(GROUP_ID - i), "cell_id": c.id}
                        for i, c in enumerate(cells)
                    ],
                )
                for index, cell in enumerate(cells):
                    meeting = await schedule_meeting(
                        session, cell.id, now + timedelta(hours=1), now, place="Nhà văn hóa"
                    )
                    meetings[index] = meeting.id
                await session.commit()
        return meetings

    async def start(self, serves: int, workers: int) -> None:
        for n, upstream in enumerate(self.proxy.upstreams[:serves]):
            await self.serve(upstream, f"serve-{n}")
        for n in range(workers):
            process = await BotProcess(self.config, "worker", log=self.folder / f"worker-{n}.log").start()
            self.processes.append(process)
        for process in self.processes:
            if "worker" in process.command:
                await process.wait_log("worker process ready", within=120)

    async def serve(self, upstream: str, name: str) -> BotProcess:
        port = int(upstream.rsplit(":", 1)[1])
        process = await BotProcess(
            self.config, "serve", "--listen", f"127.0.0.1:{port}", log=self.folder / f"{name}.log"
        ).start()
        self.processes.append(process)
        await wait_healthy(port, process, within=120)
        return process

    async def stop(self) -> None:
        await asyncio.gather(*(p.stop() for p in self.processes))
        self.processes.clear()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def burst(
    folder: Path, url: str, cells: int, members: int, rate: float, serves: int, kill: bool
) -> dict[str, object]:
    proxy = RoundRobinProxy([f"http://127.0.0.1:{free_port()}" for _ in range(serves)])
    await proxy.start()
    async with FakeTelegram(limits=Limits()) as fake:
        city = City(folder, url, fake, proxy, cells, members)
        meetings = await city.seed()
        groups = []
        for index in range(cells):
            group = fake.group(f"Chi bộ {index:03d}", GROUP_ID - index)
            group.open = True
            groups.append(group)
        secretaries = [fake.user(SECRETARY_ID + i, f"BT{i}") for i in range(cells)]
        try:
            await city.start(serves, workers=2)
            await fake.wait_for(lambda: fake.webhook is not None, within=60)
            for secretary, group in zip(secretaries, groups, strict=True):
                fake.send(secretary, "/modiemdanh", group)
            posts = await fake.wait_for(
                lambda: (found := [check_in_post(fake, g.id) for g in groups]) and all(found) and found,
                within=300,
            )
            presses: list[tuple[float, str, int]] = []
            order = [(cell, member) for cell in range(cells) for member in range(members)]
            random.Random(12).shuffle(order)
            users = {p: fake.user(MEMBER_ID + p, f"ĐV{p}") for p in range(cells * members)}
            started = time.monotonic()
            killed = False
            restart: asyncio.Task[None] | None = None
            for n, (cell, member) in enumerate(order):
                due = started + n / rate
                if (wait := due - time.monotonic()) > 0:
                    await asyncio.sleep(wait)
                post = posts[cell]
                assert post is not None
                query = fake.press(users[cell * members + member], post, post.buttons[0]["callback_data"])
                presses.append((time.monotonic(), query, cell * members + member))
                if kill and not killed and n >= len(order) // 2:
                    victim = city.processes[0]
                    victim.kill()
                    killed = True
                    restart = asyncio.get_running_loop().create_task(_restart(city, proxy.upstreams[0]))
            offered = len(order) / (time.monotonic() - started)
            if restart is not None:
                await restart
            await fake.wait_for(lambda: fake.undelivered == 0, within=900)
            answered_at = {c.params["callback_query_id"]: c.at for c in fake.calls_to("answerCallbackQuery") if c.ok}
            latencies = [answered_at[q] - at for at, q, _ in presses if q in answered_at]
            # A redelivered update whose work was already committed is ignored, but its query is
            # answered again (empty), which Telegram refuses as "too old": counted, not an action.
            answers = fake.calls_to("answerCallbackQuery")
            refused_again = sum(1 for c in answers if not c.ok)
            toasts = Counter(c.params["callback_query_id"] for c in answers if c.ok and c.params.get("text"))
            twice = sum(n - 1 for n in toasts.values())
        finally:
            await city.stop()
            await proxy.stop()
        async with open_app(load_config(city.config, environ={}), SystemClock()) as app, app.sessions() as session:
            present = set(
                (
                    await session.scalars(
                        select(Account.external_id)
                        .join(Attendance, Attendance.person_id == Account.person_id)
                        .where(
                            Attendance.checked_in_at.is_not(None), Attendance.meeting_id.in_(list(meetings.values()))
                        )
                    )
                ).all()
            )
            marks = await session.scalar(select(func.count()).select_from(ProcessedUpdate))
        lost = sum(1 for _, _, person in presses if str(MEMBER_ID + person) not in present)
        redelivered = sum(1 for d in fake.webhook_deliveries if not 200 <= d.status < 300)
        handling = [d.at - d.sent_at for d in fake.webhook_deliveries]
        return {
            "serve_processes": serves,
            "presses": len(presses),
            "offered_per_s": round(offered, 1),
            "answered": len(latencies),
            "lost": lost,
            "counted_twice": twice,
            "redelivered_ignored": refused_again,
            "processed_marks": marks,
            "non_2xx_deliveries": redelivered,
            "latency_p50_s": round(percentile(latencies, 0.5), 3),
            "latency_p99_s": round(percentile(latencies, 0.99), 3),
            "handling_p50_s": round(percentile(handling, 0.5), 3),
            "handling_p99_s": round(percentile(handling, 0.99), 3),
            "throttled_429": sum(1 for c in fake.calls if c.status == 429),
            "killed_halfway": kill,
        }


async def _restart(city: City, upstream: str) -> None:
    await asyncio.sleep(1.0)
    await city.serve(upstream, "serve-0-again")


async def failover(folder: Path, url: str, count: int) -> dict[str, object]:
    proxy = RoundRobinProxy([f"http://127.0.0.1:{free_port()}"])
    await proxy.start()
    async with FakeTelegram(limits=Limits()) as fake:
        city = City(folder, url, fake, proxy, 0, 0)
        users = [fake.user(30_000_000 + n, f"U{n}") for n in range(count)]
        for user in users:
            fake.chats[user.id].open = True
        now = datetime.now(UTC)
        async with open_app(load_config(city.config, environ={}), SystemClock()) as app, app.sessions() as session:
            await session.execute(
                insert(OutboxMessage),
                [
                    {
                        "key": f"f:{u.id}",
                        "platform": Platform.TELEGRAM,
                        "chat_id": str(u.id),
                        "kind": "reminder",
                        "text": "Nhắc họp",
                        "not_before": now,
                    }
                    for u in users
                ],
            )
            await session.commit()
        try:
            await city.start(0, workers=2)
            await fake.wait_for(lambda: len(fake.calls_to("sendMessage")) >= count // 3, within=600)
            holders = [p for p in city.processes if is_sending(p)]
            assert len(holders) == 1, "\n\n".join(p.text()[-4000:] for p in city.processes)
            [holder] = holders
            holder.kill()
            await fake.wait_for(lambda: len({c.params["chat_id"] for c in _ok(fake)}) >= count, within=600)
        finally:
            await city.stop()
            await proxy.stop()
        sends = _ok(fake)
        per_chat = Counter(c.params["chat_id"] for c in sends)
        return {
            "reminders": count,
            "longest_gap_s": round(max(b.at - a.at for a, b in itertools.pairwise(sends)), 2),
            "duplicates": sum(n - 1 for n in per_chat.values()),
            "lost": sum(1 for u in users if per_chat[str(u.id)] == 0),
            "throttled_429": sum(1 for c in fake.calls if c.status == 429),
            "rate_per_s": round(len(sends) / (sends[-1].at - sends[0].at), 1),
        }


def _ok(fake: FakeTelegram) -> list[Call]:
    return sorted((c for c in fake.calls_to("sendMessage") if c.ok), key=lambda c: c.at)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=200)
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--rate", type=float, default=150.0)
    parser.add_argument("--fanout", type=int, default=2000)
    parser.add_argument("--only", choices=["burst", "failover"], default=None)
    args = parser.parse_args()
    if not postgres_admin_url():
        print("city: skipped (set TEST_DATABASE_URL to a PostgreSQL server)")
        return 0
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        runs = []
        if args.only in (None, "burst"):
            runs += [("burst", 2, True), ("burst", 1, False)]
        if args.only in (None, "failover"):
            runs += [("failover", 0, False)]
        for kind, serves, kill in runs:
            with fresh_database("postgresql", folder) as url:
                if kind == "burst":
                    result = asyncio.run(burst(folder, url, args.cells, args.members, args.rate, serves, kill))
                else:
                    result = asyncio.run(failover(folder, url, args.fanout))
            print(kind, json.dumps(result), flush=True)
            results.append(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
