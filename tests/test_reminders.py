"""The reminder plan, played with a controllable clock against recording senders.

The other reminder, planning, dispatch and scheduler tests import the harness from here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from markupsafe import Markup
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import open_app
from channels.plain import to_plain
from core.clock import FakeClock
from core.config import Config
from core.messages import Address, Edit, Keyboard
from handlers.context import AppContext
from handlers.delivery import TransientFailure, Undeliverable
from handlers.dispatcher import Dispatcher
from handlers.registry import ROUTER
from handlers.reminders import renderer
from models import Account, Cell, ChatLink, Meeting, OutboxMessage, OutboxState, Person, Platform, Rsvp
from scheduler import jobs
from scheduler.dispatch import OutboxDispatcher
from services import attendance, planning
from tests.chat import GROUP, Chat
from tests.factories import build_world, connect_everyone

AN, BINH, CUONG, DUNG, EM, GIANG, KHANG = "1001", "1002", "1003", "1004", "1005", "9001", "2001"
PHUONG = "z-1006"


@dataclass(frozen=True)
class Sent:
    at: datetime
    platform: Platform
    chat: str
    text: str
    buttons: tuple[str, ...]


@dataclass
class RecordingSender:
    """A channel that records what it was asked to send; `faults` are raised once each, per chat."""

    clock: FakeClock
    platform: Platform
    sent: list[Sent] = field(default_factory=list)
    faults: dict[str, list[Exception]] = field(default_factory=dict)
    # Shared by the senders of one harness: everything in the order it went out.
    log: list[Sent] = field(default_factory=list)

    async def send(self, to: Address, text: Markup, buttons: Keyboard = ()) -> str:
        assert to.platform is self.platform
        pending = self.faults.get(to.chat_id)
        if pending:
            raise pending.pop(0)
        flat = tuple(b.packed for row in buttons for b in row)
        sent = Sent(self.clock.now(), to.platform, to.chat_id, to_plain(text), flat)
        self.sent.append(sent)
        self.log.append(sent)
        return str(len(self.sent))

    async def edit(self, edit: Edit) -> None:
        raise AssertionError("reminders never edit")


class Harness:
    """The scheduler's jobs driven by hand: plan, tick, and what went out."""

    def __init__(self, app: AppContext, clock: FakeClock) -> None:
        self.app = app
        self.clock = clock
        self.render = renderer(app)
        self.log: list[Sent] = []
        self.telegram = RecordingSender(clock, Platform.TELEGRAM, log=self.log)
        self.zalo = RecordingSender(clock, Platform.ZALO, log=self.log)
        self.slept: list[float] = []
        self.dispatcher = OutboxDispatcher(
            app.sessions,
            clock,
            {Platform.TELEGRAM: self.telegram, Platform.ZALO: self.zalo},
            claim_seconds=60,
            sleep=self._sleep,
        )
        self.ticker = jobs.Ticker(app, self.dispatcher, self.render)

    async def _sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.clock.advance(timedelta(seconds=seconds))

    @property
    def sent(self) -> list[Sent]:
        """What cell 1 received, in order (cell 2, whose secretary is Khang, runs its own plan alongside)."""
        return [s for s in self.log if s.chat != KHANG]

    async def plan(self) -> int:
        return await jobs.plan_ahead(self.app, self.render)

    async def tick(self) -> None:
        await self.ticker.tick()
        await jobs.close_due_checkins(self.app, self.dispatcher.senders)

    async def run_until(self, until: datetime, step: timedelta = timedelta(hours=1)) -> None:
        while self.clock.now() < until:
            self.clock.advance(min(step, until - self.clock.now()))
            await self.tick()

    async def rows(self, **where: object) -> list[OutboxMessage]:
        async with self.app.sessions() as session:
            query = select(OutboxMessage).filter_by(**where).order_by(OutboxMessage.id)
            return list((await session.scalars(query)).all())


