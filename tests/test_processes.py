"""Several processes: the command line for serve and worker, the sender lock, jobs safe with two workers."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from channels.ratelimit import SharedLimiter, Window
from core.clock import FakeClock
from core.config import Config
from handlers.context import AppContext
from models import Meeting, MeetingState, OutboxMessage, Platform
from models.db import make_engine, make_sessionmaker
from processes import sender_lock_name
from scheduler.dispatch import OutboxDispatcher
from scheduler.runner import build_scheduler
from scheduler.sender_lock import SenderLock, holder_of
from services import attendance
from tests.factories import build_world
from tests.fake_telegram import DEFAULT_TOKEN
from tests.test_console import run_cli

# ---- command line ------------------------------------------------------------------------------


def test_serve_and_worker_have_help(tmp_path: Path) -> None:
    config = tmp_path / "chibo.toml"
    config.write_text('[bot]\nlanguage = "vi"\n', encoding="utf-8")
    overall = run_cli(tmp_path, "--help")
    assert "serve" in overall.stdout
    assert "worker" in overall.stdout
    serve = run_cli(tmp_path, "--config", str(config), "serve", "--help")
    assert serve.returncode == 0
    assert "webhook" in serve.stdout
    worker = run_cli(tmp_path, "--config", str(config), "worker", "--help")
    assert worker.returncode == 0
    assert "outbox" in worker.stdout


def test_serve_refuses_a_polling_configuration(tmp_path: Path) -> None:
    config = tmp_path / "chibo.toml"
    config.write_text(f'[telegram]\ntoken = "{DEFAULT_TOKEN}"\n', encoding="utf-8")
    result = run_cli(tmp_path, "--config", str(config), "serve")
    assert result.returncode == 1
    assert 'set [telegram] mode = "webhook"' in result.stderr
    assert "Traceback" not in result.stderr
    nothing = run_cli(tmp_path, "worker")
    assert nothing.returncode == 1
    assert "no platform configured" in nothing.stderr


# ---- the sender lock ---------------------------------------------------------------------------


def engine_of(app: AppContext) -> AsyncEngine:
    engine = app.sessions.kw["bind"]
    assert isinstance(engine, AsyncEngine)
    return engine


async def start(lock: SenderLock) -> asyncio.Task[None]:
    return asyncio.create_task(lock.run())


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def wait_held(lock: SenderLock, within: float) -> float:
    started = time.monotonic()
    await asyncio.wait_for(lock.acquired.wait(), within)
    return time.monotonic() - started


async def test_one_holder_at_a_time_and_a_clean_stop_hands_over_at_once(app: AppContext, db_url: str) -> None:
    other = make_engine(db_url)
    first = SenderLock(engine_of(app), "sender:test", "first", retry_seconds=0.1, lease_seconds=1)
    second = SenderLock(other, "sender:test", "second", retry_seconds=0.1, lease_seconds=1)
    try:
        one = await start(first)
        await wait_held(first, 5)
        two = await start(second)
        await asyncio.sleep(0.5)
        assert first.held
        assert not second.held
        await stop(one)
        assert await wait_held(second, 5) < 1
        await stop(two)
    finally:
        await other.dispose()


async def test_a_dead_holder_is_replaced_within_seconds_and_its_claims_are_freed(
    app: AppContext, db_url: str, clock: FakeClock
) -> None:
    """The holder dies without a word (its connection or lease simply ends): the standby takes
    over, and gives back what the dead one had claimed so nothing waits out a 60 s claim."""
    async with app.sessions() as session:
        session.add(
            OutboxMessage(
                key="k1",
                platform=Platform.TELEGRAM,
                chat_id="1",
                kind="test",
                text="x",
                not_before=clock.now(),
                claimed_by="dead-worker",
                claimed_until=clock.now() + timedelta(minutes=1),
            )
        )
        await session.commit()
    doomed_engine = make_engine(db_url)
    doomed = SenderLock(doomed_engine, "sender:test", "doomed", [Platform.TELEGRAM], retry_seconds=0.2, lease_seconds=1)
    standby = SenderLock(
        engine_of(app), "sender:test", "standby", [Platform.TELEGRAM], retry_seconds=0.2, lease_seconds=1
    )
    doomed_task = await start(doomed)
    await wait_held(doomed, 5)
    standby_task = await start(standby)

    async def nothing() -> None:
        return None

    doomed._release = nothing  # type: ignore[method-assign]  # a SIGKILL says no goodbye
    await stop(doomed_task)
    if doomed._connection is not None:  # its connection (and so its advisory lock) ends with the process
        await doomed._connection.invalidate()
    await doomed_engine.dispose()
    try:
        assert await wait_held(standby, 10) < 3
        async with app.sessions() as session:
            row = await session.scalar(select(OutboxMessage))
            assert row is not None
            assert row.claimed_by is None
        if engine_of(app).dialect.name == "sqlite":
            assert await holder_of(engine_of(app), "sender:test") == "standby"
    finally:
        await stop(standby_task)


async def test_a_dispatcher_that_may_not_send_claims_nothing(app: AppContext, clock: FakeClock) -> None:
    async with app.sessions() as session:
        session.add(
            OutboxMessage(
                key="k2", platform=Platform.TELEGRAM, chat_id="1", kind="test", text="x", not_before=clock.now()
            )
        )
        await session.commit()
    dispatcher = OutboxDispatcher(
        app.sessions, clock, {Platform.TELEGRAM: object()}, claim_seconds=60, may_send=lambda: False
    )  # type: ignore[dict-item]
    report = await dispatcher.run_once()
    assert not report
    async with app.sessions() as session:
        row = await session.scalar(select(OutboxMessage))
        assert row is not None
        assert row.claimed_by is None


def test_the_lock_is_named_after_the_bots() -> None:
    config = Config.model_validate({"telegram": {"token": DEFAULT_TOKEN}, "zalo": {"token": "42:zalosecretvalue"}})
    assert sender_lock_name(config) == "sender:telegram:123456789,zalo:42"
    assert "TEST-token" not in sender_lock_name(config)


# ---- jobs with two workers ---------------------------------------------------------------------


async def test_two_workers_closing_at_once_close_each_check_in_once(
    app: AppContext, clock: FakeClock, db_url: str
) -> None:
    world = await build_world(app, meeting_at=clock.now() + timedelta(hours=1))
    assert world.meeting_id is not None
    async with app.sessions() as session:
        meeting = await session.get(Meeting, world.meeting_id)
        assert meeting is not None
        await attendance.open_checkin(session, meeting, clock.now() + timedelta(hours=1), 30, requires_code=False)
        await session.commit()
    if engine_of(app).dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: the second close waits and finds nothing open")
    later = clock.now() + timedelta(hours=2)
    other = make_engine(db_url)
    try:
        async with app.sessions() as one, make_sessionmaker(other)() as two:
            first = await attendance.close_due(one, later)
            second = await attendance.close_due(two, later)
            await one.commit()
            await two.commit()
    finally:
        await other.dispose()
    assert len(first) + len(second) == 1
    async with app.sessions() as session:
        closed = await session.get(Meeting, world.meeting_id)
        assert closed is not None
        assert closed.state is MeetingState.CLOSED


# ---- one send budget for every process (PostgreSQL) ---------------------------------------------


async def test_two_processes_share_one_send_budget(app: AppContext, db_url: str) -> None:
    """Two limiters (two processes) sending as fast as they may: no second holds more than the
    bot-wide limit, and a chat one of them was told to pause is paused for the other too."""
    if not db_url.startswith("postgresql"):
        pytest.skip("the shared budget lives in PostgreSQL")
    other = make_engine(db_url)
    windows = {"overall": Window.rate(20), "per_chat": Window.rate(1, 3.0), "per_group": Window(20, 60.0)}
    one = SharedLimiter(engine_of(app), "telegram:1", **windows)
    two = SharedLimiter(other, "telegram:1", **windows)
    moments: list[float] = []

    async def send(limiter: SharedLimiter, chat: int) -> None:
        await limiter.acquire(str(chat), group=False)
        moments.append(time.monotonic())

    try:
        await asyncio.gather(*(send(one if n % 2 else two, n) for n in range(50)))
        moments.sort()
        busiest = max(sum(1 for m in moments if start <= m < start + 1.0) for start in moments)
        # 20 per second; a loaded machine wakes a sleeper late, so a few may bunch (two processes
        # each on its own budget would reach 40).
        assert busiest <= 23
        assert moments[-1] - moments[0] >= 2.2
        # The same chat: one a second, whichever process sends.
        started = time.monotonic()
        await asyncio.gather(*(send(one if n % 2 else two, 999) for n in range(3)))
        assert time.monotonic() - started >= 1.8
        one.pause("777", 1.5)
        await asyncio.sleep(0.2)  # the pause reaches the database
        started = time.monotonic()
        await send(two, 777)
        assert time.monotonic() - started >= 1.2
    finally:
        await other.dispose()


async def test_jobs_that_send_run_only_in_the_worker_holding_the_lock(app: AppContext, clock: FakeClock) -> None:
    """Closing check-ins (its counter edits) and the backup run in one worker only (the digest is
    written to the outbox once per week by whichever worker comes first)."""
    world = await build_world(app, meeting_at=clock.now() + timedelta(hours=1))
    async with app.sessions() as session:
        meeting = await session.get(Meeting, world.meeting_id)
        assert meeting is not None
        await attendance.open_checkin(session, meeting, clock.now() + timedelta(hours=1), 30, requires_code=False)
        await session.commit()
    clock.advance(timedelta(hours=2))
    standby = build_scheduler(app, {}, sending=lambda: False)
    holder = build_scheduler(app, {}, sending=lambda: True)
    for scheduler in (standby, holder):
        close = scheduler.get_job("close")
        assert close is not None
        await close.func(*close.args)
        async with app.sessions() as session:
            closed = await session.get(Meeting, world.meeting_id)
            assert closed is not None
            assert (closed.state is MeetingState.CLOSED) == (scheduler is holder)
    backup = standby.get_job("backup")
    assert backup is not None
    assert await backup.func(*backup.args) is None
