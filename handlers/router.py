"""Commands, buttons and follow-up answers, registered in one place and dispatched with the same
rules for every channel: resolve the caller, check their role, run the handler in one database
transaction, and turn any refusal into a Vietnamese reply instead of a traceback.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from core.callback import CallbackData, unpack
from core.messages import ChatKind, Incoming, Response
from core.metrics import UPDATE_FAILURES, UPDATES
from handlers.context import AppContext, Ctx, is_admin
from models import Platform
from models.db import DATABASE_UNREACHABLE
from services import prompts, updates
from services.errors import DomainError
from services.people import Actor, find_actor, note_connected
from services.text import clean_name, clean_text, fold

log = logging.getLogger(__name__)

Handler = Callable[[Ctx], Awaitable[Response]]
# Answers the common case of a hot button before the caller is looked up (`ctx.actor` is None)
# and before the update is marked processed: one that answers has written its work and the
# update's mark (`incoming.update_id`) in a transaction of its own. None sends the press the
# normal way.
Shortcut = Callable[[Ctx], Awaitable[Response | None]]
_COMMAND_RE = re.compile(r"^/([A-Za-z_]+)(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)


class Need(StrEnum):
    """Who may use a command; finer checks (which cell) happen in the handler's service call."""

    ANYONE = "anyone"
    # Anyone the bot knows, even with no current membership (a member who moved away may still ask for her data).
    JOINED = "joined"
    MEMBER = "member"
    SECRETARY = "secretary"
    SUPERVISOR = "supervisor"
    # Decides name claims: a cell's secretary or deputy, or a committee admin.
    APPROVER = "approver"
    ADMIN = "admin"


def allowed(need: Need, actor: Actor | None, *, admin: bool = False) -> bool:
    """`admin`: the caller is a root admin (`[telegram] admin_ids`), who may have no person record
    (no `actor`). An admin of part of the tree passes here; which part is checked by the handler."""
    if need is Need.ANYONE or (need is Need.APPROVER and (admin or (actor is not None and actor.administers))):
        return True
    if actor is None:
        return False
    if need is Need.JOINED:
        return True
    if need is Need.MEMBER:
        return bool(actor.memberships)
    if need in (Need.SECRETARY, Need.APPROVER):
        return any(m.role.runs_meetings for m in actor.memberships)
    if need is Need.SUPERVISOR:
        return actor.supervises or actor.administers
    return actor.administers


@dataclass(frozen=True)
class Command:
    name: str
    vi: str
    need: Need
    help_key: str
    func: Handler
    in_groups: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.vi, self.name, *self.aliases)


@dataclass(frozen=True)
class ButtonRoute:
    """The handler of one kind of typed button data; data that do not unpack to a registered kind
    (an old or forged press) are refused before any handler sees them."""

    need: Need
    func: Handler
    shortcut: Shortcut | None = None


@dataclass
class Router:
    commands: list[Command] = field(default_factory=list)
    buttons: dict[type[CallbackData], ButtonRoute] = field(default_factory=dict)
    followups: dict[str, Handler] = field(default_factory=dict)
    # Plain text from someone not yet joined (e.g. an invite code typed on Zalo).
    stranger_text: Handler | None = None
    # A document sent in a private chat (a roster file), for those `need` allows.
    file: ButtonRoute | None = None
    # A document whose caption is one of these commands (by name), for those the command allows:
    # a material's file sent with `/tailieu …`. Any other document goes to `file`.
    file_commands: dict[str, Handler] = field(default_factory=dict)

    def command(
        self,
        name: str,
        vi: str,
        need: Need,
        *,
        in_groups: bool = False,
        aliases: tuple[str, ...] = (),
    ) -> Callable[[Handler], Handler]:
        def register(func: Handler) -> Handler:
            taken = {n for c in self.commands for n in c.names}
            new = Command(name, vi, need, f"help-{name}", func, in_groups, aliases)
            if taken & set(new.names):
                raise ValueError(f"command name clash: {taken & set(new.names)}")
            self.commands.append(new)
            return func

        return register

    def button(
        self, kind: type[CallbackData], need: Need = Need.MEMBER, *, shortcut: Shortcut | None = None
    ) -> Callable[[Handler], Handler]:
        def register(func: Handler) -> Handler:
            if kind in self.buttons:
                raise ValueError(f"button kind registered twice: {kind.__name__}")
            self.buttons[kind] = ButtonRoute(need, func, shortcut)
            return func

        return register

    def followup(self, name: str) -> Callable[[Handler], Handler]:
        def register(func: Handler) -> Handler:
            self.followups[name] = func
            return func

        return register

    def on_stranger_text(self, func: Handler) -> Handler:
        if self.stranger_text is not None:
            raise ValueError("only one handler may take strangers' plain text")
        self.stranger_text = func
        return func

    def on_file(self, need: Need) -> Callable[[Handler], Handler]:
        def register(func: Handler) -> Handler:
            if self.file is not None:
                raise ValueError("only one handler may take files")
            self.file = ButtonRoute(need, func)
            return func

        return register

    def on_file_command(self, name: str) -> Callable[[Handler], Handler]:
        def register(func: Handler) -> Handler:
            if name in self.file_commands:
                raise ValueError(f"files of /{name} registered twice")
            self.file_commands[name] = func
            return func

        return register

    def find(self, word: str) -> Command | None:
        key = fold(word).replace(" ", "").replace("_", "")
        for command in self.commands:
            if key in (n.replace("_", "") for n in command.names):
                return command
        return None

    def parse(self, text: str, *, bare: bool) -> tuple[Command, str] | None:
        """Find the command a message names. `bare` also accepts text typed without the slash and
        with spaces inside the name ("diem danh 4821", "điểm danh 4821"), as Zalo and the console do.
        """
        text = text.strip()
        match = _COMMAND_RE.match(text)
        if match:
            command = self.find(match.group(1))
            return (command, (match.group(2) or "").strip()) if command else None
        if not bare:
            return None
        words = text.lstrip("/").split()
        # Longest name first: "diem danh ho 6 co" is /diemdanhho, not /diemdanh with "ho 6 co", and
        # "ket thuc bieu quyet" is /ketthucbieuquyet, not /ketthuc with "bieu quyet".
        for size in (4, 3, 2, 1):
            if len(words) >= size:
                command = self.find("".join(words[:size]))
                if command:
                    return command, " ".join(words[size:])
        return None

    def route_name(self, incoming: Incoming, *, bare: bool) -> str:
        """A bounded name for metrics: the command, "button:<prefix>", or "text" for anything else
        (free text, answers, unknown commands and forged buttons never become label values)."""
        if incoming.button is not None:
            data = unpack(incoming.button)
            return f"button:{data.prefix if data is not None and type(data) in self.buttons else 'unknown'}"
        if incoming.file is not None:
            return "file"
        parsed = self.parse(incoming.text, bare=bare)
        return parsed[0].name if parsed else "text"


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
