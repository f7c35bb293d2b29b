"""Joining: invite codes and links, approving name claims, and binding group chats."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup
from sqlalchemy import select

from handlers.common import find_member, secretary_cell
from handlers.context import Ctx
from handlers.messages import Address, Button, ChatKind, Outgoing, Response
from handlers.router import Need, Router
from models import Account, Cell, JoinRequest, MemberRole, Membership, Person, Platform
from services import chats, invites
from services.errors import DomainError
from services.names import find_by_name
from services.parsing import parse_id
from services.people import cell_members
from services.text import fold

router = Router()
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
    buttons = tuple((Button(person.full_name, f"pick:{code}:{person.id}"),) for person in people)
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


@router.button("pick", Need.ANYONE, parts=2)
async def pick(ctx: Ctx) -> Response:
    """Someone with the cell code chose a name: ask that cell's secretaries to approve."""
    code, person_id = ctx.pressed
    if ctx.actor is not None:
        raise DomainError("join-already-linked")
    chosen = parse_id(person_id)
    if chosen is None:
        raise DomainError("err-stale-button")
    incoming = ctx.incoming
    request = await invites.claim(
        ctx.session, code, chosen, incoming.platform, incoming.user_id, incoming.user_name, ctx.now
    )
    person = await ctx.session.get(Person, request.person_id)
    assert person is not None
    response = Response(toast=str(ctx.t("join-wait").striptags()))
    response.say(ctx.t("join-wait"))
    ask = ctx.t("join-approve-ask", name=person.full_name, account=incoming.user_name, platform=incoming.platform.value)
    buttons = (
        (
            Button(str(ctx.t("join-approve-yes")), f"join:{request.id}:ok"),
            Button(str(ctx.t("join-approve-no")), f"join:{request.id}:no"),
        ),
    )
    leaders = (
        await ctx.session.scalars(
            select(Account)
            .join(Membership, Membership.person_id == Account.person_id)
            .where(
                Membership.cell_id == request.cell_id,
                Membership.role.in_((MemberRole.SECRETARY, MemberRole.DEPUTY)),
                Membership.current(),
                Account.connected_at.is_not(None),
            )
        )
    ).all()
    for account in leaders:
        response.messages.append(Outgoing(ask, buttons, to=Address(account.platform, account.external_id)))
    return response


@router.button("join", Need.SECRETARY, parts=2)
async def decide(ctx: Ctx) -> Response:
    request_id, choice = ctx.pressed
    number = parse_id(request_id)
    request = await ctx.session.get(JoinRequest, number) if number else None
    if request is None or choice not in ("ok", "no"):
        raise DomainError("err-stale-button")
    if not ctx.me().runs(request.cell_id):
        raise DomainError("err-other-cell")
    approve = choice == "ok"
    await invites.decide(ctx.session, request.id, ctx.me().person.id, approve)
    person = await ctx.session.get(Person, request.person_id)
    name = person.full_name if person else ""
    key = "join-approved" if approve else "join-rejected"
    response = Response(toast=str(ctx.t(f"{key}-toast", name=name).striptags()))
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
        if not ctx.is_admin:
            raise DomainError("link-refused")
        if len(words) < 2:
            raise DomainError("link-committee-usage")
        committee = await chats.bind_committee(ctx.session, incoming.platform, incoming.chat_id, " ".join(words[1:]))
        return ctx.reply("link-committee-done", name=committee.name)
    if ctx.actor is None:
        raise DomainError("link-refused")
    led = [m for m in ctx.actor.memberships if m.role.runs_meetings]
    if not led:
        raise DomainError("link-refused")
    cell = led[0].cell
    await chats.bind_cell(ctx.session, incoming.platform, incoming.chat_id, cell)
    return ctx.reply("link-cell-done", name=cell.name)
