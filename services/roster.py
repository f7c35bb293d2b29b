"""Importing a roster: rows become organisations (a tree), cells, people, memberships, and
supervisors and admins of cells or of whole organisations.

Re-importing the same file changes nothing; an edited file updates what changed. The whole file
is checked (within itself and against the database) before anything is written, and written in
one short transaction, so a bad file leaves the database exactly as it was. Imports are
serialised by a database lock, and the reading and matching happen before the write lock is
taken, so a running bot's writes wait a moment instead of failing (roster_store).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.metrics import ROSTER_IMPORTS
from models import MemberRole, MemberStatus, NodeRole, Platform
from services import roster_store
from services.roster_file import MAX_CHAIN, Problem, RosterError, RosterRow
from services.roster_plan import (
    SEP,
    CellRef,
    PersonGroup,
    Snapshot,
    committee_keys,
    group_people,
    match_person,
    prefixes,
    row_cell,
)


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
    admins: Tally = field(default_factory=Tally)

    def counts(self) -> dict[str, int]:
        """Catalog arguments for roster-report (committees_added, members_unchanged, …)."""
        return {
            f"{label}_{kind}": getattr(getattr(self, label), kind)
            for label in ("committees", "cells", "members", "supervisors", "admins")
            for kind in ("added", "updated", "unchanged")
        }


@dataclass
class Plan:
    """Every write an import makes. A person is an id, or a negative number for someone new."""

    committees: dict[str, str] = field(default_factory=dict)  # new: path -> name, parents first
    cells: dict[CellRef, str] = field(default_factory=dict)  # new: ref -> name
    people: dict[int, tuple[str, str | None]] = field(default_factory=dict)  # new: -n -> (name, phone)
    person_updates: dict[int, tuple[str, str | None]] = field(default_factory=dict)
    accounts: list[tuple[int, Platform, str]] = field(default_factory=list)
    account_updates: list[tuple[int, Platform, str]] = field(default_factory=list)
    memberships: list[tuple[int, CellRef, MemberRole, MemberStatus]] = field(default_factory=list)
    membership_updates: list[tuple[int, int, MemberRole, MemberStatus]] = field(default_factory=list)
    supervisions: list[tuple[int, CellRef]] = field(default_factory=list)
    node_roles: list[tuple[int, str, NodeRole]] = field(default_factory=list)  # (person, path, role)
    readmissions: list[tuple[int, int, MemberRole, MemberStatus, int]] = field(default_factory=list)  # …, line
    report: ImportReport = field(default_factory=ImportReport)


class _Planner:
    def __init__(self, rows: list[RosterRow], snap: Snapshot) -> None:
        self.snap = snap
        self.plan = Plan()
        self.problems: list[Problem] = []
        keys, names, problems = committee_keys(rows, snap)
        if problems:
            raise RosterError(problems)
        self.refs = {row.line: row_cell(row, keys) for row in rows}
        self._places(rows, names)
        self.claimed: dict[int, PersonGroup] = {}
        self.roles: dict[tuple[int, CellRef], tuple[str, int]] = {}  # role and line

    def _places(self, rows: list[RosterRow], names: dict[str, str]) -> None:
        report = self.plan.report
        paths = {above for r in rows for above in prefixes(self.refs[r.line][0])}
        for key in sorted(paths, key=lambda path: path.count(SEP)):
            if key in self.snap.committees:
                report.committees.unchanged += 1
            else:
                self.plan.committees[key] = names[key]
                report.committees.added += 1
        if any(path.count(SEP) >= MAX_CHAIN for path in paths):
            raise RosterError([Problem("roster-chain-too-deep", {"line": rows[0].line, "max": MAX_CHAIN})])
        for row in rows:
            if row.is_node_role:
                continue
            ref = self.refs[row.line]
            if ref in self.snap.cells or ref in self.plan.cells:
                continue
            self.plan.cells[ref] = row.cell
        report.cells.added = len(self.plan.cells)
        report.cells.unchanged = len({self.refs[r.line] for r in rows if not r.is_node_role}) - report.cells.added

    def run(self, rows: list[RosterRow]) -> Plan:
        groups, problems = group_people(rows, {line: ref[0] for line, ref in self.refs.items()})
        self.problems.extend(problems)
        for group in groups:
            self._group(group)
        self._secretaries()
        if self.problems:
            raise RosterError(self.problems)
        return self.plan

    def _group(self, group: PersonGroup) -> None:
        refs = {row.line: self.refs[row.line] for row in group.rows}
        person, problems = match_person(group, refs, self.snap)
        if problems:
            self.problems.extend(problems)
            return
        changed = False
        if person is None:
            person = -(len(self.plan.people) + 1)
            self.plan.people[person] = (group.name, group.phone)
        elif (earlier := self.claimed.setdefault(person, group)) is not group:
            args: dict[str, str | int] = {
                "line": group.rows[0].line,
                "name": group.name,
                "other_line": earlier.rows[0].line,
            }
            self.problems.append(Problem("roster-same-person", args))
            return
        else:
            changed = self._update_person(person, group)
        for platform, external_id in ((Platform.TELEGRAM, group.telegram_id), (Platform.ZALO, group.zalo_id)):
            stored = self.snap.account_of.get((person, platform))
            if external_id and stored is None:
                self.plan.accounts.append((person, platform, external_id))
                changed = True
            elif external_id and stored != external_id:
                self.plan.account_updates.append((person, platform, external_id))
                changed = True
        for row in group.rows:
            self._place(person, row, changed)

    def _update_person(self, person: int, group: PersonGroup) -> bool:
        name, phone = self.snap.people[person]
        wanted = (group.name, group.phone or phone)
        if wanted == (name, phone):
            return False
        self.plan.person_updates[person] = wanted
        return True

    def _place(self, person: int, row: RosterRow, person_changed: bool) -> None:
        ref = self.refs[row.line]
        if row.is_node_role:
            self._node_role(person, ref[0], NodeRole(row.role))
            return
        cell = self.snap.cells.get(ref)
        report = self.plan.report
        key = (person, cell) if cell is not None else None
        other = self.snap.memberships if row.is_supervisor else self.snap.supervisions
        if key is not None and key in other:
            self.problems.append(
                Problem("roster-member-and-follower", {"line": row.line, "name": row.name, "cell": row.cell})
            )
            return
        if row.is_supervisor:
            if key is not None and key in self.snap.supervisions:
                report.supervisors.unchanged += 1
            else:
                self.plan.supervisions.append((person, ref))
                report.supervisors.added += 1
            return
        role = MemberRole(row.role)
        self.roles[(person, ref)] = (row.role, row.line)
        stored = self.snap.memberships.get(key) if key is not None else None
        if stored is None:
            self.plan.memberships.append((person, ref, role, row.status))
            report.members.added += 1
        elif key in self.snap.ended:
            self._readmit(person, row, role, key)
        elif stored != (role, row.status) or person_changed:
            assert cell is not None
            if stored != (role, row.status):
                self.plan.membership_updates.append((person, cell, role, row.status))
            report.members.updated += 1
        else:
            report.members.unchanged += 1

    def _node_role(self, person: int, path: str, role: NodeRole) -> None:
        tally = self.plan.report.admins if role is NodeRole.ADMIN else self.plan.report.supervisors
        node = self.snap.committees.get(path)
        if node is not None and (person, node[0], role.value) in self.snap.node_roles:
            tally.unchanged += 1
        else:
            self.plan.node_roles.append((person, path, role))
            tally.added += 1

    def _readmit(self, person: int, row: RosterRow, role: MemberRole, key: tuple[int, int]) -> None:
        """A file never silently brings back someone whose membership ended: the row must say so."""
        if not row.readmit:
            args: dict[str, str | int] = {
                "line": row.line,
                "name": row.name,
                "cell": row.cell,
                "reason": self.snap.ended[key],
            }
            self.problems.append(Problem("roster-membership-ended", args))
            return
        self.plan.readmissions.append((person, key[1], role, row.status, row.line))
        self.plan.report.members.updated += 1

    def _secretaries(self) -> None:
        """One bí thư per cell, counting the one the database already has (unless the file changes her role)."""
        secretary = MemberRole.SECRETARY.value
        for (person, ref), (role, line) in self.roles.items():
            cell = self.snap.cells.get(ref)
            current = self.snap.secretaries.get(cell) if cell is not None else None
            if role != secretary or cell is None or current is None or current == person:
                continue
            if self.roles.get((current, ref), (secretary, 0))[0] != secretary:
                continue  # the same file makes the present bí thư something else
            name = self.snap.people[current][0]
            self.problems.append(
                Problem("roster-secretary-in-db", {"line": line, "cell": self.snap.cell_names[cell], "name": name})
            )


def make_plan(rows: list[RosterRow], snap: Snapshot) -> Plan:
    """Everything the import would write, or RosterError listing every problem."""
    return _Planner(rows, snap).run(rows)


async def import_rows(session: AsyncSession, rows: list[RosterRow], now: datetime | None = None) -> ImportReport:
    """Apply rows in the caller's transaction (demo data, tests); on RosterError the caller rolls back.
    `now` dates the audit entry of a readmission (default: the system clock)."""
    await roster_store.lock(session)
    plan = make_plan(rows, await roster_store.load_snapshot(session))
    await roster_store.write(session, plan, now or datetime.now(UTC))
    return plan.report


async def import_roster(
    sessions: async_sessionmaker[AsyncSession], rows: list[RosterRow], now: datetime | None = None
) -> ImportReport:
    """The import a person runs: matched before the write lock, written in one short transaction."""
    try:
        plan = await roster_store.planned_and_written(
            sessions, lambda snap: make_plan(rows, snap), now or datetime.now(UTC)
        )
    except RosterError:
        ROSTER_IMPORTS.labels("refused").inc()
        raise
    ROSTER_IMPORTS.labels("applied").inc()
    return plan.report
