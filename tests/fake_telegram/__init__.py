"""A fake Telegram Bot API server on loopback: the real python-telegram-bot stack talks to it over HTTP."""

from tests.fake_telegram.flood import Limits
from tests.fake_telegram.html import HtmlError, parse_html, utf16_len
from tests.fake_telegram.server import DEFAULT_TOKEN, ApiError, FakeTelegram
from tests.fake_telegram.world import BotMessage, Call, FakeChat, FakeUser, Upload

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "BotMessage",
    "Call",
    "FakeChat",
    "FakeTelegram",
    "FakeUser",
    "HtmlError",
    "Limits",
    "Upload",
    "parse_html",
    "utf16_len",
]
