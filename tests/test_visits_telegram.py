"""A supervisor's visit end to end over the fake Telegram Bot API: /trogiup lists her commands, she
registers from the /lichtheodoi button (the secretary and the group are told), presses the group's
"Có mặt" at the meeting (recorded as a supervisor, not counted), comments, and /tongket shows it.

The real python-telegram-bot Application long-polls the fake server over loopback HTTP.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.clock import FakeClock
from handlers.context import AppContext
from tests.factories import CELL, build_world
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.fixtures import People

MEETING_AT = datetime(2026, 11, 23, 12, 30, tzinfo=UTC)  # 19:30 in Hanoi


@pytest.mark.usefixtures("channel")
async def test_a_supervisors_visit_over_telegram(
    tg_app: AppContext, clock: FakeClock, fake: FakeTelegram, people: People
) -> None:
    await build_world(tg_app, meeting_at=MEETING_AT)
    an, cuong, giang = people.an, people.cuong, people.giang
    for user in (an, cuong):  # they have opened the bot: it may write to them privately
        await fake.say(user, "/trogiup")
    [help_text] = await fake.say(giang, "/trogiup")
    assert "/lichtheodoi" in help_text.text
    assert "/nhanxet" in help_text.text
    group = fake.group(CELL)
    fake.add_bot(an, group)
    await fake.wait_for(lambda: fake.sent(group.id))
    [bound] = await fake.say(an, "/ketnoi", group)
    assert "Đã gắn nhóm này" in bound.text

    [listed] = await fake.say(giang, "/lichtheodoi")
    assert f"1. {CELL}: Thứ Hai, 23/11/2026 lúc 19:30, tại Nhà văn hóa" in listed.text
    since = fake.mark()
    toast = await fake.click(giang, listed, listed.button("Đăng ký dự"))
    assert toast["text"] == "Đã đăng ký dự họp."
    told = "Đồng chí Võ Thị Giang (cấp ủy viên theo dõi) sẽ dự họp"
    [to_an] = await fake.wait_for(lambda: [m for m in fake.sent(an.id, since=since) if told in m.text])
    [to_group] = await fake.wait_for(lambda: [m for m in fake.sent(group.id, since=since) if told in m.text])
    assert "19:30" in to_an.text
    assert "Nhà văn hóa" in to_group.text
    again = await fake.click(giang, listed, listed.button("Đăng ký dự"))
    assert "đã đăng ký dự cuộc họp này rồi" in again["text"]

    clock.set(MEETING_AT)
    since = fake.mark()
    await fake.say(an, "/modiemdanh")
    [checkin] = await fake.wait_for(lambda: fake.sent(group.id, since=since))
    toast = await fake.click(cuong, checkin, checkin.button("Có mặt"))
    assert toast["text"] == "Đã điểm danh. Cảm ơn đồng chí!"
    toast = await fake.click(giang, checkin, checkin.button("Có mặt"))
    assert "với tư cách cấp ủy viên theo dõi" in toast["text"]
    [noted] = await fake.say(giang, "/nhanxet Chi bộ sinh hoạt nền nếp, cần bàn kỹ hơn công tác phát triển đảng")
    assert "Đã ghi nhận xét" in noted.text

    await fake.say(an, "/dongdiemdanh")
    since = fake.mark()
    await fake.say(an, "/tongket")
    summary = await fake.wait_for(lambda: [m for m in fake.sent(an.id, since=since) if "theo dõi dự họp" in m.text])
    text = "\n".join(m.text for m in summary)
    assert "Dự họp: 1/" in text
    assert "Cấp ủy viên theo dõi dự họp (1):\nVõ Thị Giang" in text
    assert "Nhận xét của đồng chí Võ Thị Giang (cấp ủy viên theo dõi): Chi bộ sinh hoạt nền nếp" in text
    assert not fake.rejected()
