"""Webhook delivery the way Telegram does it, for the fake Bot API server.

After setWebhook, pending updates are POSTed as JSON to the URL with the secret in
X-Telegram-Bot-Api-Secret-Token: up to `max_connections` requests at once, but one chat at a time
and in order (the next update of a chat waits until the previous one was answered 2xx). A non-2xx
answer, a refused connection or a timeout leaves the update pending; it is delivered again after
`retry_delay`. Only a 2xx answer confirms an update.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class Delivery:
    """One POST of an update: its answer status (0: no answer), when it was sent and answered."""

    update_id: int
    status: int
    at: float
    sent_at: float = 0.0


@dataclass
class WebhookSettings:
    url: str
    secret: str = ""
    max_connections: int = 40
    allowed_updates: list[str] | None = None


def chat_of(update: dict[str, Any]) -> int:
    """The chat an update belongs to, for Telegram's one-chat-at-a-time ordering."""
    for kind in ("message", "edited_message", "my_chat_member", "chat_member"):
        if kind in update:
            return int(update[kind]["chat"]["id"])
    query = update.get("callback_query")
    if query is not None:
        message = query.get("message")
        return int(message["chat"]["id"]) if message else int(query["from"]["id"])
    return 0


@dataclass
class WebhookDeliverer:
    """Started by setWebhook, stopped by deleteWebhook; `pending` gives the updates not yet
    confirmed (the fake server's own list), `confirm` removes one, `changed` wakes waiters."""

    pending: Callable[[], list[dict[str, Any]]]
    confirm: Callable[[int], None]
    changed: Callable[[], Any]
    settings: WebhookSettings
    timeout: float = 10.0
    retry_delay: float = 0.5
    deliveries: list[Delivery] = field(default_factory=list)
    last_error: str = ""
    _busy: set[int] = field(default_factory=set)
    _retry_at: dict[int, float] = field(default_factory=dict)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None
    _session: aiohttp.ClientSession | None = None
    _inflight: set[asyncio.Task[None]] = field(default_factory=set)

    def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        self._task = asyncio.get_running_loop().create_task(self._run())

    def wake(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        for task in [self._task, *self._inflight]:
            if task is not None:
                task.cancel()
        for task in [self._task, *self._inflight]:
            if task is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._session is not None:
            await self._session.close()

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            now = time.monotonic()
            seen: set[int] = set()
            for update in self.pending():
                chat = chat_of(update)
                if chat in seen:
                    continue  # a chat's later updates wait for its first
                seen.add(chat)
                if chat in self._busy or self._retry_at.get(chat, 0) > now:
                    continue
                if len(self._inflight) >= self.settings.max_connections:
                    break
                self._busy.add(chat)
                task = asyncio.get_running_loop().create_task(self._post(chat, update))
                self._inflight.add(task)
                task.add_done_callback(self._inflight.discard)
            waits = [at - now for at in self._retry_at.values() if at > now]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), min(waits, default=1.0))

    async def _post(self, chat: int, update: dict[str, Any]) -> None:
        assert self._session is not None
        status = 0
        sent_at = time.monotonic()
        try:
            headers = {SECRET_HEADER: self.settings.secret} if self.settings.secret else {}
            async with self._session.post(self.settings.url, json=update, headers=headers) as answer:
                status = answer.status
                await answer.read()
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            self.last_error = f"{type(error).__name__}"
        finally:
            self.deliveries.append(Delivery(update["update_id"], status, time.monotonic(), sent_at))
            self._busy.discard(chat)
            if 200 <= status < 300:
                self._retry_at.pop(chat, None)
                self.confirm(update["update_id"])
            else:
                if status:
                    self.last_error = f"Wrong response from the webhook: {status}"
                self._retry_at[chat] = time.monotonic() + self.retry_delay
            self.wake()
            await self.changed()
