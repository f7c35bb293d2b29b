"""The people, chats and bot messages a fake Telegram server knows, in Bot API JSON shape."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class FakeUser:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str = "vi"
    is_bot: bool = False

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if not self.is_bot:
            data["language_code"] = self.language_code
        return data


@dataclass
class FakeChat:
    """A private chat (id = the user's id) or a group (negative id)."""

    id: int
    type: str
    title: str | None = None
    user: FakeUser | None = None
    # Private: the user pressed Start. Group: the bot is a member.
    open: bool = True
    blocked: bool = False
    admins: set[int] = field(default_factory=set)
    next_message_id: int = 1

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    def take_message_id(self) -> int:
        self.next_message_id += 1
        return self.next_message_id - 1

    def as_json(self) -> dict[str, Any]:
        if self.user is not None:
            data = {"id": self.id, "type": self.type, "first_name": self.user.first_name}
            if self.user.username:
                data["username"] = self.user.username
            return data
        return {"id": self.id, "type": self.type, "title": self.title}


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded (multipart) or referred to by file_id/URL (`data` is then empty)."""

    name: str
    content_type: str
    data: bytes
    reference: str | None = None
    # The size of the file a reference names (`data` is then empty).
    size: int = 0


@dataclass
class BotMessage:
    """A message the bot sent, as it stands now (after edits), with its history."""

    chat_id: int
    message_id: int
    text: str
    source: str
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    date: int
    sent_at: float
    kind: str = "text"
    upload: Upload | None = None
    # (monotonic time, visible text) of every successful edit, in order.
    edits: list[tuple[float, str]] = field(default_factory=list)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    def button(self, label: str) -> str:
        """The callback_data of the button whose label contains `label`."""
        for button in self.buttons:
            if label in button["text"] and "callback_data" in button:
                return str(button["callback_data"])
        raise LookupError(f"no button {label!r} on message {self.message_id}: {[b['text'] for b in self.buttons]}")

    @property
    def file_id(self) -> str:
        """The id of the file this message carries: the one it was sent by, or a new one for an upload."""
        reference = self.upload.reference if self.upload is not None else None
        if reference and not reference.startswith(("http://", "https://")):
            return reference
        return f"file-{self.chat_id}-{self.message_id}"

    def as_json(self, chat: FakeChat, bot: FakeUser) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": self.message_id,
            "from": bot.as_json(),
            "chat": chat.as_json(),
            "date": self.date,
        }
        if self.kind == "text":
            data["text"] = self.text
        elif self.text:
            data["caption"] = self.text
        if self.edits:
            data["edit_date"] = int(time.time())
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            data["reply_markup"] = self.reply_markup
        if self.upload is not None:
            file = {"file_id": self.file_id, "file_unique_id": f"u{self.message_id}"}
            length = len(self.upload.data) or self.upload.size
            size = {"file_size": length} if length else {}
            if self.kind == "photo":
                data["photo"] = [{**file, "width": 800, "height": 600, **size}]
            else:
                data["document"] = {
                    **file,
                    "file_name": self.upload.name,
                    "mime_type": self.upload.content_type,
                    **size,
                }
        return data


@dataclass
class Call:
    """One request the bot made, and what the fake answered."""

    method: str
    params: dict[str, Any]
    at: float
    status: int
    description: str = ""
    result: Any = None

    @property
    def ok(self) -> bool:
        return self.status == 200
