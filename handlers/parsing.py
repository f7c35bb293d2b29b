"""Dates and times as secretaries type them: 04/12, 04/12/2026, 2026-12-04; 19:30 or 19h30."""

from __future__ import annotations

import re
from datetime import date, time

from services.errors import DomainError

_DATE = re.compile(r"^(?:(\d{1,2})/(\d{1,2})(?:/(\d{4}))?|(\d{4})-(\d{2})-(\d{2}))$")
_TIME = re.compile(r"^(\d{1,2})[:hg](\d{2})$")


def parse_date(text: str, today: date) -> date:
    """dd/mm, dd/mm/yyyy or yyyy-mm-dd; a date without a year means its next occurrence."""
    match = _DATE.match(text)
    if not match:
        raise DomainError("schedule-bad-date", text=text)
    if match.group(4):
        year, month, day = int(match.group(4)), int(match.group(5)), int(match.group(6))
    else:
        day, month = int(match.group(1)), int(match.group(2))
        year = int(match.group(3)) if match.group(3) else today.year
    try:
        found = date(year, month, day)
    except ValueError:
        raise DomainError("schedule-no-such-date", text=text) from None
    if not match.group(3) and not match.group(4) and found < today:
        found = found.replace(year=year + 1)
    return found


def parse_time(text: str) -> time:
    match = _TIME.match(text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise DomainError("schedule-bad-time", text=text)
    return time(int(match.group(1)), int(match.group(2)))
