"""Chat with the bot in a terminal as a chosen member, through the very handlers the chat apps use.

Reads standard input line by line, so a script can drive it too. Buttons are shown numbered and
a reply by number or word presses the open choice it names, the same rules as Zalo
(channels/choices.py); a leader's decision is shown with its command. `/tep <đường dẫn>` sends a
local file, as a document sent in a chat app (a roster file).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TextIO

from markupsafe import Markup

from channels import choices
from channels.choices import PromptBook, typed_reply
from channels.plain import to_plain
from core.messages import Address, Attachment, ChatKind, Edit, Incoming, Keyboard
from handlers.context import AppContext
from handlers.delivery import deliver
from handlers.dispatcher import Dispatcher
from handlers.platforms import PlatformTraits
from handlers.stored_files import StoredFiles
from models import Platform

# The console reprints an edited message; a terminal takes any length, but long text reads better in parts.
TRAITS = PlatformTraits(can_edit=True, text_limit=4096)
QUIT_WORDS = {"/quit", "/thoat", "quit", "thoat", "thoát"}
FILE_WORDS = {"/tep", "/file"}
# The largest file sent from the console, as a chat app's download limit.
FILE_LIMIT = 20 * 1024 * 1024


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
        self.prompts = PromptBook(app)
        self.files = StoredFiles(app)
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
        word, _, rest = text.partition(" ")
        incoming = Incoming(
            platform=Platform.CONSOLE,
            user_id=str(self.person_id),
            user_name=self.name,
            chat_id=self.origin.chat_id,
            chat_kind=ChatKind.PRIVATE,
            text="" if word.lower() in FILE_WORDS else text,
            file=_local_file(Path(rest.strip())) if word.lower() in FILE_WORDS and rest.strip() else None,
        )
        response = await typed_reply(self.app, self.dispatcher, incoming)
        if response is None:
            response = await self.dispatcher.handle(incoming)
        if response.toast:
            self._print(f"» {response.toast}")
        await deliver(self.app, response, self.origin, {platform: self for platform in Platform})

    async def send(self, to: Address, text: Markup, buttons: Keyboard = ()) -> str:
        if to != self.origin:
            self._print(f"[→ {to.platform.value} {to.chat_id}]")
        self._print(to_plain(text))
        # Only the operator answers here; a message shown for someone else opens no prompt of theirs.
        prompt_id, numbered = await self.prompts.open(to, buttons) if to == self.origin else (None, [])
        for line in choices.lines(self.app.tr, numbered, buttons):
            self._print(to_plain(line))
        self._sent += 1
        await self.prompts.bind(prompt_id, str(self._sent))
        return str(self._sent)

    async def send_stored(self, to: Address, file_id: int, caption: Markup, buttons: Keyboard = ()) -> str:
        """A terminal shows no file: the caption with the file's name (or its link)."""
        return await self.send(to, await self.files.without_file(file_id, caption), buttons)

    async def edit(self, edit: Edit) -> None:
        text = await edit.current_text()
        if text is not None:
            self._print(f"[✎ {edit.to.platform.value} {edit.to.chat_id}] {to_plain(text)}")


def _local_file(path: Path) -> Attachment:
    """A file on this machine, read only when a handler asks (None when missing or too big)."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0

    def read() -> bytes | None:
        try:
            return path.read_bytes() if path.stat().st_size <= FILE_LIMIT else None
        except OSError:
            return None

    async def fetch() -> bytes | None:
        return await asyncio.to_thread(read)

    return Attachment(path.name, size, fetch)
