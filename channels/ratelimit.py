"""One outgoing limiter per bot, platform-neutral: sliding windows over the moments calls were let through.

Chat platforms publish limits as "N messages per T seconds" for the whole bot, for one chat and
for one group; a sliding window is the literal reading of that, so a bot that stays inside its
windows is never flooded back. When the platform still answers "slow down" (Telegram's 429
retry_after), `pause` holds that chat back for the time asked.
"""

from __future__ import annotations

import asyncio
import bisect
import math
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

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
