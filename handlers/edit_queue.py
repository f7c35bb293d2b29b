"""Edits of bot messages wait in the database and go out from the one process that sends.

Any process asks for an edit (`put`: a press's live counter, a closed check-in, a re-run summary);
only the process holding the bot's sender lock sends (`run`), within the bot's one send budget,
so two processes never edit the same message at once and a serve process never spends the
budget behind the sender's back. A message is edited at most once every `interval` seconds
however fast presses come, the newest text wins, and a final text goes at once and is never
undone by an older one (services/edits.py).
"""

from __future__ import annotations

import asyncio
import heapq
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from markupsafe import Markup

from core.messages import Address, Edit, load_keyboard, store_keyboard
from handlers.checkin_post import live_texts
from handlers.context import AppContext
from handlers.delivery import DeliveryError, RetryLater, TransientFailure
from models import PendingEdit, Platform
from models.db import Session, writing
from services import edits
from services.edits import EditRequest

log = logging.getLogger(__name__)

EDIT_INTERVAL = 3.0
# A counter due now waits this long before it is read, so the presses right behind the first one
# write nothing (a burst writes about once per interval per message, not once per press).
COALESCE_SECONDS = 0.5
# A network error or timeout is retried with a growing pause; the newest text must land in the end.
TRANSIENT_ATTEMPTS = 6
# How often the sending process looks for edits asked for by the others.
POLL_SECONDS = 0.5
# The edits written in this process that fall due this soon after the first one go in its round.
ROUND_GRACE = 0.2
BATCH = 50
# Edits of different messages in flight at once (each still waits for the limiter).
PARALLEL = 8

# Sends one edit with its text read; raises the delivery errors of handlers/delivery.py.
ApplyEdit = Callable[[Edit, Markup], Awaitable[None]]


class _Outcome(NamedTuple):
    """What became of one edit: `again` seconds until it is tried again (None: sent or given up)."""

    again: float | None
    failed: bool


def _wall() -> datetime:
    """Real time, shared by every process (the app's clock may be a test's frozen one)."""
    return datetime.now(UTC)


