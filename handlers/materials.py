"""Tài liệu sinh hoạt (`/tailieu`): an admin of a node sends the month's material to every cell
below it (a text, a link, or a file sent privately with the command as its caption); each cell's
groups and each current member get it through the outbox with a "Đã đọc" button (a number on Zalo
and the console). `/tailieu` alone lists the month's materials with how
many read them, for what the caller administers or follows (services/materials.py).
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from core.buttons import MaterialReadData
from core.i18n import Translator
from core.messages import Button, Keyboard, Response
from handlers.common import fetch_upload
from handlers.context import Ctx
from handlers.router import Need, Router
from models import Committee, Material, MaterialFile
from services import authority, chats, material_files, materials, outbox, reminders, tree
from services.errors import DomainError
from services.people import Actor
from services.summary import percent_text

router = Router()


def _button(ctx: Ctx, material: Material) -> Keyboard:
    return ((Button(str(ctx.t("materials-read-button")), MaterialReadData(material.id)),),)


def _post(ctx: Ctx, material: Material, node: Committee, file_name: str | None) -> str:
    month = materials.month_text(material.month)
    if file_name is not None:
        return str(ctx.t("materials-post-file", node=node.name, month=month, title=material.title, file=file_name))
    body = Markup('<a href="{0}">{0}</a>').format(material.body) if material.link else material.body
    return str(ctx.t("materials-post", node=node.name, month=month, title=material.title, body=body))


async def _node(ctx: Ctx, actor: Actor, named: str, *, follows: bool) -> Committee:
    """The node named, or the caller's only top node."""
    if named:
        return await authority.find_node(ctx.session, actor, named, missing="materials-unknown-node", follows=follows)
    tops = await authority.top_nodes(ctx.session, actor, follows=follows)
    if len(tops) != 1:
        raise DomainError("materials-which", known=", ".join(n.name for n in tops) or "—")
    return tops[0]


def read_share(tr: Translator, read: int, expected: int) -> str:
    """A read rate as a percentage without its sign ("—" when nobody was expected to read)."""
    return percent_text(tr, read * 100 / expected) if expected else "—"


def read_note(tr: Translator, read: int, expected: int) -> Markup:
    """ " · tài liệu đã đọc 80%" after a cell's (or a branch's) line; nothing when it received none."""
    if not expected:
        return Markup("")
    return Markup(" · ") + tr.t("rollup-materials", share=f"{read_share(tr, read, expected)}%")


def _month_now(ctx: Ctx) -> str:
    return materials.month_of(ctx.now, ctx.app.config.schedule.zone)


@router.command("materials", "tailieu", Need.SUPERVISOR)
async def materials_command(ctx: Ctx) -> Response:
    """`/tailieu [xa|coso|tổ chức |] tháng | tiêu đề | nội dung hoặc liên kết` sends; `/tailieu [tháng]` lists."""
    actor = ctx.me()
    if "|" not in ctx.args:
        return await _list(ctx, actor, materials.month_key(ctx.args) if ctx.args.strip() else _month_now(ctx))
    if not actor.administers:
        raise DomainError("materials-not-admin")
    request = materials.parse_request(ctx.args)
    node, cells = await _receivers(ctx, actor, request)
    material = await materials.create(ctx.session, node, request, cells, actor.person.id, ctx.now)
    return await _send_down(ctx, material, node, cells, None)


@router.on_file_command("materials")
async def material_file(ctx: Ctx) -> Response:
    """A file sent privately with the caption `/tailieu [xa|coso|tổ chức |] tháng | tiêu đề`: kept once
    in the database and sent down like a text. Downloaded only after the sender, the caption, the
    file's name and stated size and the receiving cells have passed."""
    actor = ctx.me()
    if not actor.administers:
        raise DomainError("materials-not-admin")
    file = ctx.incoming.file
    assert file is not None  # the router sends only documents here
    request = materials.parse_file_request(ctx.args)
    name = material_files.checked_name(file.name)
    node, cells = await _receivers(ctx, actor, request)
    data = await fetch_upload(ctx, name, material_files.MAX_BYTES)
    material = await materials.create(ctx.session, node, request, cells, actor.person.id, ctx.now)
    stored = await material_files.keep(ctx.session, material, name, data)
    return await _send_down(ctx, material, node, cells, stored)


