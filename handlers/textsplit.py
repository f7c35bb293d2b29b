"""Cutting long chat text into messages under a platform's limit, at line boundaries, with markup intact."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

# Telegram allows 4,096 characters of parsed text; the markup is measured, which is never shorter.
MESSAGE_LIMIT = 3900


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut_line(line: Markup, limit: int) -> list[Markup]:
    """A line too long for one message, cut at spaces; its tags are dropped (entities stay whole)."""
    if _utf16(line) <= limit:
        return [line]
    text = str(escape(line.striptags())) if "<" in line else str(line)
    pieces: list[Markup] = []
    while _utf16(text) > limit:
        cut = limit
        while _utf16(text[:cut]) > limit:
            cut -= 1
        space = text.rfind(" ", 0, cut)
        if space > limit // 2:
            cut = space
        else:
            amp = text.rfind("&", 0, cut)
            if amp > text.rfind(";", 0, cut):
                cut = amp
        pieces.append(Markup(text[:cut].rstrip()))  # noqa: S704 - already escaped
        text = text[cut:].lstrip()
    if text:
        pieces.append(Markup(text))  # noqa: S704 - already escaped
    return pieces


def split_messages(lines: Sequence[Markup], limit: int = MESSAGE_LIMIT) -> list[Markup]:
    """Pack lines into as few messages as fit under `limit`, never cutting inside a tag or an entity."""
    messages: list[Markup] = []
    current: list[Markup] = []
    size = 0
    for line in lines:
        for piece in _cut_line(line, limit):
            length = _utf16(piece) + 1
            if current and size + length > limit:
                messages.append(Markup("\n").join(current).strip())
                current, size = [], 0
            current.append(piece)
            size += length
    if current:
        messages.append(Markup("\n").join(current).strip())
    return [m for m in messages if m]
