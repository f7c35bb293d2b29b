"""The weekly digest job: from `[digest] weekly` local time, each supervisor gets, privately, the digest
of the cells they follow, with the chart.

Nothing about it lives in memory. The job (checked every DIGEST_CHECK_SECONDS) asks the database
whether the digest of the last firing instant's ISO week was written (a `job_runs` marker); if not,
it builds every supervisor's digest and writes it to the outbox, keyed per person and week, in one
transaction that starts by claiming the marker. So a bot started at 09:00 on that Monday sends it
then; a bot down all week sends only the latest one (expired at the next firing); and two
schedulers or processes running the job at once write it once. The outbox dispatcher sends it
with everything else (rate limits, retries, undeliverable recipients).

The chart travels as PNG bytes in the outbox row (dropped once sent): the digest is exactly what
was computed when it fell due, and the dispatcher stays ignorant of how digests are made.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from core.messages import Address
from handlers.context import AppContext
from handlers.digest import digest_messages
from models import Person
from scheduler.periodic import Batch, PeriodicJob, add_periodic_job, write_once
from services import digest, outbox
from services.outbox import Recipient
from services.people import preferred_platform

log = logging.getLogger(__name__)

DIGEST_CHECK_SECONDS = 30
JOB = "weekly-digest"
KIND = "digest"
# Where a supervisor is reached privately, best first.


def next_firing(after: datetime, moment: tuple[int, time], zone: ZoneInfo, *, inclusive: bool) -> datetime:
    """The first local `weekday HH:MM` at or after (`inclusive`) or strictly after `after`."""
    weekday, at = moment
    local = after.astimezone(zone)
    candidate = datetime.combine(local.date(), at, tzinfo=zone) + timedelta(days=(weekday - local.weekday()) % 7)
    if candidate < local or (candidate == local and not inclusive):
        candidate += timedelta(days=7)
    return candidate


def last_firing(now: datetime, moment: tuple[int, time], zone: ZoneInfo) -> datetime:
    """The latest local `weekday HH:MM` at or before `now` (same wall-clock time across DST)."""
    upcoming = next_firing(now, moment, zone, inclusive=True)
    return upcoming if upcoming <= now else upcoming - timedelta(days=7)


def week_of(moment: datetime, zone: ZoneInfo) -> str:
    year, week, _ = moment.astimezone(zone).isocalendar()
    return f"{year}-W{week:02d}"


def private_address(person: Person) -> Address | None:
    """A supervisor's private chat, Telegram first, among the accounts that have written to the bot
    (a platform refuses to open a chat with the others); a user's private chat id is their user id."""
    accounts = {a.platform: a.external_id for a in person.accounts if a.connected_at is not None}
    platform = preferred_platform(accounts)
    return Address(platform, accounts[platform]) if platform is not None else None


async def write_weekly_digest(app: AppContext, now: datetime) -> int | None:
    """Write the digest of the week whose firing instant last passed, unless written already;
    returns how many supervisors get it, or None when there was nothing to do."""
    zone, moment = app.config.schedule.zone, app.config.digest.moment
    due = last_firing(now, moment, zone)
    period = week_of(due, zone)
    async with app.sessions() as session:
        if await outbox.period_done(session, JOB, period):
            return None
        scope = str(app.tr.t("reports-digest-scope-mine"))
        built: list[Batch] = []
        for person in await digest.supervisors(session):
            to = private_address(person)
            if to is None:
                log.info("supervisor %s has no connected chat account; weekly digest not sent", person.id)
                continue
            report = await digest.build_digest(session, digest.supervised_cells(person.id), now, zone)
            limit = app.traits(to.platform).text_limit
            messages = digest_messages(app.tr, report, zone, scope, now, to, limit)
            parts = [(str(m.text), m.photo) for m in messages]
            built.append((person.id, Recipient(to.platform, to.chat_id, person.id), parts))
    expires = next_firing(now, moment, zone, inclusive=False)
    if not await write_once(app, job=JOB, kind=KIND, period=period, now=now, expires=expires, batches=built):
        return None
    log.info("weekly digest %s written for %d supervisors", period, len(built))
    return len(built)


class WeeklyDigest(PeriodicJob):
    def __init__(self, app: AppContext) -> None:
        super().__init__(app, write_weekly_digest)


def add_digest_job(scheduler: AsyncIOScheduler, app: AppContext) -> PeriodicJob:
    """Register the weekly digest check on the running scheduler."""
    return add_periodic_job(
        scheduler, WeeklyDigest(app), job_id=JOB, name="weekly digest for supervisors", seconds=DIGEST_CHECK_SECONDS
    )
