"""Edits of bot messages wait in the database and go out from the one process that holds the sender
lock (handlers/edit_queue.py, services/edits.py): newest text wins, a final text always lands."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncEngine

from channels.ratelimit import RateLimiter
from channels.telegram import TelegramChannel
from core.messages import Address, Edit
from handlers.context import AppContext
from handlers.edit_queue import COALESCE_SECONDS, EditQueue
from models import Platform
from scheduler.sender_lock import SenderLock
from services import edits
from services.edits import EditRequest
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.fixtures import People, roomy_limiter
from tests.polling import until

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def request(text: str | None, *, live: str | None = None, final: bool = False) -> EditRequest:
    return EditRequest(Platform.TELEGRAM, "-100", "7", text, live, None, final)


async def test_newer_texts_replace_older_ones_and_wait_for_the_interval(app: AppContext) -> None:
    async with app.sessions() as session, session.begin():
        await edits.queue(session, request("Có mặt 1/5"), NOW)
        await edits.settle(session, [(1, 1, NOW + timedelta(seconds=3))])
    async with app.sessions() as session, session.begin():
        await edits.queue(session, request("Có mặt 2/5"), NOW + timedelta(seconds=1))
        await edits.queue(session, request("Có mặt 3/5"), NOW + timedelta(seconds=1))
        assert await edits.due(session, Platform.TELEGRAM, NOW + timedelta(seconds=2), 10) == []
        [due] = await edits.due(session, Platform.TELEGRAM, NOW + timedelta(seconds=3), 10)
    assert (due.text, due.version, due.sent_version) == ("Có mặt 3/5", 3, 1)


async def test_a_round_is_settled_in_one_statement_each_edit_by_its_own_version(app: AppContext) -> None:
    """Two messages settled together: the one whose sent text is current waits for its interval;
    the one that got a final text meanwhile goes again at once, with that text."""
    seven = EditRequest(Platform.TELEGRAM, "-100", "7", "Có mặt 1/5", None, None, False)
    eight = EditRequest(Platform.TELEGRAM, "-100", "8", "Có mặt 1/6", None, None, False)
    async with app.sessions() as session, session.begin():
        await edits.queue(session, seven, NOW)
        await edits.queue(session, eight, NOW)
        sent = {row.message_id: (row.id, row.version) for row in await edits.due(session, Platform.TELEGRAM, NOW, 10)}
    async with app.sessions() as session, session.begin():
        closed = EditRequest(Platform.TELEGRAM, "-100", "8", "Đã kết thúc: 6/6", None, None, True)
        await edits.queue(session, closed, NOW + timedelta(seconds=1))
        await edits.settle(
            session, [(*sent["7"], NOW + timedelta(seconds=3)), (*sent["8"], NOW + timedelta(seconds=3))]
        )
    async with app.sessions() as session, session.begin():
        [again] = await edits.due(session, Platform.TELEGRAM, NOW + timedelta(seconds=1), 10)
        newer = EditRequest(Platform.TELEGRAM, "-100", "7", "Có mặt 2/5", None, None, False)
        waits_until = await edits.queue(session, newer, NOW + timedelta(seconds=1))
    assert (again.message_id, again.text, again.sent_version) == ("8", "Đã kết thúc: 6/6", 1)
    assert waits_until == NOW + timedelta(seconds=3)


async def test_a_due_live_text_waits_a_moment_so_the_presses_behind_it_write_nothing(app: AppContext) -> None:
    live = request(None, live="checkin:1")
    delay = timedelta(seconds=0.5)
    async with app.sessions() as session, session.begin():
        assert await edits.queue(session, live, NOW, delay=delay) == NOW + delay
        # A press within the moment (another process's) is told the same time, not a later one.
        assert await edits.queue(session, live, NOW + timedelta(seconds=0.2), delay=delay) == NOW + delay
        await edits.settle(session, [(1, 1, NOW + timedelta(seconds=3))])
        # Sent at +0.5 s: the next press waits for the interval, not for a new moment.
        assert await edits.queue(session, live, NOW + timedelta(seconds=1), delay=delay) == NOW + timedelta(seconds=3)
        # Long after, the message is due again: the moment starts from the press.
        await edits.settle(session, [(1, 3, NOW + timedelta(seconds=4))])
        later = NOW + timedelta(minutes=1)
        assert await edits.queue(session, live, later, delay=delay) == later + delay


async def test_a_burst_of_presses_on_one_counter_writes_it_once(app: AppContext) -> None:
    """Concurrent presses in one process ask the database once; the rest wait for that answer."""

    async def never_sent(_edit: Edit, _text: Markup) -> None:
        raise AssertionError("this queue does not send")

    queue = EditQueue(app, Platform.TELEGRAM, never_sent, sending=lambda: False)
    counter = Edit(Address(Platform.TELEGRAM, "-100"), "7", Markup("unused"), throttled=True, live="checkin:1")
    await asyncio.gather(*(queue.put(counter) for _ in range(20)))
    await queue.put(counter)  # a press just after: the moment is known, nothing is written
    async with app.sessions() as session:
        [row] = await edits.due(session, Platform.TELEGRAM, datetime.now(UTC) + timedelta(seconds=1), 10)
    assert (row.live, row.version, row.sent_version) == ("checkin:1", 1, 0)


async def test_the_sender_looks_for_due_edits_when_they_are_due_not_at_every_write(
    app: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twenty counters pressed at once each wait a moment before they go out: the sending process
    asks the database for due edits when that moment ends, not once per counter written (a burst
    of check-ins asked about 175 times instead of about 30), and sends each counter once."""
    looks = 0
    due = edits.due

    async def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal looks
        looks += 1
        return await due(*args, **kwargs)

    monkeypatch.setattr(edits, "due", counted)
    sent: dict[str, datetime] = {}

    async def apply(edit: Edit, _text: Markup) -> None:
        assert edit.message_id not in sent, "sent twice"
        sent[edit.message_id] = datetime.now(UTC)

    # No periodic look during the test: only what this process wrote wakes the sender.
    queue = EditQueue(app, Platform.TELEGRAM, apply, poll=60)
    running = asyncio.create_task(queue.run())
    try:
        await until(lambda: looks, what="the sender never looked")  # its first look, at start
        group = Address(Platform.TELEGRAM, "-100")
        written = datetime.now(UTC)
        await asyncio.gather(
            *(queue.put(Edit(group, str(n), Markup(f"Có mặt {n}/20"), throttled=True)) for n in range(20))
        )
        await until(lambda: len(sent) == 20, within=10, what="not every counter was sent")
    finally:
        queue.stop()
        await running
    assert looks <= 5  # at start and when the moment ended (twice or thrice if the writes were slow)
    assert min(sent.values()) >= written + timedelta(seconds=COALESCE_SECONDS)


