"""Calls Telegram would refuse with 400 are never made (end to end over the fake Bot API server, which
answers like Telegram and lists what it refused): private messages to accounts that never wrote to
the bot, and a second announcement of one meeting in a group. (Menus: test_telegram_channel.py;
unchanged edits: test_summary_telegram.py.)"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from channels.telegram import TelegramChannel
from core.clock import FakeClock
from handlers.context import AppContext
from handlers.reminders import renderer
from models import Platform
from scheduler.dispatch import OutboxDispatcher
from scheduler.jobs import Ticker
from tests.factories import build_world
from tests.fake_telegram import FakeChat, FakeTelegram
from tests.fake_telegram.fixtures import People
from tests.polling import until


def ticker(app: AppContext, clock: FakeClock, channel: TelegramChannel) -> Ticker:
    dispatcher = OutboxDispatcher(app.sessions, clock, {Platform.TELEGRAM: channel.sender}, claim_seconds=60)
    return Ticker(app, dispatcher, renderer(app))


async def linked_group(fake: FakeTelegram, people: People) -> FakeChat:
    group = fake.group("Chi bộ Khu phố 1")
    fake.add_bot(people.an, group)
    fake.send(people.an, "/ketnoi", group)
    await fake.wait_for(lambda: any("Đã gắn nhóm" in m.text for m in fake.sent(group.id)))
    return group


def announcements(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [m.text for m in fake.sent(chat_id) if "Thông báo sinh hoạt chi bộ" in m.text]


async def test_a_meeting_scheduled_inside_its_first_offset_is_announced_once_in_the_group(
    tg_app: AppContext, clock: FakeClock, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    await build_world(tg_app)
    group = await linked_group(fake, people)
    await fake.say(people.cuong, "/start")
    # Monday 09:00: the meeting is two days ahead, inside the 3-day announcement offset.
    await fake.say(people.an, "/datlich 25/11 19:30 Nhà văn hóa", replies=1)
    await fake.wait_for(lambda: announcements(fake, group.id))
    clock.advance(timedelta(seconds=5))
    await ticker(tg_app, clock, channel).tick()
    # The members still get theirs privately (Cường has written to the bot), the group only one.
    await fake.wait_for(lambda: announcements(fake, people.cuong.id))
    clock.advance(timedelta(days=1, hours=10))  # the day before: the tally and nudges, not announcements
    await ticker(tg_app, clock, channel).tick()
    assert len(announcements(fake, group.id)) == 1
    assert fake.rejected() == []


async def test_accounts_that_never_wrote_are_named_not_written_to(
    tg_app: AppContext, clock: FakeClock, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    """Imported Telegram ids that never pressed Start: the bot sends them nothing (Telegram would
    answer "chat not found"), and the secretary's tally and /moi name them "chưa kết nối"."""
    await build_world(tg_app, meeting_at=clock.now() + timedelta(days=2))
    await fake.say(people.an, "/start")
    await fake.say(people.cuong, "/start")
    jobs = ticker(tg_app, clock, channel)
    await jobs.tick()  # the announcement
    clock.advance(timedelta(days=1))  # the day before: nudges and the tally
    since = fake.mark()
    await jobs.tick()
    tally = await fake.wait_for(lambda: [m for m in fake.sent(people.an.id, since=since) if "📋" in m.text])
    line = next(row for row in tally[0].text.splitlines() if row.startswith("Chưa kết nối với bot"))
    for name in ("Trần Thị Bình", "Phạm Thị Dung", "Đỗ Thị Phương"):
        assert name in line
    assert "Lê Văn Cường" not in line
    [invites] = await fake.say(people.an, "/moi")
    assert "Chưa kết nối" in invites.text
    assert "Trần Thị Bình" in invites.text.split("Chưa kết nối")[-1]
    # Nothing at all went to Bình or Dung, who never opened the bot.
    assert [c for c in fake.calls if str(c.params.get("chat_id")) in ("1002", "1004")] == []
    assert fake.rejected() == []


async def test_whether_a_presser_can_be_written_to_is_decided_when_the_press_is_handled(
    tg_app: AppContext,
    fake: FakeTelegram,
    people: People,
    channel: TelegramChannel,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Dung never opened the bot. She presses "Xin vắng" in the group; the toast asks her to write
    the reason to the bot, and she does before the toast has even arrived (Telegram was slow). Her
    reason is taken, and no "send your reason" request follows it into her chat: the bot decided not
    to write to her when it handled the press, not after the toast went out."""
    caplog.set_level(logging.INFO, logger="handlers.delivery")
    await build_world(tg_app)
    group = await linked_group(fake, people)
    since = fake.mark()
    await fake.say(people.an, "/datlich 25/11 19:30 Nhà văn hóa")
    [announcement] = await fake.wait_for(
        lambda: [m for m in fake.sent(group.id, since=since) if "Thông báo sinh hoạt chi bộ" in m.text]
    )
    fake.hang("answerCallbackQuery", 2.0)
    caplog.clear()  # only this press's decision counts below
    fake.press(people.dung, announcement, announcement.button("Xin vắng"))
    await fake.wait_for(lambda: "answercallbackquery" in fake.hung)  # the question is asked by now
    [excused] = await fake.say(people.dung, "Đi công tác")
    assert "xin vắng có lý do" in excused.text

    # The press's own private message, once its toast is answered: sent, or left unsent.
    def settled() -> bool:
        unsent = any("has not written to the bot yet" in r.getMessage() for r in caplog.records)
        return unsent or len(fake.sent(people.dung.id)) > 1

    await until(settled, within=10, what="the press was not settled")
    assert [m.text for m in fake.sent(people.dung.id)] == [excused.text]
    assert fake.rejected() == []
