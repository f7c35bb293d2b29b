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
# A node of the tree is known by its path: the name keys from the top down, joined by SEP (a
# control character, which no cleaned name holds). A top-level node's path is its name key.
SEP = "\x1f"
CellRef = tuple[str, str]  # (path of the node above, cell name key; "" for a role over the node itself)


def path_key(chain: tuple[str, ...]) -> str:
    return SEP.join(name_key(part) for part in chain)


def prefixes(path: str) -> list[str]:
    """A path and the paths of every node above it, top first."""
    parts = path.split(SEP)
    return [SEP.join(parts[: i + 1]) for i in range(len(parts))]


@dataclass
class Snapshot:
    """What the database holds, as plain values keyed the ways rows are matched."""

    committees: dict[str, tuple[int, str]] = field(default_factory=dict)  # path -> (id, name)
    cells: dict[CellRef, int] = field(default_factory=dict)
    cell_names: dict[int, str] = field(default_factory=dict)
    cell_committees: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # cell key -> paths
    node_roles: set[tuple[int, int, str]] = field(default_factory=set)  # (person, committee id, NodeRole value)
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
        r
        for r in group.rows
        if not (r.is_supervisor or r.is_node_role or r.readmit) and snap.cells.get(refs[r.line]) not in current
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


def _suffixes(snap: Snapshot) -> defaultdict[str, set[str]]:
    """Every stored path under each of its endings: "phường X" finds "Thành ủy / phường X"."""
    found: defaultdict[str, set[str]] = defaultdict(set)
    for path in snap.committees:
        parts = path.split(SEP)
        for i in range(len(parts)):
            found[SEP.join(parts[i:])].add(path)
    return found


def _resolve(row: RosterRow, snap: Snapshot, suffixes: dict[str, set[str]]) -> tuple[str, Problem | None]:
    """A row's chain as a full path. The chain may leave out the levels above that the database
    already knows ("Đảng bộ phường X" when it sits under a city): its longest start that names
    exactly one stored node is that node, and the rest hangs below it."""
    chain = row.committees
    for end in range(len(chain), 0, -1):
        known = path_key(chain[:end])
        matches = {known} if known in snap.committees else suffixes.get(known, set())
        if len(matches) > 1:
            where = "; ".join(sorted(" / ".join(_display(p, snap)) for p in matches))
            return "", Problem("roster-committee-ambiguous", {"line": row.line, "name": chain[end - 1], "where": where})
        if matches:
            return SEP.join([matches.pop(), *(name_key(part) for part in chain[end:])]), None
    return path_key(chain), None


def _display(path: str, snap: Snapshot) -> list[str]:
    return [snap.committees[p][1] for p in prefixes(path)]


def committee_keys(rows: list[RosterRow], snap: Snapshot) -> tuple[dict[int, str], dict[str, str], list[Problem]]:
    """Each row's node (its path), filling a blank cap_tren/dang_bo from the same cell's other rows,
    the database, or the only node that holds cells; and the display name of every node the file
    or the database names, by path."""
    names: dict[str, str] = {path: name for path, (_, name) in snap.committees.items()}
    suffixes = _suffixes(snap)
    problems: list[Problem] = []
    given: dict[int, str] = {}
    for row in rows:
        if not row.committees:
            continue
        path, problem = _resolve(row, snap, suffixes)
        if problem is not None:
            problems.append(problem)
            continue
        given[row.line] = path
        for full, part in zip(reversed(prefixes(path)), reversed(row.committees), strict=False):
            names.setdefault(full, part)
    named = {name_key(r.cell): given[r.line] for r in rows if r.line in given and r.cell}
    holders = {path for path, _ in snap.cells} | set(named.values())
    keys: dict[int, str] = {}
    for row in rows:
        cell = name_key(row.cell)
        choice = given.get(row.line) if row.committees else named.get(cell)
        if choice is None and not row.committees and len(snap.cell_committees.get(cell, ())) == 1:
            choice = next(iter(snap.cell_committees[cell]))
        if choice is None and not row.committees and len(holders) == 1:
            choice = next(iter(holders))
        if choice is None and not row.committees:
            problems.append(Problem("roster-no-committee", {"line": row.line}))
        keys[row.line] = choice or ""
    return keys, names, problems
