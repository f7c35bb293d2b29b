"""Telegram updates by webhook: the `/telegram/webhook` route on this process's HTTP server, and
setting the webhook at start.

As python-telegram-bot's examples/customwebhookbot: the Application is built with `updater(None)`
and each update is passed to `process_update`, but awaited here rather than queued, so the call is
answered 200 only once the update's work is committed (a process killed before that leaves it
unanswered, and Telegram delivers it again; its processed update id makes that harmless).
"""

from __future__ import annotations

import json
import logging

from aiohttp import web
from telegram import Bot, Update

from channels.server import HttpServer, Route, refused, secret_matches
from channels.telegram.channel import ALLOWED_UPDATES, TelegramChannel
from handlers.dispatcher import UpdateNotHandled

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name, not a secret)


def add_telegram_route(server: HttpServer, channel: TelegramChannel, secret: str) -> None:
    server.add_post(WEBHOOK_PATH, _webhook(channel, secret))


def _webhook(channel: TelegramChannel, secret: str) -> Route:
    async def webhook(request: web.Request) -> web.Response:
        if not secret_matches(request, SECRET_HEADER, secret):
            log.warning("telegram webhook call refused: missing or wrong secret from %s", request.remote)
            return refused(401, "unauthorized")
        if not channel.application.running:
            return refused(503, "starting")  # Telegram retries; the update is not lost
        try:
            update = Update.de_json(json.loads(await request.read()), channel.application.bot)
        except Exception as exc:  # not JSON, or JSON that is no update: nothing a retry would fix
            log.warning("telegram webhook call refused: not an update (%s)", type(exc).__name__)
            return refused(400, "not an update")
        if update is None:
            return refused(400, "not an update")
        try:
            await channel.process_delivered(update)
        except UpdateNotHandled:
            return refused(503, "try again")
        return web.json_response({"ok": True})

    return webhook


async def ensure_webhook(bot: Bot, url: str, secret: str, max_connections: int) -> bool:
    """Point Telegram at `url` unless it already is (many serve processes start at once: only a
    change is sent). Pending updates are never dropped. True when setWebhook was called.

    getWebhookInfo does not show the secret; a webhook whose calls we refuse (a changed secret)
    shows up as a 401/403 last error, and is set again."""
    info = await bot.get_webhook_info()
    refused_calls = any(code in (info.last_error_message or "") for code in ("401", "403"))
    same = (
        info.url == url
        and set(info.allowed_updates or ()) == set(ALLOWED_UPDATES)
        and info.max_connections == max_connections
    )
    if same and not refused_calls:
        return False
    await bot.set_webhook(
        url,
        secret_token=secret,
        allowed_updates=list(ALLOWED_UPDATES),
        max_connections=max_connections,
        drop_pending_updates=False,
    )
    log.info("Telegram webhook set to %s (at most %d connections)", url, max_connections)
    return True
