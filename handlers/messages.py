"""Neutral incoming and outgoing messages: what channels translate to and from their platform."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

from markupsafe import Markup

from models import Platform


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"


@dataclass(frozen=True)
class Address:
    """A chat on a platform."""

    platform: Platform
    chat_id: str


@dataclass(frozen=True)
class Incoming:
    """One user action: a command, free text, or a button press (`button` holds its data)."""

    platform: Platform
    user_id: str
    user_name: str
    chat_id: str
    chat_kind: ChatKind = ChatKind.PRIVATE
    text: str = ""
    button: str | None = None
    # For a button press, the message that carried the button (to edit it).
    message_id: str | None = None
    # The platform's id for a delivered update (webhook): handled at most once, across redeliveries.
    update_id: str | None = None

    @property
    def chat(self) -> Address:
        return Address(self.platform, self.chat_id)


@dataclass(frozen=True)
class Button:
    label: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Outgoing:
    """A message to send; `to=None` answers in the chat the action came from.

    `remember` asks the channel to record the sent message id as (meeting_id, purpose) so it can
    be edited later (the check-in counter, the committee summary).

    `document` (file name, bytes) or `photo` (PNG bytes) turns the message into a file or a picture
    with `text` as its caption, which callers keep under Telegram's 1,024-character caption limit.
    """

    text: Markup
    buttons: Keyboard = ()
    to: Address | None = None
    remember: tuple[int, str] | None = None
    document: tuple[str, bytes] | None = None
    photo: bytes | None = None


# Text read when an edit is sent rather than when it is made; None when the message has nothing
# to show any more (the check-in closed meanwhile and its final edit is authoritative).
LiveText = Callable[[], Awaitable[Markup | None]]


@dataclass(frozen=True)
class Edit:
    """Replace the text of a message the bot sent; channels may coalesce bursts by `message_id`.

    `text` may be live: a counter built inside one press's transaction would miss presses
    committed at the same moment and could land stale, so it is read from committed rows when the
    edit goes out (and a press need not count at all).
    """

    to: Address
    message_id: str
    text: Markup | LiveText
    buttons: Keyboard = ()
    throttled: bool = False

    async def current_text(self) -> Markup | None:
        return await self.text() if callable(self.text) else self.text


@dataclass
class Response:
    messages: list[Outgoing] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    # Answer to a button press (a short toast), never a new message.
    toast: str | None = None

    def say(self, text: Markup, buttons: Keyboard = ()) -> Response:
        self.messages.append(Outgoing(text, buttons))
        return self
