"""A node's monthly rollup: per child (an organisation below it, or a cell directly under it),
what its whole subtree did this month.

Figures per child: cells, meetings held / planned / missing, attendance of the meetings held,
warnings of the year (members to consider for removal, absences with reason in a row), the
average score, members who use the bot against members on the roster (adoption), and what is
overdue (cells that did not meet, summaries not sent); and, per supervisor, which of the cells they
follow they attended this quarter (services/visits.py). Every figure comes from a fixed number of
statements whatever the size of the tree: a city's rollup costs what a ward's does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CTE, CompoundSelect, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, Attendance, Cell, Committee, Meeting, MeetingScore, MeetingState, Membership, Outcome
from services import materials, visits
from services.visits import Coverage
from services.warnings import excused_streak_flags, removal_flags


@dataclass
class ChildFigures:
    """One child of the node: an organisation (its whole subtree) or a cell."""

    name: str
    is_cell: bool
    cells: int = 0
    held: int = 0
    planned: int = 0
    missing: list[str] = field(default_factory=list)  # cells with no meeting held or planned this month
    present: int = 0
    expected: int = 0
    warnings: int = 0
    scores: list[int] = field(default_factory=list)
    members: int = 0
    on_bot: int = 0
    unsent: list[str] = field(default_factory=list)  # cells with a meeting held but no summary sent
    read: int = 0  # reads of the month's materials (/tailieu) by current members
    to_read: int = 0  # reads expected: members × materials their cell received

    @property
    def attendance(self) -> float | None:
        return self.present / self.expected if self.expected else None

    @property
    def read_rate(self) -> float | None:
        return self.read / self.to_read if self.to_read else None

    @property
    def score(self) -> float | None:
        return sum(self.scores) / len(self.scores) if self.scores else None

    def add(self, other: ChildFigures) -> None:
        for name in (
            "cells",
            "held",
            "planned",
            "present",
            "expected",
            "warnings",
            "members",
            "on_bot",
            "read",
            "to_read",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.missing += other.missing
        self.scores += other.scores
        self.unsent += other.unsent


@dataclass(frozen=True)
class Rollup:
    node: Committee
    children: Sequence[ChildFigures]
    # Every cell below, with the name of the child it lies under (its own name for a cell right under the node).
    cells: Sequence[tuple[str, ChildFigures]]
    # The quarter of the month ("4/2026") and each supervisor's visits in it so far.
    quarter: str = ""
    coverage: Sequence[Coverage] = ()

    @property
    def total(self) -> ChildFigures:
        whole = ChildFigures(self.node.name, is_cell=False)
        for child in self.children:
            whole.add(child)
        return whole


def _branches(node_id: int) -> CTE:
    """Every organisation below the node with `branch`: the child of the node it lies under."""
    below = (
        select(Committee.id.label("id"), Committee.id.label("branch"))
        .where(Committee.parent_id == node_id)
        .cte("branches", recursive=True)
    )
    return below.union_all(select(Committee.id, below.c.branch).where(Committee.parent_id == below.c.id))


def cells_below(node_id: int) -> CompoundSelect[Any]:
    """(cell id, cell name, branch) for every cell below the node; a cell right under it has no branch."""
    branches = _branches(node_id)
    deep = select(Cell.id, Cell.name, branches.c.branch).join(branches, branches.c.id == Cell.committee_id)
    direct = select(Cell.id, Cell.name, literal(None).label("branch")).where(Cell.committee_id == node_id)
    return union_all(deep, direct)


async def build_rollup(
    session: AsyncSession, node: Committee, month: tuple[datetime, datetime], year: tuple[datetime, datetime]
) -> Rollup:
    """The node's rollup for the month [start, end), warnings counted over the year so far."""
    start, end = month
    cells: list[tuple[int, str, int | None]] = [(c, n, b) for c, n, b in await session.execute(cells_below(node.id))]
    named = await session.execute(select(Committee.id, Committee.name).where(Committee.parent_id == node.id))
    names: dict[int, str] = {node_id: name for node_id, name in named.all()}
    child_of = {cell_id: ChildFigures(cell_name, is_cell=True, cells=1) for cell_id, cell_name, _ in cells}
    scope = cells_below(node.id).subquery()
    in_scope = select(scope.c.id)
    this_month = (Meeting.starts_at >= start) & (Meeting.starts_at < end)
    state_rows = await session.execute(
        select(Meeting.cell_id, Meeting.state, func.count(), func.count(Meeting.summary_at))
        .join(scope, scope.c.id == Meeting.cell_id)
        .where(this_month)
        .group_by(Meeting.cell_id, Meeting.state)
    )
    met: set[int] = set()
    unsent: set[int] = set()
    for cell_id, state, count, summarised in state_rows.all():
        figures = child_of[cell_id]
        if state is MeetingState.CLOSED:
            figures.held += count
            met.add(cell_id)
            if summarised < count:
                unsent.add(cell_id)
        elif state in (MeetingState.PLANNED, MeetingState.CHECKIN_OPEN):
            figures.planned += count
            met.add(cell_id)
    held = (
        select(Meeting.id, Meeting.cell_id)
        .join(scope, scope.c.id == Meeting.cell_id)
        .where(this_month, Meeting.state == MeetingState.CLOSED)
        .subquery()
    )
    # IN rather than a join: the planner then walks the held meetings and each one's attendance
    # by index, instead of every attendance row of the database.
    attendance = await session.execute(
        select(Meeting.cell_id, Attendance.outcome, func.count())
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Attendance.meeting_id.in_(select(held.c.id)), Attendance.outcome.is_not(None))
        .group_by(Meeting.cell_id, Attendance.outcome)
    )
    for cell_id, outcome, count in attendance.all():
        child_of[cell_id].expected += count
        if outcome is Outcome.PRESENT:
            child_of[cell_id].present += count
    scores = await session.execute(
        select(held.c.cell_id, MeetingScore.total)
        .join(MeetingScore, MeetingScore.meeting_id == held.c.id)
        .where(MeetingScore.total.is_not(None))
    )
    for cell_id, total in scores.all():
        if total is not None:
            child_of[cell_id].scores.append(total)
    on_bot = (
        select(Account.id).where(Account.person_id == Membership.person_id, Account.connected_at.is_not(None)).exists()
    )
    members = await session.execute(
        select(Membership.cell_id, func.count(), func.count().filter(on_bot))
        .where(Membership.cell_id.in_(in_scope), Membership.current())
        .group_by(Membership.cell_id)
    )
    for cell_id, count, reachable in members.all():
        child_of[cell_id].members += count
        child_of[cell_id].on_bot += reachable
    # Local midnight of the 1st is within a day of UTC's: a day later is inside the month everywhere.
    month_key = f"{start + timedelta(days=1):%Y-%m}"
    for cell_id, (read, expected) in (await materials.read_counts(session, in_scope, month_key)).items():
        child_of[cell_id].read += read
        child_of[cell_id].to_read += expected
    since, until = year
    for flags in (
        await removal_flags(session, in_scope, since, until),
        await excused_streak_flags(session, in_scope, since, until),
    ):
        for flag in flags:
            child_of[flag.cell_id].warnings += 1
    for cell_id, figures in child_of.items():
        if cell_id not in met:
            figures.missing.append(figures.name)
        if cell_id in unsent:
            figures.unsent.append(figures.name)
    children: dict[int | tuple[str, int], ChildFigures] = {}
    under: list[tuple[str, ChildFigures]] = []
    for cell_id, _, branch in sorted(cells, key=lambda c: c[1]):
        figures = child_of[cell_id]
        if branch is None:
            children[("cell", cell_id)] = figures
        else:
            children.setdefault(branch, ChildFigures(names[branch], is_cell=False)).add(figures)
        under.append((names[branch] if branch is not None else figures.name, figures))
    # A child organisation with no cells yet still has its line ("0 chi bộ"): its admin has work to do.
    for node_id, name in names.items():
        children.setdefault(node_id, ChildFigures(name, is_cell=False))
    ordered = sorted(children.values(), key=lambda c: (c.is_cell, c.name))
    quarter = visits.quarter_start(start)
    return Rollup(
        node,
        ordered,
        sorted(under, key=lambda pair: (pair[0], pair[1].name)),
        visits.quarter_label(quarter),
        await visits.coverage(session, in_scope, (quarter, end)),
    )
