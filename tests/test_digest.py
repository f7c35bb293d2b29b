"""The supervisors' digest: its table, idle cells, warnings, chart, /baocao, and the weekly job."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from markupsafe import Markup
from matplotlib.image import imread
from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import open_app
from core.clock import FakeClock
from core.config import Config
from core.messages import Address, Edit, Keyboard, Outgoing
from handlers.context import AppContext
from handlers.delivery import Undeliverable
from handlers.digest import digest_messages
from handlers.dispatcher import Dispatcher
from handlers.registry import ROUTER
from models import (
    Account,
    Cell,
    Committee,
    JobRun,
    MeetingScore,
    Opinion,
    OutboxMessage,
    OutboxState,
    Person,
    Platform,
)
from scheduler.digest import JOB, WeeklyDigest, add_digest_job, next_firing, write_weekly_digest
from scheduler.dispatch import OutboxDispatcher
from services import digest, tree
from services.charts import MAX_LINES, pick_series, short_label
from services.meetings import schedule_meeting
from services.outbox import claim_period
from services.roster import import_rows
from services.roster_file import parse_rows
from tests.factories import COMMITTEE, connect_everyone, roster_table
from tests.fake_telegram import parse_html
from tests.test_summary import Recorder, all_text, private, run
from tests.test_summary_world import hold_meeting

KP1, KP2 = "Chi bộ Khu phố 1", "Chi bộ Khu phố 2"
HUNG = "Mai Văn Hùng"


def at(month: int, day: int = 4) -> datetime:
    """19:30 in Hanoi on that day of 2026."""
    return datetime(2026, month, day, 12, 30, tzinfo=UTC)


@dataclass
class History:
    people: dict[str, int]
    cells: dict[str, int]


async def build_history(app: AppContext) -> History:
    """KP1 met monthly Jun-Nov 2026 (100, 80, 60, 100, 80, 60 %) and plans 04/12; KP2 met on 04/10 only.
    Giang follows both cells, Hùng only KP2."""
    extra = [
        [COMMITTEE, KP2, "Võ Thị Giang", "theo_doi", "", "9001", ""],
        [COMMITTEE, KP2, HUNG, "theo_doi", "", "9002", ""],
    ]
    async with app.sessions() as session, session.begin():
        await import_rows(session, parse_rows(roster_table(extra)))
    await connect_everyone(app)
    async with app.sessions() as session:
        people = {p.full_name: p.id for p in (await session.scalars(select(Person))).all()}
        cells = {c.name: c.id for c in (await session.scalars(select(Cell))).all()}
    p = people
    an, binh, cuong, dung, phuong = (
        p[n] for n in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Đỗ Thị Phương")
    )
    plan: list[tuple[int, list[int], dict[int, str]]] = [
        (6, [an, binh, cuong, dung, phuong], {}),
        (7, [an, binh, cuong, dung], {}),
        (8, [an, binh, dung], {cuong: "ốm"}),
        (9, [an, binh, cuong, dung, phuong], {}),
        (10, [an, binh, cuong, dung], {}),
        (11, [an, binh, dung], {cuong: "đi công tác"}),
    ]
    meeting_id = 0
    for month, present, excused in plan:
        meeting_id = await hold_meeting(app, cells[KP1], at(month), present=present, excused=excused)
    await hold_meeting(app, cells[KP2], at(10), present=[p["Bùi Văn Khang"]])
    async with app.sessions() as session, session.begin():
        for text in ("Ý kiến một", "Ý kiến hai"):
            session.add(Opinion(meeting_id=meeting_id, person_id=an, text=text, created_at=at(11)))
        withdrawn = Opinion(meeting_id=meeting_id, person_id=an, text="rút lại", created_at=at(11), withdrawn_at=at(11))
        session.add(withdrawn)
        session.add(
            MeetingScore(meeting_id=meeting_id, mode="rubric", parts={}, total=84, rating="kha", recorded_at=at(11, 5))
        )
        await schedule_meeting(session, cells[KP1], at(12), app.clock.now())
    return History(people, cells)


async def test_the_digest_of_the_cells_a_supervisor_follows(app: AppContext) -> None:
    history = await build_history(app)
    async with app.sessions() as session:
        built = await digest.build_digest(
            session, digest.supervised_cells(history.people["Võ Thị Giang"]), app.clock.now(), app.config.schedule.zone
        )
    kp1, kp2 = built.lines
    assert (kp1.name, kp2.name) == (KP1, KP2)
    assert kp1.last_meeting == at(11)
    assert kp1.percent == pytest.approx(60)
    assert kp1.trend == pytest.approx([100, 80, 60, 100, 80, 60])
    assert (kp1.opinions, kp1.score_total, kp1.rating) == (2, 84, "kha")
    assert kp1.next_meeting == at(12)
    assert kp1.this_month
    assert (kp2.last_meeting, kp2.percent, kp2.next_meeting, kp2.this_month) == (at(10), 100, None, False)
    assert built.idle == [kp2]
    assert built.months == [date(2026, m, 1) for m in range(6, 12)]
    assert built.monthly[kp1.cell_id] == pytest.approx([100, 80, 60, 100, 80, 60])
    assert built.monthly[kp2.cell_id] == [None, None, None, None, 100, None]
    warnings = kp1.warnings
    assert warnings.low_attendance
    assert warnings.unexcused == ["Đỗ Thị Phương"]
    assert [(f.name, f.count) for f in warnings.removal] == [("Đỗ Thị Phương", 4)]
    assert warnings.excused_streaks == []
    assert not kp2.warnings
    assert built.warned == [kp1]


async def test_baocao_shows_the_table_idle_cells_warnings_and_the_chart(
    app: AppContext, dispatcher: Dispatcher
) -> None:
    await build_history(app)
    response = await run(app, dispatcher, private("9001", "/baocao"), Recorder())
    text = parse_html(all_text(response))
    assert "BÁO CÁO SINH HOẠT CHI BỘ — các chi bộ đồng chí theo dõi" in text
    assert "Ngày 23/11/2026, 2 chi bộ." in text
    assert "Khu phố 1: họp 04/11/2026 · dự 60% █▇▅█▇▅ · 2 ý kiến · 84đ khá · lần tới 04/12/2026" in text
    assert "Khu phố 2: họp 04/10/2026 · dự 100% █ · 0 ý kiến · chưa chấm điểm · lần tới chưa có lịch" in text
    assert "Chưa họp và chưa có lịch họp tháng 11/2026 (1): Khu phố 2" in text
    assert "⚠️ Chi bộ Khu phố 1\n• Tỷ lệ dự họp 60%" in text
    assert "Xem xét xóa tên: Đỗ Thị Phương vắng không lý do 4 lần trong năm 2026" in text
    [chart] = [m for m in response.messages if m.photo is not None]
    assert chart.text == "Tỷ lệ dự họp 6 tháng gần đây của 2 chi bộ."
    image = imread(io.BytesIO(chart.photo or b""))
    assert image.shape[:2] == (720, 960)


async def test_a_supervisor_sees_only_the_cells_they_follow(app: AppContext, dispatcher: Dispatcher) -> None:
    await build_history(app)
    text = all_text(await run(app, dispatcher, private("9002", "/baocao"), Recorder()))
    assert "Khu phố 2" in text
    assert "Khu phố 1" not in text
    assert "Phương" not in text


@pytest.mark.parametrize(
    ("user", "args", "expected"),
    [
        ("1003", "", "Lệnh này không dành cho vai trò của đồng chí."),
        ("1001", "", "Lệnh này không dành cho vai trò của đồng chí."),
        ("777", "", "Đồng chí chưa kết nối với chi bộ."),
        ("9002", COMMITTEE, "Chỉ quản trị viên mới xem được báo cáo của cả một đảng bộ."),
    ],
)
async def test_others_are_refused_politely(
    app: AppContext, dispatcher: Dispatcher, user: str, args: str, expected: str
) -> None:
    await build_history(app)
    text = all_text(await run(app, dispatcher, private(user, f"/baocao {args}".strip()), Recorder()))
    assert text.startswith(expected)
    assert "Khu phố" not in text


async def test_an_admin_may_ask_for_any_committee(db_url: str, clock: FakeClock) -> None:
    config = Config.model_validate({"database": {"url": db_url}, "telegram": {"admin_ids": [2001]}})
    async with open_app(config, clock) as app:
        dispatcher = Dispatcher(app, ROUTER)
        await build_history(app)
        async with app.sessions() as session, session.begin():
            session.add(Committee(name="Đảng bộ phường Khác"))
        usage = all_text(await run(app, dispatcher, private("2001", "/baocao"), Recorder()))
        assert usage.startswith("Đồng chí chưa theo dõi chi bộ nào. Là quản trị viên")
        assert "Đảng bộ phường Khác, Đảng bộ phường Thử Nghiệm" in usage
        whole = parse_html(all_text(await run(app, dispatcher, private("2001", "/baocao thu nghiem"), Recorder())))
        assert f"BÁO CÁO SINH HOẠT CHI BỘ — {COMMITTEE}" in whole
        assert "Khu phố 1: họp" in whole
        assert "Khu phố 2: họp" in whole
        unknown = all_text(await run(app, dispatcher, private("2001", "/baocao phường"), Recorder()))
        assert unknown.startswith('Không tìm thấy đảng bộ "phường".')


def test_chart_lines_for_many_cells_keep_the_lowest_and_the_average() -> None:
    cells = [(f"Chi bộ Tổ dân phố số {n} phường Rất Dài", [float(n), float(n) + 10]) for n in range(20)]
    series = pick_series(cells, "Trung bình")
    assert len(series) == MAX_LINES
    assert [s.label for s in series[:2]] == ["Tổ dân phố số 0 p…", "Tổ dân phố số 1 p…"]
    assert series[-1].label == "Trung bình"
    assert series[-1].values == pytest.approx([9.5, 19.5])
    assert all(len(s.label) <= 18 for s in series)
    assert short_label("Chi bộ Khu phố 1") == "Khu phố 1"
    assert short_label("  chi bô   Tổ 3  ") == "Tổ 3"


async def test_the_number_of_queries_does_not_grow_with_the_cells(app: AppContext) -> None:
    history = await build_history(app)
    engine = app.sessions.kw["bind"]
    zone, now = app.config.schedule.zone, app.clock.now()
    counts = []
    for person in (HUNG, "Võ Thị Giang"):
        async with app.sessions() as session:
            cells = digest.supervised_cells(history.people[person])
            with count_statements(engine) as counted:
                await digest.build_digest(session, cells, now, zone)
            counts.append(len(counted))
    async with app.sessions() as session:
        committee = await session.scalar(select(Committee.id))
        assert committee is not None
        with count_statements(engine) as counted:
            await digest.build_digest(session, tree.cells_under([committee]), now, zone)
        counts.append(len(counted))
    assert counts[0] == counts[1] == counts[2]
    assert counts[0] <= 12


@contextmanager
def count_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


# --- the weekly job ---------------------------------------------------------------------------------


@dataclass
class PhotoRecorder:
    """A channel double with pictures; `refuse` makes one chat raise Undeliverable."""

    texts: list[tuple[str, str]] = field(default_factory=list)
    photos: list[tuple[str, bytes, str]] = field(default_factory=list)
    refuse: str | None = None

    async def send(self, to: Address, text: Markup, buttons: Keyboard = ()) -> str:
        if to.chat_id == self.refuse:
            raise Undeliverable("blocked")
        self.texts.append((to.chat_id, str(text)))
        return str(len(self.texts))

    async def edit(self, edit: Edit) -> None:
        raise AssertionError("the digest never edits")

    async def send_photo(self, to: Address, image: bytes, caption: Markup) -> str:
        self.photos.append((to.chat_id, image, str(caption)))
        return str(len(self.photos))


def test_the_firing_time_is_the_configured_local_weekday_and_time() -> None:
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    monday = (0, datetime(2000, 1, 1, 7, 30).time())
    sunday_night = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)  # Sunday 23:00 in Hanoi
    assert next_firing(sunday_night, monday, zone, inclusive=True) == datetime(2026, 11, 23, 0, 30, tzinfo=UTC)
    on_time = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)
    assert next_firing(on_time, monday, zone, inclusive=True) == on_time
    assert next_firing(on_time, monday, zone, inclusive=False) == on_time + timedelta(days=7)
    wednesday = (2, datetime(2000, 1, 1, 18, 0).time())
    assert next_firing(on_time, wednesday, zone, inclusive=True) == datetime(2026, 11, 25, 11, 0, tzinfo=UTC)


async def send_due(app: AppContext, channel: PhotoRecorder) -> int:
    """One check of the weekly job, then the outbox dispatcher's round; returns supervisors written."""
    written = await WeeklyDigest(app).tick()
    await OutboxDispatcher(app.sessions, app.clock, {Platform.TELEGRAM: channel}, claim_seconds=60).run_once()
    return written


