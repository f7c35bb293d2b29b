"""Local wall-clock times in the configured zone turned into instants without guessing.

A `datetime(..., tzinfo=zone)` silently accepts a local time that does not exist (the hour the
clocks skip in spring) and picks one of the two instants of a time that happens twice (the hour
repeated in autumn). Here both cases are detected, so callers can refuse them or say what they did.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo


class Fit(StrEnum):
    EXACT = "exact"
    # The local time falls in the hour the clocks skip: moved to the first time that exists.
    GAP = "gap"
    # The local time happens twice when the clocks go back: the first (earlier) instant is taken.
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True)
class Resolved:
    """The UTC instant for a wanted local time, and how well it fits."""

    at: datetime
    fit: Fit


def resolve(day: date, at: time, zone: ZoneInfo) -> Resolved:
    """The instant of `day` `at` local time: exact, the end of a gap, or the first of two."""
    wall = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    first = wall.replace(tzinfo=zone, fold=0)
    second = wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return Resolved(first.astimezone(UTC), Fit.EXACT)
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall:
        return Resolved(first.astimezone(UTC), Fit.AMBIGUOUS)
    return Resolved(_gap_end(second.astimezone(UTC), first.astimezone(UTC), zone), Fit.GAP)


def _gap_end(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The transition instant between `before` (old offset) and `after` (new offset), to the second."""
    old = before.astimezone(zone).utcoffset()
    low, high = int(before.timestamp()), int(after.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == old:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)


def days_before(moment: datetime, days: int, zone: ZoneInfo) -> datetime:
    """The same local hour `days` days before `moment` (so the UTC gap is 23 or 25 hours across DST)."""
    local = moment.astimezone(zone)
    earlier = local.date() - timedelta(days=days)
    return resolve(earlier, local.time(), zone).at


# Files in the zone database that are not zones a committee can mean.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@cache
def iana_zones() -> frozenset[str]:
    return frozenset(
        name
        for name in zoneinfo.available_timezones()
        if name not in _NOT_ZONES and not name.startswith(("posix/", "right/"))
    )


def is_iana(name: str) -> bool:
    """A real IANA zone name (Asia/Ho_Chi_Minh), not "localtime" or a file the system happens to have."""
    return name in iana_zones()
