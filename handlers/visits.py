"""Supervisors' visits: `/lichtheodoi` lists the coming meetings of the cells a supervisor follows
and registers (or withdraws) them for one, telling the cell's secretaries and groups; `/nhanxet`
adds the supervisor's comment to the summary of the meeting they checked in at (services/visits.py).
Check-in itself is the members' button or `/diemdanh` (handlers/checkin.py), recorded as a visit.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from core.buttons import VisitAction, VisitData
from core.messages import Address, Button, Keyboard, Outgoing, Response
from handlers import format as fmt
from handlers.common import tell_leaders
from handlers.context import Ctx
from handlers.router import Need, Router
from models import Meeting, Platform
from services import chats, visits
from services.errors import DomainError
from services.text import fold

router = Router()

REGISTER_WORDS = ("dangky", "dk", "register")
CANCEL_WORDS = ("huy", "cancel")
# A list of a month's meetings is short; more digits than this is not a number from it.
NUMBER_DIGITS = 3


def _keyboard(ctx: Ctx, listed: list[visits.Coming]) -> Keyboard:
    """One button per meeting, on Telegram; elsewhere the list says to type the number."""
    if ctx.incoming.platform is not Platform.TELEGRAM:
        return ()
    rows = []
    for number, item in enumerate(listed, start=1):
        action = VisitAction.CANCEL if item.registered else VisitAction.REGISTER
        label = ctx.t(f"visit-button-{action.name.lower()}", number=number, cell=item.meeting.cell.name)
        rows.append((Button(str(label.striptags()), VisitData(item.meeting.id, action)),))
    return tuple(rows)


def _meeting_args(ctx: Ctx, meeting: Meeting) -> dict[str, Any]:
    zone = ctx.app.config.schedule.zone
    return {
        "cell": meeting.cell.name,
        "when": fmt.when(ctx.app.tr, meeting.starts_at, zone),
        "place": meeting.place or ctx.t("unknown-place"),
    }


async def _listing(ctx: Ctx) -> Response:
    listed = await visits.coming(ctx.session, ctx.me().person.id, ctx.now)
    days = visits.HORIZON.days
    if not listed:
        return ctx.reply("visit-list-empty", days=days)
    lines = [ctx.t("visit-list-title", days=days, count=len(listed))]
    for number, item in enumerate(listed, start=1):
        key = "visit-list-line-registered" if item.registered else "visit-list-line"
        lines.append(ctx.t(key, number=number, **_meeting_args(ctx, item.meeting)))
    hint = "visit-list-hint-buttons" if ctx.incoming.platform is Platform.TELEGRAM else "visit-list-hint"
    lines.append(ctx.t(hint))
    return Response().say(Markup("\n").join(lines), _keyboard(ctx, listed))


async def _act(ctx: Ctx, meeting_id: int, action: VisitAction) -> Response:
    """Register or withdraw, then tell the cell's secretaries and groups who will (not) come."""
    me = ctx.me().person
    if action is VisitAction.REGISTER:
        meeting = await visits.register(ctx.session, me.id, meeting_id, ctx.now)
    else:
        meeting = await visits.cancel(ctx.session, me.id, meeting_id, ctx.now)
    word = "registered" if action is VisitAction.REGISTER else "cancelled"
    args = _meeting_args(ctx, meeting)
    response = ctx.reply(f"visit-{word}", **args)
    response.toast = str(ctx.t(f"visit-{word}-toast").striptags())
    told = f"visit-{word}-told"
    response.messages += await tell_leaders(ctx, [meeting.cell_id], told, who=me.full_name, **args)
    for group in await chats.cell_groups(ctx.session, meeting.cell_id):
        response.messages.append(
            Outgoing(ctx.t(told, who=me.full_name, **args), to=Address(group.platform, group.chat_id))
        )
    return response


@router.command("visits", "lichtheodoi", Need.SUPERVISOR)
async def visits_command(ctx: Ctx) -> Response:
    """`/lichtheodoi`: the list; `/lichtheodoi dangky <số>` / `huy <số>`: act on one of it."""
    words = ctx.args.split()
    if not words:
        return await _listing(ctx)
    verb, number = fold("".join(words[:-1])), words[-1]  # "đăng ký 1" as well as "dangky 1"
    if verb not in REGISTER_WORDS + CANCEL_WORDS:
        raise DomainError("visit-usage")
    if not (number.isascii() and number.isdigit()) or len(number) > NUMBER_DIGITS:
        raise DomainError("visit-bad-number")
    listed = await visits.coming(ctx.session, ctx.me().person.id, ctx.now)
    if not 1 <= int(number) <= len(listed):
        raise DomainError("visit-no-such-number", count=len(listed))
    action = VisitAction.REGISTER if verb in REGISTER_WORDS else VisitAction.CANCEL
    return await _act(ctx, listed[int(number) - 1].meeting.id, action)


@router.button(VisitData, Need.SUPERVISOR)
async def visit_button(ctx: Ctx) -> Response:
    pressed = ctx.data(VisitData)
    return await _act(ctx, pressed.meeting, pressed.action)


@router.command("visitcomment", "nhanxet", Need.SUPERVISOR)
async def comment_command(ctx: Ctx) -> Response:
    """`/nhanxet <nội dung>`: the supervisor's comment on the meeting they checked in at."""
    meeting = await visits.add_comment(ctx.session, ctx.me().person.id, ctx.args)
    return ctx.reply("visit-comment-saved", cell=meeting.cell.name)
