"""Command menus (the "/" list in Telegram's input field) per scope, from the router's commands.

Members see their commands in every private chat and groups a short list. Each secretary,
deputy, supervisor or admin gets their own list in their private chat (BotCommandScopeChat), and
each secretary and deputy theirs in their cell's group (BotCommandScopeChatMember), so a menu
offers exactly what /trogiup lists for that person there.

Roles change while the bot runs (an approved join, a linked group, a re-imported roster), so the
channel refreshes the menus every few minutes; only scopes whose list changed are sent again. What
was set is kept in the database (services/menus.py), so a restart or a second process sends
nothing that is already there and still drops what is no longer wanted. Personal menus go only to
accounts that have written to the bot: for the others Telegram answers "chat not found".
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

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
from models import MemberRole, Membership, Person, Platform
from services import chats, menus
from services.menus import leader_accounts
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
            accounts = await leader_accounts(session, Platform.TELEGRAM, admins)
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
        many scopes were sent."""
        wanted = {scope_key(scope): (scope, menu) for scope, menu in (await self.wanted()).items()}
        async with self.app.sessions() as session:
            already = await menus.menus_set(session, Platform.TELEGRAM)
        sent = 0
        for key in [k for k in already if k not in wanted]:
            scope = scope_of(key)
            try:
                if scope is not None:
                    await self.bot.delete_my_commands(scope=scope)
            except TelegramError as error:
                log.info("could not drop a menu (%s)", error.message)
                continue
            async with self.app.sessions() as session, session.begin():
                await menus.record_dropped(session, Platform.TELEGRAM, key)
        for key, (scope, menu) in wanted.items():
            entries = [[c.command, c.description] for c in menu]
            if already.get(key) == entries:
                continue
            try:
                await self.bot.set_my_commands(menu, scope=scope)
            except TelegramError as error:
                log.info("no %s menu for a Telegram account (%s)", scope.type, error.message)
                continue
            async with self.app.sessions() as session, session.begin():
                await menus.record_set(session, Platform.TELEGRAM, key, entries, self.app.clock.now())
            sent += 1
        return sent


def scope_key(scope: BotCommandScope) -> str:
    """A scope as stored: its type and the ids that name it ("chat_member:-100123:42")."""
    ids = [str(getattr(scope, name)) for name in ("chat_id", "user_id") if getattr(scope, name, None) is not None]
    return ":".join([scope.type, *ids])


def scope_of(key: str) -> BotCommandScope | None:
    """The scope a stored key names; None for one this version does not set."""
    kind, *ids = key.split(":")
    numbers = [int(i) for i in ids if i.lstrip("-").isdigit()]
    if kind == BotCommandScope.CHAT and len(numbers) == 1:
        return BotCommandScopeChat(numbers[0])
    if kind == BotCommandScope.CHAT_MEMBER and len(numbers) == 2:
        return BotCommandScopeChatMember(numbers[0], numbers[1])
    if kind == BotCommandScope.ALL_PRIVATE_CHATS:
        return BotCommandScopeAllPrivateChats()
    if kind == BotCommandScope.ALL_GROUP_CHATS:
        return BotCommandScopeAllGroupChats()
    return None
