"""Backups that restore: a copy taken while the bot writes, restored into an empty database,
answers /lichhop, /cuatoi and /tongket exactly as the original did; bad restores change nothing."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot import open_app
from core.clock import FakeClock
from core.config import Config
from handlers.context import AppContext
from handlers.dispatcher import Dispatcher
from handlers.registry import ROUTER
from models import AuditEntry, Meeting, Opinion, Person
from models.backup import BackupError, backup, daily_done, prune, restore
from scheduler.jobs import daily_backup
from services.meetings import schedule_meeting
from tests.chat import Chat
from tests.dbutil import _admin
from tests.test_summary import COMMITTEE_CHAT, add_opinions, link_chats, standard_meeting

ROOT = Path(__file__).resolve().parent.parent
DEC_4 = datetime(2026, 12, 4, 12, 30, tzinfo=UTC)


@asynccontextmanager
async def empty_database(like: str, folder: Path) -> AsyncIterator[str]:
    """A new database with no tables, of the same kind as `like`."""
    url = make_url(like)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite+aiosqlite:///{folder / f'restored-{uuid.uuid4().hex[:8]}.db'}"
        return
    name = f"chibo_restore_{uuid.uuid4().hex[:12]}"
    await _admin(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def answers(app: AppContext) -> list[str]:
    """What a member and the secretary are told, as they would read it."""
    chat = Chat(Dispatcher(app, ROUTER))
    replies = []
    for user, text in (("1003", "/lichhop"), ("1003", "/cuatoi"), ("1001", "/lichhop"), ("1001", "/cuatoi")):
        replies.append((await chat.say(user, text)).text)
    summary = await chat.say("1001", "/tongket")
    return [*replies, summary.text, *summary.to(COMMITTEE_CHAT)]


async def seed(app: AppContext) -> int:
    """A held meeting with an excused absence, opinions and linked chats, and the next one ahead."""
    people, cell_id, meeting_id = await standard_meeting(app)
    await link_chats(app, cell_id)
    await add_opinions(app, meeting_id, people["Lê Văn Cường"], "Đề nghị sửa đường", "Cần thêm đèn")
    async with app.sessions() as session, session.begin():
        await schedule_meeting(session, cell_id, DEC_4, app.clock.now(), place="Nhà văn hóa", agenda="Tháng 12")
    return meeting_id


async def busy_writer(app: AppContext, stop: asyncio.Event) -> int:
    """Audit rows written one short transaction at a time while the backup runs."""
    written = 0
    while not stop.is_set():
        async with app.sessions() as session, session.begin():
            session.add(AuditEntry(at=app.clock.now(), action="bench", detail=str(written)))
        written += 1
        await asyncio.sleep(0)
    return written


async def test_a_backup_taken_during_activity_restores_to_the_same_answers(
    app: AppContext, config: Config, clock: FakeClock, tmp_path: Path
) -> None:
    await seed(app)
    stop = asyncio.Event()
    writer = asyncio.create_task(busy_writer(app, stop))
    await asyncio.sleep(0.05)
    path = await backup(config.database.url, tmp_path / "b", clock.now())
    stop.set()
    written = await writer
    assert written > 0
    before = await answers(app)

    async with empty_database(config.database.url, tmp_path) as target:
        await restore(target, path)
        restored_config = config.model_copy(update={"database": config.database.model_copy(update={"url": target})})
        async with open_app(restored_config, clock) as restored:
            async with restored.sessions() as session:
                details = (await session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "bench"))).all()
                # A consistent snapshot: every audit row up to some point, none torn or missing.
                assert sorted(int(d) for d in details) == list(range(len(details)))
                assert len(details) <= written
            after = await answers(restored)
    assert "Nhà văn hóa" in before[0]
    assert "Đi công tác Đà Nẵng" in "\n".join(before[4:])
    assert after == before


async def test_restore_refuses_a_database_that_is_not_empty_and_changes_nothing(
    app: AppContext, config: Config, clock: FakeClock, tmp_path: Path
) -> None:
    meeting_id = await seed(app)
    path = await backup(config.database.url, tmp_path, clock.now())
    async with app.sessions() as session:
        someone = await session.scalar(select(Person.id).limit(1))
    assert someone is not None
    await add_opinions(app, meeting_id, someone, "sau sao lưu")
    with pytest.raises(BackupError, match="not empty"):
        await restore(config.database.url, path)
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Opinion).where(Opinion.text == "sau sao lưu"))
        assert await session.scalar(select(func.count()).select_from(Meeting)) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"chi_bo,ho_ten\nKhu 1,An\n", "not a backup"),
        (b"", "not a backup"),
        (b"SQLite format 3\x00" + b"\x00" * 100, "not a|damaged|no tables"),
    ],
)
async def test_restore_refuses_files_that_are_not_our_backups(
    config: Config, tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(content)
    async with empty_database(config.database.url, tmp_path) as target:
        backend = make_url(target).get_backend_name()
        expected = message if backend == "sqlite" or not content.startswith(b"SQLite") else "not a PostgreSQL backup"
        with pytest.raises(BackupError, match=expected):
            await restore(target, bad)
        if backend == "sqlite":
            database = make_url(target).database
            assert database is not None
            assert not await asyncio.to_thread(Path(database).exists)


async def test_a_backup_of_the_other_kind_of_database_is_refused(config: Config, tmp_path: Path) -> None:
    postgres_dump = tmp_path / "x.pgdump"
    postgres_dump.write_bytes(b"PGDMP" + b"\x00" * 64)
    sqlite_url = f"sqlite+aiosqlite:///{tmp_path / 'new.db'}"
    with pytest.raises(BackupError, match="not a SQLite backup"):
        await restore(sqlite_url, postgres_dump)


async def test_missing_postgres_tools_are_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("models.backup.shutil.which", lambda _tool: None)
    with pytest.raises(BackupError, match="pg_dump is not installed"):
        await backup("postgresql+asyncpg://postgres@127.0.0.1:5432/none", tmp_path, datetime.now(UTC))
    assert not await asyncio.to_thread(lambda: list(tmp_path.iterdir()))


async def test_the_daily_job_backs_up_once_a_day_and_keeps_the_newest(
    app: AppContext, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "daily"
    settings = app.config.model_copy(
        update={"backup": app.config.backup.model_copy(update={"dir": str(folder), "keep": 3})}
    )
    job_app = AppContext(settings, app.sessions, clock, app.tr)
    manual = await backup(settings.database.url, folder, clock.now())
    for _day in range(5):
        await daily_backup(job_app)
        await daily_backup(job_app)  # a second worker, or a second firing: no second copy
        assert daily_done(folder, clock.now())
        clock.advance(timedelta(days=1))
    daily = sorted(p.name for p in folder.iterdir() if "-daily." in p.name)
    assert len(daily) == 3
    assert daily[0].startswith("chibo-20261125")
    assert manual.exists()  # backups made by hand are the operator's to delete
    assert prune(folder, 3) == []


def run_cli(*args: str, config: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN")}
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "--config", str(config), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


async def test_the_command_line_backs_up_and_restores(app: AppContext, config: Config, tmp_path: Path) -> None:
    await seed(app)
    source_config = tmp_path / "source.toml"
    source_config.write_text(f'[database]\nurl = "{config.database.url}"\n', encoding="utf-8")
    made = await asyncio.to_thread(run_cli, "backup", "--to", str(tmp_path / "out"), config=source_config)
    assert made.returncode == 0, made.stderr
    path = Path(made.stdout.strip().removeprefix("wrote "))
    assert await asyncio.to_thread(path.exists)

    refused = await asyncio.to_thread(run_cli, "restore", str(path), config=source_config)
    assert refused.returncode == 1
    assert "restore refused, nothing was changed" in refused.stderr
    assert "Traceback" not in refused.stderr

    async with empty_database(config.database.url, tmp_path) as target:
        target_config = tmp_path / "target.toml"
        target_config.write_text(f'[database]\nurl = "{target}"\n', encoding="utf-8")
        done = await asyncio.to_thread(run_cli, "restore", str(path), config=target_config)
        assert done.returncode == 0, done.stderr
        assert "restored" in done.stdout
