"""Command menus (the "/" list in Telegram's input field) per scope, from the router's commands.

Members see their commands in every private chat, groups a short list, and each secretary,
deputy, supervisor or admin gets their own list in their private chat (BotCommandScopeChat),
so the menu offers exactly what /trogiup lists for that person.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import or_, select
from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError

from channels.plain import to_plain
from core.i18n import Translator
from handlers.context import AppContext
from handlers.router import Command, Need, allowed
from models import Account, MemberRole, Membership, Person, Platform, Supervision
from services.people import Actor, actor_for

log = logging.getLogger(__name__)
DESCRIPTION_LIMIT = 256


def _entry(tr: Translator, command: Command) -> BotCommand:
    return BotCommand(command.vi, to_plain(tr.t(command.help_key))[:DESCRIPTION_LIMIT])


def menu_for(tr: Translator, commands: Sequence[Command], actor: Actor) -> list[BotCommand]:
    """The commands /trogiup shows this person: what their roles allow, without the joining
    commands once they have joined."""
    return [
        _entry(tr, c)
        for c in commands
        if tr.has(c.help_key) and allowed(c.need, actor) and (c.need is not Need.ANYONE or c.name == "help")
    ]


def group_menu(tr: Translator, commands: Sequence[Command]) -> list[BotCommand]:
    return [_entry(tr, c) for c in commands if c.in_groups and tr.has(c.help_key)]


def plain_member() -> Actor:
    """A member with no other role, for the menu every private chat gets."""
    return Actor(person=Person(full_name=""), memberships=[Membership(role=MemberRole.MEMBER)])


async def set_menus(bot: Bot, app: AppContext, commands: Sequence[Command]) -> int:
    """Set the menus of every scope; returns how many personal menus were set."""
    tr = app.tr
    members = menu_for(tr, commands, plain_member())
    await bot.set_my_commands(members, scope=BotCommandScopeAllPrivateChats())
    await bot.set_my_commands(group_menu(tr, commands), scope=BotCommandScopeAllGroupChats())
    personal = 0
    async with app.sessions() as session:
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
                        Account.external_id.in_([str(i) for i in app.config.telegram.admin_ids]),
                    )
                )
            )
        ).all()
        for account in accounts:
            admin = account.external_id in {str(i) for i in app.config.telegram.admin_ids}
            actor = await actor_for(session, account.person_id, is_admin=admin)
            assert actor is not None
            mine = menu_for(tr, commands, actor)
            if mine == members:
                continue
            try:
                await bot.set_my_commands(mine, scope=BotCommandScopeChat(int(account.external_id)))
                personal += 1
            except TelegramError as error:
                # They never opened a chat with the bot: the default menu is all they can see anyway.
                log.info("no personal menu for a Telegram account (%s)", error.message)
    return personal
