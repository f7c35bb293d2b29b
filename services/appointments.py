"""Appointing and removing admins and supervisors of organisations from chat.

An admin appoints only below the organisations they administer (a root admin anywhere), and only
people the bot already knows within that reach (members of its cells, or holders of a role in it):
a name is never matched across the whole city. Every change is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models import Cell, Committee, CommitteeRole, Membership, NodeRole, Person
from models.db import insert_ignoring_duplicates
from services import audit, tree
from services.errors import DomainError
from services.names import find_by_name, same_name
from services.parsing import parse_id
from services.people import Actor


@dataclass(frozen=True)
class Holder:
    person_id: int
    name: str
    role: NodeRole


async def check_below(session: AsyncSession, actor: Actor, node: Committee) -> None:
    """The node lies strictly below one the caller administers (a root admin: anywhere)."""
    if actor.is_admin:
        return
    parent = node.parent_id
    if parent is None or not await tree.is_above(session, actor.admin_of, parent):
        raise DomainError("appoint-not-below", name=node.name)


async def find_person(session: AsyncSession, actor: Actor, node: Committee, who: str) -> Person:
    """Someone within the node's subtree: a member of one of its cells or a holder of a role in it;
    `#12` names a person by id (when two share a name)."""
    within = tree.subtree([node.id])
    cells = select(Cell.id).where(Cell.committee_id.in_(select(within.c.id)))
    members = select(Membership.person_id).where(Membership.cell_id.in_(cells), Membership.current())
    roles = select(CommitteeRole.person_id).where(CommitteeRole.committee_id.in_(select(within.c.id)))
    query = select(Person).where(Person.erased_at.is_(None), Person.id.in_(members) | Person.id.in_(roles))
    people = (
        await session.scalars(query.options(selectinload(Person.accounts)).order_by(Person.full_name, Person.id))
    ).all()
    if who.startswith("#") and (person_id := parse_id(who[1:])) is not None:
        found = [p for p in people if p.id == person_id]
    else:
        # A name is an identity here: "Lê Văn Hưng" never appoints Lê Văn Hùng; near names are
        # only suggested, to be named by number.
        found = same_name(people, who, lambda p: p.full_name)
    if len(found) == 1:
        return found[0]
    if found:
        raise DomainError("appoint-ambiguous", name=who, people=_listing(found))
    near = find_by_name(people, who, lambda p: p.full_name)
    if near:
        raise DomainError("appoint-suggest", name=who, people=_listing(near))
    raise DomainError("appoint-no-person", name=who, node=node.name)


def _listing(people: Sequence[Person]) -> str:
    return "; ".join(f"#{p.id} {p.full_name}" for p in people[:10])


async def appoint(
    session: AsyncSession, actor: Actor, node: Committee, person: Person, role: NodeRole, now: datetime
) -> bool:
    """Give the role; False when the person held it already."""
    added = await session.execute(
        insert_ignoring_duplicates(
            session,
            CommitteeRole,
            {"person_id": person.id, "committee_id": node.id, "role": role},
            ["person_id", "committee_id", "role"],
        )
    )
    if not getattr(added, "rowcount", 0):
        return False
    audit.record(
        session,
        actor_id=actor.person.id,
        subject_id=person.id,
        action=f"appoint_{role.value}",
        now=now,
        detail=f"committee {node.id}",
    )
    return True


async def dismiss(
    session: AsyncSession, actor: Actor, node: Committee, person: Person, role: NodeRole, now: datetime
) -> bool:
    """Take the role away; False when the person did not hold it."""
    removed = await session.execute(
        delete(CommitteeRole).where(
            CommitteeRole.person_id == person.id, CommitteeRole.committee_id == node.id, CommitteeRole.role == role
        )
    )
    if not getattr(removed, "rowcount", 0):
        return False
    audit.record(
        session,
        actor_id=actor.person.id,
        subject_id=person.id,
        action=f"dismiss_{role.value}",
        now=now,
        detail=f"committee {node.id}",
    )
    return True


async def holders(session: AsyncSession, node: Committee) -> Sequence[Holder]:
    rows = await session.execute(
        select(Person.id, Person.full_name, CommitteeRole.role)
        .join(CommitteeRole, CommitteeRole.person_id == Person.id)
        .where(CommitteeRole.committee_id == node.id)
        .order_by(CommitteeRole.role, Person.full_name)
    )
    return [Holder(pid, name, role) for pid, name, role in rows.all()]
