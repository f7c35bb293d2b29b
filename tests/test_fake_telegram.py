"""The fake Bot API server answers like Telegram: checked with the real python-telegram-bot `Bot` over HTTP."""

from __future__ import annotations

import asyncio
import io
import warnings
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeChat, InlineKeyboardButton
from telegram import InlineKeyboardMarkup as Markup
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from tests.fake_telegram import DEFAULT_TOKEN, FakeTelegram, HtmlError, Limits, parse_html


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(limits=Limits.off()) as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    request = HTTPXRequest(read_timeout=1.0, connect_timeout=1.0)
    async with Bot(DEFAULT_TOKEN, base_url=fake.base_url, request=request) as client:
        yield client


def retry_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


# ---- HTML as Telegram parses it ------------------------------------------------------------------


def test_html_keeps_telegram_tags_and_decodes_entities() -> None:
    text = '<b>An</b> &amp; <i>Bình</i> &lt;3 <a href="https://t.me/x?a=1&amp;b=2">link</a> &#39;q&#39; <code>x</code>'
    assert parse_html(text) == "An & Bình <3 link 'q' x"
    assert parse_html("<pre><code class='language-py'>a</code></pre>") == "a"
    assert parse_html('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>') == "st"
    assert parse_html("a & b &nbsp; >") == "a & b &nbsp; >"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("<script>alert(1)</script>", 'Unsupported start tag "script"'),
        ("Nguyễn <Văn> An", "Unsupported start tag"),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag"),
        ("a < b", "Unsupported start tag"),
        ("<span>x</span>", 'Unsupported start tag "span"'),
        ("<code><b>x</b></code>", "not allowed"),
        ("<b", "Unclosed start tag"),
    ],
)
def test_html_refuses_what_telegram_refuses(text: str, fragment: str) -> None:
    with pytest.raises(HtmlError, match="can't parse entities") as error:
        parse_html(text)
    assert fragment in str(error.value)


# ---- sending -------------------------------------------------------------------------------------


async def test_get_me_and_a_wrong_token(fake: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.username, me.can_read_all_group_messages) == ("chibo_test_bot", False)
    with pytest.raises(InvalidToken):
        async with Bot("42:wrong-token-wrong-token-wrong", base_url=fake.base_url):
            pass


