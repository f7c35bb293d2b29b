"""A node's monthly rollup: per child, over its whole subtree, in a fixed number of statements."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import load_workbook
from sqlalchemy import event, select

from core.messages import ChatKind, Incoming
from handlers.context import AppContext
from handlers.dispatcher import Dispatcher
from models import (
    Attendance,
    Cell,
    Committee,
    Meeting,
    MeetingScore,
    MeetingState,
    Membership,
    Outcome,
    Person,
    Platform,
)
from services.rollup import build_rollup
from services.roster import import_rows
from services.roster_file import parse_rows
from tests.chat import Chat
from tests.test_processes import engine_of
from tests.test_tree_admins import ROWS, SCHOOL_ADMIN, WARD_ADMIN, WARD_SUPERVISOR, city

__all__ = ["city"]  # the fixture, shared with the admins' tests

MONTH = (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
YEAR = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))


async def world(app: AppContext) -> dict[str, int]:
    async with app.sessions() as session:
        await import_rows(session, parse_rows(ROWS))
        await session.flush()
        cells = {name: cid for cid, name in (await session.execute(select(Cell.id, Cell.name))).all()}
        nodes = {name: cid for cid, name in (await session.execute(select(Committee.id, Committee.name))).all()}
        now = datetime(2026, 11, 5, 12, tzinfo=UTC)
        held = Meeting(cell_id=cells["Chi bộ Giáo viên"], starts_at=now, state=MeetingState.CLOSED, created_at=now)
        planned = Meeting(cell_id=cells["Chi bộ Tổ 1"], starts_at=now.replace(day=28), created_at=now)
        session.add_all([held, planned])
        await session.flush()
        members = (
            await session.scalars(select(Membership.person_id).where(Membership.cell_id == cells["Chi bộ Giáo viên"]))
        ).all()
        outcomes = [Outcome.PRESENT, Outcome.UNEXCUSED]
        session.add_all(
            Attendance(meeting_id=held.id, person_id=p, outcome=o) for p, o in zip(members, outcomes, strict=True)
        )
        session.add(MeetingScore(meeting_id=held.id, mode="rubric", parts={}, total=80, rating="tốt", recorded_at=now))
        await session.commit()
    return nodes | cells


async def test_a_ward_sees_each_child_over_its_subtree(app: AppContext) -> None:
    ids = await world(app)
    async with app.sessions() as session:
        ward = await session.get(Committee, ids["Đảng ủy phường Hoàn Kiếm"])
        assert ward is not None
        rollup = await build_rollup(session, ward, MONTH, YEAR)
    school, cell = rollup.children
    assert (school.name, school.is_cell, cell.name, cell.is_cell) == (
        "Đảng bộ Trường THPT Việt Đức",
        False,
        "Chi bộ Tổ 1",
        True,
    )
    assert (school.cells, school.held, school.planned, school.missing, school.unsent) == (
        1,
        1,
        0,
        [],
        ["Chi bộ Giáo viên"],
    )
    assert (school.present, school.expected, school.score, school.members, school.on_bot) == (1, 2, 80, 2, 0)
    assert (cell.held, cell.planned, cell.missing) == (0, 1, [])
    total = rollup.total
    assert (total.cells, total.held, total.planned, total.members) == (2, 1, 1, 3)
    async with app.sessions() as session:
        city = await session.get(Committee, ids["Thành ủy Hà Nội"])
        assert city is not None
        top = await build_rollup(session, city, MONTH, YEAR)
    assert [(c.name, c.cells, c.missing) for c in top.children] == [
        ("Đảng ủy phường Ba Đình", 1, ["Chi bộ Ba Đình"]),
        ("Đảng ủy phường Hoàn Kiếm", 2, []),
    ]


async def test_a_child_organisation_without_cells_still_has_its_line(app: AppContext) -> None:
    """A grassroots committee created before its cells were loaded: the ward sees it with 0 cells,
    rather than not at all."""
    ids = await world(app)
    async with app.sessions() as session:
        session.add(Committee(name="Đảng bộ Bệnh viện Xanh Pôn", parent_id=ids["Đảng ủy phường Hoàn Kiếm"]))
        await session.commit()
        ward = await session.get(Committee, ids["Đảng ủy phường Hoàn Kiếm"])
        assert ward is not None
        rollup = await build_rollup(session, ward, MONTH, YEAR)
    assert [(c.name, c.cells, c.held, c.missing) for c in rollup.children] == [
        ("Đảng bộ Bệnh viện Xanh Pôn", 0, 0, []),
        ("Đảng bộ Trường THPT Việt Đức", 1, 1, []),
        ("Chi bộ Tổ 1", 1, 0, []),
    ]
    assert (rollup.total.cells, rollup.total.held) == (2, 1)


async def test_the_number_of_statements_does_not_grow_with_the_tree(app: AppContext) -> None:
    ids = await world(app)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    async with app.sessions() as session:
        small = await session.get(Committee, ids["Đảng bộ Trường THPT Việt Đức"])
        big = await session.get(Committee, ids["Thành ủy Hà Nội"])
        assert small is not None
        assert big is not None
        sync_engine = engine_of(app).sync_engine
        event.listen(sync_engine, "before_cursor_execute", count)
        try:
            await build_rollup(session, small, MONTH, YEAR)
            few = len(statements)
            statements.clear()
            await build_rollup(session, big, MONTH, YEAR)
        finally:
            event.remove(sync_engine, "before_cursor_execute", count)
    assert len(statements) == few


async def test_tonghop_shows_the_callers_organisation_and_drills_down(city: AppContext, chat: Chat) -> None:
    ward = (await chat.say(WARD_ADMIN, "/tonghop")).text
    assert "TỔNG HỢP THÁNG 11/2026 — Đảng ủy phường Hoàn Kiếm" in ward
    assert "• Đảng bộ Trường THPT Việt Đức: 1 chi bộ" in ward
    assert "• Chi bộ Tổ 1: 1 chi bộ" in ward
    assert "Chưa họp và chưa có lịch (2): Chi bộ Giáo viên, Chi bộ Tổ 1" in ward
    assert "Ba Đình" not in ward
    await chat.say("2003", "/trogiup")
    school = (await chat.say(WARD_ADMIN, "/tonghop Đảng bộ Trường THPT Việt Đức")).text
    assert "• Chi bộ Giáo viên: 1 chi bộ" in school
    assert "dùng bot 1/2 đảng viên" in school  # the secretary wrote to the bot; the other member never did
    assert "Gõ /tonghop tên" not in school  # nothing below to drill into
    assert "Không tìm thấy tổ chức" in (await chat.say(WARD_ADMIN, "/tonghop Đảng ủy phường Ba Đình")).text
    assert "Không tìm thấy tổ chức" in (await chat.say(SCHOOL_ADMIN, "/tonghop Đảng ủy phường Hoàn Kiếm")).text
    assert "Đảng ủy phường Hoàn Kiếm" in (await chat.say(WARD_SUPERVISOR, "/tonghop")).text
    assert "không dành cho vai trò" in (await chat.say("2003", "/tonghop")).text
    assert "/tonghop" in (await chat.say(WARD_ADMIN, "/trogiup")).text


async def test_tonghop_tep_sends_the_months_rollup_and_the_years_attendance_per_cell(
    app: AppContext, chat: Chat
) -> None:
    await world(app)
    said = await chat.say(WARD_ADMIN, "/tonghop tep")
    assert "bảng tổng hợp tháng 11/2026 và sổ điểm danh cả năm của Đảng ủy phường Hoàn Kiếm" in said.text
    files = {m.document[0]: m.document[1] for m in said.response.messages if m.document}
    assert sorted(files) == [
        "diem_danh_dang_uy_phuong_hoan_kiem_2026.xlsx",
        "tong_hop_dang_uy_phuong_hoan_kiem_2026_11.xlsx",
    ]
    month = load_workbook(io.BytesIO(files["tong_hop_dang_uy_phuong_hoan_kiem_2026_11.xlsx"])).active
    assert month is not None
    rows = [list(r) for r in month.iter_rows(min_row=4, values_only=True)]
    assert rows == [
        ["Chi bộ Tổ 1", "Chi bộ Tổ 1", 0, 1, None, 0, 0, None, 0, None, 0, 1, None],
        ["Đảng bộ Trường THPT Việt Đức", "Chi bộ Giáo viên", 1, 0, None, 1, 2, 50.0, 0, 80.0, 0, 2, "x"],
        ["Tổng cộng", 2, 1, 1, 0, 1, 2, 50.0, 0, 80.0, 0, 3, 1],
    ]
    year = load_workbook(io.BytesIO(files["diem_danh_dang_uy_phuong_hoan_kiem_2026.xlsx"])).active
    assert year is not None
    cells = {r[0]: r[1:] for r in year.iter_rows(min_row=4, values_only=True)}
    assert cells["Chi bộ Giáo viên"] == (*[None] * 10, 50.0, None, 50.0)
    assert cells["Chi bộ Tổ 1"] == (None,) * 13
    # A cell's own secretary is no admin: the files are not hers to get.
    assert "không dành cho vai trò" in (await chat.say("2003", "/tonghop tep")).text


async def test_tonghop_tep_where_files_cannot_be_sent_says_where_they_can(
    app: AppContext, dispatcher: Dispatcher
) -> None:
    await world(app)
    async with app.sessions() as session:
        admin = await session.scalar(select(Person.id).where(Person.full_name == "Trần Văn Quản"))
    incoming = Incoming(Platform.CONSOLE, str(admin), "Quản", str(admin), ChatKind.PRIVATE, "/tonghop tep")
    said = await dispatcher.handle(incoming)
    assert [str(m.text) for m in said.messages] == [
        "Nền tảng này chưa gửi được tệp; hãy gõ /tonghop tep trên Telegram."
    ]
