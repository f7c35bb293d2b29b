"""Our Zalo client against the fake Zalo Bot Platform over real HTTP on loopback."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest

from channels.zalo.client import ZaloClient, ZaloError, unwrap
from tests.fake_zalo import FakeZalo, serving
from tests.fake_zalo.server import Failure


@pytest.fixture
async def fake() -> AsyncIterator[FakeZalo]:
    async with serving() as server:
        yield server


@pytest.fixture
async def client(fake: FakeZalo) -> AsyncIterator[ZaloClient]:
    zalo = ZaloClient(fake.token, fake.base_url, timeout=5)
    yield zalo
    await zalo.aclose()


async def test_get_me_and_ids_are_strings(client: ZaloClient, fake: FakeZalo) -> None:
    me = await client.get_me()
    assert me["id"] == fake.bot_id
    assert me["account_name"] == "bot.ChiBoFake"


async def test_send_message_returns_the_message_id(client: ZaloClient, fake: FakeZalo) -> None:
    fake.user("u1", "An")
    message_id = await client.send_message("u1", "Xin chào")
    assert fake.sent[-1].message_id == message_id
    assert fake.texts("u1") == ["Xin chào"]


@pytest.mark.parametrize(
    ("chat", "text", "problem"),
    [
        ("nobody", "hi", "chat not found"),
        ("u1", "", "1-2000"),
        ("u1", "x" * 2001, "1-2000"),
    ],
)
async def test_the_fake_refuses_what_zalo_refuses(
    client: ZaloClient, fake: FakeZalo, chat: str, text: str, problem: str
) -> None:
    fake.user("u1", "An")
    with pytest.raises(ZaloError, match=problem) as caught:
        await client.send_message(chat, text)
    assert caught.value.status == 400
    assert fake.sent == []


async def test_numeric_chat_ids_are_refused_by_the_fake(client: ZaloClient, fake: FakeZalo) -> None:
    fake.user("42", "An")
    with pytest.raises(ZaloError, match="must be a string"):
        await client.call("sendMessage", {"chat_id": 42, "text": "hi"})


async def test_a_wrong_token_is_401_and_never_shown(fake: FakeZalo) -> None:
    secret = "1459232241454765289:a-wrong-secret-xyz"
    zalo = ZaloClient(secret, fake.base_url)
    try:
        with pytest.raises(ZaloError) as caught:
            await zalo.get_me()
    finally:
        await zalo.aclose()
    assert caught.value.status == 401
    assert "a-wrong-secret" not in str(caught.value)
    assert caught.value.__context__ is None


async def test_network_failure_carries_no_url() -> None:
    zalo = ZaloClient("1:secret-token-in-url", "http://127.0.0.1:9/bot", timeout=2)
    try:
        with pytest.raises(ZaloError) as caught:
            await zalo.get_me()
    finally:
        await zalo.aclose()
    assert caught.value.network
    assert "secret-token-in-url" not in str(caught.value)
    assert "127.0.0.1" not in str(caught.value)
    # the httpx error (whose text may hold the URL) is not chained into tracebacks
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


async def test_rate_limit_answers_are_recognised(client: ZaloClient, fake: FakeZalo) -> None:
    fake.user("u1", "An")
    fake.fail_next("sendMessage", Failure(429, 429, "Too many requests", retry_after=3))
    with pytest.raises(ZaloError) as caught:
        await client.send_message("u1", "hi")
    assert caught.value.rate_limited
    assert caught.value.retry_after == 3
    # ok=false with a rate-limit code but HTTP 200 counts too
    fake.fail_next("sendMessage", Failure(200, 429, "quota"))
    with pytest.raises(ZaloError) as again:
        await client.send_message("u1", "hi")
    assert again.value.rate_limited


async def test_answers_that_are_not_json_are_errors() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text="<html>bad gateway</html>")

    zalo = ZaloClient("1:abcdefgh", "https://zalo.invalid/bot", transport=httpx.MockTransport(handler))
    try:
        with pytest.raises(ZaloError, match="not JSON") as caught:
            await zalo.send_message("u", "hi")
    finally:
        await zalo.aclose()
    assert caught.value.status == 502


async def test_bare_answers_are_accepted() -> None:
    seen: list[tuple[str, dict[str, object]]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.path, json.loads(request.content)))
        return httpx.Response(200, json={"message_id": "m1", "date": 1749632637199})

    zalo = ZaloClient("1:abcdefgh", "https://zalo.invalid/bot", transport=httpx.MockTransport(handler))
    try:
        assert await zalo.send_photo("u", "https://x/c.png", "Biểu đồ") == "m1"
    finally:
        await zalo.aclose()
    assert seen == [("/bot1:abcdefgh/sendPhoto", {"chat_id": "u", "photo": "https://x/c.png", "caption": "Biểu đồ"})]
    assert unwrap({"ok": True}) is None
    assert unwrap({"ok": True, "result": {"a": 1}}) == {"a": 1}
    assert unwrap({"message": {}}) == {"message": {}}


async def test_get_updates_one_at_a_time_without_offset(client: ZaloClient, fake: FakeZalo) -> None:
    fake.user("u1", "An")
    assert await client.get_update(poll_seconds=1) is None  # 408: the poll ended empty
    first, second = fake.update("u1", "một"), fake.update("u1", "hai")
    fake._poll.queue.extend([first, second])
    assert await client.get_update(1) == first
    assert await client.get_update(1) == second


async def test_an_empty_poll_answered_with_an_empty_result(fake: FakeZalo) -> None:
    fake.empty_poll = "empty"
    zalo = ZaloClient(fake.token, fake.base_url)
    try:
        assert await zalo.get_update(poll_seconds=1) is None
    finally:
        await zalo.aclose()


async def test_long_poll_wakes_up_when_a_user_writes(client: ZaloClient, fake: FakeZalo) -> None:
    fake.user("u1", "An")
    poll = asyncio.create_task(client.get_update(poll_seconds=20))
    await asyncio.sleep(0.05)
    update = fake.update("u1", "xin chào")
    fake._poll.queue.append(update)
    fake._poll.arrived.set()
    assert await asyncio.wait_for(poll, 5) == update


async def test_webhook_set_info_delete_and_exclusive_with_polling(client: ZaloClient, fake: FakeZalo) -> None:
    with pytest.raises(ZaloError, match="https"):
        await client.set_webhook("http://plain.example/hook", "secret-123")
    with pytest.raises(ZaloError, match="8-256"):
        await client.set_webhook("https://bot.example/hook", "short")
    await client.set_webhook("https://bot.example/zalo/webhook", "secret-123")
    assert (await client.get_webhook_info())["url"] == "https://bot.example/zalo/webhook"
    with pytest.raises(ZaloError, match="deleteWebhook"):
        await client.get_update(1)
    await client.delete_webhook()
    assert (await client.get_webhook_info())["url"] == ""


async def test_chat_action_and_photo_validation(client: ZaloClient, fake: FakeZalo) -> None:
    fake.user("u1", "An")
    await client.send_chat_action("u1")
    assert fake.actions == [("u1", "typing")]
    with pytest.raises(ZaloError, match="https URL"):
        await client.send_photo("u1", "file:///etc/passwd")
    with pytest.raises(ZaloError, match="unreachable"):
        await client.send_photo("u1", "https://127.0.0.1:9/chart.png")
