"""Engine and session factory. SQLite gets WAL and a busy timeout so a bot and a CLI can share it.

Engines hide SQL parameters from exception texts: parameters are members' names, phones and
absence reasons, and an exception text ends up in the log."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine as SyncEngine
from sqlalchemy import Executable, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import PoolResetState

SQLITE_BUSY_TIMEOUT_MS = 10_000

# What handlers and channels hold without importing SQLAlchemy: queries live in services/.
Session = AsyncSession
SessionFactory = async_sessionmaker[AsyncSession]
Engine = AsyncEngine
# The database is out of reach (connection lost, server down): worth a retry, not a refusal.
DATABASE_UNREACHABLE: tuple[type[Exception], ...] = (OperationalError, InterfaceError, OSError)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_reset(dbapi_connection: Any, _record: Any, state: PoolResetState) -> None:
    """A connection back in the pool is rolled back only if its driver still holds a transaction:
    after a commit it holds none, and every rollback is a round trip to aiosqlite's thread."""
    if state.asyncio_safe and not state.terminate_only and dbapi_connection.driver_connection.in_transaction:
        dbapi_connection.rollback()


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 10) -> AsyncEngine:
    """Create the async engine; for a SQLite file, create its folder first. On PostgreSQL each
    process holds at most pool_size + max_overflow connections (bot.py sizes them per role, so
    several serve and worker processes fit in PostgreSQL's default 100)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            hide_parameters=True,
            pool_reset_on_return=None,
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "reset", _sqlite_reset)
        return engine
    return create_async_engine(
        url, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow, hide_parameters=True
    )


async def sqlite_write_lock(session: AsyncSession) -> None:
    """Take SQLite's write lock now (BEGIN IMMEDIATE), so that what the transaction reads next
    cannot change before it commits: SQLite has one writer per database file, across processes.
    A transaction already open holds it: the driver begins one only at a write. Raises
    OperationalError when another writer keeps it past the busy timeout. Other databases lock
    rows, not the file: there it does nothing."""
    if session.get_bind().dialect.name != "sqlite":
        return
    connection = await session.connection()
    raw = (await connection.get_raw_connection()).driver_connection
    if raw is not None and not raw.in_transaction:
        # On the connection, not the session: the session would flush pending changes first,
        # which would begin a transaction of their own.
        await connection.exec_driver_sql("BEGIN IMMEDIATE")


# One turn at a time for the writers of each SQLite database in this process (see `writing`).
_WRITER_TURNS: WeakKeyDictionary[SyncEngine, tuple[asyncio.AbstractEventLoop, asyncio.Lock]] = WeakKeyDictionary()


def _writer_turn(engine: SyncEngine) -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    turn = _WRITER_TURNS.get(engine)
    if turn is None or turn[0] is not loop:
        turn = _WRITER_TURNS[engine] = (loop, asyncio.Lock())
    return turn[1]


@contextlib.asynccontextmanager
async def writing(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session in a transaction that writes, committed when the block ends (rolled back if it
    raises). On SQLite this process's writers that come here take turns on an asyncio lock: one
    that met another's lock inside SQLite's busy handler would sleep in steps of up to 100 ms with
    the event loop waiting on it, so a burst of check-ins stalled behind its own counter edits.
    Writers of other processes still meet the busy timeout. A transaction that reads before it
    writes still takes the file's lock first (`sqlite_write_lock`). Elsewhere it is an ordinary
    transaction."""
    async with sessions() as session:
        engine = session.get_bind().engine
        turn = _writer_turn(engine) if engine.dialect.name == "sqlite" else contextlib.nullcontext()
        async with turn, session.begin():
            yield session


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def insert_ignoring_duplicates(
    session: AsyncSession, model: type[Any], values: dict[str, Any], unique: list[str]
) -> Executable:
    """INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL: the database decides who was first."""
    statement: Executable = _insert(session)(model).values(**values).on_conflict_do_nothing(index_elements=unique)
    return statement


_INSERTS: dict[str, Callable[[Any], Any]] = {"postgresql": pg_insert, "sqlite": sqlite_insert}


def dialect_insert(dialect: str) -> Callable[[Any], Any]:
    """The INSERT construct with ON CONFLICT for `dialect` (sqlite or postgresql)."""
    return _INSERTS[dialect]


def _insert(session: AsyncSession) -> Callable[[Any], Any]:
    return dialect_insert(session.get_bind().dialect.name)


def insert_ignoring_duplicates_core(
    connection: AsyncConnection, model: type[Any], values: dict[str, Any], unique: list[str]
) -> Executable:
    """`insert_ignoring_duplicates` for a plain connection."""
    insert = _INSERTS[connection.dialect.name]
    statement: Executable = insert(model).values(**values).on_conflict_do_nothing(index_elements=unique)
    return statement
