"""This process's one HTTP server (aiohttp.web on `[server] listen`, behind the operator's proxy):
every platform's webhook, Zalo's charts, and /healthz for the load balancer.

Routes are added before `start` (aiohttp freezes its router then); port 0 picks a free port
(tests), reported by `port` once started.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from services.health import HealthCheck

log = logging.getLogger(__name__)

Route = Callable[[web.Request], Awaitable[web.StreamResponse]]

HEALTH_PATH = "/healthz"
# Webhook bodies are small (one update); anything larger is refused by aiohttp with 413.
MAX_BODY = 256 * 1024


def secret_matches(request: web.Request, header: str, secret: str) -> bool:
    """The platform's echo of our webhook secret, compared in constant time."""
    return hmac.compare_digest(request.headers.get(header, "").encode(), secret.encode())


def refused(status: int, reason: str) -> web.Response:
    return web.json_response({"ok": False, "description": reason}, status=status)


class HttpServer:
    def __init__(self, listen: str, health: HealthCheck | None = None) -> None:
        self.host, _, port = listen.rpartition(":")
        self.port = int(port)
        self.app = web.Application(client_max_size=MAX_BODY)
        if health is not None:
            self.app.router.add_get(HEALTH_PATH, _health(health))
        self._runner: web.AppRunner | None = None

    def add_post(self, path: str, route: Route) -> None:
        self.app.router.add_post(path, route)

    def add_get(self, path: str, route: Route, *, allow_head: bool = True) -> None:
        self.app.router.add_get(path, route, allow_head=allow_head)

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        if self.port == 0 and self._runner.addresses:
            self.port = int(self._runner.addresses[0][1])
        log.info("HTTP server listening on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def _health(health: HealthCheck) -> Route:
    async def answer(_request: web.Request) -> web.Response:
        verdict = await health.verdict()
        if not verdict.ok:
            log.warning("health check failed: %s", verdict.checks)
        return web.json_response({"ok": verdict.ok, **verdict.checks}, status=200 if verdict.ok else 503)

    return answer
