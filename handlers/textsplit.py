"""The one text splitter: long chat text cut into messages under a platform's limit, at line
boundaries (inside a line only when it alone is too long: at a space, hard as a last resort).

Handlers split what they must know the parts of (a summary edited part by part later); senders
split whatever else is still too long for their platform. Both use this, with the limit the
platform declares (handlers/platforms.py). On markup, tags open at a cut are closed and reopened
in the next part and entities are never cut, so every part is valid HTML; length is what the
reader sees (tags dropped, entities decoded) in UTF-16 code units, as Telegram counts it, which is
never less than a plain-text platform's count of characters.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from markupsafe import Markup

_MARKUP_ATOM = re.compile(r"<[^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|.", re.DOTALL)
_PLAIN_ATOM = re.compile(r".", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_TAG_NAME = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)")


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_length(text: str, *, markup: bool = True) -> int:
    """What the reader sees, in UTF-16 code units: without tags, entities decoded (for markup)."""
    return _utf16(html.unescape(_TAG.sub("", text)) if markup else text)


def _is_tag(atom: str, markup: bool) -> bool:
    return markup and atom.startswith("<") and len(atom) > 1


def _pieces(line: str, limit: int, markup: bool) -> list[str]:
    """A line cut into parts of at most `limit` visible characters, at a space when one is near."""
    if visible_length(line, markup=markup) <= limit:
        return [line]
    atoms = (_MARKUP_ATOM if markup else _PLAIN_ATOM).findall(line)
    pieces: list[str] = []
    current: list[str] = []
    width = 0
    last_space = -1
    for atom in atoms:
        size = 0 if _is_tag(atom, markup) else visible_length(atom, markup=markup)
        if width + size > limit and current:
            cut = last_space + 1 if last_space >= 0 else len(current)
            pieces.append("".join(current[:cut]).rstrip(" "))
            current = current[cut:]
            width = sum(visible_length(a, markup=markup) for a in current if not _is_tag(a, markup))
            last_space = -1
        current.append(atom)
        width += size
        if atom == " ":
            last_space = len(current) - 1
    pieces.append("".join(current))
    return pieces


def _open_tags(stack: list[str], piece: str) -> list[str]:
    """The tags still open after `piece`, given those open before (the catalog's markup is well-formed)."""
    stack = list(stack)
    for tag in _TAG.findall(piece):
        if tag.startswith("</"):
            if stack:
                stack.pop()
        elif not tag.endswith("/>"):
            stack.append(tag)
    return stack


def _closing(stack: list[str]) -> str:
    names = (match.group(1) for tag in reversed(stack) if (match := _TAG_NAME.match(tag)))
    return "".join(f"</{name}>" for name in names)


def split_text(text: str, limit: int, *, markup: bool = True) -> list[str]:
    """Parts of at most `limit` visible characters; blank parts are dropped (platforms refuse them)."""
    if visible_length(text, markup=markup) <= limit and text.strip():
        return [text]
    parts: list[str] = []
    current: list[str] = []
    width = 0
    stack: list[str] = []
    opened: list[str] = []
    for number, line in enumerate(text.split("\n")):
        for index, piece in enumerate(_pieces(line, limit, markup)):
            joins_line = number > 0 and index == 0
            size = visible_length(piece, markup=markup) + (1 if joins_line and current else 0)
            if current and width + size > limit:
                parts.append("".join(opened) + "".join(current) + _closing(stack))
                opened, current, width = list(stack), [], 0
                size = visible_length(piece, markup=markup)
            elif joins_line and current:
                current.append("\n")
            current.append(piece)
            width += size
            if markup:
                stack = _open_tags(stack, piece)
    parts.append("".join(opened) + "".join(current) + _closing(stack))
    cleaned = (part.strip("\n") for part in parts)
    return [part for part in cleaned if (html.unescape(_TAG.sub("", part)) if markup else part).strip()]


def split_markup(text: Markup, limit: int) -> list[Markup]:
    """`split_text` for catalog markup (user text in it was escaped when it was built)."""
    return [Markup(part) for part in split_text(str(text), limit)]  # noqa: S704 - parts of our markup


def split_messages(lines: Sequence[Markup], limit: int) -> list[Markup]:
    """Lines packed into as few messages as fit under `limit`."""
    return split_markup(Markup("\n").join(lines), limit)
