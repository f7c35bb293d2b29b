"""Telegram and Zalo side by side in one bot, over real HTTP against both fake servers.

A handler may address a person on another platform than the one the action came in on (a join
request goes to every leader's accounts, the answer to the newcomer's); each message must leave
through its own platform's sender, whichever channel received the action.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot import open_app
from channels.telegram import TelegramChannel
from channels.zalo.runner import ZaloRuntime
from core.clock import FakeClock
from core.config import Config
from handlers.context import AppContext
from handlers.delivery import Sender
from handlers.dispatcher import Dispatcher
from handlers.registry import ROUTER
from models import Platform
from services.roster import import_rows
from services.roster_file import parse_rows
from tests.factories import COMMITTEE
from tests.fake_telegram.fixtures import roomy_limiter
from tests.fake_telegram.server import DEFAULT_TOKEN, FakeTelegram
from tests.fake_zalo import FakeZalo, serving
from tests.polling import until

ZALO_CELL, TELEGRAM_CELL = "Chi bộ Khu phố Zalo", "Chi bộ Khu phố Telegram"
AN_ZALO, HOA_ZALO = "a1a1a1a1a1a1a1a1a1a1", "b2b2b2b2b2b2b2b2b2b2"
KHANG_TG, MAI_TG = 2001, 3003
ROSTER = [
    ["dang_bo", "chi_bo", "ho_ten", "vai_tro", "trang_thai", "telegram_id", "zalo_id"],
    [COMMITTEE, ZALO_CELL, "Nguyễn Văn An", "bi_thu", "chinh_thuc", "", AN_ZALO],
    [COMMITTEE, ZALO_CELL, "Lý Thị Mai", "dang_vien", "chinh_thuc", "", ""],
    [COMMITTEE, TELEGRAM_CELL, "Bùi Văn Khang", "bi_thu", "chinh_thuc", str(KHANG_TG), ""],
    [COMMITTEE, TELEGRAM_CELL, "Đinh Thị Hoa", "dang_vien", "chinh_thuc", "", ""],
]


@dataclass
class Bot:
    app: AppContext
    telegram: FakeTelegram
    zalo: FakeZalo


@pytest.fixture
async def zalo_fake() -> AsyncIterator[FakeZalo]:
    async with serving() as server:
        yield server


@pytest.fixture
async def both(db_url: str, clock: FakeClock, fake: FakeTelegram, zalo_fake: FakeZalo) -> AsyncIterator[Bot]:
    """One app, one dispatcher, both channels running and sharing their senders, as `bot.py run` does."""
    config = Config.model_validate(
        {
            "database": {"url": db_url},
            "telegram": {"token": DEFAULT_TOKEN, "base_url": fake.base_url},
            "zalo": {"token": zalo_fake.token, "base_url": zalo_fake.base_url, "rate_per_second": 50},
        }
    )
    async with open_app(config, clock) as app:
        async with app.sessions() as session:
            await import_rows(session, parse_rows(ROSTER))
            await session.commit()
        dispatcher = Dispatcher(app, ROUTER)
        senders: dict[Platform, Sender] = {}
        telegram = TelegramChannel(app, dispatcher, edit_interval=0.3, limiter=roomy_limiter(), senders=senders)
        async with (
            telegram.running(),
            ZaloRuntime(app, dispatcher, senders, poll_seconds=5).running(),
        ):
            assert set(senders) == {Platform.TELEGRAM, Platform.ZALO}
            yield Bot(app, fake, zalo_fake)


def cell_code(text: str) -> str:
    """The cell's shared code at the end of /moi's answer."""
    codes = re.findall(r"\b[A-Z0-9]{6,}\b", text)
    assert codes, text
    return codes[-1]


async def test_a_telegram_newcomer_reaches_a_zalo_secretary_and_gets_the_answer(both: Bot) -> None:
    tg, zalo = both.telegram, both.zalo
    an = zalo.user(AN_ZALO, "An")
    await zalo.say(an, "/moi")
    code = cell_code(zalo.take(an)[-1])
    mai = tg.user(MAI_TG, "Mai", "Lý Thị")
    [names] = await tg.say(mai, f"/start {code}")
    await tg.click(mai, names, names.button("Lý Thị Mai"))
    # The request reaches the Zalo secretary with the commands that decide it: never a bare number.
    asked = "\n".join(await until(lambda: zalo.take(an)))
    assert "Lý Thị Mai" in asked
    assert "Đồng ý: gõ /duyet 1" in asked
    since = tg.mark()
    await zalo.say(an, "duyet 1")
    [approved] = await tg.wait_for(lambda: tg.sent(MAI_TG, since=since))
    assert "Lý Thị Mai" in approved.text
    assert tg.rejected() == []


async def test_a_zalo_newcomer_reaches_a_telegram_secretary_and_gets_the_answer(both: Bot) -> None:
    tg, zalo = both.telegram, both.zalo
    khang = tg.user(KHANG_TG, "Khang", "Bùi Văn")
    [invites] = await tg.say(khang, "/moi")
    code = cell_code(invites.text)
    hoa = zalo.user(HOA_ZALO, "Hoa")
    await zalo.say(hoa, code)
    names = "\n".join(zalo.take(hoa))
    number = re.search(r"(\d+)\. Đinh Thị Hoa", names)
    assert number is not None, names
    since = tg.mark()
    await zalo.say(hoa, number.group(1))
    [ask] = await tg.wait_for(lambda: tg.sent(KHANG_TG, since=since))
    assert "Đinh Thị Hoa" in ask.text
    await tg.click(khang, ask, ask.button("Đồng ý"))
    approved = await until(lambda: [t for t in zalo.texts(hoa) if "đã xác nhận" in t])
    assert "Đinh Thị Hoa" in approved[0]
    assert tg.rejected() == []
