"""Dialog tests in the zulip_bots style: a table of (what the user types, what the bot answers)."""

from __future__ import annotations

import io

from channels.console import ConsoleChannel
from handlers.context import AppContext
from handlers.registry import ROUTER
from handlers.router import Dispatcher


class ConsoleDialog:
    """Drives the console channel line by line and returns what it printed for each line."""

    def __init__(self, app: AppContext, person_id: int, name: str = "") -> None:
        self.out = io.StringIO()
        self.console = ConsoleChannel(app, Dispatcher(app, ROUTER), person_id, name, io.StringIO(), self.out)

    async def say(self, text: str) -> str:
        start = self.out.tell()
        await self.console.handle_line(text)
        return self.out.getvalue()[start:]
