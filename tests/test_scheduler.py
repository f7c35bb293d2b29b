"""The scheduler wiring, and real bot processes: killed mid fan-out, and two at once on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import func, select

from bot import open_app
from core.clock import FakeClock
from core.config import Config
from handlers.context import AppContext
from models import Cell, Meeting, OutboxMessage, OutboxState, Platform
from scheduler.runner import build_scheduler, start_scheduler, stop_scheduler
from services.meetings import schedule_meeting
from services.outbox import Recipient, enqueue
from services.roster import import_rows
from services.roster_file import parse_rows
from tests.factories import connect_everyone
from tests.fake_telegram.flood import Limits
from tests.fake_telegram.server import DEFAULT_TOKEN, FakeTelegram
from tests.polling import until
from tests.test_reminders import RecordingSender

ROOT = Path(__file__).resolve().parent.parent

# A bot process: the real Telegram channel and the real scheduler, as `bot.py run` wires them.
BOT_PROCESS = """
import asyncio, logging, signal, sys
from pathlib import Path
from bot import open_app
from channels.telegram import TelegramChannel
from core.config import load_config
from core.logs import setup_logging
from models import Platform
from scheduler.runner import start_scheduler, stop_scheduler

async def main() -> None:
    config = load_config(Path(sys.argv[1]), environ={})
    setup_logging(config.secrets(), logging.INFO)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with open_app(config) as app:
        channel = TelegramChannel(app)
        async with channel.running():
            scheduler = start_scheduler(app, {Platform.TELEGRAM: channel.sender})
            await stop.wait()
            await stop_scheduler(scheduler)

asyncio.run(main())
"""


async def test_the_jobs_and_their_triggers(app: AppContext) -> None:
    scheduler = build_scheduler(app, {})
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {
        "dispatch",
        "plan",
        "close",
        "close-votes",
        "weekly-digest",
        "monthly-rollup",
        "visit-reminder",
        "retention",
        "backup",
        "forget-old",
    }
    assert "hour='3'" in str(jobs["backup"].trigger) and "minute='0'" in str(jobs["backup"].trigger)  # noqa: PT018
    assert isinstance(jobs["dispatch"].trigger, IntervalTrigger)
    assert jobs["dispatch"].trigger.interval == timedelta(seconds=app.config.reminders.dispatch_seconds)
    plan = jobs["plan"].trigger
    assert isinstance(plan, CronTrigger)
    assert str(plan.timezone) == "Asia/Ho_Chi_Minh"
    assert "hour='0'" in str(plan) and "minute='5'" in str(plan)  # noqa: PT018
    assert isinstance(jobs["close"].trigger, IntervalTrigger)


async def test_the_daily_backup_can_be_turned_off(app: AppContext) -> None:
    settings = app.config.model_copy(update={"backup": app.config.backup.model_copy(update={"daily_at": ""})})
    scheduler = build_scheduler(AppContext(settings, app.sessions, app.clock, app.tr), {})
    assert "backup" not in {job.id for job in scheduler.get_jobs()}


async def test_the_running_scheduler_plans_and_sends(db_url: str, clock: FakeClock) -> None:
    """APScheduler itself fires the jobs: the plan at start, then the periodic dispatch."""
    config = Config.model_validate({"database": {"url": db_url}, "reminders": {"dispatch_seconds": 0.05}})
    async with open_app(config, clock) as app:
        async with app.sessions() as session:
            await import_rows(
                session, parse_rows([*ROSTER_HEAD, ["Đảng bộ B", "Chi bộ A", "Nguyễn Văn A", "bi_thu", "1"]])
            )
            await enqueue(
                session,
                key="k",
                to=Recipient(Platform.TELEGRAM, "1"),
                text="xin chào",
                kind="t",
                not_before=clock.now(),
            )
            await session.commit()
        sender = RecordingSender(clock, Platform.TELEGRAM)
        scheduler = start_scheduler(app, {Platform.TELEGRAM: sender})

        async def planned() -> list[str | None]:
            async with app.sessions() as session:
                return list((await session.scalars(select(Meeting.rule_month).order_by(Meeting.starts_at))).all())

        try:
            for _ in range(100):
                if sender.sent and len(await planned()) == 2:
                    break
                await asyncio.sleep(0.05)
        finally:
            await stop_scheduler(scheduler)
        assert [s.text for s in sender.sent] == ["xin chào"]
        assert await planned() == ["2026-12", "2027-01"]
        assert not scheduler.running


# ---- real processes ---------------------------------------------------------------------------------

ROSTER_HEAD = [["dang_bo", "chi_bo", "ho_ten", "vai_tro", "telegram_id"]]


async def big_cell(app: AppContext, fake: FakeTelegram, members: int) -> list[int]:
    """A cell of `members`, every one of whom pressed Start, with a meeting in two days: its
    announcement is due the moment a bot looks."""
    ids = [300_000 + n for n in range(members)]
    rows = [
        ["Đảng bộ B", "Chi bộ Đông", f"Đảng viên {n:04d}", "bi_thu" if n == 0 else "dang_vien", str(i)]
        for n, i in enumerate(ids)
    ]
    now = datetime.now(UTC)
    async with app.sessions() as session:
        await import_rows(session, parse_rows([*ROSTER_HEAD, *rows]))
        cell = await session.scalar(select(Cell))
        assert cell is not None
        await schedule_meeting(session, cell.id, now + timedelta(days=2), now, place="Hội trường")
        await session.commit()
    await connect_everyone(app)
    for user_id in ids:
        fake.user(user_id, f"Đảng viên {user_id}")
        fake.chats[user_id].open = True
    return ids


def bot_config(tmp_path: Path, name: str, db_url: str, fake: FakeTelegram, *, rate: float = 25) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(
        f"""
