"""Sending and editing on Telegram through one limiter, with the library's errors turned into delivery errors.
Edits are coalesced per message (channels/telegram/edits.py).

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
from channels.telegram.edits import EDIT_INTERVAL, EditThrottle
from channels.telegram.render import keyboard
from core.config import TelegramConfig
from core.messages import Address, Edit, Keyboard
from core.metrics import RATE_LIMITED
from handlers.delivery import RetryLater, TransientFailure, Undeliverable
from handlers.platforms import PlatformTraits
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

    def __init__(self, bot: Bot, limiter: Limiter, edit_interval: float = EDIT_INTERVAL) -> None:
        self.bot = bot
        self.limiter = limiter
        self.edits = EditThrottle(self._edit_now, edit_interval)

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
        sent = await self._call(
            to.chat_id,
            lambda: self.bot.send_document(
                to.chat_id, InputFile(data, filename=name), caption=first, parse_mode=ParseMode.HTML
            ),
        )
        await self._send_rest(to, rest)
        return str(sent.message_id)

    async def _send_rest(self, to: Address, parts: list[str]) -> None:
        if parts:
            await self.send(to, Markup("\n").join(Markup(part) for part in parts))  # noqa: S704 - parts of our markup

    async def _send_part(self, chat_id: str, text: str, markup: InlineKeyboardMarkup | None) -> Message:
        return await self.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup)

    async def edit(self, edit: Edit) -> None:
        """Queue the edit: every edit of a message goes through its one slot of the throttle, so a
        burst is coalesced and no older text lands after a newer one, whoever asked for it."""
        self.edits.submit(edit)

    async def _edit_now(self, edit: Edit, text: Markup) -> None:
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
