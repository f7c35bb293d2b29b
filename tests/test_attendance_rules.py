"""Attendance rules at the service level: races, tallies and settling."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from handlers.context import AppContext
from models import Attendance, Meeting, Membership, Rsvp
from services import attendance, tallies
from services.attendance import CheckIn
from services.errors import DomainError
from services.meetings import schedule_meeting
from tests.factories import build_world


async def open_meeting(app: AppContext) -> tuple[int, dict[str, int]]:
    world = await build_world(app, meeting_at=app.clock.now() + timedelta(hours=1))
    async with app.sessions() as session:
        meeting = await session.get(Meeting, world.meeting_id)
        assert meeting is not None
        await attendance.open_checkin(session, meeting, app.clock.now(), 150, requires_code=False)
        await session.commit()
    assert world.meeting_id is not None
    return world.meeting_id, world.people


async def test_simultaneous_presses_count_once(app: AppContext) -> None:
    meeting_id, people = await open_meeting(app)
    person = people["Lê Văn Cường"]

    async def press() -> CheckIn:
        async with app.sessions() as session:
            meeting = await session.get(Meeting, meeting_id)
            assert meeting is not None
            result = await attendance.check_in(session, meeting, person, app.clock.now(), code=None)
            await session.commit()
            return result

    results = await asyncio.gather(*(press() for _ in range(8)))
    assert results.count(CheckIn.OK) == 1
    assert results.count(CheckIn.ALREADY) == 7
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Attendance)) == 1


async def test_tally_leaves_exempted_members_out_of_the_denominator(app: AppContext) -> None:
    meeting_id, people = await open_meeting(app)
    async with app.sessions() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        for name in ("Hoàng Văn Em", "Nguyễn Văn An"):
            await attendance.check_in(session, meeting, people[name], app.clock.now(), code=None)
        count = await tallies.tally(session, meeting)
    assert (count.present, count.counted, count.present_exempt) == (1, 5, 1)


async def test_a_round_of_counters_is_counted_in_one_go_as_each_alone(app: AppContext) -> None:
    """The edit sender reads all its live counters at once (`open_tallies`): each meeting keeps its
    own members (a membership that ended between two meetings counts in the first only), exempted
    members stay out of the denominator, and a meeting whose check-in is not open is left out."""
    first_id, people = await open_meeting(app)
    now = app.clock.now()
    async with app.sessions() as session:
        first = await session.get(Meeting, first_id)
        assert first is not None
        second = await schedule_meeting(session, first.cell_id, first.starts_at + timedelta(days=1), now)
        planned = await schedule_meeting(session, first.cell_id, first.starts_at + timedelta(days=2), now)
        await attendance.open_checkin(session, second, second.starts_at, 150, requires_code=False)
        leaving = await session.scalar(
            select(Membership).where(
                Membership.person_id == people["Lê Văn Cường"], Membership.cell_id == first.cell_id
            )
        )
        assert leaving is not None
        leaving.ended_at = first.starts_at + timedelta(hours=2)
        for name in ("Hoàng Văn Em", "Nguyễn Văn An", "Lê Văn Cường"):
            await attendance.check_in(session, first, people[name], now, code=None)
        await attendance.check_in(session, second, people["Nguyễn Văn An"], second.starts_at, code=None)
        await session.commit()
        together = await tallies.open_tallies(session, [first.id, second.id, planned.id, 10**30])
        alone = {m.id: await tallies.tally(session, m) for m in (first, second)}
    assert {mid: count for mid, (_meeting, count) in together.items()} == alone
    assert (alone[first.id].present, alone[first.id].counted, alone[first.id].present_exempt) == (2, 5, 1)
    assert (alone[second.id].present, alone[second.id].counted) == (1, 4)


async def test_answers_need_a_reason_and_a_meeting_ahead(app: AppContext) -> None:
    meeting_id, people = await open_meeting(app)
    async with app.sessions() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        with pytest.raises(DomainError) as caught:
            await attendance.answer(session, meeting, people["Lê Văn Cường"], Rsvp.ABSENT, "  ", app.clock.now())
        assert caught.value.key == "rsvp-too-late"  # check-in is open: the meeting is under way
    async with app.sessions() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        with pytest.raises(DomainError, match="absent-reason-missing"):
            attendance.clean_reason("   ")


async def test_close_due_closes_only_expired_check_ins(app: AppContext) -> None:
    meeting_id, _ = await open_meeting(app)
    async with app.sessions() as session:
        assert await attendance.close_due(session, app.clock.now() + timedelta(minutes=149)) == []
        closed = await attendance.close_due(session, app.clock.now() + timedelta(minutes=150))
        await session.commit()
    assert [(m.id, count.present) for m, count in closed] == [(meeting_id, 0)]
    async with app.sessions() as session:
        rows = await session.scalar(select(func.count()).select_from(Attendance))
    assert rows == 6  # every member of the cell has a settled row