[telegram]
token = "{DEFAULT_TOKEN}"
base_url = "{fake.base_url}"
rate_per_second = {rate}

[database]
url = "{db_url}"

[reminders]
dispatch_seconds = 0.2
claim_seconds = 5
""",
        encoding="utf-8",
    )
    return path


def start_bot(config: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", BOT_PROCESS, str(config)],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def delivered(fake: FakeTelegram, ids: list[int]) -> Counter[int]:
    wanted = set(ids)
    return Counter(
        int(c.params["chat_id"])
        for c in fake.calls_to("sendMessage")
        if c.ok and int(c.params["chat_id"]) in wanted and "Thông báo sinh hoạt" in str(c.params.get("text"))
    )


async def exited(bot: subprocess.Popen[bytes]) -> None:
    """Wait for the process without blocking the loop: the fake server must keep answering meanwhile."""
    await asyncio.to_thread(bot.wait, 30)


@pytest.fixture
async def process_app(db_url: str) -> AsyncIterator[AppContext]:
    """The database the bot processes share, seen from the test with the real clock."""
    async with open_app(Config.model_validate({"database": {"url": db_url}})) as app:
        yield app


async def test_a_bot_stopped_or_killed_mid_fan_out_reminds_everyone_after_a_restart(
    process_app: AppContext, tmp_path: Path
) -> None:
    """120 announcements at 25/s: stopped once (SIGTERM: nothing repeated), killed twice (SIGKILL: at
    most the one message in flight repeated per kill); in the end every member got it."""
    async with FakeTelegram() as fake:
        ids = await big_cell(process_app, fake, 120)
        config = bot_config(tmp_path, "bot", process_app.config.database.url, fake)

        async def run_until(count: int, how: signal.Signals, name: str) -> None:
            bot = start_bot(config, tmp_path / f"{name}.log")
            try:
                await until(lambda: sum(delivered(fake, ids).values()) >= count, within=60)
            finally:
                bot.send_signal(how)
                await exited(bot)

        await run_until(30, signal.SIGTERM, "stopped")
        graceful = delivered(fake, ids)
        async with process_app.sessions() as session:
            sent = await session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state == OutboxState.SENT)
            )
            held = await session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.claimed_by.is_not(None))
            )
        assert max(graceful.values()) == 1
        assert sent == len(graceful)  # every message that went out is recorded
        assert held == 0  # and the rest was given back, for the next start to send at once
        await run_until(60, signal.SIGKILL, "killed-1")
        await run_until(90, signal.SIGKILL, "killed-2")
        bot = start_bot(config, tmp_path / "last.log")
        try:
            await until(lambda: set(delivered(fake, ids)) == set(ids), within=60)
            await asyncio.sleep(0.5)  # nothing more arrives afterwards
        finally:
            bot.send_signal(signal.SIGTERM)
            await exited(bot)
        counts = delivered(fake, ids)
        assert set(counts) == set(ids)
        assert sum(n - 1 for n in counts.values()) <= 2
        async with process_app.sessions() as session:
            states = Counter(
                (await session.scalars(select(OutboxMessage.state).where(OutboxMessage.kind == "announce"))).all()
            )
        assert states == {OutboxState.SENT: len(ids)}


async def test_two_bot_processes_on_one_postgresql_database_never_send_twice(
    process_app: AppContext, tmp_path: Path
) -> None:
    if not process_app.config.database.url.startswith("postgresql"):
        pytest.skip("two processes sharing one database is a PostgreSQL set-up")
    async with FakeTelegram(limits=Limits(global_per_second=30)) as fake:
        ids = await big_cell(process_app, fake, 160)
        logs = [tmp_path / "one.log", tmp_path / "two.log"]
        # Two instances share Telegram's limits: each gets half the bot's rate.
        bots = [
            start_bot(bot_config(tmp_path, name, process_app.config.database.url, fake, rate=12), log)
            for name, log in zip(("one", "two"), logs, strict=True)
        ]
        try:
            await until(lambda: set(delivered(fake, ids)) == set(ids), within=90)
            await asyncio.sleep(1)
        finally:
            for bot in bots:
                bot.send_signal(signal.SIGTERM)
            for bot in bots:
                await exited(bot)
        counts = delivered(fake, ids)
        assert set(counts) == set(ids)
        assert max(counts.values()) == 1
        sent_by = [sum(int(n) for n in re.findall(r"outbox: sent (\d+)", log.read_text())) for log in logs]
        assert sum(sent_by) >= len(ids)
        assert min(sent_by) > 0, sent_by  # both processes took part
