"""What the scheduler runs. Each job reads the time from the app's clock (so a test can play a month
with a FakeClock), opens its own sessions and commits its own units of work: one failing meeting or
cell is logged and does not stop the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from handlers import votes
from handlers.checkin_post import closed_counter_edits
from handlers.context import AppContext
from handlers.delivery import Sender, send_edits
from models import Cell, Platform
from models.backup import BackupError, backup, daily_done, prune
from scheduler.dispatch import DispatchReport, OutboxDispatcher
from services import attendance, budget, planning, reminders, retention, updates

log = logging.getLogger(__name__)


class Ticker:
    """The periodic reminder-and-dispatch job. A long fan-out simply keeps the lock; the ticks that
    fire meanwhile return at once instead of piling up or logging warnings."""

    def __init__(self, app: AppContext, dispatcher: OutboxDispatcher, render: reminders.Render) -> None:
        self.app = app
        self.dispatcher = dispatcher
        self.render = render
        self._lock = asyncio.Lock()
        # Undeliverable messages may wait to be reported (always worth a look after a restart).
        self._unreported = True

    async def run(self) -> DispatchReport | None:
        """The job APScheduler calls (a coroutine function, so it runs on the event loop)."""
        if self._lock.locked():
            return None
        async with self._lock:
            report = await self.tick()
        if report:
            log.info("outbox: %s", ", ".join(f"{name} {value}" for name, value in vars(report).items() if value))
        return report

    async def drain(self, within: float) -> bool:
        """Stop after the message in flight (so a restart repeats nothing); False if it took too long."""
        self.dispatcher.stopping = True
        try:
            await asyncio.wait_for(self._lock.acquire(), within)
        except TimeoutError:
            return False
        self._lock.release()
        return True

    async def tick(self) -> DispatchReport:
        """Write the reminder steps that came due, drop what went stale, send, report who was missed."""
        await write_due_reminders(self.app, self.render)
        report = await self.dispatcher.run_once()
        self._unreported = self._unreported or bool(report.undeliverable or report.failed)
        if not self._unreported:
            return report
        async with self.app.sessions() as session:
            now = self.app.clock.now()
            found = await reminders.report_undelivered(session, now, self.render, self.dispatcher.senders.keys())
            await session.commit()
        self._unreported = found.waiting
        if found.written:
            more = await self.dispatcher.run_once()
            for name, value in vars(more).items():
                setattr(report, name, getattr(report, name) + value)
        return report


async def write_due_reminders(app: AppContext, render: reminders.Render) -> int:
    now = app.clock.now()
    config = app.config
    written = 0
    async with app.sessions() as session:
        for meeting_id in await reminders.due_meetings(session, config, now):
            try:
                written += await reminders.write_due_steps(session, meeting_id, config, now, render)
                await session.commit()
            except Exception:
                await session.rollback()
                log.exception("could not write the reminders of meeting %s", meeting_id)
        await reminders.drop_stale(session, now)
        await session.commit()
    return written


async def plan_ahead(app: AppContext, render: reminders.Render) -> int:
    """Daily (and at start): every cell's regular meetings for the months ahead."""
    planned = 0
    async with app.sessions() as session:
        cell_ids = (await session.scalars(select(Cell.id).order_by(Cell.id))).all()
        for cell_id in cell_ids:
            try:
                cell = await session.get(Cell, cell_id)
                if cell is None:
                    continue
                report = await planning.plan_cell(session, cell, app.config, app.clock.now(), render)
                await session.commit()
                planned += len(report.planned)
            except Exception:
                await session.rollback()
                log.exception("could not plan the meetings of cell %s", cell_id)
    return planned


async def close_due_checkins(app: AppContext, senders: Mapping[Platform, Sender]) -> int:
    """Close the check-ins whose time is up; their group posts then show the final count and lose
    the button, as when the secretary closes by hand."""
    async with app.sessions() as session:
        closed = await attendance.close_due(session, app.clock.now())
        edits = [edit for meeting, count in closed for edit in await closed_counter_edits(app, session, meeting, count)]
        await session.commit()
    await send_edits(edits, senders)
    return len(closed)


async def close_due_votes(app: AppContext, senders: Mapping[Platform, Sender]) -> int:
    """Close the resolution votes whose time is up: the result goes to the groups' posts and, through
    the outbox, to whoever opened the vote."""
    async with app.sessions() as session:
        closed, edits = await votes.close_due(app, session)
        await session.commit()
    await send_edits(edits, senders)
    return closed


async def purge_old_data(app: AppContext) -> retention.Purged:
    """Daily: forget what `[privacy] retention_days` says is no longer needed."""
    async with app.sessions() as session:
        purged = await retention.purge(session, app.clock.now(), app.config.privacy.retention_days)
        await session.commit()
    if any(vars(purged).values()):
        log.info("retention: %s", ", ".join(f"{name} {value}" for name, value in vars(purged).items() if value))
    return purged


async def daily_backup(app: AppContext) -> None:
    """Today's backup, once per day and folder, then only the newest `[backup] keep` daily ones stay."""
    folder = Path(app.config.backup.dir)
    now = app.clock.now()
    if daily_done(folder, now):
        return
    try:
        path = await backup(app.config.database.url, folder, now, daily=True)
    except BackupError as exc:
        log.error("daily backup failed: %s", exc)
        return
    removed = prune(folder, app.config.backup.keep)
    log.info("daily backup written to %s (%d old ones removed)", path, len(removed))


async def forget_old(app: AppContext) -> int:
    """Hourly: drop processed update ids older than any platform would redeliver, and (PostgreSQL)
    the send-budget keys of chats nobody wrote to for an hour."""
    async with app.sessions() as session:
        forgotten = await updates.forget_old(session, app.clock.now())
        await session.commit()
    engine = app.sessions.kw.get("bind")
    if isinstance(engine, AsyncEngine) and engine.dialect.name == "postgresql":
        forgotten += await budget.forget_idle(engine)
    return forgotten
