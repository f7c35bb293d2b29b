"""Sending and editing on Telegram through one limiter, with the library's errors turned into delivery errors.
Edits wait in the database and go out from the one process that sends (handlers/edit_queue.py).

Used for direct replies and by the outbox dispatcher alike (it is the `Sender` of handlers/delivery.py).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import Any, TypeVar

from markupsafe import Markup
from telegram import Bot, InlineKeyboardMarkup, InputFile, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError

from channels.ratelimit import Limiter, RateLimiter, SharedLimiter, Window
from channels.telegram.render import keyboard
from core.config import TelegramConfig
from core.messages import Address, Edit, Keyboard
from core.metrics import RATE_LIMITED
from handlers.delivery import RetryLater, TransientFailure, Undeliverable
from handlers.edit_queue import EditQueue
from handlers.platforms import PlatformTraits
from handlers.stored_files import StoredFiles
from handlers.textsplit import split_text
from models.db import Engine

log = logging.getLogger(__name__)
T = TypeVar("T")

CAPTION_LIMIT = 1024
# Telegram edits its messages and shows 4,096 characters of parsed text in one.
TRAITS = PlatformTraits(can_edit=True, text_limit=4096, sends_files=True)
# A private chat may take a short burst; on average `chat_per_second` (Telegram: about 1/s).
CHAT_BURST_SECONDS = 3.0
# Answers Telegram gives when the recipient is gone for good, whatever the status code.
_GONE = ("chat not found", "user not found", "peer_id_invalid", "bot was kicked", "group chat was deactivated")


def telegram_limiter(config: TelegramConfig, engine: Engine | None = None) -> Limiter:
    """Telegram's windows; on PostgreSQL kept in the database, one budget for every process of the bot."""
    overall = Window.rate(config.rate_per_second)
    per_chat = Window.rate(config.chat_per_second, CHAT_BURST_SECONDS)
    per_group = Window(config.group_per_minute, 60.0)
    if engine is not None and engine.dialect.name == "postgresql":
        bot = "telegram:" + config.token.split(":")[0]
        return SharedLimiter(engine, bot, overall=overall, per_chat=per_chat, per_group=per_group)
    return RateLimiter(overall=overall, per_chat=per_chat, per_group=per_group)


def is_group(chat_id: str) -> bool:
    """Telegram gives groups and supergroups negative ids, users positive ones."""
    return chat_id.startswith("-")


