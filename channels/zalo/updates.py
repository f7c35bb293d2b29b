"""Zalo updates (from getUpdates or a webhook call) as plain values, refusing anything malformed.

Public integrations disagree on the envelope, so an update is accepted bare or wrapped in
{"ok": true, "result": ...}, and a missing event_name is read as a text message when the
message has text. Ids are strings; `date` is in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from channels.zalo.client import unwrap
from core.messages import ChatKind, Incoming
from models import Platform

TEXT = "message.text.received"
# Events we know but cannot act on: the member is told the bot reads text.
NON_TEXT = frozenset(
    {
        "message.image.received",
        "message.sticker.received",
        "message.voice.received",
        "message.unsupported.received",
    }
)


class BadUpdate(ValueError):
    """The body is not an update we understand; nothing is done with it."""


@dataclass(frozen=True)
class ZaloUpdate:
    event: str
    message_id: str
    user_id: str
    user_name: str
    chat_id: str
    chat_kind: ChatKind
    text: str
    sent_at: datetime | None

    @property
    def is_text(self) -> bool:
        return self.event == TEXT

    def incoming(self, text: str | None = None, button: str | None = None, message_id: str | None = None) -> Incoming:
        """The neutral message the Dispatcher handles; `button` turns a numbered choice into a press."""
        return Incoming(
            platform=Platform.ZALO,
            user_id=self.user_id,
            user_name=self.user_name,
            chat_id=self.chat_id,
            chat_kind=self.chat_kind,
            text=self.text if text is None else text,
            button=button,
            message_id=message_id,
        )


def parse_update(body: Any) -> ZaloUpdate:
    update = unwrap(body)
    if not isinstance(update, dict):
        raise BadUpdate("not an object")
    message = update.get("message")
    if not isinstance(message, dict):
        raise BadUpdate("no message")
    text = message.get("text")
    event = update.get("event_name")
    if event is None and isinstance(text, str):
        event = TEXT
    if event != TEXT and event not in NON_TEXT:
        raise BadUpdate(f"unknown event {str(event)[:40]!r}")
    if event == TEXT and not isinstance(text, str):
        raise BadUpdate("text event without text")
    chat = message.get("chat")
    sender = message.get("from")
    if not isinstance(chat, dict) or not isinstance(sender, dict):
        raise BadUpdate("no chat or sender")
    if sender.get("is_bot") is True:
        raise BadUpdate("from a bot")
    name = sender.get("display_name") or sender.get("first_name") or sender.get("name") or ""
    return ZaloUpdate(
        event=str(event),
        message_id=_id(message.get("message_id"), "message_id"),
        user_id=_id(sender.get("id"), "from.id"),
        user_name=str(name)[:200],
        chat_id=_id(chat.get("id"), "chat.id"),
        chat_kind=ChatKind.GROUP if str(chat.get("chat_type", "")).upper() == "GROUP" else ChatKind.PRIVATE,
        text=text if isinstance(text, str) else "",
        sent_at=_moment(message.get("date")),
    )


def _id(value: Any, field: str) -> str:
    """Ids are strings on Zalo; a number is tolerated, anything else or an empty id is refused."""
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        raise BadUpdate(f"bad {field}")
    text = str(value).strip()
    if len(text) > 64:
        raise BadUpdate(f"{field} too long")
    return text


def _moment(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return datetime.fromtimestamp(float(value) / 1000, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None
