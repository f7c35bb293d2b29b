"""Check-in presses written together (handlers/checkin_batch.py): a room pressing "Có mặt" at
once, with the double taps, strangers, second accounts and redeliveries a burst brings."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import FakeClock
from core.messages import ChatKind, Incoming, Response
from handlers.context import AppContext
from handlers.dispatcher import Dispatcher
from models import Account, Attendance, Meeting, Platform, ProcessedUpdate
from services import attendance, presses
from services.presses import Press
from tests.chat import GROUP
from tests.factories import build_world

SECRETARY, DEPUTY, MEMBER, PROBATIONARY, EXEMPT, OTHER_CELL = "1001", "1002", "1003", "1004", "1005", "2001"
DONE = "Đã điểm danh. Cảm ơn đồng chí!"


async def open_checkin(app: AppContext, clock: FakeClock) -> int:
    world = await build_world(app, meeting_at=clock.now() + timedelta(minutes=30))
    assert world.meeting_id is not None
    async with app.sessions() as session:
        meeting = await session.get_one(Meeting, world.meeting_id)
        await attendance.open_checkin(session, meeting, clock.now(), 90, requires_code=False)
        await session.commit()
    return world.meeting_id


def press(user: str, meeting_id: int, *, platform: Platform = Platform.TELEGRAM, update: str | None = None) -> Incoming:
    return Incoming(
        platform=platform,
        user_id=user,
        user_name="Người dùng",
        chat_id=GROUP,
        chat_kind=ChatKind.GROUP,
        button=f"ci:{meeting_id}",
        message_id="77",
        update_id=update,
    )


@pytest.fixture
def batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every batch written."""
    sizes: list[int] = []
    record = presses.first_presses

    async def counted(session: AsyncSession, presses: Collection[Press], now: datetime) -> set[Press]:
        sizes.append(len(presses))
        return await record(session, presses, now)

    monkeypatch.setattr(presses, "first_presses", counted)
    return sizes


async def checked_in(app: AppContext, meeting_id: int) -> int:
    async with app.sessions() as session:
        present = select(func.count()).where(Attendance.meeting_id == meeting_id, Attendance.checked_in_at.is_not(None))
        return int(await session.scalar(present) or 0)


async def test_a_room_pressing_at_once_is_written_in_one_batch_and_each_press_answered(
    app: AppContext, dispatcher: Dispatcher, clock: FakeClock, batches: list[int]
) -> None:
    meeting_id = await open_checkin(app, clock)
    users = [SECRETARY, DEPUTY, MEMBER, PROBATIONARY, EXEMPT, MEMBER, OTHER_CELL]
    answers = await asyncio.gather(*(dispatcher.handle(press(u, meeting_id)) for u in users))
    toasts = dict(enumerate(a.toast for a in answers))
    assert batches == [6]  # the double tap is one press to write, the stranger another
    assert [toasts[i] for i in range(5)] == [DONE] * 5
    assert toasts[5] == "Đồng chí đã điểm danh cuộc họp ngày 23/11/2026."
    assert toasts[6] == "Đồng chí không thuộc chi bộ của cuộc họp này."
    assert await checked_in(app, meeting_id) == 5
    # Each press asked for the counter's edit; the batch made none of the answers wait for another's.
    assert all(a.edits for a in answers[:5])


async def test_a_member_pressing_from_two_accounts_in_one_batch_counts_once(
    app: AppContext, dispatcher: Dispatcher, clock: FakeClock, batches: list[int]
) -> None:
    meeting_id = await open_checkin(app, clock)
    async with app.sessions() as session:
        telegram = await session.scalar(select(Account).where(Account.external_id == MEMBER))
        assert telegram is not None
        session.add(Account(person_id=telegram.person_id, platform=Platform.ZALO, external_id="z-1003"))
        await session.commit()
    answers = await asyncio.gather(
        dispatcher.handle(press(MEMBER, meeting_id)),
        dispatcher.handle(press("z-1003", meeting_id, platform=Platform.ZALO)),
    )
    assert batches == [2]
    assert sorted(str(a.toast) for a in answers) == sorted([DONE, "Đồng chí đã điểm danh cuộc họp ngày 23/11/2026."])
    assert await checked_in(app, meeting_id) == 1


