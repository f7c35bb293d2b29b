"""Text helpers shared by import, matching and Zalo-style typed commands."""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Lower-case ASCII form of Vietnamese text: "Điểm Danh" -> "diem danh"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return stripped.lower()


def clean_name(text: str) -> str:
    """Collapse white space and normalise to NFC so the same name always compares equal."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
