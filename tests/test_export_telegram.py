"""End to end over the fake Telegram Bot API: the digest's chart as a photo and the exports as documents."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from matplotlib.image import imread

from channels.telegram import TelegramChannel
from core.clock import FakeClock
from handlers.context import AppContext
from models import Platform
from scheduler.digest import WeeklyDigest
from scheduler.dispatch import OutboxDispatcher
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.fixtures import People
from tests.test_digest import build_history
from tests.test_export import check_register, minutes_text


async def test_xuatfile_sends_the_register_and_the_minutes_as_documents(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    await build_history(tg_app)
    since = fake.mark()
    sent = await fake.say(people.an, "/xuatfile", replies=3)
    assert sent[0].text.startswith("Sổ điểm danh năm 2026 và dự thảo biên bản cuộc họp 04/11/2026")
    files = {m.upload.name: m for m in fake.sent(people.an.id, since=since) if m.kind == "document" and m.upload}
    register = files["diem_danh_chi_bo_khu_pho_1_2026.xlsx"]
    minutes = files["bien_ban_chi_bo_khu_pho_1_2026-11-04.docx"]
    assert register.text == "Sổ điểm danh năm 2026 — Chi bộ Khu phố 1"
    assert register.upload is not None
    assert minutes.upload is not None
    check_register(register.upload.data)
    assert "Điểm: 84/100, xếp loại khá" in minutes_text(minutes.upload.data)


async def test_the_digest_chart_arrives_as_a_photo(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel, clock: FakeClock
) -> None:
    await build_history(tg_app)
    since = fake.mark()
    await fake.say(people.giang, "/baocao", replies=2)
    [photo] = [m for m in fake.sent(people.giang.id, since=since) if m.kind == "photo"]
    assert photo.text == "Tỷ lệ dự họp 6 tháng gần đây của 2 chi bộ."
    assert photo.upload is not None
    assert imread(io.BytesIO(photo.upload.data)).shape[:2] == (720, 960)

    await fake.say(fake.user(9002, "Hùng", "Mai Văn"), "/trogiup")  # the other supervisor opened the bot too
    clock.set(datetime(2026, 11, 30, 0, 30, tzinfo=UTC))  # the next Monday, 07:30 in Hanoi
    since = fake.mark()
    assert await WeeklyDigest(tg_app).tick() == 2
    await OutboxDispatcher(tg_app.sessions, clock, {Platform.TELEGRAM: channel.sender}, claim_seconds=60).run_once()
    await fake.wait_for(lambda: [m for m in fake.sent(people.giang.id, since=since) if m.kind == "photo"])
