"""The tree of party organisations: which nodes lie above a cell, which cells lie below a node.

Each question is one recursive SQL statement however deep or wide the tree is, so a city of
thousands of organisations costs the same number of round trips as one ward.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import CTE, Select, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Cell, Committee, CommitteeKind, CommitteeRole, NodeRole
from services.text import fold

# A name's first words tell its level; a name that says nothing is "khác".
_PREFIXES = (
    (("thanh uy", "tinh uy", "dang bo thanh pho", "dang bo tinh"), CommitteeKind.PROVINCE),
    (
        ("dang uy xa", "dang uy phuong", "dang uy dac khu", "dang bo xa", "dang bo phuong", "dang bo dac khu"),
        CommitteeKind.COMMUNE,
    ),
    (("dang bo", "dang uy", "chi bo co so"), CommitteeKind.GRASSROOTS),
)
# Deeper trees are refused: the real one has four levels above a cell at most.
MAX_DEPTH = 6


def kind_of_name(name: str) -> CommitteeKind:
    """The level a node's name announces ("Đảng ủy phường Hoàn Kiếm" is a commune-level committee)."""
    words = " ".join(fold(name).split())
    return next((kind for prefixes, kind in _PREFIXES if words.startswith(prefixes)), CommitteeKind.OTHER)


def subtree(roots: Collection[int] | Select[int]) -> CTE:
    """The ids of these nodes and every node below them (a recursive CTE with one column, `id`)."""
    below = (
        select(Committee.id).where(Committee.id.in_(roots)).cte(recursive=True)
    )  # anonymous: two subtrees may meet in one statement
    return below.union(select(Committee.id).where(Committee.parent_id == below.c.id))


def cells_under(roots: Collection[int] | Select[int]) -> Select[int]:
    """The ids of every cell below these nodes."""
    nodes = subtree(roots)
    return select(Cell.id).where(Cell.committee_id.in_(select(nodes.c.id)))


def _above(committee_id: int) -> CTE:
    """This node and every node above it, with `depth` 0 for the node itself."""
    up = (
        select(Committee.id, Committee.parent_id, literal(0).label("depth"))
        .where(Committee.id == committee_id)
        .cte("above", recursive=True)
    )
    return up.union_all(
        select(Committee.id, Committee.parent_id, (up.c.depth + 1).label("depth")).where(Committee.id == up.c.parent_id)
    )


async def path(session: AsyncSession, committee_id: int) -> Sequence[Committee]:
    """The nodes from the top of the tree down to this one."""
    up = _above(committee_id)
    rows = await session.scalars(select(Committee).join(up, up.c.id == Committee.id).order_by(up.c.depth.desc()))
    return rows.all()


async def holders_above(session: AsyncSession, committee_id: int, role: NodeRole) -> Sequence[int]:
    """People holding `role` on this node or any node above it, nearest first."""
    up = _above(committee_id)
    rows = await session.execute(
        select(CommitteeRole.person_id, up.c.depth)
        .join(up, up.c.id == CommitteeRole.committee_id)
        .where(CommitteeRole.role == role)
        .order_by(up.c.depth, CommitteeRole.person_id)
    )
    return list(dict.fromkeys(person for person, _ in rows.all()))


async def is_above(session: AsyncSession, nodes: Collection[int], committee_id: int) -> bool:
    """Whether one of `nodes` is this node or one of its ancestors."""
    if not nodes:
        return False
    up = _above(committee_id)
    found = await session.scalar(select(up.c.id).where(up.c.id.in_(nodes)).limit(1))
    return found is not None
