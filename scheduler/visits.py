"""The quarter's visit reminder: two weeks before a quarter ends, each supervisor who follows a cell
whose meeting they have not attended this quarter is told which, once.

Nothing lives in memory: the job asks the database whether the quarter's reminders were written
(a `job_runs` marker) and writes them to the outbox in one transaction that starts by claiming the
marker (scheduler/periodic.py); each message's key names the quarter and the supervisor. A bot that
was down when the window opened sends them when it starts, while the quarter lasts.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from handlers.context import AppContext
from scheduler.digest import private_address
from scheduler.periodic import Batch, PeriodicJob, add_periodic_job, write_once
from services import digest, outbox, visits
from services.outbox import Recipient

log = logging.getLogger(__name__)

CHECK_SECONDS = 300
JOB = "visit-reminder"
KIND = "visit-reminder"
# Cells named in full in the reminder; the rest are counted.
MAX_CELLS = 15


def due_quarter(now: datetime, app: AppContext) -> tuple[datetime, datetime] | None:
    """The current quarter (local) when its last `REMINDER_LEAD` has begun, else None."""
    start = visits.quarter_start(now.astimezone(app.config.schedule.zone))
    end = visits.next_quarter(start)
    return (start, end) if now >= end - visits.REMINDER_LEAD else None


async def write_visit_reminders(app: AppContext, now: datetime) -> int | None:
    """Write the quarter's reminders unless written already; how many supervisors get one, or None
    when there was nothing to do."""
    quarter = due_quarter(now, app)
    if quarter is None:
        return None
    start, end = quarter
    period = start.strftime("%Y-") + f"Q{(start.month - 1) // 3 + 1}"
    batches: list[Batch] = []
    async with app.sessions() as session:
        if await outbox.period_done(session, JOB, period):
            return None
        for person in await digest.supervisors(session):
            missing = await visits.unvisited(session, person.id, quarter)
            to = private_address(person)
            if not missing or to is None:
                continue
            shown = ", ".join(missing[:MAX_CELLS])
            if len(missing) > MAX_CELLS:
                shown = str(app.tr.t("rollup-more", shown=shown, more=len(missing) - MAX_CELLS))
            text = app.tr.t(
                "visit-reminder",
                quarter=visits.quarter_label(start),
                until=(end - timedelta(days=1)).strftime("%d/%m/%Y"),
                count=len(missing),
                cells=shown,
            )
            batches.append((person.id, Recipient(to.platform, to.chat_id, person.id), [(str(text), None)]))
    if not await write_once(app, job=JOB, kind=KIND, period=period, now=now, expires=end, batches=batches):
        return None
    log.info("visit reminders %s written for %d supervisors", period, len(batches))
    return len(batches)


class VisitReminder(PeriodicJob):
    """Cheap outside the last two weeks of a quarter (no database read)."""

    def __init__(self, app: AppContext) -> None:
        super().__init__(app, write_visit_reminders)


def add_visit_reminder_job(scheduler: AsyncIOScheduler, app: AppContext) -> PeriodicJob:
    return add_periodic_job(
        scheduler,
        VisitReminder(app),
        job_id=JOB,
        name="quarterly visit reminder for supervisors",
        seconds=CHECK_SECONDS,
    )
