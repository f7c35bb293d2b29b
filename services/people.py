"""Who is talking: from a platform account to a person, their cells and what they may do."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from models import Account, Cell, Membership, MemberStatus, Person, Platform, Supervision
from services.errors import DomainError
from services.text import fold


@dataclass(frozen=True)
class Actor:
    """The person behind an incoming message, with every cell they belong to or follow."""

    person: Person
    memberships: Sequence[Membership] = ()
    supervised: Sequence[Cell] = ()
    is_admin: bool = False

    @property
    def primary(self) -> Membership | None:
        """The cell a member means when they do not say: their own cell before a temporary one."""
        ranked = sorted(
            self.memberships,
            key=lambda m: (m.status == MemberStatus.TEMPORARY, not m.role.runs_meetings, m.cell_id),
        )
        return ranked[0] if ranked else None

    def membership_in(self, cell_id: int) -> Membership | None:
        return next((m for m in self.memberships if m.cell_id == cell_id), None)

    def runs(self, cell_id: int) -> bool:
        """Secretary or deputy of that cell."""
        membership = self.membership_in(cell_id)
        return membership is not None and membership.role.runs_meetings

    def led_cell(self) -> Membership:
        """The cell this secretary runs; refuses anyone who runs none."""
        for membership in self.memberships:
            if membership.role.runs_meetings:
                return membership
        raise DomainError("err-secretary-only")

    def follows(self, cell_id: int) -> bool:
        return any(c.id == cell_id for c in self.supervised)


async def find_actor(
    session: AsyncSession, platform: Platform, external_id: str, *, is_admin: bool = False
) -> Actor | None:
    """Resolve an account; None means the user has not joined yet.

    The console has no accounts: its "user id" is the person id the operator chose to act as.
    """
    if platform is Platform.CONSOLE:
        found = await session.get(Person, int(external_id)) if external_id.isdigit() else None
        return None if found is None else await actor_for(session, found, is_admin=is_admin)
    person = await session.scalar(
        select(Person).join(Account).where(Account.platform == platform, Account.external_id == external_id)
    )
    if person is None:
        return None
    return await actor_for(session, person, is_admin=is_admin)


async def actor_for(session: AsyncSession, person: Person, *, is_admin: bool = False) -> Actor:
    """Two queries whatever the person's roles: this runs for every incoming message."""
    memberships = (
        await session.scalars(
            select(Membership)
            .where(Membership.person_id == person.id)
            .options(joinedload(Membership.cell).joinedload(Cell.committee))
            .order_by(Membership.id)
        )
    ).all()
    supervised = (
        await session.scalars(
            select(Cell).join(Supervision).where(Supervision.person_id == person.id).order_by(Cell.name)
        )
    ).all()
    return Actor(person=person, memberships=memberships, supervised=supervised, is_admin=is_admin)


async def cell_members(session: AsyncSession, cell_id: int) -> Sequence[Membership]:
    """Members of a cell in roster order, with their person and accounts loaded.

    Sorted here rather than in SQL so the numbering is the same on every database: Vietnamese
    lists go by given name (the last word), then the full name.
    """
    members = (
        await session.scalars(
            select(Membership)
            .where(Membership.cell_id == cell_id)
            .options(selectinload(Membership.person).selectinload(Person.accounts))
        )
    ).all()
    return sorted(members, key=lambda m: roster_key(m.person))


def roster_key(person: Person) -> tuple[str, str, int]:
    name = fold(person.full_name)
    return (name.rsplit(" ", 1)[-1], name, person.id)
