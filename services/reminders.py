"""Each meeting's reminder plan and the notices around it, written to the outbox.

The plan is derived, every time the dispatcher runs, from the meeting's start and the configured
offsets (largest first), so no schedule lives only in memory:

- the first offset (3 days): ANNOUNCE in the cell's groups and privately to every linked member who
  gets reminders, with the RSVP buttons; supervisors following the cell get it without buttons;
- other offsets of a day or more (1 day): NUDGE privately to members who have not answered, and a
  TALLY of the answers plus a reminder to publish the documents to the secretary;
- offsets under a day (2 hours): a SOON notice in the groups;
- at the start: OPEN, a button for the secretary that opens check-in;
- `summary_after_hours` after check-in closed with no summary: SUMMARY to the secretary, once.

A step is written once (ReminderStep is unique per meeting and step) in the same transaction as
its outbox rows. Keys are `m<meeting>:<step>.<start yyyymmddHHMM>:<platform>:<chat>`, so moving a
meeting re-arms the steps still ahead of it. After downtime, a step whose moment passed is still
written while the meeting is ahead (its rows expire at the start), and the later steps it covers
are skipped: a member gets one message, not three. Exempted members get reminders only if they
asked (Person.wants_reminders); a member who excused themselves gets nothing more.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import String, and_, case, cast, delete, exists, func, literal, null, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Config
from core.messages import Keyboard
from models import (
    Account,
    Attendance,
    Cell,
    Meeting,
    MeetingState,
    MemberRole,
    Membership,
    MemberStatus,
    OutboxMessage,
    OutboxState,
    Person,
    Platform,
    ReminderStep,
    Rsvp,
    Supervision,
)
from models.db import insert_ignoring_duplicates
from services import chats
from services.errors import DomainError
from services.meetings import ACTIVE_STATES, CURRENT_GRACE, MEETING_SLOT
from services.outbox import Recipient, enqueue
from services.text import fold

# A person linked on several platforms is reminded once, on the first of these.
PLATFORM_PREFERENCE = (Platform.TELEGRAM, Platform.ZALO)
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


@dataclass(frozen=True)
class Member:
    """A cell member as the reminders see them: who, how to reach them, what they answered."""

    person_id: int
    name: str
    role: MemberRole
    status: MemberStatus
    wants: bool | None
    rsvp: Rsvp | None
    to: Recipient | None

    @property
    def gets_reminders(self) -> bool:
        """Exempted members only if they asked; anyone may have switched reminders off."""
        return self.wants if self.wants is not None else self.status is not MemberStatus.EXEMPT


@dataclass(frozen=True)
class Target:
    to: Recipient
    rsvp: bool


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M")


def step_key(meeting: Meeting, step: str, to: Recipient) -> str:
    return f"m{meeting.id}:{step}.{stamp(meeting.starts_at)}:{to.platform.value}:{to.chat_id}"


def plan(meeting: Meeting, config: Config) -> list[Step]:
    """The pre-meeting steps and the start step. Day offsets keep the local wall-clock time."""
    local = meeting.starts_at.astimezone(config.schedule.zone)
    steps = []
    for index, delta in enumerate(config.reminders.deltas):
        at = (local - delta).astimezone(UTC)
        minutes = int(delta.total_seconds() // 60)
        if index == 0:
            steps.append(Step("announce", Kind.ANNOUNCE, at, meeting.starts_at))
        elif delta >= timedelta(days=1):
            steps.append(Step(f"nudge-{minutes}m", Kind.NUDGE, at, meeting.starts_at))
        else:
            steps.append(Step(f"soon-{minutes}m", Kind.SOON, at, meeting.starts_at))
    steps.append(Step("open", Kind.OPEN, meeting.starts_at, meeting.starts_at + CURRENT_GRACE))
    return steps


def summary_step(meeting: Meeting, config: Config) -> Step | None:
    closed = meeting.closed_at or meeting.checkin_closes_at
    if meeting.state is not MeetingState.CLOSED or meeting.summary_at is not None or closed is None:
        return None
    at = closed + timedelta(hours=config.reminders.summary_after_hours)
    return Step("summary", Kind.SUMMARY, at, closed + SUMMARY_CUTOFF)


# --- who ---------------------------------------------------------------------------------------


async def members(session: AsyncSession, cell_id: int, meeting_id: int | None = None) -> list[Member]:
    """Every member of the cell with their preferred chat account and their answer, in one query."""
    answer = Attendance.rsvp if meeting_id is not None else null()
    query = (
        select(
            Membership.person_id,
            Person.full_name,
            Membership.role,
            Membership.status,
            Person.wants_reminders,
            Account.platform,
            Account.external_id,
            answer,
        )
        .join(Person, Person.id == Membership.person_id)
        .outerjoin(Account, (Account.person_id == Person.id) & Account.platform.in_(PLATFORM_PREFERENCE))
        .where(Membership.cell_id == cell_id)
        .order_by(Person.full_name, Person.id)
    )
    if meeting_id is not None:
        query = query.outerjoin(
            Attendance, (Attendance.person_id == Membership.person_id) & (Attendance.meeting_id == meeting_id)
        )
    found: dict[int, Member] = {}
    for person_id, name, role, status, wants, platform, external_id, rsvp in (await session.execute(query)).all():
        to = Recipient(platform, external_id, person_id) if platform is not None else None
        current = found.get(person_id)
        if current is not None and not _prefer(to, current.to):
            continue
        found[person_id] = Member(person_id, name, role, status, wants, rsvp, to)
    # Sorted here, not by the database: collations differ and Đ belongs with D.
    return sorted(found.values(), key=lambda m: (fold(m.name), m.person_id))


def _prefer(new: Recipient | None, old: Recipient | None) -> bool:
    if new is None:
        return False
    return old is None or PLATFORM_PREFERENCE.index(new.platform) < PLATFORM_PREFERENCE.index(old.platform)


def leaders(roster: Sequence[Member]) -> list[Target]:
    """The secretary; the deputies when no secretary can be reached."""
    for role in (MemberRole.SECRETARY, MemberRole.DEPUTY):
        found = [Target(m.to, False) for m in roster if m.role is role and m.to is not None]
        if found:
            return found
    return []


async def supervisors(session: AsyncSession, cell_id: int, skip: set[int]) -> list[Target]:
    rows = (
        await session.execute(
            select(Supervision.person_id, Account.platform, Account.external_id)
            .join(Account, Account.person_id == Supervision.person_id)
            .where(Supervision.cell_id == cell_id, Account.platform.in_(PLATFORM_PREFERENCE))
        )
    ).all()
    best: dict[int, Recipient] = {}
    for person_id, platform, external_id in rows:
        to = Recipient(platform, external_id, person_id)
        if person_id not in skip and _prefer(to, best.get(person_id)):
            best[person_id] = to
    return [Target(to, False) for to in best.values()]


async def groups(session: AsyncSession, cell_id: int) -> list[Target]:
    return [Target(Recipient(g.platform, g.chat_id), True) for g in await chats.cell_groups(session, cell_id)]


def reminded(roster: Sequence[Member], *, answered_ok: bool) -> list[Member]:
    """Members who get this reminder: linked, wanting reminders, not excused (and not answered, for nudges)."""
    return [
        m
        for m in roster
        if m.to is not None and m.gets_reminders and m.rsvp is not Rsvp.ABSENT and (answered_ok or m.rsvp is None)
    ]


# --- writing -----------------------------------------------------------------------------------


async def _mark(session: AsyncSession, meeting_id: int, step: str, now: datetime) -> bool:
    """Claim a step for this transaction; False when another process has written it already."""
    values = {"meeting_id": meeting_id, "step": step, "done_at": now, "messages": 0}
    result = await session.execute(insert_ignoring_duplicates(session, ReminderStep, values, ["meeting_id", "step"]))
    return bool(getattr(result, "rowcount", 0))


async def _write(
    session: AsyncSession,
    meeting: Meeting,
    step: str,
    notice: Notice,
    targets: Sequence[Target],
    render: Render,
    *,
    now: datetime,
    expires_at: datetime | None,
) -> int:
    rendered: dict[bool, Rendered] = {}
    written = 0
    for target in targets:
        if target.rsvp not in rendered:
            rendered[target.rsvp] = render(replace(notice, rsvp=target.rsvp))
        text, buttons = rendered[target.rsvp]
        if await enqueue(
            session,
            key=step_key(meeting, step, target.to),
            to=target.to,
            text=text,
            kind=notice.kind.value,
            not_before=now,
            buttons=buttons,
            meeting_id=meeting.id,
            expires_at=expires_at,
        ):
            written += 1
    return written


async def due_meetings(session: AsyncSession, config: Config, now: datetime) -> list[int]:
    """Meetings that may have a step due: planned ones near their start, closed ones awaiting a summary."""
    # A margin for day offsets, which follow the local wall clock across daylight-saving changes.
    horizon = now + config.reminders.deltas[0] + timedelta(hours=2)
    after = timedelta(hours=config.reminders.summary_after_hours)
    closed = func.coalesce(Meeting.closed_at, Meeting.checkin_closes_at)
    summary_done = exists().where(ReminderStep.meeting_id == Meeting.id, ReminderStep.step == "summary")
    query = (
        select(Meeting.id)
        .where(
            or_(
                and_(
                    Meeting.state == MeetingState.PLANNED,
                    Meeting.starts_at > now - CURRENT_GRACE,
                    Meeting.starts_at <= horizon,
                ),
                and_(
                    Meeting.state == MeetingState.CLOSED,
                    Meeting.summary_at.is_(None),
                    closed <= now - after,
                    closed > now - SUMMARY_CUTOFF,
                    ~summary_done,
                ),
            )
        )
        .order_by(Meeting.starts_at)
    )
    return list((await session.scalars(query)).all())


async def write_due_steps(session: AsyncSession, meeting_id: int, config: Config, now: datetime, render: Render) -> int:
    """Write every step of one meeting whose moment has come; returns how many messages. Caller commits."""
    meeting = await session.get(Meeting, meeting_id, populate_existing=True)
    if meeting is None:
        return 0
    done = set((await session.scalars(select(ReminderStep.step).where(ReminderStep.meeting_id == meeting_id))).all())
    steps = plan(meeting, config) if meeting.state is MeetingState.PLANNED else []
    summary = summary_step(meeting, config)
    if summary is not None:
        steps.append(summary)
    due = [s for s in steps if s.name not in done and s.at <= now and (s.until is None or now < s.until)]
    if not due:
        return 0
    cell = await session.get(Cell, meeting.cell_id)
    assert cell is not None
    roster = await members(session, cell.id, meeting.id)
    announcing = any(s.kind is Kind.ANNOUNCE for s in due)
    written = 0
    for step in due:
        if not await _mark(session, meeting.id, step.name, now):
            continue
        # Of several due steps of one kind (after downtime) only the latest speaks.
        if any(s.kind is step.kind and s.at > step.at for s in due):
            continue
        count = await _write_step(session, meeting, cell, step, roster, render, now, announcing=announcing)
        await session.execute(
            update(ReminderStep)
            .where(ReminderStep.meeting_id == meeting.id, ReminderStep.step == step.name)
            .values(messages=count)
        )
        written += count
    return written


async def _write_step(
    session: AsyncSession,
    meeting: Meeting,
    cell: Cell,
    step: Step,
    roster: Sequence[Member],
    render: Render,
    now: datetime,
    *,
    announcing: bool,
) -> int:
    notice = Notice(step.kind, cell.name, meeting)
    targets: list[Target] = []
    if step.kind is Kind.ANNOUNCE:
        people = reminded(roster, answered_ok=True)
        targets = await groups(session, cell.id)
        targets += [Target(m.to, True) for m in people if m.to is not None]
        targets += await supervisors(session, cell.id, {m.person_id for m in roster})
    elif step.kind is Kind.NUDGE:
        if not announcing:
            targets = [Target(m.to, True) for m in reminded(roster, answered_ok=False) if m.to is not None]
        written = await _write(session, meeting, step.name, notice, targets, render, now=now, expires_at=step.until)
        tally = Notice(Kind.TALLY, cell.name, meeting, args=await tally_args(session, meeting, roster))
        return written + await _write(
            session, meeting, f"{step.name}-tally", tally, leaders(roster), render, now=now, expires_at=step.until
        )
    elif step.kind is Kind.SOON:
        targets = [] if announcing else await groups(session, cell.id)
    elif step.kind in (Kind.OPEN, Kind.SUMMARY):
        targets = leaders(roster)
    return await _write(session, meeting, step.name, notice, targets, render, now=now, expires_at=step.until)


def names_list(names: Sequence[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (f" (+{len(names) - NAMES_SHOWN})" if len(names) > NAMES_SHOWN else "")


async def tally_args(session: AsyncSession, meeting: Meeting, roster: Sequence[Member]) -> dict[str, Any]:
    """The RSVP count the secretary gets the day before, and who could not be reached."""
    counted = [m for m in roster if m.status is not MemberStatus.EXEMPT]
    silent = [m.name for m in counted if m.rsvp is None]
    unreachable = await undelivered_names(session, meeting.id)
    unreachable += [m.name for m in roster if m.to is None and m.gets_reminders and m.name not in unreachable]
    return {
        "attend": sum(m.rsvp is Rsvp.ATTEND for m in roster),
        "absent": sum(m.rsvp is Rsvp.ABSENT for m in roster),
        "silent": len(silent),
        "silent_names": names_list(silent),
        "unreachable": names_list(unreachable),
    }


async def undelivered_names(session: AsyncSession, meeting_id: int) -> list[str]:
    rows = await session.scalars(
        select(Person.full_name)
        .join(OutboxMessage, OutboxMessage.person_id == Person.id)
        .where(
            OutboxMessage.meeting_id == meeting_id,
            OutboxMessage.state.in_(NOT_DELIVERED),
            OutboxMessage.kind.in_(MEMBER_KINDS),
        )
        .distinct()
        .order_by(Person.full_name)
    )
    return list(rows.all())


# --- keeping the outbox honest -------------------------------------------------------------------


async def drop_stale(session: AsyncSession, now: datetime) -> int:
    """Drop queued messages that must no longer go out; returns how many. Runs before each dispatch.

    Past their expiry (a reminder for a meeting that has begun), for a cancelled meeting, to a member
    who has since excused themselves (or answered, for nudges), an open-check-in button after
    check-in opened, a summary reminder after the summary was made.
    """
    pending = OutboxMessage.state == OutboxState.PENDING
    answered = (
        select(Attendance.id)
        .where(
            Attendance.meeting_id == OutboxMessage.meeting_id,
            Attendance.person_id == OutboxMessage.person_id,
            or_(Attendance.rsvp == Rsvp.ABSENT, and_(OutboxMessage.kind == Kind.NUDGE, Attendance.rsvp.is_not(None))),
        )
        .exists()
    )
    moot_meeting = (
        select(Meeting.id)
        .where(
            Meeting.id == OutboxMessage.meeting_id,
            or_(
                and_(Meeting.state == MeetingState.CANCELLED, OutboxMessage.kind != Kind.CANCELLED),
                and_(OutboxMessage.kind == Kind.OPEN, Meeting.state != MeetingState.PLANNED),
                and_(OutboxMessage.kind == Kind.SUMMARY, Meeting.summary_at.is_not(None)),
            ),
        )
        .exists()
    )
    expired = OutboxMessage.expires_at <= now
    excused = OutboxMessage.kind.in_([Kind.ANNOUNCE, Kind.NUDGE]) & OutboxMessage.person_id.is_not(None) & answered
    moot = OutboxMessage.kind.in_(list(Kind)) & moot_meeting
    if await session.scalar(select(OutboxMessage.id).where(pending).limit(1)) is None:
        return 0
    result = await session.execute(
        update(OutboxMessage)
        .where(pending, or_(expired, excused, moot))
        .values(
            state=OutboxState.DROPPED,
            last_error=case((expired, "expired"), (excused, "answered"), else_="moot"),
            claimed_by=None,
            claimed_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))


@dataclass(frozen=True)
class Undelivered:
    written: int
    # Some meeting's fan-out is still going: call again later.
    waiting: bool


async def report_undelivered(
    session: AsyncSession, now: datetime, render: Render, platforms: Collection[Platform]
) -> Undelivered:
    """Tell the secretary who could not be reached (blocked the bot, never started it, left the
    group), once per person and meeting, when the meeting's fan-out on `platforms` (those running)
    has finished."""
    rows = (
        await session.execute(
            select(OutboxMessage.meeting_id, OutboxMessage.platform, OutboxMessage.chat_id, Person.full_name)
            .outerjoin(Person, Person.id == OutboxMessage.person_id)
            .where(
                OutboxMessage.state.in_(NOT_DELIVERED),
                OutboxMessage.kind.in_(MEMBER_KINDS),
                OutboxMessage.meeting_id.is_not(None),
                ~exists().where(
                    ReminderStep.meeting_id == OutboxMessage.meeting_id,
                    ReminderStep.step
                    == literal("undelivered:") + cast(OutboxMessage.platform, String) + ":" + OutboxMessage.chat_id,
                ),
            )
            .order_by(OutboxMessage.meeting_id, Person.full_name)
        )
    ).all()
    by_meeting: dict[int, list[tuple[str, str | None]]] = {}
    for meeting_id, platform, chat_id, name in rows:
        if meeting_id is not None:
            by_meeting.setdefault(meeting_id, []).append((f"undelivered:{platform.value}:{chat_id}", name))
    written = 0
    waiting = False
    for meeting_id, found in by_meeting.items():
        busy = await session.scalar(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.meeting_id == meeting_id,
                OutboxMessage.state == OutboxState.PENDING,
                OutboxMessage.kind.in_(MEMBER_KINDS),
                OutboxMessage.not_before <= now,
                OutboxMessage.platform.in_(list(platforms)),
            )
            .limit(1)
        )
        meeting = await session.get(Meeting, meeting_id)
        if busy is not None or meeting is None:
            waiting = waiting or busy is not None
            continue
        fresh = [(step, name) for step, name in found if await _mark(session, meeting_id, step, now)]
        if not fresh:
            continue
        people = sorted({name for _, name in fresh if name})
        cell = await session.get(Cell, meeting.cell_id)
        assert cell is not None
        notice = Notice(
            Kind.UNDELIVERED,
            cell.name,
            meeting,
            args={"names": names_list(people), "groups": sum(name is None for _, name in fresh)},
        )
        digest = hashlib.sha1("|".join(step for step, _ in fresh).encode(), usedforsecurity=False).hexdigest()[:10]
        roster = await members(session, cell.id)
        written += await _write(
            session, meeting, f"undelivered-{digest}", notice, leaders(roster), render, now=now, expires_at=None
        )
    return Undelivered(written, waiting)


# --- the secretary's actions -------------------------------------------------------------------


async def _informed(session: AsyncSession, meeting: Meeting, now: datetime) -> list[Recipient]:
    """Chats that got (or are getting right now) a reminder of this meeting."""
    in_flight = and_(OutboxMessage.state == OutboxState.PENDING, OutboxMessage.claimed_until > now)
    rows = (
        await session.execute(
            select(OutboxMessage.platform, OutboxMessage.chat_id, OutboxMessage.person_id)
            .where(
                OutboxMessage.meeting_id == meeting.id,
                OutboxMessage.kind.in_(MEMBER_KINDS),
                or_(OutboxMessage.state == OutboxState.SENT, in_flight),
            )
            .distinct()
        )
    ).all()
    return sorted({Recipient(p, c, person) for p, c, person in rows}, key=lambda r: (r.platform, r.chat_id))


async def _drop_queued(session: AsyncSession, meeting: Meeting, now: datetime, why: str) -> None:
    """Queued reminders of the meeting stop; one being sent right now cannot be called back."""
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.meeting_id == meeting.id,
            OutboxMessage.state == OutboxState.PENDING,
            OutboxMessage.kind.in_([Kind.ANNOUNCE, Kind.NUDGE, Kind.TALLY, Kind.SOON, Kind.OPEN, Kind.MOVED]),
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
        )
        .values(state=OutboxState.DROPPED, last_error=why)
        .execution_options(synchronize_session=False)
    )


async def cancel_meeting(
    session: AsyncSession, meeting: Meeting, now: datetime, render: Render, *, reason: str | None
) -> int:
    """Cancel a planned meeting: queued reminders stop, everyone already reminded is told.

    Returns how many chats are told. The caller checks the actor runs the cell, and commits.
    """
    if meeting.state is not MeetingState.PLANNED:
        raise DomainError("reminders-cancel-not-planned")
    meeting.state = MeetingState.CANCELLED
    await session.flush()
    told = await _informed(session, meeting, now)
    await _drop_queued(session, meeting, now, "cancelled")
    cell = await session.get(Cell, meeting.cell_id)
    assert cell is not None
    notice = Notice(Kind.CANCELLED, cell.name, meeting, args={"reason": reason or ""})
    return await _write(
        session, meeting, "cancelled", notice, [Target(r, False) for r in told], render, now=now, expires_at=None
    )


async def move_meeting(
    session: AsyncSession,
    meeting: Meeting,
    starts_at: datetime,
    config: Config,
    now: datetime,
    render: Render,
    *,
    place: str | None,
) -> int:
    """Move a planned meeting: its reminders follow it, and those already reminded are told.

    Steps still ahead of the new time fire again at their new moment; steps whose new moment has
    passed are covered by the notice. Returns how many chats are told. The caller commits.
    """
    if meeting.state is not MeetingState.PLANNED:
        raise DomainError("reminders-move-not-planned")
    if starts_at <= now:
        raise DomainError("err-meeting-in-past")
    clash = await session.scalar(
        select(Meeting.id).where(
            Meeting.cell_id == meeting.cell_id,
            Meeting.id != meeting.id,
            Meeting.state.in_(ACTIVE_STATES),
            Meeting.starts_at > starts_at - MEETING_SLOT,
            Meeting.starts_at < starts_at + MEETING_SLOT,
        )
    )
    if clash is not None:
        raise DomainError("err-meeting-overlap")
    told = await _informed(session, meeting, now)
    await _drop_queued(session, meeting, now, "moved")
    previous = meeting.starts_at
    meeting.starts_at = starts_at
    meeting.place = place
    steps = plan(meeting, config)
    await session.execute(
        delete(ReminderStep).where(
            ReminderStep.meeting_id == meeting.id, ReminderStep.step.in_([s.name for s in steps if s.at > now])
        )
    )
    await session.flush()
    if not told:
        return 0
    # The notice carries the new time and the RSVP buttons: nudges already due would only repeat it.
    for step in steps:
        if step.at <= now and step.kind in (Kind.NUDGE, Kind.SOON):
            await _mark(session, meeting.id, step.name, now)
    cell = await session.get(Cell, meeting.cell_id)
    assert cell is not None
    roster = {m.person_id: m for m in await members(session, cell.id, meeting.id)}
    notice = Notice(Kind.MOVED, cell.name, meeting, args={"previous": previous})
    targets = [Target(r, r.person_id is None or r.person_id in roster) for r in told]
    return await _write(session, meeting, "moved", notice, targets, render, now=now, expires_at=starts_at)


async def resend(session: AsyncSession, meeting: Meeting, config: Config, now: datetime, render: Render) -> list[str]:
    """/nhaclai: the current reminder again, privately, to members who have not answered.

    At most once per `[reminders] resend_minutes` per meeting. Returns the names reminded; members
    who have not answered and cannot be reached are the caller's to list (see `unreachable`).
    """
    if meeting.state is not MeetingState.PLANNED or now >= meeting.starts_at:
        raise DomainError("reminders-resend-too-late")
    steps = (
        await session.execute(
            select(ReminderStep.step, ReminderStep.done_at).where(ReminderStep.meeting_id == meeting.id)
        )
    ).all()
    resent = [at for name, at in steps if name.startswith("resend-")]
    wait = timedelta(minutes=config.reminders.resend_minutes)
    if resent and max(resent) + wait > now:
        raise DomainError("reminders-resend-wait", at=_local_time(max(resent) + wait, config))
    cell = await session.get(Cell, meeting.cell_id)
    assert cell is not None
    silent = reminded(await members(session, cell.id, meeting.id), answered_ok=False)
    if not silent:
        raise DomainError("reminders-resend-nobody")
    step = f"resend-{len(resent) + 1}"
    if not await _mark(session, meeting.id, step, now):
        raise DomainError("reminders-resend-wait", at=_local_time(now + wait, config))
    nudged = any(name.startswith("nudge-") for name, _ in steps)
    notice = Notice(Kind.NUDGE if nudged else Kind.ANNOUNCE, cell.name, meeting)
    targets = [Target(m.to, True) for m in silent if m.to is not None]
    await _write(session, meeting, step, notice, targets, render, now=now, expires_at=meeting.starts_at)
    return [m.name for m in silent]


def _local_time(moment: datetime, config: Config) -> str:
    return moment.astimezone(config.schedule.zone).strftime("%H:%M")


def unreachable(roster: Sequence[Member]) -> list[str]:
    """Members who should get reminders but have linked no chat account."""
    return [m.name for m in roster if m.to is None and m.gets_reminders and m.rsvp is None]


async def tell_no_day(session: AsyncSession, cell: Cell, month: str, now: datetime, render: Render) -> int:
    """Every allowed day of the month is a skip date: the secretary must pick one (told once)."""
    notice = Notice(Kind.NO_DAY, cell.name, args={"month": f"{month[5:]}/{month[:4]}"})
    written = 0
    for target in leaders(await members(session, cell.id)):
        text, buttons = render(notice)
        written += await enqueue(
            session,
            key=f"c{cell.id}:noday.{month}:{target.to.platform.value}:{target.to.chat_id}",
            to=target.to,
            text=text,
            kind=Kind.NO_DAY.value,
            not_before=now,
            buttons=buttons,
        )
    return written
