"""Tài liệu sinh hoạt: the month's material an organisation sends down to its cells, and who read it.

A material is a title, the month it is for, and a text, an http(s) link or a file
(services/material_files.py). It goes to every cell
below the node (or only the cells of one kind, see `KINDS`); each cell it went to is recorded, so
a read rate counts the current members of the cells that received it. A read is one row per
member and material, unique in the database: two presses, or two processes, count once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Cell, Committee, CommitteeKind, Material, MaterialCell, MaterialRead, Membership, Person
from models.db import insert_ignoring_duplicates
from services import tree
from services.errors import DomainError
from services.text import clean_name, clean_text, fold

TITLE_MAX = 200
BODY_MAX = 3000
# `/tailieu xa | …` sends only to cells right under a commune-level committee (residential cells,
# chi bộ trực thuộc đảng ủy xã/phường); `/tailieu coso | …` only to cells under a grassroots
# committee (chi bộ of an agency, school or company).
KINDS = {"xa": CommitteeKind.COMMUNE, "coso": CommitteeKind.GRASSROOTS}
_MONTH = re.compile(r"([0-9]{1,2})\s*/\s*([0-9]{4})")
# A single word with a scheme ("ftp://…", "javascript:…"): meant as a link, but not one we post.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S*")


@dataclass(frozen=True)
class Request:
    """What `/tailieu` was asked to send: `scope` is a kind word or a node's name, or empty."""

    scope: str
    month: str
    title: str
    body: str
    link: bool


def month_key(text: str) -> str:
    """ "12/2026" → "2026-12"; anything else is refused."""
    found = _MONTH.fullmatch(text.strip())
    if found is None or not 1 <= int(found[1]) <= 12 or not 2000 <= int(found[2]) <= 2100:
        raise DomainError("materials-bad-month", month=text.strip())
    return f"{int(found[2]):04d}-{int(found[1]):02d}"


def month_of(moment: datetime, zone: ZoneInfo) -> str:
    """The month key of an instant, in local time."""
    return f"{moment.astimezone(zone):%Y-%m}"


def month_text(key: str) -> str:
    year, month = key.split("-")
    return f"{month}/{year}"


def _body(text: str) -> tuple[str, bool]:
    """The text or link to send, and whether it is a link; a link must be http(s) with a host."""
    body = clean_text(text).strip()
    if not body:
        raise DomainError("materials-usage")
    if len(body) > BODY_MAX:
        raise DomainError("materials-too-long", limit=BODY_MAX)
    if _SCHEME.fullmatch(body):
        parts = urlsplit(body)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise DomainError("materials-bad-link")
        return body, True
    return body, False


def _parts(text: str, count: int) -> list[str]:
    """`count` parts separated by "|", the first (the scope) optional."""
    parts = [p.strip() for p in text.split("|", count - 1)]
    if len(parts) == count - 1:
        parts.insert(0, "")
    if len(parts) != count:
        raise DomainError("materials-usage" if count == 4 else "materials-file-usage")
    return parts


def _title(text: str) -> str:
    title = clean_name(text)
    if not title:
        raise DomainError("materials-no-title")
    if len(title) > TITLE_MAX:
        raise DomainError("materials-title-too-long", limit=TITLE_MAX)
    return title


def parse_request(text: str) -> Request:
    """`[loại hoặc tổ chức |] tháng | tiêu đề | nội dung hoặc liên kết`."""
    scope, month, title, body = _parts(text, 4)
    key, title = month_key(month), _title(title)
    content, link = _body(body)
    return Request(clean_name(scope), key, title, content, link)


def parse_file_request(caption: str) -> Request:
    """A file's caption: `[loại hoặc tổ chức |] tháng | tiêu đề` (the file is the content). A text
    after the title, as the text command takes, is refused with the caption's usage."""
    scope, month, title = _parts(caption, 3)
    if caption.count("|") > 2 or (not _MONTH.fullmatch(month) and _MONTH.fullmatch(scope)):
        raise DomainError("materials-file-usage")
    return Request(clean_name(scope), month_key(month), _title(title), "", link=False)


def kind_of_scope(scope: str) -> CommitteeKind | None:
    return KINDS.get(fold(scope).replace(" ", "").replace("_", ""))


def target_cells(node_id: int, kind: CommitteeKind | None) -> Select[int]:
    """The cells below the node (only those whose own committee is of `kind`, when given)."""
    query = select(Cell.id).where(Cell.id.in_(tree.cells_under([node_id])))
    if kind is not None:
        query = query.join(Committee, Committee.id == Cell.committee_id).where(Committee.kind == kind)
    return query.order_by(Cell.id)


async def receiving_cells(session: AsyncSession, node: Committee, kind: CommitteeKind | None) -> list[int]:
    """The cells a material sent from the node goes to; refused when no cell lies there."""
    cells = list((await session.scalars(target_cells(node.id, kind))).all())
    if not cells:
        raise DomainError("materials-no-cells", name=node.name)
    return cells


