"""Writing a periodic report (the weekly digest, the monthly rollup) to the outbox exactly once.

The report is built outside the write transaction; the write starts by claiming the period's
`job_runs` marker, so on SQLite it takes the write lock before reading anything (no stale
snapshot) and on PostgreSQL a second claimant waits, then finds the marker and writes nothing.
Each message's key names the period and its owner, so nothing is sent twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from handlers.context import AppContext
from services import outbox
from services.outbox import Recipient

# (owner: a person or an organisation and platform, where it goes, its messages: text and an optional picture)
Batch = tuple[int | str, Recipient, Sequence[tuple[str, bytes | None]]]
# Writes the report whose time last came, unless written already: how many get it, or None.
Write = Callable[[AppContext, datetime], Awaitable[int | None]]


class PeriodicJob:
    """The scheduler's job: cheap when nothing is due (one indexed read every check)."""

    def __init__(self, app: AppContext, write: Write) -> None:
        self.app = app
        self.write = write

    async def tick(self) -> int:
        """Called by the scheduler (a coroutine method, which APScheduler awaits on its loop);
        returns how many recipients were written for."""
        return await self.write(self.app, self.app.clock.now()) or 0


def add_periodic_job(
    scheduler: AsyncIOScheduler, job: PeriodicJob, *, job_id: str, name: str, seconds: float
) -> PeriodicJob:
    """Check every `seconds` whether the report is due (nothing about it lives in memory)."""
    scheduler.add_job(
        job.tick,
        IntervalTrigger(seconds=seconds, timezone=job.app.config.schedule.zone),
        id=job_id,
        name=name,
        max_instances=1,
    )
    return job


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
