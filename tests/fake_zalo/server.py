"""A fake Zalo Bot Platform: the bot's real client talks JSON to it over real HTTP on loopback.

It validates what a careless client would get wrong (the token in the path, ids as strings, text
of 1-2000 characters, a chat that exists, an https webhook URL and an 8-256 character secret,
a photo URL it can really fetch), lets a test act as Zalo users, records what the bot sent, and
delivers each user message the way the bot asked for it: queued for getUpdates (one update per
call, no offset) or POSTed to the webhook with the secret in X-Bot-Api-Secret-Token.

`say()` returns once the bot has finished with the message: in webhook mode when the webhook
call returns, in polling mode when the bot comes back for the next update.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiohttp import web

SECRET_HEADER = "X-Bot-Api-Secret-Token"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
TEXT_LIMIT = 2000
# Network jitter between the bot's limiter and our clock (as tests/fake_telegram/flood.py allows).
FLOOD_SLACK = 0.05


@dataclass(frozen=True)
class Sent:
    """A message the bot sent."""

    chat_id: str
    message_id: str
    text: str = ""
    photo: str = ""
    photo_bytes: bytes = b""


@dataclass
class Failure:
    status: int
    error_code: int
    description: str
    retry_after: float | None = None


@dataclass
class Webhook:
    url: str = ""
    secret: str = ""


@dataclass
class _Poll:
    """Polling bookkeeping: updates waiting, and whether the bot is back asking for more."""

    queue: deque[dict[str, Any]] = field(default_factory=deque)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    idle: asyncio.Event = field(default_factory=asyncio.Event)


class FakeZalo:
    def __init__(
        self,
        token: str = "1459232241454765289:fake-zalo-secret-AbC",
        *,
        public: dict[str, str] | None = None,
        per_second: int | None = None,
        empty_poll: str = "timeout",
        webhook_envelope: str = "bare",
    ) -> None:
        self.token = token
        # https://public.example -> http://127.0.0.1:port: where the "internet" reaches the bot.
        self.public = dict(public or {})
        self.per_second = per_second
        self.empty_poll = empty_poll
        self.webhook_envelope = webhook_envelope
        self.bot_id = token.split(":")[0]
        self.users: dict[str, str] = {}
        self.groups: set[str] = set()
        self.sent: list[Sent] = []
        self.actions: list[tuple[str, str]] = []
        self.calls: list[str] = []
        self.refused: list[tuple[str, str]] = []
        self.webhook = Webhook()
        self.failures: dict[str, deque[Failure]] = defaultdict(deque)
        self._poll = _Poll()
        self._recent: deque[float] = deque()
        self._read: dict[str, int] = defaultdict(int)
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # ---- lifecycle ---------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}/bot"
        return self.base_url

    async def stop(self) -> None:
        self._poll.arrived.set()  # wake a pending long poll, so shutting down does not wait it out
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- acting as users ---------------------------------------------------------------

    def user(self, user_id: str, name: str) -> str:
        """A Zalo user who opened a private chat with the bot (its chat id is the user id)."""
        self.users[user_id] = name
        return user_id

    def update(self, user_id: str, text: str | None, *, event: str = "message.text.received") -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": secrets.token_hex(10),
            "date": int(time.time() * 1000),
            "chat": {"id": user_id, "chat_type": "PRIVATE"},
            "from": {"id": user_id, "display_name": self.users.get(user_id, "Zalo user"), "is_bot": False},
        }
        if text is not None:
            message["text"] = text
        return {"event_name": event, "message": message}

    async def say(self, user_id: str, text: str) -> int:
        """A user sends text; returns the webhook's HTTP status (200 in polling mode)."""
        return await self.deliver(self.update(user_id, text))

    async def deliver(self, update: dict[str, Any], within: float = 10.0) -> int:
        """Hand one update to the bot the way it asked, and wait until it has dealt with it."""
        if self.webhook.url:
            body = update if self.webhook_envelope == "bare" else {"ok": True, "result": update}
            status, _ = await self.post_webhook(json.dumps(body).encode(), self.webhook.secret)
            return status
        self._poll.idle.clear()
        self._poll.queue.append(update)
        self._poll.arrived.set()
        await asyncio.wait_for(self._wait_consumed(), within)
        return 200

    async def _wait_consumed(self) -> None:
        while self._poll.queue or not self._poll.idle.is_set():
            self._poll.idle.clear()
            await self._poll.idle.wait()

    async def post_webhook(self, body: bytes, secret: str | None) -> tuple[int, str]:
        """A POST to the bot's webhook, with the given secret header (None: no header at all)."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        target = self.webhook.url or "https://unset.invalid/"
        async with httpx.AsyncClient(timeout=30) as http:
            answer = await http.post(self.reach(target), content=body, headers=headers)
        return answer.status_code, answer.text

    def reach(self, url: str) -> str:
        for public, local in self.public.items():
            if url.startswith(public):
                return local + url[len(public) :]
        return url

    # ---- what the bot sent -------------------------------------------------------------

    def texts(self, chat_id: str) -> list[str]:
        return [s.text for s in self.sent if s.chat_id == chat_id and s.text]

    def take(self, chat_id: str) -> list[str]:
        """Texts sent to the chat since the last take."""
        texts = [s.text or s.photo for s in self.sent if s.chat_id == chat_id]
        start, self._read[chat_id] = self._read[chat_id], len(texts)
        return texts[start:]

    def fail_next(self, method: str, failure: Failure, times: int = 1) -> None:
        self.failures[method].extend([failure] * times)

    # ---- the API -----------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.calls.append(method)
        if request.match_info["token"] != self.token:
            return self._error(method, 401, 401, "Unauthorized")
        try:
            raw = await request.read()
            body = json.loads(raw) if raw else {}
        except ValueError:
            return self._error(method, 400, 400, "body is not JSON")
        if not isinstance(body, dict):
            return self._error(method, 400, 400, "body must be a JSON object")
        if self.failures[method]:
            failure = self.failures[method].popleft()
            extra = {"parameters": {"retry_after": failure.retry_after}} if failure.retry_after else {}
            return self._error(method, failure.status, failure.error_code, failure.description, **extra)
        handler = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
        }.get(method)
        if handler is None:
            return self._error(method, 404, 404, "method not found")
        result: Any = await handler(body)
        if isinstance(result, web.Response):
            return result
        return web.json_response({"ok": True, "result": result} if result is not None else {"ok": True})

    def _error(self, method: str, status: int, code: int, description: str, **extra: Any) -> web.Response:
        self.refused.append((method, description))
        return web.json_response({"ok": False, "error_code": code, "description": description, **extra}, status=status)

    def _chat(self, body: dict[str, Any], method: str) -> str | web.Response:
        chat_id = body.get("chat_id")
        if not isinstance(chat_id, str):
            return self._error(method, 400, 400, "chat_id must be a string")
        if chat_id not in self.users and chat_id not in self.groups:
            return self._error(method, 400, 400, "chat not found")
        return chat_id

    def _flooded(self, method: str) -> web.Response | None:
        if self.per_second is None:
            return None
        now = time.monotonic()
        while self._recent and self._recent[0] <= now - (1 - FLOOD_SLACK):
            self._recent.popleft()
        if len(self._recent) >= self.per_second:
            return self._error(method, 429, 429, "Too many requests", parameters={"retry_after": 1})
        self._recent.append(now)
        return None

    def _record(self, sent: Sent) -> dict[str, Any]:
        self.sent.append(sent)
        return {"message_id": sent.message_id, "date": int(time.time() * 1000)}

    async def _get_me(self, _body: dict[str, Any]) -> dict[str, Any]:
        return {"id": self.bot_id, "account_name": "bot.ChiBoFake", "account_type": "BASIC", "can_join_groups": False}

    async def _get_updates(self, body: dict[str, Any]) -> Any:
        if self.webhook.url:
            return self._error("getUpdates", 400, 400, "webhook is set: call deleteWebhook first")
        timeout = body.get("timeout", "30")
        if not isinstance(timeout, str | int) or not str(timeout).isdigit():
            return self._error("getUpdates", 400, 400, "timeout must be a number of seconds")
        if not self._poll.queue:
            self._poll.arrived.clear()
            self._poll.idle.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._poll.arrived.wait(), min(int(timeout), 30))
        if not self._poll.queue:  # the poll ran out (or the server is stopping)
            if self.empty_poll == "timeout":
                return self._error("getUpdates", 408, 408, "Request timeout")
            return {}
        self._poll.idle.clear()
        return self._poll.queue.popleft()

    async def _set_webhook(self, body: dict[str, Any]) -> Any:
        url, secret = body.get("url"), body.get("secret_token")
        if not isinstance(url, str) or not url.startswith("https://"):
            return self._error("setWebhook", 400, 400, "url must be https")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            return self._error("setWebhook", 400, 400, "secret_token must be 8-256 characters")
        self.webhook = Webhook(url, secret)
        return {"url": url, "updated_at": int(time.time() * 1000)}

    async def _delete_webhook(self, _body: dict[str, Any]) -> Any:
        self.webhook = Webhook()
        return {"url": "", "updated_at": int(time.time() * 1000)}

    async def _get_webhook_info(self, _body: dict[str, Any]) -> Any:
        return {"url": self.webhook.url, "updated_at": int(time.time() * 1000)}

    async def _send_message(self, body: dict[str, Any]) -> Any:
        chat = self._chat(body, "sendMessage")
        if isinstance(chat, web.Response):
            return chat
        text = body.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= TEXT_LIMIT:
            return self._error("sendMessage", 400, 400, "text must be 1-2000 characters")
        return self._flooded("sendMessage") or self._record(Sent(chat, secrets.token_hex(10), text=text))

    async def _send_photo(self, body: dict[str, Any]) -> Any:
        chat = self._chat(body, "sendPhoto")
        if isinstance(chat, web.Response):
            return chat
        photo, caption = body.get("photo"), body.get("caption", "")
        if not isinstance(caption, str) or len(caption) > TEXT_LIMIT:
            return self._error("sendPhoto", 400, 400, "caption must be at most 2000 characters")
        if not isinstance(photo, str) or not photo.startswith("https://"):
            return self._error("sendPhoto", 400, 400, "photo must be an https URL")
        async with httpx.AsyncClient(timeout=10) as http:
            try:
                fetched = await http.get(self.reach(photo))
            except httpx.HTTPError:
                return self._error("sendPhoto", 400, 400, "photo URL unreachable")
        if fetched.status_code != 200 or not fetched.content.startswith(PNG_MAGIC):
            return self._error("sendPhoto", 400, 400, "photo URL is not an image")
        sent = Sent(chat, secrets.token_hex(10), text=caption, photo=photo, photo_bytes=fetched.content)
        return self._flooded("sendPhoto") or self._record(sent)

    async def _send_chat_action(self, body: dict[str, Any]) -> Any:
        chat = self._chat(body, "sendChatAction")
        if isinstance(chat, web.Response):
            return chat
        if body.get("action") not in ("typing", "upload_photo"):
            return self._error("sendChatAction", 400, 400, "unknown action")
        self.actions.append((chat, str(body["action"])))
        return None


@asynccontextmanager
async def serving(**options: Any) -> AsyncIterator[FakeZalo]:
    """A started fake, stopped on the way out."""
    server = FakeZalo(**options)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
