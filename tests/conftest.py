"""Shared fixtures. Every storage test runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import open_app
from core.clock import FakeClock
from core.config import Config
from handlers.context import AppContext
from handlers.dispatcher import Dispatcher
from handlers.registry import ROUTER
from tests.chat import Chat
from tests.dbutil import BACKENDS, empty_tables, fresh_database, postgres_admin_url

# A Telegram user id listed in [telegram] admin_ids in every test's configuration.
ADMIN_ID = 7777

# The fake Telegram server and the Telegram channel pointed at it (fixtures fake, tg_app, channel, people).
pytest_plugins = ["tests.fake_telegram.fixtures"]


@pytest.fixture(scope="session", params=BACKENDS)
def database_backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database per backend for the whole run."""
    backend: str = request.param
    if backend == "postgresql" and not postgres_admin_url():
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    with fresh_database(backend, tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture
async def db_url(database_backend: str) -> AsyncIterator[str]:
    yield database_backend
    await empty_tables(database_backend)


@pytest.fixture
def clock() -> FakeClock:
    # A Monday morning in Hanoi, in the last week of November 2026.
    return FakeClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))


@pytest.fixture
def config(db_url: str) -> Config:
    return Config.model_validate({"database": {"url": db_url}, "telegram": {"admin_ids": [ADMIN_ID]}})


@pytest.fixture
async def app(config: Config, clock: FakeClock) -> AsyncIterator[AppContext]:
    async with open_app(config, clock) as context:
        yield context


@pytest.fixture
def dispatcher(app: AppContext) -> Dispatcher:
    return Dispatcher(app, ROUTER)


@pytest.fixture
def chat(dispatcher: Dispatcher) -> Chat:
    return Chat(dispatcher)


@pytest.fixture
def fixtures_dir() -> Path:
    return Path(__file__).parent / "fixtures"
