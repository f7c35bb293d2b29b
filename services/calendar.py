"""Phone calendars: each member's and each cell's private .ics feed, and the tokens of their addresses.

A feed lists the meetings of the owner's cells (a member: the cells they are in now) with time,
place and agenda, and nothing about any person. Every meeting keeps one UID; a move or a new agenda
raises its SEQUENCE and LAST-MODIFIED (`revise`), and a cancelled meeting stays in the feed with
STATUS:CANCELLED, so a phone that subscribed updates its copy instead of keeping a stale one.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator
from models import CalendarToken, Cell, Meeting, MeetingKind, MeetingState, Membership, Person
from services.text import clean_text, plain_text

# secrets.token_urlsafe(32): 43 characters, 256 bits.
TOKEN_BYTES = 32
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")
SELECTOR_CHARS = 16
# Meetings this far back stay in a feed (the phone keeps last months' meetings as they were held).
FEED_PAST = timedelta(days=180)
# How long a meeting blocks the calendar (Chỉ thị 50-CT/TW: at least 90 minutes, 120 combined).
LENGTH = {MeetingKind.THEMATIC: timedelta(minutes=120)}
DEFAULT_LENGTH = timedelta(minutes=90)
# Clients poll a subscribed feed this often (REFRESH-INTERVAL, and Outlook's X-PUBLISHED-TTL).
REFRESH = timedelta(hours=1)
PRODID = "-//chibo-bot//lich hop chi bo//VI"
FEED_PREFIX = "/lich/"


def revise(meeting: Meeting, now: datetime) -> None:
    """What a phone shows of the meeting changed (time, place, agenda, cancelled): a new revision."""
    meeting.revision += 1
    meeting.changed_at = now


def _new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


async def _token_row(
    session: AsyncSession, *, person_id: int | None = None, cell_id: int | None = None
) -> CalendarToken | None:
    if person_id is not None:
        return await session.scalar(select(CalendarToken).where(CalendarToken.person_id == person_id))
    return await session.scalar(select(CalendarToken).where(CalendarToken.cell_id == cell_id))


async def token_for(
    session: AsyncSession,
    now: datetime,
    *,
    person_id: int | None = None,
    cell_id: int | None = None,
    rotate: bool = False,
) -> str:
    """The owner's token, made on first use; `rotate` replaces it, and the old address stops working.

    Two requests at once for a first token: the database keeps one (one row per owner) and the
    loser reads it.
    """
    row = await _token_row(session, person_id=person_id, cell_id=cell_id)
    token = _new_token()
    if row is not None:
        if rotate:
            row.selector, row.token = token[:SELECTOR_CHARS], token
            await session.flush()
        return row.token
    try:
        async with session.begin_nested():
            session.add(
                CalendarToken(
                    selector=token[:SELECTOR_CHARS], token=token, person_id=person_id, cell_id=cell_id, created_at=now
                )
            )
    except IntegrityError:
        row = await _token_row(session, person_id=person_id, cell_id=cell_id)
        assert row is not None
        return row.token
    return token


@dataclass(frozen=True)
class Owner:
    """Whose feed a token opens: the cells whose meetings it lists, and the calendar's name."""

    cells: Sequence[Cell]
    cell_name: str | None


async def owner_of(session: AsyncSession, token: str) -> Owner | None:
    """The feed a token opens, or None for a malformed, unknown or rotated token, an erased person
    or one with no current cell — all alike, so a caller cannot tell them apart."""
    if not TOKEN_RE.fullmatch(token):
        return None
    row = await session.scalar(select(CalendarToken).where(CalendarToken.selector == token[:SELECTOR_CHARS]))
    if row is None or not hmac.compare_digest(row.token.encode(), token.encode()):
        return None
    if row.cell_id is not None:
        cell = await session.get(Cell, row.cell_id)
        return Owner([cell], cell.name) if cell is not None else None
    assert row.person_id is not None
    owner = await member_owner(session, row.person_id)
    return owner if owner.cells else None


async def member_owner(session: AsyncSession, person_id: int) -> Owner:
    """A member's feed: the cells they are in now (none once erased or every membership ended)."""
    cells = await session.scalars(
        select(Cell)
        .join(Membership, Membership.cell_id == Cell.id)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.person_id == person_id, Membership.current(), Person.erased_at.is_(None))
        .order_by(Cell.id)
    )
    return Owner(cells.all(), None)


async def _meetings(session: AsyncSession, cell_ids: Sequence[int], now: datetime) -> Sequence[Meeting]:
    query = (
        select(Meeting)
        .where(Meeting.cell_id.in_(list(cell_ids)), Meeting.starts_at >= now - FEED_PAST)
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return (await session.scalars(query)).all()


def uid(meeting: Meeting) -> str:
    """Stable for the meeting's life, and unique across installations (ids alone repeat between bots)."""
    return f"meeting-{meeting.id}-{meeting.created_at.astimezone(UTC):%Y%m%dT%H%M%SZ}@chibo-bot"


def _event(tr: Translator, meeting: Meeting, cell_name: str, zone: ZoneInfo) -> icalendar.Event:
    cancelled = meeting.state is MeetingState.CANCELLED
    kind = tr.t(f"kind-{meeting.kind.value}")
    summary = tr.t("calendar-summary-cancelled" if cancelled else "calendar-summary", cell=cell_name, kind=kind)
    revised = (meeting.changed_at or meeting.created_at).astimezone(UTC)
    start = meeting.starts_at.astimezone(zone)
    event = icalendar.Event()
    event.add("uid", uid(meeting))
    # Without a METHOD, DTSTAMP is when the event was last revised (RFC 5545 §3.8.7.2).
    event.add("dtstamp", revised)
    event.add("created", meeting.created_at.astimezone(UTC))
    event.add("last-modified", revised)
    event.add("sequence", meeting.revision)
    event.add("dtstart", start)
    event.add("dtend", start + LENGTH.get(meeting.kind, DEFAULT_LENGTH))
    event.add("summary", plain_text(summary))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if meeting.place:
        event.add("location", clean_text(meeting.place))
    if meeting.agenda:
        event.add("description", clean_text(meeting.agenda))
    return event


async def feed(session: AsyncSession, tr: Translator, owner: Owner, now: datetime, zone: ZoneInfo) -> bytes:
    """The owner's calendar as an .ics file: their cells' meetings from `FEED_PAST` ago on."""
    names = {cell.id: cell.name for cell in owner.cells}
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    title = tr.t("calendar-name-cell", cell=owner.cell_name) if owner.cell_name else tr.t("calendar-name")
    calendar.add("x-wr-calname", plain_text(title))
    calendar.add("x-wr-timezone", zone.key)
    # Properties icalendar has no type for: the duration is typed here, or it would be written as text.
    calendar.add("refresh-interval", icalendar.vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    found = await _meetings(session, list(names), now)
    for meeting in found:
        calendar.add_component(_event(tr, meeting, names[meeting.cell_id], zone))
    if found:
        calendar.add_component(_vtimezone(zone.key))
    return bytes(calendar.to_ical())


@cache
def _vtimezone(key: str) -> icalendar.Timezone:
    """The zone's VTIMEZONE, which the events' TZID points to: built once per process (computing its
    transitions costs more than the rest of a feed), only ever serialized afterwards."""
    return icalendar.Timezone.from_tzinfo(ZoneInfo(key))


def feed_path(token: str) -> str:
    """The address's path under `[server] public_url` (channels/calendar_feed.py serves it)."""
    return f"{FEED_PREFIX}{token}.ics"
