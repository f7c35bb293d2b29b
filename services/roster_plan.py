"""Grouping a roster's rows into people and matching them to what the database holds. Pure.

A name is an identity (`name_key`: every diacritic counts, invisible characters do not), so
"Nguyễn Văn Tâm" and "Nguyễn Văn Tám" are two people. A phone or chat id that points to someone
under another name, or in another cell, is refused unless the row says so (`ten_cu`,
`them_chi_bo`): a typo in a phone number must not rename the secretary or move her.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from models import MemberRole, MemberStatus, Platform
from services.names import suggest
from services.roster_file import Problem, RosterRow
from services.text import name_key as _name_key

# Rows repeat their cell and committee, and each name is compared several times.
name_key = lru_cache(maxsize=1 << 16)(_name_key)
CellRef = tuple[str, str]  # (committee name key, cell name key): a cell that may not exist yet


@dataclass
class Snapshot:
    """What the database holds, as plain values keyed the ways rows are matched."""

    committees: dict[str, tuple[int, str]] = field(default_factory=dict)  # name key -> (id, name)
    cells: dict[CellRef, int] = field(default_factory=dict)
    cell_names: dict[int, str] = field(default_factory=dict)
    cell_committees: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # cell key
    people: dict[int, tuple[str, str | None]] = field(default_factory=dict)  # id -> (name, phone)
    by_account: dict[tuple[Platform, str], int] = field(default_factory=dict)
    account_of: dict[tuple[int, Platform], str] = field(default_factory=dict)
    by_phone: dict[str, int] = field(default_factory=dict)
    memberships: dict[tuple[int, int], tuple[MemberRole, MemberStatus]] = field(default_factory=dict)
    ended: dict[tuple[int, int], str] = field(default_factory=dict)  # (person, cell) -> end reason
    member_cells: defaultdict[int, set[int]] = field(default_factory=lambda: defaultdict(set))  # current only
    supervisions: set[tuple[int, int]] = field(default_factory=set)
    by_name: defaultdict[tuple[int, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    secretaries: dict[int, int] = field(default_factory=dict)  # cell id -> person id


@dataclass
class PersonGroup:
    """Rows the file says are one person."""

    rows: list[RosterRow]
    name: str
    telegram_id: str | None = None
    zalo_id: str | None = None
    phone: str | None = None
    old_name: str | None = None
    adds_cell: bool = False


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def row_cell(row: RosterRow, committee_keys: dict[int, str]) -> CellRef:
    return committee_keys[row.line], name_key(row.cell)


def _has_ids(row: RosterRow) -> bool:
    return bool(row.telegram_id or row.zalo_id or row.phone)


def _link_rows(rows: list[RosterRow], committee_keys: dict[int, str]) -> list[list[RosterRow]]:
    """Rows sharing a telegram id, zalo id or phone are one person; so are rows with the same name
    in the same cell when at least one of them carries no id."""
    uf = _UnionFind(len(rows))
    seen: dict[tuple[str, str], int] = {}
    named: dict[tuple[CellRef, str], int] = {}
    for i, row in enumerate(rows):
        ids = [(k, v) for k, v in (("tg", row.telegram_id), ("zalo", row.zalo_id), ("phone", row.phone)) if v]
        for id_key in ids:
            uf.union(i, seen.setdefault(id_key, i))
        first = named.setdefault((row_cell(row, committee_keys), name_key(row.name)), i)
        if not _has_ids(row) or not _has_ids(rows[first]):
            uf.union(i, first)
    buckets: dict[int, list[RosterRow]] = defaultdict(list)
    for i, row in enumerate(rows):
        buckets[uf.find(i)].append(row)
    return list(buckets.values())


def _check_person(rows: list[RosterRow], committee_keys: dict[int, str]) -> tuple[PersonGroup, list[Problem]]:
    first = rows[0]
    group = PersonGroup(rows=rows, name=first.name, adds_cell=any(r.adds_cell for r in rows))
    problems = [
        Problem("roster-two-names", {"line": row.line, "name": row.name, "other": first.name, "other_line": first.line})
        for row in rows[1:]
        if name_key(row.name) != name_key(first.name)
    ]
    for attr, column in (
        ("telegram_id", "telegram_id"),
        ("zalo_id", "zalo_id"),
        ("phone", "dien_thoai"),
        ("old_name", "ten_cu"),
    ):
        values = {getattr(r, attr) for r in rows if getattr(r, attr)}
        if len(values) > 1:
            lines = ", ".join(str(r.line) for r in rows)
            problems.append(
                Problem(
                    "roster-different-values", {"lines": lines, "column": column, "values": ", ".join(sorted(values))}
                )
            )
        setattr(group, attr, next(iter(values), None))
    by_cell: dict[CellRef, RosterRow] = {}
    for row in rows:
        earlier = by_cell.setdefault(row_cell(row, committee_keys), row)
        if earlier is not row and (earlier.role, earlier.status) != (row.role, row.status):
            problems.append(
                Problem(
                    "roster-role-differs",
                    {"line": row.line, "name": row.name, "cell": row.cell, "other_line": earlier.line},
                )
            )
    return group, problems


def group_people(rows: list[RosterRow], committee_keys: dict[int, str]) -> tuple[list[PersonGroup], list[Problem]]:
    """Group rows into people; `committee_keys` maps a row's line to its committee's name key."""
    problems: list[Problem] = []
    groups = []
    for linked in _link_rows(rows, committee_keys):
        group, group_problems = _check_person(linked, committee_keys)
        groups.append(group)
        problems.extend(group_problems)
    secretaries: dict[CellRef, RosterRow] = {}
    for row in rows:
        if row.role == MemberRole.SECRETARY.value:
            first = secretaries.setdefault(row_cell(row, committee_keys), row)
            if name_key(first.name) != name_key(row.name):
                problems.append(
                    Problem(
                        "roster-second-secretary",
                        {"line": row.line, "cell": row.cell, "name": first.name, "other_line": first.line},
                    )
                )
    return groups, problems


def _by_ids(group: PersonGroup, snap: Snapshot) -> tuple[dict[int, str], Problem | None]:
    """People the database knows by this group's ids, each with how it was found."""
    found: dict[int, str] = {}
    for label, value, person in (
        ("telegram_id", group.telegram_id, snap.by_account.get((Platform.TELEGRAM, group.telegram_id or ""))),
        ("zalo_id", group.zalo_id, snap.by_account.get((Platform.ZALO, group.zalo_id or ""))),
        ("dien_thoai", group.phone, snap.by_phone.get(group.phone or "")),
    ):
        if value and person is not None:
            found.setdefault(person, f"{label} {value}")
    if len(found) > 1:
        (first, first_by), (second, second_by) = list(found.items())[:2]
        args: dict[str, str | int] = {
            "line": group.rows[0].line,
            "name": group.name,
            "first_by": first_by,
            "first": snap.people[first][0],
            "second_by": second_by,
            "second": snap.people[second][0],
        }
        return found, Problem("roster-ids-two-people", args)
    return found, None


