"""Each meeting's reminder plan: the steps derived from its start and the configured offsets,
and the notice kinds the outbox carries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from core.config import Config
from core.localtime import days_before
from core.messages import Keyboard
from models import (
    Meeting,
    MeetingState,
    OutboxState,
)
from services.meetings import CURRENT_GRACE
from services.outbox import Recipient

# A person linked on several platforms is reminded once, on the first of these.
# After this long without a summary the reminder is no longer worth sending.
SUMMARY_CUTOFF = timedelta(days=14)
# How many names a tally lists before "and N more".
NAMES_SHOWN = 30


class Kind(StrEnum):
    """Outbox kinds written here (the dispatcher's staleness rules key on them)."""

    ANNOUNCE = "announce"
    NUDGE = "nudge"
    TALLY = "tally"
    SOON = "soon"
    OPEN = "open"
    SUMMARY = "summary"
    SETTLE = "settle"
    CANCELLED = "cancelled"
    MOVED = "moved"
    UNDELIVERED = "undelivered"
    NO_DAY = "noday"


# Messages that will never arrive: the platform refused the chat, or retries ran out.
NOT_DELIVERED = (OutboxState.UNDELIVERABLE, OutboxState.FAILED)
# What members and groups receive about a meeting's time: replaced by a cancel or move notice.
MEMBER_KINDS = (Kind.ANNOUNCE, Kind.NUDGE, Kind.SOON, Kind.MOVED)


@dataclass(frozen=True)
class Notice:
    """What to say, for the renderer (handlers/reminders.py) to put into words and buttons."""

    kind: Kind
    cell_name: str
    meeting: Meeting | None = None
    # Add the RSVP buttons (members; not groups' short notices, not supervisors).
    rsvp: bool = False
    args: Mapping[str, Any] = field(default_factory=dict)


Rendered = tuple[str, Keyboard]


class Render(Protocol):
    """Turns a notice into catalog markup and its buttons; lives in handlers/."""

    def __call__(self, notice: Notice) -> Rendered: ...


@dataclass(frozen=True)
class Step:
    name: str
    kind: Kind
    at: datetime
    until: datetime | None


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M")


def step_key(meeting: Meeting, step: str, to: Recipient) -> str:
    return f"m{meeting.id}:{step}.{stamp(meeting.starts_at)}:{to.platform.value}:{to.chat_id}"


def plan(meeting: Meeting, config: Config) -> list[Step]:
    """The pre-meeting steps and the start step. Day offsets keep the local wall-clock hour (23 or
    25 hours across a DST change); hour and minute offsets are exact durations."""
    zone = config.schedule.zone
    steps = []
    for index, (delta, days) in enumerate(config.reminders.schedule):
        at = days_before(meeting.starts_at, days, zone) if days else meeting.starts_at - delta
        minutes = int(delta.total_seconds() // 60)
        if index == 0:
            steps.append(Step("announce", Kind.ANNOUNCE, at, meeting.starts_at))
        elif delta >= timedelta(days=1):
            steps.append(Step(f"nudge-{minutes}m", Kind.NUDGE, at, meeting.starts_at))
        else:
            steps.append(Step(f"soon-{minutes}m", Kind.SOON, at, meeting.starts_at))
    steps.append(Step("open", Kind.OPEN, meeting.starts_at, meeting.starts_at + CURRENT_GRACE))
    return steps


def settle_step(meeting: Meeting) -> Step | None:
    """A meeting whose time passed without check-in stays unsettled (not held): once its check-in
    could no longer open, the secretary is asked, once, to settle it afterwards or cancel it."""
    if meeting.state is not MeetingState.PLANNED:
        return None
    return Step("settle", Kind.SETTLE, meeting.starts_at + CURRENT_GRACE, meeting.starts_at + SUMMARY_CUTOFF)


def summary_step(meeting: Meeting, config: Config) -> Step | None:
    closed = meeting.closed_at or meeting.checkin_closes_at
    if meeting.state is not MeetingState.CLOSED or meeting.summary_at is not None or closed is None:
        return None
    at = closed + timedelta(hours=config.reminders.summary_after_hours)
    return Step("summary", Kind.SUMMARY, at, closed + SUMMARY_CUTOFF)
