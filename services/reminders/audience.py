"""Who the reminders reach: a cell's members with how to reach them and what they answered,
its leaders, supervisors and groups, and the tally of answers for the secretary."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, null, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from models import (
    Account,
    Attendance,
    Meeting,
    MemberRole,
    Membership,
    MemberStatus,
    OutboxMessage,
    Person,
    Platform,
    Rsvp,
    Supervision,
    SupervisorVisit,
)
from services import absences, chats, materials
from services.outbox import Recipient
from services.people import PLATFORM_PREFERENCE, preferred_platform
from services.reminders.timeline import MEMBER_KINDS, NAMES_SHOWN, NOT_DELIVERED
from services.text import fold


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


def _reachable() -> ColumnElement[bool]:
    """Accounts that can be messaged privately: on a platform that reminds, and connected (the
    person wrote to the bot once; before that the platform refuses, "chat not found")."""
    return Account.platform.in_(PLATFORM_PREFERENCE) & Account.connected_at.is_not(None)


def _roster(answer: ColumnElement[Any] | InstrumentedAttribute[Any]) -> Select[Any]:
    """Members with their cell, their reachable accounts and `answer`, one row per account."""
    return (
        select(
            Membership.cell_id,
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
        .outerjoin(Account, (Account.person_id == Person.id) & _reachable())
        .order_by(Person.full_name, Person.id)
    )


def _by_cell(rows: Iterable[Sequence[Any]]) -> dict[int, dict[int, Member]]:
    """Each cell's members by person, each at their preferred account."""
    found: dict[int, dict[int, Member]] = {}
    for cell_id, person_id, name, role, status, wants, platform, external_id, rsvp in rows:
        to = Recipient(platform, external_id, person_id) if platform is not None else None
        cell = found.setdefault(cell_id, {})
        current = cell.get(person_id)
        if current is not None and not _prefer(to, current.to):
            continue
        cell[person_id] = Member(person_id, name, role, status, wants, rsvp, to)
    return found


def _sorted(found: dict[int, Member]) -> list[Member]:
    # Sorted here, not by the database: collations differ and Đ belongs with D.
    return sorted(found.values(), key=lambda m: (fold(m.name), m.person_id))


async def members(session: AsyncSession, cell_id: int, meeting_id: int | None = None) -> list[Member]:
    """Every member of the cell with their preferred chat account and their answer, in one query."""
    answer = Attendance.rsvp if meeting_id is not None else null()
    query = _roster(answer).where(Membership.cell_id == cell_id)
    if meeting_id is not None:
        # Members at the meeting's time: someone whose membership ended before it is not reminded.
        query = (
            query.outerjoin(
                Attendance, (Attendance.person_id == Membership.person_id) & (Attendance.meeting_id == meeting_id)
            )
            .join(Meeting, Meeting.id == meeting_id)
            .where(Membership.active_at(Meeting.starts_at))
        )
    else:
        query = query.where(Membership.current())
    found = _by_cell((await session.execute(query)).all()).get(cell_id, {})
    if meeting_id is not None:
        # A period declared ahead (/tamvang) excuses the member: no reminders, counted as absent.
        meeting = await session.get(Meeting, meeting_id)
        for person_id in await absences.excused(session, meeting) if meeting is not None else {}:
            if person_id in found:
                found[person_id] = replace(found[person_id], rsvp=Rsvp.ABSENT)
    return _sorted(found)


async def current_members(session: AsyncSession, cell_ids: Collection[int]) -> dict[int, list[Member]]:
    """`members` of many cells at once (current members, no answer), by cell, in one query: a
    fan-out to a ward's hundred cells asks once, not a hundred times."""
    query = _roster(null()).where(Membership.cell_id.in_(cell_ids), Membership.current())
    return {cell_id: _sorted(found) for cell_id, found in _by_cell((await session.execute(query)).all()).items()}


