"""Erasing one person's personal data on request, keeping the counts the cell's records rest on.

The person row stays under a placeholder name so attendance rows, and with them every total,
rate and summary, are unchanged; what identifies or describes her goes: name, phone, chat
accounts, absence reasons, opinion texts, name claims, invite codes, messages addressed to her
and the details of audit entries about her. The audit entry of the erasure names the admin and
the person's id, never what was erased.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Absence,
    Account,
    Attendance,
    AuditEntry,
    CalendarToken,
    Cell,
    CommitteeRole,
    EndReason,
    Invite,
    JoinRequest,
    Membership,
    Opinion,
    OutboxMessage,
    Person,
    Supervision,
    SupervisorVisit,
)
from services import audit
from services.errors import DomainError
from services.text import name_key


@dataclass(frozen=True)
class Preview:
    """What an erasure will touch, shown before the admin confirms."""

    person_id: int
    name: str
    cells: Sequence[str]
    accounts: int
    reasons: int
    opinions: int


MAX_ID = 2**31 - 1  # PostgreSQL's integer; a bigger number is nobody, not a database error


async def person_to_erase(session: AsyncSession, person_id: int) -> Person:
    person = await session.get(Person, person_id) if 0 < person_id <= MAX_ID else None
    if person is None:
        raise DomainError("erase-unknown", id=str(person_id))
    if person.erased_at is not None:
        raise DomainError("erase-already", id=str(person_id))
    return person


async def people_named(
    session: AsyncSession, name: str, cell_name: str | None = None, within: Select[int] | None = None
) -> Sequence[tuple[int, str]]:
    """(person id, cell name) of everyone with exactly this name (every diacritic counts), in a
    cell of that name if given, among the cells `within` if given (an admin of part of the tree):
    the admin then confirms by id, never by a name."""
    query = (
        select(Person.id, Person.full_name, Cell.name)
        .join(Membership, Membership.person_id == Person.id)
        .join(Cell, Cell.id == Membership.cell_id)
        .where(Person.erased_at.is_(None))
        .order_by(Person.id, Cell.name)
    )
    rows = (await session.execute(query if within is None else query.where(Cell.id.in_(within)))).all()
    return [
        (pid, cell)
        for pid, full_name, cell in rows
        if name_key(full_name) == name_key(name) and (cell_name is None or name_key(cell) == name_key(cell_name))
    ]


async def preview(session: AsyncSession, person: Person) -> Preview:
    cells = (
        await session.scalars(
            select(Cell.name).join(Membership, Membership.cell_id == Cell.id).where(Membership.person_id == person.id)
        )
    ).all()
    accounts = await session.scalar(select(func.count(Account.id)).where(Account.person_id == person.id))
    reasons = await session.scalar(
        select(func.count(Attendance.id)).where(Attendance.person_id == person.id, Attendance.reason.is_not(None))
    )
    opinions = await session.scalar(select(func.count(Opinion.id)).where(Opinion.person_id == person.id))
    return Preview(person.id, person.full_name, list(cells), accounts or 0, reasons or 0, opinions or 0)


async def erase(
    session: AsyncSession,
    person: Person,
    *,
    placeholder: str,
    erased_text: str,
    actor_id: int | None,
    actor_label: str,
    now: datetime,
) -> None:
    """Erase in the caller's transaction. `placeholder` replaces the name, `erased_text` each opinion
    and each comment made as a supervisor."""
    pid = person.id
    # Decided by the database: two admins confirming at once erase once and audit once.
    done = await session.execute(
        update(Person)
        .where(Person.id == pid, Person.erased_at.is_(None))
        .values(full_name=placeholder, phone=None, wants_reminders=None, erased_at=now)
        .execution_options(synchronize_session=False)
    )
    if not getattr(done, "rowcount", 0):
        raise DomainError("erase-already", id=str(pid))
    await session.refresh(person)
    await session.execute(delete(Account).where(Account.person_id == pid))
    await session.execute(delete(JoinRequest).where(JoinRequest.person_id == pid))
    await session.execute(delete(Invite).where(Invite.person_id == pid))
    await session.execute(delete(OutboxMessage).where(OutboxMessage.person_id == pid))
    await session.execute(delete(Supervision).where(Supervision.person_id == pid))
    await session.execute(delete(CommitteeRole).where(CommitteeRole.person_id == pid))
    await session.execute(delete(CalendarToken).where(CalendarToken.person_id == pid))
    await session.execute(delete(Absence).where(Absence.person_id == pid))
    await session.execute(update(Attendance).where(Attendance.person_id == pid).values(reason=None))
    await session.execute(update(Opinion).where(Opinion.person_id == pid).values(text=erased_text))
    await session.execute(
        update(SupervisorVisit)
        .where(SupervisorVisit.person_id == pid, SupervisorVisit.comment.is_not(None))
        .values(comment=erased_text)
    )
    await session.execute(update(AuditEntry).where(AuditEntry.subject_id == pid).values(detail=None))
    await session.execute(update(Membership).where(Membership.person_id == pid).values(end_note=None))
    # She leaves every cell she was still in: nobody can be reminded or counted under a placeholder.
    await session.execute(
        update(Membership)
        .where(Membership.person_id == pid, Membership.current())
        .values(ended_at=now, end_reason=EndReason.OTHER)
    )
    audit.record(session, actor_id=actor_id, subject_id=pid, action="erase", detail=f"by {actor_label}", now=now)
    await session.flush()
