"""Monthly rules become planned meetings: defaults, skip dates, hand-made meetings, rule changes, time zones."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, make_url, select

from bot import open_app
from core.clock import FakeClock
from core.config import Config, ConfigError, load_config
from handlers.context import AppContext
from handlers.reminders import renderer
from models import Cell, Meeting, MeetingKind, MeetingState, OutboxMessage, ReminderStep
from services import planning, reminders
from services.meetings import schedule_meeting
from tests.test_processes import engine_of
from tests.test_reminders import AN, GROUP, Harness, linked_cell, only_meeting, utc


async def plan_cell1(app: AppContext, *, rule_changed: bool = False, **rule: object) -> planning.PlanReport:
    async with app.sessions() as session:
        cell = await session.scalar(select(Cell).where(Cell.name == "Chi bộ Khu phố 1"))
        assert cell is not None
        for name, value in rule.items():
            setattr(cell, name, value)
        report = await planning.plan_cell(
            session, cell, app.config, app.clock.now(), renderer(app), rule_changed=rule_changed
        )
        await session.commit()
        return report


async def planned(app: AppContext) -> list[tuple[str | None, datetime, str | None]]:
    async with app.sessions() as session:
        rows = await session.execute(
            select(Meeting.rule_month, Meeting.starts_at, Meeting.place)
            .join(Cell)
            .where(Cell.name == "Chi bộ Khu phố 1", Meeting.state != MeetingState.CANCELLED)
            .order_by(Meeting.starts_at)
        )
        return [tuple(r) for r in rows.all()]  # type: ignore[misc]


@pytest.fixture
async def skip_app(db_url: str, clock: FakeClock) -> AsyncIterator[AppContext]:
    """Tết 2027 falls on 6 February: the committee skips 3-4 February and the whole of 5 January."""
    config = Config.model_validate(
        {
            "database": {"url": db_url},
            "schedule": {"skip_dates": ["2027-02-03..2027-02-04", "2027-01-03..2027-01-05"], "plan_months": 3},
        }
    )
    async with open_app(config, clock) as context:
        yield context


async def test_the_default_rule_plans_the_next_two_months_once(app: AppContext) -> None:
    await linked_cell(app)
    report = await plan_cell1(app)
    # 23 November: this month's window has passed; 3 December and 3 January, 19:30 in Hanoi.
    assert await planned(app) == [
        ("2026-12", utc(12, 3, 12, 30), None),
        ("2027-01", utc(1, 3, 12, 30, year=2027), None),
    ]
    assert len(report.planned) == 2
    again = await plan_cell1(app)
    assert again.planned == []
    assert len(await planned(app)) == 2


@pytest.mark.parametrize("database_backend", ["sqlite"], indirect=True)
async def test_a_commit_by_another_connection_mid_plan_cannot_fail_it(app: AppContext, db_url: str) -> None:
    """The outbox sender commits while a cell is planned. A meeting is written after its overlap
    check, inside a savepoint; that read's snapshot was stale after the other commit, so the write
    failed at once with "database is locked" and the months waited for the next day's run. The
    planner now holds SQLite's write lock from the start: the other writer waits instead."""
    await linked_cell(app)
    other = sqlite3.connect(str(make_url(db_url).database), timeout=0.2, isolation_level=None)
    interfered: list[str] = []

    def meanwhile(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.startswith("INSERT INTO meetings") and not interfered:
            try:
                other.execute("UPDATE cells SET name = name")
                interfered.append("committed")
            except sqlite3.OperationalError:
                interfered.append("waited")

    sync_engine = engine_of(app).sync_engine
    event.listen(sync_engine, "before_cursor_execute", meanwhile)
    try:
        report = await plan_cell1(app)
    finally:
        event.remove(sync_engine, "before_cursor_execute", meanwhile)
        other.close()
    assert interfered == ["waited"]
    assert len(report.planned) == 2


async def test_the_cells_rule_and_this_month_when_still_ahead(app: AppContext, clock: FakeClock) -> None:
    await linked_cell(app)
    clock.set(utc(12, 1, 0))
    await plan_cell1(app, rule_day=4, rule_time="07:15", rule_place="Hội trường UBND phường")
    assert await planned(app) == [
        ("2026-12", utc(12, 4, 0, 15), "Hội trường UBND phường"),
        ("2027-01", utc(1, 4, 0, 15, year=2027), "Hội trường UBND phường"),
        ("2027-02", utc(2, 4, 0, 15, year=2027), "Hội trường UBND phường"),
    ]


async def test_skip_dates_move_the_meeting_or_tell_the_secretary(skip_app: AppContext, clock: FakeClock) -> None:
    app = skip_app
    await linked_cell(app)
    report = await plan_cell1(app)
    assert await planned(app) == [
        ("2026-12", utc(12, 3, 12, 30), None),
        ("2027-02", utc(2, 5, 12, 30, year=2027), None),  # 3 and 4 Feb skipped: the 5th, last day of the window
    ]
    assert report.no_day == ["2027-01"]
    notices = await Harness(app, clock).rows(kind="noday")
    assert [n.chat_id for n in notices] == [AN]
    assert notices[0].key.endswith(":noday.2027-01:telegram:1001")
    assert "Tháng 01/2027" in notices[0].text
    assert "3-5" in notices[0].text
    await plan_cell1(app)
    assert len(await Harness(app, clock).rows(kind="noday")) == 1  # told once


async def test_a_regular_meeting_made_by_hand_takes_the_months_place(app: AppContext, clock: FakeClock) -> None:
    cell_id = await linked_cell(app)
    async with app.sessions() as session:
        await schedule_meeting(session, cell_id, utc(12, 10, 12), clock.now(), kind=MeetingKind.REGULAR)
        await schedule_meeting(session, cell_id, utc(1, 3, 12, 30, year=2027), clock.now(), kind=MeetingKind.THEMATIC)
        await session.commit()
    report = await plan_cell1(app)
    assert report.planned == []
    assert report.clashes == ["2027-01"]  # a thematic meeting at the very same time
    assert [(m, at) for m, at, _ in await planned(app)] == [
        (None, utc(12, 10, 12)),
        (None, utc(1, 3, 12, 30, year=2027)),
    ]


async def test_changing_the_rule_moves_planned_meetings_and_tells_those_reminded(
    app: AppContext, clock: FakeClock
) -> None:
    await linked_cell(app)
    h = Harness(app, clock)
    await h.plan()
    await h.run_until(utc(11, 30, 13))  # December's announcement went out at 12:30
    announced = {s.chat for s in h.sent}
    report = await plan_cell1(app, rule_changed=True, rule_day=5, rule_time="08:00", rule_place="Nhà bác Tư")
    assert len(report.moved) == 2
    assert await planned(app) == [
        ("2026-12", utc(12, 5, 1), "Nhà bác Tư"),
        ("2027-01", utc(1, 5, 1, year=2027), "Nhà bác Tư"),
    ]
    await h.tick()
    moved = [s for s in h.sent if s.text.startswith("🔁")]
    assert {s.chat for s in moved} == announced
    assert all("Thứ Bảy, 05/12/2026 lúc 08:00" in s.text and "Nhà bác Tư" in s.text for s in moved)
    assert next(s for s in moved if s.chat == GROUP).buttons  # members can answer again for the new day
    # The announcement is due again three days before the new day, and only then.
    before = len(h.sent)
    await h.run_until(utc(12, 2, 0, 30))
    assert len(h.sent) == before
    await h.run_until(utc(12, 2, 1, 30))
    assert {s.chat for s in h.sent[before:]} == announced
    # The daily planning does not move a meeting the secretary moved by hand afterwards.
    december = (await planned(app))[0]
    async with app.sessions() as session:
        meeting = await session.get(Meeting, (await only_meeting(app)).id)
        assert meeting is not None
        await reminders.move_meeting(session, meeting, utc(12, 6, 1), app.config, clock.now(), h.render, place="X")
        await session.commit()
    await plan_cell1(app)
    assert (await planned(app))[0] != december
    assert (await planned(app))[0][1] == utc(12, 6, 1)


@pytest.fixture
def process_tz(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test with the process's own time zone set, as a server's TZ would be."""
    zone: str = request.param
    saved = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    yield zone
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    time.tzset()


@pytest.mark.parametrize("process_tz", ["UTC", "America/New_York"], indirect=True)
async def test_the_plan_does_not_depend_on_the_servers_time_zone(app: AppContext, process_tz: str) -> None:
    """Meetings and every reminder moment are the same whatever TZ the process runs in."""
    assert time.localtime(0).tm_zone in ("UTC", "EST")
    await linked_cell(app)
    await plan_cell1(app, rule_day=4, rule_time="19:30")
    meeting = await only_meeting(app)
    steps = [(s.name, s.at) for s in reminders.plan(meeting, app.config)]
    assert steps == [
        ("announce", utc(12, 1, 12, 30)),
        ("nudge-1440m", utc(12, 3, 12, 30)),
        ("soon-120m", utc(12, 4, 10, 30)),
        ("open", utc(12, 4, 12, 30)),
    ]


async def test_day_offsets_keep_the_local_wall_clock_across_daylight_saving(db_url: str) -> None:
    """In a zone with summer time, "3 days before" is the same local hour, not 72 hours before."""
    config = Config.model_validate({"database": {"url": db_url}, "schedule": {"timezone": "Europe/Berlin"}})
    clock = FakeClock(datetime(2027, 3, 20, tzinfo=UTC))
    async with open_app(config, clock) as app:
        await linked_cell(app)
        await plan_cell1(app)
        meeting = await only_meeting(app, "2027-04")
        # 3 April 19:30 CEST (UTC+2); 31 March 19:30 is also summer time, 28 March was the change.
        assert meeting.starts_at == datetime(2027, 4, 3, 17, 30, tzinfo=UTC)
        announce = reminders.plan(meeting, config)[0].at
        assert announce == datetime(2027, 3, 31, 17, 30, tzinfo=UTC)


async def test_steps_are_written_once_when_two_ticks_see_them_due(app: AppContext, clock: FakeClock) -> None:
    await linked_cell(app)
    h = Harness(app, clock)
    await h.plan()
    meeting = (await planned(app))[0]
    clock.set(meeting[1] - timedelta(days=3))
    first = (await only_meeting(app)).id
    async with app.sessions() as one, app.sessions() as two:
        written = await reminders.write_due_steps(one, first, app.config, clock.now(), h.render)
        await one.commit()
        again = await reminders.write_due_steps(two, first, app.config, clock.now(), h.render)
        await two.commit()
    assert written == 7
    assert again == 0
    async with app.sessions() as session:
        steps = (await session.scalars(select(ReminderStep.step).where(ReminderStep.meeting_id == first))).all()
        rows = (await session.scalars(select(OutboxMessage.id).where(OutboxMessage.meeting_id == first))).all()
    assert steps == ["announce"]
    assert len(rows) == 7


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ('[schedule]\nskip_dates = ["2027-02-30"]', "schedule.skip_dates"),
        ('[schedule]\nskip_dates = ["2027-02-10..2027-02-05"]', "schedule.skip_dates"),
        ("[schedule]\nplan_months = 0", "schedule.plan_months"),
        ('[schedule]\nmeeting_days = "30-31"', "schedule.meeting_days"),
        ('[reminders]\noffsets = ["3d", "72h"]', "reminders.offsets"),
        ('[reminders]\noffsets = ["3x"]', "reminders.offsets"),
        ("[reminders]\nresend_minutes = 0", "reminders.resend_minutes"),
        ("[reminders]\nclaim_seconds = 1", "reminders.claim_seconds"),
        ("[reminders]\ndispatch_seconds = 0", "reminders.dispatch_seconds"),
        ("[reminders]\nsummary_after_hours = -24", "reminders.summary_after_hours"),
    ],
)
def test_impossible_reminder_settings_stop_start_up(tmp_path: Path, toml: str, named: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")) as refused:
        load_config(path, environ={})
    assert "Traceback" not in str(refused.value)
