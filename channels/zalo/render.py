"""A neutral message as Zalo text: plain text, numbered choices instead of buttons.

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


def render(tr: Translator, text: Markup, shown: Sequence[Markup] = ()) -> str:
    """The message as plain text with its choices (channels/choices.py `lines`) under it."""
    body = to_plain(text).strip()
    if not shown:
        return body
    return "\n".join([body, "", *(to_plain(line) for line in shown)])
