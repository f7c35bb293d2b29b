"""Backups that restore: a consistent copy of the database while the bot runs, and its restore
into an empty database.

SQLite is copied with its online backup API (a consistent snapshot even while the bot writes);
PostgreSQL with `pg_dump --format=custom`, restored by `pg_restore` in one transaction, so a failed
restore leaves the target as empty as it was. Connection details reach the PostgreSQL tools
through their environment (PGHOST, PGPASSWORD, …), never on a command line other users can read.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

SQLITE_SUFFIX = ".sqlite"
POSTGRES_SUFFIX = ".pgdump"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_POSTGRES_MAGIC = b"PGDMP"
# Daily backups, newest last when sorted by name: chibo-20261127T023000Z-daily.sqlite
_DAILY = re.compile(r"^chibo-\d{8}T\d{6}Z-daily\.(?:sqlite|pgdump)$")


class BackupError(Exception):
    """A clear one-line message for the operator; nothing was changed where it was raised."""


@dataclass(frozen=True)
class Database:
    """The configured database as the backup tools need it."""

    url: URL

    @classmethod
    def parse(cls, url: str) -> Database:
        return cls(make_url(url))

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def suffix(self) -> str:
        return SQLITE_SUFFIX if self.is_sqlite else POSTGRES_SUFFIX

    @property
    def sqlite_path(self) -> Path:
        if not self.url.database or self.url.database == ":memory:":
            raise BackupError("an in-memory SQLite database cannot be backed up or restored")
        return Path(self.url.database)

    def pg_environment(self) -> dict[str, str]:
        """libpq's variables for this URL, so no password appears in a process list."""
        env = dict(os.environ)
        parts = {
            "PGHOST": self.url.host,
            "PGPORT": str(self.url.port) if self.url.port else None,
            "PGUSER": self.url.username,
            "PGPASSWORD": self.url.password,
            "PGDATABASE": self.url.database,
        }
        env.update({key: str(value) for key, value in parts.items() if value})
        return env


def backup_name(now: datetime, *, daily: bool = False) -> str:
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    return f"chibo-{stamp}{'-daily' if daily else ''}"


async def backup(url: str, folder: Path, now: datetime, *, daily: bool = False) -> Path:
    """Write a consistent copy of the database into `folder` and return its path.

    The copy is written under a temporary name and renamed when complete, so a crash never leaves
    a file that looks like a finished backup.
    """
    database = Database.parse(url)
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    target = folder / (backup_name(now, daily=daily) + database.suffix)
    partial = target.with_name(target.name + ".partial")
    try:
        if database.is_sqlite:
            await asyncio.to_thread(_sqlite_copy, database.sqlite_path, partial, must_exist=True)
        else:
            await _run_pg_tool(
                database, "pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"
            )
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


async def restore(url: str, source: Path) -> None:
    """Restore a backup into the configured database, which must be empty (no tables)."""
    database = Database.parse(url)
    kind = _backup_kind(source)
    if kind != database.suffix:
        wanted = "SQLite" if database.is_sqlite else "PostgreSQL"
        raise BackupError(f"{source} is not a {wanted} backup made by 'bot.py backup'")
    if database.is_sqlite:
        await asyncio.to_thread(_sqlite_restore, source, database.sqlite_path)
        return
    if await _pg_has_tables(database):
        raise BackupError("the target database is not empty: restore only into a new, empty database")
    await _run_pg_tool(
        database, "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
        f"--dbname={database.url.database}", str(source),
    )  # fmt: skip


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` daily backups in `folder`; backups made by hand stay."""
    ours = sorted(p for p in folder.iterdir() if p.is_file() and _DAILY.match(p.name)) if folder.is_dir() else []
    doomed = ours[: max(0, len(ours) - keep)]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def daily_done(folder: Path, now: datetime) -> bool:
    """Whether today's (UTC) daily backup is already in `folder`."""
    prefix = f"chibo-{now.strftime('%Y%m%d')}T"
    return folder.is_dir() and any(p.name.startswith(prefix) and _DAILY.match(p.name) for p in folder.iterdir())


def _backup_kind(source: Path) -> str:
    try:
        with source.open("rb") as file:
            head = file.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"cannot read {source}: {exc.strerror}") from None
    if head.startswith(_SQLITE_MAGIC):
        return SQLITE_SUFFIX
    if head.startswith(_POSTGRES_MAGIC):
        return POSTGRES_SUFFIX
    raise BackupError(f"{source} is not a backup made by 'bot.py backup'")


def _sqlite_copy(source: Path, target: Path, *, must_exist: bool) -> None:
    if must_exist and not source.is_file():
        raise BackupError(f"the database file {source} does not exist")
    # mode=ro: a backup never creates or changes the source.
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _sqlite_restore(source: Path, target: Path) -> None:
    if target.exists() and _sqlite_tables(target):
        raise BackupError(f"{target} is not empty: restore only into a new, empty database")
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src:
        tables = _sqlite_tables_of(src)
        if not tables:
            raise BackupError(f"{source} holds no tables")
        integrity = src.execute("PRAGMA integrity_check").fetchone()
        if integrity is None or integrity[0] != "ok":
            raise BackupError(f"{source} is damaged (integrity check failed)")
    src.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".restoring")
    try:
        _sqlite_copy(source, partial, must_exist=True)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def _sqlite_tables(path: Path) -> list[str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        tables = _sqlite_tables_of(conn)
    conn.close()
    return tables


def _sqlite_tables_of(conn: sqlite3.Connection) -> list[str]:
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"not a SQLite database: {exc}") from None
    return [row[0] for row in rows]


async def _pg_has_tables(database: Database) -> bool:
    output = await _run_pg_tool(
        database,
        "psql",
        "--no-psqlrc",
        "--tuples-only",
        "--no-align",
        "--command=SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
    )
    return output.strip() not in ("", "0")


async def _run_pg_tool(database: Database, tool: str, *args: str) -> str:
    """Run a PostgreSQL client tool; its first error line becomes a BackupError."""
    program = shutil.which(tool)
    if program is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    process = await asyncio.create_subprocess_exec(
        program,
        *args,
        env=database.pg_environment(),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        first = next((line for line in err.decode(errors="replace").splitlines() if line.strip()), "failed")
        raise BackupError(f"{tool}: {first.strip()}")
    return out.decode(errors="replace")
