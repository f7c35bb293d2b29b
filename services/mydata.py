"""Everything the bot holds about one person, for `/dulieucuatoi`: as JSON, and as counts for chats without files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models import (
    Absence,
    Account,
    Attendance,
    AuditEntry,
    Cell,
    Committee,
    JoinRequest,
    Material,
    MaterialRead,
    Meeting,
    Membership,
    Opinion,
    Person,
    Supervision,
    SupervisorVisit,
)


@dataclass(frozen=True)
class MyData:
    content: dict[str, Any]

    def json_bytes(self) -> bytes:
        return json.dumps(self.content, ensure_ascii=False, indent=2).encode("utf-8")

    def count(self, part: str) -> int:
        return len(self.content[part])


def _local(value: datetime | None, zone: ZoneInfo) -> str | None:
    return value.astimezone(zone).isoformat(timespec="minutes") if value is not None else None


async def collect(session: AsyncSession, person_id: int, zone: ZoneInfo, now: datetime) -> MyData:
    """A fixed number of queries; other members appear only as the secretary who changed her record."""
    person = await session.get(Person, person_id)
    assert person is not None
    accounts = (await session.scalars(select(Account).where(Account.person_id == person_id))).all()
    memberships = (
        await session.execute(
            select(Membership, Cell.name, Committee.name)
            .join(Cell, Cell.id == Membership.cell_id)
            .join(Committee, Committee.id == Cell.committee_id)
            .where(Membership.person_id == person_id)
            .order_by(Membership.id)
        )
    ).all()
    supervised = (
        await session.scalars(
            select(Cell.name)
            .join(Supervision, Supervision.cell_id == Cell.id)
            .where(Supervision.person_id == person_id)
        )
    ).all()
    attendance = (
        await session.execute(
            select(Attendance, Meeting, Cell.name)
            .join(Meeting, Meeting.id == Attendance.meeting_id)
            .join(Cell, Cell.id == Meeting.cell_id)
            .where(Attendance.person_id == person_id)
            .order_by(Meeting.starts_at)
        )
    ).all()
    opinions = (
        await session.execute(
            select(Opinion, Meeting.starts_at, Cell.name)
            .join(Meeting, Meeting.id == Opinion.meeting_id)
            .join(Cell, Cell.id == Meeting.cell_id)
            .where(Opinion.person_id == person_id)
            .order_by(Opinion.created_at, Opinion.id)
        )
    ).all()
    visits = (
        await session.execute(
            select(SupervisorVisit, Meeting.starts_at, Cell.name)
            .join(Meeting, Meeting.id == SupervisorVisit.meeting_id)
            .join(Cell, Cell.id == Meeting.cell_id)
            .where(SupervisorVisit.person_id == person_id)
            .order_by(Meeting.starts_at, SupervisorVisit.id)
        )
    ).all()
    away = (
        await session.scalars(select(Absence).where(Absence.person_id == person_id).order_by(Absence.starts_at))
    ).all()
    reads = (
        await session.execute(
            select(Material.title, Material.month, MaterialRead.read_at)
            .join(MaterialRead, MaterialRead.material_id == Material.id)
            .where(MaterialRead.person_id == person_id)
            .order_by(MaterialRead.read_at, MaterialRead.id)
        )
    ).all()
    actor = aliased(Person)
    audits = (
        await session.execute(
            select(AuditEntry, actor.full_name)
            .outerjoin(actor, actor.id == AuditEntry.actor_id)
            .where(AuditEntry.subject_id == person_id)
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    ).all()
    claims = (
        await session.execute(
            select(JoinRequest, Cell.name)
            .join(Cell, Cell.id == JoinRequest.cell_id)
            .where(JoinRequest.person_id == person_id)
            .order_by(JoinRequest.id)
        )
    ).all()
    content: dict[str, Any] = {
        "generated_at": _local(now, zone),
        "person": {
            "id": person.id,
            "full_name": person.full_name,
            "phone": person.phone,
            "wants_reminders": person.wants_reminders,
        },
        "accounts": [{"platform": a.platform.value, "id": a.external_id} for a in accounts],
        "memberships": [
            {
                "committee": committee,
                "cell": cell,
                "role": m.role.value,
                "status": m.status.value,
                "ended_on": _local(m.ended_at, zone),
                "end_reason": m.end_reason.value if m.end_reason else None,
                "end_note": m.end_note,
            }
            for m, cell, committee in memberships
        ],
        "supervised_cells": list(supervised),
        "attendance": [
            {
                "cell": cell,
                "meeting": _local(meeting.starts_at, zone),
                "kind": meeting.kind.value,
                "answer": row.rsvp.value if row.rsvp else None,
                "reason": row.reason,
                "checked_in_at": _local(row.checked_in_at, zone),
                "outcome": row.outcome.value if row.outcome else None,
            }
            for row, meeting, cell in attendance
        ],
        "opinions": [
            {
                "cell": cell,
                "meeting": _local(starts_at, zone),
                "text": o.text,
                "sent_at": _local(o.created_at, zone),
                "withdrawn_at": _local(o.withdrawn_at, zone),
            }
            for o, starts_at, cell in opinions
        ],
        "visits_as_supervisor": [
            {
                "cell": cell,
                "meeting": _local(starts_at, zone),
                "registered_at": _local(v.registered_at, zone),
                "cancelled_at": _local(v.cancelled_at, zone),
                "checked_in_at": _local(v.checked_in_at, zone),
                "comment": v.comment,
            }
            for v, starts_at, cell in visits
        ],
        "absences_declared": [
            {
                "from": _local(a.starts_at, zone),
                "until": _local(a.ends_at, zone),
                "reason": a.reason,
                "cancelled_at": _local(a.cancelled_at, zone),
            }
            for a in away
        ],
        "materials_read": [
            {"title": title, "month": month, "read_at": _local(read_at, zone)} for title, month, read_at in reads
        ],
        "join_requests": [
            {"cell": cell, "platform": r.platform.value, "display_name": r.display_name, "state": r.state.value}
            for r, cell in claims
        ],
        "audit": [{"at": _local(e.at, zone), "action": e.action, "by": by, "detail": e.detail} for e, by in audits],
    }
    return MyData(content)
