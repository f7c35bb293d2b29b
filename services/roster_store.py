"""The roster import's database side: what is stored, the import lock, and the one short write.

SQLite has one writer at a time, and a bot's write waits at most the busy timeout for it: so the
file is matched against what is stored before the write lock is taken, the lock is taken with
BEGIN IMMEDIATE, and the matching is redone under it only when another connection wrote in
between (PRAGMA data_version). The write is a handful of bulk statements. PostgreSQL does not
block the bot's writes; there an advisory lock serialises imports, so two imports of one file
cannot both add the same people.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Account, Cell, Committee, MemberRole, Membership, Person, Supervision
from services.roster_file import Problem, RosterError
from services.roster_plan import Snapshot
from services.text import name_key

if TYPE_CHECKING:
    from services.roster import Plan

# pg_advisory_xact_lock key for imports ("chib" in ASCII): any constant all importers share.
IMPORT_LOCK_KEY = 0x63686962


async def lock(session: AsyncSession) -> None:
    """Hold the import lock until the caller's transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK_KEY})
        return
    connection = await session.connection()
    raw = (await connection.get_raw_connection()).driver_connection
    if raw is not None and not raw.in_transaction:
        await _begin_immediate(session)


async def _begin_immediate(session: AsyncSession) -> None:
    try:
        await session.execute(text("BEGIN IMMEDIATE"))
    except OperationalError:
        raise RosterError([Problem("roster-busy")]) from None


async def load_snapshot(session: AsyncSession) -> Snapshot:
    """Everything matching needs, as plain values in a few queries (no ORM objects: 50,000 of
    them took seconds)."""
    snap = Snapshot()
    committee_keys: dict[int, str] = {}
    for committee_id, name in await session.execute(select(Committee.id, Committee.name)):
        committee_keys[committee_id] = name_key(name)
        snap.committees[name_key(name)] = (committee_id, name)
    for cell_id, committee_id, name in await session.execute(select(Cell.id, Cell.committee_id, Cell.name)):
        snap.cells[(committee_keys[committee_id], name_key(name))] = cell_id
        snap.cell_names[cell_id] = name
        snap.cell_committees[name_key(name)].add(committee_keys[committee_id])
    keys: dict[int, str] = {}
    for person_id, full_name, phone in await session.execute(select(Person.id, Person.full_name, Person.phone)):
        snap.people[person_id] = (full_name, phone)
        keys[person_id] = name_key(full_name)
        if phone:
            snap.by_phone[phone] = person_id
    for person_id, platform, external_id in await session.execute(
        select(Account.person_id, Account.platform, Account.external_id)
    ):
        snap.by_account[(platform, external_id)] = person_id
        snap.account_of[(person_id, platform)] = external_id
    memberships = select(Membership.person_id, Membership.cell_id, Membership.role, Membership.status)
    for person_id, cell_id, role, status in await session.execute(memberships):
        snap.memberships[(person_id, cell_id)] = (role, status)
        snap.member_cells[person_id].add(cell_id)
        snap.by_name[(cell_id, keys[person_id])].add(person_id)
        if role == MemberRole.SECRETARY:
            snap.secretaries[cell_id] = person_id
    for person_id, cell_id in await session.execute(select(Supervision.person_id, Supervision.cell_id)):
        snap.supervisions.add((person_id, cell_id))
        snap.by_name[(cell_id, keys[person_id])].add(person_id)
    return snap


async def _many(session: AsyncSession, statement: Any, params: list[dict[str, Any]]) -> None:
    if params:
        await session.execute(statement, params)


async def write(session: AsyncSession, snap: Snapshot, plan: Plan) -> None:
    """Apply a plan with bulk statements, in the caller's transaction."""
    committees = {key: committee_id for key, (committee_id, _) in snap.committees.items()}
    for key, name in plan.committees.items():
        committees[key] = await session.scalar(insert(Committee.__table__).values(name=name).returning(Committee.id))
    cells = dict(snap.cells)
    for ref, name in plan.cells.items():
        values = {"committee_id": committees[ref[0]], "name": name}
        cells[ref] = await session.scalar(insert(Cell.__table__).values(**values).returning(Cell.id))
    new_people: list[int] = []
    if plan.people:
        people = [{"full_name": name, "phone": phone} for name, phone in plan.people.values()]
        added = insert(Person.__table__).returning(Person.id, sort_by_parameter_order=True)
        new_people = list((await session.execute(added, people)).scalars())

    def pid(ref: int) -> int:
        return ref if ref > 0 else new_people[-ref - 1]

    person_table, account_table, member_table = Person.__table__, Account.__table__, Membership.__table__
    await _many(
        session,
        update(person_table).where(person_table.c.id == bindparam("pid")).values(full_name=bindparam("n"), phone=bindparam("p")),
        [{"pid": p, "n": name, "p": phone} for p, (name, phone) in plan.person_updates.items()],
    )
    await _many(
        session,
        update(account_table)
        .where(account_table.c.person_id == bindparam("pid"), account_table.c.platform == bindparam("pf"))
        .values(external_id=bindparam("ext")),
        [{"pid": p, "pf": platform, "ext": ext} for p, platform, ext in plan.account_updates],
    )
    await _many(
        session,
        insert(account_table),
        [{"person_id": pid(p), "platform": platform, "external_id": ext} for p, platform, ext in plan.accounts],
    )
    await _many(
        session,
        update(member_table)
        .where(member_table.c.person_id == bindparam("pid"), member_table.c.cell_id == bindparam("cid"))
        .values(role=bindparam("r"), status=bindparam("s")),
        [{"pid": p, "cid": c, "r": role, "s": status} for p, c, role, status in plan.membership_updates],
    )
    await _many(
        session,
        insert(member_table),
        [
            {"person_id": pid(p), "cell_id": cells[ref], "role": role, "status": status}
            for p, ref, role, status in plan.memberships
        ],
    )
    await _many(
        session,
        insert(Supervision.__table__),
        [{"person_id": pid(p), "cell_id": cells[ref]} for p, ref in plan.supervisions],
    )


async def planned_and_written(sessions: async_sessionmaker[AsyncSession], make: Callable[[Snapshot], Plan]) -> Plan:
    """Plan from what is stored, then write it under the import lock, all or nothing."""
    async with sessions() as session:
        try:
            if session.get_bind().dialect.name == "postgresql":
                async with session.begin():
                    await lock(session)
                    snap = await load_snapshot(session)
                    plan = make(snap)
                    await write(session, snap, plan)
                return plan
            version = await session.scalar(text("PRAGMA data_version"))
            snap = await load_snapshot(session)
            plan = make(snap)  # a bad file is refused here, without ever holding the write lock
            await _begin_immediate(session)
            if await session.scalar(text("PRAGMA data_version")) != version:
                snap = await load_snapshot(session)
                plan = make(snap)
            await write(session, snap, plan)
            await session.commit()
            return plan
        except IntegrityError:
            raise RosterError([Problem("roster-conflict")]) from None
