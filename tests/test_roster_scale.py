"""Roster import under load: two imports at once, a running bot's writes during a big import,
and files that claim (or hold) far more than the caps."""

from __future__ import annotations

import asyncio
import time
import tracemalloc
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from handlers.context import AppContext
from models import AuditEntry, Membership, Person
from models import db as model_db
from models.db import make_engine, make_sessionmaker
from services import roster_file
from services.roster import import_roster
from services.roster_file import RosterError, parse_rows, read_table
from tests.test_roster import texts


def big_table(count: int, *, cell_size: int = 50) -> list[list[str]]:
    """A roster of `count` people without any id: only names tell them apart."""
    rows = [["dang_bo", "chi_bo", "ho_ten", "vai_tro"]]
    for n in range(count):
        role = "bi_thu" if n % cell_size == 0 else "dang_vien"
        rows.append(["Đảng bộ Thử tải", f"Chi bộ {n // cell_size}", f"Đảng viên Số {n}", role])
    return rows


async def counts(app: AppContext) -> tuple[int, int]:
    async with app.sessions() as session:
        people = await session.scalar(select(func.count()).select_from(Person))
        members = await session.scalar(select(func.count()).select_from(Membership))
    return people or 0, members or 0


async def test_two_imports_of_one_file_at_once_add_each_person_once(app: AppContext) -> None:
    table = big_table(300)
    # The committee and the cells exist already, with their secretaries: only people are added.
    await import_roster(app.sessions, parse_rows([table[0], *table[1::50]]))
    rows = parse_rows(table)
    reports = await asyncio.gather(import_roster(app.sessions, rows), import_roster(app.sessions, rows))
    assert await counts(app) == (300, 300)
    assert sorted(r.members.added for r in reports) == [0, 294]
    assert sorted(r.members.unchanged for r in reports) == [6, 300]


