"""Apply Alembic migrations from code, at start-up and from `bot.py db upgrade`.

Several processes (serve, worker, a CLI command) may start together on one database, so the
upgrade runs under a lock: on PostgreSQL a transaction-scoped advisory lock, on SQLite (one
machine by nature) an exclusive lock on a file beside the database. The first process migrates;
the others wait, then find the schema at head and do nothing.
"""

from __future__ import annotations

import asyncio
import fcntl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# pg_advisory_xact_lock key: "chibo" + "mig" read as a number, unlikely to meet anyone else's.
ADVISORY_KEY = 0x636869626F6D6967


def alembic_config(connection: Connection | None = None) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def _upgrade(connection: Connection, revision: str) -> None:
    command.upgrade(alembic_config(connection), revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema to the newest revision (or `revision`, for tests of a data migration); a
    no-op when it is already there."""
    async with _migration_lock(engine), engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            # SQLite changes a table by copying it and dropping the old one, and with foreign keys
            # on, dropping a table deletes the rows that reference it (ON DELETE CASCADE). The
            # pragma only takes effect outside a transaction; the keys are checked before commit.
            await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            await conn.commit()
        try:
            async with conn.begin():
                if conn.dialect.name == "postgresql":
                    # Held until this transaction ends, so the schema is committed before the next looks.
                    await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_KEY})
                await conn.run_sync(_upgrade, revision)
                if conn.dialect.name == "sqlite":
                    broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all()
                    if broken:
                        raise RuntimeError(f"migration left rows whose references are gone: {broken[:5]}")
        finally:
            if conn.dialect.name == "sqlite":
                await conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                await conn.commit()


@asynccontextmanager
async def _migration_lock(engine: AsyncEngine) -> AsyncIterator[None]:
    """On SQLite, an exclusive flock on `<database>.migrate.lock`; elsewhere nothing (see above)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    lock_path = Path(f"{database}.migrate.lock")
    handle = await asyncio.to_thread(lock_path.open, "a")
    try:
        await asyncio.to_thread(fcntl.flock, handle.fileno(), fcntl.LOCK_EX)
        yield
    finally:
        handle.close()  # closing releases the lock
