"""Ending a membership: moved away, removed from the rolls, died. History stays, the future does not.

An ended membership keeps its row, so past attendance, opinions and summaries keep their cell;
`Membership.active_at` leaves it out of every roster from the end date on. The date is never
after today: an ending in the future would make "current member" depend on the hour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Attendance,
    EndReason,
    Invite,
    JoinRequest,
    JoinState,
    Meeting,
    MeetingState,
    Membership,
    OutboxMessage,
    OutboxState,
)
from services import audit
from services.errors import DomainError
from services.parsing import is_number, looks_like_date, parse_date, parse_int
from services.summary import local_day_bounds
from services.text import clean_text, fold, name_key

# Typed words for each reason, diacritics, spaces and underscores dropped ("chuyển đi", "chuyen_di" -> "chuyendi").
REASON_WORDS: dict[str, EndReason] = {
    "chuyendi": EndReason.MOVED,
    "chuyensinhhoat": EndReason.MOVED,
    "chuyensinhhoatdi": EndReason.MOVED,
    "moved": EndReason.MOVED,
    "xoaten": EndReason.REMOVED,
    "removed": EndReason.REMOVED,
    "tutran": EndReason.DIED,
    "died": EndReason.DIED,
    "khac": EndReason.OTHER,
    "other": EndReason.OTHER,
}
_LONGEST_REASON = 4  # words in "chuyển sinh hoạt đi"
NOTE_CHARS = 500
SUGGESTIONS = 5


@dataclass(frozen=True)
class EndRequest:
    """`/ketthuc <tên|số> <lý do> [dd/mm/yyyy] [ghi chú]`, parsed against the cell's roster."""

    membership: Membership
    reason: EndReason
    day: date
    note: str | None


def pick_member(roster: Sequence[Membership], who: str) -> Membership:
    """One member by roster number or by the exact name (every diacritic counts: Tâm is not Tám).

    A near name is only suggested, never acted on: ending the wrong membership is not a typo to forgive.
    """
    who = " ".join(who.split())
    if is_number(who):
        return roster[parse_int(who, 1, len(roster), "mark-no-number", count=len(roster)) - 1]
    exact = [m for m in roster if name_key(m.person.full_name) == name_key(who)]
    if len(exact) == 1:
        return exact[0]
    if exact:
        raise DomainError("end-ambiguous", name=who)
    near = [m.person.full_name for m in roster if fold(who) and fold(who) in fold(m.person.full_name)]
    if near:
        raise DomainError("end-did-you-mean", name=who, names=", ".join(near[:SUGGESTIONS]))
    raise DomainError("mark-no-name", name=who)


def _reason_at(words: list[str], start: int) -> tuple[EndReason, int] | None:
    """The reason that begins at `start` and how many words it takes."""
    for size in range(_LONGEST_REASON, 0, -1):
        key = fold("".join(words[start : start + size])).replace("_", "")
        if start + size <= len(words) and key in REASON_WORDS:
            return REASON_WORDS[key], size
    return None


def parse_end(roster: Sequence[Membership], text: str, today: date) -> EndRequest:
    """The first reason word after which the words before it name one member (a name may hold "Khắc")."""
    words = text.split()
    refusal: DomainError | None = None
    for start in range(1, len(words)):
        found = _reason_at(words, start)
        if found is None:
            continue
        try:
            membership = pick_member(roster, " ".join(words[:start]))
        except DomainError as error:
            refusal = refusal or error
            continue
        reason, size = found
        rest = words[start + size :]
        day = today
        if rest and looks_like_date(rest[0]):
            day = parse_date(rest[0], today, past=True)
            rest = rest[1:]
        note = clean_text(" ".join(rest))[:NOTE_CHARS] or None
        return EndRequest(membership, reason, day, note)
    raise refusal or DomainError("end-usage")


async def end_membership(
    session: AsyncSession, request: EndRequest, *, actor_id: int, now: datetime, zone: ZoneInfo
) -> Membership:
    """End it from the start of `request.day` (local); audited. Answers already given for meetings
    after that day, her pending reminders, invite codes and name claims for the cell go with it."""
    membership = request.membership
    today = now.astimezone(zone).date()
    if request.day > today:
        raise DomainError("end-future", date=request.day.strftime("%d/%m/%Y"))
    ended_at, _ = local_day_bounds(request.day, zone)
    person_id, cell_id = membership.person_id, membership.cell_id
    # Decided by the database: of two secretaries ending her at once, one wins and one is told.
    done = await session.execute(
        update(Membership)
        .where(Membership.id == membership.id, Membership.current())
        .values(ended_at=ended_at, end_reason=request.reason, end_note=request.note)
        .execution_options(synchronize_session=False)
    )
    if not getattr(done, "rowcount", 0):
        raise DomainError("end-already", name=membership.person.full_name)
    await session.refresh(membership)
    unsettled = select(Meeting.id).where(
        Meeting.cell_id == cell_id,
        Meeting.state.in_((MeetingState.PLANNED, MeetingState.CHECKIN_OPEN)),
        Meeting.starts_at >= ended_at,
    )
    await session.execute(
        delete(Attendance).where(Attendance.person_id == person_id, Attendance.meeting_id.in_(unsettled))
    )
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.person_id == person_id,
            OutboxMessage.state == OutboxState.PENDING,
            OutboxMessage.meeting_id.in_(select(Meeting.id).where(Meeting.cell_id == cell_id)),
        )
        .values(state=OutboxState.DROPPED)
    )
    await session.execute(
        delete(Invite).where(Invite.person_id == person_id, Invite.cell_id == cell_id, Invite.used_at.is_(None))
    )
    await session.execute(
        delete(JoinRequest).where(
            JoinRequest.person_id == person_id,
            JoinRequest.cell_id == cell_id,
            JoinRequest.state == JoinState.PENDING,
        )
    )
    audit.record(
        session,
        actor_id=actor_id,
        subject_id=person_id,
        action="end_membership",
        detail=f"cell {cell_id}: {request.reason.value} from {request.day.isoformat()}",
        now=now,
    )
    await session.flush()
    return membership
