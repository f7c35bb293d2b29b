"""Files kept in the database (a material's), as channels send them: a description first, the bytes
only when a copy must be uploaded, and the platform's id for the uploaded copy kept for the next
recipient. Each call is its own short transaction, so the outbox can fan out to thousands while the
file is uploaded once (services/material_files.py).
"""

from __future__ import annotations

from markupsafe import Markup

from handlers.context import AppContext
from services import material_files
from services.material_files import FileInfo


class StoredFiles:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    async def info(self, file_id: int) -> FileInfo | None:
        async with self.app.sessions() as session:
            return await material_files.info(session, file_id)

    async def content(self, file_id: int) -> bytes | None:
        async with self.app.sessions() as session:
            return await material_files.content(session, file_id)

    async def remember_telegram_id(self, file_id: int, telegram_file_id: str | None) -> None:
        async with self.app.sessions() as session, session.begin():
            await material_files.remember_telegram_id(session, file_id, telegram_file_id)

    def link(self, info: FileInfo) -> str | None:
        """The private download address, when this bot has a public one."""
        public_url = self.app.config.server.public_url
        return public_url + material_files.download_path(info.token) if public_url else None

    async def without_file(self, file_id: int, caption: Markup) -> Markup:
        """The caption for a platform that cannot send the file: with its link, or its name and where to find it."""
        info = await self.info(file_id)
        if info is None:
            return caption
        link = self.link(info)
        if link is None:
            return caption + Markup("\n") + self.app.tr.t("materials-file-elsewhere", file=info.name)
        return caption + Markup("\n") + self.app.tr.t("materials-file-link", file=info.name, link=link)
