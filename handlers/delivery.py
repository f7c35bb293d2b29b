"""Sending a handler's response through whichever channel owns each address."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from markupsafe import Markup
from sqlalchemy import select

from core.messages import Address, Edit, Keyboard, Outgoing, Response
from handlers.context import AppContext
from models import Platform, PostedMessage

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


async def send_outgoing(sender: Sender, to: Address, message: Outgoing) -> str:
    """Send one message as a picture, a file or text, whichever the message holds and the channel can;
    a channel without files gets the caption alone."""
    if message.photo is not None and isinstance(sender, PhotoSender):
        return await sender.send_photo(to, message.photo, message.text)
    if message.document is not None and isinstance(sender, DocumentSender):
        name, data = message.document
        return await sender.send_document(to, name, data, message.text)
    return await sender.send(to, message.text, message.buttons)


async def deliver(app: AppContext, response: Response, origin: Address, senders: Mapping[Platform, Sender]) -> None:
    """Send a handler's messages and edits. One recipient who cannot be reached (never opened a chat
    with the bot, blocked it) does not stop the others."""
    for message in response.messages:
        target = message.to or origin
        sender = senders.get(target.platform)
        if sender is None:
            log.warning("no %s channel running; message to chat not sent", target.platform)
            continue
        try:
            message_id = await send_outgoing(sender, target, message)
        except DeliveryError as error:
            log.warning("message to a %s chat not delivered: %s", target.platform, error)
            continue
        if message.remember is not None:
            await remember_posted(app, message.remember, target, message_id)
    await send_edits(response.edits, senders)


async def send_edits(edits: Sequence[Edit], senders: Mapping[Platform, Sender]) -> None:
    """Apply edits once each; a message that cannot be edited (deleted, too old) is only logged."""
    for edit in edits:
        sender = senders.get(edit.to.platform)
        if sender is None:
            continue
        try:
            await sender.edit(edit)
        except DeliveryError as error:
            log.warning("edit in a %s chat not delivered: %s", edit.to.platform, error)


async def remember_posted(app: AppContext, what: tuple[int, str], to: Address, message_id: str) -> None:
    """Record (or replace) the id of a message we will edit later."""
    meeting_id, purpose = what
    async with app.sessions() as session, session.begin():
        posted = await session.scalar(
            select(PostedMessage).where(
                PostedMessage.meeting_id == meeting_id,
                PostedMessage.purpose == purpose,
                PostedMessage.platform == to.platform,
                PostedMessage.chat_id == to.chat_id,
            )
        )
        if posted is None:
            session.add(
                PostedMessage(
                    meeting_id=meeting_id,
                    purpose=purpose,
                    platform=to.platform,
                    chat_id=to.chat_id,
                    message_id=message_id,
                )
            )
        else:
            posted.message_id = message_id
