"""Neutral replies in Telegram's form: HTML text cut to the 4096-character limit, buttons as an inline keyboard."""

from __future__ import annotations

import html
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.messages import Keyboard

MESSAGE_LIMIT = 4096
_ATOM = re.compile(r"<[^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|.", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def visible_length(markup: str) -> int:
    """What Telegram counts: the text without tags, entities decoded, in UTF-16 code units."""
    text = html.unescape(_TAG.sub("", markup))
    return len(text.encode("utf-16-le")) // 2


def _pieces(line: str, limit: int) -> list[str]:
    """A line cut into parts of at most `limit` visible characters, at a space when one is near."""
    if visible_length(line) <= limit:
        return [line]
    pieces: list[str] = []
    current: list[str] = []
    width = 0
    last_space = -1
    for atom in _ATOM.findall(line):
        size = 0 if atom.startswith("<") and len(atom) > 1 else visible_length(atom)
        if width + size > limit and current:
            cut = last_space + 1 if last_space >= 0 else len(current)
            pieces.append("".join(current[:cut]))
            current = current[cut:]
            width = sum(visible_length(a) for a in current if not (a.startswith("<") and len(a) > 1))
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
            stack.pop()
        else:
            stack.append(tag)
    return stack


_TAG_NAME = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)")


def _closing(stack: list[str]) -> str:
    names = (match.group(1) for tag in reversed(stack) if (match := _TAG_NAME.match(tag)))
    return "".join(f"</{name}>" for name in names)


def split_html(markup: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut a long message at line boundaries (inside a line only when it alone is too long), closing
    the tags open at each cut and reopening them in the next part, so every part is valid HTML."""
    if visible_length(markup) <= limit:
        return [markup]
    parts: list[str] = []
    current: list[str] = []
    width = 0
    stack: list[str] = []
    opened: list[str] = []
    for number, line in enumerate(markup.split("\n")):
        for index, piece in enumerate(_pieces(line, limit)):
            joins_line = number > 0 and index == 0
            size = visible_length(piece) + (1 if joins_line and current else 0)
            if current and width + size > limit:
                parts.append("".join(opened) + "".join(current) + _closing(stack))
                opened, current, width = list(stack), [], 0
                size = visible_length(piece)
            elif joins_line and current:
                current.append("\n")
            current.append(piece)
            width += size
            stack = _open_tags(stack, piece)
    parts.append("".join(opened) + "".join(current) + _closing(stack))
    return [part for part in parts if html.unescape(_TAG.sub("", part)).strip()]


def keyboard(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(button.label, callback_data=button.packed) for button in row] for row in buttons]
    )
