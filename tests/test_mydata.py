"""/dulieucuatoi: a member gets everything the bot holds about her, and nothing about anyone else."""

from __future__ import annotations

import json

from core.messages import Incoming
from handlers.context import AppContext
from handlers.dispatcher import Dispatcher
from models import Platform
from tests.chat import Chat
from tests.dialog import ConsoleDialog
from tests.factories import build_world

SECRETARY, MEMBER, PROBATIONARY = "1001", "1003", "1004"


async def test_telegram_sends_her_whole_record_as_a_file(app: AppContext, chat: Chat) -> None:
    await build_world(app)
    await chat.say(SECRETARY, "/datlich 25/11 19:30 Nhà văn hóa")
    await chat.say(PROBATIONARY, "/vang Mẹ ốm nằm viện")
    await chat.say(PROBATIONARY, "/ykien Đề nghị sửa đường")
    await chat.say(MEMBER, "/vang Đi công tác xa")
    await chat.say(MEMBER, "/ykien Ý kiến của người khác")
    said = await chat.say(PROBATIONARY, "/dulieucuatoi")
    [message] = said.response.messages
    assert message.document is not None
    name, content = message.document
    assert name == "du-lieu-cua-toi.json"
    assert "1 cuộc họp, 1 ý kiến" in str(message.text)
    data = json.loads(content)
    assert data["person"]["full_name"] == "Phạm Thị Dung"
    assert data["accounts"] == [{"platform": "telegram", "id": PROBATIONARY}]
    assert data["memberships"][0]["cell"] == "Chi bộ Khu phố 1"
    assert data["memberships"][0]["status"] == "du_bi"
    assert [a["reason"] for a in data["attendance"]] == ["Mẹ ốm nằm viện"]
    assert data["attendance"][0]["meeting"].startswith("2026-11-25T19:30")
    assert [o["text"] for o in data["opinions"]] == ["Đề nghị sửa đường"]
    text = content.decode("utf-8")
    assert "Đi công tác xa" not in text
    assert "người khác" not in text
    assert "Lê Văn Cường" not in text


async def test_zalo_and_console_get_a_summary_and_strangers_nothing(app: AppContext, dispatcher: Dispatcher) -> None:
    world = await build_world(app)
    response = await dispatcher.handle(
        Incoming(platform=Platform.ZALO, user_id="z-1006", user_name="P", chat_id="z-1006", text="/dulieucuatoi")
    )
    [message] = response.messages
    assert message.document is None
    assert "Đỗ Thị Phương" in message.text
    assert "Zalo không gửi được tệp" in message.text
    console = ConsoleDialog(app, world.people["Lê Văn Cường"])
    assert "Nơi sinh hoạt: 1" in await console.say("/dulieucuatoi")
    stranger = await dispatcher.handle(
        Incoming(platform=Platform.TELEGRAM, user_id="5555", user_name="S", chat_id="5555", text="/dulieucuatoi")
    )
    assert "chưa kết nối" in stranger.messages[0].text