def retry_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 warns that the attribute will become a timedelta; both forms are handled.
        warnings.simplefilter("ignore")
        value: Any = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender:
    """Sends and edits with HTML parse mode; every call waits for the limiter first."""

    def __init__(self, bot: Bot, limiter: Limiter) -> None:
        self.bot = bot
        self.limiter = limiter
        # Set by the channel (they need the database); a sender without them only sends.
        self.edits: EditQueue | None = None
        self.files: StoredFiles | None = None

    async def send(self, to: Address, text: Markup, buttons: Keyboard = ()) -> str:
        """Send (in several parts when too long; the buttons go on the last) and return
        the id of the last part, the one a later edit would change."""
        parts = split_text(str(text), TRAITS.text_limit) or [""]
        message_id = ""
        for number, part in enumerate(parts, start=1):
            markup = keyboard(buttons) if number == len(parts) else None
            sent = await self._call(to.chat_id, partial(self._send_part, to.chat_id, part, markup))
            message_id = str(sent.message_id)
        return message_id

    async def send_photo(self, to: Address, image: bytes, caption: Markup) -> str:
        """A picture (PNG bytes) with its caption; caption text past Telegram's limit follows as messages."""
        first, *rest = split_text(str(caption), CAPTION_LIMIT) or [""]
        sent = await self._call(
            to.chat_id,
            lambda: self.bot.send_photo(
                to.chat_id, InputFile(image, filename="chart.png"), caption=first, parse_mode=ParseMode.HTML
            ),
        )
        await self._send_rest(to, rest)
        return str(sent.message_id)

    async def send_document(self, to: Address, name: str, data: bytes, caption: Markup) -> str:
        """A file (an export) with its caption; caption text past Telegram's limit follows as messages."""
        first, *rest = split_text(str(caption), CAPTION_LIMIT) or [""]
        upload = InputFile(data, filename=name)
        sent = await self._call(to.chat_id, lambda: self._send_file(to, upload, first, None))
        await self._send_rest(to, rest)
        return str(sent.message_id)

    async def send_stored(self, to: Address, file_id: int, caption: Markup, buttons: Keyboard = ()) -> str:
        """A file kept in the database, with its caption and buttons: uploaded the first time, then
        sent by the id Telegram gave it, so a fan-out uploads it once. A caption past Telegram's
        limit follows as messages, the buttons on the last."""
        if self.files is None:
            raise TransientFailure("this sender cannot send stored files")
        info = await self.files.info(file_id)
        if info is None:  # its material was deleted meanwhile: the text alone
            return await self.send(to, caption, buttons)
        first, *rest = split_text(str(caption), CAPTION_LIMIT) or [""]
        markup = None if rest else keyboard(buttons)
        sent: Message | None = None
        if info.telegram_file_id:
            known = info.telegram_file_id
            try:
                sent = await self._call(to.chat_id, lambda: self._send_file(to, known, first, markup))
            except Undeliverable as error:
                if "file identifier" not in str(error).lower():
                    raise
                # Telegram no longer knows that id (the bot's token changed): upload it again.
                await self.files.remember_telegram_id(file_id, None)
        if sent is None:
            data = await self.files.content(file_id)
            if data is None:
                return await self.send(to, caption, buttons)
            upload = InputFile(data, filename=info.name)
            sent = await self._call(to.chat_id, lambda: self._send_file(to, upload, first, markup))
            if sent.document is not None:
                await self.files.remember_telegram_id(file_id, sent.document.file_id)
        await self._send_rest(to, rest, buttons)
        return str(sent.message_id)

    async def _send_file(
        self, to: Address, document: InputFile | str, caption: str, markup: InlineKeyboardMarkup | None
    ) -> Message:
        return await self.bot.send_document(
            to.chat_id, document, caption=caption, parse_mode=ParseMode.HTML, reply_markup=markup
        )

    async def _send_rest(self, to: Address, parts: list[str], buttons: Keyboard = ()) -> None:
        if parts:
            text = Markup("\n").join(Markup(part) for part in parts)  # noqa: S704 - parts of our markup
            await self.send(to, text, buttons)

    async def _send_part(self, chat_id: str, text: str, markup: InlineKeyboardMarkup | None) -> Message:
        return await self.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup)

    async def edit(self, edit: Edit) -> None:
        """Queue the edit: it goes out from the process that holds the sender lock, coalesced with
        the other edits of its message, and no older text lands after a newer one."""
        if self.edits is None:
            raise TransientFailure("this sender cannot edit (no edit queue)")
        await self.edits.put(edit)

    async def edit_now(self, edit: Edit, text: Markup) -> None:
        """Edit at once (the edit queue calls this in the process that sends)."""
        try:
            await self._call(
                edit.to.chat_id,
                lambda: self.bot.edit_message_text(
                    (split_text(str(text), TRAITS.text_limit) or [""])[0],
                    chat_id=edit.to.chat_id,
                    message_id=int(edit.message_id),
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(edit.buttons),
                ),
            )
        except Undeliverable as error:
            # Pressing twice between two edits can ask for the text already shown: nothing to do.
            if "not modified" not in str(error).lower():
                raise

    async def _call(self, chat_id: str, make: Callable[[], Awaitable[T]]) -> T:
        await self.limiter.acquire(chat_id, group=is_group(chat_id))
        try:
            return await make()
        except RetryAfter as error:
            seconds = retry_seconds(error)
            RATE_LIMITED.labels("telegram").inc()
            self.limiter.pause(chat_id, seconds)
            raise RetryLater(seconds) from error
        except (Forbidden, ChatMigrated) as error:
            raise Undeliverable(error.message) from error
        except BadRequest as error:
            if not any(gone in error.message.lower() for gone in _GONE) and "not modified" not in error.message:
                # Our own message was refused (bad markup, too long): a bug worth seeing in the log.
                log.error("Telegram refused a message to chat %s: %s", chat_id, error.message)
            raise Undeliverable(error.message) from error
        except InvalidToken:
            raise
        except (NetworkError, TelegramError) as error:
            raise TransientFailure(error.message) from error
