"""The outgoing limiter keeps every window, on a simulated clock (no real waiting)."""

from __future__ import annotations

import asyncio

import pytest

from channels.ratelimit import SWEEP_EVERY, RateLimiter, Window


class SimulatedTime:
    """A monotonic clock that moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def most_in_any_window(times: list[float], seconds: float) -> int:
    times = sorted(times)
    return max(sum(1 for t in times if start <= t < start + seconds) for start in times)


@pytest.mark.parametrize(
    ("rate", "span", "window"),
    [(1, 3.0, Window(3, 3.0)), (0.5, 3.0, Window(1, 2.0)), (25, 1.0, Window(25, 1.0)), (2.5, 1.0, Window(2, 0.8))],
)
def test_rates_become_windows_with_the_same_average(rate: float, span: float, window: Window) -> None:
    assert Window.rate(rate, span) == window


async def test_a_private_chat_gets_a_burst_then_one_per_second() -> None:
    time = SimulatedTime()
    limiter = RateLimiter(per_chat=Window(3, 3.0), clock=time.clock, sleep=time.sleep)
    moments = []
    for _ in range(7):
        await limiter.acquire("1001", group=False)
        moments.append(time.now)
    assert moments == [0, 0, 0, 3, 3, 3, 6]
    # Another chat is not held back by the first one.
    await limiter.acquire("1002", group=False)
    assert time.now == 6


async def test_a_group_gets_twenty_a_minute_and_the_bot_its_overall_rate() -> None:
    time = SimulatedTime()
    limiter = RateLimiter(
        overall=Window(25, 1.0), per_chat=Window(3, 3.0), per_group=Window(20, 60.0), clock=time.clock, sleep=time.sleep
    )
    group_times = []
    for _ in range(21):
        await limiter.acquire("-100", group=True)
        group_times.append(time.now)
    assert group_times[-1] >= 60.0
    assert most_in_any_window(group_times, 60.0) == 20
    assert most_in_any_window(group_times, 3.0) == 3


async def test_concurrent_senders_share_one_overall_window() -> None:
    time = SimulatedTime()
    limiter = RateLimiter(overall=Window(5, 1.0), clock=time.clock, sleep=time.sleep)
    moments: list[float] = []

    async def send(chat: str) -> None:
        await limiter.acquire(chat, group=False)
        moments.append(time.now)

    await asyncio.gather(*(send(str(n)) for n in range(23)))
    assert len(moments) == 23
    assert most_in_any_window(moments, 1.0) <= 5


async def test_a_pause_holds_back_only_that_chat() -> None:
    time = SimulatedTime()
    limiter = RateLimiter(per_chat=Window(3, 3.0), clock=time.clock, sleep=time.sleep)
    limiter.pause("-100", 7)
    assert limiter.delay("-100", group=True) == 7
    assert limiter.delay("1001", group=False) == 0
    await limiter.acquire("-100", group=True)
    assert time.now == 7


async def test_idle_chats_are_forgotten_so_memory_stays_flat() -> None:
    now = [0.0]
    limiter = RateLimiter(
        overall=Window(10_000, 1.0), per_chat=Window(1, 1.0), per_group=Window(20, 60.0), clock=lambda: now[0]
    )
    for n in range(5 * SWEEP_EVERY):
        now[0] = n * 0.1  # 100 chats per 10 s: each one idle long before the next sweep
        await limiter.acquire(f"chat-{n}", group=False)
    assert len(limiter._chats) < SWEEP_EVERY
    assert limiter.delay(f"chat-{5 * SWEEP_EVERY - 1}", group=False) > 0  # the recent chat is still limited
