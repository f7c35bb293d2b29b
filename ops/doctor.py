"""`bot.py doctor`: check a deployment without reading the code, and say what to fix.

It only looks: it never migrates, sends or changes a webhook. Each check gives one line, and the
exit code is 0 only when every line is fine. Tokens and database passwords never appear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from channels.zalo.client import ZaloClient, ZaloError
from core.clock import Clock
from core.config import Config, mask_url
from models.db import make_engine, make_sessionmaker
from models.migrate import alembic_config
from services.chats import cells_out_of_reach, committees_without_chat

NAMES_SHOWN = 10


@dataclass(frozen=True)
class Finding:
    ok: bool
    area: str
    text: str

    def line(self) -> str:
        return f"  {'ok ' if self.ok else 'FIX'}  {self.area}: {self.text}"


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (f" and {len(names) - NAMES_SHOWN} more" if len(names) > NAMES_SHOWN else "")


async def diagnose(config: Config, clock: Clock) -> list[Finding]:
    findings = [Finding(True, "config", "read and valid")]
    findings += await _database(config)
    findings.append(_time_zone(config, clock))
    if not config.telegram.token and not config.zalo.token:
        findings.append(Finding(False, "chat platforms", "no token: set TELEGRAM_BOT_TOKEN and/or ZALO_BOT_TOKEN"))
    if config.telegram.token:
        findings += await _telegram(config)
    if config.zalo.token:
        findings += await _zalo(config)
    return findings


async def _database(config: Config) -> list[Finding]:
    where = mask_url(config.database.url)
    engine = make_engine(config.database.url)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            current, head = await conn.run_sync(_revisions)
        found = [Finding(True, "database", f"{where} answers")]
        if current is None:
            found.append(Finding(False, "migrations", "the database is empty: run `python bot.py db upgrade`"))
            return found
        if current != head:
            found.append(
                Finding(False, "migrations", f"at {current}, this version needs {head}: run `python bot.py db upgrade`")
            )
            return found
        found.append(Finding(True, "migrations", f"at the newest revision ({head})"))
        async with make_sessionmaker(engine)() as session:
            found += _chats(await committees_without_chat(session), await cells_out_of_reach(session))
        return found
    except (SQLAlchemyError, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return [Finding(False, "database", f"cannot use {where}: {reason}")]
    finally:
        await engine.dispose()


def _revisions(connection: Connection) -> tuple[str | None, str | None]:
    current = MigrationContext.configure(connection).get_current_revision()
    return current, ScriptDirectory.from_config(alembic_config()).get_current_head()


def _chats(committees: list[str], cells: list[str]) -> list[Finding]:
    found = []
    if committees:
        found.append(
            Finding(
                False,
                "committee chats",
                f"no chat linked for {_names(committees)}: an admin sends /ketnoi capuy <name> in its group",
            )
        )
    else:
        found.append(Finding(True, "committee chats", "every committee has its chat linked"))
    if cells:
        found.append(
            Finding(
                False,
                "cells",
                f"nobody reachable in {_names(cells)}: link the group (/ketnoi) or send members their /moi codes",
            )
        )
    return found


def _time_zone(config: Config, clock: Clock) -> Finding:
    zone = config.schedule.zone
    now = clock.now()
    if now.year < 2025:
        return Finding(False, "time", f"the server clock says {now:%Y-%m-%d}: set the clock (NTP)")
    local = now.astimezone(zone)
    return Finding(True, "time", f"{config.schedule.timezone}, now {local:%d/%m/%Y %H:%M} there")


async def _telegram(config: Config) -> list[Finding]:
    bot = Bot(config.telegram.token, base_url=config.telegram.base_url)
    try:
        async with bot:
            me = await bot.get_me()
            info = await bot.get_webhook_info()
    except InvalidToken:
        return [Finding(False, "telegram", "the token was refused: check TELEGRAM_BOT_TOKEN (BotFather /token)")]
    except TelegramError as exc:
        return [Finding(False, "telegram", f"cannot reach the Bot API at {config.telegram.base_url}: {exc.message}")]
    found = [Finding(True, "telegram", f"bot @{me.username} answers")]
    found.append(
        _webhook(
            "telegram webhook",
            url=info.url,
            wanted=_wanted_webhook(config, "telegram"),
            pending=info.pending_update_count,
            error=info.last_error_message,
            error_at=info.last_error_date,
        )
    )
    return found


async def _zalo(config: Config) -> list[Finding]:
    client = ZaloClient(config.zalo.token, config.zalo.base_url)
    try:
        me = await client.get_me()
        info = await client.get_webhook_info()
    except ZaloError as exc:
        if exc.status in (401, 403) or exc.code in (401, 403):
            return [Finding(False, "zalo", "the token was refused: check ZALO_BOT_TOKEN (Zalo Bot Manager)")]
        return [Finding(False, "zalo", f"cannot reach the Zalo Bot API at {config.zalo.base_url}: {exc.description}")]
    finally:
        await client.aclose()
    name = me.get("account_name") or me.get("id")
    url = str(info.get("url") or "")
    return [
        Finding(True, "zalo", f"bot {name} answers"),
        _webhook("zalo webhook", url=url, wanted=_wanted_webhook(config, "zalo"), pending=0, error=None, error_at=None),
    ]


def _wanted_webhook(config: Config, platform: str) -> str:
    """The webhook URL the configuration asks for; empty in polling mode."""
    settings = config.zalo if platform == "zalo" else config.telegram
    if settings.mode != "webhook":
        return ""
    return f"{config.server.public_url.rstrip('/')}/{platform}/webhook"


def _webhook(
    area: str, *, url: str, wanted: str, pending: int, error: str | None, error_at: datetime | None
) -> Finding:
    if not wanted and url:
        return Finding(False, area, f"a webhook is set ({url}) but the bot polls: start the bot once, it removes it")
    if wanted and url != wanted:
        shown = url or "none"
        return Finding(False, area, f"set to {shown}, expected {wanted}: start `bot.py serve` or `run`, it sets it")
    if error:
        when = f" at {error_at:%d/%m %H:%M} UTC" if error_at else ""
        return Finding(False, area, f"the platform's last call failed{when}: {error} (check the proxy and the secret)")
    mode = "webhook" if wanted else "polling"
    return Finding(True, area, f"{mode} mode as configured, {pending} updates waiting")


def report(findings: list[Finding]) -> tuple[str, int]:
    """The printed report and the exit code (0 only when all is well)."""
    to_fix = [f for f in findings if not f.ok]
    lines = ["chibo-bot doctor", *(f.line() for f in findings)]
    lines.append("all is well" if not to_fix else f"{len(to_fix)} thing(s) to fix")
    return "\n".join(lines), 0 if not to_fix else 1
