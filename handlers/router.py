"""Commands, buttons and follow-up answers, registered in one place with the role each needs, and
how a message names them (handlers/dispatcher.py runs them).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

from core.callback import CallbackData, unpack
from core.messages import Incoming, Response
from handlers.context import Ctx
from services.people import Actor
from services.text import fold

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
