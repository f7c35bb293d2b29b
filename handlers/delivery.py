"""The one delivery path: every message goes out through the sender of its address's platform.

Channels deliver their handlers' responses with `deliver`, the outbox dispatcher and the jobs send
with `send_to`; a Zalo member's action may reach a Telegram secretary and the reverse.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from markupsafe import Markup

from core.messages import Address, Edit, Keyboard, Outgoing, Response
from handlers.context import AppContext
from models import Platform
from services import posted
from services.people import not_connected

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A send failed; the subclass tells the outbox what to do next."""


class RetryLater(DeliveryError):
    """The platform asked us to slow down (Telegram 429): wait `retry_after` seconds, then retry."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


class Undeliverable(DeliveryError):
    """The recipient cannot get messages (blocked the bot, never started it, left the group)."""


class TransientFailure(DeliveryError):
    """A server error or timeout: retry a bounded number of times with backoff."""


class Sender(Protocol):
    """What a channel offers the rest of the bot: send and edit, nothing platform-specific.

    Implementations pass every call through the platform's rate limiter and raise the
    DeliveryError subclasses above instead of their library's exceptions.
    """

    async def send(self, to: Address, text: Markup, buttons: Keyboard = ()) -> str:
        """Send and return the platform's message id."""
        ...

    async def edit(self, edit: Edit) -> None: ...


@runtime_checkable
class PhotoSender(Protocol):
    """A channel that can send a picture with a caption (Telegram sendPhoto, Zalo sendPhoto)."""

    async def send_photo(self, to: Address, image: bytes, caption: Markup) -> str: ...


@runtime_checkable
class DocumentSender(Protocol):
    """A channel that can send a file (Telegram sendDocument; Zalo cannot)."""

    async def send_document(self, to: Address, name: str, data: bytes, caption: Markup) -> str: ...


@runtime_checkable
class StoredFileSender(Protocol):
    """A channel that sends a file kept in the database, with its caption and buttons, in its own way."""

    async def send_stored(self, to: Address, file_id: int, caption: Markup, buttons: Keyboard = ()) -> str: ...


class NotRunning(TransientFailure):
    """No channel for the address's platform runs in this process (yet): try again later."""


Senders = Mapping[Platform, Sender]

# Tries for a message when the platform asks us to slow down or the network hiccups.
ATTEMPTS = 3
# Longest 429 wait accepted before giving up on a message sent inline (the user would have moved on).
MAX_WAIT = 30.0


async def send_outgoing(sender: Sender, to: Address, message: Outgoing) -> str:
    """Send one message as a picture, a file or text, whichever the message holds and the channel can;
    a channel without files gets the caption alone."""
    if message.stored_file is not None and isinstance(sender, StoredFileSender):
        return await sender.send_stored(to, message.stored_file, message.text, message.buttons)
    if message.photo is not None and isinstance(sender, PhotoSender):
        return await sender.send_photo(to, message.photo, message.text)
    if message.document is not None and isinstance(sender, DocumentSender):
        name, data = message.document
        return await sender.send_document(to, name, data, message.text)
    return await sender.send(to, message.text, message.buttons)


async def send_to(senders: Senders, to: Address, message: Outgoing) -> str:
    """THE way out: the sender of the address's platform sends the message (replies of every
    channel, the outbox and the jobs all come here), whichever channel the action came in through."""
    sender = senders.get(to.platform)
    if sender is None:
        raise NotRunning(f"no {to.platform} channel running")
    return await send_outgoing(sender, to, message)


async def _send_patiently(senders: Senders, to: Address, message: Outgoing) -> str | None:
    """Send inline, waiting out a short 429 or a network hiccup; None if it cannot go."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await send_to(senders, to, message)
        except NotRunning as error:
            log.warning("message not sent: %s", error)
            return None
        except RetryLater as error:
            if error.retry_after > MAX_WAIT or attempt == ATTEMPTS:
                break
            await asyncio.sleep(error.retry_after)
        except TransientFailure:
            if attempt == ATTEMPTS:
                break
            await asyncio.sleep(attempt)
        except DeliveryError as error:
            log.info("message to a %s chat not delivered: %s", to.platform, error)
            return None
        except Exception:
            # A channel stopping mid-send, a bug in one: the other recipients still get theirs.
            log.exception("message to a %s chat failed", to.platform)
            return None
    log.warning("message to a %s chat not delivered after %d attempts", to.platform, ATTEMPTS)
    return None


@dataclass(frozen=True)
class Addressed:
    """A response with each message's recipient decided: what `send` will do, fixed at one moment."""

    messages: Sequence[tuple[Outgoing, Address]]
    edits: Sequence[Edit]

    async def send(self, app: AppContext, senders: Senders) -> None:
        """Send the messages, then the edits. One recipient who cannot be reached (blocked the bot,
        left the group) does not stop the others."""
        for message, target in self.messages:
            message_id = await _send_patiently(senders, target, message)
            if message_id is not None and message.remember is not None:
                await remember_posted(app, message.remember, target, message, message_id)
        await send_edits(self.edits, senders)


async def address(app: AppContext, response: Response, origin: Address, *, origin_wrote: bool = True) -> Addressed:
    """Decide where a handler's messages go, as the database stands now.

    An account that never wrote to the bot is not written to (the platform would refuse: "chat not
    found"). `origin_wrote` says the action came from the `origin` chat itself, so it is open; a
    button pressed in a group is answered in the presser's private chat, which may not be. A channel
    that answers first (a toast) decides before answering: a member who writes to the bot because
    of the toast does not then get a request she has already answered.
    """
    targets = [message.to or origin for message in response.messages]
    doubtful = {(t.platform, t.chat_id) for t in targets if t != origin or not origin_wrote}
    silent: set[tuple[Platform, str]] = set()
    if doubtful:
        async with app.sessions() as session:
            silent = await not_connected(session, doubtful)
    messages = []
    for message, target in zip(response.messages, targets, strict=True):
        if (target.platform, target.chat_id) in silent:
            log.info("a %s account has not written to the bot yet; message not sent", target.platform)
        else:
            messages.append((message, target))
    return Addressed(messages, response.edits)


async def deliver(
    app: AppContext, response: Response, origin: Address, senders: Senders, *, origin_wrote: bool = True
) -> None:
    """Send a handler's messages and edits, each through its own address's platform (see `address`)."""
    addressed = await address(app, response, origin, origin_wrote=origin_wrote)
    await addressed.send(app, senders)


async def send_edits(edits: Sequence[Edit], senders: Senders) -> None:
    """Apply edits once each; a message that cannot be edited (deleted, too old) is only logged."""
    for edit in edits:
        sender = senders.get(edit.to.platform)
        if sender is None:
            continue
        try:
            await sender.edit(edit)
        except DeliveryError as error:
            log.warning("edit in a %s chat not delivered: %s", edit.to.platform, error)


async def remember_posted(
    app: AppContext, what: tuple[int, str], to: Address, message: Outgoing, message_id: str
) -> None:
    """Record (or replace) the id of a message we will edit later, and what it shows."""
    meeting_id, purpose = what
    buttons = [[(b.label, b.packed) for b in row] for row in message.buttons]
    async with app.sessions() as session, session.begin():
        shown = posted.fingerprint(str(message.text), buttons)
        await posted.remember(session, meeting_id, purpose, to.platform, to.chat_id, message_id, shown)
