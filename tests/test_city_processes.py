"""Real serve and worker processes on PostgreSQL, killed mid-way (issue 12): no press lost, none
counted twice; the sending worker killed during a fan-out is replaced within 10 s.

Small numbers so that it runs in every `make test`; bench/city.py runs the same with city numbers.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import open_app
from core.clock import SystemClock
from core.config import load_config
from models import Account, Attendance, OutboxMessage, OutboxState, Platform, ProcessedUpdate
from services.roster import import_rows
from services.roster_file import parse_rows
from tests.botprocs import BotProcess, check_in_post, free_port, is_sending, wait_healthy, write_config
from tests.factories import CELL, COMMITTEE, build_world, roster_table
from tests.fake_telegram import DEFAULT_TOKEN, FakeTelegram, Limits
from tests.fake_telegram.fixtures import ADMIN_ID, People
from tests.fake_telegram.world import Call
from tests.proxy import RoundRobinProxy
from tests.test_webhook import SECRET

MEMBERS = 60
FANOUT = 300
FIRST_MEMBER_ID = 50_000


@pytest.fixture
def postgres(db_url: str) -> str:
    if not db_url.startswith("postgresql"):
        pytest.skip("several processes need PostgreSQL (set TEST_DATABASE_URL)")
    return db_url


def config_file(tmp_path: Path, db_url: str, fake: FakeTelegram, public_url: str, **telegram: object) -> Path:
    return write_config(
        tmp_path / "chibo.toml",
        {
            "telegram": {
                "token": DEFAULT_TOKEN,
                "base_url": fake.base_url,
                "admin_ids": [ADMIN_ID],
                "mode": "webhook",
                "webhook_secret": SECRET,
                **telegram,
            },
            "database": {"url": db_url},
            "reminders": {"dispatch_seconds": 0.5},
            "server": {"listen": "127.0.0.1:0", "public_url": public_url},
        },
    )


@pytest.fixture
async def proxy() -> AsyncIterator[RoundRobinProxy]:
    server = RoundRobinProxy([f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"])
    await server.start()
    yield server
    await server.stop()


class Fleet:
    """The processes a test started; all stopped (or killed) at the end."""

    def __init__(self, tmp_path: Path, config: Path) -> None:
        self.tmp_path = tmp_path
        self.config = config
        self.started: list[BotProcess] = []

    async def serve(self, upstream: str, name: str) -> BotProcess:
        port = int(upstream.rsplit(":", 1)[1])
        process = await BotProcess(self.config, "serve", "--listen", f"127.0.0.1:{port}", log=self.log(name)).start()
        self.started.append(process)
        await wait_healthy(port, process)
        return process

    async def worker(self, name: str) -> BotProcess:
        process = await BotProcess(self.config, "worker", log=self.log(name)).start()
        self.started.append(process)
        await process.wait_log("worker process ready")
        return process

    def log(self, name: str) -> Path:
        return self.tmp_path / f"{name}.log"

    async def close(self) -> None:
        await asyncio.gather(*(p.stop() for p in self.started))


async def test_killing_a_serve_process_mid_burst_loses_no_press(
    postgres: str, fake: FakeTelegram, people: People, proxy: RoundRobinProxy, tmp_path: Path
) -> None:
    fake.webhook_retry_delay = 0.3
    config = config_file(tmp_path, postgres, fake, proxy.url, rate_per_second=30)
    app_config = load_config(config, environ={})
    extra = [
        [COMMITTEE, CELL, f"Thành Viên {n:03d}", "dang_vien", "chinh_thuc", str(FIRST_MEMBER_ID + n), ""]
        for n in range(MEMBERS)
    ]
    async with open_app(app_config, SystemClock()) as app:
        world = await build_world(app, meeting_at=datetime.now(UTC) + timedelta(hours=1))
        async with app.sessions() as session:
            await import_rows(session, parse_rows(roster_table(extra)))
            await session.commit()
        fleet = Fleet(tmp_path, config)
        try:
            first = await fleet.serve(proxy.upstreams[0], "serve-1")
            await fleet.serve(proxy.upstreams[1], "serve-2")
            await fleet.worker("worker-1")
            await fake.wait_for(lambda: fake.webhook is not None, within=20)
            group = fake.group(CELL)
            fake.add_bot(people.an, group)
            await fake.say(people.an, "/ketnoi", group, within=20)
            await fake.say(people.an, "/modiemdanh", group, within=20)
            post = await fake.wait_for(lambda: check_in_post(fake, group.id), within=20)
            data = post.buttons[0]["callback_data"]
            members = [fake.user(FIRST_MEMBER_ID + n, f"TV{n}") for n in range(MEMBERS)]
            queries = [fake.press(member, post, data) for member in members]
            # A few press twice (an impatient thumb): still one attendance each.
            queries += [fake.press(member, post, data) for member in members[:5]]
            await fake.wait_for(lambda: sum(q in fake.answers for q in queries) >= MEMBERS // 3, within=30)
            first.kill()  # SIGKILL with presses in flight
            await asyncio.sleep(0.5)
            await fleet.serve(proxy.upstreams[0], "serve-1-again")
            await fake.wait_for(lambda: fake.undelivered == 0, within=60)
        finally:
            await fleet.close()
        async with app.sessions() as session:
            present = Counter(
                (
                    await session.scalars(
                        select(Account.external_id)
                        .join(Attendance, Attendance.person_id == Account.person_id)
                        .where(
                            Account.platform == Platform.TELEGRAM,
                            Attendance.meeting_id == world.meeting_id,
                            Attendance.checked_in_at.is_not(None),
                        )
                    )
                ).all()
            )
            marks = await session.scalar(select(func.count()).select_from(ProcessedUpdate))
    lost = {str(m.id) for m in members} - set(present)
    assert not lost, f"{len(lost)} pressers have no attendance row"
    answers = Counter(q for q in queries for _ in fake.answers.get(q, []))
    assert max(answers.values()) == 1, "a press was answered (so handled) twice"
    # Each press and each of the two commands was worked on exactly once, though some were delivered twice.
    assert marks == len(queries) + 2
    assert first.process is not None
    assert first.process.returncode == -9


async def test_killing_the_sending_worker_mid_fan_out(
    postgres: str, fake: FakeTelegram, proxy: RoundRobinProxy, tmp_path: Path
) -> None:
    """Two workers, one sends; SIGKILL it during a fan-out: the other takes over within 10 s, at
    most one message goes twice, none is lost, Telegram's limits draw no 429."""
    fake.flood.limits = Limits()  # Telegram's own limits, not the roomy test ones
    config = config_file(tmp_path, postgres, fake, proxy.url, rate_per_second=25)
    users = [fake.user(80_000 + n, f"U{n}") for n in range(FANOUT)]
    for user in users:
        fake.chats[user.id].open = True
    now = datetime.now(UTC)
    async with open_app(load_config(config, environ={}), SystemClock()) as app, app.sessions() as session:
        session.add_all(
            OutboxMessage(
                key=f"fanout:{user.id}",
                platform=Platform.TELEGRAM,
                chat_id=str(user.id),
                kind="test",
                text=f"Nhắc họp {user.id}",
                not_before=now,
            )
            for user in users
        )
        await session.commit()
    fleet = Fleet(tmp_path, config)
    try:
        workers = [await fleet.worker("worker-1"), await fleet.worker("worker-2")]
        await fake.wait_for(lambda: len(_sent(fake)) >= FANOUT // 3, within=60)
        [holder] = [w for w in workers if is_sending(w)]
        holder.kill()
        killed_at = time.monotonic()
        await fake.wait_for(lambda: len({c.params["chat_id"] for c in _sent(fake)}) >= FANOUT, within=90)
    finally:
        await fleet.close()
    sends = _sent(fake)
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(sends)]
    per_chat = Counter(int(c.params["chat_id"]) for c in sends)
    assert max(gaps) <= 10, f"longest gap {max(gaps):.1f}s"
    assert sum(n - 1 for n in per_chat.values()) <= 1, "more than one duplicate for one kill"
    assert set(per_chat) == {u.id for u in users}
    assert not [c for c in fake.calls if c.status == 429]
    assert any(c.at > killed_at for c in sends)
    async with open_app(load_config(config, environ={}), SystemClock()) as app, app.sessions() as session:
        states = Counter((await session.scalars(select(OutboxMessage.state))).all())
    assert states == {OutboxState.SENT: FANOUT}


def _sent(fake: FakeTelegram) -> list[Call]:
    return sorted((c for c in fake.calls_to("sendMessage") if c.ok), key=lambda c: c.at)
