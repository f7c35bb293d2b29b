"""Zalo's routes on this process's HTTP server: the webhook the platform calls, and the charts
that sendPhoto points the platform at.

A webhook call is trusted only with the secret we gave setWebhook in X-Bot-Api-Secret-Token,
compared in constant time. Anything else (no or wrong secret, a body that is not JSON, an event we
do not know) is refused with a 4xx before any handler runs, so a forged call changes nothing.
A call is answered 200 only once its work is committed; if the database is out of reach it gets
503, and the platform's redelivery finds the message id already processed or not at all.
"""

from __future__ import annotations

import json
import logging

from aiohttp import web

from channels.server import HttpServer, Route, refused, secret_matches
from channels.zalo.channel import ZaloChannel
from channels.zalo.charts import CHART_PREFIX, ChartStore
from channels.zalo.updates import BadUpdate, parse_update
from handlers.dispatcher import UpdateNotHandled

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/zalo/webhook"
SECRET_HEADER = "X-Bot-Api-Secret-Token"  # noqa: S105 (a header name, not a secret)


def add_zalo_routes(server: HttpServer, channel: ZaloChannel, charts: ChartStore | None, secret: str) -> None:
    if secret:
        server.add_post(WEBHOOK_PATH, _webhook(channel, secret))
    if charts is not None:
        server.add_get(CHART_PREFIX + "{name}", _chart(charts))


def _webhook(channel: ZaloChannel, secret: str) -> Route:
    async def webhook(request: web.Request) -> web.Response:
        if not secret_matches(request, SECRET_HEADER, secret):
            log.warning("zalo webhook call refused: missing or wrong secret from %s", request.remote)
            return refused(403, "forbidden")
        try:
            update = parse_update(json.loads(await request.read()))
        except (ValueError, UnicodeDecodeError) as exc:  # BadUpdate and JSONDecodeError are ValueErrors
            reason = str(exc) if isinstance(exc, BadUpdate) else "not JSON"
            log.warning("zalo webhook call refused: %s", reason)
            return refused(400, reason)
        try:
            await channel.handle_update(update, tracked=True)
        except UpdateNotHandled:
            return refused(503, "try again")
        return web.json_response({"ok": True})

    return webhook


def _chart(charts: ChartStore) -> Route:
    async def chart(request: web.Request) -> web.Response:
        image = await charts.get(request.match_info["name"])
        if image is None:
            raise web.HTTPNotFound()
        return web.Response(body=image, content_type="image/png", headers={"Cache-Control": "no-store"})

    return chart
