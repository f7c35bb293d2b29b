"""Uniqueness and integrity live in the database, not only in code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError

from handlers.context import AppContext
from models import Account, Attendance, ChatLink, Meeting, Membership, Platform, Rsvp
from tests.factories import build_world


async def test_one_attendance_row_per_member_per_meeting(app: AppContext) -> None:
    world = await build_world(app, meeting_at=app.clock.now() + timedelta(days=10))
    person = world.people["Lê Văn Cường"]
    async with app.sessions() as session:
        session.add(Attendance(meeting_id=world.meeting_id, person_id=person, rsvp=Rsvp.ATTEND))
        await session.commit()
        session.add(Attendance(meeting_id=world.meeting_id, person_id=person, rsvp=Rsvp.ABSENT))
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_one_account_per_platform_id_and_per_person(app: AppContext) -> None:
    world = await build_world(app)
    async with app.sessions() as session:
        session.add(Account(person_id=world.people["Trần Thị Bình"], platform=Platform.TELEGRAM, external_id="1001"))
        with pytest.raises(IntegrityError):
            await session.commit()
    async with app.sessions() as session:
        session.add(Account(person_id=world.people["Nguyễn Văn An"], platform=Platform.TELEGRAM, external_id="555"))
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_one_membership_per_person_and_cell(app: AppContext) -> None:
    world = await build_world(app)
    async with app.sessions() as session:
        session.add(Membership(person_id=world.people["Lê Văn Cường"], cell_id=world.cell_id))
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_a_chat_belongs_to_exactly_one_cell_or_committee(app: AppContext) -> None:
    world = await build_world(app)
    async with app.sessions() as session:
        session.add(ChatLink(platform=Platform.TELEGRAM, chat_id="-1", cell_id=None, committee_id=None))
        with pytest.raises(IntegrityError):
            await session.commit()
    async with app.sessions() as session:
        session.add(ChatLink(platform=Platform.TELEGRAM, chat_id="-1", cell_id=world.cell_id))
        session.add(ChatLink(platform=Platform.TELEGRAM, chat_id="-2", cell_id=world.cell_id))
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_enum_columns_refuse_unknown_values(app: AppContext) -> None:
    world = await build_world(app)
    async with app.sessions() as session:
        membership = await session.scalar(select(Membership).where(Membership.cell_id == world.cell_id))
        assert membership is not None
        membership.role = "truong_nhom"  # type: ignore[assignment]
        with pytest.raises((StatementError, LookupError)):
            await session.commit()


async def test_times_are_stored_in_utc_and_come_back_aware(app: AppContext) -> None:
    world = await build_world(app)
    hanoi = timezone(timedelta(hours=7))
    async with app.sessions() as session:
        meeting = Meeting(
            cell_id=world.cell_id, starts_at=datetime(2026, 12, 4, 19, 30, tzinfo=hanoi), created_at=app.clock.now()
        )
        session.add(meeting)
        await session.commit()
        meeting_id = meeting.id
    async with app.sessions() as session:
        loaded = await session.get(Meeting, meeting_id)
        assert loaded is not None
        assert loaded.starts_at == datetime(2026, 12, 4, 12, 30, tzinfo=UTC)
        assert loaded.starts_at.tzinfo is not None


async def test_naive_datetimes_are_refused(app: AppContext) -> None:
    world = await build_world(app)
    async with app.sessions() as session:
        session.add(Meeting(cell_id=world.cell_id, starts_at=datetime(2026, 12, 4, 19, 30), created_at=app.clock.now()))
        with pytest.raises(StatementError, match="naive datetime"):
            await session.commit()
