"""Every number, date and time a user types or a button carries, parsed in one place with bounds.

Only ASCII digits count: `str.isdigit` accepts "²" and `int` accepts "٣", and a number with
hundreds of digits reaches the database (an integer column overflows on PostgreSQL) or Fluent's
number formatting. Each parser answers bad input with a `DomainError`, so every command refuses
it the same way and nothing reaches a traceback.
"""

from __future__ import annotations

import re
from datetime import date, time

from core.callback import ID_MAX as ID_MAX  # row ids fit PostgreSQL INTEGER; larger ones are forged
from services.errors import DomainError

# Years a meeting, a register or a typed date may be in.
YEAR_MIN, YEAR_MAX = 2000, 2100

_INT = re.compile(r"[0-9]{1,18}")
_SIGNED = re.compile(r"-?[0-9]{1,18}")
# dd/mm, dd.mm, dd-mm, optionally with a four-digit year after the same kind of separator;
# or ISO yyyy-mm-dd.
_DATE = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})(?:\2([0-9]{4}))?|([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DATE_LIKE = re.compile(r"[0-9]+[/.-][0-9/.-]*")
_TIME = re.compile(r"([0-9]{1,2})[:hHgG]([0-9]{2})")
# How far a date without a year may move to find a year that has it (29/02).
_LEAP_SEARCH = 8


def is_number(text: str) -> bool:
    """Whether a word is written as a plain number (ASCII digits only), whatever its size."""
    return bool(text) and text.isascii() and text.isdigit()


def parse_int(text: str, low: int, high: int, key: str = "err-bad-number", **args: object) -> int:
    """A whole number from `low` to `high`; anything else is refused with `key` (given the text,
    the bounds and `args`)."""
    if not (_SIGNED if low < 0 else _INT).fullmatch(text) or not low <= int(text) <= high:
        raise DomainError(key, text=text, low=str(low), high=str(high), **args)
    return int(text)


def parse_id(text: str) -> int | None:
    """A row id carried by a button, or None for anything that cannot be one (forged, stale)."""
    if not _INT.fullmatch(text) or not 1 <= int(text) <= ID_MAX:
        return None
    return int(text)


def parse_year(text: str) -> int:
    return parse_int(text, YEAR_MIN, YEAR_MAX, "err-bad-year")


def looks_like_date(word: str) -> bool:
    """Whether a word is meant as a date (digits with a separator), to be parsed or refused as one."""
    return bool(_DATE_LIKE.fullmatch(word))


def parse_date(text: str, today: date, *, past: bool = False) -> date:
    """dd/mm, dd.mm, dd-mm, dd/mm/yyyy or yyyy-mm-dd. A date without a year is the next such day
    from `today` on, or with `past` the latest one up to `today` (a report is about a held meeting).
    """
    match = _DATE.fullmatch(text.strip())
    if not match:
        raise DomainError("err-bad-date", text=text)
    if match.group(5):
        typed_year, month, day = match.group(5), int(match.group(6)), int(match.group(7))
    elif match.group(4):
        day, month, typed_year = int(match.group(1)), int(match.group(3)), match.group(4)
    else:
        return _nearest(int(match.group(1)), int(match.group(3)), today, past, text)
    year = parse_year(typed_year)
    try:
        return date(year, month, day)
    except ValueError:
        raise DomainError("err-no-such-date", text=text) from None


def _nearest(day: int, month: int, today: date, past: bool, text: str) -> date:
    try:
        date(2000, month, day)  # a leap year: every day that exists in some year exists in it
    except ValueError:
        raise DomainError("err-no-such-date", text=text) from None
    step = -1 if past else 1
    for offset in range(_LEAP_SEARCH + 1):
        try:
            found = date(today.year + step * offset, month, day)
        except ValueError:  # 29/02 outside a leap year
            continue
        if (found <= today) if past else (found >= today):
            return found
    raise DomainError("err-no-such-date", text=text)


def parse_time(text: str) -> time:
    """19:30, 19h30 or 19g30."""
    match = _TIME.fullmatch(text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise DomainError("schedule-bad-time", text=text)
    return time(int(match.group(1)), int(match.group(2)))
