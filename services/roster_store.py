"""The roster import's database side: what is stored, the import lock, and the one short write.

SQLite has one writer at a time, and a bot's write waits at most the busy timeout for it: so the
file is matched against what is stored before the write lock is taken, the lock is taken with
BEGIN IMMEDIATE, and the matching is redone under it only when another connection wrote in
between (PRAGMA data_version). The write is a handful of bulk statements. PostgreSQL does not
block the bot's writes; there an advisory lock serialises imports, so two imports of one file
cannot both add the same people.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Account, Cell, Committee, CommitteeRole, MemberRole, Membership, Person, Supervision
from models.db import sqlite_write_lock
from services import audit
from services.roster_file import Problem, RosterError
from services.roster_plan import SEP, Snapshot, name_key
from services.tree import kind_of_name

if TYPE_CHECKING:
    from services.roster import Plan

COMMITTEES, CELLS, PERSONS, ACCOUNTS, MEMBERSHIPS, SUPERVISIONS, ROLES = (
    cast(Table, model.__table__) for model in (Committee, Cell, Person, Account, Membership, Supervision, CommitteeRole)
)
# pg_advisory_xact_lock key for imports ("chib" in ASCII): any constant all importers share.
IMPORT_LOCK_KEY = 0x63686962


async def lock(session: AsyncSession) -> None:
    """Hold the import lock until the caller's transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK_KEY})
        return
    await _begin_immediate(session)


async def _begin_immediate(session: AsyncSession) -> None:
    try:
        await sqlite_write_lock(session)
    except OperationalError:
        raise RosterError([Problem("roster-busy")]) from None


_STORED = (
    select(Committee.id, Committee.parent_id, Committee.name).order_by(Committee.id),
    select(Cell.id, Cell.committee_id, Cell.name).order_by(Cell.id),
    select(Person.id, Person.full_name, Person.phone).order_by(Person.id),
    select(Account.person_id, Account.platform, Account.external_id).order_by(Account.id),
    select(
        Membership.person_id,
        Membership.cell_id,
        Membership.role,
        Membership.status,
        Membership.ended_at,
        Membership.end_reason,
    ).order_by(Membership.id),
    select(Supervision.person_id, Supervision.cell_id).order_by(Supervision.id),
    select(CommitteeRole.person_id, CommitteeRole.committee_id, CommitteeRole.role).order_by(CommitteeRole.id),
)
Stored = list[list[tuple[Any, ...]]]


async def load_stored(session: AsyncSession) -> Stored:
    """Every stored value matching depends on, as raw rows: comparing two loads tells whether a
    plan made from the first still holds."""
    return [[tuple(row) for row in await session.execute(query)] for query in _STORED]


def snapshot(stored: Stored) -> Snapshot:
    """The stored rows keyed the ways file rows are matched."""
    committees, cells, people, accounts, memberships, supervisions, roles = stored
    snap = Snapshot()
    committee_keys = paths_of([(committee_id, parent_id, name) for committee_id, parent_id, name in committees])
    for committee_id, _, name in committees:
        snap.committees[committee_keys[committee_id]] = (committee_id, name)
    for cell_id, committee_id, name in cells:
        snap.cells[(committee_keys[committee_id], name_key(name))] = cell_id
        snap.cell_names[cell_id] = name
        snap.cell_committees[name_key(name)].add(committee_keys[committee_id])
    keys: dict[int, str] = {}
    for person_id, full_name, phone in people:
        snap.people[person_id] = (full_name, phone)
        keys[person_id] = name_key(full_name)
        if phone:
            snap.by_phone[phone] = person_id
    for person_id, platform, external_id in accounts:
        snap.by_account[(platform, external_id)] = person_id
        snap.account_of[(person_id, platform)] = external_id
    for person_id, cell_id, role, status, ended_at, end_reason in memberships:
        snap.memberships[(person_id, cell_id)] = (role, status)
        snap.by_name[(cell_id, keys[person_id])].add(person_id)
        if ended_at is not None:  # ended: still matched by name, but neither counted nor a secretary
            snap.ended[(person_id, cell_id)] = end_reason.value if end_reason else ""
            continue
        snap.member_cells[person_id].add(cell_id)
        if role == MemberRole.SECRETARY:
            snap.secretaries[cell_id] = person_id
    for person_id, cell_id in supervisions:
        snap.supervisions.add((person_id, cell_id))
        snap.by_name[(cell_id, keys[person_id])].add(person_id)
    for person_id, committee_id, role in roles:
        snap.node_roles.add((person_id, committee_id, role.value))
    return snap


