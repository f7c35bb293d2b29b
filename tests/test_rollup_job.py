"""The monthly rollup reaches each organisation's linked group once a month, whatever restarts
or workers there are."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from core.clock import FakeClock
from handlers.context import AppContext
from models import OutboxMessage
from scheduler.rollup import write_monthly_rollup
from tests.chat import Chat
from tests.test_tree_admins import WARD_ADMIN, city

__all__ = ["city"]  # the fixture, shared with the admins' tests


async def rollups(app: AppContext) -> list[tuple[str, str]]:
    async with app.sessions() as session:
        rows = await session.execute(
            select(OutboxMessage.chat_id, OutboxMessage.text)
            .where(OutboxMessage.kind == "rollup")
            .order_by(OutboxMessage.id)
        )
        return [(chat_id, text) for chat_id, text in rows]


async def test_each_linked_group_gets_its_subtree_once_a_month(city: AppContext, chat: Chat, clock: FakeClock) -> None:
    await chat.say(WARD_ADMIN, "/ketnoi capuy Đảng ủy phường Hoàn Kiếm", group="-100")
    await chat.say(WARD_ADMIN, "/ketnoi capuy Đảng bộ Trường THPT Việt Đức", group="-200")
    # 23 November: the rollup of November fell due on the 10th at 08:00 and was never written.
    written = await asyncio.gather(*(write_monthly_rollup(city, clock.now()) for _ in range(3)))
    assert sorted(written, key=str) == [2, None, None]
    sent = await rollups(city)
    assert [chat_id for chat_id, _ in sent] == ["-100", "-200"]
    ward, school = (text for _, text in sent)
    assert "TỔNG HỢP THÁNG 11/2026 — Đảng ủy phường Hoàn Kiếm" in ward
    assert "Đảng bộ Trường THPT Việt Đức: 1 chi bộ" in ward
    assert "Ba Đình" not in ward
    assert "TỔNG HỢP THÁNG 11/2026 — Đảng bộ Trường THPT Việt Đức" in school
    # A restart on 9 December finds November written; on 10 December at 08:00 (Hà Nội) December falls due.
    assert await write_monthly_rollup(city, datetime(2026, 12, 9, 12, tzinfo=UTC)) is None
    assert await write_monthly_rollup(city, datetime(2026, 12, 10, 0, 59, tzinfo=UTC)) is None
    assert await write_monthly_rollup(city, datetime(2026, 12, 10, 1, 0, tzinfo=UTC)) == 2
    assert len(await rollups(city)) == 4
