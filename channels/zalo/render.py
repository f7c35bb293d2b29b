"""A neutral message as Zalo text: plain text, numbered choices instead of buttons, 2000-character parts.

The documented sendMessage takes only `chat_id` and `text` (no parse mode), so catalog markup is
turned into plain text (channels/plain.py): marks like *bold* would reach elderly members as
literal asterisks. User text was escaped by the catalog and is unescaped only here, at the very
end, so nothing a member typed can be mistaken for markup on the way.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from channels.plain import to_plain
from core.i18n import Translator

TEXT_LIMIT = 2000


def render(tr: Translator, text: Markup, shown: Sequence[Markup] = ()) -> str:
    """The message as plain text with its choices (channels/choices.py `lines`) under it."""
    body = to_plain(text).strip()
    if not shown:
        return body
    return "\n".join([body, "", *(to_plain(line) for line in shown)])


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Parts of at most `limit` characters, cut at line boundaries (inside a line only when one
    line alone is too long: then at a space, or hard as a last resort). Empty parts are dropped,
    since Zalo refuses empty text."""
    parts: list[str] = []
    current = ""
    for line in text.splitlines():
        for piece in _cut_line(line, limit):
            candidate = f"{current}\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
                continue
            if current.strip():
                parts.append(current.strip("\n"))
            current = piece
    if current.strip():
        parts.append(current.strip("\n"))
    return parts


def _cut_line(line: str, limit: int) -> list[str]:
    pieces = []
    while len(line) > limit:
        cut = line.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        pieces.append(line[:cut].rstrip())
        line = line[cut:].lstrip()
    pieces.append(line)
    return pieces
