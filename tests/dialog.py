"""Dialog tests in the zulip_bots style: a table of (who, what they type, what the bot answers).

`verify_dialog` plays the steps in order and compares each whole reply, so a test reads like the
conversation and a change of wording anywhere in a reply shows up; the first step that differs
fails with a diff of the two texts. `Consoles` gives each named person a console of their own.
"""

from __future__ import annotations

import difflib
import io
import textwrap
from collections.abc import Awaitable, Callable, Mapping, Sequence

from channels.console import ConsoleChannel
from handlers.context import AppContext
from handlers.dispatcher import Dispatcher
from handlers.registry import ROUTER

# (who, what they type, the bot's whole reply as the console prints it)
Step = tuple[str, str, str]
Speak = Callable[[str, str], Awaitable[str]]


class ConsoleDialog:
    """Drives the console channel line by line and returns what it printed for each line."""

    def __init__(self, app: AppContext, person_id: int, name: str = "") -> None:
        self.out = io.StringIO()
        self.console = ConsoleChannel(app, Dispatcher(app, ROUTER), person_id, name, io.StringIO(), self.out)

    async def say(self, text: str) -> str:
        start = self.out.tell()
        await self.console.handle_line(text)
        return self.out.getvalue()[start:]


class Consoles:
    """One console per person, opened at their first step and kept for the next ones."""

    def __init__(self, app: AppContext, people: Mapping[str, int]) -> None:
        self.app = app
        self.people = people
        self.dialogs: dict[str, ConsoleDialog] = {}

    def of(self, who: str) -> ConsoleDialog:
        if who not in self.dialogs:
            self.dialogs[who] = ConsoleDialog(self.app, self.people[who], who)
        return self.dialogs[who]

    async def say(self, who: str, text: str) -> str:
        return await self.of(who).say(text)

    async def verify(self, steps: Sequence[Step]) -> None:
        __tracebackhide__ = True
        await verify_dialog(self.say, steps)


def expected_text(reply: str) -> str:
    """A reply as a table writes it: indented like the code around it, without its first and last
    line breaks."""
    return textwrap.dedent(reply).strip("\n")


async def verify_dialog(speak: Speak, steps: Sequence[Step]) -> None:
    """Play `steps` in order; fail at the first reply that is not exactly the expected one."""
    __tracebackhide__ = True
    for number, (who, says, reply) in enumerate(steps, start=1):
        expected = expected_text(reply)
        actual = (await speak(who, says)).rstrip("\n")
        if actual != expected:
            diff = difflib.unified_diff(
                expected.splitlines(), actual.splitlines(), "expected", "replied", lineterm="", n=2
            )
            raise AssertionError(f"step {number}: {who} says {says!r}\n" + "\n".join(diff))
