"""`bot.py doctor` against the fake Bot API servers: all well, then each fault named with its fix."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from core.clock import FakeClock
from core.config import Config
from handlers.context import AppContext
from models import Cell, ChatLink, Committee, Platform
from ops.doctor import Finding, diagnose, report
from tests.dbutil import fresh_database
from tests.factories import build_world
from tests.fake_telegram.server import DEFAULT_TOKEN, FakeTelegram
from tests.fake_zalo.server import FakeZalo, serving

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
SECRET = "s3cret-token"


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZalo]:
    async with serving() as server:
        yield server


def settings(db_url: str, telegram: FakeTelegram | None = None, zalo: FakeZalo | None = None, **extra: Any) -> Config:
    data: dict[str, Any] = {"database": {"url": db_url}, **extra}
    if telegram is not None:
        data["telegram"] = {"token": DEFAULT_TOKEN, "base_url": telegram.base_url}
    if zalo is not None:
        data["zalo"] = {"token": zalo.token, "base_url": zalo.base_url}
    return Config.model_validate(data)


async def linked_world(app: AppContext) -> None:
    """A cell whose members are on Telegram and a committee with its chat linked."""
    await build_world(app)
    async with app.sessions() as session, session.begin():
        for committee in (await session.scalars(select(Committee))).all():
            session.add(ChatLink(platform=Platform.TELEGRAM, chat_id=f"-100{committee.id}", committee_id=committee.id))


def fixes(findings: list[Finding]) -> dict[str, str]:
    return {f.area: f.text for f in findings if not f.ok}


async def test_a_healthy_deployment_is_all_well(
    app: AppContext, db_url: str, fake: FakeTelegram, zalo: FakeZalo
) -> None:
    await linked_world(app)
    text, code = report(await diagnose(settings(db_url, fake, zalo), FakeClock(NOW)))
    assert code == 0, text
    assert "bot @chibo_test_bot answers" in text
    assert "polling mode as configured" in text
    assert "at the newest revision" in text
    assert "all is well" in text


async def test_each_fault_is_named_with_what_to_do(
    app: AppContext, db_url: str, fake: FakeTelegram, zalo: FakeZalo
) -> None:
    await build_world(app)  # no committee chat linked
    async with app.sessions() as session, session.begin():
        session.add(Cell(name="Chi bộ Không Ai", committee_id=(await session.scalar(select(Committee.id)))))
    await fake._m_setwebhook({"url": "https://old.example.vn/hook"})
    findings = await diagnose(settings(db_url, fake, zalo), FakeClock(datetime(2001, 1, 1, tzinfo=UTC)))
    to_fix = fixes(findings)
    assert "/ketnoi capuy" in to_fix["committee chats"]
    assert "Chi bộ Không Ai" in to_fix["cells"]
    assert "Chi bộ Khu phố 1" not in to_fix["cells"]
    assert "webhook is set (https://old.example.vn/hook) but the bot polls" in to_fix["telegram webhook"]
    assert "set the clock" in to_fix["time"]
    assert report(findings)[1] == 1


async def test_refused_tokens_and_unreachable_apis(db_url: str, fake: FakeTelegram, zalo: FakeZalo) -> None:
    config = settings(db_url).model_copy(
        update={
            "telegram": settings(db_url, fake).telegram.model_copy(update={"token": "123:wrong"}),
            "zalo": settings(db_url, zalo=zalo).zalo.model_copy(update={"token": "1:wrong"}),
        }
    )
    to_fix = fixes(await diagnose(config, FakeClock(NOW)))
    assert "token was refused" in to_fix["telegram"]
    assert "token was refused" in to_fix["zalo"]
    assert "wrong" not in str(to_fix)
    gone = settings(db_url, fake)
    gone = gone.model_copy(update={"telegram": gone.telegram.model_copy(update={"base_url": "http://127.0.0.1:9/bot"})})
    assert "cannot reach the Bot API" in fixes(await diagnose(gone, FakeClock(NOW)))["telegram"]


async def test_no_token_at_all_is_a_fault(db_url: str) -> None:
    assert "no token" in fixes(await diagnose(settings(db_url), FakeClock(NOW)))["chat platforms"]


def test_an_unmigrated_database_is_named(tmp_path: Path) -> None:
    with fresh_database("sqlite", tmp_path, migrate=False) as url:
        findings = asyncio.run(diagnose(settings(url), FakeClock(NOW)))
    assert "bot.py db upgrade" in fixes(findings)["migrations"]


async def test_an_unreachable_database_hides_its_password() -> None:
    url = "postgresql+asyncpg://admin:S3cretPW@127.0.0.1:9/chibo"
    findings = await diagnose(settings(url), FakeClock(NOW))
    assert "cannot use postgresql+asyncpg://admin:***@127.0.0.1:9/chibo" in fixes(findings)["database"]
    assert "S3cretPW" not in report(findings)[0]


def test_the_command_exits_non_zero_and_prints_the_report(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "x.db"}"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN")}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "--config", str(config), "doctor"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "FIX  migrations: the database is empty" in result.stdout
    assert "Traceback" not in result.stderr


async def test_a_failing_webhook_is_named_with_its_last_error(db_url: str, fake: FakeTelegram) -> None:
    """In webhook mode, the URL Telegram calls is right but the calls fail (proxy down)."""
    dead = "http://127.0.0.1:9"
    await fake._m_setwebhook({"url": f"{dead}/telegram/webhook", "secret_token": SECRET})
    fake.send(fake.user(1001, "An"), "/start")
    await fake.wait_for(lambda: fake.webhook is not None and fake.webhook.last_error)
    config = Config.model_validate(
        {
            "database": {"url": db_url},
            "telegram": {
                "token": DEFAULT_TOKEN,
                "base_url": fake.base_url,
                "mode": "webhook",
                "webhook_secret": SECRET,
            },
            "server": {"public_url": dead},
        }
    )
    problem = fixes(await diagnose(config, FakeClock(NOW)))["telegram webhook"]
    assert "the platform's last call failed" in problem
    assert "check the proxy and the secret" in problem
