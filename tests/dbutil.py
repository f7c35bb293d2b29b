"""Test databases: a fresh SQLite file or PostgreSQL database per run, emptied after every test."""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from models import Base
from models.db import make_engine
from models.migrate import upgrade

BACKENDS = ("sqlite", "postgresql")


def run_on_sqlite_file(bench: Callable[[str], Coroutine[object, object, bool]]) -> int:
    """A benchmark's exit code: `bench` run on a new SQLite file in a temporary folder, 0 when it
    says its targets were met (and this says which)."""
    with tempfile.TemporaryDirectory() as folder:
        met = asyncio.run(bench(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"))
    print("targets met" if met else "TARGET MISSED")
    return 0 if met else 1


def postgres_admin_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


async def _admin(sql: str) -> None:
    admin_url = postgres_admin_url()
    assert admin_url
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


@contextmanager
def fresh_database(backend: str, folder: Path, *, migrate: bool = True) -> Iterator[str]:
    """Yield the URL of a new, empty database (migrated unless told otherwise); drop it afterwards."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{folder / f'chibo-{uuid.uuid4().hex[:8]}.db'}"
        if migrate:
            asyncio.run(_migrate(url))
        yield url
        return
    admin_url = postgres_admin_url()
    assert admin_url, "TEST_DATABASE_URL is not set"
    name = f"chibo_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        if migrate:
            asyncio.run(_migrate(url))
        yield url
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


async def empty_tables(url: str) -> None:
    """Remove every row so the next test starts from an empty, migrated schema."""
    engine = make_engine(url)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    try:
        async with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                await conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    await conn.execute(text(f"DELETE FROM {table}"))
    finally:
        await engine.dispose()
