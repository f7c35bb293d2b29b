"""GET /metrics in Prometheus text format for this process's HTTP server.

The counters and histograms live in core/metrics.py (every layer counts there); the outbox gauges
are refreshed here at each scrape from one grouped query, so they need no background task and
show the queue all processes share. A database that cannot be read sets chibo_database_up to 0
and empties the outbox gauges rather than showing stale numbers; the scrape itself still answers.
"""

from __future__ import annotations

import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.clock import Clock
from core.metrics import DATABASE_UP, LAST_DIGEST_SENT, OUTBOX_MESSAGES, OUTBOX_OLDEST_DUE, REGISTRY
from scheduler.digest import KIND as DIGEST_KIND
from services.outbox import outbox_counts

log = logging.getLogger(__name__)

METRICS_PATH = "/metrics"
_SOURCE = web.AppKey("chibo_metrics_source", tuple[async_sessionmaker[AsyncSession], Clock])


async def refresh(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
    """Set the database-derived gauges from one query."""
    now = clock.now()
    try:
        async with sessions() as session:
            counts = await outbox_counts(session, now, (DIGEST_KIND,))
    except (SQLAlchemyError, OSError) as exc:
        log.warning("metrics: the outbox could not be read (%s)", type(exc).__name__)
        DATABASE_UP.set(0)
        OUTBOX_MESSAGES.clear()
        return
    DATABASE_UP.set(1)
    for state, count in counts.by_state.items():
        OUTBOX_MESSAGES.labels(state.value).set(count)
    OUTBOX_OLDEST_DUE.set(max(0.0, (now - counts.oldest_overdue).total_seconds()) if counts.oldest_overdue else 0)
    digest = counts.last_sent.get(DIGEST_KIND)
    LAST_DIGEST_SENT.set(digest.timestamp() if digest else 0)


async def render(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> bytes:
    """The whole text exposition, gauges fresh."""
    await refresh(sessions, clock)
    return generate_latest(REGISTRY)


async def metrics_handler(request: web.Request) -> web.Response:
    """aiohttp handler for /metrics; the application must have been set up by `add_metrics`."""
    sessions, clock = request.app[_SOURCE]
    body = await render(sessions, clock)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def add_metrics(app: web.Application, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
    """Mount GET /metrics on an aiohttp application (before it starts: aiohttp freezes routes)."""
    app[_SOURCE] = (sessions, clock)
    app.router.add_get(METRICS_PATH, metrics_handler)
