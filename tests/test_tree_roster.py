"""Roster files that place cells in the tree (cap_tren) and name admins and supervisors of whole
organisations; today's files (dang_bo + chi_bo) still import the same way."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from handlers.context import AppContext
from models import Cell, Committee, CommitteeKind, CommitteeRole, NodeRole, Person
from services import tree
from tests.test_roster import csv_file, refused, run_import, texts

HEADER = "cap_tren,dang_bo,chi_bo,ho_ten,vai_tro,telegram_id"
CITY = "Thành ủy Hà Nội"
WARD = f"{CITY} / Đảng ủy phường Hoàn Kiếm"
SCHOOL = f"{WARD} / Đảng bộ Trường THPT Việt Đức"
TREE = [
    HEADER,
    f"{WARD},,Chi bộ Tổ dân phố 3/2,Nguyễn Thị Tâm,bi_thu,2001",
    f"{WARD},,Chi bộ Tổ dân phố 3/2,Nguyễn Văn Tám,,2002",
    f"{SCHOOL},,Chi bộ Giáo viên,Lê Văn Hùng,bi_thu,2003",
    f"{WARD},,,Trần Văn Quản,quan_tri,2010",
    f"{SCHOOL},,,Phạm Thị Theo,theo_doi,2011",
]


async def nodes(app: AppContext) -> dict[str, tuple[str | None, CommitteeKind]]:
    """Every node: name -> (parent's name, kind)."""
    async with app.sessions() as session:
        rows = (await session.scalars(select(Committee))).all()
        names = {c.id: c.name for c in rows}
        return {c.name: (names.get(c.parent_id) if c.parent_id else None, c.kind) for c in rows}


async def cells(app: AppContext) -> dict[str, str]:
    async with app.sessions() as session:
        rows = await session.execute(select(Cell.name, Committee.name).join(Committee))
        return {cell: committee for cell, committee in rows}


async def node_roles(app: AppContext) -> set[tuple[str, str, NodeRole]]:
    async with app.sessions() as session:
        rows = await session.execute(
            select(Person.full_name, Committee.name, CommitteeRole.role).join(Person).join(Committee)
        )
        return {(name, node, role) for name, node, role in rows}


async def test_a_chain_above_the_cell_builds_the_tree_with_kinds_admins_and_supervisors(
    app: AppContext, tmp_path: Path
) -> None:
    report = await run_import(app, csv_file(tmp_path, TREE))
    assert (report.committees.added, report.cells.added, report.members.added) == (3, 2, 3)
    assert (report.admins.added, report.supervisors.added) == (1, 1)
    assert await nodes(app) == {
        "Thành ủy Hà Nội": (None, CommitteeKind.PROVINCE),
        "Đảng ủy phường Hoàn Kiếm": ("Thành ủy Hà Nội", CommitteeKind.COMMUNE),
        "Đảng bộ Trường THPT Việt Đức": ("Đảng ủy phường Hoàn Kiếm", CommitteeKind.GRASSROOTS),
    }
    # "3/2" without spaces around the slash is part of a name, not a level.
    assert await cells(app) == {
        "Chi bộ Tổ dân phố 3/2": "Đảng ủy phường Hoàn Kiếm",
        "Chi bộ Giáo viên": "Đảng bộ Trường THPT Việt Đức",
    }
    assert await node_roles(app) == {
        ("Trần Văn Quản", "Đảng ủy phường Hoàn Kiếm", NodeRole.ADMIN),
        ("Phạm Thị Theo", "Đảng bộ Trường THPT Việt Đức", NodeRole.SUPERVISOR),
    }
    again = await run_import(app, csv_file(tmp_path, TREE))
    assert (again.committees.added, again.cells.added, again.members.added, again.admins.added) == (0, 0, 0, 0)
    assert (again.committees.unchanged, again.admins.unchanged, again.supervisors.unchanged) == (3, 1, 1)


async def test_a_flat_file_or_a_short_chain_finds_the_node_already_in_the_tree(app: AppContext, tmp_path: Path) -> None:
    await run_import(app, csv_file(tmp_path, TREE))
    flat = ["dang_bo,chi_bo,ho_ten", "Đảng ủy phường Hoàn Kiếm,Chi bộ Tổ dân phố 5,Đỗ Văn Năm"]
    await run_import(app, csv_file(tmp_path, flat, name="flat.csv"))
    short = [
        "cap_tren,chi_bo,ho_ten",
        "Đảng ủy phường Hoàn Kiếm / Đảng bộ Trường THPT Việt Đức,Chi bộ Học sinh,Vũ Thị Sáu",
        "Đảng ủy phường Hoàn Kiếm / Đảng bộ Công ty Mới,Chi bộ Kinh doanh,Đinh Văn Bảy",
    ]
    report = await run_import(app, csv_file(tmp_path, short, name="short.csv"))
    assert report.committees.added == 1
    assert (await nodes(app))["Đảng bộ Công ty Mới"] == ("Đảng ủy phường Hoàn Kiếm", CommitteeKind.GRASSROOTS)
    assert (await cells(app))["Chi bộ Tổ dân phố 5"] == "Đảng ủy phường Hoàn Kiếm"
    assert (await cells(app))["Chi bộ Học sinh"] == "Đảng bộ Trường THPT Việt Đức"
    assert len(await nodes(app)) == 4


async def test_one_name_under_two_parents_is_two_nodes_and_a_short_chain_must_say_which(
    app: AppContext, tmp_path: Path
) -> None:
    lines = [
        "cap_tren,chi_bo,ho_ten",
        f"{CITY} / Đảng ủy phường Ba Đình / Đảng bộ Trường Tiểu học Kim Đồng,Chi bộ 1,Ngô Văn Một",
        f"{CITY} / Đảng ủy phường Hoàn Kiếm / Đảng bộ Trường Tiểu học Kim Đồng,Chi bộ 1,Ngô Văn Hai",
    ]
    await run_import(app, csv_file(tmp_path, lines))
    async with app.sessions() as session:
        schools = (await session.scalars(select(Committee).where(Committee.name.like("%Kim Đồng")))).all()
    assert len(schools) == 2
    vague = ["cap_tren,chi_bo,ho_ten", "Đảng bộ Trường Tiểu học Kim Đồng,Chi bộ 2,Ngô Văn Ba"]
    refusal = await refused(app, csv_file(tmp_path, vague, name="vague.csv"))
    assert texts(refusal) == [
        "Line 2: several organisations are called “Đảng bộ Trường Tiểu học Kim Đồng” (Thành ủy Hà Nội / Đảng ủy "
        "phường Ba Đình / Đảng bộ Trường Tiểu học Kim Đồng; Thành ủy Hà Nội / Đảng ủy phường Hoàn Kiếm / Đảng bộ "
        "Trường Tiểu học Kim Đồng); give every level above in cap_tren."
    ]


async def test_bad_chains_and_node_roles_are_refused_naming_the_line(app: AppContext, tmp_path: Path) -> None:
    lines = [
        HEADER,
        f"{CITY} /  / Đảng ủy phường X,,Chi bộ 1,Ngô Văn Một,,3001",
        f"{WARD},,Chi bộ 1,Ngô Văn Hai,quan_tri,3002",
        f"{WARD},,,Ngô Văn Ba,quan_tri,",
        ",,,Ngô Văn Bốn,theo_doi,3004",
        f"{WARD},,,Ngô Văn Năm,dang_vien,3005",
        " / ".join(f"Cấp {n}" for n in range(7)) + ",,Chi bộ 1,Ngô Văn Sáu,,3006",
    ]
    refusal = await refused(app, csv_file(tmp_path, lines))
    assert [p.key for p in refusal.problems] == [
        "roster-bad-chain",
        "roster-admin-with-cell",
        "roster-node-role-no-id",
        "roster-node-role-no-chain",
        "roster-cell-empty",
        "roster-chain-too-deep",
    ]
    assert texts(refusal, "vi")[2] == (
        "Dòng 4: Ngô Văn Ba quản trị hoặc theo dõi một tổ chức nên cần telegram_id, zalo_id hoặc dien_thoai"
        " để nhận ra đúng người."
    )


async def test_the_tree_answers_paths_holders_and_subtrees(app: AppContext, tmp_path: Path) -> None:
    await run_import(app, csv_file(tmp_path, TREE))
    async with app.sessions() as session:
        ids = {c.name: c.id for c in (await session.scalars(select(Committee))).all()}
        school, ward, city = ids["Đảng bộ Trường THPT Việt Đức"], ids["Đảng ủy phường Hoàn Kiếm"], ids[CITY]
        assert [c.name for c in await tree.path(session, school)] == [
            CITY,
            "Đảng ủy phường Hoàn Kiếm",
            "Đảng bộ Trường THPT Việt Đức",
        ]
        quan = await session.scalar(select(Person.id).where(Person.full_name == "Trần Văn Quản"))
        assert await tree.holders_above(session, school, NodeRole.ADMIN) == [quan]
        assert await tree.holders_above(session, city, NodeRole.ADMIN) == []
        assert await tree.is_above(session, [ward], school)
        assert not await tree.is_above(session, [school], ward)
        under_ward = set(await session.scalars(tree.cells_under([ward])))
        under_school = set(await session.scalars(tree.cells_under([school])))
        assert len(under_ward) == 2
        assert len(under_school) == 1
        assert under_school < under_ward


async def test_an_organisations_name_is_an_identity(app: AppContext, tmp_path: Path) -> None:
    """Other tone marks name another organisation; case, spacing and invisible characters do not."""
    await run_import(app, csv_file(tmp_path, TREE))
    lines = [
        "cap_tren,chi_bo,ho_ten",
        "THÀNH ỦY  HÀ NỘI / Đảng ủy phường Hoàn\u200b Kiếm,Chi bộ Tổ 9,Ngô Văn Chín",
        "Thành ủy Hà Nội / Đảng ủy phường Hoàn Kiêm,Chi bộ Tổ 10,Ngô Văn Mười",
    ]
    report = await run_import(app, csv_file(tmp_path, lines, name="marks.csv"))
    assert report.committees.added == 1
    found = await nodes(app)
    assert found["Đảng ủy phường Hoàn Kiêm"] == ("Thành ủy Hà Nội", CommitteeKind.COMMUNE)
    assert (await cells(app))["Chi bộ Tổ 9"] == "Đảng ủy phường Hoàn Kiếm"
