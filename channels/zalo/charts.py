"""Charts for Zalo, served by our own server: sendPhoto takes a URL the platform fetches, not an upload.

Each image gets an unguessable path (256 random bits) that stops working after `ttl`, so a
digest chart cannot be found by guessing and does not stay online for ever. Images are kept in
the database (services/chart_images.py): a worker sends the digest, and whichever serve process
the platform's fetch reaches behind the proxy serves the picture; a restart loses none.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from handlers.context import AppContext
from services import chart_images

CHART_PREFIX = "/zalo/chart/"
CHART_TTL = timedelta(hours=48)


class ChartStore:
    def __init__(self, app: AppContext, ttl: timedelta = CHART_TTL) -> None:
        self.app = app
        self.ttl = ttl

    async def put(self, image: bytes) -> str:
        """Store a PNG; returns the path under which it is served."""
        token = secrets.token_urlsafe(32)
        async with self.app.sessions() as session, session.begin():
            await chart_images.keep(session, token, image, self.app.clock.now() + self.ttl)
        return f"{CHART_PREFIX}{token}.png"

    async def get(self, name: str) -> bytes | None:
        """The image for the last path segment ("<token>.png"), unless unknown or expired."""
        async with self.app.sessions() as session:
            return await chart_images.find(session, name.removesuffix(".png"), self.app.clock.now())