async def test_the_bot_keeps_writing_during_a_big_import(
    app: AppContext, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot's own connection waits at most a short busy timeout here (10 s in production): the
    import holds the write lock only for its bulk write, not while it reads and matches."""
    rows = parse_rows(big_table(6_000))
    monkeypatch.setattr(model_db, "SQLITE_BUSY_TIMEOUT_MS", 1_000)
    bot_engine = make_engine(db_url)
    bot_sessions = make_sessionmaker(bot_engine)
    waits: list[float] = []
    done = asyncio.Event()

    async def bot() -> None:
        while not done.is_set():
            start = time.perf_counter()
            async with bot_sessions() as session, session.begin():
                await session.execute(insert(AuditEntry).values(action="bot-write", at=datetime.now(UTC)))
            waits.append(time.perf_counter() - start)
            await asyncio.sleep(0.01)

    async def importer() -> None:
        try:
            await import_roster(app.sessions, rows)
        finally:
            done.set()

    try:
        await asyncio.gather(bot(), importer())
    finally:
        await bot_engine.dispose()
    assert await counts(app) == (6_000, 6_000)
    # The bot wrote all along: a write that waited past its busy timeout would have raised
    # "database is locked" out of gather (as it did when the import held the lock throughout).
    assert len(waits) >= 2


def _xlsx(path: Path, dimension: str, rows: int, *, width: int = 2, stray: int = 0) -> Path:
    """A minimal .xlsx written by hand: openpyxl would not write a false dimension or stream rows.
    `stray` adds that many empty formatted cells to the right of each row."""
    sheet_head = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>'
    )

    def cell(col: int, row: int, value: str) -> str:
        letter = chr(ord("A") + col)
        return f'<c r="{letter}{row}" t="inlineStr"><is><t>{value}</t></is></c>'

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(sheet_head.encode())
            header = "".join(cell(c, 1, name) for c, name in enumerate(["chi_bo", "ho_ten", "ghi_chu"][:width]))
            sheet.write(f'<row r="1">{header}</row>'.encode())
            for r in range(2, rows + 2):
                values = [f"Chi bộ {r // 50}", f"Người Số {r}", "x"][:width]
                cells = "".join(cell(c, r, v) for c, v in enumerate(values)) + f'<c r="E{r}" s="1"/>' * stray
                sheet.write(f'<row r="{r}">{cells}</row>'.encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def _peak_while(action: object) -> tuple[object, int]:
    tracemalloc.start()
    try:
        result = action() if callable(action) else None
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_tiny_xlsx_claiming_every_cell_is_read_as_what_it_holds(tmp_path: Path) -> None:
    """Read as declared, each of these 500 rows would be 16,384 cells wide (65 MB)."""
    path = _xlsx(tmp_path / "claims.xlsx", "A1:XFD1048576", rows=500)
    assert path.stat().st_size < 10_000
    rows, peak = _peak_while(lambda: parse_rows(read_table(path)))
    assert [r.name for r in rows][:2] == ["Người Số 2", "Người Số 3"]  # type: ignore[attr-defined]
    assert len(rows) == 500  # type: ignore[arg-type]
    assert peak < 3_000_000


def test_rows_beyond_the_cap_are_never_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading stops at the cap: memory follows the cap, not the file (here the cap is made small
    so that the file can be too)."""
    monkeypatch.setattr(roster_file, "MAX_ROWS", 1_000)
    path = _xlsx(tmp_path / "many.xlsx", "A1:B100001", rows=100_000)
    assert path.stat().st_size < 3_000_000

    def read() -> RosterError:
        with pytest.raises(RosterError) as caught:
            parse_rows(read_table(path))
        return caught.value

    refusal, peak = _peak_while(read)
    assert texts(refusal, "vi") == ["Tệp có hơn 1.000 dòng: mỗi lần chỉ nhập được tối đa 1.000 đảng viên."]  # type: ignore[arg-type]
    assert peak < 3_000_000


def test_a_header_wider_than_the_cap_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(roster_file, "MAX_COLUMNS", 2)
    path = _xlsx(tmp_path / "wide.xlsx", "A1:C2", rows=1, width=3)
    with pytest.raises(RosterError) as caught:
        parse_rows(read_table(path))
    assert texts(caught.value, "vi") == ["Tệp có hơn 2 cột."]


def test_a_big_csv_is_refused_by_its_size_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(roster_file, "MAX_FILE_BYTES", 1_000)
    path = tmp_path / "big.csv"
    path.write_text("chi_bo,ho_ten\n" + "Chi bộ 1,Người\n" * 200, encoding="utf-8")
    with pytest.raises(RosterError) as caught:
        read_table(path)
    assert [p.key for p in caught.value.problems] == ["roster-too-big"]


def test_a_csv_is_streamed_and_stops_at_the_row_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(roster_file, "MAX_ROWS", 100)
    path = tmp_path / "long.csv"
    path.write_text("chi_bo,ho_ten\n" + "".join(f"Chi bộ 1,Người {n}\n" for n in range(100_000)), encoding="utf-8")

    def read() -> list[str]:
        with pytest.raises(RosterError) as caught:
            parse_rows(read_table(path))
        return [p.key for p in caught.value.problems]

    refusal, peak = _peak_while(read)
    assert refusal == ["roster-too-many-rows"]
    assert peak < 1_000_000


def test_a_csv_cell_beyond_the_field_limit_is_a_clear_refusal(tmp_path: Path) -> None:
    path = tmp_path / "field.csv"
    path.write_text("chi_bo,ho_ten\nChi bộ 1," + "A" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(RosterError) as caught:
        parse_rows(read_table(path))
    assert texts(caught.value, "vi") == ["Tệp CSV bị hỏng hoặc có một ô quá dài."]


def test_an_xlsx_that_unpacks_past_the_cap_is_not_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(roster_file, "MAX_XLSX_XML_BYTES", 50_000)
    path = _xlsx(tmp_path / "bomb.xlsx", "A1:B2", rows=2_000)
    assert path.stat().st_size < 50_000
    with pytest.raises(RosterError) as caught:
        parse_rows(read_table(path))
    assert [p.key for p in caught.value.problems] == ["roster-too-big"]


def test_rows_of_thousands_of_cells_are_refused_before_they_are_parsed(tmp_path: Path) -> None:
    """openpyxl parses every cell of a row before dropping those right of the header: 300 rows of
    16,384 cells (13 MB on disk) took minutes. The sheet is counted first."""
    path = _xlsx(tmp_path / "wide.xlsx", "A1:B3", rows=3, stray=roster_file.MAX_CELLS_PER_ROW)
    start = time.perf_counter()
    with pytest.raises(RosterError) as caught:
        parse_rows(read_table(path))
    assert [p.key for p in caught.value.problems] == ["roster-too-many-cells"]
    assert time.perf_counter() - start < 2
    fine = _xlsx(tmp_path / "formatted.xlsx", "A1:B3", rows=3, stray=30)
    assert len(parse_rows(read_table(fine))) == 3


@pytest.mark.parametrize("database_backend", ["sqlite"], indirect=True)
async def test_an_import_that_cannot_get_the_write_lock_is_a_clear_refusal(
    app: AppContext, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite only: it has a single writer; PostgreSQL imports wait for each other's lock."""
    monkeypatch.setattr(model_db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    importer = make_engine(db_url)
    try:
        async with app.sessions() as holder, holder.begin():
            await holder.execute(insert(AuditEntry).values(action="long write", at=datetime.now(UTC)))
            with pytest.raises(RosterError) as caught:
                await import_roster(make_sessionmaker(importer), parse_rows(big_table(3)))
    finally:
        await importer.dispose()
    assert texts(caught.value, "vi") == [
        "Cơ sở dữ liệu đang bận (một lần nhập khác hoặc bot đang ghi); chưa có gì bị thay đổi, hãy thử lại sau ít phút."
    ]
    assert await counts(app) == (0, 0)
