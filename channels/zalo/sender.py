"""The Zalo Sender: what handlers' replies and the outbox dispatcher send through.

Every call waits for the Zalo rate limiter (`[zalo] rate_per_second`; Zalo publishes no limits)
and failures become the outbox's DeliveryError types: 429 → RetryLater, a chat that does not
exist or refuses the bot → Undeliverable, network and server errors → TransientFailure.
Zalo cannot edit a message: a throttled Edit (a live counter) is dropped, any other Edit (a final
state worth knowing) is sent as a new message.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from markupsafe import Markup

from channels import choices
from channels.choices import PromptBook
from channels.ratelimit import RateLimiter, Window
from channels.zalo.charts import ChartStore
from channels.zalo.client import ZaloClient, ZaloError
from channels.zalo.render import render
from core.config import ZaloConfig
from core.i18n import Translator
from core.messages import Address, Edit, Keyboard
from core.metrics import RATE_LIMITED
from handlers.delivery import DeliveryError, RetryLater, TransientFailure, Undeliverable
from handlers.platforms import PlatformTraits
from handlers.stored_files import StoredFiles
from handlers.textsplit import split_text
from models import Platform

log = logging.getLogger(__name__)

# Zalo cannot edit a sent message and takes 2,000 characters of plain text in one.
TRAITS = PlatformTraits(can_edit=False, text_limit=2000)
# When Zalo says "too many requests" without saying how long to wait.
DEFAULT_RETRY_AFTER = 5.0


def zalo_limiter(config: ZaloConfig) -> RateLimiter:
    """Zalo publishes no limits: one configurable overall rate (conservative default), which also
    paces each chat, since one member never gets more than the whole bot."""
    return RateLimiter(overall=Window.rate(config.rate_per_second))


def delivery_error(exc: ZaloError) -> DeliveryError:
    if exc.rate_limited:
        return RetryLater(exc.retry_after or DEFAULT_RETRY_AFTER)
    if exc.network or exc.status >= 500 or exc.status in (401, 408):
        # 401 is our token, not the recipient: retrying is right, blaming the member is not.
        return TransientFailure(str(exc))
    return Undeliverable(str(exc))


class ZaloSender:
    def __init__(
        self,
        client: ZaloClient,
        tr: Translator,
        limiter: RateLimiter,
        *,
        charts: ChartStore | None = None,
        public_url: str = "",
        prompts: PromptBook | None = None,
        files: StoredFiles | None = None,
    ) -> None:
        self.client = client
        self.tr = tr
        self.limiter = limiter
        self.charts = charts if public_url else None
        self.public_url = public_url
        # Where the numbered choices of sent messages are recorded (none: shown, not answerable).
        self.prompts = prompts
        # Files kept in the database (a material's): Zalo cannot send them, members get a link.
        self.files = files

    async def send(self, to: Address, text: Markup, buttons: Keyboard = ()) -> str:
        if to.platform is not Platform.ZALO:
            raise Undeliverable(f"the Zalo sender cannot reach a {to.platform} chat")
        prompt_id, numbered = await self.prompts.open(to, buttons) if self.prompts else (None, [])
        message_id: str | None = None
        try:
            for part in split_text(
                render(self.tr, text, choices.lines(self.tr, numbered, buttons)), TRAITS.text_limit, markup=False
            ):
                message_id = await self._call(self.client.send_message, to.chat_id, part)
        finally:
            # Answers by number refer to the last part, the one that shows the numbers.
            if self.prompts is not None:
                await self.prompts.bind(prompt_id, message_id)
        return message_id or ""

    async def edit(self, edit: Edit) -> None:
        if edit.throttled:
            return
        text = await edit.current_text()
        if text is not None:
            await self.send(edit.to, text, edit.buttons)

    async def send_photo(self, to: Address, image: bytes, caption: Markup) -> str:
        """The chart when we have a public address to serve it from; the caption alone otherwise."""
        if self.charts is None:
            return await self.send(to, caption)
        url = self.public_url + await self.charts.put(image)
        parts = split_text(render(self.tr, caption), TRAITS.text_limit, markup=False)
        message_id = await self._call(self.client.send_photo, to.chat_id, url, parts[0] if parts else "")
        for part in parts[1:]:
            message_id = await self._call(self.client.send_message, to.chat_id, part)
        return message_id

    async def send_stored(self, to: Address, file_id: int, caption: Markup, buttons: Keyboard = ()) -> str:
        """The Zalo Bot Platform sends no documents: the caption with a private link to the file on
        our server (with `[server] public_url`), else with its name and where to find it."""
        text = await self.files.without_file(file_id, caption) if self.files is not None else caption
        return await self.send(to, text, buttons)

    async def typing(self, chat_id: str) -> None:
        """Show "typing…" while a request is handled; a failure here is not worth reporting."""
        try:
            await self.limiter.acquire(chat_id, group=False)
            await self.client.send_chat_action(chat_id, "typing")
        except ZaloError as exc:
            log.debug("typing indicator failed: %s", exc)

    async def _call(self, method: Callable[..., Awaitable[str]], chat_id: str, *args: str) -> str:
        # Zalo's groups are beta and ordinary bots cannot join them: every chat is paced alike.
        await self.limiter.acquire(chat_id, group=False)
        try:
            return await method(chat_id, *args)
        except ZaloError as exc:
            error = delivery_error(exc)
            if isinstance(error, RetryLater):
                RATE_LIMITED.labels("zalo").inc()
                self.limiter.pause(chat_id, error.retry_after)
            raise error from None
