"""Roster import: good files, re-import, edits, and every kind of bad file refused whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from core.i18n import Translator
from handlers.context import AppContext
from models import Account, Cell, Committee, MemberRole, Membership, MemberStatus, Person, Platform, Supervision
from services.roster import ImportReport, import_roster
from services.roster_file import RosterError, parse_rows, read_table

HEADER = "dang_bo,chi_bo,ho_ten,vai_tro,trang_thai,telegram_id,zalo_id,dien_thoai"
GOOD = [
    HEADER,
    "Đảng bộ phường 1,Chi bộ Khu phố 1,Nguyễn Văn An,bi_thu,chinh_thuc,1001,,0912345678",
    "Đảng bộ phường 1,Chi bộ Khu phố 1,Trần Thị Bình,pho_bi_thu,chinh_thuc,1002,,",
    "Đảng bộ phường 1,Chi bộ Khu phố 1,Lê Văn Cường,,du_bi,,zc3,",
    "Đảng bộ phường 1,Chi bộ Khu phố 1,Hoàng Văn Em,dang_vien,mien_sinh_hoat,,,",
    "Đảng bộ phường 1,Chi bộ Khu phố 2,Phạm Thị Dung,bi_thu,,1004,,",
    "Đảng bộ phường 1,Chi bộ Khu phố 1,Võ Thị Giang,theo_doi,,1009,,",
    "Đảng bộ phường 1,Chi bộ Khu phố 2,Võ Thị Giang,theo_doi,,1009,,",
]


def csv_file(tmp_path: Path, lines: list[str], *, name: str = "roster.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes("\n".join(lines).encode(encoding))
    return path


async def run_import(app: AppContext, path: Path) -> ImportReport:
    return await import_roster(app.sessions, parse_rows(read_table(path)))


def texts(refusal: RosterError, language: str = "en") -> list[str]:
    """The refusal as the operator reads it."""
    tr = Translator(language)
    return [str(tr.t(p.key, **p.args)) for p in refusal.problems]


async def refused(app: AppContext, path: Path) -> RosterError:
    """Import a file that must be refused whole, and check that nothing changed."""
    before = await snapshot(app)
    with pytest.raises(RosterError) as caught:
        await run_import(app, path)
    assert await snapshot(app) == before
    return caught.value


async def snapshot(app: AppContext) -> dict[str, object]:
    async with app.sessions() as session:
        people = (await session.execute(select(Person.full_name, Person.phone).order_by(Person.full_name))).all()
        members = (
            await session.execute(
                select(Person.full_name, Cell.name, Membership.role, Membership.status)
                .join(Membership.person)
                .join(Membership.cell)
                .order_by(Person.full_name, Cell.name)
            )
        ).all()
        accounts = (await session.execute(select(Account.platform, Account.external_id).order_by(Account.id))).all()
        supervisions = await session.scalar(select(func.count()).select_from(Supervision))
        committees = (await session.scalars(select(Committee.name))).all()
    return {
        "people": people,
        "members": members,
        "accounts": accounts,
        "supervisions": supervisions,
        "committees": committees,
    }


async def test_good_file_creates_everything(app: AppContext, tmp_path: Path) -> None:
    report = await run_import(app, csv_file(tmp_path, GOOD))
    assert (report.committees.added, report.cells.added) == (1, 2)
    assert (report.members.added, report.supervisors.added) == (5, 2)
    state = await snapshot(app)
    assert len(state["people"]) == 6  # the supervisor of two cells is one person
    assert ("Lê Văn Cường", "Chi bộ Khu phố 1", MemberRole.MEMBER, MemberStatus.PROBATIONARY) in state["members"]
    assert (Platform.ZALO, "zc3") in state["accounts"]
    assert ("Nguyễn Văn An", "0912345678") in state["people"]


async def test_reimport_changes_nothing_and_says_so(app: AppContext, tmp_path: Path) -> None:
    path = csv_file(tmp_path, GOOD)
    await run_import(app, path)
    before = await snapshot(app)
    report = await run_import(app, path)
    assert report.members.added == report.members.updated == 0
    assert report.members.unchanged == 5
    assert report.supervisors.unchanged == 2
    assert report.cells.unchanged == 2
    assert report.committees.unchanged == 1
    assert await snapshot(app) == before


async def test_edited_file_updates_what_changed(app: AppContext, tmp_path: Path) -> None:
    await run_import(app, csv_file(tmp_path, GOOD))
    edited = [line for line in GOOD]
    edited[3] = "Đảng bộ phường 1,Chi bộ Khu phố 1,Lê Văn Cường,,chinh_thuc,,zc3,0987654321"
    edited.append("Đảng bộ phường 1,Chi bộ Khu phố 2,Đỗ Văn Hải,,,,,")
    report = await run_import(app, csv_file(tmp_path, edited, name="edited.csv"))
    assert (report.members.added, report.members.updated, report.members.unchanged) == (1, 1, 4)
    state = await snapshot(app)
    assert ("Lê Văn Cường", "Chi bộ Khu phố 1", MemberRole.MEMBER, MemberStatus.FULL) in state["members"]
    assert ("Lê Văn Cường", "0987654321") in state["people"]


async def test_a_chat_id_under_another_name_is_refused_unless_the_row_says_rename(
    app: AppContext, tmp_path: Path
) -> None:
    await run_import(app, csv_file(tmp_path, GOOD))
    renamed = [*GOOD]
    renamed[2] = "Đảng bộ phường 1,Chi bộ Khu phố 1,Trần Thị Bích,pho_bi_thu,chinh_thuc,1002,,"
    error = await refused(app, csv_file(tmp_path, renamed, name="renamed.csv"))
    assert texts(error, "vi") == [
        "Dòng 3: telegram_id 1002 là của Trần Thị Bình, nhưng tệp ghi tên Trần Thị Bích. Nếu đổi tên thật, "
        "ghi “Trần Thị Bình” vào cột ten_cu; nếu không, hãy sửa lại số."
    ]

    explicit = [HEADER + ",ten_cu", *(line + "," for line in renamed[1:])]
    explicit[2] = renamed[2] + ",Trần Thị Bình"
    await run_import(app, csv_file(tmp_path, explicit, name="explicit.csv"))
    names = [p[0] for p in (await snapshot(app))["people"]]
    assert "Trần Thị Bích" in names
    assert "Trần Thị Bình" not in names
    # The same file again changes nothing: the rename is done.
    report = await run_import(app, csv_file(tmp_path, explicit, name="explicit.csv"))
    assert report.members.updated == 0


async def test_ten_cu_must_name_the_person_as_stored(app: AppContext, tmp_path: Path) -> None:
    await run_import(app, csv_file(tmp_path, GOOD))
    header = HEADER + ",ten_cu"
    # By chat id: ten_cu names someone else than the owner of telegram 1002.
    wrong = [header, "Đảng bộ phường 1,Chi bộ Khu phố 1,Trần Thị Bích,pho_bi_thu,,1002,,,Nguyễn Văn An"]
    error = await refused(app, csv_file(tmp_path, wrong, name="wrong.csv"))
    assert texts(error) == ["Line 2: ten_cu says “Nguyễn Văn An” but this person is called Trần Thị Bình."]
    # By name: nobody is called that in the cell; the folded name suggests who was meant.
    typo = [header, "Đảng bộ phường 1,Chi bộ Khu phố 1,Lê Văn Cương,,du_bi,,,,Le Van Cuong"]
    error = await refused(app, csv_file(tmp_path, typo, name="typo.csv"))
    assert texts(error, "vi") == [
        "Dòng 2: trong chi bộ không có ai tên “Le Van Cuong” (ten_cu). Có phải: Lê Văn Cường?"
    ]
    # Renaming by name alone, without any id, works when ten_cu is right.
    right = [header, "Đảng bộ phường 1,Chi bộ Khu phố 1,Lê Văn Cương,,du_bi,,,,Lê Văn Cường"]
    report = await run_import(app, csv_file(tmp_path, right, name="right.csv"))
    assert (report.members.added, report.members.updated) == (0, 1)
    names = [p[0] for p in (await snapshot(app))["people"]]
    assert "Lê Văn Cương" in names
    assert "Lê Văn Cường" not in names


async def test_a_phone_typo_neither_renames_nor_moves_the_secretary(app: AppContext, tmp_path: Path) -> None:
    await run_import(app, csv_file(tmp_path, GOOD))
    # Dung's row carries An's phone (0912345678): An is Khu phố 1's secretary.
    typo = [HEADER, "Đảng bộ phường 1,Chi bộ Khu phố 2,Phạm Thị Dung,bi_thu,,,,0912345678"]
    error = await refused(app, csv_file(tmp_path, typo, name="typo.csv"))
    assert texts(error) == [
        "Line 2: dien_thoai 0912345678 belongs to Nguyễn Văn An, but the file says Phạm Thị Dung. If this is a "
        "rename, put “Nguyễn Văn An” in column ten_cu; otherwise correct the number.",
        "Line 2: dien_thoai 0912345678 belongs to Nguyễn Văn An of Chi bộ Khu phố 1; the file places this person "
        "in Chi bộ Khu phố 2. If she really joins that cell too, put “x” in column them_chi_bo; otherwise correct "
        "the number.",
    ]


async def test_joining_a_second_cell_by_phone_needs_them_chi_bo(app: AppContext, tmp_path: Path) -> None:
    await run_import(app, csv_file(tmp_path, GOOD))
    header = HEADER + ",them_chi_bo"
    row = "Đảng bộ phường 1,Chi bộ Khu phố 2,Nguyễn Văn An,,tam_thoi,,,0912345678"
    with pytest.raises(RosterError) as caught:
        await run_import(app, csv_file(tmp_path, [header, row + ","], name="join.csv"))
    assert [p.key for p in caught.value.problems] == ["roster-moves"]
    with pytest.raises(RosterError) as caught:
        await run_import(app, csv_file(tmp_path, [header, row + ",maybe"], name="join.csv"))
    assert [p.key for p in caught.value.problems] == ["roster-bad-flag"]
    await run_import(app, csv_file(tmp_path, [header, row + ",có"], name="join.csv"))
    members = (await snapshot(app))["members"]
    assert ("Nguyễn Văn An", "Chi bộ Khu phố 1", MemberRole.SECRETARY, MemberStatus.FULL) in members
    assert ("Nguyễn Văn An", "Chi bộ Khu phố 2", MemberRole.MEMBER, MemberStatus.TEMPORARY) in members


async def test_names_differing_by_one_tone_mark_are_two_people(app: AppContext, tmp_path: Path) -> None:
    lines = [
        HEADER,
        "Đảng bộ phường 1,Chi bộ Khu phố 1,Nguyễn Văn Tâm,,,,,0911000001",
        "Đảng bộ phường 1,Chi bộ Khu phố 1,Nguyễn Văn Tám,,,,,",
    ]
    await run_import(app, csv_file(tmp_path, lines))
    assert sorted(p[0] for p in (await snapshot(app))["people"]) == sorted(["Nguyễn Văn Tâm", "Nguyễn Văn Tám"])
    # A later file naming only Tám (no ids) leaves Tâm as she is.
    later = [HEADER, "Đảng bộ phường 1,Chi bộ Khu phố 1,Nguyễn Văn Tám,,du_bi,,,"]
    report = await run_import(app, csv_file(tmp_path, later, name="later.csv"))
    assert (report.members.added, report.members.updated) == (0, 1)
    state = await snapshot(app)
    assert sorted(p[0] for p in state["people"]) == sorted(["Nguyễn Văn Tâm", "Nguyễn Văn Tám"])
    assert ("Nguyễn Văn Tâm", "Chi bộ Khu phố 1", MemberRole.MEMBER, MemberStatus.FULL) in state["members"]


async def test_case_spacing_and_invisible_characters_do_not_make_a_second_person(
    app: AppContext, tmp_path: Path
) -> None:
    await run_import(app, csv_file(tmp_path, GOOD))
    again = [HEADER, "đảng bộ  PHƯỜNG 1,chi bộ khu phố 2,Phạm Thị Dung\u200b,bi_thu,,,,"]
    report = await run_import(app, csv_file(tmp_path, again, name="again.csv"))
    assert (report.committees.added, report.cells.added, report.members.added) == (0, 0, 0)
    assert len((await snapshot(app))["people"]) == 6


async def test_a_second_secretary_is_checked_against_the_database(app: AppContext, tmp_path: Path) -> None:
    await run_import(app, csv_file(tmp_path, GOOD))
    second = [HEADER, "Đảng bộ phường 1,Chi bộ Khu phố 1,Đỗ Văn Hải,bi_thu,,,,"]
    error = await refused(app, csv_file(tmp_path, second, name="second.csv"))
    assert [p.key for p in error.problems] == ["roster-secretary-in-db"]
    assert "Chi bộ Khu phố 1 đã có bí thư là Nguyễn Văn An" in texts(error, "vi")[0]
    # Handing over in one file is allowed: the present secretary becomes a deputy.
    handover = [*second, "Đảng bộ phường 1,Chi bộ Khu phố 1,Nguyễn Văn An,pho_bi_thu,,1001,,0912345678"]
    await run_import(app, csv_file(tmp_path, handover, name="handover.csv"))
    members = (await snapshot(app))["members"]
    assert ("Đỗ Văn Hải", "Chi bộ Khu phố 1", MemberRole.SECRETARY, MemberStatus.FULL) in members
    assert ("Nguyễn Văn An", "Chi bộ Khu phố 1", MemberRole.DEPUTY, MemberStatus.FULL) in members


async def test_semicolons_bom_and_vietnamese_headers(app: AppContext, tmp_path: Path) -> None:
    lines = [
        "Đảng bộ;Chi bộ;Họ tên;Vai trò;Trạng thái;Điện thoại",
        "Đảng bộ xã 2;Chi bộ Thôn A;Nguyễn Thị Mai;Bí thư;Chính thức;+84 912 000 111",
        "Đảng bộ xã 2;Chi bộ Thôn A;Trần Văn Nam;;Dự bị;",
    ]
    path = csv_file(tmp_path, lines, encoding="utf-8-sig")
    report = await run_import(app, path)
    assert report.members.added == 2
    state = await snapshot(app)
    assert ("Nguyễn Thị Mai", "0912000111") in state["people"]
    assert ("Trần Văn Nam", "Chi bộ Thôn A", MemberRole.MEMBER, MemberStatus.PROBATIONARY) in state["members"]


async def test_xlsx_with_numeric_ids(app: AppContext, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["STT", "Chi bộ", "Họ và tên", "telegram_id", "Điện thoại"])
    sheet.append([1, "Chi bộ Khu phố 9", "Bùi Văn Khoa", 55501, 912345000])
    path = tmp_path / "roster.xlsx"
    book.save(path)
    await run_import(app, csv_file(tmp_path, ["dang_bo,chi_bo,ho_ten", "Đảng bộ X,Chi bộ Khu phố 8,Ai Đó"]))
    report = await run_import(app, path)
    assert report.members.added == 1
    state = await snapshot(app)
    assert (Platform.TELEGRAM, "55501") in state["accounts"]
    assert ("Bùi Văn Khoa", "0912345000") in state["people"]


BAD_ROWS = [
    ("Đảng bộ phường 1,Chi bộ Khu phố 1,,dang_vien,,,,", "Line 2: ho_ten (full name) is empty"),
    ("Đảng bộ phường 1,,Ai Đó,dang_vien,,,,", "Line 2: chi_bo (cell) is empty"),
    ("Đảng bộ phường 1,Chi bộ Khu phố 1,Ai Đó,truong_nhom,,,,", "Line 2: vai_tro “truong_nhom”"),
    ("Đảng bộ phường 1,Chi bộ Khu phố 1,Ai Đó,,nghi_huu,,,", "Line 2: trang_thai “nghi_huu”"),
    ("Đảng bộ phường 1,Chi bộ Khu phố 1,Ai Đó,,,abc,,", "Line 2: telegram_id “abc”"),
    ("Đảng bộ phường 1,Chi bộ Khu phố 1,Ai Đó,,,,,12ab", "Line 2: dien_thoai “12ab”"),
    ("Đảng bộ phường 1,Chi bộ Khu phố 1,Ai Đó,,,,có dấu cách,", "Line 2: zalo_id"),
]


@pytest.mark.parametrize(("row", "message"), BAD_ROWS)
async def test_each_bad_row_is_refused_and_nothing_written(
    app: AppContext, tmp_path: Path, row: str, message: str
) -> None:
    await run_import(app, csv_file(tmp_path, GOOD))
    lines = [HEADER, row, "Đảng bộ phường 1,Chi bộ Khu phố 3,Người Mới,,,,,"]
    error = await refused(app, csv_file(tmp_path, lines, name="bad.csv"))
    assert any(message in problem for problem in texts(error)), texts(error)


async def test_every_bad_row_is_listed_at_once(tmp_path: Path) -> None:
    lines = [HEADER, BAD_ROWS[0][0], GOOD[1], BAD_ROWS[2][0]]
    with pytest.raises(RosterError) as caught:
        parse_rows(read_table(csv_file(tmp_path, lines)))
    assert [p.split(":")[0] for p in texts(caught.value)] == ["Line 2", "Line 4"]


CONTRADICTIONS = [
    (
        ["Đảng bộ phường 1,Chi bộ Khu phố 1,Ai Một,,,777,,", "Đảng bộ phường 1,Chi bộ Khu phố 1,Ai Hai,,,777,,"],
        "one person cannot have two names",
    ),
    (
        ["Đảng bộ phường 1,Chi bộ Khu phố 1,Ai Một,,,777,,", "Đảng bộ phường 1,Chi bộ Khu phố 1,Ai Một,,du_bi,777,,"],
        "with a different vai_tro or trang_thai",
    ),
    (
        ["Đảng bộ phường 1,Chi bộ Khu phố 1,Ai Một,bi_thu,,,,", "Đảng bộ phường 1,Chi bộ Khu phố 1,Ai Hai,bi_thu,,,,"],
        "already has a secretary",
    ),
    (
        [
            "Đảng bộ phường 1,Chi bộ Khu phố 1,Ai Một,,,777,,0911111111",
            "Đảng bộ phường 1,Chi bộ Khu phố 2,Ai Một,,,777,,0922222222",
        ],
        "different dien_thoai values",
    ),
]


@pytest.mark.parametrize(("rows", "message"), CONTRADICTIONS)
async def test_rows_that_contradict_each_other(app: AppContext, tmp_path: Path, rows: list[str], message: str) -> None:
    with pytest.raises(RosterError) as caught:
        await run_import(app, csv_file(tmp_path, [HEADER, *rows]))
    assert any(message in p for p in texts(caught.value)), texts(caught.value)
    assert (await snapshot(app))["people"] == []


async def test_file_contradicting_the_database(app: AppContext, tmp_path: Path) -> None:
    await run_import(app, csv_file(tmp_path, GOOD))
    # telegram 1002 is Bình, but the phone belongs to An.
    lines = [HEADER, "Đảng bộ phường 1,Chi bộ Khu phố 1,Trần Thị Bình,pho_bi_thu,,1002,,0912345678"]
    error = await refused(app, csv_file(tmp_path, lines, name="clash.csv"))
    assert "the database disagrees" in texts(error)[0]


async def test_member_cannot_also_follow_own_cell(app: AppContext, tmp_path: Path) -> None:
    await run_import(app, csv_file(tmp_path, GOOD))
    lines = [HEADER, "Đảng bộ phường 1,Chi bộ Khu phố 1,Nguyễn Văn An,theo_doi,,1001,,"]
    error = await refused(app, csv_file(tmp_path, lines, name="x.csv"))
    assert "cannot both be a member" in texts(error)[0]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("latin1.csv", "chi_bo,ho_ten\nChi bộ,Nguyễn\n".encode("cp1258", errors="replace") + b"\xff\xfe", "not UTF-8"),
        ("fake.xlsx", b"this is not a zip file", "not an .xlsx spreadsheet"),
        ("roster.txt", b"chi_bo,ho_ten\n", "only .csv and .xlsx"),
        ("empty.csv", b"", "The file is empty"),
        ("header.csv", b"chi_bo,ho_ten\n", "no members"),
        ("cols.csv", b"chi_bo,ten\nA,B\n", "unknown column(s) ten"),
        ("nocell.csv", b"ho_ten\nA\n", "missing column chi_bo"),
        ("binary.csv", b"chi_bo,ho_ten\x00\x01\n", "binary data"),
    ],
)
def test_files_that_are_not_rosters(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(RosterError) as caught:
        parse_rows(read_table(path))
    assert message in "\n".join(texts(caught.value))


async def test_blank_committee_is_taken_from_the_database(app: AppContext, tmp_path: Path) -> None:
    await run_import(app, csv_file(tmp_path, GOOD))
    report = await run_import(app, csv_file(tmp_path, ["chi_bo,ho_ten", "Chi bộ Khu phố 2,Đỗ Văn Hải"], name="b.csv"))
    assert report.committees.added == 0
    assert report.members.added == 1
