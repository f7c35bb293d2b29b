"""GET /lich/<token>.ics on `[server] public_url`: a member's or a cell's meetings for phone calendars.

Calendar apps poll the address (services/calendar.py builds the feed). Whatever is wrong with a
request — a malformed, unknown or rotated token, an erased member, one who left every cell — gets
the same bare 404, so the address tells a stranger nothing; only GET is answered (aiohttp refuses
other methods with 405, and over-long request lines itself).
"""

from __future__ import annotations

from aiohttp import web

from channels.server import HttpServer, Route
from handlers.context import AppContext
from services import calendar

FILE_SUFFIX = ".ics"
# Private to the one person who holds the link: no shared cache keeps it, and a client asks again.
HEADERS = {
    "Cache-Control": "private, no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def add_calendar_route(server: HttpServer, app: AppContext) -> None:
    server.add_get(calendar.FEED_PREFIX + "{name}", _feed(app), allow_head=False)


def not_found() -> web.Response:
    return web.Response(status=404, text="not found", headers=HEADERS)


def _feed(app: AppContext) -> Route:
    async def answer(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        token = name.removesuffix(FILE_SUFFIX)
        if token == name:
            return not_found()
        async with app.sessions() as session:
            owner = await calendar.owner_of(session, token)
            if owner is None:
                return not_found()
            body = await calendar.feed(session, app.tr, owner, app.clock.now(), app.config.schedule.zone)
        return web.Response(body=body, content_type="text/calendar", charset="utf-8", headers=HEADERS)

    return answer
