"""`/phancong`: an admin appoints or removes the admins and supervisors of organisations below."""

from __future__ import annotations

from markupsafe import Markup

from core.messages import Address, Outgoing, Response
from handlers.context import Ctx
from handlers.router import Need, Router
from models import NodeRole
from services import appointments, authority
from services.errors import DomainError
from services.people import preferred_platform
from services.text import fold

router = Router()
ROLE_WORDS = {
    "quantri": NodeRole.ADMIN,
    "quan_tri": NodeRole.ADMIN,
    "theodoi": NodeRole.SUPERVISOR,
    "theo_doi": NodeRole.SUPERVISOR,
}
REMOVE_WORDS = ("bo", "go", "xoa", "remove")


@router.command("appoint", "phancong", Need.ADMIN)
async def appoint_command(ctx: Ctx) -> Response:
    """`/phancong <tổ chức>` lists; `/phancong [bo] <quantri|theodoi> <tổ chức> | <họ tên>` appoints or removes."""
    actor = ctx.me()
    words = ctx.args.split(maxsplit=1)
    remove = bool(words) and fold(words[0]) in REMOVE_WORDS
    rest = (words[1] if len(words) > 1 else "") if remove else ctx.args
    head = rest.split(maxsplit=1)
    role = ROLE_WORDS.get(fold(head[0])) if head else None
    if role is None:
        if remove or not rest.strip() or "|" in rest:
            raise DomainError("appoint-usage")
        node = await authority.find_node(ctx.session, actor, rest, missing="rollup-unknown")
        listing = await appointments.holders(ctx.session, node)
        lines = [ctx.t(f"appoint-holder-{h.role.value}", name=h.name, id=str(h.person_id)) for h in listing]
        body = Markup("\n").join(lines) if lines else ctx.t("appoint-nobody")
        return ctx.reply("appoint-list", node=node.name, holders=body)
    target, _, who = (head[1] if len(head) > 1 else "").partition("|")
    if not target.strip() or not who.strip():
        raise DomainError("appoint-usage")
    node = await authority.find_node(ctx.session, actor, target.strip(), missing="rollup-unknown")
    await appointments.check_below(ctx.session, actor, node)
    person = await appointments.find_person(ctx.session, actor, node, who.strip())
    change = appointments.dismiss if remove else appointments.appoint
    if not await change(ctx.session, actor, node, person, role, ctx.now):
        raise DomainError("appoint-unchanged-removed" if remove else "appoint-unchanged", name=person.full_name)
    change_key = f"{'removed' if remove else 'done'}-{role.value}"
    response = ctx.reply(f"appoint-{change_key}", name=person.full_name, node=node.name)
    accounts = {a.platform: a.external_id for a in person.accounts if a.connected_at is not None}
    platform = preferred_platform(accounts)
    if platform is not None:
        told = ctx.t(
            f"appoint-told-{'removed' if remove else 'done'}-{role.value}", node=node.name, by=actor.person.full_name
        )
        response.messages.append(Outgoing(told, to=Address(platform, accounts[platform])))
    return response
