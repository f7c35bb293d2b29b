"""The Telegram channel: python-telegram-bot, one handler for every update, which comes in by long
polling or by webhook (`updater(None)` and `process_update`, see channels/telegram/webhook.py), or
not at all in a worker, which only sends.

Each update becomes a neutral `Incoming` for the dispatcher; its `Response` goes out through the
one delivery path (handlers/delivery.py), each message by the sender of its address's platform: a
Telegram newcomer's join request reaches a Zalo secretary. A button press is answered with
answerCallbackQuery only (never a new message in the chat it was pressed in). Every Telegram call
goes through the one limiter the `TelegramSender` owns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from dataclasses import replace
from typing import Literal

from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from channels.ratelimit import Limiter
from channels.telegram.menus import REFRESH_SECONDS, Menus
from channels.telegram.sender import TelegramSender, telegram_limiter
from channels.telegram.updates import bot_joined_group, to_incoming
from core.messages import Address, Incoming, Response
from handlers.context import AppContext
from handlers.delivery import Sender, address, deliver
from handlers.dispatcher import Dispatcher, UpdateNotHandled
from handlers.edit_queue import EDIT_INTERVAL, EditQueue
from handlers.registry import ROUTER
from handlers.stored_files import StoredFiles
from models import Platform
from models.db import Engine

log = logging.getLogger(__name__)

# Updates handled at once (Telegram's max_connections for a webhook, too). SQLite takes one writer
# at a time, but the burst that matters, a room pressing "Có mặt", is written a batch per
# transaction (handlers/checkin_batch.py): more presses in flight make bigger batches, not
# more writers. Far more in flight (256) only queued (bench/checkin.py).
CONCURRENT_UPDATES = 16
# Long-polling wait (seconds) for getUpdates.
POLL_TIMEOUT = 10
TOAST_LIMIT = 200
# How long stopping waits for the edits in flight (a request's own timeouts bound it too).
EDITS_STOP_SECONDS = 5.0


def file_url(base_url: str) -> str:
    """Where files are downloaded from: "…/bot" (checked by the config) becomes "…/file/bot"."""
    return base_url.removesuffix("/bot") + "/file/bot"


# "polling", "webhook", or None for a process that only sends (a worker).
Receive = Literal["polling", "webhook"] | None
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
# The webhook update being handled collects here whether it must be delivered again.
_FAILED: ContextVar[list[UpdateNotHandled] | None] = ContextVar("telegram_update_failed", default=None)


class TelegramStartError(Exception):
    """The bot cannot start (token refused, server unreachable); the message never holds the token."""


class TelegramChannel:
    """Owns the python-telegram-bot Application, the sender and the edit queue."""

    def __init__(
        self,
        app: AppContext,
        dispatcher: Dispatcher | None = None,
        *,
        edit_interval: float = EDIT_INTERVAL,
        sending: Callable[[], bool] = lambda: True,
        request_timeout: float = 10.0,
        limiter: Limiter | None = None,
        concurrency: int | None = None,
        senders: dict[Platform, Sender] | None = None,
        receive: Receive = "polling",
        menus: bool = True,
    ) -> None:
        config = app.config.telegram
        self.app = app
        self.receive = receive
        self.keeps_menus = menus
        self.dispatcher = dispatcher or Dispatcher(app, ROUTER)
        builder = ApplicationBuilder()
        if receive != "polling":
            builder = builder.updater(None)
        self.application: Application = (  # type: ignore[type-arg]
            builder.token(config.token)
            .base_url(config.base_url)
            .concurrent_updates(concurrency or CONCURRENT_UPDATES)
            .read_timeout(request_timeout)
            .write_timeout(request_timeout)
            .connect_timeout(request_timeout)
            .pool_timeout(request_timeout)
            .get_updates_read_timeout(POLL_TIMEOUT + request_timeout)
            .base_file_url(file_url(config.base_url))
            .build()
        )
        self.application.add_handler(TypeHandler(Update, self._on_update))
        engine = app.sessions.kw.get("bind")
        shared = engine if isinstance(engine, Engine) else None
        self.sender = TelegramSender(self.application.bot, limiter or telegram_limiter(config, shared))
        # Any process queues edits; this one sends them only while `sending()` (the sender lock).
        self.edits = EditQueue(app, Platform.TELEGRAM, self.sender.edit_now, interval=edit_interval, sending=sending)
        self.sender.edits = self.edits
        self.sender.files = StoredFiles(app)
        self._edit_task: asyncio.Task[None] | None = None
        # Every running platform's sender, shared with the other channels and the outbox; this
        # channel adds its own while it runs.
        self.senders = senders if senders is not None else {}
        self.menus = Menus(self.application.bot, app, self.dispatcher.router.commands)
        self._menu_task: asyncio.Task[None] | None = None

    @property
    def username(self) -> str:
        return str(self.application.bot.username)

    async def start(self) -> None:
        try:
            await self.application.initialize()
        except InvalidToken:
            raise TelegramStartError("Telegram refused the bot token: check TELEGRAM_BOT_TOKEN") from None
        except TelegramError as error:
            raise TelegramStartError(f"cannot reach the Telegram Bot API: {error.message}") from None
        await self.post_init()
        if self.receive == "polling":
            assert self.application.updater is not None
            await self.application.updater.start_polling(timeout=POLL_TIMEOUT, allowed_updates=list(ALLOWED_UPDATES))
        await self.application.start()
        self._edit_task = asyncio.create_task(self.edits.run(), name="telegram-edits")
        self.senders[Platform.TELEGRAM] = self.sender
        how = {"polling": "is polling", "webhook": "receives updates by webhook", None: "only sends"}
        log.info("Telegram bot @%s %s", self.username, how[self.receive])

    async def post_init(self) -> None:
        """Once the bot knows who it is: its name for deep links, and (in the process that keeps
        them) the command menus, kept in step with the roles from then on."""
        self.app.bot_names[Platform.TELEGRAM] = self.username
        if self.keeps_menus:
            log.info("command menus set (%d scopes)", await self.menus.refresh())
            self._menu_task = asyncio.create_task(self._keep_menus())

    async def _keep_menus(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            try:
                changed = await self.menus.refresh()
            except Exception:
                log.exception("could not refresh the command menus; trying again later")
                continue
            if changed:
                log.info("command menus updated (%d scopes)", changed)

    async def stop(self) -> None:
        """Stop polling, finish the edits in flight (the rest wait in the database for the next
        sender), close the HTTP clients."""
        if self.senders.get(Platform.TELEGRAM) is self.sender:
            del self.senders[Platform.TELEGRAM]
        if self._menu_task is not None:
            self._menu_task.cancel()
            await asyncio.gather(self._menu_task, return_exceptions=True)
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        if self._edit_task is not None:
            self.edits.stop()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._edit_task), EDITS_STOP_SECONDS)
            self._edit_task.cancel()
            await asyncio.gather(self._edit_task, return_exceptions=True)
        await self.application.shutdown()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[TelegramChannel]:
        await self.start()
        try:
            yield self
        finally:
            await self.stop()

    # ---- one update --------------------------------------------------------------------------

    async def process_delivered(self, update: Update) -> None:
        """Handle a webhook update to the end (its work committed, its replies sent); raises
        UpdateNotHandled when it must be delivered again. python-telegram-bot's `process_update`
        hands handler errors to error handlers, so the failure comes back through `_FAILED`."""
        failed: list[UpdateNotHandled] = []
        token = _FAILED.set(failed)
        try:
            await self.application.process_update(update)
        finally:
            _FAILED.reset(token)
        if failed:
            raise failed[0]

    async def _on_update(self, update: object, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if not isinstance(update, Update):
            return
        try:
            await self._handle(update)
        except UpdateNotHandled as error:
            failed = _FAILED.get(None)
            if failed is None:
                raise
            failed.append(error)

    async def _handle(self, update: Update) -> None:
        joined = bot_joined_group(update)
        if joined is not None:
            greeting = Response().say(self.app.tr.t("telegram-added-to-group"))
            await deliver(self.app, greeting, Address(Platform.TELEGRAM, str(joined)), self._senders())
            return
        incoming = to_incoming(update, self.username)
        if incoming is None:
            return
        if self.receive == "webhook":
            incoming = replace(incoming, update_id=str(update.update_id))
        response = await self.dispatcher.handle(incoming)
        await self.render(incoming, response, update.callback_query.id if update.callback_query else None)

    def _senders(self) -> dict[Platform, Sender]:
        """The shared senders, with this channel's own even before `start` registered it (tests)."""
        return {Platform.TELEGRAM: self.sender, **self.senders}

    async def render(self, incoming: Incoming, response: Response, query_id: str | None) -> None:
        # A press is never answered in the chat it came from: what the handler says goes to the presser.
        origin = Address(Platform.TELEGRAM, incoming.user_id) if query_id is not None else incoming.chat
        addressed = await address(self.app, response, origin, origin_wrote=origin == incoming.chat)
        if query_id is not None:
            await self._answer(query_id, response.toast)
        await addressed.send(self.app, self._senders())

    async def _answer(self, query_id: str, toast: str | None) -> None:
        try:
            await self.application.bot.answer_callback_query(query_id, text=(toast or "")[:TOAST_LIMIT] or None)
        except TelegramError as error:
            # The query expired (the user waited too long); the answer is only a courtesy.
            log.info("callback answer not delivered: %s", error.message)


async def run_telegram(
    app: AppContext,
    dispatcher: Dispatcher | None = None,
    senders: dict[Platform, Sender] | None = None,
    *,
    stop: asyncio.Event | None = None,
) -> None:
    """Run until `stop` is set or the task is cancelled (Ctrl-C), then stop cleanly. While running,
    the channel's sender is in `senders`, for the other channels, the outbox and the reminders."""
    channel = TelegramChannel(app, dispatcher, senders=senders)
    async with channel.running():
        await (stop or asyncio.Event()).wait()
