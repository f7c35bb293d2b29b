"""The file of a material (PDF, Word, …): checked, kept once in the database, sent by reference.

The bytes live in `material_files`, never on a process's disk, so a worker that sends and a serve
process that answers a download link see the same file after any restart. Outbox rows refer to the
file by id; Telegram's id for it, once the first copy is uploaded, is kept on the row so the other
recipients get it by reference. Zalo cannot send files: its members get a private link
(`token`, 256 random bits) served by our HTTP server.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Material, MaterialFile
from services.errors import DomainError

# Telegram serves bots files of at most 20 MB (getFile); nothing bigger can reach us.
MAX_BYTES = 20 * 1024 * 1024
NAME_MAX = 200
# What an organisation sends down as a month's material; the type is ours, not the sender's claim.
TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".rtf": "application/rtf",
    ".txt": "text/plain",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".zip": "application/zip",
}
TOKEN_BYTES = 32
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")
DOWNLOAD_PREFIX = "/tailieu/"


def checked_name(name: str) -> str:
    """The file's name as sent (NFC), refused when it could mislead or escape a folder: control or
    invisible characters, a path separator, a hidden name (".x") or none before the suffix, too
    long, a type we do not send."""
    name = unicodedata.normalize("NFC", name).strip()
    hostile = any(unicodedata.category(c) in ("Cc", "Cf") for c in name)
    stem = PurePosixPath(name).stem.strip(". ")
    if hostile or "/" in name or "\\" in name or name.startswith(".") or not stem:
        raise DomainError("materials-file-bad-name")
    if len(name) > NAME_MAX:
        raise DomainError("materials-file-name-too-long", limit=NAME_MAX)
    if suffix(name) not in TYPES:
        raise DomainError("materials-file-bad-type", types=", ".join(sorted({s.lstrip(".") for s in TYPES})))
    return name


def download_path(token: str) -> str:
    """The path of a file's private download link on `[server] public_url`."""
    return DOWNLOAD_PREFIX + token


def suffix(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


async def keep(session: AsyncSession, material: Material, name: str, data: bytes) -> MaterialFile:
    """Store the file of a material (name already checked)."""
    if not data:
        raise DomainError("materials-file-empty", file=name)
    if len(data) > MAX_BYTES:
        raise DomainError("upload-too-big", max_mb=MAX_BYTES // 2**20)
    stored = MaterialFile(
        material_id=material.id,
        name=name,
        mime_type=TYPES[suffix(name)],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        token=secrets.token_urlsafe(TOKEN_BYTES),
    )
    session.add(stored)
    await session.flush()
    return stored


@dataclass(frozen=True)
class FileInfo:
    """What a channel needs to send a stored file, without its bytes."""

    id: int
    name: str
    mime_type: str
    size: int
    token: str
    telegram_file_id: str | None


_INFO = (
    MaterialFile.id,
    MaterialFile.name,
    MaterialFile.mime_type,
    MaterialFile.size,
    MaterialFile.token,
    MaterialFile.telegram_file_id,
)


async def info(session: AsyncSession, file_id: int) -> FileInfo | None:
    row = (await session.execute(select(*_INFO).where(MaterialFile.id == file_id))).one_or_none()
    return FileInfo(*row) if row is not None else None


async def content(session: AsyncSession, file_id: int) -> bytes | None:
    data: bytes | None = await session.scalar(select(MaterialFile.content).where(MaterialFile.id == file_id))
    return data


async def remember_telegram_id(session: AsyncSession, file_id: int, telegram_file_id: str | None) -> None:
    """Keep (or, with None, forget) Telegram's id for the uploaded file."""
    await session.execute(
        update(MaterialFile).where(MaterialFile.id == file_id).values(telegram_file_id=telegram_file_id)
    )


async def by_token(session: AsyncSession, token: str) -> tuple[FileInfo, bytes] | None:
    """The file a download link opens, or None for a malformed or unknown token (alike)."""
    if not TOKEN_RE.fullmatch(token):
        return None
    row = (await session.execute(select(*_INFO).where(MaterialFile.token == token))).one_or_none()
    data = await content(session, row.id) if row is not None else None
    return (FileInfo(*row), data) if row is not None and data is not None else None
