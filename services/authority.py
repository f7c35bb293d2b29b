"""Who may act over which part of the tree.

A root admin (a Telegram id in `[telegram] admin_ids`) is over everything. An admin of a node
(a roster row `quan_tri`) is over that node, every node below it and their cells. Every admin
check in the bot asks one of these functions, never a flag alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from models import Account, Cell, Committee, CommitteeRole, Membership, NodeRole
from services import tree
from services.errors import DomainError
from services.names import find_by_name
from services.people import Actor


async def admin_over(session: AsyncSession, actor: Actor | None, committee_id: int, *, root: bool = False) -> bool:
    """Whether the caller administers this node: `root` for a root admin."""
    if root or (actor is not None and actor.is_admin):
        return True
    return actor is not None and await tree.is_above(session, actor.admin_of, committee_id)


async def admin_over_cell(session: AsyncSession, actor: Actor | None, cell_id: int, *, root: bool = False) -> bool:
    committee_id = await session.scalar(select(Cell.committee_id).where(Cell.id == cell_id))
    return committee_id is not None and await admin_over(session, actor, committee_id, root=root)


async def admin_over_person(session: AsyncSession, actor: Actor | None, person_id: int, *, root: bool = False) -> bool:
    """Over every cell the person was ever a member of (erasing her data touches all of them)."""
    if root or (actor is not None and actor.is_admin):
        return True
    cells = (await session.scalars(select(Membership.cell_id).where(Membership.person_id == person_id))).all()
    checks = [await admin_over_cell(session, actor, cell) for cell in cells]
    return bool(checks) and all(checks)


def administered_cells(actor: Actor) -> Select[int]:
    """The cells below the nodes this (non-root) admin administers."""
    return tree.cells_under(actor.admin_of)


async def nearest_admin_accounts(session: AsyncSession, cell_id: int) -> Sequence[Account]:
    """The reachable accounts of the admins of the nearest node above the cell that has any."""
    committee_id = await session.scalar(select(Cell.committee_id).where(Cell.id == cell_id))
    if committee_id is None:
        return []
    for node in reversed(await tree.path(session, committee_id)):
        accounts = (
            await session.scalars(
                select(Account)
                .join(CommitteeRole, CommitteeRole.person_id == Account.person_id)
                .where(
                    CommitteeRole.committee_id == node.id,
                    CommitteeRole.role == NodeRole.ADMIN,
                    Account.connected_at.is_not(None),
                )
                .order_by(Account.id)
            )
        ).all()
        if accounts:
            return accounts
    return []


def _scope(actor: Actor | None, *, follows: bool) -> tuple[int, ...]:
    """The nodes at the top of what the caller administers (and, with `follows`, follows)."""
    if actor is None:
        return ()
    return actor.admin_of + actor.follows if follows else actor.admin_of


def _administered(actor: Actor | None, root: bool, *, follows: bool = False) -> Select[Committee]:
    query = select(Committee).order_by(Committee.name, Committee.id)
    if root or (actor is not None and actor.is_admin):
        return query
    mine = tree.subtree(_scope(actor, follows=follows))
    return query.where(Committee.id.in_(select(mine.c.id)))


async def top_nodes(session: AsyncSession, actor: Actor | None, *, follows: bool = False) -> list[Committee]:
    """The highest nodes the caller administers or follows: the top of the tree for a root admin."""
    if actor is not None and actor.is_admin:
        return list((await session.scalars(select(Committee).where(Committee.parent_id.is_(None)))).all())
    scope = set(_scope(actor, follows=follows))
    nodes = (await session.scalars(select(Committee).where(Committee.id.in_(scope)).order_by(Committee.name))).all()
    return [n for n in nodes if not await tree.is_above(session, scope - {n.id}, n.id)]


async def node_names(session: AsyncSession, actor: Actor | None, *, root: bool = False) -> list[str]:
    """The names of the nodes the caller administers, for a hint."""
    return [c.name for c in (await session.scalars(_administered(actor, root))).all()]


async def find_node(
    session: AsyncSession,
    actor: Actor | None,
    text: str,
    *,
    root: bool = False,
    missing: str = "reports-committee-unknown",
    follows: bool = False,
) -> Committee:
    """A node the caller administers (with `follows`, or follows), by a typed name (services.names:
    the same name first); `missing` is the refusal (with the names they may use) when none or several match."""
    nodes = (await session.scalars(_administered(actor, root, follows=follows))).all()
    matches = find_by_name(nodes, text, lambda c: c.name)
    if len(matches) != 1:
        raise DomainError(missing, name=text, known=", ".join(c.name for c in nodes))
    return matches[0]


def _acting(actor: Actor | None, root: bool) -> Select[Cell]:
    query = select(Cell).options(joinedload(Cell.committee)).order_by(Cell.name, Cell.id)
    if root or (actor is not None and actor.is_admin):
        return query
    led = [m.cell_id for m in actor.memberships if m.role.runs_meetings] if actor is not None else []
    if actor is None or not actor.admin_of:
        return query.where(Cell.id.in_(led))
    return query.where(or_(Cell.id.in_(led), Cell.id.in_(administered_cells(actor))))


async def find_cell(session: AsyncSession, actor: Actor | None, text: str, *, root: bool = False) -> Cell | None:
    """The one cell of that name the caller runs or administers; None when no or several cells match."""
    cells = (await session.scalars(_acting(actor, root))).all()
    matches = find_by_name(cells, text, lambda c: c.name)
    return matches[0] if len(matches) == 1 else None


async def acting_cell_names(session: AsyncSession, actor: Actor | None, *, root: bool = False) -> list[str]:
    """The names of the cells the caller runs or administers, for a hint."""
    return [c.name for c in (await session.scalars(_acting(actor, root))).all()]