async def linked_cell(app: AppContext, *, connected: bool = True) -> int:
    """The standard roster with cell 1's Telegram group linked; Phương is on Zalo. `connected`:
    every account has written to the bot already (else the bot writes to none of them)."""
    world = await build_world(app)
    async with app.sessions() as session:
        session.add(ChatLink(platform=Platform.TELEGRAM, chat_id=GROUP, cell_id=world.cell_id))
        await session.commit()
    if connected:
        await connect_everyone(app)
    return world.cell_id


async def only_meeting(app: AppContext, month: str = "2026-12") -> Meeting:
    async with app.sessions() as session:
        meeting = await session.scalar(
            select(Meeting).join(Cell).where(Meeting.rule_month == month, Cell.name == "Chi bộ Khu phố 1")
        )
    assert meeting is not None
    return meeting


def utc(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def who(sent: list[Sent]) -> list[tuple[datetime, str, str]]:
    return [(s.at, s.chat, s.text.splitlines()[0]) for s in sent]


@pytest.fixture
async def month_app(db_url: str, clock: FakeClock) -> AsyncIterator[AppContext]:
    """Check-in lasts two hours, so every moment of the month falls on a whole hour."""
    config = Config.model_validate({"database": {"url": db_url}, "schedule": {"checkin_minutes": 120}})
    async with open_app(config, clock) as context:
        yield context


async def test_a_whole_month_from_the_rule_to_the_summary_reminder(month_app: AppContext, clock: FakeClock) -> None:
    """Rule → planned meeting → every reminder → check-in → close → summary reminder, hour by hour."""
    app = month_app
    chat = Chat(Dispatcher(app, ROUTER))
    cell_id = await linked_cell(app)
    async with app.sessions() as session:
        cell = await session.get(Cell, cell_id)
        assert cell is not None
        cell.rule_day, cell.rule_time, cell.rule_place = 3, "19:00", "Nhà văn hóa khu phố 1"
        await session.commit()
    h = Harness(app, clock)
    assert await h.plan() == 4  # both cells, December and January
    meeting = await only_meeting(app)
    assert meeting.starts_at == utc(12, 3, 12)  # 19:00 in Hanoi
    assert (await only_meeting(app, "2027-01")).starts_at == utc(1, 3, 12, year=2027)

    # Three days before, 19:30 local: the announcement.
    await h.run_until(utc(11, 30, 12))
    announced = h.sent
    assert sorted((s.chat, s.buttons) for s in announced) == [
        (GROUP, (f"rsvp:{meeting.id}:yes", f"rsvp:{meeting.id}:no")),
        (AN, (f"rsvp:{meeting.id}:yes", f"rsvp:{meeting.id}:no")),
        (BINH, (f"rsvp:{meeting.id}:yes", f"rsvp:{meeting.id}:no")),
        (CUONG, (f"rsvp:{meeting.id}:yes", f"rsvp:{meeting.id}:no")),
        (DUNG, (f"rsvp:{meeting.id}:yes", f"rsvp:{meeting.id}:no")),
        (GIANG, ()),  # the supervisor following the cell: informed, not asked
        (PHUONG, (f"rsvp:{meeting.id}:yes", f"rsvp:{meeting.id}:no")),
    ]
    assert {s.at for s in announced} == {utc(11, 30, 12)}
    assert "Thứ Năm, 03/12/2026 lúc 19:00" in announced[0].text
    assert "Nhà văn hóa khu phố 1" in announced[0].text

    # Members answer with the buttons they were sent: Cường will come, Dung excuses herself.
    await h.run_until(utc(12, 1, 3))
    assert "Đã ghi nhận" in (await chat.press(CUONG, f"rsvp:{meeting.id}:yes")).toast
    await chat.press(DUNG, f"rsvp:{meeting.id}:no")
    assert "Đã ghi nhận" in (await chat.say(DUNG, "Đi công tác Đà Nẵng")).text

    # One day before: only those who have not answered, and the tally for the secretary.
    await h.run_until(utc(12, 2, 12))
    day_before = h.sent[len(announced) :]
    assert sorted(s.chat for s in day_before if s.text.startswith("⏰")) == [AN, BINH, PHUONG]
    tally = [s for s in day_before if s.text.startswith("📋")]
    assert [(s.chat, s.at) for s in tally] == [(AN, utc(12, 2, 12))]
    assert "1 đồng chí sẽ dự, 1 xin vắng, 3 chưa trả lời" in tally[0].text
    assert "phát hành tài liệu" in tally[0].text
    assert len(day_before) == 4

    # Two hours before: a short notice in the group only.
    before = len(h.sent)
    await h.run_until(utc(12, 3, 10))
    assert who(h.sent[before:]) == [(utc(12, 3, 10), GROUP, h.sent[-1].text.splitlines()[0])]
    assert "19:00" in h.sent[-1].text

    # At the start the secretary gets the button that opens check-in, and uses it.
    await h.run_until(utc(12, 3, 12))
    opened = h.sent[-1]
    assert (opened.chat, opened.at, opened.buttons) == (AN, utc(12, 3, 12), (f"open:{meeting.id}",))
    said = await chat.press(AN, f"open:{meeting.id}")
    assert said.toast
    await chat.press(CUONG, f"ci:{meeting.id}", group=GROUP)

    # Check-in closes by itself after two hours; 24 hours later, with no summary, the secretary is told once.
    count = len(h.sent)
    await h.run_until(utc(12, 4, 14))
    summary = h.sent[count:]
    assert [(s.chat, s.at) for s in summary] == [(AN, utc(12, 4, 14))]
    assert "/tongket" in summary[0].text
    await h.run_until(utc(12, 23, 0))
    assert len(h.sent) == count + 1  # nothing else in December: January's announcement is due on 31 Dec

    rows = [r for r in await h.rows(state=OutboxState.SENT) if r.chat_id != KHANG]
    assert len(rows) == len(h.sent)
    assert {r.kind for r in rows} == {"announce", "nudge", "tally", "soon", "open", "summary"}
    assert await h.rows(state=OutboxState.PENDING) == []


async def test_planning_twice_plans_nothing_more(app: AppContext, clock: FakeClock) -> None:
    await linked_cell(app)
    h = Harness(app, clock)
    assert await h.plan() == 4
    assert await h.plan() == 0
    async with app.sessions() as session:
        cell = await session.scalar(select(Cell).where(Cell.id == (await only_meeting(app)).cell_id))
        assert cell is not None
        report = await planning.plan_cell(session, cell, app.config, clock.now(), h.render)
    assert report.planned == []


async def answer(app: AppContext, person: str, meeting_id: int, rsvp: Rsvp, reason: str | None = None) -> None:
    async with app.sessions() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        await attendance.answer(session, meeting, await person_id(session, person), rsvp, reason, app.clock.now())
        await session.commit()


async def person_id(session: AsyncSession, external_id: str) -> int:
    found = await session.scalar(select(Account.person_id).where(Account.external_id == external_id))
    assert found is not None
    return found


async def test_after_downtime_late_reminders_go_out_once_and_nothing_after_the_start(
    app: AppContext, clock: FakeClock
) -> None:
    """Down from before the announcement until 12 hours before the meeting: one message per member
    (the announcement, not the day-before nudge as well), the tally still reaches the secretary; a
    message that could not go out before the start is dropped, never sent late."""
    await linked_cell(app)
    h = Harness(app, clock)
    await h.plan()
    meeting = await only_meeting(app)
    del h.dispatcher.senders[Platform.ZALO]  # Phương's chat app is down for the whole meeting
    clock.set(meeting.starts_at - timedelta(hours=12))
    await h.tick()
    first = h.sent
    assert sorted(s.chat for s in first if s.text.startswith("📢")) == [GROUP, AN, BINH, CUONG, DUNG, GIANG]
    assert [s.chat for s in first if s.text.startswith("📋")] == [AN]
    assert len(first) == 7  # no nudge, no second group message
    await h.run_until(meeting.starts_at - timedelta(minutes=30), step=timedelta(minutes=30))
    assert [s.chat for s in h.sent[len(first) :]] == [GROUP]  # the two-hours notice, on time
    await h.run_until(meeting.starts_at + timedelta(hours=1))
    assert [s.chat for s in h.sent[len(first) + 1 :]] == [AN]  # the open-check-in button
    zalo = await h.rows(chat_id=PHUONG)
    assert [(r.kind, r.state, r.last_error) for r in zalo] == [("announce", OutboxState.DROPPED, "expired")]
    assert h.zalo.sent == []


async def test_who_gets_reminders(app: AppContext, clock: FakeClock) -> None:
    """Exempted members only when they asked; anyone may opt out; an excused member gets nothing more."""
    await linked_cell(app)
    async with app.sessions() as session:
        em = await session.get(Person, await person_id(session, EM))
        binh = await session.get(Person, await person_id(session, BINH))
        assert em is not None
        assert binh is not None
        em.wants_reminders, binh.wants_reminders = True, False
        await session.commit()
    h = Harness(app, clock)
    await h.plan()
    meeting = await only_meeting(app)
    await answer(app, DUNG, meeting.id, Rsvp.ABSENT, "ốm")
    await h.run_until(meeting.starts_at - timedelta(days=3))
    assert sorted(s.chat for s in h.sent) == sorted([GROUP, AN, CUONG, EM, GIANG, PHUONG])
    await h.run_until(meeting.starts_at - timedelta(days=1))
    nudged = sorted(s.chat for s in h.sent if s.text.startswith("⏰"))
    assert nudged == sorted([AN, CUONG, EM, PHUONG])


async def test_an_answer_given_while_a_reminder_waits_stops_it(app: AppContext, clock: FakeClock) -> None:
    await linked_cell(app)
    h = Harness(app, clock)
    await h.plan()
    meeting = await only_meeting(app)
    clock.set(meeting.starts_at - timedelta(days=1))
    await jobs.write_due_reminders(h.app, h.render)  # written, not yet sent
    await answer(app, CUONG, meeting.id, Rsvp.ATTEND)
    await answer(app, DUNG, meeting.id, Rsvp.ABSENT, "đi xa")
    await h.tick()
    assert CUONG in [s.chat for s in h.sent if s.text.startswith("📢")]  # the announcement still informs
    assert DUNG not in [s.chat for s in h.sent]
    dropped = {(r.chat_id, r.kind): r.last_error for r in await h.rows(state=OutboxState.DROPPED)}
    assert dropped == {(DUNG, "announce"): "answered"}


async def test_a_member_who_cannot_be_reached_is_reported_to_the_secretary_once(
    app: AppContext, clock: FakeClock
) -> None:
    await linked_cell(app)
    async with app.sessions() as session:
        await session.execute(delete(Account).where(Account.external_id == DUNG))  # never linked a chat app
        await session.commit()
    h = Harness(app, clock)
    h.telegram.faults[BINH] = [Undeliverable("Forbidden: bot was blocked by the user")]
    h.telegram.faults[CUONG] = [TransientFailure("Bad Gateway"), TransientFailure("timed out")]
    await h.plan()
    meeting = await only_meeting(app)
    await h.run_until(meeting.starts_at - timedelta(days=3))
    report = [s for s in h.sent if s.text.startswith("⚠️")]
    assert report == []  # Cường's message is still being retried: the fan-out is not over
    await h.run_until(meeting.starts_at - timedelta(days=3) + timedelta(minutes=5), step=timedelta(seconds=20))
    report = [s for s in h.sent if s.text.startswith("⚠️")]
    assert [s.chat for s in report] == [AN]
    assert "Chưa nhận được nhắc: Trần Thị Bình" in report[0].text
    assert sum(s.chat == CUONG for s in h.sent) == 1  # retried twice, delivered once
    await h.run_until(meeting.starts_at - timedelta(days=1))
    assert len([s for s in h.sent if s.text.startswith("⚠️")]) == 1
    tally = next(s for s in h.sent if s.text.startswith("📋"))
    assert "Chưa nhận được nhắc: Trần Thị Bình\n" in tally.text
    assert "Chưa kết nối với bot (chưa nhắn cho bot lần nào, bot không gửi được): Phạm Thị Dung" in tally.text
    rows = {r.chat_id: (r.state, r.attempts) for r in await h.rows(kind="announce")}
    assert rows[BINH] == (OutboxState.UNDELIVERABLE, 1)
    assert rows[CUONG] == (OutboxState.SENT, 3)
