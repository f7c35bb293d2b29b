"""Coalesced edits: a message is edited at most once every few seconds however fast presses arrive,
and the newest text always lands in the end.

Each edited message has one worker that sends the latest text it was given, then waits out the
interval; texts that arrive meanwhile replace each other. An unthrottled edit (the counter's final
"closed" text) goes out at once, and no older text can land after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from markupsafe import Markup

from core.messages import Address, Edit
from handlers.delivery import DeliveryError, RetryLater, TransientFailure

log = logging.getLogger(__name__)

EDIT_INTERVAL = 3.0
# A network error or timeout is retried with a growing pause; the newest text must land in the end.
TRANSIENT_ATTEMPTS = 6


@dataclass
class _Slot:
    latest: Edit | None = None
    urgent: bool = False
    last_sent: float = float("-inf")
    failures: int = 0
    task: asyncio.Task[None] | None = None
    wake: asyncio.Event = field(default_factory=asyncio.Event)


# Sends one edit with its text read; raises the delivery errors of handlers/delivery.py.
ApplyEdit = Callable[[Edit, Markup], Awaitable[None]]


class EditThrottle:
    def __init__(
        self, apply: ApplyEdit, interval: float = EDIT_INTERVAL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.apply = apply
        self.interval = interval
        self.clock = clock
        self._slots: dict[tuple[Address, str], _Slot] = {}

    def submit(self, edit: Edit) -> None:
        key = (edit.to, edit.message_id)
        self._forget_idle()
        slot = self._slots.setdefault(key, _Slot())
        slot.latest = edit
        slot.urgent = slot.urgent or not edit.throttled
        slot.wake.set()
        if slot.task is None or slot.task.done():
            slot.task = asyncio.create_task(self._work(slot))

    def _forget_idle(self) -> None:
        now = self.clock()
        for key, slot in list(self._slots.items()):
            if slot.latest is None and (slot.task is None or slot.task.done()) and now - slot.last_sent > self.interval:
                del self._slots[key]

    async def _work(self, slot: _Slot) -> None:
        while slot.latest is not None:
            wait = slot.last_sent + self.interval - self.clock()
            if wait > 0 and not slot.urgent:
                slot.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(slot.wake.wait(), wait)
                continue
            edit, slot.latest, slot.urgent = slot.latest, None, False
            slot.last_sent = self.clock()
            try:
                text = await _read(edit)
                if text is not None:
                    await self.apply(edit, text)
                slot.failures = 0
            except RetryLater as error:
                await self._again(slot, edit, error.retry_after)
            except TransientFailure as error:
                slot.failures += 1
                if slot.failures < TRANSIENT_ATTEMPTS:
                    await self._again(slot, edit, self.interval * slot.failures)
                else:
                    log.warning("giving up editing message %s: %s", edit.message_id, error)
            except DeliveryError as error:
                log.warning("cannot edit message %s: %s", edit.message_id, error)

    async def _again(self, slot: _Slot, edit: Edit, after: float) -> None:
        """Retry this text after a while, unless a newer one arrived meanwhile."""
        if slot.latest is None:
            slot.latest = edit
        await asyncio.sleep(after)

    async def flush(self, within: float) -> None:
        """Let pending edits land (each within its interval), giving up after `within` seconds."""
        tasks = [slot.task for slot in self._slots.values() if slot.task is not None and not slot.task.done()]
        if not tasks:
            return
        _done, pending = await asyncio.wait(tasks, timeout=within)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


async def _read(edit: Edit) -> Markup | None:
    """The edit's text, a live one read now (None: it has nothing to show any more). A failed read
    is retried like a network error, since the newest count must land in the end."""
    try:
        return await edit.current_text()
    except Exception as error:
        log.exception("could not read the text of message %s", edit.message_id)
        raise TransientFailure(f"live text unavailable: {type(error).__name__}") from error
