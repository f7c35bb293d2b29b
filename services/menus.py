"""The command menus the bot has set, per platform and scope: kept in the database so that a
restart or a second process compares with what the platform really shows."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, CommandMenu, CommitteeRole, MemberRole, Membership, Platform, Supervision
from models.db import insert_ignoring_duplicates

Menu = list[list[str]]


async def menus_set(session: AsyncSession, platform: Platform) -> dict[str, Menu]:
    rows = await session.scalars(select(CommandMenu).where(CommandMenu.platform == platform))
    return {row.scope: row.commands for row in rows.all()}


async def record_set(session: AsyncSession, platform: Platform, scope: str, commands: Menu, now: datetime) -> None:
    """Insert or replace; two processes recording the same scope at once do not collide."""
    values = {"platform": platform, "scope": scope, "commands": commands, "set_at": now}
    added = await session.execute(insert_ignoring_duplicates(session, CommandMenu, values, ["platform", "scope"]))
    if not getattr(added, "rowcount", 0):
        await session.execute(
            update(CommandMenu)
            .where(CommandMenu.platform == platform, CommandMenu.scope == scope)
            .values(commands=commands, set_at=now)
        )


async def record_dropped(session: AsyncSession, platform: Platform, scope: str) -> None:
    await session.execute(delete(CommandMenu).where(CommandMenu.platform == platform, CommandMenu.scope == scope))


async def leader_accounts(session: AsyncSession, platform: Platform, admin_ids: Collection[str]) -> Sequence[Account]:
    """Connected accounts that get a menu of their own: secretaries and deputies, supervisors, admins."""
    leaders = select(Membership.person_id).where(Membership.role.in_([r for r in MemberRole if r.runs_meetings]))
    query = (
        select(Account)
        .where(Account.platform == platform, Account.connected_at.is_not(None))
        .where(
            or_(
                Account.person_id.in_(leaders),
                Account.person_id.in_(select(Supervision.person_id)),
                Account.person_id.in_(select(CommitteeRole.person_id)),
                Account.external_id.in_(admin_ids),
            )
        )
    )
    return (await session.scalars(query)).all()
