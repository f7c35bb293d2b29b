"""GET /tailieu/<token> on `[server] public_url`: a material's file, for members on Zalo (whose Bot
Platform sends no documents) through the private link in their message.

As for calendars (channels/calendar_feed.py), anything wrong with a request — a malformed or
unknown token — gets the same bare 404. The file always downloads (never shown inline, whatever
its type), under a name made safe for the header: an ASCII fallback and the UTF-8 name (RFC 6266).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from aiohttp import web

from channels.calendar_feed import HEADERS, not_found
from channels.server import HttpServer, Route
from handlers.context import AppContext
from services import material_files
from services.text import fold

# Nothing in a downloaded file may run as a page of our address, whatever a browser guesses.
DOWNLOAD_HEADERS = {**HEADERS, "Content-Security-Policy": "default-src 'none'; sandbox"}
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._ -]")


def add_material_route(server: HttpServer, app: AppContext) -> None:
    server.add_get(material_files.DOWNLOAD_PREFIX + "{token}", _download(app), allow_head=False)


def content_disposition(name: str) -> str:
    """`attachment` with the name twice: ASCII for old clients (diacritics dropped, anything else
    "_"), and percent-encoded UTF-8 for the rest; no quote, control character or separator gets in."""
    fallback = _UNSAFE_ASCII.sub("_", fold(name)).strip() or "tai-lieu"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _download(app: AppContext) -> Route:
    async def answer(request: web.Request) -> web.Response:
        async with app.sessions() as session:
            found = await material_files.by_token(session, request.match_info["token"])
        if found is None:
            return not_found()
        info, data = found
        headers = {**DOWNLOAD_HEADERS, "Content-Disposition": content_disposition(info.name)}
        return web.Response(body=data, content_type=info.mime_type, headers=headers)

    return answer
