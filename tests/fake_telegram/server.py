"""A fake Telegram Bot API server on loopback, for running the real python-telegram-bot stack in tests.

It answers `/bot<TOKEN>/<method>` with the Bot API's JSON, reading parameters from the query
string, form, multipart or JSON bodies as the real server does, and it validates like Telegram:
required parameters, 1-4096 visible characters, HTML parse mode with only Telegram's tags,
inline keyboards and 1-64 byte callback_data, unknown chats, flood limits (429 + retry_after).

A test plays the users (`send`, `press`, `add_bot`), injects faults (`fail`, `hang`, `block`),
and reads everything the bot did from `calls` and `messages`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web

from tests.fake_telegram.flood import FloodControl, Limits
from tests.fake_telegram.html import HtmlError, parse_html, utf16_len
from tests.fake_telegram.webhook import WebhookDeliverer, WebhookSettings
from tests.fake_telegram.world import BotMessage, Call, FakeChat, FakeUser, Upload

DEFAULT_TOKEN = "123456789:TEST-token-for-the-fake-telegram-server"
T = TypeVar("T")

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
TOAST_LIMIT = 200
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # getFile refuses bigger files to bots
CALLBACK_DATA_LIMIT = 64
# Calls Telegram's flood control counts: messages and edits, not answers to button presses.
COUNTED = {"sendmessage", "senddocument", "sendphoto", "editmessagetext", "editmessagereplymarkup"}
BUTTON_ACTIONS = {
    "url",
    "callback_data",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
}
CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
SCOPES = {
    "default": (),
    "all_private_chats": (),
    "all_group_chats": (),
    "all_chat_administrators": (),
    "chat": ("chat_id",),
    "chat_administrators": ("chat_id",),
    "chat_member": ("chat_id", "user_id"),
}


class ApiError(Exception):
    """An unsuccessful Bot API answer: `{"ok": false, "error_code": ..., "description": ...}`."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(text: str) -> ApiError:
    return ApiError(400, f"Bad Request: {text}")


@dataclass
class Fault:
    """An injected failure for the next `times` calls of a method (optionally to one chat)."""

    method: str
    times: int
    status: int = 500
    description: str = "Internal Server Error"
    retry_after: int | None = None
    hang: float = 0.0
    chat_id: int | None = None


# How long a test waits for the bot by default: an upper bound, not an expectation. Generous
# because the suite runs on two shared cores, where a burst of tests can stall one for seconds.
WAIT_SECONDS = 15.0


