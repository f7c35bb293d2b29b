"""Acting as Telegram users against the real dispatcher (no network): for handler-level tests."""

from __future__ import annotations

from dataclasses import dataclass

from channels.plain import to_plain
from core.messages import Attachment, ChatKind, Incoming, Response
from handlers.dispatcher import Dispatcher
from models import Platform

GROUP = "-100500"


@dataclass
class Said:
    response: Response

    @property
    def text(self) -> str:
        return "\n".join(to_plain(m.text) for m in self.response.messages if m.to is None)

    @property
    def toast(self) -> str:
        return self.response.toast or ""

    def to(self, chat_id: str) -> list[str]:
        return [to_plain(m.text) for m in self.response.messages if m.to is not None and m.to.chat_id == chat_id]


class Chat:
    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self.fetches = 0

    async def say(self, user: str, text: str, *, group: str | None = None, name: str = "Người dùng") -> Said:
        incoming = Incoming(
            platform=Platform.TELEGRAM,
            user_id=user,
            user_name=name,
            chat_id=group or user,
            chat_kind=ChatKind.GROUP if group else ChatKind.PRIVATE,
            text=text,
        )
        return Said(await self.dispatcher.handle(incoming))

    async def send_file(
        self, user: str, name: str, data: bytes | None, *, caption: str = "", size: int | None = None
    ) -> Said:
        """The user sends a document privately (`data` None: the platform cannot serve it), with a
        caption and the size the platform states (default: the data's); `fetches` counts downloads."""

        async def fetch() -> bytes | None:
            self.fetches += 1
            return data

        incoming = Incoming(
            platform=Platform.TELEGRAM,
            user_id=user,
            user_name="Người dùng",
            chat_id=user,
            text=caption,
            file=Attachment(name, len(data or b"") if size is None else size, fetch),
        )
        return Said(await self.dispatcher.handle(incoming))

    async def press(self, user: str, data: str, *, group: str | None = None, message_id: str = "1") -> Said:
        incoming = Incoming(
            platform=Platform.TELEGRAM,
            user_id=user,
            user_name="Người dùng",
            chat_id=group or user,
            chat_kind=ChatKind.GROUP if group else ChatKind.PRIVATE,
            button=data,
            message_id=message_id,
        )
        return Said(await self.dispatcher.handle(incoming))