async def test_a_failed_batch_fails_each_of_its_presses_and_the_next_press_is_written(
    app: AppContext, dispatcher: Dispatcher, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting_id = await open_checkin(app, clock)
    record = presses.first_presses

    async def broken(session: AsyncSession, presses: Collection[Press], now: datetime) -> set[Press]:
        await record(session, presses, now)  # written, then the transaction fails: nothing may stay
        raise RuntimeError("disk full")

    monkeypatch.setattr(presses, "first_presses", broken)
    answers = await asyncio.gather(*(dispatcher.handle(press(u, meeting_id)) for u in (SECRETARY, MEMBER)))
    internal = "Đã có lỗi khi xử lý yêu cầu, chưa có gì bị thay đổi. Vui lòng thử lại sau."
    assert [a.toast for a in answers] == [internal, internal]
    assert await checked_in(app, meeting_id) == 0
    monkeypatch.setattr(presses, "first_presses", record)
    assert (await dispatcher.handle(press(MEMBER, meeting_id))).toast == DONE
    assert await checked_in(app, meeting_id) == 1


async def test_a_redelivered_press_does_nothing_and_its_mark_is_written_with_the_check_in(
    app: AppContext, dispatcher: Dispatcher, clock: FakeClock
) -> None:
    meeting_id = await open_checkin(app, clock)
    first = await asyncio.gather(
        dispatcher.handle(press(MEMBER, meeting_id, update="501")),
        dispatcher.handle(press(MEMBER, meeting_id, update="502")),  # a double tap: two updates
    )
    assert [a.toast for a in first] == [DONE, "Đồng chí đã điểm danh cuộc họp ngày 23/11/2026."]
    async with app.sessions() as session:
        marks = (await session.scalars(select(ProcessedUpdate.update_id).order_by(ProcessedUpdate.update_id))).all()
    assert marks == ["501", "502"]
    # Telegram delivers both again (we died before answering): neither acts or answers twice.
    again = await asyncio.gather(*(dispatcher.handle(press(MEMBER, meeting_id, update=u)) for u in ("501", "502")))
    assert again == [Response(), Response()]
    assert await checked_in(app, meeting_id) == 1


async def test_a_press_cancelled_while_its_batch_is_written_does_not_stop_the_others(
    app: AppContext, dispatcher: Dispatcher, clock: FakeClock
) -> None:
    meeting_id = await open_checkin(app, clock)
    gone = asyncio.create_task(dispatcher.handle(press(SECRETARY, meeting_id)))
    kept = asyncio.create_task(dispatcher.handle(press(MEMBER, meeting_id)))
    await asyncio.sleep(0)  # both wait for the batch, which has not been written yet
    gone.cancel()
    assert (await kept).toast == DONE
    with pytest.raises(asyncio.CancelledError):
        await gone
    # The cancelled press was written with its batch: pressing again is told so.
    assert (await dispatcher.handle(press(SECRETARY, meeting_id))).toast == (
        "Đồng chí đã điểm danh cuộc họp ngày 23/11/2026."
    )
    assert await checked_in(app, meeting_id) == 2


async def test_a_forged_press_in_the_burst_does_not_fail_the_members_batch(
    app: AppContext, dispatcher: Dispatcher, clock: FakeClock, batches: list[int]
) -> None:
    """A 30-digit meeting id would overflow PostgreSQL's INTEGER and fail the whole batch: it is
    refused when the button is read, before it can join one."""
    meeting_id = await open_checkin(app, clock)
    forged = replace(press(MEMBER, meeting_id), button="ci:" + "9" * 30)
    answers = await asyncio.gather(dispatcher.handle(forged), dispatcher.handle(press(SECRETARY, meeting_id)))
    assert batches == [1]
    assert answers[0].toast == "Nút này đã hết hiệu lực."
    assert answers[1].toast == DONE
    assert await checked_in(app, meeting_id) == 1
