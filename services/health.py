"""Whether this process is fit to serve: what `/healthz` answers, for a load balancer or a monitor.

Healthy means the database answers, the scheduler (in processes that run one) has run a job
recently, and no message that was due has waited in the outbox longer than
`[server] stuck_minutes` — a stuck sender shows here before members notice missing reminders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.outbox import oldest_overdue


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checks: dict[str, str]


@dataclass(frozen=True)
class HealthCheck:
    sessions: async_sessionmaker[AsyncSession]
    now: Callable[[], datetime]
    stuck_after: timedelta
    # Seconds since the scheduler last finished a job run, or None when this process runs none.
    scheduler_idle: Callable[[], float | None] | None = None
    scheduler_within: timedelta = timedelta(minutes=2)

    async def verdict(self) -> Verdict:
        checks: dict[str, str] = {}
        try:
            async with self.sessions() as session:
                await session.execute(text("SELECT 1"))
                checks["database"] = "ok"
                overdue = await oldest_overdue(session, self.now())
        except (SQLAlchemyError, OSError):
            return Verdict(False, {"database": "unreachable"})
        waited = self.now() - overdue if overdue is not None else timedelta(0)
        checks["outbox"] = "ok" if waited <= self.stuck_after else f"stuck: a message has waited {_minutes(waited)}"
        if self.scheduler_idle is not None:
            idle = self.scheduler_idle()
            alive = idle is not None and idle <= self.scheduler_within.total_seconds()
            checks["scheduler"] = "ok" if alive else "stopped: no job has run recently"
        return Verdict(all(value == "ok" for value in checks.values()), checks)


def _minutes(waited: timedelta) -> str:
    return f"{int(waited.total_seconds() // 60)} min"
