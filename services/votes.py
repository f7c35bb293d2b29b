"""Biểu quyết: a resolution put to the vote during a meeting, one answer per member, the result
counted by the rule of domain.md and frozen when the vote closes.

Who may answer: members of the cell present at the meeting (checked in, or marked present by the
secretary) who are full members, exempted members included (an exempted member is a full member
spared from meetings; when present she votes). Probationary members do not vote (Điều lệ Đảng);
temporarily attending members vote in their home cell.

The count: against the full members called to the meeting, excluding temporarily attending members
and absent exempted members: `called` = full members + exempted members present. The resolution
passes with more than half of `called` answering Tán thành (a present member who did not answer
counts as not in favour). Who answered what is stored only while the vote is open (one answer per
member, replaceable until closing), never shown, and deleted once counted: only the totals remain.

Closing is claimed in the database (a conditional UPDATE), so the secretary's command and the
scheduled job, or two workers, close a vote once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Attendance,
    Meeting,
    MeetingState,
    Membership,
    MemberStatus,
    OutboxMessage,
    OutboxState,
    PostedMessage,
    Vote,
    VoteBallot,
    VoteChoice,
)
from models.db import insert_ignoring_duplicates
from services.errors import DomainError
from services.meetings import CURRENT_GRACE, current_meeting
from services.outbox import Recipient
from services.reminders import members
from services.text import clean_text

TEXT_MAX = 1000
# Statuses whose holders vote when present.
VOTING = (MemberStatus.FULL, MemberStatus.EXEMPT)


def ballot_key_prefix(vote: Vote) -> str:
    """The outbox keys of a vote's private ballots start with this (then platform and chat)."""
    return f"vote{vote.id}:"


def post_purpose(vote: Vote) -> str:
    """The PostedMessage purpose of a vote's group post (edited to show the result at closing)."""
    return f"vote{vote.id}"


async def meeting_in_progress(session: AsyncSession, cell_id: int, now: datetime) -> Meeting:
    """The meeting a vote belongs to: check-in open, or check-in closed within the last hours (the
    meeting goes on after the roll call). Anything else is refused: votes happen in a meeting."""
    meeting = await current_meeting(session, cell_id, now)
    if meeting is not None and meeting.state is MeetingState.CHECKIN_OPEN:
        return meeting
    held = await session.scalar(
        select(Meeting)
        .where(
            Meeting.cell_id == cell_id,
            Meeting.state == MeetingState.CLOSED,
            Meeting.closed_at >= now - CURRENT_GRACE,
        )
        .order_by(Meeting.closed_at.desc())
        .limit(1)
    )
    if held is None:
        raise DomainError("vote-no-meeting")
    return held


async def open_vote_at(session: AsyncSession, meeting_id: int) -> Vote | None:
    return await session.scalar(select(Vote).where(Vote.open_meeting_id == meeting_id))


async def open_vote(
    session: AsyncSession, meeting: Meeting, text: str, opened_by: int, now: datetime, minutes: int
) -> Vote:
    """Put `text` to the vote; one vote at a time per meeting (the database refuses a second)."""
    text = " ".join(clean_text(text).split())
    if not text:
        raise DomainError("vote-usage")
    if len(text) > TEXT_MAX:
        raise DomainError("vote-too-long", limit=TEXT_MAX, length=len(text))
    current = await open_vote_at(session, meeting.id)
    if current is not None:
        raise DomainError("vote-already-open", number=current.number, text=current.text)
    number = (await session.scalar(select(func.max(Vote.number)).where(Vote.meeting_id == meeting.id)) or 0) + 1
    vote = Vote(
        meeting_id=meeting.id,
        number=number,
        text=text,
        opened_by_id=opened_by,
        opened_at=now,
        closes_at=now + timedelta(minutes=minutes),
        open_meeting_id=meeting.id,
    )
    session.add(vote)
    try:
        await session.flush()
    except IntegrityError as race:
        # Another secretary opened one at the same instant: theirs stands.
        raise DomainError("vote-already-open", number=number, text=text) from race
    return vote


async def open_in_cell(session: AsyncSession, cell_id: int) -> Vote | None:
    """The cell's open vote, whichever meeting it belongs to (at most one per meeting)."""
    return await session.scalar(
        select(Vote)
        .join(Meeting, Meeting.id == Vote.meeting_id)
        .where(Meeting.cell_id == cell_id, Vote.closed_at.is_(None))
        .order_by(Vote.id.desc())
        .limit(1)
    )


async def present_voters(session: AsyncSession, meeting: Meeting) -> set[int]:
    """The members present at the meeting who may vote."""
    rows = await session.scalars(
        select(Membership.person_id)
        .join(Attendance, (Attendance.person_id == Membership.person_id) & (Attendance.meeting_id == meeting.id))
        .where(
            Membership.cell_id == meeting.cell_id,
            Membership.active_at(meeting.starts_at),
            Membership.status.in_(VOTING),
            Attendance.checked_in_at.is_not(None),
        )
    )
    return set(rows.all())


async def opener(session: AsyncSession, vote: Vote) -> Recipient | None:
    """Where to tell the leader who opened the vote its result (her preferred connected chat)."""
    meeting = await session.get(Meeting, vote.meeting_id)
    if meeting is None or vote.opened_by_id is None:
        return None
    found = [m.to for m in await members(session, meeting.cell_id, meeting.id) if m.person_id == vote.opened_by_id]
    return found[0] if found else None


def is_open(vote: Vote, now: datetime) -> bool:
    return vote.closed_at is None and now < vote.closes_at


