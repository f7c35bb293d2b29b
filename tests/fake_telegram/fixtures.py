"""pytest fixtures: a fake Telegram server and the real Telegram channel pointed at it (loaded by conftest)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot import open_app
from channels.ratelimit import RateLimiter, Window
from channels.telegram import TelegramChannel
from core.clock import FakeClock
from core.config import Config
from handlers.context import AppContext
from tests.fake_telegram.flood import Limits
from tests.fake_telegram.server import DEFAULT_TOKEN, FakeTelegram
from tests.fake_telegram.world import FakeUser

ADMIN_ID = 4242
# Short enough for quick tests, long enough to see coalescing; the 3-second default has its own test.
TEST_EDIT_INTERVAL = 0.3


# Conversation tests exchange many messages with one person in a few seconds; they run with roomier
# limits on both sides (still through the limiter and the flood control). Telegram's own numbers
# are tested with the defaults in test_telegram_limits.py.
ROOMY = Limits(chat=(40, 1.0), group_per_minute=200, global_per_second=60)


def roomy_limiter() -> RateLimiter:
    return RateLimiter(overall=Window(50, 1.0), per_chat=Window(30, 1.0), per_group=Window(150, 60.0))


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(limits=ROOMY) as server:
        yield server


def telegram_config(db_url: str, fake: FakeTelegram, **telegram: object) -> Config:
    settings = {"token": DEFAULT_TOKEN, "base_url": fake.base_url, "admin_ids": [ADMIN_ID], **telegram}
    return Config.model_validate({"database": {"url": db_url}, "telegram": settings})


@pytest.fixture
async def tg_app(db_url: str, clock: FakeClock, fake: FakeTelegram) -> AsyncIterator[AppContext]:
    async with open_app(telegram_config(db_url, fake), clock) as context:
        yield context


@pytest.fixture
async def channel(tg_app: AppContext) -> AsyncIterator[TelegramChannel]:
    """The real python-telegram-bot Application, long polling the fake server."""
    telegram = TelegramChannel(tg_app, edit_interval=TEST_EDIT_INTERVAL, limiter=roomy_limiter())
    async with telegram.running():
        yield telegram


@dataclass
class People:
    """The Telegram users of tests/factories.py's roster (same ids as its telegram_id column)."""

    an: FakeUser  # bí thư, cell 1
    binh: FakeUser  # phó bí thư, cell 1
    cuong: FakeUser  # member
    dung: FakeUser  # probationary member
    em: FakeUser  # exempted member
    khang: FakeUser  # bí thư of cell 2
    giang: FakeUser  # supervisor of cell 1
    stranger: FakeUser
    admin: FakeUser


@pytest.fixture
def people(fake: FakeTelegram) -> People:
    return People(
        an=fake.user(1001, "An", "Nguyễn Văn"),
        binh=fake.user(1002, "Bình", "Trần Thị"),
        cuong=fake.user(1003, "Cường", "Lê Văn"),
        dung=fake.user(1004, "Dung", "Phạm Thị"),
        em=fake.user(1005, "Em", "Hoàng Văn"),
        khang=fake.user(2001, "Khang", "Bùi Văn"),
        giang=fake.user(9001, "Giang", "Võ Thị"),
        stranger=fake.user(7878, "Lạ", username="nguoi_la"),
        admin=fake.user(ADMIN_ID, "Quản trị"),
    )
