"""One rule for finding by name: identity first (every diacritic), then kinder searches."""

from __future__ import annotations

import pytest

from handlers.context import AppContext
from services.authority import find_node
from services.errors import DomainError
from services.export import find_cell
from services.names import find_by_name, same_name, suggest
from services.roster import import_roster
from services.roster_file import parse_rows

PEOPLE = ["Nguyễn Văn Tâm", "Nguyễn Văn Tám", "Trần Thị An", "Lê Văn Toàn", "Phạm Thị Dung"]


def pick(wanted: str) -> list[str]:
    return find_by_name(PEOPLE, wanted, str)


def test_the_same_name_wins_over_a_name_without_its_tone_marks() -> None:
    assert pick("Nguyễn Văn Tâm") == ["Nguyễn Văn Tâm"]
    assert pick("nguyễn  văn TÁM") == ["Nguyễn Văn Tám"]
    assert pick("Phạm Thị Dung\u200b") == ["Phạm Thị Dung"]


def test_without_tone_marks_both_are_offered() -> None:
    assert pick("nguyen van tam") == ["Nguyễn Văn Tâm", "Nguyễn Văn Tám"]


def test_a_whole_word_beats_a_part_of_a_word() -> None:
    # "an" is inside "Văn", "Toàn" and "Tran": the person called An is meant.
    assert pick("an") == ["Trần Thị An"]
    assert pick("toa") == ["Lê Văn Toàn"]
    assert pick("   ") == []
    assert pick("Xuân") == []


def test_identity_never_folds() -> None:
    assert same_name(PEOPLE, "Nguyen Van Tam", str) == []
    assert suggest(PEOPLE, "Nguyen Van Tam", str) == ["Nguyễn Văn Tâm", "Nguyễn Văn Tám"]


async def test_services_find_cells_and_committees_by_the_same_rule(app: AppContext) -> None:
    rows = [
        ["dang_bo", "chi_bo", "ho_ten"],
        ["Đảng bộ Phường Tân", "Chi bộ Khu phố Tâm", "Ai Một"],
        ["Đảng bộ Phường Tân", "Chi bộ Khu phố Tám", "Ai Hai"],
        ["Đảng bộ Phường Tần", "Chi bộ Khu phố 1", "Ai Ba"],
    ]
    await import_roster(app.sessions, parse_rows(rows))
    async with app.sessions() as session:
        assert (await find_cell(session, "chi bộ khu phố TÁM")).name == "Chi bộ Khu phố Tám"
        assert (await find_node(session, None, "Đảng bộ Phường Tần", root=True)).name == "Đảng bộ Phường Tần"
        with pytest.raises(DomainError) as ambiguous:
            await find_cell(session, "khu pho tam")
        assert ambiguous.value.key == "reports-cell-ambiguous"
