"""Buttons as numbered choices, for channels that have none (the console, Zalo).

The buttons of the last message a chat got are numbered from 1 in reading order; the member
answers with the number, optionally followed by text ("2 bận công tác": the second button, then
"bận công tác" as the answer to the question it asks), or with a word: "có" for the first button,
"vắng <lý do>" / "không" for the button that declines (data ending in ":no").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.messages import Button, Keyboard
from services.text import fold

_NUMBER = re.compile(r"^(\d{1,2})\s*[.):,-]?(?:\s+(.*))?$", re.DOTALL)
_PUNCTUATION = " .!,;:"
YES_WORDS = frozenset({"co", "dong y", "ok"})
# Words that pick the declining button; only the first one may carry a reason after it.
NO_WORDS = frozenset({"vang", "khong"})
REASON_WORD = "vang"


@dataclass(frozen=True)
class Choices:
    buttons: tuple[Button, ...] = ()
    # The message that carried the buttons (handlers may want to edit it).
    message_id: str = ""

    @classmethod
    def of(cls, keyboard: Keyboard, message_id: str = "") -> Choices:
        return cls(tuple(button for row in keyboard for button in row), message_id)

    def numbered(self) -> list[tuple[int, Button]]:
        return list(enumerate(self.buttons, start=1))

    def pick(self, text: str) -> tuple[Button, str] | None:
        """The button a typed answer means and the text that follows it, or None when it means none."""
        text = text.strip()
        match = _NUMBER.match(text)
        if match:
            number = int(match.group(1))
            if 1 <= number <= len(self.buttons):
                return self.buttons[number - 1], (match.group(2) or "").strip()
            return None
        if not self.buttons:
            return None
        folded = fold(text).strip(_PUNCTUATION)
        if folded in YES_WORDS:
            return self.buttons[0], ""
        first, _, rest = folded.partition(" ")
        first = first.strip(_PUNCTUATION)
        declining = self.declining()
        if declining is None or first not in NO_WORDS or (rest and first != REASON_WORD):
            return None
        # Keep the reason as typed (with its diacritics), only the leading word is dropped.
        return declining, text.split(None, 1)[1].strip() if rest else ""

    def declining(self) -> Button | None:
        return next((b for b in self.buttons if b.data.endswith(":no")), None)
