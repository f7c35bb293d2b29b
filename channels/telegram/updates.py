"""Telegram updates as neutral incoming actions: the channel's other modules send and render, this one
reads what arrives."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Chat, Document, Update, User
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError

from core.messages import Attachment, ChatKind, Incoming
from models import Platform

_KINDS = {Chat.PRIVATE: ChatKind.PRIVATE, Chat.GROUP: ChatKind.GROUP, Chat.SUPERGROUP: ChatKind.GROUP}
_PRESENT = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
# The Bot API serves files up to 20 MB to bots (getFile).
DOWNLOAD_LIMIT = 20 * 1024 * 1024
log = logging.getLogger(__name__)


def _name(user: User) -> str:
    return user.full_name or (user.username or str(user.id))


def to_incoming(update: Update, bot_username: str) -> Incoming | None:
    """A message or button press we should answer, else None (service messages, channels, other bots'
    commands, edits)."""
    query = update.callback_query
    if query is not None:
        if query.data is None:
            return None
        message = query.message
        chat = message.chat if message is not None else None
        kind = _KINDS.get(chat.type, ChatKind.PRIVATE) if chat is not None else ChatKind.PRIVATE
        return Incoming(
            platform=Platform.TELEGRAM,
            user_id=str(query.from_user.id),
            user_name=_name(query.from_user),
            chat_id=str(chat.id if chat is not None else query.from_user.id),
            chat_kind=kind,
            button=query.data,
            message_id=str(message.message_id) if message is not None else None,
        )
    message = update.message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None
    chat_kind = _KINDS.get(message.chat.type)
    document = message.document if chat_kind is ChatKind.PRIVATE else None
    text = message.text if document is None else (message.caption or "")
    if chat_kind is None or text is None or not _for_us(text, bot_username):
        return None
    return Incoming(
        platform=Platform.TELEGRAM,
        user_id=str(message.from_user.id),
        user_name=_name(message.from_user),
        chat_id=str(message.chat.id),
        chat_kind=chat_kind,
        text=text,
        file=_attachment(document) if document is not None else None,
    )


def _attachment(document: Document) -> Attachment:
    return Attachment(document.file_name or "", document.file_size or 0, _fetcher(document))


def _fetcher(document: Document) -> Callable[[], Awaitable[bytes | None]]:
    """getFile, then the download; None past Telegram's limit or when Telegram cannot serve it."""

    async def fetch() -> bytes | None:
        if (document.file_size or 0) > DOWNLOAD_LIMIT:
            return None
        try:
            data = bytes(await (await document.get_file()).download_as_bytearray())
        except TelegramError as error:
            log.info("file not downloaded: %s", error.message)
            return None
        return data if len(data) <= DOWNLOAD_LIMIT else None

    return fetch


def _for_us(text: str, bot_username: str) -> bool:
    """`/command@other_bot` is meant for another bot in the same group."""
    if not text.startswith("/"):
        return True
    _, at, mention = text.split(maxsplit=1)[0].partition("@")
    return not at or mention.lower() == bot_username.lower()


def bot_joined_group(update: Update) -> int | None:
    """The group's id when this update says the bot was just added to a group."""
    change = update.my_chat_member
    if change is None or change.chat.type not in (Chat.GROUP, Chat.SUPERGROUP):
        return None
    was_in = change.old_chat_member.status in _PRESENT
    now_in = change.new_chat_member.status in _PRESENT
    return change.chat.id if now_in and not was_in else None
