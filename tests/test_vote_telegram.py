"""A resolution vote end to end over the fake Telegram Bot API: the secretary opens it in the group,
members present press Tán thành / Không tán thành in the group and in their private ballot, a
member changes her mind, the probationary member is refused, the secretary closes it and the group's
post shows the tally (never who voted how); /tongket carries the result.

The real python-telegram-bot Application long-polls the fake server over loopback HTTP.
"""

from __future__ import annotations

from datetime import UTC, datetime

from channels.telegram import TelegramChannel
from core.clock import FakeClock
from handlers.context import AppContext
from models import Platform
from scheduler.dispatch import OutboxDispatcher
from tests.factories import CELL, build_world
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.fixtures import People

MEETING_AT = datetime(2026, 11, 23, 12, 30, tzinfo=UTC)  # 19:30 in Hanoi


async def test_a_vote_over_telegram(
    tg_app: AppContext, clock: FakeClock, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    await build_world(tg_app, meeting_at=MEETING_AT)
    an, binh, cuong, dung = people.an, people.binh, people.cuong, people.dung
    for member in (an, binh, cuong):  # they have opened the bot: it may write to them privately
        await fake.say(member, "/trogiup")
    group = fake.group(CELL)
    fake.add_bot(an, group)
    await fake.wait_for(lambda: fake.sent(group.id))
    [bound] = await fake.say(an, "/ketnoi", group)
    assert "Đã gắn nhóm này" in bound.text

    [early] = await fake.say(an, "/bieuquyet Thông qua nghị quyết", group)
    assert "Chỉ mở biểu quyết được trong cuộc họp" in early.text

    clock.set(MEETING_AT)
    since = fake.mark()
    await fake.say(an, "/modiemdanh")
    [checkin] = await fake.wait_for(lambda: fake.sent(group.id, since=since))
    for member in (an, binh, cuong, dung):
        toast = await fake.click(member, checkin, checkin.button("Có mặt"))
        assert toast["text"] == "Đã điểm danh. Cảm ơn đồng chí!"

    since = fake.mark()
    [refused] = await fake.say(cuong, "/bieuquyet Tự mở biểu quyết")
    assert "không dành cho vai trò" in refused.text
    await fake.say(an, "/bieuquyet Thông qua nghị quyết <tháng 12> của chi bộ", group)
    [post] = await fake.wait_for(lambda: [m for m in fake.sent(group.id, since=since) if "Biểu quyết số 1" in m.text])
    assert "Thông qua nghị quyết <tháng 12> của chi bộ" in post.text
    assert [b["text"] for b in post.buttons] == ["Tán thành", "Không tán thành"]
    [opened] = await fake.wait_for(lambda: [m for m in fake.sent(an.id, since=since) if "Đã mở" in m.text])
    assert "gửi riêng cho 3 đảng viên" in opened.text

    # The private ballots go out through the outbox.
    outbox = OutboxDispatcher(tg_app.sessions, clock, {Platform.TELEGRAM: channel.sender}, claim_seconds=60)
    await outbox.run_once()
    [ballot] = await fake.wait_for(lambda: [m for m in fake.sent(cuong.id, since=since) if "Biểu quyết số 1" in m.text])
    assert fake.sent(dung.id, since=since) == []  # probationary: no ballot

    toast = await fake.click(an, post, post.button("Tán thành"))
    assert toast["text"] == "Đã ghi phiếu biểu quyết số 1: Tán thành."
    toast = await fake.click(binh, post, post.button("Tán thành"))
    assert toast["text"] == "Đã ghi phiếu biểu quyết số 1: Tán thành."
    toast = await fake.click(cuong, ballot, ballot.button("Tán thành"))
    toast = await fake.click(cuong, ballot, ballot.button("Không tán thành"))
    assert toast["text"] == "Đã đổi phiếu biểu quyết số 1 thành: Không tán thành (trước đó: Tán thành)."
    toast = await fake.click(dung, post, post.button("Tán thành"))
    assert "dự bị không biểu quyết" in toast["text"]
    toast = await fake.click(people.stranger, post, post.button("Tán thành"))
    assert "chưa kết nối" in toast["text"]

    [closed] = await fake.say(an, "/ketthucbieuquyet")
    assert "Tán thành: 2 · Không tán thành: 1 · Không biểu quyết: 0" in closed.text
    assert "2/3 = 66,7% tán thành → THÔNG QUA" in closed.text
    await fake.wait_for(lambda: "Đã kết thúc biểu quyết" in fake.messages[(group.id, post.message_id)].text)
    assert "2/3 = 66,7% tán thành → THÔNG QUA" in fake.messages[(group.id, post.message_id)].text
    assert fake.messages[(group.id, post.message_id)].buttons == []
    # The private ballot keeps its buttons; a press after closing changes nothing.
    toast = await fake.click(cuong, ballot, ballot.button("Tán thành"))
    assert "đã kết thúc" in toast["text"]

    [checkin_closed] = await fake.say(an, "/dongdiemdanh")
    assert "Đã đóng điểm danh" in checkin_closed.text
    summary = await fake.say(an, "/tongket")
    assert any("Biểu quyết số 1" in m.text and "THÔNG QUA" in m.text for m in summary)

    # Nobody's choice was ever shown: the group and the voters' chats never name a voter next to an
    # answer (the secretary's summary lists who was present, as it always did, and only the tally).
    texts = [m.text for chat in (group.id, binh.id, cuong.id) for m in fake.sent(chat)]
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"):
        assert not any(name in text and "Tán thành" in text for text in texts)
    assert [c for c in fake.calls if not c.ok] == []