async def _receivers(ctx: Ctx, actor: Actor, request: materials.Request) -> tuple[Committee, list[int]]:
    """The node it is sent from (named, or the caller's only one) and the cells it goes to."""
    kind = materials.kind_of_scope(request.scope)
    node = await _node(ctx, actor, "" if kind is not None else request.scope, follows=False)
    return node, await materials.receiving_cells(ctx.session, node, kind)


def _key(material: Material, to: dict[str, outbox.Recipient], recipient: outbox.Recipient) -> str:
    """The recipient's idempotency key, added to `to` unless an earlier cell's recipient had it."""
    key = f"material:{material.id}:{recipient.platform}:{recipient.chat_id}"
    to.setdefault(key, recipient)
    return key


async def _send_down(
    ctx: Ctx, material: Material, node: Committee, cells: list[int], stored: MaterialFile | None
) -> Response:
    """Each cell's groups and each current member with a connected account get it through the
    outbox, the file (if any) by reference to the one stored copy."""
    text = _post(ctx, material, node, stored.name if stored is not None else None)
    content = outbox.Content(
        text,
        "material",
        ctx.now,
        _button(ctx, material),
        material_file_id=stored.id if stored is not None else None,
    )
    # Two queries and one insert (a statement per thousand rows or so) for all the cells, not two
    # queries per cell and an insert per recipient: a ward's within the request, holding the write
    # lock briefly. A key is written once, as before (a member of two cells gets it once).
    cell_groups = await chats.groups_of_cells(ctx.session, cells)
    cell_members = await reminders.current_members(ctx.session, cells)
    to: dict[str, outbox.Recipient] = {}
    in_groups: set[str] = set()
    for cell_id in cells:
        for group in cell_groups.get(cell_id, []):
            in_groups.add(_key(material, to, outbox.Recipient(group.platform, group.chat_id)))
        for member in cell_members.get(cell_id, []):
            if member.to is not None:
                _key(material, to, member.to)
    added = await outbox.enqueue_many(ctx.session, content, to)
    groups = len(added & in_groups)
    members = len(added - in_groups)
    args: dict[str, Any] = {
        "title": material.title,
        "month": materials.month_text(material.month),
        "cells": len(cells),
        "groups": groups,
        "members": members,
    }
    if stored is not None:
        return ctx.reply("materials-sent-file", file=stored.name, **args)
    return ctx.reply("materials-sent", **args)


async def _list(ctx: Ctx, actor: Actor, month: str) -> Response:
    if actor.is_admin:
        tops = await authority.top_nodes(ctx.session, actor)
        scope = tree.cells_under([n.id for n in tops])
    else:
        scope = tree.cells_under(actor.admin_of + actor.follows)
    listed = await materials.listing(ctx.session, scope, month)
    lines = [ctx.t("materials-list-title", month=materials.month_text(month))]
    for item in listed:
        share = read_share(ctx.app.tr, item.read, item.expected)
        lines.append(
            ctx.t(
                "materials-list-line",
                title=item.title,
                cells=item.cells,
                read=item.read,
                expected=item.expected,
                share=share,
            )
        )
    if not listed:
        lines.append(ctx.t("materials-list-empty"))
    return Response().say(Markup("\n").join(lines))


@router.button(MaterialReadData)
async def read_button(ctx: Ctx) -> Response:
    pressed = ctx.data(MaterialReadData)
    material, first = await materials.mark_read(ctx.session, pressed.material, ctx.me().person.id, ctx.now)
    text = ctx.t("materials-read" if first else "materials-read-again", title=material.title)
    response = Response(toast=str(text.striptags()))
    if ctx.incoming.prompt_id is not None:
        response.say(text)
    return response
