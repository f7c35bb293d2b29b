"""Command menus (the "/" list in Telegram's input field) per scope, from the router's commands.

Members see their commands in every private chat and groups a short list. Each secretary,
deputy, supervisor or admin gets their own list in their private chat (BotCommandScopeChat), and
each secretary and deputy theirs in their cell's group (BotCommandScopeChatMember), so a menu
offers exactly what /trogiup lists for that person there.

Roles change while the bot runs (an approved join, a linked group, a re-imported roster), so the
channel refreshes the menus every few minutes; only scopes whose list changed are sent again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import or_, select
from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeChatMember,
)
from telegram.error import TelegramError

from channels.plain import to_plain
from core.i18n import Translator
from handlers.context import AppContext
from handlers.router import Command, Need, allowed
from models import Account, MemberRole, Membership, Person, Platform, Supervision
from services import chats
from services.people import Actor, actor_of, people_with_roles

log = logging.getLogger(__name__)
DESCRIPTION_LIMIT = 256
# Seconds between two refreshes of the menus while the bot runs.
REFRESH_SECONDS = 300


def _entry(tr: Translator, command: Command) -> BotCommand:
    return BotCommand(command.vi, to_plain(tr.t(command.help_key))[:DESCRIPTION_LIMIT])


def menu_for(tr: Translator, commands: Sequence[Command], actor: Actor, *, in_group: bool = False) -> list[BotCommand]:
    """The commands /trogiup shows this person (in a group: those that work there): what their
    roles allow, without the joining commands once they have joined."""
    return [
        _entry(tr, c)
        for c in commands
        if tr.has(c.help_key)
        and allowed(c.need, actor)
        and (c.in_groups or not in_group)
        and (c.need is not Need.ANYONE or c.name == "help" or in_group)
    ]


def plain_member() -> Actor:
    """A member with no other role, for the menus every private chat and every group get."""
    return Actor(person=Person(full_name=""), memberships=[Membership(role=MemberRole.MEMBER)])


class Menus:
    """Keeps every scope's menu in step with the database, sending only what changed."""

    def __init__(self, bot: Bot, app: AppContext, commands: Sequence[Command]) -> None:
        self.bot = bot
        self.app = app
        self.commands = commands
        self._sent: dict[BotCommandScope, list[BotCommand]] = {}

    async def wanted(self) -> dict[BotCommandScope, list[BotCommand]]:
        """Every scope's menu as the database says now; personal menus only where they differ
        from what the person would see anyway."""
        tr, commands = self.app.tr, self.commands
        member = plain_member()
        private, groups = menu_for(tr, commands, member), menu_for(tr, commands, member, in_group=True)
        menus: dict[BotCommandScope, list[BotCommand]] = {
            BotCommandScopeAllPrivateChats(): private,
            BotCommandScopeAllGroupChats(): groups,
        }
        admins = {str(i) for i in self.app.config.telegram.admin_ids}
        async with self.app.sessions() as session:
            accounts = (
                await session.scalars(
                    select(Account)
                    .where(Account.platform == Platform.TELEGRAM)
                    .where(
                        or_(
                            Account.person_id.in_(
                                select(Membership.person_id).where(
                                    Membership.role.in_([r for r in MemberRole if r.runs_meetings])
                                )
                            ),
                            Account.person_id.in_(select(Supervision.person_id)),
                            Account.external_id.in_(admins),
                        )
                    )
                )
            ).all()
            group_of = await chats.cell_groups_on(session, Platform.TELEGRAM)
            people = {p.id: p for p in await people_with_roles(session, {a.person_id for a in accounts})}
            for account in accounts:
                actor = actor_of(people[account.person_id], is_admin=account.external_id in admins)
                user = int(account.external_id)
                mine = menu_for(tr, commands, actor)
                if mine != private:
                    menus[BotCommandScopeChat(user)] = mine
                in_group = menu_for(tr, commands, actor, in_group=True)
                for membership in actor.memberships:
                    group = group_of.get(membership.cell_id)
                    if group is not None and membership.role.runs_meetings and in_group != groups:
                        menus[BotCommandScopeChatMember(int(group), user)] = in_group
        return menus

    async def refresh(self) -> int:
        """Send the menus that changed and drop the personal ones no longer wanted; returns how
        many scopes were sent. A person who never opened a chat with the bot keeps the default."""
        wanted = await self.wanted()
        sent = 0
        for scope in [s for s in self._sent if s not in wanted]:
            try:
                await self.bot.delete_my_commands(scope=scope)
                del self._sent[scope]
            except TelegramError as error:
                log.info("could not drop a menu (%s)", error.message)
        for scope, menu in wanted.items():
            if self._sent.get(scope) == menu:
                continue
            try:
                await self.bot.set_my_commands(menu, scope=scope)
            except TelegramError as error:
                log.info("no %s menu for a Telegram account (%s)", scope.type, error.message)
                continue
            self._sent[scope] = menu
            sent += 1
        return sent
