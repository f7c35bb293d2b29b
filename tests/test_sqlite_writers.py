"""SQLite's writers in one process (models/db.py): they take turns without sleeping in SQLite's
busy handler, and every connection goes back to the pool without a transaction or a lock."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest
from sqlalchemy import event, make_url, text
from sqlalchemy.pool import PoolResetState

from handlers.context import AppContext
from models.db import _sqlite_reset, writing
from tests.test_processes import engine_of

pytestmark = pytest.mark.parametrize("database_backend", ["sqlite"], indirect=True)


def other_writer_can_write(db_url: str) -> bool:
    """Whether another process could take the file's write lock right now."""
    other = sqlite3.connect(str(make_url(db_url).database), timeout=0.05, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


async def test_a_writer_waits_for_its_turn_before_it_touches_the_file(app: AppContext) -> None:
    """The second writer's statement starts only after the first committed: it waited on the
    process's turn, not in SQLite's busy handler (which sleeps in steps of up to 100 ms)."""
    started: dict[str, float] = {}
    committed: dict[str, float] = {}

    def statement(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        if sql.startswith("INSERT INTO persons"):
            started.setdefault(sql.split("'")[1], time.monotonic())

    async def write(name: str, hold: float) -> None:
        async with writing(app.sessions) as session:
            await session.execute(text(f"INSERT INTO persons (full_name) VALUES ('{name}')"))
            await asyncio.sleep(hold)
        committed[name] = time.monotonic()

    sync_engine = engine_of(app).sync_engine
    event.listen(sync_engine, "before_cursor_execute", statement)
    try:
        first = asyncio.create_task(write("first", 0.3))
        await asyncio.sleep(0.05)
        await write("second", 0)
        await first
    finally:
        event.remove(sync_engine, "before_cursor_execute", statement)
    assert started["second"] >= committed["first"]


async def test_connections_go_back_to_the_pool_without_a_lock(app: AppContext, db_url: str) -> None:
    """A connection is rolled back on its return only when its driver still holds a transaction;
    whether the session committed, failed or was left open, nothing stays locked or half-written."""
    async with writing(app.sessions) as session:
        await session.execute(text("INSERT INTO persons (full_name) VALUES ('kept')"))
    assert other_writer_can_write(db_url)

    async def fail_midway() -> None:
        async with writing(app.sessions) as session:
            await session.execute(text("INSERT INTO persons (full_name) VALUES ('failed')"))
            raise RuntimeError("a bug mid-transaction")

    with pytest.raises(RuntimeError):
        await fail_midway()
    assert other_writer_can_write(db_url)
    async with app.sessions() as session:
        await session.execute(text("INSERT INTO persons (full_name) VALUES ('abandoned')"))
    assert other_writer_can_write(db_url)
    async with app.sessions() as session:
        names = (await session.scalars(text("SELECT full_name FROM persons ORDER BY full_name"))).all()
    assert names == ["kept"]


async def test_a_connection_back_with_its_own_transaction_is_rolled_back(app: AppContext, db_url: str) -> None:
    """What the pool does with a connection whose driver still holds a transaction the session
    never knew about: it rolls it back, so the next user of the connection does not inherit a lock."""
    async with engine_of(app).connect() as connection:
        adapter = (await connection.get_raw_connection()).dbapi_connection
        assert adapter is not None
        await adapter.driver_connection.execute("BEGIN IMMEDIATE")
        assert not other_writer_can_write(db_url)
        returned = PoolResetState(transaction_was_reset=False, terminate_only=False, asyncio_safe=True)
        await connection.run_sync(lambda _: _sqlite_reset(adapter, None, returned))
        assert other_writer_can_write(db_url)
