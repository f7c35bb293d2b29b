"""Importing a roster: rows become committees, cells, people, memberships and supervisions.

Re-importing the same file changes nothing; an edited file updates what changed. The whole file
is checked (within itself and against the database) before anything is written, and written in
one transaction, so a bad file leaves the database exactly as it was.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, Cell, Committee, MemberRole, Membership, Person, Platform, Supervision
from services import audit
from services.roster_file import RosterError, RosterRow
from services.text import fold


@dataclass
class Tally:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    committees: Tally = field(default_factory=Tally)
    cells: Tally = field(default_factory=Tally)
    members: Tally = field(default_factory=Tally)
    supervisors: Tally = field(default_factory=Tally)

    def lines(self) -> list[str]:
        return [
            f"{label}: {t.added} added, {t.updated} updated, {t.unchanged} unchanged"
            for label, t in (
                ("committees", self.committees),
                ("cells", self.cells),
                ("members", self.members),
                ("supervisors", self.supervisors),
            )
        ]


@dataclass
class _PersonGroup:
    """Rows the file says are one person."""

    rows: list[RosterRow]
    name: str = ""
    telegram_id: str | None = None
    zalo_id: str | None = None
    phone: str | None = None


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


def _cell_key(row: RosterRow, committees: dict[int, str]) -> str:
    return f"{committees[row.line]}\x00{fold(row.cell)}"


def _has_ids(row: RosterRow) -> bool:
    return bool(row.telegram_id or row.zalo_id or row.phone)


def _link_rows(rows: list[RosterRow], committees: dict[int, str]) -> list[list[RosterRow]]:
    """Rows sharing a telegram id, zalo id or phone are one person; so are rows with the same name
    in the same cell when at least one of them carries no id."""
    uf = _UnionFind(len(rows))
    seen: dict[tuple[str, str], int] = {}
    named: dict[str, int] = {}
    for i, row in enumerate(rows):
        ids = [(k, v) for k, v in (("tg", row.telegram_id), ("zalo", row.zalo_id), ("phone", row.phone)) if v]
        for id_key in ids:
            uf.union(i, seen.setdefault(id_key, i))
        name_key = f"{_cell_key(row, committees)}\x00{fold(row.name)}"
        first = named.setdefault(name_key, i)
        if not _has_ids(row) or not _has_ids(rows[first]):
            uf.union(i, first)
    buckets: dict[int, list[RosterRow]] = defaultdict(list)
    for i, row in enumerate(rows):
        buckets[uf.find(i)].append(row)
    return list(buckets.values())


def _check_person(rows: list[RosterRow], committees: dict[int, str]) -> tuple[_PersonGroup, list[str]]:
    group = _PersonGroup(rows=rows, name=rows[0].name)
    problems = [
        f"line {row.line}: {row.name!r} shares an id or phone with {group.name!r} "
        f"on line {rows[0].line}; one person cannot have two names"
        for row in rows[1:]
        if fold(row.name) != fold(group.name)
    ]
    for attr in ("telegram_id", "zalo_id", "phone"):
        values = {getattr(r, attr) for r in rows if getattr(r, attr)}
        if len(values) > 1:
            lines = ", ".join(str(r.line) for r in rows)
            problems.append(f"lines {lines}: one person with different {attr} values {sorted(values)}")
        setattr(group, attr, next(iter(values), None))
    by_cell: dict[str, RosterRow] = {}
    for row in rows:
        earlier = by_cell.setdefault(_cell_key(row, committees), row)
        if earlier is not row and (earlier.role, earlier.status) != (row.role, row.status):
            problems.append(
                f"line {row.line}: {row.name} in {row.cell} is listed again on line {earlier.line} "
                "with a different vai_tro or trang_thai"
            )
    return group, problems


def group_people(rows: list[RosterRow], committees: dict[int, str]) -> list[_PersonGroup]:
    """Group rows into people and refuse contradictions. `committees` maps a row's line to its
    (folded) committee name."""
    problems: list[str] = []
    groups = []
    for linked in _link_rows(rows, committees):
        group, group_problems = _check_person(linked, committees)
        groups.append(group)
        problems.extend(group_problems)
    secretaries: dict[str, RosterRow] = {}
    for row in rows:
        if row.role == MemberRole.SECRETARY.value:
            first = secretaries.setdefault(_cell_key(row, committees), row)
            if fold(first.name) != fold(row.name):
                problems.append(
                    f"line {row.line}: {row.cell} already has a secretary ({first.name}, line {first.line})"
                )
    if problems:
        raise RosterError(problems)
    return groups


@dataclass
class _Index:
    """What the database already holds, keyed the ways rows are matched."""

    by_account: dict[tuple[Platform, str], Person] = field(default_factory=dict)
    account_of: dict[tuple[Person, Platform], Account] = field(default_factory=dict)
    by_phone: dict[str, Person] = field(default_factory=dict)
    by_name: defaultdict[tuple[int, str], list[Person]] = field(default_factory=lambda: defaultdict(list))
    memberships: dict[tuple[Person, int], Membership] = field(default_factory=dict)
    supervisions: set[tuple[Person, int]] = field(default_factory=set)


class RosterImporter:
    """Applies parsed rows to the database inside the caller's transaction."""

    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.now = now
        self.report = ImportReport()
        self.index = _Index()

    async def run(self, rows: list[RosterRow]) -> ImportReport:
        committee_names = await self._committee_for_rows(rows)
        groups = group_people(rows, {r.line: fold(n) for r, n in zip(rows, committee_names, strict=True)})
        committees = await self._committees(set(committee_names))
        row_committee = {row.line: committees[fold(name)] for row, name in zip(rows, committee_names, strict=True)}
        cells = await self._cells(rows, row_committee)
        self.index = await self._load_index()
        for group in groups:
            person, changed = self._person(group, cells, row_committee)
            self._places(person, group, cells, row_committee, changed)
        await self.session.flush()
        return self.report

    async def _committee_for_rows(self, rows: list[RosterRow]) -> list[str]:
        """Fill a blank dang_bo from the same cell's other rows, the database, or the only committee."""
        named = {fold(r.cell): r.committee for r in rows if r.committee}
        existing = (await self.session.execute(select(Cell.name, Committee.name).join(Committee))).all()
        db_cells: dict[str, set[str]] = defaultdict(set)
        for cell_name, committee_name in existing:
            db_cells[fold(cell_name)].add(committee_name)
        all_committees = (await self.session.scalars(select(Committee.name))).all()
        file_committees = {r.committee for r in rows if r.committee}
        result: list[str] = []
        problems: list[str] = []
        for row in rows:
            choice = row.committee or named.get(fold(row.cell))
            if choice is None and len(db_cells.get(fold(row.cell), ())) == 1:
                choice = next(iter(db_cells[fold(row.cell)]))
            if choice is None and len(set(all_committees) | file_committees) == 1:
                choice = next(iter(set(all_committees) | file_committees))
            if choice is None:
                problems.append(f"line {row.line}: dang_bo is empty and cannot be guessed; fill in the committee")
                choice = ""
            result.append(choice)
        if problems:
            raise RosterError(problems)
        return result

    async def _committees(self, names: set[str]) -> dict[str, Committee]:
        found = {fold(c.name): c for c in (await self.session.scalars(select(Committee))).all()}
        for name in sorted(names):
            if fold(name) in found:
                self.report.committees.unchanged += 1
                continue
            committee = Committee(name=name)
            self.session.add(committee)
            found[fold(name)] = committee
            self.report.committees.added += 1
        await self.session.flush()
        return found

    async def _cells(self, rows: list[RosterRow], row_committee: dict[int, Committee]) -> dict[tuple[int, str], Cell]:
        found = {(c.committee_id, fold(c.name)): c for c in (await self.session.scalars(select(Cell))).all()}
        wanted: dict[tuple[int, str], str] = {}
        for row in rows:
            wanted.setdefault((row_committee[row.line].id, fold(row.cell)), row.cell)
        for key, name in wanted.items():
            if key in found:
                self.report.cells.unchanged += 1
                continue
            cell = Cell(committee_id=key[0], name=name)
            self.session.add(cell)
            found[key] = cell
            self.report.cells.added += 1
        await self.session.flush()
        return found

    async def _load_index(self) -> _Index:
        """Everyone already stored, loaded once: matching row by row in SQL made imports quadratic."""
        index = _Index()
        people = {p.id: p for p in (await self.session.scalars(select(Person))).all()}
        for person in people.values():
            if person.phone:
                index.by_phone[person.phone] = person
        for account in (await self.session.scalars(select(Account))).all():
            owner = people[account.person_id]
            index.by_account[(account.platform, account.external_id)] = owner
            index.account_of[(owner, account.platform)] = account
        for membership in (await self.session.scalars(select(Membership))).all():
            owner = people[membership.person_id]
            index.memberships[(owner, membership.cell_id)] = membership
            index.by_name[(membership.cell_id, fold(owner.full_name))].append(owner)
        for supervision in (await self.session.scalars(select(Supervision))).all():
            owner = people[supervision.person_id]
            index.supervisions.add((owner, supervision.cell_id))
            index.by_name[(supervision.cell_id, fold(owner.full_name))].append(owner)
        return index

    def _find_person(self, group: _PersonGroup, cells: list[Cell]) -> Person | None:
        """Match the database the way rows match each other: ids, then phone, then name in the cell."""
        index = self.index
        candidates: list[tuple[str, Person]] = []
        for platform, external_id in ((Platform.TELEGRAM, group.telegram_id), (Platform.ZALO, group.zalo_id)):
            if external_id and (platform, external_id) in index.by_account:
                candidates.append((f"{platform.value} id {external_id}", index.by_account[(platform, external_id)]))
        if group.phone and group.phone in index.by_phone:
            candidates.append((f"phone {group.phone}", index.by_phone[group.phone]))
        distinct = {id(p): (label, p) for label, p in candidates}
        if len(distinct) > 1:
            described = "; ".join(f"{label} belongs to {p.full_name}" for label, p in distinct.values())
            raise RosterError([f"line {group.rows[0].line}: {group.name}: the database disagrees ({described})"])
        if distinct:
            return next(iter(distinct.values()))[1]
        matches = {id(p): p for c in cells for p in index.by_name.get((c.id, fold(group.name)), [])}
        return next(iter(matches.values())) if len(matches) == 1 else None

    def _person(
        self, group: _PersonGroup, cells: dict[tuple[int, str], Cell], row_committee: dict[int, Committee]
    ) -> tuple[Person, bool]:
        group_cells = [cells[(row_committee[r.line].id, fold(r.cell))] for r in group.rows]
        person = self._find_person(group, group_cells)
        changed = False
        if person is None:
            person = Person(full_name=group.name, phone=group.phone)
            self.session.add(person)
        else:
            if person.full_name != group.name:
                person.full_name = group.name
                changed = True
            if group.phone and person.phone != group.phone:
                person.phone = group.phone
                changed = True
        for platform, external_id in ((Platform.TELEGRAM, group.telegram_id), (Platform.ZALO, group.zalo_id)):
            if not external_id:
                continue
            account = self.index.account_of.get((person, platform))
            if account is None:
                account = Account(person=person, platform=platform, external_id=external_id)
                self.session.add(account)
                self.index.account_of[(person, platform)] = account
                changed = True
            elif account.external_id != external_id:
                account.external_id = external_id
                changed = True
        return person, changed

    def _places(
        self,
        person: Person,
        group: _PersonGroup,
        cells: dict[tuple[int, str], Cell],
        row_committee: dict[int, Committee],
        person_changed: bool,
    ) -> None:
        for row in group.rows:
            cell = cells[(row_committee[row.line].id, fold(row.cell))]
            if row.is_supervisor:
                self._supervision(person, cell, row)
            else:
                self._membership(person, cell, row, person_changed)

    def _supervision(self, person: Person, cell: Cell, row: RosterRow) -> None:
        if (person, cell.id) in self.index.memberships:
            raise RosterError([f"line {row.line}: {row.name} is a member of {cell.name} and cannot also follow it"])
        if (person, cell.id) in self.index.supervisions:
            self.report.supervisors.unchanged += 1
            return
        self.session.add(Supervision(person=person, cell=cell))
        self.index.supervisions.add((person, cell.id))
        self.report.supervisors.added += 1

    def _membership(self, person: Person, cell: Cell, row: RosterRow, person_changed: bool) -> None:
        if (person, cell.id) in self.index.supervisions:
            raise RosterError([f"line {row.line}: {row.name} follows {cell.name} and cannot also be its member"])
        member = self.index.memberships.get((person, cell.id))
        role = MemberRole(row.role)
        if member is None:
            member = Membership(person=person, cell=cell, role=role, status=row.status)
            self.session.add(member)
            self.index.memberships[(person, cell.id)] = member
            self.report.members.added += 1
        elif member.ended_at is not None:
            self._readmit(member, row, role)
        elif (member.role, member.status) != (role, row.status) or person_changed:
            member.role, member.status = role, row.status
            self.report.members.updated += 1
        else:
            self.report.members.unchanged += 1

    def _readmit(self, member: Membership, row: RosterRow, role: MemberRole) -> None:
        """A file never silently brings back someone whose membership ended: the row must say so."""
        if not row.readmit:
            reason = member.end_reason.value if member.end_reason else ""
            raise RosterError(
                [
                    f"line {row.line}: {row.name}'s membership of {row.cell} ended ({reason}); "
                    "to take her back, put x in a tiep_nhan_lai column on this line"
                ]
            )
        member.ended_at = member.end_reason = member.end_note = None
        member.role, member.status = role, row.status
        self.report.members.updated += 1
        detail = f"cell {member.cell_id}: roster file line {row.line}"
        audit.record(
            self.session, actor_id=None, subject_id=member.person_id, action="readmit", detail=detail, now=self.now
        )


async def import_rows(session: AsyncSession, rows: list[RosterRow], now: datetime | None = None) -> ImportReport:
    """Apply rows in the caller's transaction; on RosterError the caller rolls back. `now` dates
    the audit entry of a readmission (default: the system clock)."""
    return await RosterImporter(session, now or datetime.now(UTC)).run(rows)
