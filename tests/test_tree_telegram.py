"""The tree end to end over the fake Bot API: a ward's admin links the ward's group and appoints a
school's admin, a secretary sends her roster file and confirms it, and the month's rollup arrives
in the ward's group."""

from __future__ import annotations

from channels.telegram import TelegramChannel
from core.clock import FakeClock
from handlers.context import AppContext
from models import Platform
from scheduler.dispatch import OutboxDispatcher
from scheduler.rollup import write_monthly_rollup
from services.roster import import_rows
from services.roster_file import parse_rows
from tests.fake_telegram import FakeTelegram
from tests.test_roster_chat_telegram import workbook
from tests.test_tree_admins import ROWS

SCHOOL = "Đảng bộ Trường THPT Việt Đức"


async def test_a_ward_runs_its_tree_from_chat(
    tg_app: AppContext, clock: FakeClock, fake: FakeTelegram, channel: TelegramChannel
) -> None:
    async with tg_app.sessions() as session:
        await import_rows(session, parse_rows(ROWS))
        await session.commit()
    ward_admin = fake.user(2010, "Quản", "Trần Văn")
    hung = fake.user(2003, "Hùng", "Lê Văn")
    tam = fake.user(2001, "Tâm", "Nguyễn Thị")
    ward_group = fake.group("Đảng ủy phường Hoàn Kiếm")
    fake.add_bot(ward_admin, ward_group)
    await fake.wait_for(lambda: fake.sent(ward_group.id))  # the greeting
    [linked] = await fake.say(ward_admin, "/ketnoi capuy Đảng ủy phường Hoàn Kiếm", ward_group)
    assert "Đã gắn nhóm này làm nhóm của cấp ủy Đảng ủy phường Hoàn Kiếm" in linked.text

    await fake.say(hung, "/trogiup")
    since = fake.mark()
    [appointed] = await fake.say(ward_admin, f"/phancong quantri {SCHOOL} | Lê Văn Hùng")
    assert f"Đã phân công Lê Văn Hùng làm quản trị viên của {SCHOOL}." in appointed.text
    [told] = await fake.wait_for(lambda: fake.sent(hung.id, since=since))
    assert f"quản trị viên của {SCHOOL}" in told.text
    [school] = await fake.say(hung, "/tonghop")
    assert f"TỔNG HỢP THÁNG 11/2026 — {SCHOOL}" in school.text

    await fake.say(tam, "/trogiup")
    file = workbook(["Chi bộ", "Họ tên"], ["Chi bộ Tổ 1", "Nguyễn Thị Tâm"], ["Chi bộ Tổ 1", "Đỗ Văn Mới"])
    since = fake.mark()
    fake.send_file(tam, "to-1.xlsx", file)
    [preview] = await fake.wait_for(lambda: fake.sent(tam.id, since=since))
    assert "Thêm vào chi bộ: 1 (Đỗ Văn Mới)" in preview.text
    toast = await fake.click(tam, preview, preview.button("Xác nhận"))
    assert toast["text"] == "Đã ghi danh sách."

    assert await write_monthly_rollup(tg_app, clock.now()) == 1
    since = fake.mark()
    outbox = OutboxDispatcher(tg_app.sessions, clock, {Platform.TELEGRAM: channel.sender}, claim_seconds=60)
    await outbox.run_once()
    [rollup] = await fake.wait_for(lambda: fake.sent(ward_group.id, since=since))
    assert "TỔNG HỢP THÁNG 11/2026 — Đảng ủy phường Hoàn Kiếm" in rollup.text
    assert f"• {SCHOOL}: 1 chi bộ" in rollup.text
    assert "• Chi bộ Tổ 1: 1 chi bộ" in rollup.text
    assert "dùng bot 1/2 đảng viên" in rollup.text  # Tâm wrote to the bot; the new member has not
    assert not fake.rejected()
