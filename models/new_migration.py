"""Write the next Alembic revision from the models (`make migration MESSAGE="…"`).

The initial schema (0001) is released: databases in the field are at it, so it is never edited
again (tests/test_migrations.py checks its fingerprint). Every schema change is a new revision,
generated here against an empty database brought to the current head, then read and completed by
hand (data migrations, server defaults) before it is committed.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy.engine import Connection

from models.db import make_engine
from models.migrate import alembic_config, upgrade


def _generate(connection: Connection, message: str) -> None:
    command.revision(alembic_config(connection), message=message, autogenerate=True)


async def main(message: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite+aiosqlite:///{Path(folder) / 'head.db'}")
        try:
            await upgrade(engine)
            async with engine.begin() as conn:
                await conn.run_sync(_generate, message)
        finally:
            await engine.dispose()


if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].strip():
        sys.exit('usage: python -m models.new_migration "what changes"')
    asyncio.run(main(sys.argv[1]))
