"""Joining: invite codes and links, approving name claims, and binding group chats."""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup

from core.buttons import Decision, JoinData, PickData
from core.messages import Address, Button, ChatKind, Outgoing, Response
from handlers.common import find_member, secretary_cell
from handlers.context import Ctx
from handlers.router import Need, Router
from models import Cell, JoinRequest, Person, Platform
from services import authority, chats, invites
from services.errors import DomainError
from services.names import find_by_name
from services.people import cell_members
from services.text import fold

router = Router()
_REQUEST_NUMBER = re.compile(r"[0-9]{1,18}")
# Names offered as buttons at most (Telegram allows 100; a phone shows far fewer well).
MAX_NAME_BUTTONS = 20


def _link(ctx: Ctx, code: str) -> str:
    """A Telegram deep link when the Telegram bot's name is known, else the bare code."""
    name = ctx.app.bot_names.get(Platform.TELEGRAM)
    return f"https://t.me/{name}?start={code}" if name else code


async def _join(ctx: Ctx, code: str) -> Response:
    incoming = ctx.incoming
    redeemed = await invites.redeem(ctx.session, code, incoming.platform, incoming.user_id, ctx.now)
    if redeemed.person is not None:
        cell = await ctx.session.get(Cell, redeemed.invite.cell_id)
        return ctx.reply("join-linked", name=redeemed.person.full_name, cell=cell.name if cell else "")
    if len(redeemed.choices) > MAX_NAME_BUTTONS:
        ctx.ask("join-name", code=redeemed.invite.code)
        return ctx.reply("join-type-name")
    return _name_buttons(ctx, redeemed.invite.code, redeemed.choices)


def _name_buttons(ctx: Ctx, code: str, people: Sequence[Person]) -> Response:
    buttons = tuple((Button(person.full_name, PickData(code, person.id)),) for person in people)
    return ctx.reply("join-pick", buttons)


@router.followup("join-name")
async def join_name(ctx: Ctx) -> Response:
    """In a big cell the names do not fit on buttons: the newcomer types theirs, we offer the matches."""
    assert ctx.answering is not None
    code = str(ctx.answering.data["code"])
    incoming = ctx.incoming
    redeemed = await invites.redeem(ctx.session, code, incoming.platform, incoming.user_id, ctx.now)
    matches = find_by_name(redeemed.choices, ctx.args, lambda p: p.full_name)
    if not matches or len(matches) > MAX_NAME_BUTTONS:
        ctx.ask("join-name", code=code)
        return ctx.reply("join-name-none" if not matches else "join-name-more", name=ctx.args.strip())
    return _name_buttons(ctx, code, matches)


@router.command("start", "batdau", Need.ANYONE, aliases=("thamgia", "join"))
async def start(ctx: Ctx) -> Response:
    """`/start <code>` (a Telegram deep link) or a typed code joins; bare /start explains."""
    if ctx.args:
        if ctx.actor is not None and not invites.looks_like_code(ctx.args):
            return ctx.reply("start-known", name=ctx.actor.person.full_name)
        return await _join(ctx, ctx.args)
    if ctx.actor is not None:
        return ctx.reply("start-known", name=ctx.actor.person.full_name)
    return ctx.reply("start-stranger")


@router.on_stranger_text
async def stranger_text(ctx: Ctx) -> Response:
    if invites.looks_like_code(ctx.args):
        return await _join(ctx, ctx.args)
    return ctx.reply("start-stranger")


@router.button(PickData, Need.ANYONE)
async def pick(ctx: Ctx) -> Response:
    """Someone with the cell code chose a name: ask that cell's leaders (for a leader's name, the
    committee's admins) to approve. A repeated press sends nothing again."""
    pressed = ctx.data(PickData)
    if ctx.actor is not None:
        raise DomainError("join-already-linked")
    incoming = ctx.incoming
    claim = await invites.claim(
        ctx.session, pressed.code, pressed.person, incoming.platform, incoming.user_id, incoming.user_name, ctx.now
    )
    response = Response(toast=str(ctx.t("join-wait").striptags()))
    if not claim.new:
        return response.say(ctx.t("join-wait-again"))
    request = claim.request
    if claim.leader:
        # The admins of the nearest organisation above the cell that has any; else the root admins.
        deciders = [
            Address(a.platform, a.external_id)
            for a in await authority.nearest_admin_accounts(ctx.session, request.cell_id)
        ] or [Address(Platform.TELEGRAM, str(admin)) for admin in ctx.app.config.telegram.admin_ids]
        if not deciders:
            raise DomainError("join-leader-needs-code")
    else:
        deciders = [
            Address(a.platform, a.external_id) for a in await invites.cell_leader_accounts(ctx.session, request.cell_id)
        ]
    person = await ctx.session.get(Person, request.person_id)
    cell = await ctx.session.get(Cell, request.cell_id)
    assert person is not None
    assert cell is not None
    ask = ctx.t(
        "join-approve-ask",
        number=request.id,
        name=person.full_name,
        cell=cell.name,
        account=incoming.user_name,
        platform=incoming.platform.value,
    )
    buttons = (
        (
            Button(str(ctx.t("join-approve-yes")), JoinData(request.id, Decision.OK), f"/duyet {request.id}"),
            Button(str(ctx.t("join-approve-no")), JoinData(request.id, Decision.NO), f"/tuchoi {request.id}"),
        ),
    )
    response.say(ctx.t("join-wait"))
    response.messages.extend(Outgoing(ask, buttons, to=to) for to in deciders)
    return response