async def create(
    session: AsyncSession,
    node: Committee,
    request: Request,
    cells: list[int],
    sender_id: int | None,
    now: datetime,
) -> Material:
    """Store the material and the cells it goes to."""
    material = Material(
        committee_id=node.id,
        month=request.month,
        title=request.title,
        body=request.body,
        link=request.link,
        sent_by_id=sender_id,
        created_at=now,
    )
    session.add(material)
    await session.flush()
    # One executemany, not an ORM INSERT … RETURNING per cell (what SQLite gets for add_all).
    await session.execute(insert(MaterialCell), [{"material_id": material.id, "cell_id": cell} for cell in cells])
    return material


async def mark_read(session: AsyncSession, material_id: int, person_id: int, now: datetime) -> tuple[Material, bool]:
    """Record that the person read it; returns the material and whether this press was the first.

    Refused (as a stale button) when the material is gone or the person is no longer a member of a
    cell it was sent to: a forwarded or forged button counts nobody."""
    material = await session.get(Material, material_id)
    member = await session.scalar(
        select(Membership.id)
        .join(MaterialCell, MaterialCell.cell_id == Membership.cell_id)
        .where(MaterialCell.material_id == material_id, Membership.person_id == person_id, Membership.current())
        .limit(1)
    )
    if material is None or member is None:
        raise DomainError("err-stale-button")
    values = {"material_id": material_id, "person_id": person_id, "read_at": now}
    result = await session.execute(
        insert_ignoring_duplicates(session, MaterialRead, values, ["material_id", "person_id"])
    )
    return material, bool(getattr(result, "rowcount", 0))


def _pairs(month: str) -> Select[int, int, int | None]:
    """(cell, member, read id or NULL) for every current member of every cell that got a material of the month."""
    return (
        select(MaterialCell.cell_id, Membership.person_id, MaterialRead.id)
        .join(Material, Material.id == MaterialCell.material_id)
        .join(Membership, (Membership.cell_id == MaterialCell.cell_id) & Membership.current())
        .outerjoin(
            MaterialRead,
            (MaterialRead.material_id == MaterialCell.material_id) & (MaterialRead.person_id == Membership.person_id),
        )
        .where(Material.month == month)
    )


async def read_counts(session: AsyncSession, cells: Select[int], month: str) -> dict[int, tuple[int, int]]:
    """Per cell among `cells`: (reads, reads expected) of the month's materials, in one statement."""
    pairs = _pairs(month).where(MaterialCell.cell_id.in_(cells)).subquery()
    rows = await session.execute(
        select(pairs.c.cell_id, func.count(pairs.c.id), func.count()).group_by(pairs.c.cell_id)
    )
    return {cell: (read, expected) for cell, read, expected in rows.all()}


async def unread_names(session: AsyncSession, cell_id: int, month: str) -> list[str]:
    """Current members of the cell who have not read every material of the month it received."""
    pairs = _pairs(month).where(MaterialCell.cell_id == cell_id, MaterialRead.id.is_(None)).subquery()
    names = await session.scalars(select(Person.full_name).where(Person.id.in_(select(pairs.c.person_id))))
    # Sorted here, not by the database: collations differ and Đ belongs with D.
    return sorted(names.all(), key=fold)


async def titles(session: AsyncSession, cell_id: int, month: str) -> Sequence[str]:
    """The titles of the month's materials the cell received, oldest first (for its agenda)."""
    rows = await session.scalars(
        select(Material.title)
        .join(MaterialCell, MaterialCell.material_id == Material.id)
        .where(MaterialCell.cell_id == cell_id, Material.month == month)
        .order_by(Material.id)
    )
    return rows.all()


@dataclass(frozen=True)
class Listed:
    title: str
    cells: int
    read: int
    expected: int


async def listing(session: AsyncSession, cells: Select[int], month: str) -> list[Listed]:
    """The month's materials sent to any of `cells`, with how many of those cells' members read each."""
    scoped = MaterialCell.cell_id.in_(cells)
    rows = await session.execute(
        select(
            Material.id,
            Material.title,
            func.count(func.distinct(MaterialCell.cell_id)),
            func.count(MaterialRead.id),
            func.count(Membership.id),
        )
        .join(MaterialCell, MaterialCell.material_id == Material.id)
        .outerjoin(Membership, (Membership.cell_id == MaterialCell.cell_id) & Membership.current())
        .outerjoin(
            MaterialRead,
            (MaterialRead.material_id == Material.id) & (MaterialRead.person_id == Membership.person_id),
        )
        .where(Material.month == month, scoped)
        .group_by(Material.id, Material.title)
        .order_by(Material.id)
    )
    return [Listed(title, count, read, expected) for _, title, count, read, expected in rows.all()]