async def test_the_weekly_job_fires_on_monday_at_0730_local(app: AppContext, clock: FakeClock) -> None:
    await build_history(app)
    clock.set(datetime(2026, 11, 22, 16, 0, tzinfo=UTC))  # Sunday 23:00 in Hanoi
    channel = PhotoRecorder()
    # Last week's digest was sent (the bot ran then); this week's is not due yet.
    async with app.sessions() as session, session.begin():
        await claim_period(session, JOB, "2026-W47", clock.now())
    assert await send_due(app, channel) == 0
    clock.set(datetime(2026, 11, 23, 0, 29, 59, tzinfo=UTC))
    assert await send_due(app, channel) == 0
    assert channel.texts == []
    clock.set(datetime(2026, 11, 23, 0, 30, tzinfo=UTC))
    assert await send_due(app, channel) == 2
    assert {chat for chat, _ in channel.texts} == {"9001", "9002"}
    giang = parse_html("\n".join(text for chat, text in channel.texts if chat == "9001"))
    assert "Khu phố 1: họp 04/11/2026" in giang
    assert "Khu phố 1" not in "\n".join(text for chat, text in channel.texts if chat == "9002")
    assert sorted(chat for chat, _, _ in channel.photos) == ["9001", "9002"]
    assert all(image.startswith(b"\x89PNG") for _, image, _ in channel.photos)
    clock.advance(timedelta(minutes=15))
    assert await send_due(app, channel) == 0
    clock.set(datetime(2026, 11, 30, 0, 30, tzinfo=UTC))
    assert await send_due(app, channel) == 2
    assert len(channel.photos) == 4
    async with app.sessions() as session:
        kept = (await session.scalars(select(OutboxMessage.photo).where(OutboxMessage.kind == "digest"))).all()
    assert kept
    assert all(photo is None for photo in kept)  # pictures are dropped once sent


