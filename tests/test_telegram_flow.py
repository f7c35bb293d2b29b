"""A whole month of one cell over Telegram: invite → join → announcement → RSVP → excuse with reason →
open check-in → button and code check-in → opinion → close → the record in the database.

The real python-telegram-bot Application long-polls the fake Bot API server over loopback HTTP;
every step is what a member or secretary would do in the Telegram app.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from channels.telegram import TelegramChannel
from core.clock import FakeClock
from handlers.context import AppContext
from models import Attendance, ChatLink, Meeting, MeetingState, Opinion, Outcome, Person, Rsvp
from services.roster import import_rows
from services.roster_file import parse_rows
from tests.factories import CELL, roster_table
from tests.fake_telegram import BotMessage, FakeChat, FakeTelegram
from tests.fake_telegram.fixtures import People

HAI, LAN = "Ngô Văn Hải", "Lý Thị Lan"


async def import_roster(app: AppContext) -> dict[str, int]:
    """The standard roster plus two members with no chat account yet (they join by invite)."""
    extra = [["", CELL, HAI, "dang_vien", "chinh_thuc", "", ""], ["", CELL, LAN, "dang_vien", "du_bi", "", ""]]
    async with app.sessions() as session:
        await import_rows(session, parse_rows(roster_table(extra)))
        await session.commit()
        return {p.full_name: p.id for p in (await session.scalars(select(Person))).all()}


def codes(message: BotMessage) -> dict[str, str]:
    """Invite codes from the /moi reply: each member's name, and "cell" for the cell's code."""
    found = dict(re.findall(r"^(.+): (\w+) https://t\.me/chibo_test_bot\?start=\2$", message.text, re.MULTILINE))
    cell = re.search(r"Mã chung của chi bộ: (\w+)\nhttps://t\.me/chibo_test_bot\?start=\1", message.text)
    assert cell is not None, message.text
    found["cell"] = cell.group(1)
    return found


def group_texts(fake: FakeTelegram, group: FakeChat) -> str:
    return "\n".join(m.text for m in fake.sent(group.id))


async def test_a_month_of_one_cell(
    tg_app: AppContext, clock: FakeClock, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    ids = await import_roster(tg_app)
    an, cuong, dung = people.an, people.cuong, people.dung
    hai, lan = fake.user(5001, "Hải"), fake.user(5002, "Lan", username="lan_ly")

    # ---- invite and join ----------------------------------------------------------------------
    [invites] = await fake.say(an, "/moi")
    invite = codes(invites)
    assert set(invite) == {HAI, LAN, "cell"}
    [linked] = await fake.say(hai, f"/start {invite[HAI]}")
    assert f"Đã kết nối tài khoản với đồng chí {HAI}" in linked.text
    [reused] = await fake.say(lan, f"/start {invite[HAI]}")
    assert "đã được dùng" in reused.text

    [pick] = await fake.say(lan, f"/start {invite['cell']}")
    assert HAI not in {b["text"] for b in pick.buttons}  # already linked: not offered again
    since = fake.mark()
    toast = await fake.click(lan, pick, pick.button(LAN))
    assert "Đã gửi yêu cầu" in toast["text"]
    [ask_an] = await fake.wait_for(lambda: fake.sent(an.id, since=since))
    assert LAN in ask_an.text
    assert "“Lan”" in ask_an.text  # her Telegram name, so the secretary can tell who asks
    await fake.click(an, ask_an, ask_an.button("Đồng ý"))
    [approved] = await fake.wait_for(
        lambda: [m for m in fake.sent(lan.id, since=since) if "đã xác nhận" in m.text][-1:]
    )
    assert LAN in approved.text

    # ---- the cell's group -----------------------------------------------------------------------
    group = fake.group(CELL)
    fake.add_bot(an, group)
    await fake.wait_for(lambda: fake.sent(group.id))
    [refused] = await fake.say(cuong, "/ketnoi", group)
    assert "Chỉ bí thư hoặc phó bí thư" in refused.text
    [bound] = await fake.say(an, "/ketnoi", group)
    assert f"Đã gắn nhóm này với {CELL}" in bound.text

    # ---- scheduling: the announcement lands in the group with RSVP buttons ------------------------
    since = fake.mark()
    [scheduled] = await fake.say(an, "/datlich 04/12 19:30 Nhà văn hóa <khu phố 1>")
    assert "Đã đặt lịch họp" in scheduled.text
    [announcement] = await fake.wait_for(lambda: fake.sent(group.id, since=since))
    assert "Thứ Sáu, 04/12/2026 lúc 19:30" in announcement.text
    assert "Nhà văn hóa <khu phố 1>" in announcement.text  # escaped in, shown as typed
    assert [b["text"] for b in announcement.buttons] == ["Sẽ dự", "Xin vắng"]

    # ---- RSVP and an excuse with a reason ---------------------------------------------------------
    since = fake.mark()
    toast = await fake.click(cuong, announcement, announcement.button("Sẽ dự"))
    assert "sẽ dự cuộc họp" in toast["text"]
    toast = await fake.click(dung, announcement, announcement.button("Xin vắng"))
    assert "nhắn lý do" in toast["text"]
    # Dung's id was imported but she never opened the bot, so the bot does not try to write to her
    # privately (Telegram would refuse); the toast told her to write to the bot, and her next
    # message is taken as the reason.
    [excused] = await fake.say(dung, "Đi công tác <Đà Nẵng> & họp tổ")
    assert "xin vắng có lý do" in excused.text
    assert fake.sent(group.id, since=since) == []  # presses never post in the group

    # ---- opinions ahead of the meeting ------------------------------------------------------------
    [added] = await fake.say(cuong, "/ykien Đề nghị <b>tăng cường</b> sinh hoạt chuyên đề")
    assert "Đã nhận ý kiến" in added.text
    [mine] = await fake.say(cuong, "/ykien")
    assert "Đề nghị <b>tăng cường</b> sinh hoạt chuyên đề" in mine.text

    # ---- the meeting: open check-in, button and code ----------------------------------------------
    clock.set(datetime(2026, 12, 4, 12, 15, tzinfo=UTC))  # 19:15 in Hanoi
    since = fake.mark()
    [opened] = await fake.say(an, "/modiemdanh")
    code = re.search(r"Mã điểm danh: (\w+)", opened.text)
    assert code is not None, opened.text
    [post] = await fake.wait_for(lambda: fake.sent(group.id, since=since))
    assert "Có mặt 0/7" in post.text  # 8 members, the exempted one not counted

    for member in (cuong, hai):
        toast = await fake.click(member, post, post.button("Có mặt"))
        assert toast["text"] == "Đã điểm danh. Cảm ơn đồng chí!"
    again = await fake.click(cuong, post, post.button("Có mặt"))
    assert again["text"].startswith("Đồng chí đã điểm danh cuộc họp ngày ")
    stranger = await fake.click(people.stranger, post, post.button("Có mặt"))
    assert "chưa kết nối" in stranger["text"]
    other_cell = await fake.click(people.khang, post, post.button("Có mặt"))
    assert other_cell["text"] != "Đã điểm danh. Cảm ơn đồng chí!"
    [wrong] = await fake.say(people.binh, "/diemdanh 0000" if code.group(1) != "0000" else "/diemdanh 1111")
    assert "Mã không đúng" in wrong.text
    [by_code] = await fake.say(lan, f"/diemdanh {code.group(1)}")
    assert "Đã điểm danh" in by_code.text
    await fake.wait_for(lambda: "Có mặt 3/7" in fake.messages[(group.id, post.message_id)].text)
    assert fake.sent(group.id, since=since) == [post]  # one post; everything else was toasts and edits

    # ---- close: the record is settled -------------------------------------------------------------
    [closed] = await fake.say(an, "/dongdiemdanh")
    assert "Đã đóng điểm danh" in closed.text
    await fake.wait_for(lambda: "Đã kết thúc điểm danh" in fake.messages[(group.id, post.message_id)].text)
    assert fake.messages[(group.id, post.message_id)].buttons == []

    async with tg_app.sessions() as session:
        meeting = await session.scalar(select(Meeting))
        assert meeting is not None
        assert meeting.state is MeetingState.CLOSED
        rows = {r.person_id: r for r in (await session.scalars(select(Attendance))).all()}
        link = await session.scalar(select(ChatLink))
        opinions = (await session.scalars(select(Opinion))).all()
    outcome = {name: rows[ids[name]].outcome for name in ids if ids[name] in rows}
    assert outcome["Lê Văn Cường"] is Outcome.PRESENT
    assert outcome[HAI] is Outcome.PRESENT
    assert outcome[LAN] is Outcome.PRESENT
    assert outcome["Phạm Thị Dung"] is Outcome.EXCUSED
    assert rows[ids["Phạm Thị Dung"]].reason == "Đi công tác <Đà Nẵng> & họp tổ"
    assert rows[ids["Phạm Thị Dung"]].rsvp is Rsvp.ABSENT
    assert outcome["Trần Thị Bình"] is Outcome.UNEXCUSED
    assert outcome["Hoàng Văn Em"] is None  # exempted and stayed home: not absent
    assert "Bùi Văn Khang" not in outcome  # another cell
    assert link is not None
    assert link.chat_id == str(group.id)
    assert [o.text for o in opinions] == ["Đề nghị <b>tăng cường</b> sinh hoạt chuyên đề"]

    # The group never saw anyone's reason, and Telegram refused nothing: Bình (deputy) was not asked
    # to approve Lan's claim, nor Dung for her reason, before either had opened the bot.
    assert "Đà Nẵng" not in group_texts(fake, group)
    assert [c for c in fake.calls if not c.ok] == []
