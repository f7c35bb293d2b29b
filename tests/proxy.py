"""A small round-robin reverse proxy, as nginx in front of several serve processes: an upstream
that refuses the connection is skipped (nginx's `proxy_next_upstream error`); one that dies with
the request in hand gets the caller a 502, and Telegram delivers that update again."""

from __future__ import annotations

import itertools

import aiohttp
from aiohttp import web

HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection"}


class RoundRobinProxy:
    def __init__(self, upstreams: list[str], timeout: float = 30.0) -> None:
        self.upstreams = upstreams
        self._turn = itertools.count()
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.answered: dict[str, int] = {}

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=self._timeout)
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        assert self._runner.addresses
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        start = next(self._turn)
        for offset in range(len(self.upstreams)):
            upstream = self.upstreams[(start + offset) % len(self.upstreams)]
            try:
                async with self._session.request(
                    request.method, upstream + request.path_qs, data=body, headers=headers
                ) as answer:
                    payload = await answer.read()
                    self.answered[upstream] = self.answered.get(upstream, 0) + 1
                    return web.Response(status=answer.status, body=payload, content_type=answer.content_type)
            except aiohttp.ClientConnectorError:
                continue  # not listening (down or restarting): the next one
            except (aiohttp.ClientError, TimeoutError):
                return web.Response(status=502, text="bad gateway")
        return web.Response(status=502, text="no upstream")