def _prefer(new: Recipient | None, old: Recipient | None) -> bool:
    if new is None:
        return False
    return old is None or preferred_platform((new.platform, old.platform)) is new.platform


def leaders(roster: Sequence[Member]) -> list[Target]:
    """The secretary; the deputies when no secretary can be reached."""
    for role in (MemberRole.SECRETARY, MemberRole.DEPUTY):
        found = [Target(m.to, False) for m in roster if m.role is role and m.to is not None]
        if found:
            return found
    return []


def _best(rows: Sequence[tuple[int, Platform, str]], skip: set[int]) -> list[Recipient]:
    """Each person's preferred reachable chat among (person, platform, account) rows."""
    best: dict[int, Recipient] = {}
    for person_id, platform, external_id in rows:
        to = Recipient(platform, external_id, person_id)
        if person_id not in skip and _prefer(to, best.get(person_id)):
            best[person_id] = to
    return list(best.values())


async def supervisors(session: AsyncSession, cell_id: int, skip: set[int]) -> list[Target]:
    rows = (
        await session.execute(
            select(Supervision.person_id, Account.platform, Account.external_id)
            .join(Account, (Account.person_id == Supervision.person_id) & _reachable())
            .where(Supervision.cell_id == cell_id)
        )
    ).all()
    return [Target(to, False) for to in _best(rows, skip)]


async def registered_visitors(session: AsyncSession, meeting_id: int) -> list[Recipient]:
    """The supervisors registered to attend the meeting (services/visits.py), at their preferred chat:
    they hear of its cancellation or move as members do."""
    rows = (
        await session.execute(
            select(SupervisorVisit.person_id, Account.platform, Account.external_id)
            .join(Account, (Account.person_id == SupervisorVisit.person_id) & _reachable())
            .where(
                SupervisorVisit.meeting_id == meeting_id,
                SupervisorVisit.registered_at.is_not(None),
                SupervisorVisit.cancelled_at.is_(None),
            )
        )
    ).all()
    return _best(rows, set())


async def groups(session: AsyncSession, cell_id: int) -> list[Target]:
    return [Target(Recipient(g.platform, g.chat_id), True) for g in await chats.cell_groups(session, cell_id)]


def reminded(roster: Sequence[Member], *, answered_ok: bool) -> list[Member]:
    """Members who get this reminder: linked, wanting reminders, not excused (and not answered, for nudges)."""
    return [
        m
        for m in roster
        if m.to is not None and m.gets_reminders and m.rsvp is not Rsvp.ABSENT and (answered_ok or m.rsvp is None)
    ]


def names_list(names: Sequence[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (f" (+{len(names) - NAMES_SHOWN})" if len(names) > NAMES_SHOWN else "")


async def tally_args(
    session: AsyncSession, meeting: Meeting, roster: Sequence[Member], zone: ZoneInfo
) -> dict[str, Any]:
    """The RSVP count the secretary gets the day before, who could not be reached, who has not
    connected yet (no account, or one that never wrote to the bot: never messaged, only named), and
    who has not read the month's materials (/tailieu)."""
    counted = [m for m in roster if m.status is not MemberStatus.EXEMPT]
    silent = [m.name for m in counted if m.rsvp is None]
    unreachable = await undelivered_names(session, meeting.id)
    not_connected = [m.name for m in roster if m.to is None and m.gets_reminders]
    return {
        "attend": sum(m.rsvp is Rsvp.ATTEND for m in roster),
        "absent": sum(m.rsvp is Rsvp.ABSENT for m in roster),
        "silent": len(silent),
        "silent_names": names_list(silent),
        "unreachable": names_list(unreachable),
        "not_connected": names_list(not_connected),
        "unread": names_list(
            await materials.unread_names(session, meeting.cell_id, materials.month_of(meeting.starts_at, zone))
        ),
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


def unreachable(roster: Sequence[Member]) -> list[str]:
    """Members who should get reminders but have no connected chat account."""
    return [m.name for m in roster if m.to is None and m.gets_reminders and m.rsvp is None]
