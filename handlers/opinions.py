"""Ý kiến: members send short opinions ahead of or during the meeting, list and withdraw them."""

from __future__ import annotations

from markupsafe import Markup

from core.messages import Response
from handlers.common import meeting_day, meeting_of, member_cell
from handlers.context import Ctx
from handlers.router import Need, Router
from services import opinions
from services.errors import DomainError
from services.parsing import ID_MAX, is_number, parse_int
from services.text import fold

router = Router()
WITHDRAW_WORDS = ("xoa", "rut", "withdraw", "delete")


@router.command("opinion", "ykien", Need.MEMBER)
async def opinion(ctx: Ctx) -> Response:
    """`/ykien <nội dung>` adds, `/ykien` lists mine, `/ykien xoa <số>` withdraws."""
    membership = member_cell(ctx)
    meeting = await meeting_of(ctx, membership.cell_id)
    words = ctx.args.split()
    if words and fold(words[0]) in WITHDRAW_WORDS and len(words) <= 2:
        if len(words) != 2 or not is_number(words[1]):
            raise DomainError("opinion-withdraw-usage")
        number = parse_int(words[1], 1, ID_MAX)
        await opinions.withdraw(ctx.session, meeting, membership.person_id, number, ctx.now)
        return ctx.reply("opinion-withdrawn", number=number, day=meeting_day(ctx, meeting))
    if not words:
        mine = await opinions.mine(ctx.session, meeting.id, membership.person_id)
        if not mine:
            return ctx.reply("opinion-none", day=meeting_day(ctx, meeting))
        listing = Markup("\n").join(ctx.t("opinion-line", number=n, text=o.text) for n, o in enumerate(mine, start=1))
        return ctx.reply("opinion-list", opinions=listing, day=meeting_day(ctx, meeting))
    limit = ctx.app.config.opinions.max_per_meeting
    await opinions.add(ctx.session, meeting, membership.person_id, ctx.args, ctx.now, max_per_meeting=limit)
    count = len(await opinions.mine(ctx.session, meeting.id, membership.person_id))
    return ctx.reply("opinion-added", count=count, day=meeting_day(ctx, meeting))
