"""Erasing one person's personal data on request (/xoadulieu, `bot.py erase`): counts stay, she does not."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot import CliError, build_parser, cmd_erase
from core.clock import FakeClock
from core.config import Config
from handlers.context import AppContext
from models import (
    Account,
    Attendance,
    AuditEntry,
    Invite,
    JoinRequest,
    Meeting,
    Membership,
    Opinion,
    OutboxMessage,
    Outcome,
    Person,
    Platform,
)
from services import summary
from services.people import cell_members
from tests.chat import Chat
from tests.conftest import ADMIN_ID
from tests.factories import build_world

SECRETARY, MEMBER, PROBATIONARY = "1001", "1003", "1004"
DUNG = "Phạm Thị Dung"
ADMIN = str(ADMIN_ID)


async def held_meeting_with_her_data(app: AppContext, chat: Chat, clock: FakeClock) -> tuple[int, int]:
    """Dung excused herself with a reason, sent an opinion, and a stranger claims her name."""
    world = await build_world(app)
    await chat.say(SECRETARY, "/datlich 25/11 19:30 Nhà văn hóa")
    assert "xin vắng có lý do" in (await chat.say(PROBATIONARY, "/vang Mẹ ốm nằm viện")).text
    assert "có 1 ý kiến" in (await chat.say(PROBATIONARY, "/ykien Đề nghị sửa đường")).text
    dung = world.people[DUNG]
    async with app.sessions() as session:
        session.add(
            JoinRequest(
                cell_id=world.cell_id,
                person_id=dung,
                platform=Platform.ZALO,
                external_id="z-stranger",
                display_name="Dung Pham",
                created_at=clock.now(),
            )
        )
        session.add(
            Invite(
                code="ABCDEFGHJK",
                cell_id=world.cell_id,
                person_id=dung,
                created_at=clock.now(),
                expires_at=clock.now() + timedelta(days=7),
            )
        )
        await session.commit()
    clock.advance(timedelta(days=2, hours=10, minutes=20))
    await chat.say(SECRETARY, "/modiemdanh")
    await chat.say(SECRETARY, "/diemdanhho Lê Văn Cường co")
    assert "Có mặt" in (await chat.say(SECRETARY, "/dongdiemdanh")).text
    async with app.sessions() as session:
        meeting = await session.scalar(select(Meeting))
        assert meeting is not None
        return meeting.id, dung


async def test_an_admin_erases_one_person_and_the_counts_stay(app: AppContext, chat: Chat, clock: FakeClock) -> None:
    mid, dung = await held_meeting_with_her_data(app, chat, clock)
    zone = app.config.schedule.zone
    async with app.sessions() as session:
        before = await summary.meeting_report(session, mid, zone)
    assert "Chỉ quản trị viên" in (await chat.say(SECRETARY, f"/xoadulieu {dung} xacnhan")).text
    assert f"#{dung} (Chi bộ Khu phố 1)" in (await chat.say(ADMIN, f"/xoadulieu {DUNG}")).text
    assert "Không có ai tên “Pham Thi Dung”" in (await chat.say(ADMIN, "/xoadulieu Pham Thi Dung")).text
    preview = (await chat.say(ADMIN, f"/xoadulieu {dung}")).text
    assert DUNG in preview
    assert "1 lý do vắng" in preview
    assert f"/xoadulieu {dung} xacnhan" in preview
    assert "Không có người nào" in (await chat.say(ADMIN, "/xoadulieu 99999999999999999999 xacnhan")).text
    assert "Không có người nào" in (await chat.say(ADMIN, "/xoadulieu 0")).text
    async with app.sessions() as session:  # nothing changed by the preview
        person = await session.get(Person, dung)
        assert person is not None
        assert person.full_name == DUNG
    assert (
        f"Đã xóa dữ liệu cá nhân của người mang mã số {dung}"
        in (await chat.say(ADMIN, f"/xoadulieu {dung} xacnhan")).text
    )
    async with app.sessions() as session:
        person = await session.get(Person, dung)
        assert person is not None
        assert person.full_name == f"Đảng viên #{dung} (đã xóa)"
        assert person.phone is None
        assert person.erased_at is not None
        assert await session.scalar(select(func.count()).where(Account.person_id == dung)) == 0
        assert await session.scalar(select(func.count()).where(JoinRequest.person_id == dung)) == 0
        assert await session.scalar(select(func.count()).where(Invite.person_id == dung)) == 0
        assert await session.scalar(select(func.count()).where(OutboxMessage.person_id == dung)) == 0
        row = await session.scalar(select(Attendance).where(Attendance.person_id == dung))
        assert row is not None
        assert row.reason is None
        assert row.outcome is Outcome.EXCUSED  # the count stays
        opinion = await session.scalar(select(Opinion).where(Opinion.person_id == dung))
        assert opinion is not None
        assert opinion.text == "(nội dung đã xóa)"
        entries = (await session.scalars(select(AuditEntry).where(AuditEntry.subject_id == dung))).all()
        [erased] = [e for e in entries if e.action == "erase"]
        assert erased.detail == f"by telegram:{ADMIN}"
        assert all("Mẹ ốm" not in (e.detail or "") and DUNG not in (e.detail or "") for e in entries)
        ended = await session.scalar(select(Membership).where(Membership.person_id == dung))
        assert ended is not None
        assert ended.ended_at is not None
        assert DUNG not in [m.person.full_name for m in await cell_members(session, ended.cell_id)]
        after = await summary.meeting_report(session, mid, zone)
    assert after.breakdown == before.breakdown
    assert [n.reason for n in after.excused] == [None]
    assert "chưa kết nối" in (await chat.say(PROBATIONARY, "/lichhop")).text  # her account is gone
    assert "đã được xóa trước đây" in (await chat.say(ADMIN, f"/xoadulieu {dung} xacnhan")).text


async def test_the_command_line_erases_by_name_after_confirmation(
    app: AppContext, chat: Chat, clock: FakeClock, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, dung = await held_meeting_with_her_data(app, chat, clock)
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong\n"))
    args = build_parser().parse_args(["erase", "--name", DUNG, "--cell", "Chi bộ Khu phố 1"])
    with pytest.raises(CliError, match="not confirmed"):
        await cmd_erase(config, args)
    async with app.sessions() as session:
        person = await session.get(Person, dung)
        assert person is not None
        assert person.full_name == DUNG
    with pytest.raises(CliError, match="matches nobody"):
        await cmd_erase(config, build_parser().parse_args(["erase", "--name", "Phạm Thị Dũng", "--yes"]))
    await cmd_erase(config, build_parser().parse_args(["erase", "--person", str(dung), "--yes"]))
    async with app.sessions() as session:
        person = await session.get(Person, dung)
        assert person is not None
        assert person.full_name == f"Đảng viên #{dung} (đã xóa)"
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "erase"))
        assert entry is not None
        assert entry.actor_id is None
        assert (entry.detail or "").startswith("by cli:")
    with pytest.raises(CliError, match="đã được xóa trước đây"):
        await cmd_erase(config, build_parser().parse_args(["erase", "--person", str(dung), "--yes"]))
