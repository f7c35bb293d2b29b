"""Text helpers shared by import, matching and Zalo-style typed commands.

Two different comparisons live here on purpose: `name_key` is identity (every diacritic counts:
Tâm ≠ Tám), `fold` only suggests (it drops them, for search and typed commands).
"""

from __future__ import annotations

import re
import unicodedata

from markupsafe import Markup

# Newline and tab are the only control characters a stored text may keep.
_KEPT_CONTROLS = frozenset("\n\t")


def _is_hostile(char: str) -> bool:
    """Control characters, and invisible format characters: zero-width spaces and joiners, bidi
    marks and overrides (category Cf) — they make one name look like two, or reverse a code."""
    if char in _KEPT_CONTROLS:
        return False
    return unicodedata.category(char) in ("Cc", "Cf")


def clean_text(text: str) -> str:
    """NFC text with control and invisible characters removed: what every stored text holds."""
    text = unicodedata.normalize("NFC", text)
    if text.isprintable():  # no Cc or Cf character: the common case, without a loop per character
        return text
    return "".join(c for c in text if not _is_hostile(c))


def plain_text(text: Markup) -> str:
    """Catalog text for a file, not a chat: tags dropped, entities decoded, and any control
    character from data stored before text was cleaned removed (openpyxl, Word and calendars)."""
    return clean_text(str(text.striptags()))


def clean_name(text: str) -> str:
    """A name as stored: clean text with white space collapsed to single spaces."""
    return re.sub(r"\s+", " ", clean_text(text)).strip()


def name_key(text: str) -> str:
    """Identity of a name: NFC with every diacritic, ignoring case, spacing and invisible characters."""
    return unicodedata.normalize("NFC", clean_name(text).casefold())


def fold(text: str) -> str:
    """Lower-case ASCII form of Vietnamese text, for suggestions only: "Điểm Danh" -> "diem danh"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return stripped.lower()
