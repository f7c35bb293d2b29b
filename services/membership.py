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
from sqlalchemy.orm import selectinload

from models import (
    Attendance,
    Cell,
    EndReason,
    Invite,
    JoinRequest,
    JoinState,
    Meeting,
    MeetingState,
    MemberRole,
    Membership,
    MemberStatus,
    OutboxMessage,
    OutboxState,
    Person,
)
from services import audit, roster_store
from services.errors import DomainError
from services.parsing import is_number, looks_like_date, parse_date, parse_int
from services.summary import local_day_bounds
from services.text import clean_name, clean_text, fold, name_key

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
        key = _word_key(words[start : start + size])
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
    session: AsyncSession, request: EndRequest, *, actor_id: int | None, now: datetime, zone: ZoneInfo
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


# Typed words for each status, diacritics, spaces and underscores dropped ("dự bị", "du_bi" -> "dubi").
STATUS_WORDS: dict[str, MemberStatus] = {
    "chinhthuc": MemberStatus.FULL,
    "dangvienchinhthuc": MemberStatus.FULL,
    "dubi": MemberStatus.PROBATIONARY,
    "dangviendubi": MemberStatus.PROBATIONARY,
    "miensinhhoat": MemberStatus.EXEMPT,
    "mien": MemberStatus.EXEMPT,
    "tamthoi": MemberStatus.TEMPORARY,
    "sinhhoattamthoi": MemberStatus.TEMPORARY,
}
_LONGEST_STATUS = 4  # words in "đảng viên chính thức"
NAME_CHARS = 200


def _word_key(words: list[str]) -> str:
    return fold("".join(words)).replace("_", "")


def split_status(text: str) -> tuple[str, MemberStatus | None]:
    """`<họ tên> [trạng thái]`: the status its last words name, if any, and the words before it."""
    words = text.split()
    for size in range(min(_LONGEST_STATUS, len(words) - 1), 0, -1):
        status = STATUS_WORDS.get(_word_key(words[-size:]))
        if status is not None:
            return " ".join(words[:-size]), status
    return " ".join(words), None


def parse_status(roster: Sequence[Membership], text: str) -> tuple[Membership, MemberStatus]:
    """`/trangthai <tên|số> <trạng thái>`."""
    who, status = split_status(text)
    if status is None or not who:
        raise DomainError("status-usage")
    return pick_member(roster, who), status


async def add_member(
    session: AsyncSession, cell: Cell, name: str, status: MemberStatus, *, actor_id: int | None, now: datetime
) -> Membership:
    """One member added to a cell by name, the way a roster row without ids would be: a name the
    cell already lists is refused, one whose membership there ended is taken back. Serialised with
    roster imports (their lock), so two adds of one name cannot make two people."""
    name = clean_name(name)
    if not name or is_number(name.replace(" ", "")) or any(mark in name for mark in ",;/"):
        raise DomainError("add-usage")
    if len(name) > NAME_CHARS:
        raise DomainError("add-name-too-long", max=NAME_CHARS)
    await roster_store.lock(session)
    listed = (
        await session.scalars(
            select(Membership).where(Membership.cell_id == cell.id).options(selectinload(Membership.person))
        )
    ).all()
    same = [m for m in listed if name_key(m.person.full_name) == name_key(name)]
    if len(same) > 1:
        raise DomainError("end-ambiguous", name=name)
    if same and same[0].ended_at is None:
        raise DomainError("add-already", name=same[0].person.full_name, cell=cell.name)
    if same:
        membership = _taken_back(same[0], status)
        action = "readmit"
    else:
        person = Person(full_name=name)
        session.add(person)
        await session.flush()
        membership = Membership(person_id=person.id, cell_id=cell.id, role=MemberRole.MEMBER, status=status)
        session.add(membership)
        action = "add_member"
    await session.flush()
    audit.record(
        session, actor_id=actor_id, subject_id=membership.person_id, action=action, detail=f"cell {cell.id}", now=now
    )
    await session.refresh(membership, ["person"])
    return membership


def _taken_back(membership: Membership, status: MemberStatus) -> Membership:
    """An ended membership current again, as an ordinary member (the row keeps its past meetings)."""
    membership.ended_at, membership.end_reason, membership.end_note = None, None, None
    membership.role, membership.status = MemberRole.MEMBER, status
    return membership


async def change_status(
    session: AsyncSession, membership: Membership, status: MemberStatus, *, actor_id: int | None, now: datetime
) -> MemberStatus:
    """Dự bị → chính thức, miễn sinh hoạt, tạm thời; returns the status before. Audited."""
    before = membership.status
    if before is status:
        raise DomainError("status-same", name=membership.person.full_name)
    done = await session.execute(
        update(Membership)
        .where(Membership.id == membership.id, Membership.current(), Membership.status == before)
        .values(status=status)
        .execution_options(synchronize_session=False)
    )
    if not getattr(done, "rowcount", 0):
        raise DomainError("status-changed-meanwhile", name=membership.person.full_name)
    await session.refresh(membership)
    audit.record(
        session,
        actor_id=actor_id,
        subject_id=membership.person_id,
        action="change_status",
        detail=f"cell {membership.cell_id}: {before.value} -> {status.value}",
        now=now,
    )
    return before


async def transfer(
    session: AsyncSession,
    membership: Membership,
    target: Cell,
    *,
    actor_id: int | None,
    now: datetime,
    zone: ZoneInfo,
) -> Membership:
    """Chuyển sinh hoạt: ends here today (moved), starts there with the same status; both cells keep
    their history. A member who once belonged to the target is taken back there."""
    if target.id == membership.cell_id:
        raise DomainError("transfer-same", cell=target.name)
    there = await session.scalar(
        select(Membership).where(Membership.person_id == membership.person_id, Membership.cell_id == target.id)
    )
    if there is not None and there.ended_at is None:
        raise DomainError("transfer-already-there", name=membership.person.full_name, cell=target.name)
    day = now.astimezone(zone).date()
    note = f"→ {target.name}"[:NOTE_CHARS]
    await end_membership(
        session, EndRequest(membership, EndReason.MOVED, day, note), actor_id=actor_id, now=now, zone=zone
    )
    if there is None:
        there = Membership(person_id=membership.person_id, cell_id=target.id, status=membership.status)
        session.add(there)
    else:
        _taken_back(there, membership.status)
    await session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        subject_id=membership.person_id,
        action="transfer",
        detail=f"cell {membership.cell_id} -> cell {target.id}",
        now=now,
    )
    return there


def member_then_text(roster: Sequence[Membership], text: str, *, skip: tuple[str, ...] = ()) -> tuple[Membership, str]:
    """`<tên|số> <the rest>`: the shortest leading words that name one member, and the words after
    them (less a leading word of `skip`, such as "sang"). Names are never guessed: an inexact
    name is refused with suggestions, as /ketthuc does."""
    words = text.split()
    refusal: DomainError | None = None
    for size in range(1, len(words) + 1):
        try:
            member = pick_member(roster, " ".join(words[:size]))
        except DomainError as error:
            refusal = refusal or error
            continue
        rest = words[size:]
        if rest and fold(rest[0]) in skip:
            rest = rest[1:]
        return member, " ".join(rest)
    raise refusal or DomainError("transfer-usage")
