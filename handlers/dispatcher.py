"""Running one incoming action end to end, with the same rules for every channel: resolve the
caller, check their role against the route, run the handler in one database transaction, and turn
any refusal into a Vietnamese reply instead of a traceback (routes are registered in
handlers/router.py).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from core.callback import unpack
from core.messages import ChatKind, Incoming, Response
from core.metrics import UPDATE_FAILURES, UPDATES
from handlers.context import AppContext, Ctx, is_admin
from handlers.router import ButtonRoute, Handler, Router, allowed
from models import Platform
from models.db import DATABASE_UNREACHABLE
from services import prompts, updates
from services.errors import DomainError
from services.people import find_actor, note_connected
from services.text import clean_name, clean_text

log = logging.getLogger(__name__)


class UpdateNotHandled(Exception):
    """A delivered update could not be worked on now (database out of reach): the channel must not
    acknowledge it, so the platform delivers it again."""


class Dispatcher:
    """Runs one incoming action end to end. Channels call `handle` and render what it returns.

    It keeps no conversation state: the question a plain message answers and the choice a typed
    number presses are prompts in the database (services/prompts.py), opened, answered and closed
    in the same transaction as the handler's work.
    """

    def __init__(self, app: AppContext, router: Router) -> None:
        self.app = app
        self.router = router
        # Accounts known to have written privately (recorded in the database; this only saves a
        # write per message, and is safe to lose).
        self._connected: set[tuple[Platform, str]] = set()

    async def awaiting(self, platform: Platform, user_id: str) -> bool:
        """Whether the bot asked this user a question that their next plain message answers."""
        async with self.app.sessions() as session:
            return await prompts.open_question(session, platform, user_id, self.app.clock.now()) is not None

    async def handle(self, incoming: Incoming) -> Response:
        # What users type is cleaned once, here, for every channel: handlers parse, measure and
        # store the same text (control and invisible characters removed, NFC).
        incoming = replace(incoming, text=clean_text(incoming.text), user_name=clean_name(incoming.user_name))
        await self._note_connected(incoming)
        route = self.router.route_name(incoming, bare=self._bare(incoming, None))
        who: int | str = "-"  # people are logged by id only, never by name
        ctx = Ctx(self.app, incoming, None, commands=self.router.commands)
        try:
            response = await self._shortcut(ctx)
            if response is None:
                if incoming.update_id is not None and not await updates.first_time(
                    ctx.session, incoming.platform, incoming.update_id, self.app.clock.now()
                ):
                    # Delivered again after its work was committed (we died before answering).
                    return Response()
                ctx.actor = await find_actor(
                    ctx.session, incoming.platform, incoming.user_id, is_admin=is_admin(self.app.config, incoming)
                )
                who = ctx.actor.person.id if ctx.actor else who
                if incoming.button is None and incoming.chat_kind is ChatKind.PRIVATE:
                    ctx.question = await prompts.open_question(
                        ctx.session, incoming.platform, incoming.user_id, ctx.now
                    )
                    route = self.router.route_name(incoming, bare=self._bare(incoming, ctx.question))
                handler = self._route(ctx)
                if handler is None:
                    return Response()
                response = await handler(ctx)
                await self._settle(ctx)
            await ctx.commit()
        except DomainError as refusal:
            await ctx.rollback()
            response = self._refusal(ctx, refusal.key, **refusal.args_for_message)
            await self._drop_question(ctx)
        except DATABASE_UNREACHABLE as lost:
            await ctx.rollback()
            UPDATE_FAILURES.labels(route).inc()
            if incoming.update_id is not None:
                # The database is out of reach: leave the update unanswered so it comes again.
                raise UpdateNotHandled(str(lost)) from lost
            log.exception("handler failed for %s update (%s, person %s)", incoming.platform, route, who)
            response = self._refusal(ctx, "err-internal")
            await self._drop_question(ctx)
        except Exception:
            await ctx.rollback()
            log.exception("handler failed for %s update (%s, person %s)", incoming.platform, route, who)
            UPDATE_FAILURES.labels(route).inc()
            response = self._refusal(ctx, "err-internal")
            await self._drop_question(ctx)
        finally:
            await ctx.close()
        # Counted once answered: a redelivered duplicate or one left for the platform to send again is not.
        UPDATES.labels(route).inc()
        return response

    @staticmethod
    def _bare(incoming: Incoming, question: object) -> bool:
        """Bare commands ("lich hop") are for platforms without a slash habit; while the bot waits
        for an answer, only a slash interrupts, so a reason like "mẹ ốm" is not read as /me."""
        return incoming.platform is not Platform.TELEGRAM and question is None

    async def _settle(self, ctx: Ctx) -> None:
        """Close what this message answered and keep the question it asks, with the handler's work."""
        incoming, session = ctx.incoming, ctx.session
        if incoming.prompt_id is not None:
            await prompts.close(session, incoming.prompt_id, ctx.now)
        if ctx.question is not None and ctx.question.id is not None:
            # Answered, or the member moved on: either way the question is over.
            await prompts.close(session, ctx.question.id, ctx.now)
        if ctx.expect is not None:
            await prompts.ask(session, incoming.platform, incoming.user_id, ctx.expect, ctx.now)

    async def _drop_question(self, ctx: Ctx) -> None:
        """A refused answer ends the question too (as any other message would)."""
        if ctx.question is not None and ctx.question.id is not None:
            await prompts.close(ctx.session, ctx.question.id, ctx.now)
            await ctx.session.commit()

    async def _note_connected(self, incoming: Incoming) -> None:
        """Any private message proves the account opened a chat with the bot (whatever it says)."""
        key = (incoming.platform, incoming.user_id)
        private = incoming.chat_kind is ChatKind.PRIVATE and incoming.platform is not Platform.CONSOLE
        if not private or key in self._connected:
            return
        async with self.app.sessions() as session, session.begin():
            known = await note_connected(session, incoming.platform, incoming.user_id, self.app.clock.now())
        if known:
            self._connected.add(key)

    def _refusal(self, ctx: Ctx, key: str, **args: Any) -> Response:
        """The refusal in words; it runs outside the handler's error handling, so it must not raise."""
        try:
            text = ctx.app.tr.t(key, **args)
        except Exception:
            log.exception("refusal %s could not be worded", key)
            text = ctx.app.tr.t("err-internal")
        if ctx.incoming.button is not None:
            return Response(toast=str(text.striptags()))
        return Response().say(text)

    def _button(self, ctx: Ctx) -> ButtonRoute | None:
        """The pressed button's route, with its typed data in `ctx.pressed`; None for data we never sent."""
        data = unpack(ctx.incoming.button)
        route = self.router.buttons.get(type(data)) if data is not None else None
        if route is None:
            return None
        ctx.pressed = data
        return route

    async def _shortcut(self, ctx: Ctx) -> Response | None:
        route = self._button(ctx) if ctx.incoming.button is not None else None
        return None if route is None or route.shortcut is None else await route.shortcut(ctx)

    def _route(self, ctx: Ctx) -> Handler | None:
        incoming = ctx.incoming
        if incoming.button is not None:
            route = self._button(ctx)
            if route is None:
                return _static(Response(toast=str(ctx.t("err-stale-button").striptags())))
            if not allowed(route.need, ctx.actor, admin=ctx.is_admin):
                key = "err-not-joined" if ctx.actor is None else "err-not-allowed"
                return _static(Response(toast=str(ctx.t(key).striptags())))
            return route.func
        in_group = incoming.chat_kind is ChatKind.GROUP
        if incoming.file is not None and not in_group and (handler := self._file_command(ctx)) is not None:
            return handler
        if incoming.file is not None and not in_group and self.router.file is not None:
            if not allowed(self.router.file.need, ctx.actor, admin=ctx.is_admin):
                return _static(ctx.reply("err-not-joined" if ctx.actor is None else "err-not-allowed"))
            return self.router.file.func
        parsed = self.router.parse(incoming.text, bare=self._bare(incoming, ctx.question))
        if parsed is None:
            return self._plain_text(ctx, in_group)
        command, ctx.args = parsed
        if in_group and not command.in_groups:
            return _static(ctx.reply("err-private-only"))
        if not allowed(command.need, ctx.actor, admin=ctx.is_admin):
            return _static(ctx.reply("err-not-joined" if ctx.actor is None else "err-not-allowed"))
        return command.func

    def _file_command(self, ctx: Ctx) -> Handler | None:
        """The handler of a document whose caption is a command that takes files, after the
        command's role check (nothing is downloaded for someone it refuses)."""
        parsed = self.router.parse(ctx.incoming.text, bare=self._bare(ctx.incoming, None))
        if parsed is None or parsed[0].name not in self.router.file_commands:
            return None
        command, ctx.args = parsed
        if not allowed(command.need, ctx.actor, admin=ctx.is_admin):
            return _static(ctx.reply("err-not-joined" if ctx.actor is None else "err-not-allowed"))
        return self.router.file_commands[command.name]

    def _plain_text(self, ctx: Ctx, in_group: bool) -> Handler | None:
        incoming = ctx.incoming
        if ctx.question is not None and not in_group:
            ctx.args = incoming.text.strip()
            ctx.answering = ctx.question
            return self.router.followups[ctx.question.name]
        if in_group:
            return None
        if ctx.actor is None and self.router.stranger_text is not None:
            ctx.args = incoming.text.strip()
            return self.router.stranger_text
        return _static(ctx.reply("err-unknown-command" if ctx.actor else "err-not-joined"))


def _static(response: Response) -> Handler:
    async def answer(_ctx: Ctx) -> Response:
        return response

    return answer
