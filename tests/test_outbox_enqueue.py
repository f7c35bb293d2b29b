from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from handlers.context import AppContext
from models import OutboxMessage, Platform
from services.outbox import Recipient, enqueue


async def test_the_same_key_is_written_once(app: AppContext) -> None:
    to = Recipient(Platform.TELEGRAM, "42")
    later = app.clock.now() + timedelta(hours=1)
    async with app.sessions() as session:
        assert await enqueue(session, key="m1:remind-3d:42", to=to, text="a", kind="remind", not_before=later)
        assert not await enqueue(session, key="m1:remind-3d:42", to=to, text="b", kind="remind", not_before=later)
        await session.commit()
    async with app.sessions() as session:
        assert not await enqueue(session, key="m1:remind-3d:42", to=to, text="c", kind="remind", not_before=later)
        await session.rollback()
        rows = (await session.scalars(select(OutboxMessage))).all()
        assert [r.text for r in rows] == ["a"]
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


async def test_a_rolled_back_transaction_leaves_no_message(app: AppContext) -> None:
    async with app.sessions() as session:
        await enqueue(
            session, key="k", to=Recipient(Platform.ZALO, "z"), text="x", kind="k", not_before=app.clock.now()
        )
        await session.rollback()
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
