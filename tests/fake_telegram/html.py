"""Telegram's HTML parse mode, as strict as the real Bot API: only its tags, only its entities.

`parse_html` returns the plain text a user would see, or raises `HtmlError` with the same
"can't parse entities" wording Telegram uses, so a message with an unescaped user-typed `<`
fails in tests exactly as it would in production.
"""

from __future__ import annotations

import re

# Tag -> attributes Telegram reads (others are ignored, as Telegram does).
ALLOWED_TAGS: dict[str, frozenset[str]] = {
    "b": frozenset(),
    "strong": frozenset(),
    "i": frozenset(),
    "em": frozenset(),
    "u": frozenset(),
    "ins": frozenset(),
    "s": frozenset(),
    "strike": frozenset(),
    "del": frozenset(),
    "span": frozenset({"class"}),
    "tg-spoiler": frozenset(),
    "a": frozenset({"href"}),
    "code": frozenset({"class"}),
    "pre": frozenset(),
    "blockquote": frozenset({"expandable"}),
    "tg-emoji": frozenset({"emoji-id"}),
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTRIBUTE = re.compile(r"\s*([a-zA-Z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")


class HtmlError(ValueError):
    """The Bot API's 400 "can't parse entities" answer."""


def utf16_len(text: str) -> int:
    """Telegram measures text in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _entity(match: re.Match[str]) -> str:
    decimal, hexadecimal, name = match.groups()
    if decimal or hexadecimal:
        code = int(decimal) if decimal else int(hexadecimal, 16)
        return chr(code) if 0 < code <= 0x10FFFF else match.group(0)
    # Unknown named entities stay as typed, like Telegram does.
    return NAMED_ENTITIES.get(name.lower(), match.group(0))


def _tag(text: str, start: int, stack: list[str]) -> int:
    """Read the tag at `text[start] == "<"`, update the open-tag stack, return the index after it."""
    closing = text.startswith("</", start)
    at = start + (2 if closing else 1)
    name_match = _NAME.match(text, at)
    if name_match is None:
        raise HtmlError(f"can't parse entities: Unsupported start tag at byte offset {_offset(text, start)}")
    name = name_match.group(0).lower()
    at = name_match.end()
    end = text.find(">", at)
    if end < 0:
        raise HtmlError(f"can't parse entities: Unclosed start tag at byte offset {_offset(text, start)}")
    if closing:
        if text[at:end].strip():
            raise HtmlError(f"can't parse entities: Unexpected end tag at byte offset {_offset(text, start)}")
        if not stack:
            raise HtmlError(f"can't parse entities: Unexpected end tag at byte offset {_offset(text, start)}")
        if stack[-1] != name:
            where = f"Unmatched end tag at byte offset {_offset(text, start)}"
            raise HtmlError(f'can\'t parse entities: {where}, expected "</{stack[-1]}>", found "</{name}>"')
        stack.pop()
        return end + 1
    if name not in ALLOWED_TAGS:
        raise HtmlError(f'can\'t parse entities: Unsupported start tag "{name}" at byte offset {_offset(text, start)}')
    attributes = _attributes(text[at:end], text, start)
    if name == "span" and attributes.get("class") != "tg-spoiler":
        raise HtmlError(f'can\'t parse entities: Unsupported start tag "span" at byte offset {_offset(text, start)}')
    if stack and stack[-1] in ("code", "pre") and not (stack[-1] == "pre" and name == "code"):
        raise HtmlError(f"can't parse entities: entities inside <{stack[-1]}> are not allowed")
    if name == "blockquote" and "blockquote" in stack:
        raise HtmlError("can't parse entities: blockquote entities can't be nested")
    stack.append(name)
    return end + 1


def _attributes(source: str, text: str, start: int) -> dict[str, str]:
    found: dict[str, str] = {}
    at = 0
    source = source.rstrip().removesuffix("/")
    while at < len(source):
        match = _ATTRIBUTE.match(source, at)
        if match is None or match.end() == at:
            raise HtmlError(f"can't parse entities: Expected equal sign at byte offset {_offset(text, start)}")
        value = match.group(2) or ""
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        found[match.group(1).lower()] = _ENTITY.sub(_entity, value)
        at = match.end()
    return found


def parse_html(text: str) -> str:
    """The visible text of an HTML-mode message; raises HtmlError where Telegram answers 400."""
    plain: list[str] = []
    stack: list[str] = []
    at = 0
    while at < len(text):
        char = text[at]
        if char == "<":
            at = _tag(text, at, stack)
        elif char == "&":
            match = _ENTITY.match(text, at)
            plain.append(_entity(match) if match else "&")
            at = match.end() if match else at + 1
        else:
            plain.append(char)
            at += 1
    if stack:
        raise HtmlError(f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\"")
    return "".join(plain)