def match_person(group: PersonGroup, refs: dict[int, CellRef], snap: Snapshot) -> tuple[int | None, list[Problem]]:
    """The stored person this group is, or None for a new one; problems when the file must say more.
    `refs` maps each of the group's lines to its cell."""
    line = group.rows[0].line
    found, clash = _by_ids(group, snap)
    if clash is not None:
        return None, [clash]
    if found:
        person, by = next(iter(found.items()))
        return person, _check_identity(group, person, by, refs, snap)
    cells = {snap.cells[ref] for ref in refs.values() if ref in snap.cells}
    for wanted in (group.name, group.old_name):
        if not wanted:
            continue
        named = {c: snap.by_name.get((c, name_key(wanted)), set()) for c in cells}
        people = set().union(*named.values()) if named else set()
        if len(people) == 1:
            return people.pop(), []
        if people:
            where = ", ".join(sorted(snap.cell_names[c] for c, ps in named.items() if ps))
            return None, [Problem("roster-name-ambiguous", {"line": line, "name": wanted, "cell": where})]
    if group.old_name:
        present = sorted({p for (c, _), ps in snap.by_name.items() if c in cells for p in ps})
        hints = suggest(present, group.old_name, lambda p: snap.people[p][0])
        args: dict[str, str | int] = {
            "line": line,
            "old": group.old_name,
            "hint": ", ".join(snap.people[p][0] for p in hints) or "-",
        }
        return None, [Problem("roster-old-name-unknown", args)]
    return None, []


def _check_identity(
    group: PersonGroup, person: int, by: str, refs: dict[int, CellRef], snap: Snapshot
) -> list[Problem]:
    """A phone or chat id found someone: the row must not rename or move them unless it says so."""
    line = group.rows[0].line
    stored = snap.people[person][0]
    problems: list[Problem] = []
    if name_key(stored) != name_key(group.name):
        if group.old_name is None:
            problems.append(Problem("roster-renames", {"line": line, "by": by, "old": stored, "new": group.name}))
        elif name_key(group.old_name) != name_key(stored):
            problems.append(Problem("roster-old-name-differs", {"line": line, "old": group.old_name, "stored": stored}))
    current = snap.member_cells.get(person, set())
    joins = [
        r for r in group.rows if not (r.is_supervisor or r.readmit) and snap.cells.get(refs[r.line]) not in current
    ]
    if current and joins and not group.adds_cell:
        args: dict[str, str | int] = {
            "line": joins[0].line,
            "name": stored,
            "by": by,
            "cells": ", ".join(sorted(snap.cell_names[c] for c in current)),
            "cell": ", ".join(sorted({r.cell for r in joins})),
        }
        problems.append(Problem("roster-moves", args))
    return problems


def committee_keys(rows: list[RosterRow], snap: Snapshot) -> tuple[dict[int, str], dict[str, str], list[Problem]]:
    """Each row's committee (name key), filling a blank dang_bo from the same cell's other rows, the
    database, or the only committee; and the display name of every committee the file names."""
    names: dict[str, str] = {key: name for key, (_, name) in snap.committees.items()}
    for row in rows:
        if row.committee:
            names.setdefault(name_key(row.committee), row.committee)
    named = {name_key(r.cell): name_key(r.committee) for r in rows if r.committee}
    keys: dict[int, str] = {}
    problems: list[Problem] = []
    for row in rows:
        cell = name_key(row.cell)
        choice = name_key(row.committee) if row.committee else named.get(cell)
        if choice is None and len(snap.cell_committees.get(cell, ())) == 1:
            choice = next(iter(snap.cell_committees[cell]))
        if choice is None and len(names) == 1:
            choice = next(iter(names))
        if choice is None:
            problems.append(Problem("roster-no-committee", {"line": row.line}))
        keys[row.line] = choice or ""
    return keys, names, problems
