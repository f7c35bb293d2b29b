"""Writing a periodic report (the weekly digest, the monthly rollup) to the outbox exactly once.

The report is built outside the write transaction; the write starts by claiming the period's
`job_runs` marker, so on SQLite it takes the write lock before reading anything (no stale
snapshot) and on PostgreSQL a second claimant waits, then finds the marker and writes nothing.
Each message's key names the period and its owner, so nothing is sent twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from handlers.context import AppContext
from services import outbox
from services.outbox import Recipient

# (owner: a person or an organisation and platform, where it goes, its messages: text and an optional picture)
Batch = tuple[int | str, Recipient, Sequence[tuple[str, bytes | None]]]


async def write_once(
    app: AppContext, *, job: str, kind: str, period: str, now: datetime, expires: datetime, batches: Sequence[Batch]
) -> bool:
    """Claim the period and write every batch; False when another process or run had claimed it."""
    async with app.sessions() as session, session.begin():
        if not await outbox.claim_period(session, job, period, now):
            return False
        for owner, to, parts in batches:
            for number, (text, photo) in enumerate(parts, start=1):
                await outbox.enqueue(
                    session,
                    key=f"{kind}:{period}:{owner}:{number}",
                    to=to,
                    text=text,
                    kind=kind,
                    not_before=now,
                    expires_at=expires,
                    photo=photo,
                )
    return True
