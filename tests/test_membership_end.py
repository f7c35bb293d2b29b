"""Ending a membership (/ketthuc): history stays, from the end date she is in no current list,
and a roster file never brings her back unless the row says so."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.clock import FakeClock
from handlers.context import AppContext
from models import (
    Attendance,
    AuditEntry,
    EndReason,
    Meeting,
    MeetingState,
    Membership,
    OutboxMessage,
    OutboxState,
    Outcome,
    Person,
    Platform,
)
from services import attendance, chats, summary, warnings
from services.outbox import Recipient, enqueue
from services.people import cell_members
from services.reminders import members
from services.roster import import_rows
from services.roster_file import RosterError, parse_rows
from tests.chat import GROUP, Chat
from tests.factories import build_world, roster_table

SECRETARY, DEPUTY, MEMBER, PROBATIONARY = "1001", "1002", "1003", "1004"
CUONG = "Lê Văn Cường"


async def meeting_ahead(app: AppContext, chat: Chat) -> tuple[int, int]:
    world = await build_world(app)
    await chat.say(SECRETARY, "/ketnoi", group=GROUP)
    await chat.say(SECRETARY, "/datlich 04/12 19:30 Nhà văn hóa")
    async with app.sessions() as session:
        meeting = await session.scalar(select(Meeting))
        assert meeting is not None
        return world.cell_id, meeting.id


async def test_an_ended_member_leaves_every_current_list(app: AppContext, chat: Chat, clock: FakeClock) -> None:
    cell_id, mid = await meeting_ahead(app, chat)
    assert "xin vắng có lý do" in (await chat.say(MEMBER, "/vang Đi công tác")).text
    async with app.sessions() as session:
        cuong = next(m for m in await cell_members(session, cell_id) if m.person.full_name == CUONG).person_id
        await enqueue(
            session,
            key="test-reminder",
            to=Recipient(Platform.TELEGRAM, MEMBER, cuong),
            text="nhắc",
            kind="reminder",
            not_before=clock.now() + timedelta(days=5),
            meeting_id=mid,
        )
        await session.commit()
    said = await chat.say(SECRETARY, f"/ketthuc {CUONG} chuyển sinh hoạt đi 20/11/2026 về phường Tây Hồ")
    assert "Đã ghi: đồng chí Lê Văn Cường thôi sinh hoạt tại Chi bộ Khu phố 1 từ ngày 20/11/2026" in said.text
    assert "chuyển sinh hoạt đi" in said.text
    # She can no longer act as a member of the cell...
    for command in ("/lichhop", "/vang ốm", "/diemdanh 1234", "/ykien Ý kiến"):
        assert "không dành cho vai trò" in (await chat.say(MEMBER, command)).text
    # ...nor be listed, reminded, counted or invited.
    assert CUONG not in (await chat.say(SECRETARY, "/diemdanhho")).text
    assert "Không tìm thấy" in (await chat.say(SECRETARY, f"/ketthuc {CUONG} khac")).text
    async with app.sessions() as session:
        assert CUONG not in [m.person.full_name for m in await cell_members(session, cell_id)]
        assert CUONG not in [m.name for m in await members(session, cell_id, mid)]
        assert CUONG not in [m.name for m in await members(session, cell_id)]
        assert await session.scalar(select(Attendance).where(Attendance.person_id == cuong)) is None
        reminder = await session.scalar(select(OutboxMessage).where(OutboxMessage.key == "test-reminder"))
        assert reminder is not None
        assert reminder.state is OutboxState.DROPPED
        ended = await session.scalar(select(Membership).where(Membership.person_id == cuong))
        assert ended is not None
        assert ended.end_reason is EndReason.MOVED
        assert ended.end_note == "về phường Tây Hồ"
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "end_membership"))
        assert entry is not None
        assert entry.subject_id == cuong
        assert entry.actor_id is not None
    clock.set(clock.now() + timedelta(days=11, hours=10, minutes=20))  # 19:20 on the 4th, Hanoi
    said = await chat.say(SECRETARY, "/modiemdanh", group=GROUP)
    assert "Có mặt 0/4" in said.to(GROUP)[0]  # 5 counted members before, the exempt one aside
    # The check-in button is open to supervisors too, so the refusal names the cell, not the role.
    assert "không thuộc chi bộ của cuộc họp này" in (await chat.press(MEMBER, f"ci:{mid}", group=GROUP)).toast
    assert "Có mặt 0/4" in (await chat.say(SECRETARY, "/dongdiemdanh")).text
    async with app.sessions() as session:
        rows = (await session.scalars(select(Attendance.person_id).where(Attendance.meeting_id == mid))).all()
    assert cuong not in rows
    assert len(rows) == 5


async def test_history_stays_unchanged(app: AppContext, chat: Chat, clock: FakeClock) -> None:
    world = await build_world(app, meeting_at=clock.now() + timedelta(hours=1))
    assert world.meeting_id is not None
    cuong = world.people[CUONG]
    async with app.sessions() as session:
        meeting = await session.get(Meeting, world.meeting_id)
        assert meeting is not None
        clock.advance(timedelta(hours=1))
        await attendance.open_checkin(session, meeting, clock.now(), minutes=30, requires_code=False)
        await attendance.check_in(session, meeting, cuong, clock.now(), code=None)
        await attendance.close_checkin(session, meeting, clock.now())
        await session.commit()
    zone = app.config.schedule.zone
    async with app.sessions() as session:
        before = await summary.meeting_report(session, world.meeting_id, zone)
    clock.advance(timedelta(days=2))
    assert "Đã ghi" in (await chat.say(DEPUTY, "/ketthuc 3 tu tran")).text  # a deputy may, by roster number
    async with app.sessions() as session:
        after = await summary.meeting_report(session, world.meeting_id, zone)
    assert after.breakdown == before.breakdown
    assert CUONG in [n.name for n in after.present]


async def test_names_dates_and_roles(app: AppContext, chat: Chat) -> None:
    world = await build_world(app)
    async with app.sessions() as session:  # two people (the importer's own matching is not tested here)
        for name in ("Mai Văn Tâm", "Mai Văn Tám"):
            session.add(Membership(person=Person(full_name=name), cell_id=world.cell_id))
        await session.commit()
    assert "không dành cho vai trò" in (await chat.say(MEMBER, f"/ketthuc {CUONG} chuyen di")).text
    assert "Cách dùng" in (await chat.say(SECRETARY, "/ketthuc")).text
    assert "Cách dùng" in (await chat.say(SECRETARY, f"/ketthuc {CUONG}")).text  # no reason
    said = (await chat.say(SECRETARY, "/ketthuc Le Van Cuong chuyen di")).text
    assert "Không có ai tên đúng là “Le Van Cuong”. Có phải: Lê Văn Cường?" in said
    assert "Không tìm thấy “Người Lạ”" in (await chat.say(SECRETARY, "/ketthuc Người Lạ xoa ten")).text
    assert "chưa tới" in (await chat.say(SECRETARY, f"/ketthuc {CUONG} chuyen di 01/01/2027")).text
    assert "Không có ngày 31/02/2026." in (await chat.say(SECRETARY, f"/ketthuc {CUONG} chuyen di 31/02/2026")).text
    assert "Không có số thứ tự này" in (await chat.say(SECRETARY, "/ketthuc 99999999999999999999 khac")).text
    assert "không phải ngày" in (await chat.say(SECRETARY, f"/ketthuc {CUONG} khac 99/99/99999999")).text
    # Tâm and Tám are two people: ending one leaves the other.
    assert (
        "Mai Văn Tám thôi sinh hoạt"
        in (await chat.say(SECRETARY, "/ketthuc Mai Văn Tám xóa tên quyết\x07 định\u202e số 12")).text
    )
    async with app.sessions() as session:
        note = await session.scalar(select(Membership.end_note).where(Membership.ended_at.is_not(None)))
    assert note == "quyết định số 12"  # control and bidi characters removed
    assert "Có phải: Mai Văn Tâm?" in (await chat.say(SECRETARY, "/ketthuc Mai Văn Tám xoa ten")).text
    async with app.sessions() as session:
        left = {m.person.full_name for m in await cell_members(session, world.cell_id)}
    assert "Mai Văn Tâm" in left
    assert "Mai Văn Tám" not in left
    # Nothing was written by the refusals.
    async with app.sessions() as session:
        assert len((await session.scalars(select(AuditEntry))).all()) == 1


async def test_a_roster_file_never_brings_her_back_silently(app: AppContext, chat: Chat, clock: FakeClock) -> None:
    world = await build_world(app)
    assert "Đã ghi" in (await chat.say(SECRETARY, f"/ketthuc {CUONG} chuyen di")).text
    without_her = [row for row in roster_table() if row[2] != CUONG]
    async with app.sessions() as session:
        await import_rows(session, parse_rows(without_her))
        await session.commit()
    with_her = roster_table()
    line = next(i for i, row in enumerate(with_her, start=1) if row[2] == CUONG)
    async with app.sessions() as session:
        with pytest.raises(RosterError) as refused:
            await import_rows(session, parse_rows(with_her))
        await session.rollback()
    problem = refused.value.problems[0]
    assert (problem.key, problem.args["line"], problem.args["name"]) == ("roster-membership-ended", line, CUONG)
    assert "tiep_nhan_lai" in app.tr.t(problem.key, **problem.args)
    async with app.sessions() as session:
        assert CUONG not in [m.person.full_name for m in await cell_members(session, world.cell_id)]
    readmitting = [[*row, "x" if row[2] == CUONG else ""] for row in with_her]
    readmitting[0][-1] = "tiep_nhan_lai"
    async with app.sessions() as session:
        report = await import_rows(session, parse_rows(readmitting), now=clock.now())
        await session.commit()
    assert report.members.updated == 1
    async with app.sessions() as session:
        readmitted = await session.scalar(select(AuditEntry).where(AuditEntry.action == "readmit"))
    assert readmitted is not None
    assert readmitted.subject_id == world.people[CUONG]
    assert readmitted.detail == f"cell {world.cell_id}: roster file line {line}"
    async with app.sessions() as session:
        assert CUONG in [m.person.full_name for m in await cell_members(session, world.cell_id)]
    assert "chưa có cuộc họp" in (await chat.say(MEMBER, "/lichhop")).text


async def test_an_ended_member_still_gets_her_own_data(app: AppContext, chat: Chat) -> None:
    await build_world(app)
    await chat.say(SECRETARY, f"/ketthuc {CUONG} xoa ten")
    said = await chat.say(MEMBER, "/dulieucuatoi")
    [document] = [m.document for m in said.response.messages if m.document is not None]
    data = json.loads(document[1])
    assert data["person"]["full_name"] == CUONG
    assert data["memberships"][0]["end_reason"] == "xoa_ten"
    assert data["memberships"][0]["ended_on"].startswith("2026-11-23")
    assert data["audit"][0]["action"] == "end_membership"
    assert data["audit"][0]["by"] == "Nguyễn Văn An"


async def test_warnings_name_only_people_still_in_the_cell(app: AppContext, chat: Chat, clock: FakeClock) -> None:
    world = await build_world(app)
    dung, cuong = world.people["Phạm Thị Dung"], world.people[CUONG]
    async with app.sessions() as session:
        for months_ago in (3, 2, 1):
            at = clock.now() - timedelta(days=30 * months_ago)
            meeting = Meeting(cell_id=world.cell_id, starts_at=at, state=MeetingState.CLOSED, created_at=at)
            session.add(meeting)
            await session.flush()
            for person_id in (dung, cuong):
                session.add(Attendance(meeting_id=meeting.id, person_id=person_id, outcome=Outcome.UNEXCUSED))
        await session.commit()
    since = clock.now() - timedelta(days=365)
    async with app.sessions() as session:
        flagged = await warnings.removal_flags(session, warnings.cell_ids(world.cell_id), since, clock.now())
    assert sorted(f.name for f in flagged) == [CUONG, "Phạm Thị Dung"]
    assert "Đã ghi" in (await chat.say(SECRETARY, "/ketthuc Phạm Thị Dung xoa ten")).text
    async with app.sessions() as session:
        flagged = await warnings.removal_flags(session, warnings.cell_ids(world.cell_id), since, clock.now())
    assert [f.name for f in flagged] == [CUONG]


async def test_an_ended_deputy_no_longer_runs_the_cell(app: AppContext, chat: Chat) -> None:
    await build_world(app)
    assert "Đã ghi" in (await chat.say(SECRETARY, "/ketthuc Trần Thị Bình chuyen di")).text
    assert "không dành cho vai trò" in (await chat.say(DEPUTY, f"/ketthuc {CUONG} khac")).text
    assert "không dành cho vai trò" in (await chat.say(DEPUTY, "/moi")).text


async def test_an_invite_code_made_before_the_end_no_longer_links(app: AppContext, chat: Chat) -> None:
    world = await build_world(app)
    async with app.sessions() as session:
        session.add(Membership(person=Person(full_name="Mai Văn Tới"), cell_id=world.cell_id))
        await session.commit()
    listing = (await chat.say(SECRETARY, "/moi Mai Văn Tới")).text
    code = listing.split("Mã mời của Mai Văn Tới: ")[1].split()[0]
    assert "Đã ghi" in (await chat.say(SECRETARY, "/ketthuc Mai Văn Tới khac")).text
    assert "không đúng" in (await chat.say("6001", f"/start {code}")).text
    shared = (await chat.say(SECRETARY, "/moi")).text
    assert "Mai Văn Tới" not in shared


async def test_a_question_asked_before_the_end_is_not_answered_after(app: AppContext, chat: Chat) -> None:
    _, mid = await meeting_ahead(app, chat)
    assert "lý do" in (await chat.press(MEMBER, f"rsvp:{mid}:no", group=GROUP)).toast
    assert "Đã ghi" in (await chat.say(SECRETARY, f"/ketthuc {CUONG} chuyen di")).text
    assert "không thuộc chi bộ" in (await chat.say(MEMBER, "Đi công tác")).text
    async with app.sessions() as session:
        assert await session.scalar(select(Attendance).where(Attendance.meeting_id == mid)) is None


async def test_two_leaders_ending_her_at_once_record_it_once(app: AppContext, chat: Chat) -> None:
    await build_world(app)
    said = await asyncio.gather(
        chat.say(SECRETARY, f"/ketthuc {CUONG} chuyen di"), chat.say(DEPUTY, f"/ketthuc {CUONG} tu tran")
    )
    assert sum("Đã ghi" in s.text for s in said) == 1
    async with app.sessions() as session:
        entries = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "end_membership"))).all()
    assert len(entries) == 1


async def test_a_cell_whose_only_linked_member_left_is_out_of_reach(app: AppContext, chat: Chat) -> None:
    await build_world(app)
    async with app.sessions() as session:
        assert await chats.cells_out_of_reach(session) == []
    assert "Đã ghi" in (await chat.say("2001", "/ketthuc Bùi Văn Khang chuyen di")).text
    async with app.sessions() as session:
        assert await chats.cells_out_of_reach(session) == ["Chi bộ Khu phố 2"]
