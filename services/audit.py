"""The audit trail of changes made to a person's record: by a secretary, an admin or the CLI."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import AuditEntry


def record(
    session: AsyncSession,
    *,
    actor_id: int | None,
    subject_id: int | None,
    action: str,
    now: datetime,
    meeting_id: int | None = None,
    detail: str | None = None,
) -> None:
    session.add(
        AuditEntry(
            at=now, actor_id=actor_id, subject_id=subject_id, meeting_id=meeting_id, action=action, detail=detail
        )
    )
