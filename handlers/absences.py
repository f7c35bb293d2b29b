"""/tamvang: a member declares a period away ahead (or the secretary for a member of her cell),
lists the periods and cancels one (services/absences.py)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from core.messages import Response
from handlers.common import find_member, secretary_cell
from handlers.context import Ctx
from handlers.router import Need, Router
from models import Absence, Membership
from services import absences
from services.errors import DomainError
from services.parsing import is_number, parse_int
from services.people import cell_members
from services.text import fold

router = Router()
CANCEL_WORDS = ("huy", "xoa", "cancel", "delete")


async def _led(ctx: Ctx) -> Membership | None:
    """The cell the caller runs, if she is a secretary or deputy (she then acts for its members)."""
    if not any(m.role.runs_meetings for m in ctx.me().memberships):
        return None
    return await secretary_cell(ctx)


async def _listed(ctx: Ctx, led: Membership | None) -> Sequence[Absence]:
    if led is not None:
        return await absences.of_cell(ctx.session, led.cell_id, ctx.now)
    return await absences.of_person(ctx.session, ctx.me().person.id, ctx.now)


@router.command("away", "tamvang", Need.MEMBER)
async def away(ctx: Ctx) -> Response:
    """`/tamvang dd/mm-dd/mm <lý do>`; a leader may name the member first; `/tamvang` lists,
    `/tamvang huy <số>` cancels."""
    led = await _led(ctx)
    words = ctx.args.split()
    if not words:
        return _listing(ctx, await _listed(ctx, led), shows_names=led is not None)
    if fold(words[0]) in CANCEL_WORDS and len(words) <= 2:
        if len(words) != 2 or not is_number(words[1]):
            raise DomainError("absence-cancel-usage")
        listed = await _listed(ctx, led)
        if not listed:
            raise DomainError("absence-none")
        number = parse_int(words[1], 1, len(listed), "absence-no-such", count=len(listed))
        absence = listed[number - 1]
        absences.cancel(ctx.session, absence, actor_id=ctx.me().person.id, now=ctx.now)
        first, last = absences.shown_days(absence, ctx.app.config.schedule.zone)
        return ctx.reply("absence-cancelled", first=first, last=last)
    # The period is one to three words ("20/12-10/01", "20/12 - 10/01", "20/12 đến 10/01").
    found = [
        (i, n) for i in range(len(words)) for n in (1, 2, 3) if absences.looks_like_period(" ".join(words[i : i + n]))
    ]
    if not found:
        raise DomainError("absence-usage")
    at, span = found[0]
    period_text, reason = " ".join(words[at : at + span]), " ".join(words[at + span :])
    person, name = ctx.me().person.id, None
    if at > 0:
        if led is None:
            raise DomainError("absence-usage")
        member = find_member(await cell_members(ctx.session, led.cell_id), " ".join(words[:at]))
        person, name = member.person_id, member.person.full_name
    zone = ctx.app.config.schedule.zone
    period = absences.parse_period(period_text, ctx.now.astimezone(zone).date(), ctx.app.config.absences.max_days)
    absence = await absences.declare(
        ctx.session, person, period, reason, zone=zone, now=ctx.now, actor_id=ctx.me().person.id
    )
    first, last = absences.shown_days(absence, zone)
    if name is not None:
        return ctx.reply("absence-declared-for", name=name, first=first, last=last, days=period.days)
    return ctx.reply("absence-declared", first=first, last=last, days=period.days)


def _listing(ctx: Ctx, listed: Sequence[Absence], *, shows_names: bool) -> Response:
    if not listed:
        return ctx.reply("absence-none")
    zone = ctx.app.config.schedule.zone
    lines = []
    for number, absence in enumerate(listed, start=1):
        first, last = absences.shown_days(absence, zone)
        key = "absence-line-named" if shows_names else "absence-line"
        name = absence.person.full_name if shows_names else ""
        lines.append(ctx.t(key, number=number, first=first, last=last, reason=absence.reason, name=name))
    return ctx.reply("absence-list", lines=Markup("\n").join(lines))
