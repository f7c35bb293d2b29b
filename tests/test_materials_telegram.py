"""Materials end to end over the fake Telegram Bot API: the committee's admin sends the month's
material, it reaches the cell's group and members through the outbox, members press "Đã đọc" (twice
counts once), the secretary's day-before tally names who has not read it, and /tongket states the
read rate.

The real python-telegram-bot Application long-polls the fake server over loopback HTTP.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from channels.telegram import TelegramChannel
from core.clock import FakeClock
from handlers.context import AppContext
from handlers.reminders import renderer
from models import Committee, CommitteeRole, NodeRole, Platform
from scheduler.dispatch import OutboxDispatcher
from services.reminders.steps import write_due_steps
from tests.factories import CELL, COMMITTEE, build_world
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.fixtures import People

MEETING_AT = datetime(2026, 11, 24, 12, 30, tzinfo=UTC)  # 19:30 in Hanoi


async def test_materials_read_tally_and_summary_over_telegram(
    tg_app: AppContext, clock: FakeClock, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    world = await build_world(tg_app, meeting_at=MEETING_AT)
    assert world.meeting_id is not None
    an, binh, cuong, giang = people.an, people.binh, people.cuong, people.giang
    async with tg_app.sessions() as session:  # Giang administers the ward
        committee = await session.scalar(select(Committee.id).where(Committee.name == COMMITTEE))
        assert committee is not None
        session.add(CommitteeRole(committee_id=committee, person_id=world.people["Võ Thị Giang"], role=NodeRole.ADMIN))
        await session.commit()
    for member in (an, binh, cuong):
        await fake.say(member, "/trogiup")
    group = fake.group(CELL)
    fake.add_bot(an, group)
    await fake.wait_for(lambda: fake.sent(group.id))
    await fake.say(an, "/ketnoi", group)

    [refused] = await fake.say(an, "/tailieu 11/2026 | Chuyên đề | đọc kỹ")
    assert "không dành cho vai trò" in refused.text
    since = fake.mark()
    [sent] = await fake.say(giang, "/tailieu 11/2026 | Chuyên đề <tháng 11> | https://example.vn/chuyen-de")
    assert "tới 2 chi bộ: 1 nhóm và 3 đảng viên nhận riêng" in sent.text

    outbox = OutboxDispatcher(tg_app.sessions, clock, {Platform.TELEGRAM: channel.sender}, claim_seconds=60)
    await outbox.run_once()
    [post] = await fake.wait_for(lambda: [m for m in fake.sent(group.id, since=since) if "Tài liệu" in m.text])
    assert "Chuyên đề <tháng 11>" in post.text
    assert [b["text"] for b in post.buttons] == ["Đã đọc"]
    [private] = await fake.wait_for(lambda: [m for m in fake.sent(cuong.id, since=since) if "Tài liệu" in m.text])

    toast = await fake.click(an, post, post.button("Đã đọc"))
    assert toast["text"].startswith("Đã ghi nhận")
    toast = await fake.click(cuong, private, private.button("Đã đọc"))
    toast = await fake.click(cuong, private, private.button("Đã đọc"))
    assert "trước đó" in toast["text"]
    toast = await fake.click(giang, post, post.button("Đã đọc"))  # the admin is no member of a cell
    assert "không dành cho vai trò" in toast["text"]

    # The day before, 19:30: the secretary's tally names who has not read it.
    clock.set(MEETING_AT - timedelta(days=1) + timedelta(minutes=1))
    since = fake.mark()
    async with tg_app.sessions() as session:
        await write_due_steps(session, world.meeting_id, tg_app.config, clock.now(), renderer(tg_app))
        await session.commit()
    await outbox.run_once()
    [tally] = await fake.wait_for(lambda: [m for m in fake.sent(an.id, since=since) if m.text.startswith("📋")])
    assert (
        "Chưa đọc tài liệu sinh hoạt tháng này: Đỗ Thị Phương, Hoàng Văn Em, Phạm Thị Dung, Trần Thị Bình" in tally.text
    )

    clock.set(MEETING_AT)
    since = fake.mark()
    await fake.say(an, "/modiemdanh")
    [checkin] = await fake.wait_for(lambda: fake.sent(group.id, since=since))
    for member in (an, binh, cuong):
        await fake.click(member, checkin, checkin.button("Có mặt"))
    await fake.say(an, "/dongdiemdanh")
    summary = await fake.say(an, "/tongket")
    assert any("Tài liệu sinh hoạt tháng: 2/6 lượt đã đọc (33,3%)" in m.text for m in summary)
    assert [c for c in fake.calls if not c.ok] == []