def paths_of(nodes: list[tuple[int, int | None, str]]) -> dict[int, str]:
    """Each node's path (roster_plan.SEP-joined name keys from the top), from (id, parent, name) rows."""
    parent_of = {node: parent for node, parent, _ in nodes}
    key_of = {node: name_key(name) for node, _, name in nodes}
    paths: dict[int, str] = {}

    def path(node: int) -> str:
        if node not in paths:
            parent = parent_of[node]
            paths[node] = key_of[node] if parent is None else f"{path(parent)}{SEP}{key_of[node]}"
        return paths[node]

    for node in parent_of:
        path(node)
    return paths


async def load_snapshot(session: AsyncSession) -> Snapshot:
    return snapshot(await load_stored(session))


async def _many(session: AsyncSession, statement: Any, params: list[dict[str, Any]]) -> None:
    if params:
        await session.execute(statement, params)


async def _add_people(session: AsyncSession, people: list[dict[str, Any]]) -> list[int]:
    """Insert people in bulk and return their ids in order."""
    if not people:
        return []
    if session.get_bind().dialect.name == "postgresql":
        added = insert(PERSONS).returning(Person.id, sort_by_parameter_order=True)
        return list((await session.execute(added, people)).scalars())
    # SQLite orders RETURNING only row by row (50,000 statements); but this connection holds the
    # write lock, so the new rows are exactly those after the largest id, in the order given.
    before = await session.scalar(select(func.max(Person.id))) or 0
    await session.execute(insert(PERSONS), people)
    ids = list(await session.scalars(select(Person.id).where(Person.id > before).order_by(Person.id)))
    if len(ids) != len(people):
        raise RosterError([Problem("roster-conflict")])
    return ids


