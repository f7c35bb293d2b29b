"""Chat with the bot in a terminal as a chosen member, through the very handlers the chat apps use.

Reads standard input line by line, so a script can drive it too. Buttons are shown numbered;
typing the number presses the button (the same idea Zalo uses, which has no buttons).
"""

from __future__ import annotations

import asyncio
from typing import TextIO

from markupsafe import Markup

from channels.choices import Choices
from channels.plain import to_plain
from handlers.context import AppContext
from handlers.delivery import deliver
from handlers.messages import Address, ChatKind, Edit, Incoming, Keyboard
from handlers.platforms import PlatformTraits
from handlers.router import Dispatcher
from models import Platform

# The console reprints an edited message; a terminal takes any length, but long text reads better in parts.
TRAITS = PlatformTraits(can_edit=True, text_limit=4096)
QUIT_WORDS = {"/quit", "/thoat", "quit", "thoat", "thoát"}


class ConsoleChannel:
    def __init__(
        self, app: AppContext, dispatcher: Dispatcher, person_id: int, name: str, stdin: TextIO, stdout: TextIO
    ) -> None:
        self.app = app
        self.dispatcher = dispatcher
        self.person_id = person_id
        self.name = name
        self.stdin = stdin
        self.stdout = stdout
        self.origin = Address(Platform.CONSOLE, str(person_id))
        self.choices = Choices()
        self._sent = 0

    def _print(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    async def run(self) -> None:
        self._print(to_plain(self.app.tr.t("console-welcome", name=self.name)))
        while True:
            self.stdout.write("> ")
            self.stdout.flush()
            line = await asyncio.to_thread(self.stdin.readline)
            if not line:
                self._print("")
                return
            text = line.strip()
            if not text:
                continue
            if text.lower() in QUIT_WORDS:
                return
            await self.handle_line(text)

    async def handle_line(self, text: str) -> None:
        # Only a bare number presses here; Zalo also takes words and "2 <lý do>" (channels/choices.py).
        picked = self.choices.pick(text) if text.isdigit() else None
        button = picked[0].data if picked else None
        incoming = Incoming(
            platform=Platform.CONSOLE,
            user_id=str(self.person_id),
            user_name=self.name,
            chat_id=self.origin.chat_id,
            chat_kind=ChatKind.PRIVATE,
            text="" if button else text,
            button=button,
            message_id=str(self._sent) if button else None,
        )
        response = await self.dispatcher.handle(incoming)
        if response.toast:
            self._print(f"» {response.toast}")
        await deliver(self.app, response, self.origin, {platform: self for platform in Platform})

    async def send(self, to: Address, text: Markup, buttons: Keyboard = ()) -> str:
        if to != self.origin:
            self._print(f"[→ {to.platform.value} {to.chat_id}]")
        self._print(to_plain(text))
        choices = Choices.of(buttons)
        if choices.buttons:
            self.choices = choices
            self._print("   ".join(f"[{n}] {b.label}" for n, b in choices.numbered()))
        self._sent += 1
        return str(self._sent)

    async def edit(self, edit: Edit) -> None:
        text = await edit.current_text()
        if text is not None:
            self._print(f"[✎ {edit.to.platform.value} {edit.to.chat_id}] {to_plain(text)}")
