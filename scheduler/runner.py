"""Start and stop the scheduler next to the chat channels.

A channel runner calls `start_scheduler(app, senders)` once the senders exist (inside the running
event loop) and `stop_scheduler` on the way out. Fixed jobs, recreated at every start, with
all their state in the database: the reminder-and-dispatch tick every `[reminders] dispatch_seconds`,
planning ahead daily at 00:05 local time (and once at start), closing check-ins whose time is up,
the weekly digest, and the daily retention purge at 00:20.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import datetime

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_SUBMITTED, JobEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from handlers.context import AppContext
from handlers.delivery import Sender
from handlers.reminders import renderer
from models import Platform
from scheduler import jobs
from scheduler.digest import add_digest_job
from scheduler.dispatch import OutboxDispatcher

CLOSE_CHECK_SECONDS = 30
# How long shutting down waits for the message in flight (a send's own timeouts are shorter).
DRAIN_SECONDS = 30
log = logging.getLogger(__name__)


class BotScheduler(AsyncIOScheduler):  # type: ignore[misc]  # APScheduler 3 ships no types
    """An AsyncIOScheduler that knows which job runs are in flight, through its public job events,
    so stopping can wait for them: APScheduler's own shutdown cannot await coroutine jobs."""

    def __init__(self, **options: object) -> None:
        super().__init__(**options)
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self.add_listener(self._count, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)

    def _count(self, event: JobEvent) -> None:
        self._in_flight += 1 if event.code == EVENT_JOB_SUBMITTED else -1
        if self._in_flight > 0:
            self._idle.clear()
        else:
            self._idle.set()

    async def jobs_finished(self) -> None:
        """Return once no job run is in flight (callers bound the wait)."""
        await self._idle.wait()


def build_scheduler(app: AppContext, senders: Mapping[Platform, Sender]) -> BotScheduler:
    """The scheduler with its jobs, not started (tests inspect it)."""
    zone = app.config.schedule.zone
    render = renderer(app)
    dispatcher = OutboxDispatcher(app.sessions, app.clock, senders, claim_seconds=app.config.reminders.claim_seconds)
    scheduler = BotScheduler(timezone=zone, job_defaults={"coalesce": True, "misfire_grace_time": None})
    now = datetime.now(zone)
    scheduler.add_job(
        jobs.Ticker(app, dispatcher, render).run,
        IntervalTrigger(seconds=app.config.reminders.dispatch_seconds, timezone=zone),
        id="dispatch",
        name="reminders and outbox",
        next_run_time=now,
        max_instances=2,
    )
    scheduler.add_job(
        jobs.plan_ahead,
        CronTrigger(hour=0, minute=5, timezone=zone),
        args=[app, render],
        id="plan",
        name="plan meetings ahead",
        next_run_time=now,
    )
    scheduler.add_job(
        jobs.close_due_checkins,
        IntervalTrigger(seconds=CLOSE_CHECK_SECONDS, timezone=zone),
        args=[app, senders],
        id="close",
        name="close due check-ins",
    )
    scheduler.add_job(
        jobs.purge_old_data,
        CronTrigger(hour=0, minute=20, timezone=zone),
        args=[app],
        id="retention",
        name="purge data past its retention",
    )
    daily = app.config.backup.daily_time
    if daily is not None:
        scheduler.add_job(
            jobs.daily_backup,
            CronTrigger(hour=daily.hour, minute=daily.minute, timezone=zone),
            args=[app],
            id="backup",
            name="daily backup",
        )
    add_digest_job(scheduler, app)
    return scheduler


def start_scheduler(app: AppContext, senders: Mapping[Platform, Sender]) -> BotScheduler:
    """Build and start; must be called from inside the running event loop."""
    scheduler = build_scheduler(app, senders)
    scheduler.start()
    return scheduler


async def stop_scheduler(scheduler: BotScheduler) -> None:
    """Stop firing jobs and let the message in flight be sent and recorded, so a restart repeats
    nothing; what is left of the batch is given back at once for the next start."""
    if not scheduler.running:
        return
    scheduler.pause()
    job = scheduler.get_job("dispatch")
    ticker = getattr(job.func, "__self__", None) if job is not None else None
    if isinstance(ticker, jobs.Ticker) and not await ticker.drain(DRAIN_SECONDS):
        log.warning("the outbox was still sending after %ss; its claims expire on their own", DRAIN_SECONDS)
    # Let running jobs (planning, closing check-ins, the digest) finish before the engine is
    # disposed: one cut off mid-query afterwards can leave an aiosqlite connection thread (not a
    # daemon) open, and the process would never exit. APScheduler's shutdown cannot await them.
    try:
        await asyncio.wait_for(scheduler.jobs_finished(), DRAIN_SECONDS)
    except TimeoutError:
        log.warning("scheduled jobs were still running after %ss", DRAIN_SECONDS)
    scheduler.shutdown(wait=False)
