from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from handlers.context import AppContext
from models import OutboxMessage, Platform
from services.outbox import Content, Recipient, enqueue, enqueue_many


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


async def test_many_at_once_skip_the_keys_already_there(app: AppContext) -> None:
    now = app.clock.now()
    content = Content("a", "material", now)
    first = {"k1": Recipient(Platform.TELEGRAM, "1"), "k2": Recipient(Platform.ZALO, "2")}
    async with app.sessions() as session:
        assert await enqueue_many(session, content, first) == {"k1", "k2"}
        assert await enqueue_many(session, Content("b", "material", now), {"k2": first["k2"], "k3": first["k1"]}) == {
            "k3"
        }
        assert await enqueue_many(session, content, {}) == set()
        assert not await enqueue(session, key="k1", to=first["k1"], text="c", kind="material", not_before=now)
        await session.commit()
    async with app.sessions() as session:
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.key))).all()
        assert [(r.key, r.text, r.chat_id, r.person_id) for r in rows] == [
            ("k1", "a", "1", None),
            ("k2", "a", "2", None),
            ("k3", "b", "1", None),
        ]


async def test_many_across_the_drivers_pages(app: AppContext) -> None:
    """Over a thousand rows the insert goes in pages: every page's added keys are returned."""
    now = app.clock.now()
    to = {f"k{i}": Recipient(Platform.TELEGRAM, str(i)) for i in range(2500)}
    async with app.sessions() as session:
        assert len(await enqueue_many(session, Content("a", "material", now), dict(list(to.items())[::2]))) == 1250
        assert await enqueue_many(session, Content("a", "material", now), to) == {f"k{i}" for i in range(1, 2500, 2)}
        await session.commit()
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 2500
