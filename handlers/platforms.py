"""What each chat platform can do, as the platform's channel declares it (bot.py collects them).

Handlers ask here instead of knowing platforms: whether a sent message can be edited later (else a
re-run posts a replacement), how much text one message holds (for splitting) and whether it
takes files.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlatformTraits:
    can_edit: bool
    # Visible characters in one message (UTF-16 code units, as handlers/textsplit.py measures).
    text_limit: int
    # Whether a file (an .ics calendar, an export) reaches the user, not only its caption.
    sends_files: bool = False


# For a platform no channel declared (none configured in this process): nothing is assumed.
UNKNOWN = PlatformTraits(can_edit=False, text_limit=2000)