class FakeTelegram:
    """One bot's view of Telegram. Use as `async with FakeTelegram() as fake:`; point the bot at `base_url`."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        username: str = "chibo_test_bot",
        limits: Limits | None = None,
        privacy: bool = True,
    ) -> None:
        self.token = token
        self.bot = FakeUser(int(token.split(":")[0]), "Chi bộ Bot", username=username, is_bot=True)
        self.flood = FloodControl(limits or Limits())
        # Group privacy mode (BotFather's default): in groups the bot only receives commands.
        self.privacy = privacy
        self.chats: dict[int, FakeChat] = {}
        self.messages: dict[tuple[int, int], BotMessage] = {}
        self.calls: list[Call] = []
        self.commands: dict[tuple[tuple[Any, ...], str], list[dict[str, str]]] = {}
        self.answers: dict[str, list[dict[str, Any]]] = {}
        self.webhook_url = ""
        # Delivering updates by webhook after setWebhook (see webhook.py); tests may tune its
        # timeout and retry delay before the bot sets the webhook.
        self.webhook: WebhookDeliverer | None = None
        self.webhook_timeout = 10.0
        self.webhook_retry_delay = 0.5
        self.webhook_deliveries: list[Any] = []
        self._delivered: set[int] = set()
        self.faults: list[Fault] = []
        # Methods whose calls began hanging (see `hang`), in the order they arrived.
        self.hung: list[str] = []
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._confirmed = 0
        self._allowed: list[str] | None = None
        self._poll_generation = 0
        self._queries = itertools.count(1)
        self._open_queries: dict[str, BotMessage] = {}
        self._changed: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._methods: dict[str, Callable[[dict[str, Any]], Awaitable[Any]]] = {
            name.lower(): getattr(self, f"_m_{name.lower()}")
            for name in (
                "getMe",
                "logOut",
                "close",
                "getUpdates",
                "deleteWebhook",
                "setWebhook",
                "getWebhookInfo",
                "sendMessage",
                "editMessageText",
                "editMessageReplyMarkup",
                "deleteMessage",
                "answerCallbackQuery",
                "setMyCommands",
                "deleteMyCommands",
                "getMyCommands",
                "sendChatAction",
                "sendDocument",
                "sendPhoto",
                "getChat",
                "getChatMember",
                "getFile",
            )
        }
        # Files users sent, by file_id: (file_unique_id, name, bytes); served by getFile and /file/.
        self.files: dict[str, tuple[str, str, bytes]] = {}

    # ---- life cycle -------------------------------------------------------------------------

    async def start(self) -> None:
        self._changed = asyncio.Condition()
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self._port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def stop(self) -> None:
        await self._stop_webhook()
        self._poll_generation += 1
        await self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """The Bot API address to give python-telegram-bot (it appends the token and method)."""
        return f"http://127.0.0.1:{self._port}/bot"

    # ---- the world a test sets up --------------------------------------------------------------

    def user(
        self, user_id: int, first_name: str, last_name: str | None = None, *, username: str | None = None
    ) -> FakeUser:
        """A Telegram user. Their private chat with the bot opens when they first message it."""
        user = FakeUser(user_id, first_name, last_name, username)
        self.chats.setdefault(user_id, FakeChat(user_id, "private", user=user, open=False))
        return user

    def group(self, title: str, chat_id: int | None = None, *, admins: tuple[FakeUser, ...] = ()) -> FakeChat:
        """A supergroup the bot is not yet a member of (see `add_bot`)."""
        chat_id = chat_id or -1_001_000_000_000 - len(self.chats)
        chat = FakeChat(chat_id, "supergroup", title=title, open=False, admins={a.id for a in admins})
        self.chats[chat_id] = chat
        return chat

    def block(self, user: FakeUser) -> None:
        """The user blocks the bot: every send to them answers 403."""
        self.chats[user.id].blocked = True

    # ---- acting as users -----------------------------------------------------------------------

    def send(self, user: FakeUser, text: str, chat: FakeChat | None = None) -> int | None:
        """The user types `text` in their private chat or in `chat`; returns the update id, or None when
        Telegram would not deliver it to the bot (privacy mode in a group, bot not in the group)."""
        target = chat or self.chats[user.id]
        if target.is_group:
            if not target.open:
                return None
            if self.privacy and not self._addressed_to_bot(text):
                return None
        else:
            target.open = True
        message: dict[str, Any] = {
            "message_id": target.take_message_id(),
            "from": user.as_json(),
            "chat": target.as_json(),
            "date": int(time.time()),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        return self._push("message", message)

    def send_file(self, user: FakeUser, name: str, data: bytes, caption: str = "", mime_type: str = "text/csv") -> int:
        """The user sends a document in their private chat; returns the update id."""
        target = self.chats[user.id]
        target.open = True
        number = len(self.files) + 1
        file_id = f"BQACAgIAAxkBAAI{number:06d}{user.id}"
        self.files[file_id] = (f"AgAD{number:04d}", name, data)
        message: dict[str, Any] = {
            "message_id": target.take_message_id(),
            "from": user.as_json(),
            "chat": target.as_json(),
            "date": int(time.time()),
            "document": {
                "file_id": file_id,
                "file_unique_id": self.files[file_id][0],
                "file_name": name,
                "mime_type": mime_type,
                "file_size": len(data),
            },
        }
        if caption:
            message["caption"] = caption
        return self._push("message", message)

    def _addressed_to_bot(self, text: str) -> bool:
        if not text.startswith("/"):
            return False
        _, at, mention = text.split(maxsplit=1)[0].partition("@")
        return not at or mention.lower() == (self.bot.username or "").lower()

    def press(self, user: FakeUser, message: BotMessage, data: str) -> str:
        """The user presses the button carrying `data` on a bot message; returns the callback query id."""
        if data not in {b.get("callback_data") for b in message.buttons}:
            raise LookupError(f"message {message.message_id} has no button with data {data!r}")
        query_id = f"{user.id}-{next(self._queries)}"
        self._open_queries[query_id] = message
        chat = self.chats[message.chat_id]
        query = {
            "id": query_id,
            "from": user.as_json(),
            "message": message.as_json(chat, self.bot),
            "chat_instance": str(chat.id * 7919),
            "data": data,
        }
        self._push("callback_query", query)
        return query_id

    def add_bot(self, user: FakeUser, group: FakeChat) -> int:
        """`user` adds the bot to `group`: my_chat_member, then the service message, as Telegram sends them."""
        group.open = True
        change = {
            "chat": group.as_json(),
            "from": user.as_json(),
            "date": int(time.time()),
            "old_chat_member": {"user": self.bot.as_json(), "status": "left"},
            "new_chat_member": {
                "user": self.bot.as_json(),
                "status": "member",
            },
        }
        update_id = self._push("my_chat_member", change)
        service = {
            "message_id": group.take_message_id(),
            "from": user.as_json(),
            "chat": group.as_json(),
            "date": int(time.time()),
            "new_chat_members": [self.bot.as_json()],
        }
        self._push("message", service)
        return update_id

    def _push(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, kind: payload})
        asyncio.get_running_loop().create_task(self._notify())
        if self.webhook is not None:
            self.webhook.wake()
        return update_id

    # ---- faults --------------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        status: int = 500,
        description: str = "Internal Server Error",
        *,
        times: int = 1,
        retry_after: int | None = None,
        chat_id: int | None = None,
    ) -> None:
        """The next `times` calls of `method` (to `chat_id`, if given) fail with this answer."""
        self.faults.append(Fault(method.lower(), times, status, description, retry_after, chat_id=chat_id))

    def hang(self, method: str, seconds: float, *, times: int = 1) -> None:
        """The next `times` calls of `method` wait `seconds` before being handled (the bot may time
        out); `hung` lists each such call as it arrives."""
        self.faults.append(Fault(method.lower(), times, 200, hang=seconds))

    def _take_fault(self, method: str, params: dict[str, Any]) -> Fault | None:
        for fault in self.faults:
            if fault.method != method or fault.times <= 0:
                continue
            if fault.chat_id is not None and str(fault.chat_id) != str(params.get("chat_id")):
                continue
            fault.times -= 1
            return fault
        return None

    # ---- what the bot did ------------------------------------------------------------------------

    def sent(self, chat_id: int, *, since: int = 0) -> list[BotMessage]:
        """Messages the bot sent to a chat, in order, from call number `since` on (see `mark`)."""
        return [
            self.messages[(chat_id, call.result["message_id"])]
            for call in self.calls[since:]
            if call.ok and call.method in ("sendmessage", "senddocument", "sendphoto")
            if int(call.params["chat_id"]) == chat_id
        ]

    def mark(self) -> int:
        """A position in `calls`, to ask later what happened after it."""
        return len(self.calls)

    def rejected(self, *, since: int = 0) -> list[str]:
        """Calls Telegram would answer 400 (a bug on our side: "chat not found", "message is not
        modified", malformed requests), as "method: description"."""
        return [f"{c.method}: {c.description}" for c in self.calls[since:] if c.status == 400]

    def calls_to(self, method: str, *, since: int = 0) -> list[Call]:
        return [c for c in self.calls[since:] if c.method == method.lower()]

    def consumed(self, update_id: int) -> bool:
        """The bot confirmed the update (asked for later ones, or answered its webhook call 2xx)."""
        return self._confirmed > update_id or update_id in self._delivered

    async def wait_for(self, predicate: Callable[[], T], within: float = WAIT_SECONDS) -> T:
        """Wait until `predicate()` is truthy (checked after every call and update) and return it."""
        assert self._changed is not None, "start the fake server first"
        try:
            async with self._changed:
                return await asyncio.wait_for(self._changed.wait_for(predicate), within)
        except TimeoutError:
            recent = [f"{c.method} {c.status} {c.description}" for c in self.calls[-8:]]
            raise AssertionError(f"timed out after {within}s; last calls: {recent}") from None

    async def say(
        self, user: FakeUser, text: str, chat: FakeChat | None = None, *, replies: int = 1, within: float = WAIT_SECONDS
    ) -> list[BotMessage]:
        """Send `text` as `user` and wait for the bot's `replies` messages in that chat."""
        since = self.mark()
        chat_id = chat.id if chat else user.id
        if self.send(user, text, chat) is None:
            raise AssertionError(f"Telegram would not deliver {text!r} to the bot in chat {chat_id}")

        def enough() -> list[BotMessage]:
            sent = self.sent(chat_id, since=since)
            return sent[:replies] if len(sent) >= replies else []

        return await self.wait_for(enough, within)

    async def click(
        self, user: FakeUser, message: BotMessage, data: str, within: float = WAIT_SECONDS
    ) -> dict[str, Any]:
        """Press a button and wait for the bot's answerCallbackQuery; returns its parameters."""
        query_id = self.press(user, message, data)
        answers = await self.wait_for(lambda: self.answers.get(query_id), within)
        return answers[0]

    async def _notify(self) -> None:
        if self._changed is not None:
            async with self._changed:
                self._changed.notify_all()

    # ---- HTTP --------------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"].lower()
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        handler = self._methods.get(method)
        if handler is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        params = await _read_params(request)
        call = Call(method, {k: v for k, v in params.items() if not isinstance(v, Upload)}, time.monotonic(), 200)
        try:
            fault = self._take_fault(method, params)
            if fault is not None and fault.hang:
                self.hung.append(method)
                await self._notify()
                await asyncio.sleep(fault.hang)
            elif fault is not None:
                raise ApiError(fault.status, fault.description, fault.retry_after)
            call.result = await handler(params)
            body: dict[str, Any] = {"ok": True, "result": call.result}
        except ApiError as error:
            call.status, call.description = error.code, error.description
            body = error.body()
        if method != "getupdates" or not call.ok or call.result:
            self.calls.append(call)
        await self._notify()
        return web.json_response(body, status=call.status)

    # ---- methods -----------------------------------------------------------------------------------

    async def _m_getme(self, _params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.bot.as_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy,
            "supports_inline_queries": False,
        }

    async def _m_logout(self, _params: dict[str, Any]) -> bool:
        return True

    async def _m_close(self, _params: dict[str, Any]) -> bool:
        return True

    async def _m_deletewebhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = ""
        await self._stop_webhook()
        if _bool(params.get("drop_pending_updates")):
            self._confirmed = next(self._update_ids)
            self._update_ids = itertools.count(self._confirmed)
            self._updates.clear()
        return True

    async def _m_setwebhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = _required(params, "url")
        secret = str(params.get("secret_token") or "")
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("secret token contains unallowed characters")
        if _bool(params.get("drop_pending_updates")):
            self._updates.clear()
        allowed = _json(params["allowed_updates"]) if "allowed_updates" in params else None
        settings = WebhookSettings(self.webhook_url, secret, _int(params, "max_connections", default=40), allowed)
        if not 1 <= settings.max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be 1-100")
        self._allowed = list(allowed) if allowed else self._allowed
        await self._stop_webhook()
        self.webhook = WebhookDeliverer(
            self._pending, self._confirm, self._notify, settings, self.webhook_timeout, self.webhook_retry_delay
        )
        self.webhook.deliveries = self.webhook_deliveries
        self.webhook.start()
        return True

    async def _stop_webhook(self) -> None:
        if self.webhook is not None:
            deliverer, self.webhook = self.webhook, None
            await deliverer.stop()

    def _confirm(self, update_id: int) -> None:
        self._delivered.add(update_id)
        self._updates = [u for u in self._updates if u["update_id"] != update_id]

    async def _m_getwebhookinfo(self, _params: dict[str, Any]) -> dict[str, Any]:
        pending = sum(1 for u in self._updates if u["update_id"] >= self._confirmed)
        info: dict[str, Any] = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": pending,
        }
        if self.webhook is not None:
            info["max_connections"] = self.webhook.settings.max_connections
            if self.webhook.settings.allowed_updates:
                info["allowed_updates"] = self.webhook.settings.allowed_updates
            if self.webhook.last_error:
                info["last_error_message"] = self.webhook.last_error
                info["last_error_date"] = int(time.time())
        return info

    async def _m_getupdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = _int(params, "offset", default=0)
        limit = _int(params, "limit", default=100)
        timeout = _int(params, "timeout", default=0)
        if not 1 <= limit <= 100:
            limit = 100
        if "allowed_updates" in params:
            allowed = _json(params["allowed_updates"])
            self._allowed = list(allowed) or None
        if offset > self._confirmed:
            self._confirmed = offset
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        self._poll_generation += 1
        generation = self._poll_generation
        assert self._changed is not None

        def ready() -> bool:
            return bool(self._pending()) or self._poll_generation != generation

        if timeout > 0:
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait_for(ready), timeout)
        if self._poll_generation != generation:
            raise ApiError(409, "Conflict: terminated by other getUpdates request")
        return self._pending()[:limit]

    def _pending(self) -> list[dict[str, Any]]:
        allowed = self._allowed
        return [
            u
            for u in self._updates
            if u["update_id"] >= self._confirmed and (allowed is None or any(kind in u for kind in allowed))
        ]

    @property
    def undelivered(self) -> int:
        """By webhook: updates not yet answered 2xx (each confirmed one leaves the list); cheap
        enough to wait on during a burst of thousands."""
        return len(self._updates)

    def _writable(self, params: dict[str, Any]) -> FakeChat:
        raw = _required(params, "chat_id")
        try:
            chat = self.chats.get(int(raw))
        except ValueError:
            chat = None
        if chat is None:
            raise bad_request("chat not found")
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if not chat.open:
            if chat.is_group:
                raise ApiError(403, "Forbidden: bot is not a member of the supergroup chat")
            # What Telegram answers for a user who never pressed Start.
            raise bad_request("chat not found")
        return chat

    def _flood(self, method: str, chat: FakeChat) -> None:
        if method in COUNTED:
            wait = self.flood.check(chat.id, chat.is_group)
            if wait is not None:
                raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)

    async def _m_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._writable(params)
        source = _required(params, "text", what="message text")
        parse_mode = params.get("parse_mode")
        text = _visible(source, parse_mode, MESSAGE_LIMIT)
        markup = _markup(params.get("reply_markup"))
        self._flood("sendmessage", chat)
        return self._store(chat, text, source, parse_mode, markup).as_json(chat, self.bot)

    def _store(
        self,
        chat: FakeChat,
        text: str,
        source: str,
        parse_mode: str | None,
        markup: dict[str, Any] | None,
        kind: str = "text",
        upload: Upload | None = None,
    ) -> BotMessage:
        message = BotMessage(
            chat.id,
            chat.take_message_id(),
            text,
            source,
            parse_mode,
            markup,
            int(time.time()),
            time.monotonic(),
            kind,
            upload,
        )
        self.messages[(chat.id, message.message_id)] = message
        return message

    def _editable(self, params: dict[str, Any]) -> tuple[FakeChat, BotMessage]:
        if "inline_message_id" in params:
            raise bad_request("message to edit not found")
        chat = self._writable(params)
        message = self.messages.get((chat.id, _int(params, "message_id")))
        if message is None:
            raise bad_request("message to edit not found")
        return chat, message

    async def _m_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        chat, message = self._editable(params)
        source = _required(params, "text", what="message text")
        parse_mode = params.get("parse_mode")
        text = _visible(source, parse_mode, MESSAGE_LIMIT)
        markup = _markup(params.get("reply_markup"))
        if message.kind != "text":
            raise bad_request("there is no text in the message to edit")
        return self._apply_edit(chat, message, text, source, markup)

    async def _m_editmessagereplymarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        chat, message = self._editable(params)
        markup = _markup(params.get("reply_markup"))
        return self._apply_edit(chat, message, message.text, message.source, markup)

    def _apply_edit(
        self, chat: FakeChat, message: BotMessage, text: str, source: str, markup: dict[str, Any] | None
    ) -> dict[str, Any]:
        if text == message.text and markup == message.reply_markup:
            raise bad_request(
                "message is not modified: specified new message content and reply markup are exactly the same "
                "as a current content and reply markup of the message"
            )
        self._flood("editmessagetext", chat)
        message.text, message.source, message.reply_markup = text, source, markup
        message.edits.append((time.monotonic(), text))
        return message.as_json(chat, self.bot)

    async def _m_deletemessage(self, params: dict[str, Any]) -> bool:
        chat = self._writable(params)
        if self.messages.pop((chat.id, _int(params, "message_id")), None) is None:
            raise bad_request("message to delete not found")
        return True

    async def _m_answercallbackquery(self, params: dict[str, Any]) -> bool:
        query_id = str(_required(params, "callback_query_id"))
        if query_id not in self._open_queries:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        text = params.get("text") or ""
        if len(text) > TOAST_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
        del self._open_queries[query_id]
        self.answers.setdefault(query_id, []).append(
            {"text": text, "show_alert": _bool(params.get("show_alert")), "at": time.monotonic()}
        )
        return True

    def _scope(self, params: dict[str, Any]) -> tuple[tuple[Any, ...], str]:
        scope = _json(params.get("scope") or {"type": "default"})
        if not isinstance(scope, dict) or scope.get("type") not in SCOPES:
            raise bad_request("can't parse BotCommandScope JSON object")
        fields = SCOPES[scope["type"]]
        values = []
        for name in fields:
            if name not in scope:
                raise bad_request(f"{name} is empty")
            values.append(int(scope[name]))
        chat = self.chats.get(int(scope["chat_id"])) if fields else None
        if fields and (chat is None or (not chat.is_group and not chat.open)):
            raise bad_request("chat not found")
        language = params.get("language_code") or ""
        if language and (len(language) != 2 or not language.isalpha()):
            raise bad_request("invalid language code specified")
        return (scope["type"], *values), language

    async def _m_setmycommands(self, params: dict[str, Any]) -> bool:
        commands = _json(_required(params, "commands"))
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            description = command.get("description", "") if isinstance(command, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request(
                    "command description is empty" if not description else "BOT_COMMAND_DESCRIPTION_INVALID"
                )
        key = self._scope(params)
        if commands:
            self.commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
        else:
            self.commands.pop(key, None)
        return True

    async def _m_deletemycommands(self, params: dict[str, Any]) -> bool:
        self.commands.pop(self._scope(params), None)
        return True

    async def _m_getmycommands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        return self.commands.get(self._scope(params), [])

    async def _m_sendchataction(self, params: dict[str, Any]) -> bool:
        self._writable(params)
        if _required(params, "action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    async def _send_file(self, params: dict[str, Any], field: str, kind: str) -> dict[str, Any]:
        chat = self._writable(params)
        value = params.get(field)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            upload = Upload(value, "", b"", reference=value)
        elif isinstance(value, str) and value:
            # A file_id: one Telegram knows (a user's file, or one this bot uploaded before).
            if value not in self.files:
                raise bad_request("wrong file identifier/HTTP URL specified")
            _unique, name, data = self.files[value]
            upload = Upload(name, "", b"", reference=value, size=len(data))
        elif isinstance(value, Upload):
            if not value.data:
                raise bad_request("file must be non-empty")
            upload = value
        else:
            raise bad_request(f"there is no {kind} in the request")
        source = params.get("caption") or ""
        parse_mode = params.get("parse_mode")
        caption = _visible(source, parse_mode, CAPTION_LIMIT, allow_empty=True)
        markup = _markup(params.get("reply_markup"))
        self._flood(f"send{kind}", chat)
        message = self._store(chat, caption, source, parse_mode, markup, kind, upload)
        if upload.data:
            # An uploaded file gets an id the bot may send again instead of uploading it anew.
            self.files[message.file_id] = (f"u{message.message_id}", upload.name, upload.data)
        return message.as_json(chat, self.bot)

    async def _m_senddocument(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_file(params, "document", "document")

    async def _m_sendphoto(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_file(params, "photo", "photo")

    async def _m_getfile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(_required(params, "file_id"))
        if file_id not in self.files:
            raise bad_request("invalid file_id")
        unique, _name, data = self.files[file_id]
        if len(data) > DOWNLOAD_LIMIT:
            raise bad_request("file is too big")
        path = f"documents/file_{list(self.files).index(file_id)}"
        return {"file_id": file_id, "file_unique_id": unique, "file_size": len(data), "file_path": path}

    async def _download(self, request: web.Request) -> web.Response:
        """GET /file/bot<token>/<file_path>, as getFile's file_path says."""
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        paths = {f"documents/file_{i}": data for i, (_, _, data) in enumerate(self.files.values())}
        data = paths.get(request.match_info["path"])
        if data is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        self.calls.append(Call("download", {"path": request.match_info["path"]}, time.monotonic(), 200))
        await self._notify()
        return web.Response(body=data, content_type="application/octet-stream")

    async def _m_getchat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.chats.get(_int(params, "chat_id"))
        if chat is None:
            raise bad_request("chat not found")
        return {**chat.as_json(), "accent_color_id": 0, "max_reaction_count": 11}

    async def _m_getchatmember(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._writable(params)
        user_id = _int(params, "user_id")
        user = self.chats.get(user_id)
        if user is None or user.user is None:
            raise bad_request("user not found")
        if user_id in chat.admins:
            return {"status": "administrator", "user": user.user.as_json(), **_ADMIN_RIGHTS}
        return {"status": "member", "user": user.user.as_json()}


_ADMIN_RIGHTS = {
    name: True
    for name in (
        "can_be_edited",
        "is_anonymous",
        "can_manage_chat",
        "can_delete_messages",
        "can_manage_video_chats",
        "can_restrict_members",
        "can_promote_members",
        "can_change_info",
        "can_invite_users",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
    )
}


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Parameters wherever the Bot API accepts them: query string, form, multipart or JSON body."""
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return params
        if isinstance(body, dict):
            params.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                params[name] = Upload(value.filename, value.content_type, value.file.read())
            else:
                params[name] = value
    return params


def _required(params: dict[str, Any], name: str, *, what: str | None = None) -> Any:
    value = params.get(name)
    if value is None or value == "":
        raise bad_request(f"{what or name} is empty")
    return value


def _int(params: dict[str, Any], name: str, *, default: int | None = None) -> int:
    value = params.get(name)
    if value is None or value == "":
        if default is None:
            raise bad_request(f"{name} is empty")
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"wrong parameter {name} in request") from None


def _bool(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def _json(value: Any) -> Any:
    """Form bodies carry objects as JSON strings; JSON bodies carry them as they are."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise bad_request(f"can't parse JSON object {value[:40]!r}") from None
    return value


def _visible(source: str, parse_mode: str | None, limit: int, *, allow_empty: bool = False) -> str:
    """What the user will read; Telegram counts and strips it after parsing entities."""
    if not isinstance(source, str):
        source = str(source)
    if parse_mode is None or parse_mode == "":
        text = source
    elif parse_mode.lower() == "html":
        try:
            text = parse_html(source)
        except HtmlError as error:
            raise bad_request(str(error)) from None
    else:
        raise bad_request(f"unsupported parse_mode {parse_mode!r} (the fake speaks HTML only)")
    text = text.strip()
    if not text and not allow_empty:
        raise bad_request("message text is empty")
    if utf16_len(text) > limit:
        raise bad_request("message is too long" if limit == MESSAGE_LIMIT else "message caption is too long")
    return text


def _markup(raw: Any) -> dict[str, Any] | None:
    if raw is None or raw == "":
        return None
    markup = _json(raw)
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        if {"keyboard", "remove_keyboard", "force_reply"} & set(markup):
            return markup
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays')
    if sum(len(row) for row in rows) > 100:
        raise bad_request("reply markup is too long")
    for button in (b for row in rows for b in row):
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise bad_request("can't parse inline keyboard button: Text must be a String")
        actions = BUTTON_ACTIONS & set(button)
        if len(actions) != 1:
            raise bad_request("text buttons are unallowed in the inline keyboard")
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT:
                raise bad_request("BUTTON_DATA_INVALID")
        if "url" in button and not str(button["url"]).startswith(("http://", "https://", "tg://")):
            raise bad_request(f"inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL")
    return markup
