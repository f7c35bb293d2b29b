"""User-facing text from Fluent catalogs (locales/<lang>/*.ftl).

Catalog text is trusted HTML (only <b>, <i>, <code>); every argument is escaped before it is
placed, so user-supplied names and opinions can never inject markup. The result is a `Markup`
string that channels render: Telegram as HTML, the console and Zalo as plain text.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource
from markupsafe import Markup, escape

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LANGUAGES = ("vi", "en")


class Translator:
    """Formats catalog messages for one language; a missing key or argument is a bug, so it raises."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._bundle = _bundle(language)
        self._fixed: dict[str, Markup] = {}

    def has(self, key: str) -> bool:
        return self._bundle.has_message(key)

    def t(self, key: str, **args: Any) -> Markup:
        if not args:
            # A message without arguments never changes: formatted once (a button's label, a
            # toast), since a burst of presses asks for the same few again and again.
            fixed = self._fixed.get(key)
            if fixed is None:
                fixed = self._fixed[key] = self._format(key, {})
            return fixed
        return self._format(key, args)

    def _format(self, key: str, args: dict[str, Any]) -> Markup:
        if not self._bundle.has_message(key):
            raise LookupError(f"no message {key!r} in the {self.language} catalog")
        message = self._bundle.get_message(key)
        if message.value is None:
            raise LookupError(f"message {key!r} has no value")
        # Strings go in as short markers and are put in, escaped, afterwards: Fluent refuses a
        # placeable over 2,500 characters, which a long opinion full of '&' reaches once escaped.
        markers = {name: f"\ue000{index}\ue001" for index, name in enumerate(args) if not _is_number(args[name])}
        fluent_args = {name: markers.get(name, value) for name, value in args.items()}
        text, errors = self._bundle.format_pattern(message.value, fluent_args)
        if errors:
            raise LookupError(f"message {key!r}: {errors[0]}")
        text = str(text)
        for name, marker in markers.items():
            text = text.replace(marker, str(escape(args[name])))
        # Catalog text is ours and every argument was escaped above.
        return Markup(text)  # noqa: S704


# Beyond this, Fluent's number formatting (Babel, through Decimal) raises instead of formatting:
# such a number can only come from someone's input and is shown as typed.
_FORMATTED_MAX = 10**15


def _is_number(value: Any) -> bool:
    """Numbers stay numbers so Fluent formats them for the language (1.000 in Vietnamese)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    return math.isfinite(value) and abs(value) < _FORMATTED_MAX


@cache
def _bundle(language: str) -> FluentBundle:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    bundle = FluentBundle([language], use_isolating=False)
    for path in sorted((LOCALES_DIR / language).glob("*.ftl")):
        bundle.add_resource(FluentResource(path.read_text(encoding="utf-8")))
    return bundle


def catalog_keys(language: str) -> set[str]:
    """Every message id of a language, for the catalog parity test."""
    bundle = _bundle(language)
    return set(bundle._messages)
