"""Rosters kept from chat: a roster file previewed and confirmed (the importer's own plan, all or
nothing), and one member added, ended, moved or given another status by command."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Sequence
from pathlib import Path

from markupsafe import Markup

from core.buttons import Decision, RosterUploadData
from core.messages import Button, Edit, Response
from handlers.common import CELLS_SHOWN, acting_cell, actor_id, actor_name, changed, fetch_upload, tell_leaders
from handlers.context import Ctx
from handlers.router import Need, Router
from models import MemberStatus
from services import authority, membership, roster_upload
from services.errors import DomainError
from services.people import cell_members
from services.roster_file import MAX_FILE_BYTES, Problem, RosterError, RosterRow, parse_rows, read_table
from services.text import clean_name

router = Router()
MAX_PROBLEMS_SHOWN = 10
FILE_NAME_CHARS = 100


def _read(name: str, data: bytes) -> list[RosterRow]:
    """The importer's reader, on a temporary copy named only by the file's suffix."""
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise RosterError([Problem("roster-bad-suffix", {"name": name})])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"roster{suffix}"
        path.write_bytes(data)
        return parse_rows(read_table(path))


def refused(ctx: Ctx, error: RosterError) -> Response:
    """Every reason, by line, as the command line import gives them (the first few)."""
    lines = [ctx.t("roster-refused")]
    lines += [ctx.t(p.key, **p.args) for p in error.problems[:MAX_PROBLEMS_SHOWN]]
    if len(error.problems) > MAX_PROBLEMS_SHOWN:
        lines.append(ctx.t("roster-more-problems", count=len(error.problems) - MAX_PROBLEMS_SHOWN))
    return Response().say(Markup("\n").join(lines))


def _names(names: Sequence[str]) -> str:
    """The first few names after a count: " (A, B, …)", or nothing."""
    if not names:
        return ""
    more = ", …" if len(names) > roster_upload.SHOWN_NAMES else ""
    return f" ({', '.join(names[: roster_upload.SHOWN_NAMES])}{more})"


@router.on_file(Need.APPROVER)
async def roster_file(ctx: Ctx) -> Response:
    """A .csv/.xlsx sent privately: a dry run of the import and a confirm button; nothing written."""
    file = ctx.incoming.file
    assert file is not None  # the router sends only messages with a file here
    name = clean_name(file.name)[:FILE_NAME_CHARS] or "?"
    data = await fetch_upload(ctx, name, MAX_FILE_BYTES)
    scope = await roster_upload.scope_of(ctx.session, ctx.actor, root=ctx.is_admin)
    try:
        rows = await asyncio.to_thread(_read, name, data)
        plan, snap = await roster_upload.preview(ctx.session, rows, scope)
    except RosterError as error:
        return refused(ctx, error)
    report = plan.report
    added, changed = roster_upload.added_names(plan, snap), roster_upload.changed_names(plan, snap)
    missing = roster_upload.missing_names(rows, snap)
    shown: dict[str, str | int] = {
        "file": name,
        "added": report.members.added,
        "added_names": _names(added),
        "changed": len(changed),
        "changed_names": _names(changed),
        "unchanged": report.members.unchanged,
        "cells": report.cells.added,
        "committees": report.committees.added,
        "roles": report.admins.added + report.supervisors.added,
        "missing": len(missing),
        "missing_names": _names(missing),
        "minutes": int(roster_upload.UPLOAD_TTL.total_seconds() // 60),
    }
    platform, account = ctx.incoming.platform, ctx.incoming.user_id
    upload = await roster_upload.keep(ctx.session, platform, account, name, rows, ctx.now, shown=shown)
    buttons = (
        (
            Button(str(ctx.t("upload-confirm-button")), RosterUploadData(upload, Decision.OK)),
            Button(str(ctx.t("upload-cancel-button")), RosterUploadData(upload, Decision.NO)),
        ),
    )
    return Response().say(ctx.t("upload-preview", **shown), buttons)


@router.button(RosterUploadData, Need.APPROVER)
async def roster_decided(ctx: Ctx) -> Response:
    """Apply the kept file (planned again against what is stored now) or drop it."""
    data = ctx.data(RosterUploadData)
    platform, account = ctx.incoming.platform, ctx.incoming.user_id
    upload = await roster_upload.claim(ctx.session, data.upload, platform, account, ctx.now)
    answered = _without_buttons(ctx, upload.shown)
    if data.decision is Decision.NO:
        response = Response(toast=str(ctx.t("upload-dropped-toast").striptags()), edits=answered)
        return response.say(ctx.t("upload-dropped", file=upload.file))
    scope = await roster_upload.scope_of(ctx.session, ctx.actor, root=ctx.is_admin)
    try:
        plan, snap = await roster_upload.apply(ctx.session, upload, scope, actor_id=actor_id(ctx), now=ctx.now)
    except RosterError as error:
        # Nothing of the import stays; the file is spent (it would be refused the same way again).
        await ctx.session.rollback()
        await roster_upload.claim(ctx.session, data.upload, platform, account, ctx.now)
        response = refused(ctx, error)
        response.toast = str(ctx.t("upload-refused-toast").striptags())
        response.edits = answered
        return response
    report = plan.report
    args = {
        "file": upload.file,
        "added": report.members.added,
        "changed": report.members.updated,
        "cells": report.cells.added,
        "committees": report.committees.added,
        "roles": report.admins.added + report.supervisors.added,
    }
    response = Response(toast=str(ctx.t("upload-applied-toast").striptags()), edits=answered)
    response.say(ctx.t("upload-applied", **args))
    cells = roster_upload.named_cells(upload.rows, snap)
    response.messages += await tell_leaders(ctx, cells, "upload-told", who=actor_name(ctx), **args)
    return response


def _without_buttons(ctx: Ctx, shown: dict[str, str | int]) -> list[Edit]:
    """The answered preview again, its buttons taken off where messages can be edited."""
    message_id = ctx.incoming.message_id
    if not shown or message_id is None or not ctx.app.traits(ctx.incoming.platform).can_edit:
        return []
    return [Edit(ctx.incoming.chat, message_id, ctx.t("upload-preview", **shown))]


@router.command("addmember", "themdangvien", Need.APPROVER)
async def add_member(ctx: Ctx) -> Response:
    """`/themdangvien <họ tên> [du_bi|chinh_thuc][, <chi bộ>]`: one member added to the cell."""
    if not ctx.args.strip():
        return ctx.reply("add-usage")
    cell, rest = await acting_cell(ctx, ctx.args)
    name, status = membership.split_status(rest)
    added = await membership.add_member(
        ctx.session, cell, name, status or MemberStatus.FULL, actor_id=actor_id(ctx), now=ctx.now
    )
    status_name = ctx.t(f"status-{added.status.value}")
    return await changed(ctx, "add", [cell.id], name=added.person.full_name, cell=cell.name, status=status_name)


@router.command("transfer", "chuyen", Need.APPROVER)
async def transfer(ctx: Ctx) -> Response:
    """`/chuyen <tên|số> [sang] <chi bộ>[, <chi bộ hiện tại>]`: ends here today, starts there."""
    if not ctx.args.strip():
        return ctx.reply("transfer-usage")
    source, rest = await acting_cell(ctx, ctx.args)
    roster = await cell_members(ctx.session, source.id)
    moving, named = membership.member_then_text(roster, rest, skip=("sang",))
    if not named:
        return ctx.reply("transfer-usage")
    target = await authority.find_cell(ctx.session, ctx.actor, named, root=ctx.is_admin)
    if target is None:
        known = await authority.acting_cell_names(ctx.session, ctx.actor, root=ctx.is_admin)
        raise DomainError("transfer-target-unknown", name=named, known=", ".join(known[:CELLS_SHOWN]) or "-")
    zone = ctx.app.config.schedule.zone
    await membership.transfer(ctx.session, moving, target, actor_id=actor_id(ctx), now=ctx.now, zone=zone)
    cells = [source.id, target.id]
    return await changed(ctx, "transfer", cells, name=moving.person.full_name, source=source.name, target=target.name)


@router.command("setstatus", "trangthai", Need.APPROVER)
async def set_status(ctx: Ctx) -> Response:
    """`/trangthai <tên|số> <chinh_thuc|du_bi|mien_sinh_hoat|tam_thoi>[, <chi bộ>]`."""
    if not ctx.args.strip():
        return ctx.reply("status-usage")
    cell, rest = await acting_cell(ctx, ctx.args)
    roster = await cell_members(ctx.session, cell.id)
    member, status = membership.parse_status(roster, rest)
    before = await membership.change_status(ctx.session, member, status, actor_id=actor_id(ctx), now=ctx.now)
    return await changed(
        ctx,
        "status",
        [cell.id],
        name=member.person.full_name,
        cell=cell.name,
        before=ctx.t(f"status-{before.value}"),
        after=ctx.t(f"status-{status.value}"),
    )
