"""Our HTTP side for Zalo (aiohttp.web on `[zalo] listen`, behind the operator's HTTPS proxy):
the webhook the platform calls, and the charts that sendPhoto points the platform at.

A webhook call is trusted only with the secret we gave setWebhook in X-Bot-Api-Secret-Token,
compared in constant time. Anything else (no or wrong secret, a body that is not JSON, an event we
do not know) is refused with a 4xx before any handler runs, so a forged call changes nothing.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from channels.zalo.channel import ZaloChannel
from channels.zalo.charts import CHART_PREFIX, ChartStore
from channels.zalo.updates import BadUpdate, parse_update

log = logging.getLogger(__name__)

Route = Callable[[web.Request], Awaitable[web.Response]]

WEBHOOK_PATH = "/zalo/webhook"
SECRET_HEADER = "X-Bot-Api-Secret-Token"  # noqa: S105 (a header name, not a secret)
MAX_BODY = 64 * 1024


def make_web_app(channel: ZaloChannel, charts: ChartStore | None, secret: str) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    if secret:
        app.router.add_post(WEBHOOK_PATH, _webhook(channel, secret))
    if charts is not None:
        app.router.add_get(CHART_PREFIX + "{name}", _chart(charts))
    return app


def _webhook(channel: ZaloChannel, secret: str) -> Route:
    expected = secret.encode()

    async def webhook(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("zalo webhook call refused: missing or wrong secret from %s", request.remote)
            return web.json_response({"ok": False, "description": "forbidden"}, status=403)
        try:
            update = parse_update(json.loads(await request.read()))
        except (ValueError, UnicodeDecodeError) as exc:  # BadUpdate and JSONDecodeError are ValueErrors
            reason = str(exc) if isinstance(exc, BadUpdate) else "not JSON"
            log.warning("zalo webhook call refused: %s", reason)
            return web.json_response({"ok": False, "description": reason}, status=400)
        await channel.handle_update(update)
        return web.json_response({"ok": True})

    return webhook


def _chart(charts: ChartStore) -> Route:
    async def chart(request: web.Request) -> web.Response:
        image = charts.get(request.match_info["name"])
        if image is None:
            raise web.HTTPNotFound()
        return web.Response(body=image, content_type="image/png", headers={"Cache-Control": "no-store"})

    return chart


class ZaloServer:
    """Starts and stops the aiohttp site; port 0 picks a free port (tests), reported by `port`."""

    def __init__(self, app: web.Application, listen: str) -> None:
        self.host, _, port = listen.rpartition(":")
        self.port = int(port)
        self._runner = web.AppRunner(app, access_log=None)

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        if self.port == 0 and self._runner.addresses:
            self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        await self._runner.cleanup()
