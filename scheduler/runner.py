"""Start and stop the scheduler next to the chat channels.

A channel runner calls `start_scheduler(app, senders)` once the senders exist (inside the running
event loop) and `stop_scheduler` on the way out. Fixed jobs, recreated at every start, with
all their state in the database: the reminder-and-dispatch tick every `[reminders] dispatch_seconds`,
planning ahead daily at 00:05 local time (and once at start), closing check-ins whose time is up,
the weekly digest, the monthly rollup, the quarter's visit reminder, the daily retention purge at
00:20, and forgetting old processed update ids and send-budget keys.

Several workers may run these side by side. Planning, reminder steps, the digest (written to the
outbox once per week) and the purges are safe anywhere (unique keys, claims); what sends (the
outbox, the closed counters' edits) and the backup run only while `sending()` says this process
holds the bot's sender lock (scheduler/sender_lock.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

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
from scheduler.rollup import add_rollup_job
from scheduler.visits import add_visit_reminder_job

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
        self._last_finish = time.monotonic()
        self._idle = asyncio.Event()
        self._idle.set()
        self.add_listener(self._count, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)

    def _count(self, event: JobEvent) -> None:
        self._in_flight += 1 if event.code == EVENT_JOB_SUBMITTED else -1
        if event.code != EVENT_JOB_SUBMITTED:
            self._last_finish = time.monotonic()
        if self._in_flight > 0:
            self._idle.clear()
        else:
            self._idle.set()

    def idle_seconds(self) -> float | None:
        """Seconds since a job run last finished (or the scheduler started); None when stopped.
        The dispatch job runs every few seconds, so a long silence means the scheduler is stuck."""
        return time.monotonic() - self._last_finish if self.running else None

    async def jobs_finished(self) -> None:
        """Return once no job run is in flight (callers bound the wait)."""
        await self._idle.wait()


def build_scheduler(
    app: AppContext, senders: Mapping[Platform, Sender], sending: Callable[[], bool] = lambda: True
) -> BotScheduler:
    """The scheduler with its jobs, not started (tests inspect it)."""
    zone = app.config.schedule.zone
    render = renderer(app)
    dispatcher = OutboxDispatcher(
        app.sessions, app.clock, senders, claim_seconds=app.config.reminders.claim_seconds, may_send=sending
    )
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
        only_when(sending, jobs.close_due_checkins),
        IntervalTrigger(seconds=CLOSE_CHECK_SECONDS, timezone=zone),
        args=[app, senders],
        id="close",
        name="close due check-ins",
    )
    scheduler.add_job(
        only_when(sending, jobs.close_due_votes),
        IntervalTrigger(seconds=CLOSE_CHECK_SECONDS, timezone=zone),
        args=[app, senders],
        id="close-votes",
        name="close due resolution votes",
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
            only_when(sending, jobs.daily_backup),  # one worker backs up, not each of them
            CronTrigger(hour=daily.hour, minute=daily.minute, timezone=zone),
            args=[app],
            id="backup",
            name="daily backup",
        )
    add_digest_job(scheduler, app)
    add_rollup_job(scheduler, app)
    add_visit_reminder_job(scheduler, app)
    scheduler.add_job(
        jobs.forget_old,
        CronTrigger(minute=17, timezone=zone),
        args=[app],
        id="forget-old",
        name="forget old processed update ids and idle send-budget keys",
    )
    return scheduler


def only_when(sending: Callable[[], bool], job: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """A job that sends runs only in the process that holds the sender lock."""

    async def gated(*args: Any) -> Any:
        return await job(*args) if sending() else None

    return gated


def start_scheduler(
    app: AppContext, senders: Mapping[Platform, Sender], sending: Callable[[], bool] = lambda: True
) -> BotScheduler:
    """Build and start; must be called from inside the running event loop."""
    scheduler = build_scheduler(app, senders, sending)
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
