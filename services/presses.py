"""Check-in presses recorded many at a time (handlers/checkin_batch.py): who pressed, and which
presses were the first to check their member in.

The database decides who was first, as for a single check-in (services/attendance.py): rows are
inserted in one order with ON CONFLICT, and a press counts only if its statement set the time.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Executable, Select, bindparam, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, Attendance, Meeting, MeetingState, Membership, Platform
from models.db import dialect_insert


class Press(NamedTuple):
    """A check-in button pressed: by which account, for which meeting."""

    platform: Platform
    external_id: str
    meeting_id: int


@functools.cache
def _record_pressing(dialect: str) -> Executable:
    """Built once: checks in, in one statement, every member of a meeting's cell who pressed while
    its check-in is open without a code (inserting her row, or setting it on her RSVP's row only
    while unset); returns the (meeting, person) pairs this statement was the first to check in.
    Writing first takes SQLite's write lock with the statement that needs it."""
    now = bindparam("now", type_=Attendance.checked_in_at.type)
    pressed = tuple_(Account.platform, Account.external_id, Meeting.id)
    members = (
        select(Meeting.id, Account.person_id, literal(0), now)
        .distinct()
        .join_from(Account, Membership, Membership.person_id == Account.person_id)
        .join(Meeting, Meeting.cell_id == Membership.cell_id)
        .where(
            pressed.in_(bindparam("presses", expanding=True)),
            # Redundant with the line above, but it lets SQLite start from the pressed meetings
            # rather than scan every meeting with check-in open (a city's 5th of the month).
            Meeting.id.in_(bindparam("meetings", expanding=True)),
            Membership.active_at(Meeting.starts_at),
            Meeting.state == MeetingState.CHECKIN_OPEN,
            Meeting.checkin_closes_at > now,
            Meeting.checkin_requires_code.is_(False),
        )
        # In one order everywhere, so two processes' batches on PostgreSQL never wait on each other in a circle.
        .order_by(Meeting.id, Account.person_id)
    )
    table = Attendance.__table__
    insert = dialect_insert(dialect)(table).from_select(
        ["meeting_id", "person_id", "code_failures", "checked_in_at"], members
    )
    statement: Executable = insert.on_conflict_do_update(
        index_elements=["meeting_id", "person_id"],
        set_={"checked_in_at": insert.excluded.checked_in_at},
        where=table.c.checked_in_at.is_(None),
    ).returning(table.c.meeting_id, table.c.person_id)
    return statement


@functools.cache
def _pressers() -> Select[Platform, str, int]:
    """The accounts that pressed, and a few more: SQLite looks a pair of columns up in their index
    only when each has its own IN (a list of pairs scans every account); callers pick the pairs."""
    return select(Account.platform, Account.external_id, Account.person_id).where(
        Account.platform.in_(bindparam("platforms", expanding=True)),
        Account.external_id.in_(bindparam("external_ids", expanding=True)),
    )


async def first_presses(session: AsyncSession, presses: Collection[Press], now: datetime) -> set[Press]:
    """Record many presses in two statements, before any presser is looked up. Returned: the first
    presses by members of the meeting's cell while its check-in is open without a code, one per
    member and meeting (of two accounts of one member, the press that sorts first). For any other
    press `check_in` decides the long way and says why."""
    connection = await session.connection()
    params = {"presses": list(presses), "meetings": sorted({p.meeting_id for p in presses}), "now": now}
    counted = {
        (meeting_id, person_id)
        for meeting_id, person_id in await connection.execute(_record_pressing(connection.dialect.name), params)
    }
    if not counted:
        return set()
    # Read in the transaction that wrote, which on SQLite holds the write lock: the same accounts.
    accounts = {
        "platforms": sorted({p.platform for p in presses}),
        "external_ids": sorted({p.external_id for p in presses}),
    }
    persons = {
        (platform, external_id): person_id
        for platform, external_id, person_id in await connection.execute(_pressers(), accounts)
    }
    first = set()
    for press in sorted(presses):
        key = (press.meeting_id, persons.get((press.platform, press.external_id)))
        if key in counted:
            counted.discard(key)
            first.add(press)
    return first
