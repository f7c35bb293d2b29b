"""Data protection: ending a membership, erasing a person on request, and a member's own data."""

from __future__ import annotations

from core.i18n import Translator
from core.messages import Outgoing, Response
from handlers.common import acting_cell, actor_id, changed
from handlers.context import Ctx
from handlers.router import Need, Router
from models import Platform
from services import authority, erasure, membership, mydata
from services.errors import DomainError
from services.parsing import is_number, parse_id
from services.people import cell_members

router = Router()
CONFIRM_WORDS = ("xacnhan", "confirm")


@router.command("endmember", "ketthuc", Need.APPROVER)
async def end_member(ctx: Ctx) -> Response:
    """`/ketthuc <tên|số> <lý do> [dd/mm/yyyy] [ghi chú][, <chi bộ>]`: the member leaves the cell
    from that day; an admin names the cell."""
    if not ctx.args.strip():
        return ctx.reply("end-usage")
    cell, rest = await acting_cell(ctx, ctx.args)
    zone = ctx.app.config.schedule.zone
    roster = await cell_members(ctx.session, cell.id)
    request = membership.parse_end(roster, rest, ctx.now.astimezone(zone).date())
    ended = await membership.end_membership(ctx.session, request, actor_id=actor_id(ctx), now=ctx.now, zone=zone)
    return await changed(
        ctx,
        "end",
        [cell.id],
        name=ended.person.full_name,
        cell=cell.name,
        date=request.day.strftime("%d/%m/%Y"),
        reason=ctx.t(f"end-reason-{request.reason.value}"),
    )


def erase_texts(tr: Translator, person_id: int) -> tuple[str, str]:
    """The placeholder name and opinion text, in the bot's language (CLI and chat alike)."""
    return str(tr.t("erase-placeholder", id=str(person_id))), str(tr.t("erase-opinion-text"))


@router.command("erase", "xoadulieu", Need.ANYONE)
async def erase_person(ctx: Ctx) -> Response:
    """Admins only: `/xoadulieu <mã số | họ tên>` shows what goes, `/xoadulieu <mã số> xacnhan` erases.
    An admin of part of the tree finds and erases only people whose every cell lies in it."""
    if not (ctx.is_admin or (ctx.actor is not None and ctx.actor.administers)):
        raise DomainError("erase-admin-only")
    words = ctx.args.split()
    if not words:
        return ctx.reply("erase-usage")
    within = authority.administered_cells(ctx.actor) if ctx.actor is not None and not ctx.is_admin else None
    if not is_number(words[0]):
        found = await erasure.people_named(ctx.session, " ".join(words), within=within)
        if not found:
            raise DomainError("erase-no-name", name=" ".join(words))
        listing = "; ".join(f"#{pid} ({cell})" for pid, cell in found)
        return ctx.reply("erase-candidates", name=" ".join(words), people=listing)
    person_id = parse_id(words[0])
    if person_id is None:
        raise DomainError("erase-unknown", id=words[0][:12] + ("…" if len(words[0]) > 12 else ""))
    if not await authority.admin_over_person(ctx.session, ctx.actor, person_id, root=ctx.is_admin):
        raise DomainError("erase-unknown", id=str(person_id))
    person = await erasure.person_to_erase(ctx.session, person_id)
    if len(words) == 1 or words[1].lower() not in CONFIRM_WORDS:
        seen = await erasure.preview(ctx.session, person)
        return ctx.reply(
            "erase-preview",
            id=str(seen.person_id),
            name=seen.name,
            cells=", ".join(seen.cells) or "—",
            accounts=seen.accounts,
            reasons=seen.reasons,
            opinions=seen.opinions,
        )
    placeholder, erased = erase_texts(ctx.app.tr, person.id)
    await erasure.erase(
        ctx.session,
        person,
        placeholder=placeholder,
        erased_text=erased,
        actor_id=ctx.actor.person.id if ctx.actor else None,
        actor_label=f"{ctx.incoming.platform.value}:{ctx.incoming.user_id}",
        now=ctx.now,
    )
    return ctx.reply("erase-done", id=str(person.id))


@router.command("mydata", "dulieucuatoi", Need.JOINED)
async def my_data(ctx: Ctx) -> Response:
    """Everything the bot holds about the caller: a JSON file where the platform can send files."""
    data = await mydata.collect(ctx.session, ctx.me().person.id, ctx.app.config.schedule.zone, ctx.now)
    counts: dict[str, object] = {
        "memberships": data.count("memberships"),
        "attendance": data.count("attendance"),
        "opinions": data.count("opinions"),
        "audit": data.count("audit"),
    }
    if ctx.incoming.platform is Platform.TELEGRAM:
        response = Response()
        response.messages.append(
            Outgoing(ctx.t("mydata-caption", **counts), document=("du-lieu-cua-toi.json", data.json_bytes()))
        )
        return response
    return ctx.reply("mydata-text", (), name=ctx.me().person.full_name, **counts)