async def test_send_message_validates_like_telegram(fake: FakeTelegram, bot: Bot) -> None:
    an = fake.user(1001, "An")
    stranger = fake.user(1002, "Bình")
    fake.send(an, "/start")
    sent = await bot.send_message(an.id, "<b>Chào</b> &lt;An&gt;", parse_mode="HTML")
    assert sent.text == "Chào <An>"
    assert fake.sent(an.id)[-1].source == "<b>Chào</b> &lt;An&gt;"

    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(999, "x")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(stranger.id, "x")  # never pressed Start
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(an.id, "Tên <An>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(an.id, "<b> </b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(an.id, "a" * 4097)
    # The limit counts what the user sees: tags and entities do not count, emoji count twice (UTF-16).
    await bot.send_message(an.id, "<b>" + "&lt;" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(an.id, "😀" * 2049)

    fake.block(an)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(an.id, "x")
    assert [c.status for c in fake.calls_to("sendMessage")] == [200, 400, 400, 400, 400, 400, 200, 400, 403]


async def test_inline_keyboards_and_callback_data_length(fake: FakeTelegram, bot: Bot) -> None:
    an = fake.user(1001, "An")
    fake.send(an, "/start")
    ok = Markup([[InlineKeyboardButton("Có mặt", callback_data="ci:" + "9" * 61)]])
    await bot.send_message(an.id, "x", reply_markup=ok)
    too_long = Markup([[InlineKeyboardButton("Có mặt", callback_data="ci:" + "9" * 62)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(an.id, "x", reply_markup=too_long)
    # Vietnamese data is counted in bytes, not characters.
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(an.id, "x", reply_markup=Markup([[InlineKeyboardButton("a", callback_data="đ" * 33)]]))
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            f"{fake.base_url}{DEFAULT_TOKEN}/sendMessage",
            json={"chat_id": an.id, "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "no action"}]]}},
        )
    assert answer.status_code == 400
    assert answer.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: text buttons are unallowed in the inline keyboard",
    }


async def test_edits_and_not_modified(fake: FakeTelegram, bot: Bot) -> None:
    group = fake.group("Chi bộ 1")
    fake.add_bot(fake.user(1001, "An"), group)
    sent = await bot.send_message(group.id, "Có mặt 0/3")
    await bot.edit_message_text("Có mặt 1/3", chat_id=group.id, message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Có mặt 1/3", chat_id=group.id, message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=group.id, message_id=999)
    message = fake.sent(group.id)[0]
    assert message.text == "Có mặt 1/3"
    assert [text for _, text in message.edits] == ["Có mặt 1/3"]


async def test_documents_are_uploaded_as_multipart(fake: FakeTelegram, bot: Bot) -> None:
    an = fake.user(1001, "An")
    fake.send(an, "/start")
    await bot.send_document(an.id, io.BytesIO(b"PK-bien-ban"), filename="bien-ban.docx", caption="<b>Biên bản</b>")
    await bot.send_photo(an.id, io.BytesIO(b"\x89PNG..."), caption="Biểu đồ", parse_mode="HTML")
    document, photo = fake.sent(an.id)
    assert document.kind == "document"
    assert document.upload is not None
    assert (document.upload.name, document.upload.data) == ("bien-ban.docx", b"PK-bien-ban")
    assert document.text == "<b>Biên bản</b>"  # no parse_mode: shown as typed
    assert photo.kind == "photo"
    assert photo.text == "Biểu đồ"


# ---- flood control and faults --------------------------------------------------------------------


async def test_flood_control_answers_429_with_retry_after() -> None:
    limits = Limits(chat=(2, 1.0), group_per_minute=3, global_per_second=None)
    async with FakeTelegram(limits=limits) as fake, Bot(DEFAULT_TOKEN, base_url=fake.base_url) as bot:
        an = fake.user(1001, "An")
        fake.send(an, "/start")
        await bot.send_message(an.id, "1")
        await bot.send_message(an.id, "2")
        with pytest.raises(RetryAfter) as error:
            await bot.send_message(an.id, "3")
        assert retry_seconds(error.value) == 1
        group = fake.group("Chi bộ 1")
        fake.add_bot(an, group)
        for text in ("a", "b"):
            await bot.send_message(group.id, text)
        await asyncio.sleep(1.0)
        await bot.send_message(group.id, "c")
        with pytest.raises(RetryAfter) as error:
            await bot.send_message(group.id, "d")
        # The per-group minute is the binding limit now.
        assert retry_seconds(error.value) > 50


async def test_injected_faults(fake: FakeTelegram, bot: Bot) -> None:
    an = fake.user(1001, "An")
    fake.send(an, "/start")
    fake.fail("sendMessage", 502, "Bad Gateway")
    with pytest.raises(NetworkError, match=r"(?i)Bad Gateway"):
        await bot.send_message(an.id, "x")
    fake.fail("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    with pytest.raises(RetryAfter) as error:
        await bot.send_message(an.id, "x")
    assert retry_seconds(error.value) == 7
    fake.hang("sendMessage", 1.5)
    with pytest.raises(TimedOut):
        await bot.send_message(an.id, "late")
    await bot.send_message(an.id, "on time")
    # Like the real thing, a request the bot gave up on may still have been delivered.
    await fake.wait_for(lambda: len(fake.sent(an.id)) == 2)
    assert {m.text for m in fake.sent(an.id)} == {"late", "on time"}


# ---- users acting ----------------------------------------------------------------------------------


async def test_long_polling_offsets_and_allowed_updates(fake: FakeTelegram, bot: Bot) -> None:
    an = fake.user(1001, "An")
    poll = asyncio.create_task(bot.get_updates(timeout=3))
    await asyncio.sleep(0.2)
    first = fake.send(an, "/trogiup")
    updates = await asyncio.wait_for(poll, 2)
    assert [u.update_id for u in updates] == [first]
    assert updates[0].message is not None
    assert updates[0].message.text == "/trogiup"
    assert updates[0].message.entities[0].type == "bot_command"
    assert not fake.consumed(first)
    second = fake.send(an, "hello")
    updates = await bot.get_updates(offset=first + 1, timeout=0)
    assert [u.update_id for u in updates] == [second]
    assert fake.consumed(first)
    group = fake.group("Chi bộ 1")
    joined = fake.add_bot(an, group)
    updates = await bot.get_updates(offset=second + 1, allowed_updates=["my_chat_member"])
    assert [u.update_id for u in updates] == [joined]
    assert updates[0].my_chat_member is not None
    assert updates[0].my_chat_member.new_chat_member.status == "member"


async def test_privacy_mode_only_delivers_commands_in_groups(fake: FakeTelegram) -> None:
    an = fake.user(1001, "An")
    group = fake.group("Chi bộ 1")
    assert fake.send(an, "/diemdanh", group) is None  # the bot is not in the group yet
    fake.add_bot(an, group)
    assert fake.send(an, "chào cả nhà", group) is None
    assert fake.send(an, "/diemdanh@other_bot", group) is None
    assert fake.send(an, "/diemdanh@chibo_test_bot 4821", group) is not None
    assert fake.send(an, "/diemdanh", group) is not None


async def test_button_presses_are_answered_once(fake: FakeTelegram, bot: Bot) -> None:
    an = fake.user(1001, "An")
    group = fake.group("Chi bộ 1")
    fake.add_bot(an, group)
    await bot.send_message(
        group.id, "Điểm danh", reply_markup=Markup([[InlineKeyboardButton("Có", callback_data="ci:7")]])
    )
    message = fake.sent(group.id)[0]
    with pytest.raises(LookupError):
        fake.press(an, message, "ci:8")
    query = fake.press(an, message, message.button("Có"))
    updates = await bot.get_updates()
    pressed = updates[-1].callback_query
    assert pressed is not None
    assert (pressed.id, pressed.data, pressed.from_user.id) == (query, "ci:7", an.id)
    await pressed.answer("Đã điểm danh")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await pressed.answer("again")
    assert fake.answers[query] == [{"text": "Đã điểm danh", "show_alert": False, "at": fake.answers[query][0]["at"]}]


async def test_command_menus_per_scope(fake: FakeTelegram, bot: Bot) -> None:
    an = fake.user(1001, "An")
    fake.send(an, "/start")
    await bot.set_my_commands([BotCommand("lichhop", "cuộc họp sắp tới")])
    await bot.set_my_commands([BotCommand("diemdanh", "điểm danh")], scope=BotCommandScopeAllGroupChats())
    await bot.set_my_commands([BotCommand("datlich", "lên lịch")], scope=BotCommandScopeChat(an.id))
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(an.id))] == ["datlich"]
    assert [c.command for c in await bot.get_my_commands()] == ["lichhop"]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Điểm_danh", "x")])
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.set_my_commands([BotCommand("x", "x")], scope=BotCommandScopeChat(4242))
    await bot.delete_my_commands(scope=BotCommandScopeAllGroupChats())
    assert await bot.get_my_commands(scope=BotCommandScopeAllGroupChats()) == ()
