"""End to end over the fake Telegram Bot API: /tongket to the committee's group (re-run edits, long
summaries split, every warning), /chamdiem, /baocao and the weekly digest job.

The real python-telegram-bot Application long-polls the fake server over loopback HTTP; the fake
server checks every message's HTML and length as Telegram does.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from channels.telegram import TelegramChannel
from core.clock import FakeClock
from handlers.context import AppContext
from models import OutboxMessage, OutboxState, Platform
from scheduler.digest import JOB, WeeklyDigest
from scheduler.dispatch import OutboxDispatcher
from services.outbox import claim_period
from tests.factories import build_world
from tests.fake_telegram import FakeChat, FakeTelegram, utf16_len
from tests.fake_telegram.fixtures import TEST_EDIT_INTERVAL, People
from tests.test_summary import add_opinions
from tests.test_summary_world import hold_meeting

MONTHS = (8, 9, 10, 11)


def at(month: int) -> datetime:
    """19:30 in Hanoi on the 4th of that month of 2026."""
    return datetime(2026, month, 4, 12, 30, tzinfo=UTC)


async def history(app: AppContext) -> tuple[dict[str, int], int]:
    """Four monthly meetings: Cường excused at each, Phương never answers, Dung unreachable in November."""
    world = await build_world(app)
    p = world.people
    meeting_id = 0
    for month in MONTHS:
        meeting_id = await hold_meeting(
            app,
            world.cell_id,
            at(month),
            present=[p["Nguyễn Văn An"], p["Trần Thị Bình"], p["Phạm Thị Dung"]],
            excused={p["Lê Văn Cường"]: f"Đi công tác <tháng {month}>"},
        )
    async with app.sessions() as session, session.begin():
        session.add(
            OutboxMessage(
                key=f"reminder:{meeting_id}:dung",
                platform=Platform.TELEGRAM,
                chat_id="1004",
                person_id=p["Phạm Thị Dung"],
                meeting_id=meeting_id,
                kind="reminder",
                text="x",
                not_before=at(11),
                state=OutboxState.UNDELIVERABLE,
            )
        )
    await add_opinions(app, meeting_id, p["Trần Thị Bình"], "Đề nghị <b>sửa</b> đường & cống")
    return p, meeting_id


async def committee_group(fake: FakeTelegram, people: People) -> FakeChat:
    group = fake.group("Đảng ủy phường Thử Nghiệm", admins=(people.admin,))
    fake.add_bot(people.admin, group)
    await fake.wait_for(lambda: fake.sent(group.id))
    [bound] = await fake.say(people.admin, "/ketnoi capuy Thử Nghiệm", group)
    assert "Đảng bộ phường Thử Nghiệm" in bound.text
    return group


async def test_summary_goes_to_the_committee_and_a_rerun_edits_it(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    p, meeting_id = await history(tg_app)
    committee = await committee_group(fake, people)
    since = fake.mark()
    [mine] = await fake.say(people.an, "/tongket")
    [post] = await fake.wait_for(lambda: fake.sent(committee.id, since=since))
    assert "lên nhóm cấp ủy." in mine.text
    assert "Đã gửi bản tổng kết cuộc họp ngày " in mine.text
    for text in (post.text, mine.text):
        for fragment in (
            "TỔNG KẾT SINH HOẠT — Chi bộ Khu phố 1",
            "Thứ Tư, 04/11/2026 lúc 19:30 — sinh hoạt thường kỳ",
            "Dự họp: 3/5 đồng chí (60%)",
            "• Lê Văn Cường: Đi công tác <tháng 11>",
            "Không trả lời thông báo và không đến (1):\nĐỗ Thị Phương",
            "• Trần Thị Bình: Đề nghị <b>sửa</b> đường & cống",
            "• Tỷ lệ dự họp 60%, không vượt mức 85% (Hướng dẫn 12-HD/BTCTW).",
            "• 1 đồng chí vắng không lý do: Đỗ Thị Phương.",
            "• Lê Văn Cường vắng có lý do 4 cuộc họp liên tiếp trong năm 2026.",
            "• Xem xét xóa tên: Đỗ Thị Phương vắng không lý do 4 lần trong năm 2026 (Quy định 294-QĐ/TW).",
            "• Bot không gửi được tin nhắn tới: Phạm Thị Dung.",
        ):
            assert fragment in text, fragment

    await add_opinions(tg_app, meeting_id, p["Nguyễn Văn An"], "Ý kiến bổ sung")
    since = fake.mark()
    [again] = await fake.say(people.an, "/tongket 04/11")
    assert "Đã sửa lại bản tổng kết cuộc họp ngày " in again.text
    await fake.wait_for(lambda: post.edits)
    assert "• Nguyễn Văn An: Ý kiến bổ sung" in post.text
    assert fake.sent(committee.id, since=since) == []

    # Nothing changed: the bot sends no edit (Telegram would refuse it: "message is not modified")
    # and posts no copy.
    since = fake.mark()
    [third] = await fake.say(people.an, "/tongket")
    assert "Đã sửa lại bản tổng kết" in third.text
    await asyncio.sleep(TEST_EDIT_INTERVAL * 3)
    assert fake.calls_to("editMessageText", since=since) == []
    assert fake.sent(committee.id, since=since) == []
    assert len(post.edits) == 1
    assert fake.rejected() == []


async def test_a_long_summary_is_split_and_every_part_edited(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    p, meeting_id = await history(tg_app)
    committee = await committee_group(fake, people)
    await add_opinions(
        tg_app, meeting_id, p["Lê Văn Cường"], *[f"Ý kiến {n} " + "rất dài & <dài> " * 60 for n in range(10)]
    )
    since = fake.mark()
    await fake.say(people.an, "/tongket", replies=3)
    parts = await fake.wait_for(lambda: (sent := fake.sent(committee.id, since=since)) and len(sent) >= 3 and sent)
    assert all(utf16_len(part.text) <= 4096 for part in parts)
    assert "Ý kiến 0 rất dài & <dài>" in parts[0].text
    assert "Xem xét xóa tên" in parts[-1].text

    await add_opinions(tg_app, meeting_id, p["Nguyễn Văn An"], "Thêm một ý kiến")
    since = fake.mark()
    await fake.say(people.an, "/tongket")
    # The parts that changed are edited in place; the others are left alone.
    await fake.wait_for(lambda: any("Thêm một ý kiến" in part.text for part in parts))
    await asyncio.sleep(TEST_EDIT_INTERVAL * 3)
    edited = fake.calls_to("editMessageText", since=since)
    assert 1 <= len(edited) < len(parts)
    assert fake.sent(committee.id, since=since) == []
    assert fake.rejected() == []


async def test_summary_asked_in_the_cell_group(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    await history(tg_app)
    committee = await committee_group(fake, people)
    group = fake.group("Chi bộ Khu phố 1")
    fake.add_bot(people.an, group)
    await fake.wait_for(lambda: fake.sent(group.id))
    await fake.say(people.an, "/ketnoi", group)
    await fake.say(people.binh, "/trogiup")  # she joined in private, so the bot may write to her there
    since = fake.mark()
    [line] = await fake.say(people.binh, "/tongket", group)
    assert line.text.endswith("lên cấp ủy; nội dung chi tiết đã nhắn riêng cho đồng chí Trần Thị Bình.")
    [private] = await fake.wait_for(lambda: fake.sent(people.binh.id, since=since))
    assert "Đi công tác <tháng 11>" in private.text
    await fake.wait_for(lambda: fake.sent(committee.id, since=since))
    assert [m.text for m in fake.sent(group.id, since=since)] == [line.text]
    [refused] = await fake.say(people.cuong, "/tongket", group)
    assert refused.text == "Lệnh này không dành cho vai trò của đồng chí."


async def test_scoring_over_telegram(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel
) -> None:
    await history(tg_app)
    [rubric] = await fake.say(people.an, "/chamdiem")
    assert "Điểm tỷ lệ dự họp bot đề xuất: 12/20 (dự họp 60%)." in rubric.text
    [recorded] = await fake.say(people.an, "/score 14 40 18")
    assert "Đã ghi điểm cuộc họp 04/11/2026: 84/100, xếp loại khá" in recorded.text
    [refused] = await fake.say(people.an, "/chamdiem 14 50 18")
    assert refused.text == "Điểm mục dien_bien là 50, phải từ 0 đến 45. Chưa ghi gì."
    [member] = await fake.say(people.cuong, "/chamdiem 15 45 20")
    assert member.text == "Lệnh này không dành cho vai trò của đồng chí."
    [summary] = await fake.say(people.an, "/tongket")
    assert "Điểm: 84/100, xếp loại khá" in summary.text


async def test_baocao_and_the_weekly_digest_over_telegram(
    tg_app: AppContext, fake: FakeTelegram, people: People, channel: TelegramChannel, clock: FakeClock
) -> None:
    await history(tg_app)
    digest_text = await fake.say(people.giang, "/baocao", replies=1)
    text = digest_text[0].text
    assert "BÁO CÁO SINH HOẠT CHI BỘ — các chi bộ đồng chí theo dõi" in text
    assert "Khu phố 1: họp 04/11/2026 · dự 60% ▅▅▅▅ · 1 ý kiến · chưa chấm điểm · lần tới chưa có lịch" in text
    [stranger] = await fake.say(people.stranger, "/baocao")
    assert stranger.text.startswith("Đồng chí chưa kết nối với chi bộ.")

    clock.set(datetime(2026, 11, 29, 17, 0, tzinfo=UTC))  # Monday 00:00 in Hanoi
    job = WeeklyDigest(tg_app)
    outbox = OutboxDispatcher(tg_app.sessions, clock, {Platform.TELEGRAM: channel.sender}, claim_seconds=60)
    async with tg_app.sessions() as session, session.begin():
        await claim_period(session, JOB, "2026-W48", clock.now())  # last week's went out
    assert await job.tick() == 0
    clock.set(datetime(2026, 11, 30, 0, 30, tzinfo=UTC))  # Monday 07:30
    since = fake.mark()
    assert await job.tick() == 1
    await outbox.run_once()
    weekly = await fake.wait_for(lambda: fake.sent(people.giang.id, since=since))
    assert "Ngày 30/11/2026, 1 chi bộ." in weekly[0].text
    clock.advance(timedelta(minutes=1))
    assert await job.tick() == 0
