"""The monthly rollup job: from `[digest] monthly` (default the 10th, 08:00 local time) each
organisation whose group is linked (/ketnoi capuy) gets the month's rollup of its subtree there.

Like the weekly digest, nothing about it lives in memory: the job asks the database whether the
month's rollup was written (a `job_runs` marker) and writes every organisation's messages to the
outbox in one transaction that starts by claiming the marker (scheduler/periodic.py). A bot that
was down on the 10th sends it when it starts; two workers write it once.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from handlers.context import AppContext
from handlers.rollup import rollup_lines
from handlers.textsplit import split_messages
from models import Committee
from scheduler.periodic import Batch, PeriodicJob, add_periodic_job, write_once
from services import chats, outbox
from services.outbox import Recipient
from services.rollup import build_rollup
from services.summary import month_bounds, month_label, year_bounds

log = logging.getLogger(__name__)

ROLLUP_CHECK_SECONDS = 60
JOB = "monthly-rollup"
KIND = "rollup"


def firing_in(year: int, month: int, moment: tuple[int, time], zone: ZoneInfo) -> datetime:
    day, at = moment
    return datetime.combine(date(year, month, day), at, tzinfo=zone)


def last_firing(now: datetime, moment: tuple[int, time], zone: ZoneInfo) -> datetime:
    """The latest local `day HH:MM` at or before `now`."""
    local = now.astimezone(zone)
    this_month = firing_in(local.year, local.month, moment, zone)
    if this_month <= now:
        return this_month
    year, month = (local.year - 1, 12) if local.month == 1 else (local.year, local.month - 1)
    return firing_in(year, month, moment, zone)


def next_after(firing: datetime, moment: tuple[int, time], zone: ZoneInfo) -> datetime:
    local = firing.astimezone(zone)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    return firing_in(year, month, moment, zone)


async def write_monthly_rollup(app: AppContext, now: datetime) -> int | None:
    """Write the rollup of the month whose firing instant last passed, unless written already;
    returns how many groups get it, or None when there was nothing to do."""
    zone, moment = app.config.schedule.zone, app.config.digest.monthly_moment
    due = last_firing(now, moment, zone)
    local = due.astimezone(zone)
    period = f"{local.year}-{local.month:02d}"
    batches: list[Batch] = []
    async with app.sessions() as session:
        if await outbox.period_done(session, JOB, period):
            return None
        month = month_bounds(local.year, local.month, zone)
        year = (year_bounds(local.year, zone)[0], now)
        for link in await chats.committee_links(session):
            node = await session.get(Committee, link.committee_id)
            if node is None:
                continue
            built = await build_rollup(session, node, month, year)
            lines = rollup_lines(app.tr, built, month_label(due, zone))
            parts = split_messages(lines, app.traits(link.platform).text_limit)
            to = Recipient(link.platform, link.chat_id)
            batches.append((f"{node.id}-{link.platform.value}", to, [(str(p), None) for p in parts]))
    expires = next_after(due, moment, zone)
    if not await write_once(app, job=JOB, kind=KIND, period=period, now=now, expires=expires, batches=batches):
        return None
    log.info("monthly rollup %s written for %d groups", period, len(batches))
    return len(batches)


class MonthlyRollup(PeriodicJob):
    def __init__(self, app: AppContext) -> None:
        super().__init__(app, write_monthly_rollup)


def add_rollup_job(scheduler: AsyncIOScheduler, app: AppContext) -> PeriodicJob:
    return add_periodic_job(
        scheduler, MonthlyRollup(app), job_id=JOB, name="monthly rollup for organisations", seconds=ROLLUP_CHECK_SECONDS
    )
