"""The tree migration (0002) keeps every cell and member of a database made at 0001: today's
committees become top-level nodes, their kind read from their names."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from models.db import make_engine
from models.migrate import upgrade
from tests.dbutil import BACKENDS, fresh_database, postgres_admin_url


@pytest.mark.parametrize("backend", BACKENDS)
def test_committees_of_a_released_database_become_top_level_nodes(backend: str, tmp_path: Path) -> None:
    if backend == "postgresql" and not postgres_admin_url():
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    with fresh_database(backend, tmp_path, migrate=False) as url:
        asyncio.run(_migrate_from_0001(url))


async def _migrate_from_0001(url: str) -> None:
    engine = make_engine(url)
    try:
        await upgrade(engine, "0001")
        async with engine.begin() as conn:
            for sql in (
                "INSERT INTO committees (id, name) VALUES (1, 'Đảng ủy phường Hoàn Kiếm'), (2, 'Ban Tuyên giáo')",
                "INSERT INTO cells (id, committee_id, name, anonymous_opinions, score_mode)"
                " VALUES (10, 1, 'Chi bộ Tổ 1', false, 'rubric'), (11, 2, 'Chi bộ Văn phòng', false, 'rubric')",
                "INSERT INTO persons (id, full_name) VALUES (100, 'Nguyễn Thị Tâm')",
                "INSERT INTO memberships (person_id, cell_id, role, status) VALUES (100, 10, 'bi_thu', 'chinh_thuc')",
            ):
                await conn.execute(text(sql))
        await upgrade(engine)
        async with engine.connect() as conn:
            nodes = (await conn.execute(text("SELECT id, parent_id, kind FROM committees ORDER BY id"))).all()
            cells = (await conn.execute(text("SELECT id, committee_id FROM cells ORDER BY id"))).all()
            members = (await conn.execute(text("SELECT person_id, cell_id FROM memberships"))).all()
        # A table rebuilt on SQLite must not take the rows that reference it with it.
        assert [tuple(n) for n in nodes] == [(1, None, "dang_uy_xa"), (2, None, "khac")]
        assert [tuple(c) for c in cells] == [(10, 1), (11, 2)]
        assert [tuple(m) for m in members] == [(100, 10)]
        async with engine.begin() as conn:
            # The same name may sit under two parents, never twice under one (nor twice at the top).
            await conn.execute(
                text("INSERT INTO committees (id, parent_id, name, kind) VALUES (3, 1, 'Đảng bộ Trường A', 'khac')")
            )
            await conn.execute(
                text("INSERT INTO committees (id, parent_id, name, kind) VALUES (4, 2, 'Đảng bộ Trường A', 'khac')")
            )
        for clash in ("(1, 'Đảng bộ Trường A')", "(NULL, 'Ban Tuyên giáo')"):
            with pytest.raises(IntegrityError):
                async with engine.begin() as conn:
                    await conn.execute(
                        text(f"INSERT INTO committees (id, parent_id, name, kind) VALUES (5, {clash[1:-1]}, 'khac')")
                    )
    finally:
        await engine.dispose()
