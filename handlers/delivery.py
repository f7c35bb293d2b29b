"""Sending a handler's response through whichever channel owns each address."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Protocol

from markupsafe import Markup
from sqlalchemy import select

from handlers.context import AppContext
from handlers.messages import Address, Edit, Keyboard, Response
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


async def deliver(app: AppContext, response: Response, origin: Address, senders: Mapping[Platform, Sender]) -> None:
    for message in response.messages:
        target = message.to or origin
        sender = senders.get(target.platform)
        if sender is None:
            log.warning("no %s channel running; message to chat not sent", target.platform)
            continue
        message_id = await sender.send(target, message.text, message.buttons)
        if message.remember is not None:
            await remember_posted(app, message.remember, target, message_id)
    for edit in response.edits:
        sender = senders.get(edit.to.platform)
        if sender is not None:
            await sender.edit(edit)


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
