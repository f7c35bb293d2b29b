"""Which group chat belongs to which cell or committee."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, Cell, ChatLink, Committee, Membership, Platform
from services.errors import DomainError


async def link_for(session: AsyncSession, platform: Platform, chat_id: str) -> ChatLink | None:
    return await session.scalar(select(ChatLink).where(ChatLink.platform == platform, ChatLink.chat_id == chat_id))


async def cell_groups(session: AsyncSession, cell_id: int) -> Sequence[ChatLink]:
    """Every group bound to the cell, one per platform at most."""
    return (await session.scalars(select(ChatLink).where(ChatLink.cell_id == cell_id))).all()


async def groups_of_cells(session: AsyncSession, cell_ids: Collection[int]) -> dict[int, list[ChatLink]]:
    """`cell_groups` of many cells at once, by cell (cells without a group left out), in one query."""
    found: dict[int, list[ChatLink]] = {}
    for link in await session.scalars(select(ChatLink).where(ChatLink.cell_id.in_(cell_ids)).order_by(ChatLink.id)):
        if link.cell_id is not None:
            found.setdefault(link.cell_id, []).append(link)
    return found


async def cell_groups_on(session: AsyncSession, platform: Platform) -> dict[int, str]:
    """Each cell's group on one platform, by cell id."""
    links = (
        await session.scalars(select(ChatLink).where(ChatLink.platform == platform, ChatLink.cell_id.is_not(None)))
    ).all()
    return {link.cell_id: link.chat_id for link in links if link.cell_id is not None}


async def committee_chats(session: AsyncSession, committee_id: int) -> Sequence[ChatLink]:
    return (await session.scalars(select(ChatLink).where(ChatLink.committee_id == committee_id))).all()


async def _bind(
    session: AsyncSession, platform: Platform, chat_id: str, *, name: str, cell_id: int | None, committee_id: int | None
) -> None:
    """One group per owner and platform: rebinding moves the owner to the new group."""
    current = await link_for(session, platform, chat_id)
    if current is not None and (current.cell_id, current.committee_id) == (cell_id, committee_id):
        raise DomainError("link-already", name=name)
    if current is not None:
        raise DomainError("link-taken")
    owner = ChatLink.cell_id == cell_id if cell_id is not None else ChatLink.committee_id == committee_id
    previous = await session.scalar(select(ChatLink).where(ChatLink.platform == platform, owner))
    if previous is not None:
        previous.chat_id = chat_id
    else:
        session.add(ChatLink(platform=platform, chat_id=chat_id, cell_id=cell_id, committee_id=committee_id))
    await session.flush()


async def bind_cell(session: AsyncSession, platform: Platform, chat_id: str, cell: Cell) -> None:
    """Make this group the cell's group on its platform (announcements and check-in go there)."""
    await _bind(session, platform, chat_id, name=cell.name, cell_id=cell.id, committee_id=None)


async def bind_committee(session: AsyncSession, platform: Platform, chat_id: str, committee: Committee) -> Committee:
    """Make this group the organisation's chat, where its reports go (the caller checked the right)."""
    await _bind(session, platform, chat_id, name=committee.name, cell_id=None, committee_id=committee.id)
    return committee


async def committee_links(session: AsyncSession) -> Sequence[ChatLink]:
    """Every organisation's linked group, on every platform."""
    return (
        await session.scalars(select(ChatLink).where(ChatLink.committee_id.is_not(None)).order_by(ChatLink.id))
    ).all()


async def committees_without_chat(session: AsyncSession) -> list[str]:
    """Committees whose summaries have nowhere to go."""
    linked = select(ChatLink.committee_id).where(ChatLink.committee_id.is_not(None))
    names = await session.scalars(select(Committee.name).where(Committee.id.not_in(linked)).order_by(Committee.name))
    return list(names)


async def cells_out_of_reach(session: AsyncSession) -> list[str]:
    """Cells with no group and no member on any chat platform: nothing the bot sends reaches them."""
    grouped = select(ChatLink.cell_id).where(ChatLink.cell_id.is_not(None))
    reached = (
        select(Membership.cell_id)
        .join(Account, Account.person_id == Membership.person_id)
        .where(Membership.current())  # a member who moved away reaches nobody in this cell
    )
    query = select(Cell.name).where(Cell.id.not_in(grouped), Cell.id.not_in(reached)).order_by(Cell.name)
    return list(await session.scalars(query))
