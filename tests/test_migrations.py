"""Migrations build the schema from nothing, match the models exactly, and re-run as a no-op."""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from models import Base
from models.db import make_engine
from models.migrate import upgrade
from tests.dbutil import BACKENDS, fresh_database, postgres_admin_url


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_from_empty_matches_the_models(backend: str, tmp_path: Path) -> None:
    if backend == "postgresql" and not postgres_admin_url():
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    with fresh_database(backend, tmp_path, migrate=False) as url:
        asyncio.run(_check_upgrade(url))


async def _check_upgrade(url: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            assert await conn.run_sync(lambda c: inspect(c).get_table_names()) == []
        await upgrade(engine)
        await upgrade(engine)  # a second start is a no-op
        async with engine.connect() as conn:
            tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
            diff = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}), Base.metadata)
            )
        assert {t.name for t in Base.metadata.sorted_tables} <= tables
        assert "alembic_version" in tables
        assert diff == []
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_processes_starting_together_migrate_once(backend: str, tmp_path: Path) -> None:
    """Several processes start on a new database at the same moment: the migration runs under a
    lock, so one creates the schema and the others find it done instead of failing."""
    if backend == "postgresql" and not postgres_admin_url():
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    with fresh_database(backend, tmp_path, migrate=False) as url:
        asyncio.run(_upgrade_together(url, 4))


async def _upgrade_together(url: str, count: int) -> None:
    engines = [make_engine(url) for _ in range(count)]
    try:
        await asyncio.gather(*(upgrade(engine) for engine in engines))
        async with engines[0].connect() as conn:
            tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        assert {t.name for t in Base.metadata.sorted_tables} <= tables
    finally:
        for engine in engines:
            await engine.dispose()


# Released revisions and the SHA-256 of their file: a database in the field is at one of them, so
# a schema change is a new revision (`make migration MESSAGE=…`), never an edit of a released one.
RELEASED = {"0001_initial_schema.py": "94a2f5b19e2f9e3748afce46b3e33cad8065c34e61bc0261f3ea18ab101bd386"}


def test_released_migrations_are_never_edited() -> None:
    versions = Path(__file__).resolve().parent.parent / "models" / "migrations" / "versions"
    for name, digest in RELEASED.items():
        assert hashlib.sha256((versions / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_bot_processes_starting_together_both_succeed(backend: str, tmp_path: Path) -> None:
    """Two real `bot.py db upgrade` processes on one new database, started at the same moment."""
    if backend == "postgresql" and not postgres_admin_url():
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN")}
    with fresh_database(backend, tmp_path, migrate=False) as url:
        config = tmp_path / "c.toml"
        config.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
        command = [sys.executable, str(root / "bot.py"), "--config", str(config), "db", "upgrade"]
        processes = [
            subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        results = [(p.wait(timeout=120), *p.communicate()) for p in processes]
        asyncio.run(_check_upgrade_done(url))
    for code, out, err in results:
        assert code == 0, err
        assert "newest schema" in out


async def _check_upgrade_done(url: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        assert {t.name for t in Base.metadata.sorted_tables} <= tables
    finally:
        await engine.dispose()
