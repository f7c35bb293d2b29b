"""Absences declared ahead (/tamvang): the period's dates, the refusals, a secretary declaring for a
member, listing and cancelling, and what a period does: reminders stop, the meeting settles the
member as excused with the reason, and the period ends by itself."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from core.clock import FakeClock
from handlers.context import AppContext
from models import Absence, Attendance, AuditEntry, Outcome, Rsvp
from services import absences, attendance, erasure, mydata, reminders
from services.errors import DomainError
from services.meetings import schedule_meeting
from tests.chat import Chat
from tests.factories import build_world
from tests.test_meeting_flow import MEMBER, PROBATIONARY, SECRETARY, SUPERVISOR

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("20/12-10/01", date(2026, 12, 20), date(2027, 1, 10)),  # crosses into the next year
        ("20/12 - 10/01", date(2026, 12, 20), date(2027, 1, 10)),
        ("20.12 đến 10.01", date(2026, 12, 20), date(2027, 1, 10)),
        ("20/11-30/11", date(2026, 11, 20), date(2026, 11, 30)),  # ill since last Friday
        ("01/01-05/01", date(2027, 1, 1), date(2027, 1, 5)),
        ("23/11-23/11", TODAY, TODAY),
        ("01/12/2026-31/12/2026", date(2026, 12, 1), date(2026, 12, 31)),
    ],
)
def test_periods(text: str, first: date, last: date) -> None:
    period = absences.parse_period(text, TODAY, 180)
    assert (period.first, period.last) == (first, last)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("10/01/2027-20/12/2026", "absence-end-before-start"),
        ("01/11/2026-10/11/2026", "absence-in-past"),
        ("01/12/2026-30/11/2027", "absence-too-long"),
        ("31/02-05/03", "err-no-such-date"),
        ("20/12", "absence-usage"),
        ("20-12-10-01", "absence-usage"),
        ("20/12-10/01/99999", "absence-usage"),
    ],
)
def test_bad_periods(text: str, key: str) -> None:
    with pytest.raises(DomainError) as refused:
        absences.parse_period(text, TODAY, 180)
    assert refused.value.key == key


async def test_declaring_listing_cancelling(app: AppContext, chat: Chat) -> None:
    world = await build_world(app)
    said = await chat.say(MEMBER, "/tamvang 20/12-10/01 Điều trị <tại> bệnh viện")
    assert "Đã ghi tạm vắng từ 20/12/2026 đến 10/01/2027 (22 ngày)" in said.text
    assert "Vui lòng ghi lý do" in (await chat.say(MEMBER, "/tamvang 01/02-03/02")).text
    assert "Cách dùng: /tamvang" in (await chat.say(MEMBER, "/tamvang ốm dài ngày")).text
    assert "trùng thời gian" in (await chat.say(MEMBER, "/tamvang 05/01-20/01 đi công tác")).text
    assert "tối đa 180 ngày" in (await chat.say(MEMBER, "/tamvang 01/02/2027-30/11/2027 ốm")).text
    assert "trước ngày bắt đầu" in (await chat.say(MEMBER, "/tamvang 10/02/2027-01/02/2027 ốm")).text
    assert "tối đa 500 ký tự" in (await chat.say(MEMBER, "/tamvang 01/02-03/02 " + "x" * 501)).text
    # A member names nobody but herself; a supervisor who is no member has no /tamvang.
    assert "Cách dùng" in (await chat.say(MEMBER, "/tamvang Dung 01/12-05/12 đi công tác")).text
    assert "không dành cho vai trò" in (await chat.say(SUPERVISOR, "/tamvang 01/12-05/12 ốm")).text

    listed = (await chat.say(MEMBER, "/tamvang")).text
    assert "1. 20/12/2026 – 10/01/2027: Điều trị <tại> bệnh viện" in listed
    assert "Không có đợt tạm vắng" in (await chat.say(PROBATIONARY, "/tamvang")).text

    said = await chat.say(SECRETARY, "/tamvang Dung 01/12 - 05/12 đi công tác dài ngày")
    assert "Đã ghi tạm vắng cho đồng chí Phạm Thị Dung từ 01/12/2026 đến 05/12/2026 (5 ngày)" in said.text
    assert "Không tìm thấy “Xuân”" in (await chat.say(SECRETARY, "/tamvang Xuân 01/12-05/12 ốm")).text
    listed = (await chat.say(SECRETARY, "/tamvang")).text  # the secretary sees her cell's periods
    assert "1. Phạm Thị Dung: 01/12/2026 – 05/12/2026: đi công tác dài ngày" in listed
    assert "2. Lê Văn Cường: 20/12/2026" in listed
    assert "01/12/2026 – 05/12/2026: đi công tác" in (await chat.say(PROBATIONARY, "/tamvang")).text

    assert "Không có đợt số này (danh sách có 1 đợt)" in (await chat.say(MEMBER, "/tamvang huy 5")).text
    assert "Cách dùng: /tamvang huy" in (await chat.say(MEMBER, "/tamvang huy")).text
    assert "Không có đợt số này" in (await chat.say(MEMBER, "/tamvang huy " + "9" * 30)).text
    assert "Đã hủy đợt tạm vắng từ 20/12/2026 đến 10/01/2027" in (await chat.say(MEMBER, "/tamvang huy 1")).text
    assert "Không có đợt tạm vắng" in (await chat.say(MEMBER, "/tamvang")).text
    async with app.sessions() as session:
        audited = (await session.scalars(select(AuditEntry.action))).all()
    assert audited == ["declare_absence"]  # the secretary's; a member's own declaration is not
    assert world.people


async def test_overlapping_declarations_at_once_record_one(app: AppContext) -> None:
    """A double tap, and the secretary declaring for the member at the same moment (each in its own
    transaction, as two updates or two serve processes), every two periods overlapping: one is
    recorded, every other declaration gets the overlap refusal."""
    world = await build_world(app)
    cuong, secretary = world.people["Lê Văn Cường"], world.people["Nguyễn Văn An"]
    zone, now = app.config.schedule.zone, app.clock.now()

    async def declare(first: date, last: date, actor: int) -> str:
        async with app.sessions() as session:
            try:
                await absences.declare(
                    session, cuong, absences.Period(first, last), "ốm", zone=zone, now=now, actor_id=actor
                )
            except DomainError as refused:
                return refused.key
            await session.commit()
            return "declared"

    said = await asyncio.gather(
        declare(date(2026, 12, 20), date(2027, 1, 10), cuong),
        declare(date(2026, 12, 20), date(2027, 1, 10), cuong),
        declare(date(2027, 1, 1), date(2027, 1, 5), secretary),
        declare(date(2026, 12, 25), date(2027, 1, 2), secretary),
    )
    assert sorted(said) == ["absence-overlap"] * 3 + ["declared"]
    async with app.sessions() as session:
        assert len((await session.scalars(select(Absence))).all()) == 1


async def test_a_period_excuses_reminds_nothing_and_ends_by_itself(
    app: AppContext, chat: Chat, clock: FakeClock
) -> None:
    world = await build_world(app)
    p = world.people
    cuong, dung, binh = p["Lê Văn Cường"], p["Phạm Thị Dung"], p["Trần Thị Bình"]
    assert "Đã ghi tạm vắng" in (await chat.say(SECRETARY, "/tamvang Dung 01/12-05/12 đi công tác")).text
    assert "Đã ghi tạm vắng" in (await chat.say(MEMBER, "/tamvang 01/12-05/12 nằm viện")).text
    assert "Đã ghi tạm vắng" in (await chat.say("1002", "/tamvang 01/12-05/12 về quê")).text
    starts = datetime(2026, 12, 4, 12, 30, tzinfo=UTC)
    async with app.sessions() as session, session.begin():
        meeting = await schedule_meeting(session, world.cell_id, starts, clock.now(), place="Nhà văn hóa")
        later = await schedule_meeting(session, world.cell_id, starts + timedelta(days=2), clock.now(), place="Nhà")
        meeting_id, later_id = meeting.id, later.id
    # Bình answers for this meeting after declaring: her newer word stands.
    clock.advance(timedelta(days=1))
    async with app.sessions() as session, session.begin():
        meeting = await session.get(attendance.Meeting, meeting_id)
        assert meeting is not None
        await attendance.answer(session, meeting, binh, Rsvp.ATTEND, None, clock.now())
    async with app.sessions() as session:
        roster = {m.person_id: m.rsvp for m in await reminders.members(session, world.cell_id, meeting_id)}
        after = {m.person_id: m.rsvp for m in await reminders.members(session, world.cell_id, later_id)}
    assert roster[dung] is Rsvp.ABSENT
    assert roster[cuong] is Rsvp.ABSENT
    assert roster[binh] is Rsvp.ATTEND
    assert after[dung] is None
    assert after[cuong] is None

    # Cường comes anyway and checks in; Dung stays away: excused with her reason.
    clock.set(starts)
    async with app.sessions() as session, session.begin():
        meeting = await session.get(attendance.Meeting, meeting_id)
        assert meeting is not None
        await attendance.open_checkin(session, meeting, clock.now(), 30, requires_code=False)
        await attendance.check_in(session, meeting, cuong, clock.now(), code=None)
        await attendance.close_checkin(session, meeting, clock.now() + timedelta(minutes=30))
    async with app.sessions() as session:
        rows = {
            r.person_id: r
            for r in (await session.scalars(select(Attendance).where(Attendance.meeting_id == meeting_id))).all()
        }
    assert (rows[dung].outcome, rows[dung].reason) == (Outcome.EXCUSED, "đi công tác")
    assert rows[cuong].outcome is Outcome.PRESENT
    assert rows[binh].outcome is Outcome.UNEXCUSED  # said she would come, did not
    clock.set(datetime(2026, 12, 5, 17, 0, tzinfo=UTC))  # 00:00 on 06/12 in Hanoi
    assert "Không có đợt tạm vắng" in (await chat.say(MEMBER, "/tamvang")).text


async def test_my_data_shows_my_periods_and_erasure_removes_them(app: AppContext, chat: Chat) -> None:
    world = await build_world(app)
    cuong = world.people["Lê Văn Cường"]
    assert "Đã ghi tạm vắng" in (await chat.say(MEMBER, "/tamvang 20/12-10/01 điều trị")).text
    zone = app.config.schedule.zone
    async with app.sessions() as session, session.begin():
        mine = await mydata.collect(session, cuong, zone, app.clock.now())
        assert [a["reason"] for a in mine.content["absences_declared"]] == ["điều trị"]
        person = await erasure.person_to_erase(session, cuong)
        await erasure.erase(
            session, person, placeholder="#", erased_text="-", actor_id=None, actor_label="test", now=app.clock.now()
        )
    async with app.sessions() as session:
        assert (await session.scalars(select(Absence))).all() == []
