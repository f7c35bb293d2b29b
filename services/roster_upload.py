"""A roster file sent in chat: previewed with the importer's own plan, kept in the database until
confirmed, then applied all or nothing.

The file's rows wait in a prompt (kind "roster") bound to the sender's account, with an expiry,
never in a process's memory: the confirm button may reach another process, or come after a
restart. Confirming plans again against what is stored then (the preview may be old) under the
import lock, in the confirming update's own transaction, so the prompt is closed with the write
and a second press finds it closed.

Whoever sends it may touch only what they act for: a secretary her own cell, an admin the cells
and organisations inside the subtree they administer (a root admin everything). A row outside is
refused by line, before anything is planned.
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import MemberStatus, Platform, Prompt
from services import audit, roster_store, tree
from services.errors import DomainError
from services.people import Actor
from services.roster import Plan, make_plan
from services.roster_file import Problem, RosterError, RosterRow
from services.roster_plan import SEP, Snapshot, committee_keys, name_key, prefixes

KIND = "roster"
UPLOAD_TTL = timedelta(minutes=30)
SHOWN_NAMES = 5


@dataclass(frozen=True)
class Scope:
    """What a sender may touch: the `cells` they run as secretary or deputy, the `nodes` of the
    subtrees they administer, or `everything` (a root admin)."""

    cells: frozenset[int] = frozenset()
    nodes: frozenset[int] = frozenset()
    everything: bool = False


async def scope_of(session: AsyncSession, actor: Actor | None, *, root: bool) -> Scope:
    """A root admin's, or the cells a secretary (or deputy) runs and the subtrees an admin administers."""
    if root or (actor is not None and actor.is_admin):
        return Scope(everything=True)
    if actor is None:
        return Scope()
    cells = frozenset(m.cell_id for m in actor.memberships if m.role.runs_meetings)
    if not actor.admin_of:
        return Scope(cells=cells)
    below = tree.subtree(actor.admin_of)
    return Scope(cells=cells, nodes=frozenset((await session.scalars(select(below.c.id))).all()))


def outside(rows: list[RosterRow], snap: Snapshot, scope: Scope) -> list[Problem]:
    """The rows this sender may not write, each named by line."""
    if scope.everything:
        return []
    keys, _, problems = committee_keys(rows, snap)
    if problems:
        return problems
    refused: list[Problem] = []
    for row in rows:
        path = keys[row.line]
        # A cấp ủy viên theo dõi is the committee's to name, not the cell's own secretary's.
        own = not (row.is_node_role or row.is_supervisor)
        if own and snap.cells.get((path, name_key(row.cell))) in scope.cells:
            continue
        # A new node hangs below the deepest stored node of its chain; a role over a node is
        # given by the admins above it, so that node must lie strictly below one of theirs.
        stored = [p for p in prefixes(path) if p in snap.committees and not (row.is_node_role and p == path)]
        if stored and snap.committees[stored[-1]][0] in scope.nodes:
            continue
        where = row.cell or " / ".join(row.committees)
        key = "upload-outside-tree" if scope.nodes else "upload-outside-cell"
        refused.append(Problem(key, {"line": row.line, "place": where}))
    return refused


def plan_within(rows: list[RosterRow], snap: Snapshot, scope: Scope) -> Plan:
    """The importer's plan, after refusing every row outside the scope."""
    refused = outside(rows, snap, scope)
    if refused:
        raise RosterError(refused)
    return make_plan(rows, snap)


async def preview(session: AsyncSession, rows: list[RosterRow], scope: Scope) -> tuple[Plan, Snapshot]:
    """A dry run against what is stored now: nothing is written."""
    snap = await roster_store.load_snapshot(session)
    # In a thread, as the command line import does: a big file must not stop the bot answering.
    return await asyncio.to_thread(plan_within, rows, snap, scope), snap


def added_names(plan: Plan, snap: Snapshot) -> list[str]:
    """Who the plan adds to a cell, file order."""
    return [plan.people[p][0] if p < 0 else snap.people[p][0] for p, *_ in plan.memberships]


def changed_names(plan: Plan, snap: Snapshot) -> list[str]:
    """Whose record or membership the plan changes (renamed, role or status, readmitted)."""
    people = [p for p, *_ in plan.membership_updates] + list(plan.person_updates) + [p for p, *_ in plan.readmissions]
    return [snap.people[p][0] for p in dict.fromkeys(people)]


def _changes(plan: Plan) -> list[tuple[int, str, str]]:
    """Each person a file changes, with the audit action and where (readmissions the store audits)."""
    changes = [(p, "roster_add", ref[1]) for p, ref, *_ in plan.memberships]
    changes += [(p, "roster_change", f"cell {cell}") for p, cell, *_ in plan.membership_updates]
    changes += [(p, "roster_rename", "person") for p in plan.person_updates]
    changes += [(p, "roster_supervise", ref[1]) for p, ref in plan.supervisions]
    changes += [(p, f"roster_{role.value}", path.rsplit(SEP, 1)[-1]) for p, path, role in plan.node_roles]
    return changes


