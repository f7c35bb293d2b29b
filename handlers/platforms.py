"""What each chat platform can do, as the platform's channel declares it (bot.py collects them).

Handlers ask here instead of knowing platforms: whether a sent message can be edited later (else a
re-run posts a replacement) and how much text one message holds (for splitting).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlatformTraits:
    can_edit: bool
    # Visible characters in one message (UTF-16 code units, as handlers/textsplit.py measures).
    text_limit: int


# For a platform no channel declared (none configured in this process): nothing is assumed.
UNKNOWN = PlatformTraits(can_edit=False, text_limit=2000)
