"""Time across DST: hour offsets are exact durations, day offsets keep the local hour, and a local
time the clocks skip or repeat is refused (one-off meetings) or moved and announced (monthly rule).

Europe/Berlin changes on 28/03/2027 (02:00 → 03:00) and 31/10/2027 (03:00 → 02:00); Vietnam never does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot import open_app
from core.clock import FakeClock
from core.config import Config, ConfigError, load_config
from core.localtime import Fit, days_before, resolve
from handlers.context import AppContext
from handlers.dispatcher import Dispatcher
from handlers.registry import ROUTER
from models import Meeting
from services.reminders import Kind, plan
from tests.chat import Chat
from tests.test_reminders import AN, Harness, linked_cell

BERLIN = ZoneInfo("Europe/Berlin")
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def config_in(zone: str, db_url: str = "sqlite+aiosqlite:///unused.db") -> Config:
    return Config.model_validate({"database": {"url": db_url}, "schedule": {"timezone": zone}})


def steps_of(start_local: datetime, zone: str) -> dict[Kind, list[datetime]]:
    meeting = Meeting(starts_at=start_local.astimezone(UTC))
    found: dict[Kind, list[datetime]] = {}
    for step in plan(meeting, config_in(zone)):
        found.setdefault(step.kind, []).append(step.at)
    return found


@pytest.mark.parametrize(
    ("start", "zone"),
    [
        # Just after spring-forward: the 2h reminder fired 1 h before.
        (datetime(2027, 3, 28, 3, 30, tzinfo=BERLIN), "Europe/Berlin"),
        (datetime(2027, 3, 28, 19, 30, tzinfo=BERLIN), "Europe/Berlin"),
        # Just after fall-back: the 2h reminder fired 3 h before.
        (datetime(2027, 10, 31, 3, 30, tzinfo=BERLIN), "Europe/Berlin"),
        (datetime(2027, 10, 31, 19, 30, tzinfo=BERLIN), "Europe/Berlin"),
        (datetime(2027, 3, 28, 3, 30, tzinfo=HANOI), "Asia/Ho_Chi_Minh"),
    ],
)
def test_hour_offsets_are_exact_and_day_offsets_keep_the_local_hour(start: datetime, zone: str) -> None:
    steps = steps_of(start, zone)
    instant = start.astimezone(UTC)
    [soon] = steps[Kind.SOON]
    assert instant - soon == timedelta(hours=2)
    [announce], [nudge] = steps[Kind.ANNOUNCE], steps[Kind.NUDGE]
    for at, days in ((announce, 3), (nudge, 1)):
        local = at.astimezone(ZoneInfo(zone))
        assert (local.date(), local.time()) == (start.date() - timedelta(days=days), start.time())


def test_a_day_offset_landing_in_a_gap_goes_to_the_first_time_that_exists() -> None:
    # 02:30 on 31/03/2027 minus 3 days is 02:30 on 28/03, which does not exist in Berlin.
    start = datetime(2027, 3, 31, 2, 30, tzinfo=BERLIN)
    assert days_before(start.astimezone(UTC), 3, BERLIN) == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)


def test_resolve_names_gaps_and_repeats() -> None:
    gap = resolve(date(2027, 3, 28), time(2, 30), BERLIN)
    assert (gap.fit, gap.at) == (Fit.GAP, datetime(2027, 3, 28, 1, 0, tzinfo=UTC))
    twice = resolve(date(2027, 10, 31), time(2, 30), BERLIN)
    assert (twice.fit, twice.at) == (Fit.AMBIGUOUS, datetime(2027, 10, 31, 0, 30, tzinfo=UTC))
    plain = resolve(date(2027, 3, 28), time(2, 30), HANOI)
    assert (plain.fit, plain.at) == (Fit.EXACT, datetime(2027, 3, 27, 19, 30, tzinfo=UTC))


@pytest.mark.parametrize(
    "zone", ["localtime", "posixrules", "Factory", "right/Europe/Berlin", "posix/Asia/Ho_Chi_Minh"]
)
def test_a_zone_that_is_not_an_iana_name_is_refused(tmp_path: Path, zone: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[schedule]\ntimezone = "{zone}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=f"schedule.timezone = '{zone}'"):
        load_config(path, environ={})


@pytest.fixture
async def berlin(db_url: str) -> AsyncIterator[tuple[AppContext, FakeClock]]:
    clock = FakeClock(datetime(2027, 3, 20, 12, 0, tzinfo=UTC))
    async with open_app(config_in("Europe/Berlin", db_url), clock) as app:
        yield app, clock


@pytest.mark.parametrize(
    ("today", "typed", "start"),
    [
        (datetime(2027, 3, 20, 12, 0, tzinfo=UTC), "28/03/2027 03:30", datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),
        (datetime(2027, 10, 23, 12, 0, tzinfo=UTC), "31/10/2027 03:30", datetime(2027, 10, 31, 2, 30, tzinfo=UTC)),
    ],
)
async def test_reminders_go_out_at_the_right_instants_across_dst(
    berlin: tuple[AppContext, FakeClock], today: datetime, typed: str, start: datetime
) -> None:
    app, clock = berlin
    clock.set(today)
    await linked_cell(app)
    chat = Chat(Dispatcher(app, ROUTER))
    assert "Đã đặt lịch họp" in (await chat.say(AN, f"/datlich {typed}")).text
    harness = Harness(app, clock)
    await harness.run_until(start + timedelta(minutes=30), step=timedelta(minutes=30))
    moments = sorted({s.at for s in harness.sent})
    local = start.astimezone(BERLIN)
    same_hour = [
        datetime.combine(local.date() - timedelta(days=d), local.time(), tzinfo=BERLIN).astimezone(UTC) for d in (3, 1)
    ]
    assert moments == [*same_hour, start - timedelta(hours=2), start]


async def test_a_one_off_time_the_clocks_skip_or_repeat_is_refused(berlin: tuple[AppContext, FakeClock]) -> None:
    app, _clock = berlin
    await linked_cell(app)
    chat = Chat(Dispatcher(app, ROUTER))
    skipped = (await chat.say(AN, "/datlich 28/03/2027 02:30")).text
    assert "không có giờ 02:30" in skipped
    assert "03:00" in skipped
    repeated = (await chat.say(AN, "/datlich 31/10/2027 02:30")).text
    assert "diễn ra hai lần" in repeated
    async with app.sessions() as session:
        assert (await session.scalars(select(Meeting))).all() == []
    # The hour next to it is fine, and announced as what clocks will show.
    assert "03:00" in (await chat.say(AN, "/datlich 28/03/2027 03:00")).text


async def set_monthly_rule(app: AppContext, rule: str) -> tuple[str, dict[str | None, datetime]]:
    """The secretary sets a rule outside the committee's window (confirmed); the reply and the planned starts."""
    await linked_cell(app)
    chat = Chat(Dispatcher(app, ROUTER))
    await chat.say(AN, f"/datlich hangthang {rule}")
    said = (await chat.say(AN, "có")).text
    async with app.sessions() as session:
        starts = {m.rule_month: m.starts_at for m in (await session.scalars(select(Meeting))).all()}
    return said, starts


async def test_a_monthly_rule_in_the_gap_moves_to_the_first_valid_time_and_says_so(
    berlin: tuple[AppContext, FakeClock],
) -> None:
    said, starts = await set_monthly_rule(berlin[0], "28 02:30")
    assert "ngày 28/03/2027 không có giờ 02:30" in said
    assert "đặt lúc 03:00" in said
    assert starts["2027-03"] == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    # April has 02:30 (summer time): no adjustment there.
    assert starts["2027-04"] == datetime(2027, 4, 28, 0, 30, tzinfo=UTC)
    assert said.count("Lưu ý") == 1


async def test_a_monthly_rule_at_a_repeated_time_takes_the_first_and_says_so(
    berlin: tuple[AppContext, FakeClock],
) -> None:
    app, clock = berlin
    clock.set(datetime(2026, 10, 1, 12, 0, tzinfo=UTC))
    said, starts = await set_monthly_rule(app, "25 02:30")
    # Berlin goes back from 03:00 to 02:00 on 25/10/2026.
    assert "ngày 25/10/2026, giờ 02:30 diễn ra hai lần" in said
    assert "lần đầu (02:30 giờ UTC+02:00)" in said
    assert starts["2026-10"] == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