async def write(session: AsyncSession, plan: Plan, now: datetime) -> list[int]:
    """Apply a plan with bulk statements, in the caller's transaction; `now` dates readmissions' audit.
    Returns the ids given to the plan's new people, in order (person -1 first)."""
    committees = await _write_committees(session, plan.committees)
    await _many(
        session,
        insert(CELLS),
        [{"committee_id": committees[committee], "name": name} for (committee, _), name in plan.cells.items()],
    )
    committee_of = {committee_id: key for key, committee_id in committees.items()}
    cells = {
        (committee_of[committee_id], name_key(name)): cell_id
        for cell_id, committee_id, name in await session.execute(select(Cell.id, Cell.committee_id, Cell.name))
    }
    new_people = await _add_people(session, [{"full_name": n, "phone": p} for n, p in plan.people.values()])

    def pid(ref: int) -> int:
        return ref if ref > 0 else new_people[-ref - 1]

    await _many(
        session,
        update(PERSONS).where(PERSONS.c.id == bindparam("pid")).values(full_name=bindparam("n"), phone=bindparam("p")),
        [{"pid": p, "n": name, "p": phone} for p, (name, phone) in plan.person_updates.items()],
    )
    await _many(
        session,
        update(ACCOUNTS)
        .where(ACCOUNTS.c.person_id == bindparam("pid"), ACCOUNTS.c.platform == bindparam("pf"))
        .values(external_id=bindparam("ext")),
        [{"pid": p, "pf": platform, "ext": ext} for p, platform, ext in plan.account_updates],
    )
    await _many(
        session,
        insert(ACCOUNTS),
        [{"person_id": pid(p), "platform": platform, "external_id": ext} for p, platform, ext in plan.accounts],
    )
    await _many(
        session,
        update(MEMBERSHIPS)
        .where(MEMBERSHIPS.c.person_id == bindparam("pid"), MEMBERSHIPS.c.cell_id == bindparam("cid"))
        .values(role=bindparam("r"), status=bindparam("s")),
        [{"pid": p, "cid": c, "r": role, "s": status} for p, c, role, status in plan.membership_updates],
    )
    await _many(
        session,
        insert(MEMBERSHIPS),
        [
            {"person_id": pid(p), "cell_id": cells[ref], "role": role, "status": status}
            for p, ref, role, status in plan.memberships
        ],
    )
    await _many(
        session,
        update(MEMBERSHIPS)
        .where(MEMBERSHIPS.c.person_id == bindparam("pid"), MEMBERSHIPS.c.cell_id == bindparam("cid"))
        .values(role=bindparam("r"), status=bindparam("s"), ended_at=None, end_reason=None, end_note=None),
        [{"pid": p, "cid": c, "r": role, "s": status} for p, c, role, status, _ in plan.readmissions],
    )
    for person, cell, _, _, line in plan.readmissions:
        detail = f"cell {cell}: roster file line {line}"
        audit.record(session, actor_id=None, subject_id=person, action="readmit", detail=detail, now=now)
    await _many(
        session,
        insert(SUPERVISIONS),
        [{"person_id": pid(p), "cell_id": cells[ref]} for p, ref in plan.supervisions],
    )
    await _many(
        session,
        insert(ROLES),
        [{"person_id": pid(p), "committee_id": committees[path], "role": role} for p, path, role in plan.node_roles],
    )
    return new_people


async def _write_committees(session: AsyncSession, new: dict[str, str]) -> dict[str, int]:
    """Add new nodes a level at a time (a parent before its children); every node's id by path."""
    stored = select(Committee.id, Committee.parent_id, Committee.name)
    committees = {path: node for node, path in paths_of(list(await session.execute(stored))).items()}
    for depth in sorted({path.count(SEP) for path in new}):
        level = [(path, name) for path, name in new.items() if path.count(SEP) == depth]
        rows = [
            {
                "parent_id": committees[path.rsplit(SEP, 1)[0]] if depth else None,
                "name": name,
                "kind": kind_of_name(name),
            }
            for path, name in level
        ]
        await _many(session, insert(COMMITTEES), rows)
        committees = {path: node for node, path in paths_of(list(await session.execute(stored))).items()}
    return committees


async def planned_and_written(
    sessions: async_sessionmaker[AsyncSession], make: Callable[[Snapshot], Plan], now: datetime
) -> Plan:
    """Plan from what is stored, then write it under the import lock, all or nothing."""
    async with sessions() as session:
        try:
            if session.get_bind().dialect.name == "postgresql":
                async with session.begin():
                    await lock(session)
                    snap = await load_snapshot(session)
                    plan = await asyncio.to_thread(make, snap)
                    await write(session, plan, now)
                return plan
            version = await session.scalar(text("PRAGMA data_version"))
            stored = await load_stored(session)
            snap = snapshot(stored)
            # A bad file is refused here, before the write lock; in a thread, so that an import run
            # by the bot's own process would not stop it from answering.
            plan = await asyncio.to_thread(make, snap)
            await _begin_immediate(session)
            # Another connection wrote meanwhile (the bot writes all the time): the plan still
            # holds unless what it was made from changed.
            if (
                await session.scalar(text("PRAGMA data_version")) != version
                and (fresh := await load_stored(session)) != stored
            ):
                snap = snapshot(fresh)
                plan = await asyncio.to_thread(make, snap)
            await write(session, plan, now)
            await session.commit()
            return plan
        except IntegrityError:
            raise RosterError([Problem("roster-conflict")]) from None
