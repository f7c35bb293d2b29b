"""What each kind of process runs (bot.py `run`, `serve`, `worker`), from the same parts.

- serve: receives every configured platform's webhook on `[server] listen` (plus /healthz) and
  answers; no scheduler, no outbox. Stateless: any number run side by side behind a proxy.
- worker: the scheduled jobs and the outbox; sends only while it holds the bot's sender lock
  (scheduler/sender_lock.py); receives nothing. Any number run side by side.
- run: both in one process, by polling or webhook as configured.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncEngine

from channels.calendar_feed import add_calendar_route
from channels.material_downloads import add_material_route
from channels.server import HttpServer
from channels.telegram import TelegramChannel
from channels.telegram.channel import CONCURRENT_UPDATES, Receive
from channels.telegram.webhook import WEBHOOK_PATH, add_telegram_route, ensure_webhook
from channels.zalo.runner import ZaloRuntime
from core.config import Config
from handlers.context import AppContext
from handlers.delivery import Sender
from handlers.dispatcher import Dispatcher
from handlers.registry import ROUTER
from models import Platform
from ops.metrics import add_metrics
from scheduler.dispatch import worker_name
from scheduler.runner import BotScheduler, start_scheduler, stop_scheduler
from scheduler.sender_lock import SenderLock
from services.health import HealthCheck

log = logging.getLogger(__name__)


class Role(StrEnum):
    RUN = "run"
    SERVE = "serve"
    WORKER = "worker"


# PostgreSQL connections per process (pool_size, max_overflow). A serve process handles at most
# CONCURRENT_UPDATES (16) updates at once, Telegram's max_connections; a worker needs one for the
# sender lock, one for the outbox and a few for jobs. 4 serve + 4 workers = 4×16 + 4×6 = 88 < 100.
POOLS = {Role.RUN: (10, 10), Role.SERVE: (8, 8), Role.WORKER: (4, 2)}


class ProcessError(Exception):
    """The configuration does not fit the role asked for."""


def check_role(config: Config, role: Role) -> None:
    if role is Role.SERVE:
        polling = [name for name, side in (("telegram", config.telegram), ("zalo", config.zalo)) if side.token]
        polling = [name for name in polling if getattr(config, name).mode != "webhook"]
        if polling:
            names = " and ".join(f'[{name}] mode = "webhook"' for name in polling)
            raise ProcessError(f"serve receives by webhook only: set {names} (with server.public_url)")
    if not config.telegram.token and not config.zalo.token:
        raise ProcessError("no platform configured: set TELEGRAM_BOT_TOKEN or ZALO_BOT_TOKEN")


def sender_lock_name(config: Config) -> str:
    """One sender per bot: the lock is named after the bots' ids (the token's public part)."""
    sides = (("telegram", config.telegram.token), ("zalo", config.zalo.token))
    return "sender:" + ",".join(f"{name}:{token.split(':')[0]}" for name, token in sides if token)


async def run_process(app: AppContext, role: Role, stop: asyncio.Event) -> None:
    """Run `role` until `stop` is set (or a platform's receiving dies); everything is stopped in
    reverse order on the way out (the scheduler drains the message in flight first)."""
    config = app.config
    check_role(config, role)
    dispatcher = Dispatcher(app, ROUTER)
    senders: dict[Platform, Sender] = {}
    receive = role is not Role.WORKER
    tg_receive: Receive = config.telegram.mode if receive else None
    scheduler: BotScheduler | None = None

    def scheduler_idle() -> float | None:
        return scheduler.idle_seconds() if scheduler is not None else None

    # Every process answers /healthz (and serves /metrics); a serve process runs no scheduler.
    health = HealthCheck(
        app.sessions,
        app.clock.now,
        timedelta(minutes=config.server.stuck_minutes),
        None if role is Role.SERVE else scheduler_idle,
        max(timedelta(minutes=2), timedelta(seconds=3 * config.reminders.dispatch_seconds)),
    )
    server = HttpServer(config.server.listen, health)
    add_metrics(server.app, app.sessions, app.clock)
    if config.server.public_url:
        add_calendar_route(server, app)
        add_material_route(server, app)
    lock = _sender_lock(app)
    # Only the process holding the sender lock sends queued edits; a serve process only queues them.
    telegram = (
        TelegramChannel(
            app,
            dispatcher,
            senders=senders,
            receive=tg_receive,
            menus=role is not Role.SERVE,
            sending=(lambda: False) if role is Role.SERVE else (lambda: lock.held),
        )
        if config.telegram.token
        else None
    )
    if telegram is not None and tg_receive == "webhook":
        add_telegram_route(server, telegram, config.telegram.webhook_secret)
    zalo = ZaloRuntime(app, dispatcher, senders, server=server, receive=receive) if config.zalo.token else None
    async with contextlib.AsyncExitStack() as stack:
        await server.start()
        stack.push_async_callback(server.stop)
        if telegram is not None:
            await telegram.start()
            stack.push_async_callback(telegram.stop)
            if tg_receive == "webhook":
                url = config.server.public_url + WEBHOOK_PATH
                await ensure_webhook(telegram.application.bot, url, config.telegram.webhook_secret, CONCURRENT_UPDATES)
        if zalo is not None:
            await zalo.start()
            stack.push_async_callback(zalo.stop)
        if role is not Role.SERVE:
            scheduler = await _start_sending(stack, app, senders, lock)
        log.info("%s process ready", role)
        if zalo is not None:
            await zalo.wait(stop)
        else:
            await stop.wait()


def _sender_lock(app: AppContext) -> SenderLock:
    engine = app.sessions.kw["bind"]
    assert isinstance(engine, AsyncEngine)
    config = app.config
    platforms = [p for p, side in ((Platform.TELEGRAM, config.telegram), (Platform.ZALO, config.zalo)) if side.token]
    return SenderLock(engine, sender_lock_name(config), worker_name(), platforms)


async def _start_sending(
    stack: contextlib.AsyncExitStack, app: AppContext, senders: dict[Platform, Sender], lock: SenderLock
) -> BotScheduler:
    task = asyncio.create_task(lock.run(), name="sender-lock")

    async def give_up() -> None:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    stack.push_async_callback(give_up)
    scheduler = start_scheduler(app, senders, lambda: lock.held)
    stack.push_async_callback(stop_scheduler, scheduler)
    return scheduler
