"""Neutral incoming and outgoing messages: what channels translate to and from their platform."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

from markupsafe import Markup

from core.callback import CallbackData, unpack
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
class Attachment:
    """A file a user sent, fetched only when a handler asks (`fetch`: its bytes, or None when the
    platform cannot serve it), so a file from someone not allowed to send one is never downloaded."""

    name: str
    size: int
    fetch: Callable[[], Awaitable[bytes | None]] = field(repr=False, compare=False)


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
    # For a choice typed on a platform without buttons, the prompt it answered (closed with it).
    prompt_id: int | None = None
    # The platform's id for a delivered update (webhook): handled at most once, across redeliveries.
    update_id: str | None = None
    # A document sent with the message (its caption is `text`).
    file: Attachment | None = None

    @property
    def chat(self) -> Address:
        return Address(self.platform, self.chat_id)


@dataclass(frozen=True)
class Button:
    """A button with typed data; packing it here refuses data over Telegram's 64 bytes at build time.

    `command` is what to type instead on a platform without buttons, for a leader's decision,
    which is never taken from a bare number there.
    """

    label: str
    data: CallbackData
    command: str | None = None
    packed: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "packed", self.data.pack())


Keyboard = tuple[tuple[Button, ...], ...]
# A keyboard as stored in a JSON column (the outbox): rows of [label, data] or [label, data, command].
StoredKeyboard = list[list[list[str]]]


def store_keyboard(keyboard: Keyboard) -> StoredKeyboard | None:
    return [[[b.label, b.packed, *([b.command] if b.command else [])] for b in row] for row in keyboard] or None


def load_keyboard(rows: StoredKeyboard | None) -> Keyboard:
    """A stored keyboard back as typed buttons; a button whose data no longer parse is left out."""
    loaded = []
    for row in rows or []:
        buttons = []
        for label, packed, *command in row:
            data = unpack(packed)
            if data is not None:
                buttons.append(Button(label, data, command[0] if command else None))
        if buttons:
            loaded.append(tuple(buttons))
    return tuple(loaded)


@dataclass(frozen=True)
class Outgoing:
    """A message to send; `to=None` answers in the chat the action came from.

    `remember` asks the channel to record the sent message id as (meeting_id, purpose) so it can
    be edited later (the check-in counter, the committee summary).

    `document` (file name, bytes) or `photo` (PNG bytes) turns the message into a file or a picture
    with `text` as its caption, which callers keep under Telegram's 1,024-character caption limit.
    `stored_file` names a file kept in the database (a material's, services/material_files.py) that
    goes with `text` and `buttons`; each channel sends it as it can (Telegram: the document itself,
    Zalo: a private link to it, the console: its name).
    """

    text: Markup
    buttons: Keyboard = ()
    to: Address | None = None
    remember: tuple[int, str] | None = None
    document: tuple[str, bytes] | None = None
    photo: bytes | None = None
    stored_file: int | None = None


# Text read when an edit is sent rather than when it is made; None when the message has nothing
# to show any more (the check-in closed meanwhile and its final edit is authoritative).
LiveText = Callable[[], Awaitable[Markup | None]]


@dataclass(frozen=True)
class Edit:
    """Replace the text of a message the bot sent; channels may coalesce bursts by `message_id`.

    `text` may be live: a counter built inside one press's transaction would miss presses
    committed at the same moment and could land stale, so it is read from committed rows when the
    edit goes out (and a press need not count at all). `live` names such a text, so the edit can
    wait in the database for the process that sends (handlers/edit_queue.py) and be read there.
    """

    to: Address
    message_id: str
    text: Markup | LiveText
    buttons: Keyboard = ()
    throttled: bool = False
    live: str | None = None

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