@router.button(JoinData, Need.APPROVER)
async def decide_button(ctx: Ctx) -> Response:
    pressed = ctx.data(JoinData)
    response = await _decide(ctx, pressed.request, approve=not pressed.declines, missing="err-stale-button")
    response.toast = str(response.messages.pop(0).text.striptags())
    return response


@router.command("approve", "duyet", Need.APPROVER)
async def approve(ctx: Ctx) -> Response:
    """`/duyet <số>` links the account of request number <số>; bare `/duyet` lists those waiting."""
    return await _decide_command(ctx, approve=True)


@router.command("reject", "tuchoi", Need.APPROVER)
async def reject(ctx: Ctx) -> Response:
    return await _decide_command(ctx, approve=False)


async def _decide_command(ctx: Ctx, *, approve: bool) -> Response:
    number = ctx.args.strip().lstrip("#")
    if _REQUEST_NUMBER.fullmatch(number):
        return await _decide(ctx, int(number), approve=approve)
    if number:
        raise DomainError("join-decide-usage")
    led = [m.cell_id for m in ctx.actor.memberships if m.role.runs_meetings] if ctx.actor else []
    administered = authority.administered_cells(ctx.actor) if ctx.actor and not ctx.is_admin else None
    waiting = await invites.waiting_requests(ctx.session, led, ctx.is_admin, administered)
    if not waiting:
        return ctx.reply("join-none-waiting")
    lines = [
        ctx.t("join-waiting-line", number=r.id, name=name, account=r.display_name or "", platform=r.platform.value)
        for r, name in waiting
    ]
    return ctx.reply("join-waiting", requests=Markup("\n").join(lines))


async def _decide(ctx: Ctx, request_id: int, *, approve: bool, missing: str = "join-no-request") -> Response:
    """Decide a name claim named by its number: the first message says what was done."""
    request = await ctx.session.get(JoinRequest, request_id)
    if request is None:
        raise DomainError(missing, number=request_id)
    runs = ctx.actor is not None and ctx.actor.runs(request.cell_id)
    admin = await authority.admin_over_cell(ctx.session, ctx.actor, request.cell_id, root=ctx.is_admin)
    await invites.check_decider(ctx.session, request, runs, admin)
    await invites.decide(ctx.session, request.id, ctx.actor.person.id if ctx.actor else None, approve)
    person = await ctx.session.get(Person, request.person_id)
    name = person.full_name if person else ""
    key = "join-approved" if approve else "join-rejected"
    response = ctx.reply(f"{key}-toast", name=name, number=request.id)
    response.messages.append(Outgoing(ctx.t(key, name=name), to=Address(request.platform, request.external_id)))
    return response


@router.command("invite", "moi", Need.SECRETARY)
async def invite(ctx: Ctx) -> Response:
    """Codes for members not yet linked, and the cell's code; `/moi <tên|số>` for one member."""
    membership = await secretary_cell(ctx)
    days = ctx.app.config.telegram.invite_days
    roster = await cell_members(ctx.session, membership.cell_id)
    if ctx.args.strip():
        target = find_member(roster, ctx.args.strip())
        codes = await invites.invites_for(ctx.session, membership.cell_id, [target.person_id], ctx.now, days)
        code = codes[target.person_id].code
        return ctx.reply("invite-one", name=target.person.full_name, code=code, link=_link(ctx, code), days=days)
    waiting = [m for m in roster if not m.person.accounts]
    # Named in the roster with an account, but never wrote to the bot: it cannot write to them.
    silent = [
        m.person.full_name for m in roster if m.person.accounts and not any(a.connected_at for a in m.person.accounts)
    ]
    codes = await invites.invites_for(
        ctx.session, membership.cell_id, [None, *(m.person_id for m in waiting)], ctx.now, days
    )
    lines = [
        ctx.t(
            "invite-line",
            name=m.person.full_name,
            code=codes[m.person_id].code,
            link=_link(ctx, codes[m.person_id].code),
        )
        for m in waiting
    ]
    body = Markup("\n").join(lines) if lines else ctx.t("invite-all-linked")
    shared = codes[None].code
    answer = ctx.t("invite-list", members=body, code=shared, link=_link(ctx, shared), days=days)
    if silent:
        answer += Markup("\n\n") + ctx.t("invite-not-connected", names=", ".join(silent))
    return Response().say(answer)


@router.command("link", "ketnoi", Need.ANYONE, in_groups=True)
async def link(ctx: Ctx) -> Response:
    """Bind a group: to the caller's cell (secretary or deputy) or, for an admin, to a committee."""
    incoming = ctx.incoming
    if incoming.chat_kind is not ChatKind.GROUP:
        raise DomainError("link-group-only")
    words = ctx.args.split()
    if words and fold(words[0]) in ("capuy", "committee"):
        if not (ctx.is_admin or (ctx.actor is not None and ctx.actor.administers)):
            raise DomainError("link-refused")
        if len(words) < 2:
            raise DomainError("link-committee-usage")
        named = " ".join(words[1:])
        node = await authority.find_node(
            ctx.session, ctx.actor, named, root=ctx.is_admin, missing="link-committee-unknown"
        )
        committee = await chats.bind_committee(ctx.session, incoming.platform, incoming.chat_id, node)
        return ctx.reply("link-committee-done", name=committee.name)
    if ctx.actor is None:
        raise DomainError("link-refused")
    led = [m for m in ctx.actor.memberships if m.role.runs_meetings]
    if not led:
        raise DomainError("link-refused")
    cell = led[0].cell
    await chats.bind_cell(ctx.session, incoming.platform, incoming.chat_id, cell)
    return ctx.reply("link-cell-done", name=cell.name)