async def test_an_edit_that_fails_unexpectedly_does_not_hold_back_the_others_of_its_round(app: AppContext) -> None:
    """A round's edits are settled together: a bug in one edit must neither resend the others nor
    drop itself at once (it is tried again, like a network error)."""
    sent: list[str] = []

    async def apply(edit: Edit, text: Markup) -> None:
        if edit.message_id == "8":
            raise RuntimeError("a bug")
        sent.append(str(text))

    queue = EditQueue(app, Platform.TELEGRAM, apply)
    group = Address(Platform.TELEGRAM, "-100")
    await queue.put(Edit(group, "7", Markup("Đã kết thúc: 4/5")))
    await queue.put(Edit(group, "8", Markup("Đã kết thúc: 3/5")))
    assert await queue.send_due() == 2
    assert await queue.send_due() == 0  # the failed one waits for its retry; the sent one is done
    assert sent == ["Đã kết thúc: 4/5"]
    async with app.sessions() as session:
        [retried] = await edits.due(session, Platform.TELEGRAM, datetime.now(UTC) + timedelta(minutes=1), 10)
    assert (retried.message_id, retried.attempts, retried.sent_version) == ("8", 1, 0)


async def test_a_final_text_goes_at_once_and_no_live_text_replaces_it(app: AppContext) -> None:
    async with app.sessions() as session, session.begin():
        await edits.queue(session, request(None, live="checkin:1"), NOW)
        await edits.settle(session, [(1, 1, NOW + timedelta(seconds=3))])
        await edits.queue(session, request("Đã kết thúc: 4/5", final=True), NOW + timedelta(seconds=1))
        # A press committed just before the close asks for its counter after it.
        await edits.queue(session, request(None, live="checkin:1"), NOW + timedelta(seconds=1))
        [due] = await edits.due(session, Platform.TELEGRAM, NOW + timedelta(seconds=1), 10)
    assert (due.text, due.live, due.final) == ("Đã kết thúc: 4/5", None, True)