def named_cells(rows: list[RosterRow], snap: Snapshot) -> dict[int, set[str]]:
    """The stored cells the rows name, each with the name keys the file gives it."""
    keys, _, _ = committee_keys(rows, snap)
    named: dict[int, set[str]] = {}
    for row in rows:
        cell = snap.cells.get((keys.get(row.line, ""), name_key(row.cell)))
        if cell is not None:
            named.setdefault(cell, set()).update({name_key(n) for n in (row.name, row.old_name) if n})
    return named


def missing_names(rows: list[RosterRow], snap: Snapshot) -> list[str]:
    """Current members of the cells the file names whom the file leaves out. The importer never
    ends a membership; the preview says who stays although absent (to end with /ketthuc)."""
    named = named_cells(rows, snap)
    absent = {
        snap.people[person][0]
        for person, cells in snap.member_cells.items()
        for cell in cells
        if cell in named and name_key(snap.people[person][0]) not in named[cell]
    }
    return sorted(absent)


def _stored(row: RosterRow) -> list[Any]:
    """A row as JSON values (field order), to wait in the prompt."""
    return [list(row.committees) if f.name == "committees" else getattr(row, f.name) for f in dataclasses.fields(row)]


def _loaded(values: list[Any]) -> RosterRow:
    fields = {f.name: v for f, v in zip(dataclasses.fields(RosterRow), values, strict=True)}
    fields["committees"] = tuple(fields["committees"])
    fields["status"] = MemberStatus(fields["status"])
    return RosterRow(**fields)


async def keep(
    session: AsyncSession,
    platform: Platform,
    account: str,
    file_name: str,
    rows: list[RosterRow],
    now: datetime,
    *,
    shown: dict[str, str | int],
) -> int:
    """Keep the rows until confirmed, with the arguments of the preview `shown` (to show it again
    without its buttons once answered); a newer file from the same account replaces an older one."""
    await session.execute(
        update(Prompt)
        .where(Prompt.platform == platform, Prompt.account == account, Prompt.kind == KIND, Prompt.closed_at.is_(None))
        .values(closed_at=now)
    )
    prompt = Prompt(
        platform=platform,
        account=account,
        kind=KIND,
        subject=f"{KIND}:{file_name}"[:80],
        data={"file": file_name, "shown": shown, "rows": [_stored(row) for row in rows]},
        created_at=now,
        expires_at=now + UPLOAD_TTL,
    )
    session.add(prompt)
    await session.flush()
    return prompt.id


@dataclass(frozen=True)
class Upload:
    """A confirmed file: its name, rows and the preview that was shown."""

    file: str
    rows: list[RosterRow]
    shown: dict[str, str | int] = dataclasses.field(default_factory=dict)


async def claim(session: AsyncSession, upload_id: int, platform: Platform, account: str, now: datetime) -> Upload:
    """Close the kept file for this press: refused when it is someone else's, expired, replaced or
    applied already (a second press, or the same press delivered twice)."""
    prompt = await session.get(Prompt, upload_id)
    if prompt is None or prompt.kind != KIND or prompt.platform != platform or prompt.account != account:
        raise DomainError("upload-not-yours")
    if prompt.closed_at is not None:
        raise DomainError("upload-closed")
    if prompt.expires_at <= now:
        raise DomainError("upload-expired")
    done = await session.execute(
        update(Prompt)
        .where(Prompt.id == upload_id, Prompt.closed_at.is_(None))
        .values(closed_at=now)
        .execution_options(synchronize_session=False)
    )
    if not getattr(done, "rowcount", 0):
        raise DomainError("upload-closed")
    data: dict[str, Any] = dict(prompt.data or {})
    rows = [_loaded(list(values)) for values in data.get("rows", [])]
    return Upload(str(data.get("file", "")), rows, dict(data.get("shown") or {}))


async def apply(
    session: AsyncSession, upload: Upload, scope: Scope, *, actor_id: int | None, now: datetime
) -> tuple[Plan, Snapshot]:
    """Plan again against what is stored now and write it, in the caller's transaction, under the
    import lock; audited for each person it changes, naming the file."""
    await roster_store.lock(session)
    snap = await roster_store.load_snapshot(session)
    plan = await asyncio.to_thread(plan_within, upload.rows, snap, scope)
    new_people = await roster_store.write(session, plan, now)
    for person, action, place in _changes(plan):
        subject = person if person > 0 else new_people[-person - 1]
        detail = f"{place}: roster file {upload.file}"
        audit.record(session, actor_id=actor_id, subject_id=subject, action=action, detail=detail, now=now)
    return plan, snap
