"""Rewrite the initial migration from the models (`make schema`).

Only while nothing has been released: once a database exists in the field, schema changes get a
new Alembic revision instead.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy.engine import Connection

from models.db import make_engine
from models.migrate import MIGRATIONS_DIR, alembic_config

INITIAL = MIGRATIONS_DIR / "versions" / "0001_initial_schema.py"


def _generate(connection: Connection) -> None:
    command.revision(alembic_config(connection), message="initial schema", autogenerate=True, rev_id="0001")


async def main() -> None:
    INITIAL.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite+aiosqlite:///{Path(folder) / 'empty.db'}")
        try:
            async with engine.begin() as conn:
                await conn.run_sync(_generate)
        finally:
            await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