class EditQueue:
    """One per platform and process: `put` from anywhere, `run` sends while `sending()` says so."""

    def __init__(
        self,
        app: AppContext,
        platform: Platform,
        apply: ApplyEdit,
        *,
        interval: float = EDIT_INTERVAL,
        sending: Callable[[], bool] = lambda: True,
        poll: float = POLL_SECONDS,
    ) -> None:
        self.app = app
        self.platform = platform
        self.apply = apply
        self.interval = interval
        self.sending = sending
        self.poll = poll
        self._wake = asyncio.Event()
        # When `run` looks next (it rests until then), and the send times the writes of this
        # process were told (a heap): safe to lose, since `run` also looks every `poll` seconds.
        self._looks_at = _wall()
        self._due_times: list[datetime] = []
        self._stopping = False
        # The coalescing window, safe to lose: live edits seen waiting in the database, and until
        # when (an edit is never sent before its time, so until then a press writes nothing).
        self._waiting: dict[tuple[str, str, str], datetime] = {}
        # Live edits this process is asking the database about right now: concurrent presses on
        # one message wait for that answer instead of each asking again.
        self._asking: dict[tuple[str, str, str], asyncio.Event] = {}

    async def put(self, edit: Edit) -> None:
        """Make `edit` the message's next text (written at once, sent by whichever process sends)."""
        if callable(edit.text) and edit.live is None:
            raise TypeError("a live edit needs its `live` name to wait in the database")
        request = EditRequest(
            self.platform,
            edit.to.chat_id,
            edit.message_id,
            text=None if edit.live is not None else str(edit.text),
            live=edit.live,
            buttons=store_keyboard(edit.buttons),
            final=not edit.throttled,
        )
        now = _wall()
        if request.live is None:
            await self._queue(request, now)
            return
        key = (request.chat_id, request.message_id, request.live)
        ahead = self._asking.get(key)
        if ahead is not None:
            await ahead.wait()  # a press just before this one is asking the same: its answer serves both
        if now < self._waiting.get(key, now):
            return  # known to wait until then: nothing can have sent it yet
        asking = self._asking[key] = asyncio.Event()
        try:
            # Written even when another process queued it already: the write returns the time it
            # goes out, which a read would have to ask for as well.
            until = await self._queue(request, now)
            # Windows that ended are dropped, so a long-running process keeps only the current ones.
            self._waiting = {k: end for k, end in self._waiting.items() if now < end and k != key}
            if until is not None and now < until:
                self._waiting[key] = until
        finally:
            if self._asking.get(key) is asking:
                del self._asking[key]
            asking.set()

    async def _queue(self, request: EditRequest, now: datetime) -> datetime | None:
        async with writing(self.app.sessions) as session:
            until = await edits.queue(session, request, now, delay=timedelta(seconds=COALESCE_SECONDS))
        if until is not None:
            heapq.heappush(self._due_times, until)
            if until < self._looks_at:
                self._wake.set()  # due before `run` would look: it looks then instead
        return until

    async def run(self) -> None:
        """Send due edits while this process is the sender, until `stop`."""
        while not self._stopping:
            sent = 0
            looked = _wall()
            if self.sending():
                try:
                    sent = await self.send_due()
                except Exception:
                    log.exception("could not send the pending edits; trying again shortly")
            if sent < BATCH:  # a full round may have left more that are due now
                await self._rest(looked)

    async def _rest(self, looked: datetime) -> None:
        """Wait until the soonest edit this process queued is due, or `poll` seconds for the
        other processes' edits: a burst of presses does not make `run` ask the database each time
        one of them writes an edit that goes out later. A write that is due sooner re-arms the wait."""
        while self._due_times and self._due_times[0] <= looked:
            heapq.heappop(self._due_times)  # the round that looked at `looked` has seen these
        deadline = _wall() + timedelta(seconds=self.poll)
        while not self._stopping:
            self._wake.clear()
            now = _wall()
            soonest = self._due_times[0] if self._due_times else deadline
            if soonest > now:  # the grace lets neighbours share a round; what is due now (a final text) goes now
                soonest += timedelta(seconds=ROUND_GRACE)
            self._looks_at = min(deadline, soonest)
            if self._looks_at <= now:
                return
            try:
                await asyncio.wait_for(self._wake.wait(), (self._looks_at - now).total_seconds())
            except TimeoutError:
                return

    def stop(self) -> None:
        """Finish the edits in flight, then return from `run`; the rest wait for the next sender."""
        self._stopping = True
        self._wake.set()

    async def send_due(self) -> int:
        """One round of due edits: their live texts read in one session, the edits sent side by side,
        what became of each settled in one transaction (a burst's counters go out in rounds)."""
        async with self.app.sessions() as session:
            rows = await edits.due(session, self.platform, _wall(), BATCH)
            texts = await self._texts(session, rows)
        gate = asyncio.Semaphore(PARALLEL)

        async def one(row: PendingEdit) -> _Outcome:
            async with gate:
                return await self._send(row, texts[row.id])

        outcomes = await asyncio.gather(*(one(row) for row in rows))
        if rows:
            async with writing(self.app.sessions) as session:
                await self._settle(session, rows, outcomes)
        return len(rows)

    async def _texts(
        self, session: Session, rows: Sequence[PendingEdit]
    ) -> dict[int, Markup | TransientFailure | None]:
        """The texts to send: fixed, or live ones read now, all in one go. A failed read is retried
        like a network error, since the newest count must land in the end."""
        # The database holds catalog markup whose arguments were escaped when it was written.
        texts: dict[int, Markup | TransientFailure | None] = {
            row.id: Markup(row.text or "")  # noqa: S704
            for row in rows
            if row.live is None
        }
        live = [row for row in rows if row.live is not None]
        try:
            read = await live_texts(session, self.app.tr, {row.live for row in live if row.live is not None})
        except Exception as error:
            log.exception("could not read the texts of %d live messages", len(live))
            failed = TransientFailure(f"live text unavailable: {type(error).__name__}")
            return texts | {row.id: failed for row in live}
        return texts | {row.id: read[row.live] for row in live if row.live is not None}

    async def _send(self, row: PendingEdit, text: Markup | TransientFailure | None) -> _Outcome:
        """Send one edit; returns when to try again (None: done) and whether that is a failure."""
        try:
            if isinstance(text, TransientFailure):
                raise text
            if text is not None:
                to = Address(row.platform, row.chat_id)
                await self.apply(Edit(to, row.message_id, text, load_keyboard(row.buttons)), text)
        except RetryLater as error:
            return _Outcome(error.retry_after, failed=False)
        except TransientFailure as error:
            log.info("editing message %s failed (%s); trying again", row.message_id, error)
            return _Outcome(self.interval * (row.attempts + 1), failed=True)
        except DeliveryError as error:
            log.warning("cannot edit message %s: %s", row.message_id, error)
        except Exception:
            # A bug must not hold back the round's other edits; this one is tried a few times more.
            log.exception("editing message %s failed unexpectedly", row.message_id)
            return _Outcome(self.interval * (row.attempts + 1), failed=True)
        return _Outcome(None, failed=False)

    async def _settle(self, session: Session, rows: Sequence[PendingEdit], outcomes: Sequence[_Outcome]) -> None:
        """Each edit to retry is put back on its own (its failures are counted); the rest of the
        round is settled in one statement."""
        now = _wall()
        done = []
        for row, outcome in zip(rows, outcomes, strict=True):
            if outcome.again is not None:
                later = now + timedelta(seconds=outcome.again)
                failures = await edits.retry(session, row.id, row.version, later, failed=outcome.failed)
                if failures < TRANSIENT_ATTEMPTS:
                    continue
                log.warning("giving up editing message %s after %d failures", row.message_id, failures)
            done.append((row.id, row.version, now + timedelta(seconds=self.interval)))
        await edits.settle(session, done)
