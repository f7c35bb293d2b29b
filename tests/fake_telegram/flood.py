"""Telegram's flood control, as sliding windows over the arrival times of counted calls.

Real Telegram publishes only approximate limits (about 1 message/s per chat with short bursts,
20 messages/min per group, about 30 messages/s overall) and answers 429 with `retry_after`.
The windows here follow those numbers, independently of the bot's own limiter, so a bot that
sends too fast is caught. `slack` forgives network jitter between the bot's clock and ours.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """How many counted calls fit in a window; `None` switches a limit off."""

    chat: tuple[int, float] | None = (3, 3.0)
    group_per_minute: int | None = 20
    global_per_second: int | None = 30
    slack: float = 0.05

    @classmethod
    def off(cls) -> Limits:
        return cls(chat=None, group_per_minute=None, global_per_second=None)


class FloodControl:
    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self._chat: dict[int, deque[float]] = defaultdict(deque)
        self._all: deque[float] = deque()

    def check(self, chat_id: int, is_group: bool) -> int | None:
        """Count one call to `chat_id`; return seconds to wait (the 429's retry_after) if over a limit."""
        now = self.clock()
        windows: list[tuple[deque[float], int, float]] = []
        if self.limits.global_per_second is not None:
            windows.append((self._all, self.limits.global_per_second, 1.0))
        sent = self._chat[chat_id]
        if self.limits.chat is not None:
            windows.append((sent, *self.limits.chat))
        if is_group and self.limits.group_per_minute is not None:
            windows.append((sent, self.limits.group_per_minute, 60.0))
        wait = 0.0
        for times, limit, seconds in windows:
            span = seconds - self.limits.slack
            recent = [t for t in times if t > now - span]
            if len(recent) >= limit:
                wait = max(wait, recent[-limit] + span - now)
        if wait > 0:
            return max(1, math.ceil(wait))
        self._all.append(now)
        sent.append(now)
        while self._all and self._all[0] <= now - 1:
            self._all.popleft()
        while sent and sent[0] <= now - 60:
            sent.popleft()
        return None
