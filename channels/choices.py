"""Buttons as numbered choices, for channels that have none (the console, Zalo).

Sending: the buttons a member may answer are recorded as a prompt (services/prompts.py) bound to
the message, numbered after the numbers still open for that chat, so a number always means one
button; a leader's decision is shown with the command to type instead (never a number).

Replying: a number ("2", or "2 bận công tác": the second choice, then "bận công tác" as the
answer to the question it asks), or a word: "có" for the choice that affirms, "vắng <lý do>" /
"không" for the choice that declines. A word applies only when exactly one open message offers
such a choice; with several, the bot asks which number is meant. A number that matches nothing
open (the message expired, its meeting started or was cancelled) is refused and does nothing; a
word that matches nothing is read as ordinary text ("vắng <lý do>" is then the /vang command).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from markupsafe import Markup

from core.i18n import Translator
from core.messages import Address, Button, Incoming, Keyboard, Response
from handlers.context import AppContext
from handlers.dispatcher import Dispatcher
from services import prompts
from services.prompts import Choice
from services.text import fold

_NUMBER = re.compile(r"^([0-9]{1,2})\s*[.):,-]?(?:\s+(.*))?$", re.DOTALL)
_PUNCTUATION = " .!,;:"
YES_WORDS = frozenset({"co", "dong y", "ok"})
# Words that pick the declining choice; only the first one may carry a reason after it.
NO_WORDS = frozenset({"vang", "khong"})
REASON_WORD = "vang"


@dataclass(frozen=True)
class Picked:
    choice: Choice
    rest: str


@dataclass(frozen=True)
class Unclear:
    """A word that fits several open messages, or a number that fits none."""

    candidates: tuple[Choice, ...]


def pick(choices: Sequence[Choice], text: str) -> Picked | Unclear | None:
    """What a typed reply means among the open choices; None when it is not a reply at all."""
    text = text.strip()
    match = _NUMBER.match(text)
    if match:
        number = int(match.group(1))
        found = next((c for c in choices if c.number == number), None)
        return Picked(found, (match.group(2) or "").strip()) if found else Unclear(())
    folded = fold(text).strip(_PUNCTUATION)
    first, _, rest = folded.partition(" ")
    first = first.strip(_PUNCTUATION)
    if folded in YES_WORDS:
        fitting = [c for c in choices if c.data.affirms]
        reason = ""
    elif first in NO_WORDS and (not rest or first == REASON_WORD):
        fitting = [c for c in choices if c.data.declines and (c.data.takes_reason or not rest)]
        # Keep the reason as typed (with its diacritics), only the leading word is dropped.
        reason = text.split(None, 1)[1].strip() if rest else ""
    else:
        return None
    if not fitting:
        return None
    return Picked(fitting[0], reason) if len(fitting) == 1 else Unclear(tuple(fitting))


def lines(tr: Translator, numbered: Sequence[tuple[int, Button]], keyboard: Keyboard) -> list[Markup]:
    """The choices as text under a message: numbers to reply with, commands for a leader's decision."""
    commands = [b for row in keyboard for b in row if b.data.leader and b.command]
    shown: list[Markup] = []
    if numbered:
        shown.append(tr.t("zalo-choices-title"))
        shown += [tr.t("zalo-choice-line", number=n, label=b.label) for n, b in numbered]
        reason = next((n for n, b in numbered if b.data.takes_reason), None)
        if reason is not None:
            shown.append(tr.t("zalo-choices-reason-hint", number=reason))
    shown += [tr.t("zalo-command-line", label=b.label, command=b.command) for b in commands]
    return shown


class PromptBook:
    """Opens and binds the prompts of the messages a channel without buttons sends."""

    def __init__(self, app: AppContext) -> None:
        self.app = app

    async def open(self, to: Address, keyboard: Keyboard) -> tuple[int | None, list[tuple[int, Button]]]:
        buttons = [b for row in keyboard for b in row]
        if not prompts.numbered(buttons):
            return None, []
        async with self.app.sessions() as session, session.begin():
            return await prompts.open_choices(session, to.platform, to.chat_id, buttons, self.app.clock.now())

    async def bind(self, prompt_id: int | None, message_id: str | None) -> None:
        if prompt_id is None:
            return
        async with self.app.sessions() as session, session.begin():
            await prompts.bind(session, prompt_id, message_id, self.app.clock.now())


async def typed_reply(app: AppContext, dispatcher: Dispatcher, incoming: Incoming) -> Response | None:
    """The answer when a private message picks one of the open choices; None to handle it as text."""
    if await dispatcher.awaiting(incoming.platform, incoming.user_id):
        return None  # the text answers the bot's question, even if it starts with a number
    async with app.sessions() as session:
        choices = await prompts.current_choices(session, incoming.platform, incoming.chat_id, app.clock.now())
    picked = pick(choices, incoming.text)
    if picked is None:
        return None
    if isinstance(picked, Unclear):
        if not picked.candidates:
            return Response().say(app.tr.t("choices-none"))
        options = Markup(", ").join(Markup("{} ({})").format(c.number, c.label) for c in picked.candidates)
        return Response().say(app.tr.t("choices-which", options=options))
    choice = picked.choice
    press = replace(
        incoming, text="", button=choice.data.pack(), message_id=choice.message_id, prompt_id=choice.prompt_id
    )
    pressed = await dispatcher.handle(press)
    if not picked.rest or not await dispatcher.awaiting(incoming.platform, incoming.user_id):
        return pressed
    # "2 bận công tác": the choice asked for a reason and the member already gave it.
    mark = None if incoming.update_id is None else f"{incoming.update_id}:reason"
    answered = await dispatcher.handle(replace(incoming, text=picked.rest, update_id=mark))
    answered.edits[:0] = pressed.edits
    return answered
