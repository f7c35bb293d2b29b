"""One outgoing limiter per bot, platform-neutral: sliding windows over the moments calls were let through.

Chat platforms publish limits as "N messages per T seconds" for the whole bot, for one chat and
for one group; a sliding window is the literal reading of that, so a bot that stays inside its
windows is never flooded back. When the platform still answers "slow down" (Telegram's 429
retry_after), `pause` holds that chat back for the time asked.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import math
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from models.db import Engine
from services import budget

log = logging.getLogger(__name__)

# Every this many calls, chats idle longer than the longest window are forgotten.
SWEEP_EVERY = 1000


@dataclass(frozen=True)
class Window:
    """At most `limit` calls in any `seconds`."""

    limit: int
    seconds: float

    @classmethod
    def rate(cls, per_second: float, span: float = 1.0) -> Window:
        """`per_second` on average, allowing a burst of what `span` seconds hold (at least one call)."""
        limit = max(1, math.floor(per_second * span))
        return cls(limit, limit / per_second)


class _Log:
    """The moments calls were let through, oldest first."""

    def __init__(self) -> None:
        self.times: deque[float] = deque()

    def wait(self, window: Window, now: float) -> float:
        recent = len(self.times) - bisect.bisect_right(self.times, now - window.seconds)
        if recent < window.limit:
            return 0.0
        return self.times[-window.limit] + window.seconds - now

    def add(self, now: float, keep: float) -> None:
        self.times.append(now)
        while self.times and self.times[0] <= now - keep:
            self.times.popleft()


class RateLimiter:
    """Waits until a call to a chat fits every window; `group` chats also count against `per_group`."""

    def __init__(
        self,
        *,
        overall: Window | None = None,
        per_chat: Window | None = None,
        per_group: Window | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.overall = overall
        self.per_chat = per_chat
        self.per_group = per_group
        self.clock = clock
        self.sleep = sleep
        self._all = _Log()
        # One log per chat serves both its chat and its group window.
        self._chats: defaultdict[str, _Log] = defaultdict(_Log)
        self._paused: dict[str, float] = {}
        self._longest = max((w.seconds for w in (overall, per_chat, per_group) if w is not None), default=0.0)
        self._since_sweep = 0

    def _windows(self, chat: str, group: bool) -> list[tuple[_Log, Window]]:
        windows: list[tuple[_Log, Window]] = []
        if self.overall is not None:
            windows.append((self._all, self.overall))
        log = self._chats[chat]
        if group and self.per_group is not None:
            windows.append((log, self.per_group))
        if self.per_chat is not None:
            windows.append((log, self.per_chat))
        return windows

    def delay(self, chat: str, *, group: bool) -> float:
        """Seconds until a call to `chat` would be allowed (0 = now)."""
        now = self.clock()
        waits = [log.wait(window, now) for log, window in self._windows(chat, group)]
        return max([self._paused.get(chat, 0.0) - now, 0.0, *waits])

    async def acquire(self, chat: str, *, group: bool) -> None:
        """Wait for a free slot and take it."""
        while (wait := self.delay(chat, group=group)) > 0:
            await self.sleep(wait)
        now = self.clock()
        self._all.add(now, keep=self._longest)
        self._chats[chat].add(now, keep=self._longest)
        self._since_sweep += 1
        if self._since_sweep >= SWEEP_EVERY:
            self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        """Drop chats no window remembers any more: a fan-out to thousands of members must not
        leave a log per member behind for good."""
        self._since_sweep = 0
        horizon = now - self._longest
        for chat in [c for c, log in self._chats.items() if not log.times or log.times[-1] <= horizon]:
            del self._chats[chat]
        self._paused = {chat: until for chat, until in self._paused.items() if until > now}

    def pause(self, chat: str, seconds: float) -> None:
        """The platform asked us to wait before the next call to this chat."""
        until = self.clock() + seconds
        self._paused[chat] = max(self._paused.get(chat, 0.0), until)


class Limiter(Protocol):
    """What a sender needs: wait for a slot to a chat; hold a chat back when the platform asks."""

    async def acquire(self, chat: str, *, group: bool) -> None: ...

    def pause(self, chat: str, seconds: float) -> None: ...


class SharedLimiter:
    """The same windows, kept in PostgreSQL for every process of one bot (services/budget.py):
    a serve process's reply, another's counter edit and the worker's fan-out draw on one budget.

    The chat (and group) slot is reserved first and waited for, then the bot-wide slot, so a call
    held back by its chat does not sit on a bot-wide slot meanwhile. Every window becomes strict
    spacing (no burst: a private chat gets one message a second, not three at once), so no
    window ever holds more than its limit, whoever made the calls.
    """

    def __init__(
        self,
        engine: Engine,
        bot: str,
        *,
        overall: Window,
        per_chat: Window,
        per_group: Window,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.engine = engine
        self.bot = bot
        self.overall = _rate(overall)
        self.per_chat = _rate(per_chat)
        self.per_group = _rate(per_group)
        self.sleep = sleep
        # Pauses are also kept here, so this process waits even before the database has them.
        self._local = RateLimiter(sleep=sleep)
        self._pausing: set[asyncio.Task[None]] = set()

    async def acquire(self, chat: str, *, group: bool) -> None:
        await self._local.acquire(chat, group=group)
        wait = await budget.reserve(self.engine, f"{self.bot}:chat:{chat}", self.per_chat)
        if group:
            wait = max(wait, await budget.reserve(self.engine, f"{self.bot}:group:{chat}", self.per_group))
        if wait > 0:
            await self.sleep(wait)
        wait = await budget.reserve(self.engine, f"{self.bot}:all", self.overall)
        if wait > 0:
            await self.sleep(wait)

    def pause(self, chat: str, seconds: float) -> None:
        self._local.pause(chat, seconds)
        task = asyncio.get_running_loop().create_task(
            budget.pause(self.engine, f"{self.bot}:chat:{chat}", seconds, self.per_chat)
        )
        self._pausing.add(task)
        task.add_done_callback(self._paused)

    def _paused(self, task: asyncio.Task[None]) -> None:
        self._pausing.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("could not share a pause with the other processes: %s", task.exception())


def _rate(window: Window) -> budget.Rate:
    """Strict spacing: "N in any T seconds" holds only if no burst is allowed (a cell-rate burst
    would let N through at once and N more over the next T)."""
    return budget.Rate(window.seconds / window.limit)
