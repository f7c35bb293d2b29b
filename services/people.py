"""Who is talking: from a platform account to a person, their cells and what they may do."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from models import Account, Cell, Membership, MemberStatus, NodeRole, Person, Platform
from services.errors import DomainError
from services.parsing import parse_id
from services.text import fold


@dataclass(frozen=True)
class Actor:
    """The person behind an incoming message, with every cell they belong to or follow."""

    person: Person
    memberships: Sequence[Membership] = ()
    supervised: Sequence[Cell] = ()
    # A root admin: a Telegram id in `[telegram] admin_ids`, over the whole tree.
    is_admin: bool = False
    # Organisations this person administers or follows, each with everything below it.
    admin_of: tuple[int, ...] = ()
    follows: tuple[int, ...] = ()

    @property
    def administers(self) -> bool:
        """Admin of the whole tree or of some part of it."""
        return self.is_admin or bool(self.admin_of)

    @property
    def supervises(self) -> bool:
        return bool(self.supervised or self.follows)

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


# Everything an actor needs, eager-loaded by the one query that finds the person.
# A person linked on several platforms is reached privately on the first of these.
PLATFORM_PREFERENCE = (Platform.TELEGRAM, Platform.ZALO)


def preferred_platform(platforms: Collection[Platform]) -> Platform | None:
    """Where to reach someone privately among the platforms they can be reached on."""
    return next((p for p in PLATFORM_PREFERENCE if p in platforms), None)


_ROLES = (
    joinedload(Person.memberships).joinedload(Membership.cell).joinedload(Cell.committee),
    joinedload(Person.supervised_cells),
    joinedload(Person.node_roles),
)


async def find_actor(
    session: AsyncSession, platform: Platform, external_id: str, *, is_admin: bool = False
) -> Actor | None:
    """Resolve an account; None means the user has not joined yet. One query whatever the
    person's roles: this runs for every incoming message and button press.

    The console has no accounts: its "user id" is the person id the operator chose to act as.
    """
    if platform is Platform.CONSOLE:
        person_id = parse_id(external_id)
        found = await people_with_roles(session, [person_id]) if person_id else []
        return actor_of(found[0], is_admin=is_admin) if found else None
    person = (
        (
            await session.scalars(
                select(Person)
                .join(Account)
                .where(Account.platform == platform, Account.external_id == external_id)
                .options(*_ROLES)
            )
        )
        .unique()
        .first()
    )
    return None if person is None else actor_of(person, is_admin=is_admin)


async def people_with_roles(session: AsyncSession, person_ids: Collection[int]) -> Sequence[Person]:
    """Several people with everything `actor_of` needs, in one query."""
    return (await session.scalars(select(Person).where(Person.id.in_(person_ids)).options(*_ROLES))).unique().all()


def actor_of(person: Person, *, is_admin: bool = False) -> Actor:
    """The actor for a person loaded with their roles (`find_actor`, `people_with_roles`)."""
    return Actor(
        person=person,
        memberships=person.memberships,
        supervised=person.supervised_cells,
        is_admin=is_admin,
        admin_of=tuple(r.committee_id for r in person.node_roles if r.role is NodeRole.ADMIN),
        follows=tuple(r.committee_id for r in person.node_roles if r.role is NodeRole.SUPERVISOR),
    )


async def cell_members(session: AsyncSession, cell_id: int) -> Sequence[Membership]:
    """Current members of a cell in roster order, with their person and accounts loaded; ended
    memberships are left out.

    Sorted here rather than in SQL so the numbering is the same on every database: Vietnamese
    lists go by given name (the last word), then the full name.
    """
    members = (
        await session.scalars(
            select(Membership)
            .where(Membership.cell_id == cell_id, Membership.current())
            .options(selectinload(Membership.person).selectinload(Person.accounts))
        )
    ).all()
    return sorted(members, key=lambda m: roster_key(m.person))


def roster_key(person: Person) -> tuple[str, str, int]:
    name = fold(person.full_name)
    return (name.rsplit(" ", 1)[-1], name, person.id)


async def note_connected(session: AsyncSession, platform: Platform, external_id: str, now: datetime) -> bool:
    """The account wrote to the bot in a private chat: from now on it can be messaged privately.
    Returns whether such an account exists (a stranger's has not been created yet)."""
    marked = await session.execute(
        update(Account)
        .where(Account.platform == platform, Account.external_id == external_id, Account.connected_at.is_(None))
        .values(connected_at=now)
    )
    if getattr(marked, "rowcount", 0):
        return True
    found = await session.scalar(
        select(Account.id).where(Account.platform == platform, Account.external_id == external_id)
    )
    return found is not None


async def not_connected(session: AsyncSession, chats: Collection[tuple[Platform, str]]) -> set[tuple[Platform, str]]:
    """Which of these chats are the private chats of accounts that never wrote to the bot (a
    platform refuses to open such a chat; groups and unknown chats are not in the answer)."""
    if not chats:
        return set()
    rows = await session.execute(
        select(Account.platform, Account.external_id).where(
            Account.connected_at.is_(None),
            Account.external_id.in_({external_id for _, external_id in chats}),
        )
    )
    return {(platform, external_id) for platform, external_id in rows.all()} & set(chats)
