"""A meeting of a cell whose members are on Zalo and Telegram, end to end over real HTTP.

The Zalo side is the real runtime (client, polling, sender, limiter) against the fake Zalo Bot
Platform on loopback; reminders go out through the real outbox dispatcher. The secretary works on
Telegram, through the same dispatcher (the Telegram channel has its own end-to-end tests).
Join by code → reminder → "1" → check-in by the code shown in the room → opinion → /tongket,
where each person counts once whichever platforms they use.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from channels.zalo.runner import ZaloRuntime
from core.clock import FakeClock
from core.config import Config
from handlers.context import AppContext
from handlers.delivery import Sender
from handlers.dispatcher import Dispatcher
from handlers.reminders import renderer
from models import Account, Attendance, Meeting, Opinion, Outcome, Person, Platform, Rsvp
from scheduler import jobs
from scheduler.digest import write_weekly_digest
from scheduler.dispatch import OutboxDispatcher
from services.roster import import_rows
from services.roster_file import parse_rows
from tests.chat import Chat
from tests.factories import CELL, roster_table
from tests.fake_zalo import FakeZalo, serving
from tests.fake_zalo.server import PNG_MAGIC
from tests.test_reminders import AN, CUONG, PHUONG, RecordingSender
from tests.test_zalo_channel import PUBLIC, free_port

HAI = "Ngô Văn Hải"
HAI_ZALO, CUONG_ZALO = "7b2f0c1d9e8a6b5c4d3e", "1a2b3c4d5e6f7a8b9c0d"
# A supervisor from the committee who follows the cell and uses Zalo only.
SI, SI_ZALO = "Trương Văn Sĩ", "5e5e5e5e5e5e5e5e5e5e"


@pytest.fixture
async def fake() -> AsyncIterator[FakeZalo]:
    async with serving() as server:
        yield server


@pytest.fixture(params=["no public address", "public address"])
def public(request: pytest.FixtureRequest) -> bool:
    return bool(request.param == "public address")


@pytest.fixture
def config(db_url: str, fake: FakeZalo, public: bool) -> Config:
    zalo: dict[str, object] = {"token": fake.token, "base_url": fake.base_url, "rate_per_second": 50}
    if public:
        port = free_port()
        fake.public[PUBLIC] = f"http://127.0.0.1:{port}"
        server = {"public_url": PUBLIC, "listen": f"127.0.0.1:{port}"}
        return Config.model_validate({"database": {"url": db_url}, "zalo": zalo, "server": server})
    return Config.model_validate({"database": {"url": db_url}, "zalo": zalo})


@pytest.fixture
async def zalo(app: AppContext, dispatcher: Dispatcher) -> AsyncIterator[ZaloRuntime]:
    senders: dict[Platform, Sender] = {}
    async with ZaloRuntime(app, dispatcher, senders, poll_seconds=5).running() as runtime:
        yield runtime


def reply(fake: FakeZalo, chat: str) -> str:
    texts = fake.take(chat)
    assert texts, f"the bot said nothing to {chat}"
    return "\n".join(texts)


async def test_zalo_and_telegram_members_in_one_meeting(
    app: AppContext, clock: FakeClock, dispatcher: Dispatcher, fake: FakeZalo, zalo: ZaloRuntime, public: bool
) -> None:
    async with app.sessions() as session:
        extra = [["", CELL, HAI, "dang_vien", "chinh_thuc", "", ""], ["", CELL, SI, "theo_doi", "", "", SI_ZALO]]
        await import_rows(session, parse_rows(roster_table(extra)))
        await session.commit()
        people_before = await session.scalar(select(func.count()).select_from(Person))
    secretary = Chat(dispatcher)
    telegram = RecordingSender(clock, Platform.TELEGRAM)
    zalo.senders[Platform.TELEGRAM] = telegram
    outbox = OutboxDispatcher(app.sessions, clock, zalo.senders, claim_seconds=60)
    ticker = jobs.Ticker(app, outbox, renderer(app))
    assert app.bot_names[Platform.ZALO] == "bot.ChiBoFake"

    # ---- joining by the personal code, typed on Zalo ------------------------------------------
    hai, cuong, phuong = fake.user(HAI_ZALO, "Hải"), fake.user(CUONG_ZALO, "Cường Lê"), fake.user(PHUONG, "Phương")
    # Phương's Zalo id came with the roster; once she has written to the bot it may write to her.
    await fake.say(phuong, "tro giup")
    assert "/lichhop" in reply(fake, phuong)
    await fake.say(hai, "lich hop")
    assert "chưa kết nối" in reply(fake, hai)
    code = re.search(r"<code>(\w+)</code>", (await secretary.say(AN, f"/moi {HAI}")).response.messages[0].text)
    assert code is not None
    await fake.say(hai, code.group(1))
    assert f"Đã kết nối tài khoản với đồng chí {HAI}" in reply(fake, hai)
    # Cường already uses Telegram; his personal code on Zalo adds an account to the same person.
    cuong_code = re.search(
        r"<code>(\w+)</code>", (await secretary.say(AN, "/moi Lê Văn Cường")).response.messages[0].text
    )
    assert cuong_code is not None
    await fake.say(cuong, f"/batdau {cuong_code.group(1)}")
    assert "Lê Văn Cường" in reply(fake, cuong)
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == people_before
        cuong_accounts = (
            await session.scalars(
                select(Account.platform)
                .join(Person)
                .where(Person.full_name == "Lê Văn Cường")
                .order_by(Account.platform)
            )
        ).all()
        assert cuong_accounts == [Platform.TELEGRAM, Platform.ZALO]

    # ---- the reminder reaches Zalo members privately, with numbered choices ---------------------
    await secretary.say(CUONG, "/trogiup")  # Cường has written on Telegram too: reminded there, first
    scheduled = await secretary.say(AN, "/datlich 04/12 19:30 Nhà văn hóa <khu phố 1>")
    assert "Đã đặt lịch họp" in scheduled.text
    clock.set(datetime(2026, 12, 1, 13, 0, tzinfo=UTC))  # three days before
    await ticker.tick()
    for member in (hai, phuong):
        announce = reply(fake, member)
        assert "Thứ Sáu, 04/12/2026 lúc 19:30" in announce
        assert "Nhà văn hóa <khu phố 1>" in announce  # escaped in the catalog, shown as typed
        assert "1. Sẽ dự\n2. Xin vắng" in announce
    assert fake.take(cuong) == []  # Cường gets his on Telegram, once
    assert [s.chat for s in telegram.sent].count(CUONG) == 1

    await fake.say(hai, "1")
    assert "sẽ dự cuộc họp" in reply(fake, hai)
    await fake.say(phuong, "2 mẹ ốm phải chăm")  # "mẹ" is not the /me command here
    assert "xin vắng có lý do" in reply(fake, phuong)

    # ---- the meeting: check-in by the code read out in the room --------------------------------
    clock.set(datetime(2026, 12, 4, 12, 15, tzinfo=UTC))
    opened = await secretary.say(AN, "/modiemdanh ma")
    room_code = re.search(r"Mã: (\w+)", opened.text)
    assert room_code is not None
    await fake.say(hai, "diem danh 0000")
    assert "không đúng" in reply(fake, hai)
    await fake.say(hai, f"điểm danh {room_code.group(1)}")
    assert "Đã điểm danh" in reply(fake, hai)
    await secretary.say(CUONG, f"/diemdanh {room_code.group(1)}")  # Cường checks in on Telegram

    # ---- an opinion typed without the slash --------------------------------------------------
    await fake.say(hai, "y kien Đề nghị <b>tăng cường</b> sinh hoạt chuyên đề")
    assert "Đã nhận ý kiến" in reply(fake, hai)

    # ---- close and sum up: each person once ----------------------------------------------------
    clock.set(datetime(2026, 12, 4, 14, 30, tzinfo=UTC))
    await secretary.say(AN, "/dongdiemdanh")
    summary = (await secretary.say(AN, "/tongket")).text
    lines = summary.splitlines()
    # Cường (Telegram and Zalo) and Hải (Zalo only) are present, each named once.
    assert lines[lines.index("Có mặt (2):") + 1] == f"Lê Văn Cường, {HAI}"
    assert "Dự họp: 2/6 đồng chí" in summary
    assert "Đỗ Thị Phương: mẹ ốm phải chăm" in summary
    assert "Đề nghị <b>tăng cường</b> sinh hoạt chuyên đề" in summary
    async with app.sessions() as session:
        meeting = await session.scalar(select(Meeting))
        assert meeting is not None
        rows = (
            await session.execute(select(Person.full_name, Attendance.outcome, Attendance.rsvp).join(Attendance.person))
        ).all()
        outcomes = {name: (outcome, rsvp) for name, outcome, rsvp in rows}
        assert len(rows) == len(outcomes)  # one row per person
        assert outcomes[HAI] == (Outcome.PRESENT, Rsvp.ATTEND)
        assert outcomes["Lê Văn Cường"][0] is Outcome.PRESENT
        assert outcomes["Đỗ Thị Phương"] == (Outcome.EXCUSED, Rsvp.ABSENT)
        assert await session.scalar(select(func.count()).select_from(Opinion)) == 1
    assert all(len(s.text) <= 2000 for s in fake.sent)

    # ---- the supervisor's weekly digest on Zalo: the chart only with a public address ------------
    fake.user(SI_ZALO, "Sĩ")
    await fake.say(SI_ZALO, "/trogiup")  # Sĩ has written to the bot: it may write to him
    assert await write_weekly_digest(app, clock.now()) == 1
    await outbox.run_once()
    digest = [s for s in fake.sent if s.chat_id == SI_ZALO]
    assert "Chi bộ Khu phố 1" in "\n".join(s.text for s in digest)
    chart = [s for s in digest if s.photo]
    if public:
        [photo] = chart
        assert photo.photo.startswith(PUBLIC + "/zalo/chart/")
        assert photo.photo_bytes.startswith(PNG_MAGIC)  # fetched from our server by the platform
        assert "Tỷ lệ dự họp 6 tháng gần đây" in photo.text
    else:
        assert chart == []
        assert "Tỷ lệ dự họp 6 tháng gần đây" in digest[-1].text  # the caption, as text alone
