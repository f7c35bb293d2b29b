"""Waiting on what no fake server notifies about (a log line, another process, the other platform's
fake): poll until it holds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


async def until(predicate: Callable[[], T], within: float = 5.0, *, what: str = "nothing arrived") -> T:
    """Poll `predicate()` every 50 ms until it is truthy and return it; fail after `within` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        found = predicate()
        if found:
            return found
        if loop.time() > deadline:
            raise AssertionError(f"{what} within {within}s")
        await asyncio.sleep(0.05)
