"""Catalog markup as plain text, for channels without HTML (console, Zalo)."""

from __future__ import annotations

import html
import re

from markupsafe import Markup

_TAG = re.compile(r"</?(?:b|i|u|s|code|pre)>")


def to_plain(text: Markup) -> str:
    """Drop the few tags the catalog uses and unescape entities; user text was escaped, so no
    user-typed '<' can be mistaken for a tag here."""
    return html.unescape(_TAG.sub("", str(text)))