async def _voter_status(session: AsyncSession, vote: Vote, person_id: int) -> tuple[MemberStatus, bool]:
    """The member's party status at the meeting and whether she is present; refuses a non-member."""
    row = (
        await session.execute(
            select(Membership.status, Attendance.checked_in_at)
            .join(Meeting, Meeting.cell_id == Membership.cell_id)
            .outerjoin(Attendance, (Attendance.meeting_id == Meeting.id) & (Attendance.person_id == person_id))
            .where(Meeting.id == vote.meeting_id, Membership.person_id == person_id)
            .where(Membership.active_at(Meeting.starts_at))
        )
    ).first()
    if row is None:
        raise DomainError("err-not-your-cell")
    return row[0], row[1] is not None


async def cast(
    session: AsyncSession, vote: Vote, person_id: int, choice: VoteChoice, now: datetime
) -> VoteChoice | None:
    """Record the member's answer; returns her earlier answer (None if this is the first)."""
    if not is_open(vote, now):
        raise DomainError("vote-closed", number=vote.number)
    status, present = await _voter_status(session, vote, person_id)
    if status is MemberStatus.PROBATIONARY:
        raise DomainError("vote-probationary")
    if status is MemberStatus.TEMPORARY:
        raise DomainError("vote-temporary")
    if not present:
        raise DomainError("vote-not-present")
    values = {"vote_id": vote.id, "person_id": person_id, "choice": choice, "cast_at": now}
    first = await session.execute(insert_ignoring_duplicates(session, VoteBallot, values, ["vote_id", "person_id"]))
    ballot = await session.scalar(
        select(VoteBallot)
        .where(VoteBallot.vote_id == vote.id, VoteBallot.person_id == person_id)
        .execution_options(populate_existing=True)
    )
    assert ballot is not None
    earlier = None if getattr(first, "rowcount", 0) else ballot.choice
    ballot.choice, ballot.cast_at = choice, now
    return earlier


async def answered(session: AsyncSession, vote: Vote) -> int:
    """How many members have answered so far (not how)."""
    return await session.scalar(select(func.count()).where(VoteBallot.vote_id == vote.id)) or 0


async def _count(session: AsyncSession, vote: Vote) -> None:
    """Freeze the result on the vote, in one query over the cell's members at the meeting."""
    status, present = Membership.status, Attendance.checked_in_at.is_not(None)
    voting = present & status.in_(VOTING)
    row = (
        await session.execute(
            select(
                func.count().filter(status == MemberStatus.FULL),
                func.count().filter((status == MemberStatus.EXEMPT) & present),
                func.count().filter((status == MemberStatus.EXEMPT) & ~present),
                func.count().filter(status == MemberStatus.TEMPORARY),
                func.count().filter(status == MemberStatus.PROBATIONARY),
                func.count().filter(voting & (VoteBallot.choice == VoteChoice.YES)),
                func.count().filter(voting & (VoteBallot.choice == VoteChoice.NO)),
            )
            .select_from(Membership)
            .join(Meeting, Meeting.cell_id == Membership.cell_id)
            .outerjoin(
                Attendance, (Attendance.meeting_id == Meeting.id) & (Attendance.person_id == Membership.person_id)
            )
            .outerjoin(VoteBallot, (VoteBallot.vote_id == vote.id) & (VoteBallot.person_id == Membership.person_id))
            .where(Meeting.id == vote.meeting_id, Membership.active_at(Meeting.starts_at))
        )
    ).one()
    full, exempt_present, vote.exempt_absent, vote.temporary, vote.probationary, vote.yes, vote.no = row
    vote.called = full + exempt_present


async def close(session: AsyncSession, vote: Vote, now: datetime) -> Vote:
    """Close the vote and count it; refused if it was closed already (by the job or another leader)."""
    claimed = await session.execute(
        update(Vote)
        .where(Vote.id == vote.id, Vote.closed_at.is_(None))
        .values(closed_at=now, open_meeting_id=None)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        raise DomainError("vote-closed", number=vote.number)
    await session.refresh(vote)
    await _count(session, vote)
    # A secret ballot: once counted, who answered what is forgotten; only the totals stay.
    await session.execute(delete(VoteBallot).where(VoteBallot.vote_id == vote.id))
    # Ballots still waiting in the outbox (closed early) would only tell members it is over.
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.key.like(f"{ballot_key_prefix(vote)}%"), OutboxMessage.state == OutboxState.PENDING)
        .values(state=OutboxState.DROPPED)
        .execution_options(synchronize_session=False)
    )
    await session.flush()
    return vote


async def close_due(session: AsyncSession, now: datetime) -> list[Vote]:
    """Close every vote whose time is up; the scheduler calls this (two workers close each once)."""
    due = (
        await session.scalars(
            select(Vote).where(Vote.closed_at.is_(None), Vote.closes_at <= now).with_for_update(skip_locked=True)
        )
    ).all()
    closed = []
    for vote in due:
        try:
            closed.append(await close(session, vote, now))
        except DomainError:
            continue  # the secretary closed it meanwhile
    return closed


async def results(session: AsyncSession, meeting_id: int) -> Sequence[Vote]:
    """The meeting's closed votes in the order they were held (for the summary and the minutes)."""
    return (
        await session.scalars(
            select(Vote).where(Vote.meeting_id == meeting_id, Vote.closed_at.is_not(None)).order_by(Vote.number)
        )
    ).all()


async def posts(session: AsyncSession, vote: Vote) -> Sequence[PostedMessage]:
    """The group messages that showed this vote's buttons."""
    query = select(PostedMessage).where(
        PostedMessage.meeting_id == vote.meeting_id, PostedMessage.purpose == post_purpose(vote)
    )
    return (await session.scalars(query)).all()


def passed(vote: Vote) -> bool:
    """More than half of the full members called answered Tán thành (integer arithmetic)."""
    return bool(vote.called) and 2 * (vote.yes or 0) > (vote.called or 0)
