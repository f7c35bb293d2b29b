from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from core.i18n import LOCALES_DIR, Translator, catalog_keys

PLACEABLE = re.compile(r"\{\s*\$(\w+)\s*\}")


def variables(language: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (LOCALES_DIR / language).glob("*.ftl"):
        key = None
        for line in path.read_text(encoding="utf-8").splitlines():
            match = re.match(r"^([a-z][\w-]*)\s*=", line)
            if match:
                key = match.group(1)
                found.setdefault(key, set())
            if key:
                found[key].update(PLACEABLE.findall(line))
    return found


def test_english_has_every_vietnamese_message_with_the_same_arguments() -> None:
    assert catalog_keys("vi") == catalog_keys("en")
    assert variables("vi") == variables("en")


def test_arguments_are_escaped_but_catalog_markup_is_kept() -> None:
    tr = Translator("vi")
    text = tr.t("next-none", cell="<b>Chi bộ</b> & co")
    assert isinstance(text, Markup)
    assert "&lt;b&gt;Chi bộ&lt;/b&gt; &amp; co" in text
    assert tr.t("help-title").startswith("<b>")


def test_missing_keys_and_arguments_raise() -> None:
    tr = Translator("vi")
    with pytest.raises(LookupError):
        tr.t("no-such-message")
    with pytest.raises(LookupError):
        tr.t("next-none")


def test_vietnamese_text_has_diacritics() -> None:
    assert "Thứ Năm" in Translator("vi").t("weekday-3")


def test_long_arguments_are_placed_whole_and_escaped() -> None:
    tr = Translator("vi")
    opinion = "&" * 1000 + "<b>"
    text = tr.t("opinion-line", number=1, text=opinion)
    assert text == "1. " + "&amp;" * 1000 + "&lt;b&gt;"


def test_numbers_are_formatted_for_the_language() -> None:
    assert "1.000" in Translator("vi").t("opinion-too-long", limit=1000, length=1001)
    assert "1,000" in Translator("en").t("opinion-too-long", limit=1000, length=1001)
