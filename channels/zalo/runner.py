"""Running the Zalo channel from `[zalo]` config: polling or webhook, plus the chart server.

`ZaloRuntime` is what bot.py starts next to Telegram: it proves the token (getMe), registers its
Sender in the shared Platform → Sender map (the outbox dispatcher and the other channels send to
Zalo through it), starts our HTTP server when there is a webhook or a public address for charts,
and then either sets the webhook or polls.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from channels.choices import PromptBook
from channels.server import HttpServer
from channels.zalo.channel import POLL_SECONDS, ZaloChannel
from channels.zalo.charts import ChartStore
from channels.zalo.client import ZaloClient, ZaloError
from channels.zalo.sender import ZaloSender, zalo_limiter
from channels.zalo.server import WEBHOOK_PATH, add_zalo_routes
from handlers.context import AppContext
from handlers.delivery import Sender
from handlers.dispatcher import Dispatcher
from handlers.stored_files import StoredFiles
from models import Platform

log = logging.getLogger(__name__)


class ZaloStartError(Exception):
    """The Zalo side cannot start; the message never holds the token."""


class ZaloRuntime:
    """`receive` False (a worker): only the sender, for the outbox; no polling, no webhook.
    `server`: the process's shared HTTP server, to which the webhook and chart routes are added
    (before it starts); without one, the runtime runs its own on `[server] listen` when needed."""

    def __init__(
        self,
        app: AppContext,
        dispatcher: Dispatcher,
        senders: dict[Platform, Sender],
        *,
        poll_seconds: int = POLL_SECONDS,
        server: HttpServer | None = None,
        receive: bool = True,
    ) -> None:
        config = app.config.zalo
        self.config = config
        self.receive = receive
        self.public_url = app.config.server.public_url
        self.poll_seconds = poll_seconds
        self.client = ZaloClient(config.token, config.base_url)
        # Charts live in the database: a worker sends the digest's picture, and any process behind
        # the public address (a serve process, or this one) serves it when Zalo fetches it.
        self.charts = ChartStore(app) if self.public_url else None
        self.sender = ZaloSender(
            self.client,
            app.tr,
            zalo_limiter(config),
            charts=self.charts,
            public_url=self.public_url,
            prompts=PromptBook(app),
            files=StoredFiles(app),
        )
        self.senders = senders
        self.channel = ZaloChannel(app, dispatcher, self.client, self.sender, senders)
        webhook = receive and config.mode == "webhook"
        self._own_server = server is None and (webhook or self.charts is not None)
        if self._own_server:
            server = HttpServer(app.config.server.listen)
        self.server = server
        if server is not None:
            add_zalo_routes(server, self.channel, self.charts, config.webhook_secret if webhook else "")
        self._poller: asyncio.Task[None] | None = None

    async def start(self) -> None:
        try:
            me = await self.channel.identify()
        except ZaloError as exc:
            await self.client.aclose()
            if exc.status == 401 or exc.code == 401:
                raise ZaloStartError("Zalo refused the bot token: check ZALO_BOT_TOKEN") from None
            raise ZaloStartError(f"cannot reach the Zalo Bot API: {exc.description or exc.status}") from None
        self.senders[Platform.ZALO] = self.sender
        if self.server is not None and self._own_server:
            await self.server.start()
        try:
            if not self.receive:
                log.info("Zalo bot %s: sending only", me.get("account_name"))
            elif self.config.mode == "webhook":
                await self.client.set_webhook(self.public_url + WEBHOOK_PATH, self.config.webhook_secret)
                log.info("Zalo bot %s receives updates by webhook", me.get("account_name"))
            else:
                await self.client.delete_webhook()  # getUpdates answers nothing while a webhook is set
                self._poller = asyncio.create_task(self.channel.poll_forever(self.poll_seconds))
                log.info("Zalo bot %s is polling", me.get("account_name"))
        except ZaloError as exc:
            await self.stop()
            raise ZaloStartError(f"Zalo refused the set-up: {exc.description or exc.status}") from None

    async def stop(self) -> None:
        """Stop polling and serving; a webhook stays set, so a restart carries on where this left off."""
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
        if self.server is not None and self._own_server:
            await self.server.stop()
        self.senders.pop(Platform.ZALO, None)
        await self.client.aclose()

    async def wait(self, stop: asyncio.Event) -> None:
        """Until `stop` is set; a poller that died (token revoked) ends the wait with its error."""
        stopped = asyncio.create_task(stop.wait())
        waiting: set[asyncio.Task[Any]] = {stopped}
        if self._poller is not None:
            waiting.add(self._poller)
        try:
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
        if self._poller is not None and self._poller.done() and not self._poller.cancelled():
            error = self._poller.exception()
            if error is not None:
                raise ZaloStartError(f"Zalo polling stopped: {error}") from None

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[ZaloRuntime]:
        await self.start()
        try:
            yield self
        finally:
            await self.stop()


async def run_zalo(
    app: AppContext,
    dispatcher: Dispatcher,
    senders: dict[Platform, Sender],
    *,
    stop: asyncio.Event,
    server: HttpServer | None = None,
    receive: bool = True,
) -> None:
    """Run until `stop` is set (bot.py sets it on SIGTERM) or the task is cancelled; then stop cleanly."""
    async with ZaloRuntime(app, dispatcher, senders, server=server, receive=receive).running() as runtime:
        await runtime.wait(stop)
