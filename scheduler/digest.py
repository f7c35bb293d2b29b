"""The weekly digest job: at `[digest] weekly` local time, each supervisor gets, privately, the digest
of the cells they follow, with the chart.

The job keeps its own next firing instant and reads the time from the app's clock, so the
scheduler only has to call it often (every DIGEST_CHECK_SECONDS) and a test drives it with a
FakeClock. A supervisor who cannot be reached is logged and does not stop the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from handlers.context import AppContext
from handlers.delivery import DeliveryError, Sender, send_outgoing
from handlers.digest import digest_messages
from handlers.messages import Address, Outgoing
from models import Person, Platform
from services import digest

log = logging.getLogger(__name__)

DIGEST_CHECK_SECONDS = 30
# Where a supervisor is reached privately, best first.
PLATFORM_ORDER = (Platform.TELEGRAM, Platform.ZALO)

Send = Callable[[Sequence[Outgoing]], Awaitable[None]]


def next_firing(after: datetime, moment: tuple[int, time], zone: ZoneInfo, *, inclusive: bool) -> datetime:
    """The first local `weekday HH:MM` at or after (`inclusive`) or strictly after `after`."""
    weekday, at = moment
    local = after.astimezone(zone)
    candidate = datetime.combine(local.date(), at, tzinfo=zone) + timedelta(days=(weekday - local.weekday()) % 7)
    if candidate < local or (candidate == local and not inclusive):
        candidate += timedelta(days=7)
    return candidate


def private_address(person: Person) -> Address | None:
    """A supervisor's private chat: on Telegram and Zalo a user's private chat id is their user id."""
    accounts = {account.platform: account.external_id for account in person.accounts}
    for platform in PLATFORM_ORDER:
        if platform in accounts:
            return Address(platform, accounts[platform])
    return None


class WeeklyDigest:
    def __init__(self, app: AppContext, send: Send) -> None:
        self.app = app
        self.send = send
        self.zone = app.config.schedule.zone
        self.next_at = next_firing(app.clock.now(), app.config.digest.moment, self.zone, inclusive=True)
        self._lock = asyncio.Lock()

    async def tick(self) -> int:
        """Called by the scheduler (a coroutine method, which APScheduler awaits on its loop);
        returns how many supervisors got their digest."""
        if self._lock.locked():
            return 0
        async with self._lock:
            now = self.app.clock.now()
            if now < self.next_at:
                return 0
            self.next_at = next_firing(now, self.app.config.digest.moment, self.zone, inclusive=False)
            return await self.run(now)

    async def run(self, now: datetime) -> int:
        """Build and send every supervisor's digest (also used to send one on demand from a script)."""
        tr = self.app.tr
        scope = str(tr.t("reports-digest-scope-mine"))
        outbox: list[tuple[int, list[Outgoing]]] = []
        async with self.app.sessions() as session:
            for person in await digest.supervisors(session):
                to = private_address(person)
                if to is None:
                    log.info("supervisor %s has no chat account; weekly digest not sent", person.id)
                    continue
                built = await digest.build_digest(session, digest.supervised_cells(person.id), now, self.zone)
                outbox.append((person.id, digest_messages(tr, built, self.zone, scope, now, to)))
        sent = 0
        for person_id, messages in outbox:
            try:
                await self.send(messages)
            except DeliveryError as error:
                log.warning("weekly digest to supervisor %s not delivered: %s", person_id, error)
                continue
            sent += 1
        return sent


def sender_send(senders: Mapping[Platform, Sender]) -> Send:
    """Send digest messages through the running channels, the chart as a photo where possible."""

    async def send(messages: Sequence[Outgoing]) -> None:
        for message in messages:
            assert message.to is not None
            sender = senders.get(message.to.platform)
            if sender is None:
                raise DeliveryError(f"no {message.to.platform} channel running")
            await send_outgoing(sender, message.to, message)

    return send


def add_digest_job(scheduler: AsyncIOScheduler, app: AppContext, senders: Mapping[Platform, Sender]) -> WeeklyDigest:
    """Register the weekly digest on the running scheduler's clock check."""
    job = WeeklyDigest(app, sender_send(senders))
    scheduler.add_job(
        job.tick,
        IntervalTrigger(seconds=DIGEST_CHECK_SECONDS, timezone=app.config.schedule.zone),
        id="weekly-digest",
        name="weekly digest for supervisors",
        max_instances=1,
    )
    return job
