"""`/lichhop tep|moi|chibo [moi]`: the meetings as an .ics file for the phone's calendar, and the
private address a calendar app subscribes to (when `[server] public_url` is set)."""

from __future__ import annotations

from markupsafe import Markup

from core.messages import Outgoing, Response
from handlers.common import secretary_cell
from handlers.context import Ctx
from services import calendar
from services.errors import DomainError
from services.text import fold

FILE_WORDS = frozenset({"tep", "ics", "file", "lich"})
NEW_WORDS = frozenset({"moi", "new"})
CELL_WORDS = frozenset({"chibo", "cell"})
MEMBER_FILE = "lich-hop.ics"
CELL_FILE = "lich-hop-chi-bo.ics"


def parse(args: str) -> tuple[bool, bool]:
    """(the cell's calendar rather than mine, a new address) from the words after /lichhop."""
    words = fold(args).replace("chi bo", "chibo").split()
    cell = bool(words) and words[0] in CELL_WORDS
    rest = words[1:] if cell else words
    if (cell and not rest) or (len(rest) == 1 and rest[0] in FILE_WORDS):
        return cell, False
    if len(rest) == 1 and rest[0] in NEW_WORDS:
        return cell, True
    raise DomainError("calendar-usage")


async def calendar_reply(ctx: Ctx) -> Response:
    """The file (where the platform takes files) and the address; a new address on request."""
    for_cell, rotate = parse(ctx.args)
    now, public_url = ctx.now, ctx.app.config.server.public_url
    if for_cell:
        membership = await secretary_cell(ctx)
        owner = calendar.Owner([membership.cell], membership.cell.name)
        file_name, intro = CELL_FILE, ctx.t("calendar-cell-intro", cell=membership.cell.name)
        person_id, cell_id = None, membership.cell_id
    else:
        person_id, cell_id = ctx.me().person.id, None
        owner = await calendar.member_owner(ctx.session, person_id)
        file_name, intro = MEMBER_FILE, ctx.t("calendar-member-intro")
    lines = [intro]
    if public_url:
        token = await calendar.token_for(ctx.session, now, person_id=person_id, cell_id=cell_id, rotate=rotate)
        link = public_url + calendar.feed_path(token)
        lines.append(ctx.t("calendar-cell-link" if for_cell else "calendar-member-link", link=link))
        if rotate:
            lines.append(ctx.t("calendar-rotated"))
    elif rotate:
        raise DomainError("calendar-no-address")
    sends_files = ctx.app.traits(ctx.incoming.platform).sends_files
    if not sends_files and not public_url:
        raise DomainError("calendar-no-file")
    response = Response().say(Markup("\n\n").join(lines))
    if sends_files:
        body = await calendar.feed(ctx.session, ctx.app.tr, owner, now, ctx.app.config.schedule.zone)
        response.messages.append(Outgoing(ctx.t("calendar-caption"), document=(file_name, body)))
    return response
