"""The Zalo channel: Zalo updates in, through the very Dispatcher every platform uses, answers out.

Zalo has no buttons, so the buttons of the last message a private chat got are shown numbered
and a reply by number or word presses them (channels/choices.py); "2 <lý do>" presses the
declining button and answers its question in one message. Updates are deduplicated on
message_id: the platform may hand an update out again, and a webhook call may be retried.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import replace

from markupsafe import escape
from sqlalchemy import select

from channels.choices import Choices
from channels.zalo.client import ZaloClient, ZaloError
from channels.zalo.sender import ZaloSender
from channels.zalo.updates import BadUpdate, ZaloUpdate, parse_update
from handlers.context import AppContext
from handlers.delivery import Sender, deliver
from handlers.messages import Address, Button, ChatKind, Outgoing, Response
from handlers.router import Dispatcher, UpdateNotHandled
from models import OutboxMessage, OutboxState, Platform

log = logging.getLogger(__name__)

SEEN_KEPT = 4096
POLL_SECONDS = 30
# Waits after failed polls: doubled each time up to the last value.
BACKOFF = (1.0, 30.0)


class ZaloChannel:
    def __init__(
        self,
        app: AppContext,
        dispatcher: Dispatcher,
        client: ZaloClient,
        sender: ZaloSender,
        senders: Mapping[Platform, Sender],
    ) -> None:
        self.app = app
        self.dispatcher = dispatcher
        self.client = client
        self.sender = sender
        # Every running platform's sender: a Zalo member's check-in may update a Telegram group.
        self.senders = senders
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = asyncio.Lock()

    async def identify(self) -> dict[str, object]:
        """getMe: proves the token works and gives the bot's name to the handlers."""
        me = await self.client.get_me()
        self.app.bot_names[Platform.ZALO] = str(me.get("account_name") or me.get("name") or me["id"])
        return me

    async def handle_body(self, body: object) -> None:
        """One update as received (bare or wrapped); raises BadUpdate for what we do not understand."""
        await self.handle_update(parse_update(body))

    async def handle_update(self, update: ZaloUpdate, *, tracked: bool = False) -> None:
        """`tracked` (webhook): the message id is recorded with the work, so a redelivery after a
        crash does nothing twice; UpdateNotHandled then means "not done, deliver it again"."""
        # One at a time: a member's "2 <lý do>" is two dispatcher steps that must not interleave.
        async with self._lock:
            if update.message_id in self._seen:
                log.info("zalo message seen before; ignored")
                return
            self._seen[update.message_id] = None
            while len(self._seen) > SEEN_KEPT:
                self._seen.popitem(last=False)
            origin = Address(Platform.ZALO, update.chat_id)
            private = update.chat_kind is ChatKind.PRIVATE
            if not update.is_text:
                if private:
                    await self._deliver(Response().say(self.app.tr.t("zalo-text-only")), origin)
                return
            if private:
                await self.sender.typing(update.chat_id)
            mark = update.message_id if tracked else None
            try:
                response = await self._pressed(update, mark) if private else None
                if response is None:
                    response = await self.dispatcher.handle(replace(update.incoming(), update_id=mark))
            except UpdateNotHandled:
                self._seen.pop(update.message_id, None)  # not done: its redelivery must be worked on
                raise
            await self._deliver(response, origin)

    async def _pressed(self, update: ZaloUpdate, mark: str | None) -> Response | None:
        """The answer when the text picks one of the numbered choices; None when it does not."""
        if self.dispatcher.awaiting(Platform.ZALO, update.user_id):
            return None  # the text answers the bot's question, even if it starts with a number
        choices = self.sender.choices(update.chat_id) or await self._last_outbox_choices(update.chat_id)
        picked = choices.pick(update.text) if choices else None
        if choices is None or picked is None:
            return None
        button, rest = picked
        pressed = await self.dispatcher.handle(
            replace(update.incoming(text="", button=button.data, message_id=choices.message_id or None), update_id=mark)
        )
        if not rest or not self.dispatcher.awaiting(Platform.ZALO, update.user_id):
            return pressed
        # "2 bận công tác": the button asked for a reason and the member already gave it.
        answered = await self.dispatcher.handle(
            replace(update.incoming(text=rest), update_id=None if mark is None else f"{mark}:reason")
        )
        answered.edits[:0] = pressed.edits
        return answered

    async def _last_outbox_choices(self, chat_id: str) -> Choices | None:
        """After a restart, the choices of the last reminder the outbox sent to this chat."""
        async with self.app.sessions() as session:
            row = await session.scalar(
                select(OutboxMessage)
                .where(
                    OutboxMessage.platform == Platform.ZALO,
                    OutboxMessage.chat_id == chat_id,
                    OutboxMessage.state == OutboxState.SENT,
                    OutboxMessage.sent_at.is_not(None),
                )
                .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc())
                .limit(1)
            )
        if row is None or not row.buttons:
            return None
        buttons = tuple(Button(label, data) for line in row.buttons for label, data in line)
        choices = Choices(buttons, row.external_message_id or "")
        self.sender.remember(chat_id, choices)
        return choices

    async def _deliver(self, response: Response, origin: Address) -> None:
        if response.toast and not any(m.to in (None, origin) for m in response.messages):
            # No toasts on Zalo: the short answer to a press becomes a message, unless the
            # handler already says more to this chat (the toast would only repeat it).
            response.messages.insert(0, Outgoing(escape(response.toast)))
        await deliver(self.app, response, origin, {Platform.ZALO: self.sender, **self.senders})

    async def poll_forever(self, poll_seconds: int = POLL_SECONDS) -> None:
        """getUpdates until cancelled; bad updates are skipped, failures retried with backoff."""
        wait = BACKOFF[0]
        while True:
            try:
                body = await self.client.get_update(poll_seconds)
            except ZaloError as exc:
                if exc.status == 401:
                    raise
                log.warning("zalo getUpdates failed (%s); retrying in %.0fs", exc, wait)
                await asyncio.sleep(wait)
                wait = min(wait * 2, BACKOFF[1])
                continue
            wait = BACKOFF[0]
            if body is None:
                continue
            try:
                await self.handle_body(body)
            except BadUpdate as exc:
                log.warning("zalo update ignored: %s", exc)
            except Exception:
                log.exception("zalo update failed")
