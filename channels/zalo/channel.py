"""The Zalo channel: Zalo updates in, through the very Dispatcher every platform uses, answers out.

Zalo has no buttons, so buttons are shown numbered and a reply by number or word presses the one
open choice it names (channels/choices.py, prompts kept in the database); "2 <lý do>" presses the
declining choice and answers its question in one message. Updates are deduplicated on
message_id: the platform may hand an update out again, and a webhook call may be retried.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import replace

from markupsafe import escape

from channels.choices import typed_reply
from channels.zalo.client import ZaloClient, ZaloError
from channels.zalo.sender import ZaloSender
from channels.zalo.updates import BadUpdate, ZaloUpdate, parse_update
from core.messages import Address, ChatKind, Outgoing, Response
from handlers.context import AppContext
from handlers.delivery import Sender, deliver
from handlers.dispatcher import Dispatcher, UpdateNotHandled
from models import Platform

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
            incoming = replace(update.incoming(), update_id=mark)
            try:
                response = await typed_reply(self.app, self.dispatcher, incoming) if private else None
                if response is None:
                    response = await self.dispatcher.handle(incoming)
            except UpdateNotHandled:
                self._seen.pop(update.message_id, None)  # not done: its redelivery must be worked on
                raise
            await self._deliver(response, origin)

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
