"""A thin async client for the Zalo Bot Platform: POST /bot<TOKEN>/<method> with a JSON body.

The API is small, and the PyPI packages for it are a fork of python-telegram-bot with placeholder
metadata, so we speak the JSON ourselves. Answers come as {"ok": true, "result": ...} or, in some
deployments, bare; both are accepted. The token is part of every URL, so no error raised here
carries the URL or chains the httpx exception that would.
"""

from __future__ import annotations

from typing import Any

import httpx

# getUpdates is a long poll: the HTTP timeout must outlast the poll itself.
POLL_MARGIN = 10.0
# Zalo's HTTP status or error_code meaning "too many requests".
RATE_LIMITED = 429


class ZaloError(Exception):
    """A call failed; `status` is the HTTP status (0 when the network failed), `code` Zalo's error_code."""

    def __init__(self, method: str, status: int, code: int | None, description: str, retry_after: float = 0) -> None:
        super().__init__(f"zalo {method}: {status or 'network'} {code if code is not None else ''} {description}")
        self.method = method
        self.status = status
        self.code = code
        self.description = description
        self.retry_after = retry_after

    @property
    def rate_limited(self) -> bool:
        return RATE_LIMITED in (self.status, self.code)

    @property
    def network(self) -> bool:
        return self.status == 0


def unwrap(body: Any) -> Any:
    """The payload of an answer, whether wrapped in {ok, result} or bare; None when wrapped and ok is false."""
    if isinstance(body, dict) and isinstance(body.get("ok"), bool):
        return body.get("result") if body["ok"] else None
    return body


class ZaloClient:
    def __init__(
        self,
        token: str,
        base_url: str = "https://bot-api.zaloplatforms.com/bot",
        *,
        timeout: float = 15.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._prefix = f"{base_url.rstrip('/')}{token}/"
        self._timeout = timeout
        self._http = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def call(self, method: str, payload: dict[str, Any] | None = None, *, seconds: float | None = None) -> Any:
        """One API call; raises ZaloError for network failures, HTTP errors and ok=false answers."""
        try:
            answer = await self._http.post(self._prefix + method, json=payload or {}, timeout=seconds or self._timeout)
        except httpx.HTTPError as exc:
            raise ZaloError(method, 0, None, type(exc).__name__) from None
        try:
            body = answer.json()
        except ValueError:
            body = None
        if body is None or answer.status_code >= 400 or (isinstance(body, dict) and body.get("ok") is False):
            raise _error(method, answer, body)
        return unwrap(body)

    async def get_me(self) -> dict[str, Any]:
        me = await self.call("getMe")
        if not isinstance(me, dict) or "id" not in me:
            raise ZaloError("getMe", 200, None, "answer has no bot id")
        return me

    async def get_update(self, poll_seconds: int = 30) -> Any:
        """The next update or None; the platform hands out one update per call and keeps no offset."""
        try:
            result = await self.call("getUpdates", {"timeout": str(poll_seconds)}, seconds=poll_seconds + POLL_MARGIN)
        except ZaloError as exc:
            if exc.code == 408 or exc.status == 408:  # the long poll ended without an update
                return None
            raise
        return result or None

    async def set_webhook(self, url: str, secret_token: str) -> None:
        await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> None:
        await self.call("deleteWebhook")

    async def get_webhook_info(self) -> dict[str, Any]:
        info = await self.call("getWebhookInfo")
        return info if isinstance(info, dict) else {}

    async def send_message(self, chat_id: str, text: str) -> str:
        return _message_id(await self.call("sendMessage", {"chat_id": chat_id, "text": text}))

    async def send_photo(self, chat_id: str, photo_url: str, caption: str = "") -> str:
        payload = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            payload["caption"] = caption
        return _message_id(await self.call("sendPhoto", payload))

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})


def _message_id(result: Any) -> str:
    if isinstance(result, dict) and result.get("message_id") is not None:
        return str(result["message_id"])
    return ""


def _error(method: str, answer: httpx.Response, body: Any) -> ZaloError:
    code = description = None
    retry_after = 0.0
    if isinstance(body, dict):
        code = body.get("error_code")
        description = body.get("description")
        parameters = body.get("parameters")
        if isinstance(parameters, dict) and isinstance(parameters.get("retry_after"), int | float):
            retry_after = float(parameters["retry_after"])
    header = answer.headers.get("Retry-After", "")
    if not retry_after and header.replace(".", "", 1).isdigit():
        retry_after = float(header)
    return ZaloError(
        method,
        answer.status_code,
        code if isinstance(code, int) else None,
        str(description or ("not JSON" if body is None else "")),
        retry_after,
    )
