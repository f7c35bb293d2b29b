"""What a handler gets: the application's shared parts and the one update being handled."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from markupsafe import Markup

from core.callback import CallbackData
from core.clock import Clock
from core.config import Config
from core.i18n import Translator
from core.messages import Incoming, Keyboard, Response
from handlers.checkin_batch import CheckinBatch
from handlers.platforms import UNKNOWN, PlatformTraits
from models import Platform
from models.db import Session, SessionFactory
from services.parsing import is_number
from services.people import Actor
from services.prompts import Question

if TYPE_CHECKING:
    from handlers.router import Command

PENDING_TTL = timedelta(minutes=15)
D = TypeVar("D", bound=CallbackData)


@dataclass(frozen=True)
class AppContext:
    """Built once by bot.py; shared by every channel, handler and job."""

    config: Config
    sessions: SessionFactory
    clock: Clock
    tr: Translator
    # Each running channel records its bot's username here at start, for deep links.
    bot_names: dict[Platform, str] = field(default_factory=dict)
    # What each platform can do, as its channel declares it (collected by bot.py).
    platforms: Mapping[Platform, PlatformTraits] = field(default_factory=dict)
    # Check-in presses being written together (unanswered until their transaction commits).
    checkins: CheckinBatch = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "checkins", CheckinBatch(self.sessions, self.clock))

    def traits(self, platform: Platform) -> PlatformTraits:
        return self.platforms.get(platform, UNKNOWN)


def is_admin(config: Config, incoming: Incoming) -> bool:
    """Committee administrators are Telegram user ids listed in `[telegram] admin_ids`."""
    return (
        incoming.platform is Platform.TELEGRAM
        and is_number(incoming.user_id)
        and int(incoming.user_id) in config.telegram.admin_ids
    )


@dataclass
class Ctx:
    """One update: its session is opened on first use and committed by the dispatcher when the
    handler returns (an update that needs none, a check-in press its batch wrote, costs none)."""

    app: AppContext
    incoming: Incoming
    actor: Actor | None
    args: str = ""
    # A pressed button's typed data (the router checked its kind).
    pressed: CallbackData | None = None
    # The open question of this private chat, loaded for a plain message (the router decides
    # whether the message answers it; either way it is closed after this message).
    question: Question | None = None
    # The bot's earlier question that this plain message answers, if any.
    answering: Question | None = None
    # A question this handler asks; the user's next plain message goes to its follow-up.
    expect: Question | None = None
    # Every registered command, for /help.
    commands: Sequence[Command] = ()
    _session: Session | None = field(default=None, repr=False)

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = self.app.sessions()
        return self._session

    async def commit(self) -> None:
        if self._session is not None:
            await self._session.commit()

    async def rollback(self) -> None:
        if self._session is not None:
            await self._session.rollback()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    @property
    def now(self) -> datetime:
        return self.app.clock.now()

    def t(self, key: str, **args: Any) -> Markup:
        return self.app.tr.t(key, **args)

    def reply(self, key: str, buttons: Keyboard = (), **args: Any) -> Response:
        return Response().say(self.t(key, **args), buttons)

    @property
    def is_admin(self) -> bool:
        return is_admin(self.app.config, self.incoming)

    def ask(self, name: str, **data: Any) -> None:
        self.expect = Question(name, data, self.now + PENDING_TTL)

    def data(self, kind: type[D]) -> D:
        """The pressed button's data, of the kind its route was registered for."""
        if not isinstance(self.pressed, kind):
            raise RuntimeError(f"handler for {kind.__name__} got {self.pressed!r}")
        return self.pressed

    def me(self) -> Actor:
        """The actor, for handlers whose command requires a joined user (checked by the router)."""
        if self.actor is None:
            raise RuntimeError("handler needs a joined user but the router let a stranger through")
        return self.actor
