"""Check-in presses recorded together: when a whole room presses "Có mặt" at once, the presses
that arrive while one transaction is being written go into the next one.

A lone press is written at once; a burst costs a transaction per batch rather than one per press
(bench/checkin.py). A press waits here only until its batch commits, and is answered after that,
so a process killed mid-batch has told nobody they were counted. Each batch also marks the
webhook updates it answers as processed, in the same transaction as their check-ins
(services/updates.py), so a redelivered press does nothing.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from core.clock import Clock
from models.db import SessionFactory, writing
from services import presses, updates
from services.presses import Press

# Presses written in one transaction at most (a burst is cut into batches of this size).
BATCH_LIMIT = 100


@dataclass
class _Waiting:
    press: Press
    update_id: str | None
    answer: asyncio.Future[bool]


class CheckinBatch:
    """One per application; `first_press` may be called by any number of updates at once."""

    def __init__(self, sessions: SessionFactory, clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock
        self._waiting: list[_Waiting] = []
        self._writer: asyncio.Task[None] | None = None

    async def first_press(self, press: Press, update_id: str | None) -> bool:
        """Whether this press checked its member in (see `presses.first_presses`); False sends
        it the long way, which says why not. Raises what writing its batch raised."""
        loop = asyncio.get_running_loop()
        waiting = _Waiting(press, update_id, loop.create_future())
        self._waiting.append(waiting)
        if self._writer is None or self._writer.done() or self._writer.get_loop() is not loop:
            self._writer = loop.create_task(self._write_all(), name="checkin-batch")
        return await waiting.answer

    async def _write_all(self) -> None:
        batch: list[_Waiting] = []
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:BATCH_LIMIT], self._waiting[BATCH_LIMIT:]
                try:
                    first = await self._write(batch)
                except Exception as error:  # every press of the batch fails as its own update would
                    for waiting in batch:
                        if not waiting.answer.done():
                            waiting.answer.set_exception(error)
                    continue
                for waiting, checked_in in zip(batch, first, strict=True):
                    # A press whose update was cancelled meanwhile (the process stopping) is
                    # recorded all the same; the member's next press is told so.
                    if not waiting.answer.done():
                        waiting.answer.set_result(checked_in)
        finally:
            # Cancelled (the loop is closing): nobody is left waiting for ever.
            for waiting in (*batch, *self._waiting):
                waiting.answer.cancel()

    async def _write(self, batch: list[_Waiting]) -> list[bool]:
        """One transaction: the check-ins, and the marks of the updates that made them. Of two
        identical presses in one batch (a double tap), the first is the one that counted."""
        now = self.clock.now()
        async with writing(self.sessions) as session:
            recorded = await presses.first_presses(session, {w.press for w in batch}, now)
            first = []
            for waiting in batch:
                first.append(waiting.press in recorded)
                recorded.discard(waiting.press)
            marks = [
                (w.press.platform, w.update_id)
                for w, counted in zip(batch, first, strict=True)
                if counted and w.update_id is not None
            ]
            await updates.mark_processed(session, marks, now)
        return first
