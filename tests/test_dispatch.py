"""The outbox dispatcher on its own: claims, leases, retries, drops (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from markupsafe import Markup
from sqlalchemy import select, update

from core.buttons import Answer, RsvpData
from core.clock import FakeClock
from core.messages import Address, Button, Keyboard
from handlers.context import AppContext
from handlers.delivery import RetryLater, TransientFailure
from models import OutboxMessage, OutboxState, Platform
from scheduler.dispatch import BACKOFF_FIRST, MAX_ATTEMPTS, OutboxDispatcher
from services.outbox import Recipient, enqueue
from tests.test_reminders import RecordingSender


async def queue(
    app: AppContext, count: int, *, expires_in: timedelta | None = None, platform: Platform = Platform.TELEGRAM
) -> None:
    now = app.clock.now()
    async with app.sessions() as session:
        for n in range(count):
            await enqueue(
                session,
                key=f"test:{platform.value}:{n}",
                to=Recipient(platform, str(5000 + n) if platform is Platform.TELEGRAM else f"z{n}"),
                text=f"tin số {n} &amp; <b>đậm</b>",
                kind="test",
                not_before=now,
                buttons=((Button("Có", RsvpData(n + 1, Answer.YES)),),),
                expires_at=now + expires_in if expires_in else None,
            )
        await session.commit()


async def states(app: AppContext) -> dict[str, tuple[OutboxState, int]]:
    async with app.sessions() as session:
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    return {r.chat_id: (r.state, r.attempts) for r in rows}


def dispatcher(
    app: AppContext, sender: object, *, worker: str, sleeps: list[float] | None = None, **kw: object
) -> OutboxDispatcher:
    async def sleep(seconds: float) -> None:
        if sleeps is not None:
            sleeps.append(seconds)

    return OutboxDispatcher(
        app.sessions,
        app.clock,
        {Platform.TELEGRAM: sender},
        claim_seconds=60,
        worker=worker,
        sleep=sleep,
        **kw,  # type: ignore[dict-item, arg-type]
    )


async def test_each_message_goes_out_once_with_its_markup_and_buttons(app: AppContext, clock: FakeClock) -> None:
    await queue(app, 120)
    sender = RecordingSender(clock, Platform.TELEGRAM)
    report = await dispatcher(app, sender, worker="a", batch=50).run_once()
    assert report.sent == 120
    assert [s.chat for s in sender.sent] == [str(5000 + n) for n in range(120)]
    assert sender.sent[0].text == "tin số 0 & đậm"
    assert sender.sent[0].buttons == ("rsvp:1:yes",)
    assert set((await states(app)).values()) == {(OutboxState.SENT, 1)}
    assert (await dispatcher(app, sender, worker="b").run_once()).sent == 0


class SlowSender(RecordingSender):
    """Yields to the event loop while "sending", so another dispatcher gets to run in between."""

    async def send(self, to: Address, text: Markup, buttons: Keyboard = ()) -> str:
        await asyncio.sleep(0.001)
        return await super().send(to, text, buttons)


async def test_two_dispatchers_on_one_database_never_send_the_same_message(app: AppContext, clock: FakeClock) -> None:
    await queue(app, 200)
    log: list = []
    one = SlowSender(clock, Platform.TELEGRAM, log=log)
    two = SlowSender(clock, Platform.TELEGRAM, log=log)
    first, second = await asyncio.gather(
        dispatcher(app, one, worker="one", batch=10).run_once(),
        dispatcher(app, two, worker="two", batch=10).run_once(),
    )
    assert first.sent + second.sent == 200
    assert first.sent > 0
    assert second.sent > 0
    assert sorted(s.chat for s in log) == sorted(str(5000 + n) for n in range(200))


async def test_a_claim_held_by_a_dead_process_is_taken_over_after_its_lease(app: AppContext, clock: FakeClock) -> None:
    await queue(app, 3)
    async with app.sessions() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.chat_id == "5001")
            .values(claimed_by="crashed", claimed_until=clock.now() + timedelta(seconds=60))
        )
        await session.commit()
    sender = RecordingSender(clock, Platform.TELEGRAM)
    worker = dispatcher(app, sender, worker="new")
    assert (await worker.run_once()).sent == 2
    clock.advance(timedelta(seconds=59))
    assert (await worker.run_once()).sent == 0
    clock.advance(timedelta(seconds=2))
    assert (await worker.run_once()).sent == 1
    assert [s.chat for s in sender.sent] == ["5000", "5002", "5001"]


class ClockEatingSender(RecordingSender):
    """Each send takes 25 s of the fake clock; halfway through the batch a second process looks."""

    other: OutboxDispatcher | None = None
    stolen: int = 0

    async def send(self, to: Address, text: Markup, buttons: Keyboard = ()) -> str:
        self.clock.advance(timedelta(seconds=25))
        if self.other is not None and len(self.sent) == 3:
            self.stolen = (await self.other.run_once()).sent
        return await super().send(to, text, buttons)


async def test_a_long_batch_renews_its_lease_so_nobody_takes_it_over(app: AppContext, clock: FakeClock) -> None:
    await queue(app, 6)
    slow = ClockEatingSender(clock, Platform.TELEGRAM)
    slow.other = dispatcher(app, RecordingSender(clock, Platform.TELEGRAM), worker="other")
    report = await dispatcher(app, slow, worker="slow", batch=6).run_once()
    assert report.sent == 6
    assert slow.stolen == 0  # 100 s into a 60 s lease, the rest of the batch was still ours


async def test_told_to_wait_the_dispatcher_waits_then_carries_on(app: AppContext, clock: FakeClock) -> None:
    await queue(app, 3)
    sender = RecordingSender(clock, Platform.TELEGRAM)
    sender.faults["5001"] = [RetryLater(7)]
    sleeps: list[float] = []
    report = await dispatcher(app, sender, worker="a", sleeps=sleeps).run_once()
    assert (report.sent, report.throttled) == (3, 1)
    assert sleeps == [7]
    assert [s.chat for s in sender.sent] == ["5000", "5001", "5002"]
    assert set((await states(app)).values()) == {(OutboxState.SENT, 1)}  # a 429 is not a failed attempt


async def test_server_errors_are_retried_with_backoff_then_given_up(app: AppContext, clock: FakeClock) -> None:
    await queue(app, 2)
    sender = RecordingSender(clock, Platform.TELEGRAM)
    sender.faults["5000"] = [TransientFailure("Bad Gateway")] * 2
    sender.faults["5001"] = [TransientFailure("timed out")] * MAX_ATTEMPTS
    worker = dispatcher(app, sender, worker="a")
    waits = []
    for _ in range(MAX_ATTEMPTS):
        await worker.run_once()
        async with app.sessions() as session:
            row = await session.scalar(select(OutboxMessage).where(OutboxMessage.chat_id == "5001"))
        assert row is not None
        if row.next_attempt_at is not None and row.state is OutboxState.PENDING:
            waits.append(row.next_attempt_at - clock.now())
            clock.set(row.next_attempt_at)
    assert waits == [BACKOFF_FIRST * 2**n for n in range(MAX_ATTEMPTS - 1)]
    assert await states(app) == {"5000": (OutboxState.SENT, 3), "5001": (OutboxState.FAILED, MAX_ATTEMPTS)}
    assert [s.chat for s in sender.sent] == ["5000"]


async def test_an_unexpected_error_is_a_failed_attempt_not_a_crash(app: AppContext, clock: FakeClock) -> None:
    await queue(app, 2)
    sender = RecordingSender(clock, Platform.TELEGRAM)
    sender.faults["5000"] = [ValueError("bug in a channel")]
    report = await dispatcher(app, sender, worker="a").run_once()
    assert (report.sent, report.retried) == (1, 1)
    assert (await states(app))["5000"] == (OutboxState.PENDING, 1)


async def test_expired_messages_are_dropped_and_platforms_without_a_channel_wait(
    app: AppContext, clock: FakeClock
) -> None:
    await queue(app, 2, expires_in=timedelta(minutes=5))
    await queue(app, 1, platform=Platform.ZALO)
    clock.advance(timedelta(minutes=5))
    sender = RecordingSender(clock, Platform.TELEGRAM)
    report = await dispatcher(app, sender, worker="a").run_once()
    assert (report.sent, report.dropped) == (0, 2)
    found = await states(app)
    assert found["5000"] == (OutboxState.DROPPED, 0)
    assert found["5000"] == found["5001"]
    async with app.sessions() as session:
        zalo = await session.scalar(select(OutboxMessage).where(OutboxMessage.platform == Platform.ZALO))
    assert zalo is not None
    assert (zalo.state, zalo.claimed_by) == (OutboxState.PENDING, None)


async def test_claims_are_released_when_told_to_wait(app: AppContext, clock: FakeClock) -> None:
    """A 429 gives the rest of the batch back at once: another process may send it meanwhile."""
    await queue(app, 4)
    sender = RecordingSender(clock, Platform.TELEGRAM)
    sender.faults["5000"] = [RetryLater(1)]
    seen: list[set[str | None]] = []

    async def look(_seconds: float) -> None:
        async with app.sessions() as session:
            seen.append(set((await session.scalars(select(OutboxMessage.claimed_by))).all()))

    worker = OutboxDispatcher(
        app.sessions, clock, {Platform.TELEGRAM: sender}, claim_seconds=60, worker="a", sleep=look
    )
    assert (await worker.run_once()).sent == 4
    assert seen == [{None}]
