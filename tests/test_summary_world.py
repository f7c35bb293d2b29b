"""Holding meetings for report tests through the real attendance rules (answer, check in, close).

No tests here: the report tests import `hold_meeting` to build a history of settled meetings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from core.clock import FakeClock
from handlers.context import AppContext
from models import Meeting, Rsvp
from services import attendance
from services.meetings import schedule_meeting


async def hold_meeting(
    app: AppContext,
    cell_id: int,
    at: datetime,
    *,
    present: Iterable[int] = (),
    excused: Mapping[int, str] | None = None,
    said_yes: Iterable[int] = (),
    agenda: str = "Công tác tháng",
    close: bool = True,
) -> int:
    """Plan a meeting at `at` (the clock is moved there and back), take answers, check members in,
    and close check-in so every outcome is settled. Returns the meeting id."""
    clock = app.clock
    assert isinstance(clock, FakeClock)
    back_to = clock.now()
    clock.set(at - timedelta(days=3))
    async with app.sessions() as session, session.begin():
        meeting = await schedule_meeting(session, cell_id, at, clock.now(), place="Nhà văn hóa", agenda=agenda)
        for person_id, reason in (excused or {}).items():
            await attendance.answer(session, meeting, person_id, Rsvp.ABSENT, reason, clock.now())
        for person_id in said_yes:
            await attendance.answer(session, meeting, person_id, Rsvp.ATTEND, None, clock.now())
        meeting_id = meeting.id
    clock.set(at)
    async with app.sessions() as session, session.begin():
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        await attendance.open_checkin(session, meeting, clock.now(), 150, requires_code=False)
        for person_id in present:
            await attendance.check_in(session, meeting, person_id, clock.now(), code=None)
        if close:
            await attendance.close_checkin(session, meeting, clock.now() + timedelta(hours=2))
    clock.set(max(back_to, clock.now()))
    return meeting_id