async def test_a_bot_started_late_on_monday_sends_the_digest_then_once(app: AppContext, clock: FakeClock) -> None:
    """Down at 07:30 (nothing in memory can know): started at 09:00, it sends this week's digest once."""
    await build_history(app)
    channel = PhotoRecorder()
    async with app.sessions() as session, session.begin():
        await claim_period(session, JOB, "2026-W47", clock.now())
    clock.set(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # Monday 09:00 in Hanoi
    assert await send_due(app, channel) == 2
    assert sorted(chat for chat, _, _ in channel.photos) == ["9001", "9002"]
    clock.advance(timedelta(minutes=1))
    assert await send_due(app, channel) == 0  # a restart would ask the database too
    assert len(channel.photos) == 2


async def test_two_processes_write_the_weekly_digest_once(app: AppContext, config: Config, clock: FakeClock) -> None:
    """Two schedulers (separate engines, as two processes) check at the same instant."""
    await build_history(app)
    clock.set(datetime(2026, 11, 23, 0, 30, tzinfo=UTC))
    async with open_app(config, clock) as other:
        results = await asyncio.gather(write_weekly_digest(app, clock.now()), write_weekly_digest(other, clock.now()))
    assert sorted(results, key=str) == [2, None]
    async with app.sessions() as session:
        charts = (await session.scalars(select(OutboxMessage.chat_id).where(OutboxMessage.photo.is_not(None)))).all()
        assert len((await session.scalars(select(JobRun))).all()) == 1
    assert sorted(charts) == ["9001", "9002"]  # one digest each
    channel = PhotoRecorder()
    await OutboxDispatcher(app.sessions, clock, {Platform.TELEGRAM: channel}, claim_seconds=60).run_once()
    assert sorted(chat for chat, _, _ in channel.photos) == ["9001", "9002"]


async def test_a_missed_week_is_not_sent_after_the_next_one_is_due(app: AppContext, clock: FakeClock) -> None:
    """Written while no channel ran: at the next Monday the old digest expires, the new one goes."""
    await build_history(app)
    clock.set(datetime(2026, 11, 23, 0, 30, tzinfo=UTC))
    assert await write_weekly_digest(app, clock.now()) == 2
    clock.set(datetime(2026, 11, 30, 0, 30, tzinfo=UTC))
    channel = PhotoRecorder()
    assert await send_due(app, channel) == 2
    assert len(channel.photos) == 2
    async with app.sessions() as session:
        states = (
            await session.scalars(select(OutboxMessage.state).where(OutboxMessage.key.like("digest:2026-W48:%")))
        ).all()
    assert states
    assert set(states) == {OutboxState.DROPPED}


async def test_one_unreachable_supervisor_does_not_stop_the_others(app: AppContext, clock: FakeClock) -> None:
    await build_history(app)
    channel = PhotoRecorder(refuse="9001")
    assert await send_due(app, channel) == 2
    assert {chat for chat, _ in channel.texts} == {"9002"}


async def test_a_supervisor_who_never_wrote_to_the_bot_is_not_written_to(app: AppContext, clock: FakeClock) -> None:
    await build_history(app)
    async with app.sessions() as session, session.begin():
        await session.execute(update(Account).where(Account.external_id == "9002").values(connected_at=None))
    channel = PhotoRecorder()
    assert await send_due(app, channel) == 1
    assert {chat for chat, _ in channel.texts} == {"9001"}


async def test_digest_messages_fit_telegram(app: AppContext) -> None:
    await build_history(app)
    async with app.sessions() as session, session.begin():
        committee_id = await session.scalar(select(Committee.id))
        for n in range(300):
            session.add(Cell(committee_id=committee_id, name=f"Chi bộ <Tổ> & dân phố số {n} " + "dài " * 20))
    async with app.sessions() as session:
        assert committee_id is not None
        built = await digest.build_digest(
            session, tree.cells_under([committee_id]), app.clock.now(), app.config.schedule.zone
        )
    messages: list[Outgoing] = digest_messages(
        app.tr, built, app.config.schedule.zone, "x", app.clock.now(), None, 4096
    )
    texts = [m for m in messages if m.photo is None]
    assert len(texts) > 1
    for message in texts:
        assert len(parse_html(str(message.text))) <= 4096
    assert "&lt;Tổ&gt; &amp; dân phố số 299" in "".join(str(m.text) for m in texts)
    [chart] = [m for m in messages if m.photo is not None]
    assert (
        chart.text
        == f"Tỷ lệ dự họp 6 tháng gần đây: {MAX_LINES - 1} chi bộ thấp nhất trong 302 chi bộ, và mức trung bình."
    )


async def test_the_scheduler_awaits_the_job_on_its_own_loop(app: AppContext, clock: FakeClock) -> None:
    await build_history(app)
    clock.set(datetime(2026, 11, 23, 0, 30, tzinfo=UTC))  # Monday 07:30 in Hanoi
    scheduler = AsyncIOScheduler(timezone=app.config.schedule.zone)
    add_digest_job(scheduler, app)
    scheduler.start()
    try:
        scheduler.modify_job("weekly-digest", next_run_time=datetime.now(app.config.schedule.zone))
        for _ in range(100):
            async with app.sessions() as session:
                if await session.scalar(select(JobRun.id)):
                    break
            await asyncio.sleep(0.05)
    finally:
        scheduler.shutdown(wait=False)
    async with app.sessions() as session:
        rows = (await session.scalars(select(OutboxMessage).where(OutboxMessage.photo.is_not(None)))).all()
    assert sorted(row.chat_id for row in rows) == ["9001", "9002"]
