"""Charts for Zalo, served by our own server: sendPhoto takes a URL the platform fetches, not an upload.

Each image gets an unguessable path (256 random bits) that stops working after `ttl`, so a
digest chart cannot be found by guessing and does not stay online for ever.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from core.clock import Clock

CHART_PREFIX = "/zalo/chart/"
CHART_TTL = timedelta(hours=48)


class ChartStore:
    def __init__(self, clock: Clock, ttl: timedelta = CHART_TTL) -> None:
        self.clock = clock
        self.ttl = ttl
        self._images: dict[str, tuple[bytes, datetime]] = {}

    def put(self, image: bytes) -> str:
        """Store a PNG; returns the path under which it is served."""
        self._purge()
        token = secrets.token_urlsafe(32)
        self._images[token] = (image, self.clock.now() + self.ttl)
        return f"{CHART_PREFIX}{token}.png"

    def get(self, name: str) -> bytes | None:
        """The image for the last path segment ("<token>.png"), unless unknown or expired."""
        self._purge()
        found = self._images.get(name.removesuffix(".png"))
        return found[0] if found else None

    def _purge(self) -> None:
        now = self.clock.now()
        for token in [t for t, (_, until) in self._images.items() if until <= now]:
            del self._images[token]