async def test_a_final_text_asked_for_while_an_older_one_is_sent_still_goes_at_once(app: AppContext) -> None:
    async with app.sessions() as session, session.begin():
        await edits.queue(session, request(None, live="checkin:1"), NOW)
        # The sender took version 1; meanwhile the check-in closed (version 2, final).
        await edits.queue(session, request("Đã kết thúc", final=True), NOW + timedelta(seconds=1))
        await edits.settle(session, [(1, 1, NOW + timedelta(seconds=4))])
        [due] = await edits.due(session, Platform.TELEGRAM, NOW + timedelta(seconds=1), 10)
        assert due.version == 2
        await edits.settle(session, [(due.id, 2, NOW + timedelta(seconds=4))])
        assert await edits.due(session, Platform.TELEGRAM, NOW + timedelta(days=1), 10) == []
        assert await edits.forget_settled(session, NOW + timedelta(hours=2)) == 1


class CountingLimiter(RateLimiter):
    """Roomy limits that count the calls this process made (its share of the bot's budget)."""

    def __init__(self) -> None:
        roomy = roomy_limiter()
        super().__init__(overall=roomy.overall, per_chat=roomy.per_chat, per_group=roomy.per_group)
        self.calls = 0

    async def acquire(self, chat: str, *, group: bool) -> None:
        self.calls += 1
        await super().acquire(chat, group=group)


@dataclass
class Worker:
    channel: TelegramChannel
    limiter: CountingLimiter
    lock: SenderLock
    holding: asyncio.Task[None]

    async def dies(self) -> None:
        """Its lock goes (as when PostgreSQL ends a killed process's session); its channel stays."""
        self.holding.cancel()
        await asyncio.gather(self.holding, return_exceptions=True)


@contextlib.asynccontextmanager
async def worker(app: AppContext, name: str) -> AsyncIterator[Worker]:
    """A process that only sends: its Telegram channel sends queued edits while it holds the lock."""
    engine = app.sessions.kw["bind"]
    assert isinstance(engine, AsyncEngine)
    lock = SenderLock(engine, "sender:test", name, [Platform.TELEGRAM], retry_seconds=0.1, lease_seconds=1.0)
    limiter = CountingLimiter()
    channel = TelegramChannel(
        app, receive=None, menus=False, limiter=limiter, edit_interval=0.3, sending=lambda: lock.held
    )
    process = Worker(channel, limiter, lock, asyncio.create_task(lock.run()))
    try:
        async with channel.running():
            yield process
    finally:
        await process.dies()


async def test_only_the_process_holding_the_sender_lock_sends_edits(
    tg_app: AppContext, fake: FakeTelegram, people: People
) -> None:
    group = fake.group("Chi bộ")
    fake.add_bot(people.an, group)
    to = Address(Platform.TELEGRAM, str(group.id))
    async with worker(tg_app, "one") as one, worker(tg_app, "two") as two:
        await asyncio.wait([asyncio.create_task(w.lock.acquired.wait()) for w in (one, two)], timeout=10)
        first, second = (one, two) if one.lock.held else (two, one)
        assert first.lock.held
        message_id = await first.channel.sender.send(to, Markup("Có mặt 0/5"))
        message = fake.messages[(group.id, int(message_id))]
        # Presses handled by the standby process: it only writes the texts down.
        for count in range(1, 6):
            await second.channel.sender.edit(Edit(to, message_id, Markup(f"Có mặt {count}/5"), throttled=True))
        await fake.wait_for(lambda: message.text == "Có mặt 5/5")
        assert second.limiter.calls == 0
        assert not second.lock.held
        assert 1 <= len(message.edits) <= 3  # coalesced, whichever process asked
        sent_by_first = first.limiter.calls
        # The sender dies: the standby takes over and sends the final text, the first sends no more.
        await first.dies()
        await second.channel.sender.edit(Edit(to, message_id, Markup("Đã kết thúc: 5/5")))
        await fake.wait_for(lambda: message.text == "Đã kết thúc: 5/5")
        assert second.lock.held
        assert second.limiter.calls >= 1
        assert first.limiter.calls == sent_by_first
    assert fake.rejected() == []  # no 429, no "message is not modified"
