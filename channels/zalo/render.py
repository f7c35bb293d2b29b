"""A neutral message as Zalo text: plain text, numbered choices instead of buttons.

The documented sendMessage takes only `chat_id` and `text` (no parse mode), so catalog markup is
turned into plain text (channels/plain.py): marks like *bold* would reach elderly members as
literal asterisks. User text was escaped by the catalog and is unescaped only here, at the very
end, so nothing a member typed can be mistaken for markup on the way.
"""

from __future__ import annotations

from markupsafe import Markup

from channels.choices import Choices
from channels.plain import to_plain
from core.i18n import Translator


def render(tr: Translator, text: Markup, choices: Choices) -> str:
    body = to_plain(text).strip()
    if not choices.buttons:
        return body
    lines = [body, "", to_plain(tr.t("zalo-choices-title"))]
    lines += [to_plain(tr.t("zalo-choice-line", number=n, label=b.label)) for n, b in choices.numbered()]
    declining = choices.declining()
    if declining is not None and declining.data.startswith("rsvp:"):
        number = choices.buttons.index(declining) + 1
        lines.append(to_plain(tr.t("zalo-choices-reason-hint", number=number)))
    return "\n".join(lines)
