"""Secrets and personal data never reach output: not the log (messages and tracebacks), not
start-up errors. Each test drives a real failure path and reads what an operator would see."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from core.config import Config
from core.logs import format_exception, setup_logging
from handlers.context import AppContext
from services import attendance
from tests.chat import Chat
from tests.factories import build_world

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345"
PASSWORD = "S3cretPW"
REASON = "Mẹ em bị ung thư, em phải vào viện chăm mẹ"
MEMBER = "1003"


@contextmanager
def captured_logs(fmt: str = "text") -> Iterator[io.StringIO]:
    """The bot's own logging set-up (format `fmt`), writing into a string instead of stderr."""
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    setup_logging([TOKEN, PASSWORD], logging.INFO, fmt)
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    try:
        yield stream
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    with captured_logs() as stream:
        yield stream


# A trigger that makes the write of an answer's reason fail inside the database, as a full disk or a
# broken constraint would; on PostgreSQL it fails so that the error's DETAIL quotes the whole row.
_BREAK = {
    "sqlite": [
        "CREATE TRIGGER break_answers BEFORE UPDATE OF reason ON attendances "
        "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION break_answers() RETURNS trigger AS $$ BEGIN NEW.meeting_id := NULL; RETURN NEW; END $$ "
        "LANGUAGE plpgsql",
        "CREATE TRIGGER break_answers BEFORE UPDATE OF reason ON attendances FOR EACH ROW "
        "EXECUTE FUNCTION break_answers()",
    ],
}
_MEND = {
    "sqlite": ["DROP TRIGGER break_answers"],
    "postgresql": ["DROP TRIGGER break_answers ON attendances", "DROP FUNCTION break_answers()"],
}


@pytest.fixture
async def broken_answers(app: AppContext) -> AsyncIterator[None]:
    async with app.sessions() as session:
        dialect = session.get_bind().dialect.name
    engine = app.sessions.kw["bind"]
    async with engine.begin() as connection:
        for statement in _BREAK[dialect]:
            await connection.execute(text(statement))
    yield
    async with engine.begin() as connection:
        for statement in _MEND[dialect]:
            await connection.execute(text(statement))


async def test_a_database_error_logs_no_absence_reason(
    app: AppContext, chat: Chat, broken_answers: None, log_output: io.StringIO
) -> None:
    await build_world(app, meeting_at=app.clock.now() + timedelta(days=3))
    said = await chat.say(MEMBER, f"/vang {REASON}")
    assert "Đã có lỗi" in said.text
    output = log_output.getvalue()
    assert "handler failed" in output
    assert "attendances" in output  # the failing statement is still there to debug
    for part in (REASON, "ung thư", "ung th"):
        assert part not in output
    # Nor a member's identity from the row.
    assert "Lê Văn Cường" not in output


async def test_a_token_inside_a_traceback_is_redacted(
    app: AppContext, chat: Chat, log_output: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Libraries put the Bot API URL (and so the token) in their exception texts."""
    await build_world(app, meeting_at=app.clock.now() + timedelta(days=3))

    async def fails(*_args: object, **_kwargs: object) -> None:
        raise ConnectionError(f"POST https://api.telegram.org/bot{TOKEN}/sendMessage failed")

    monkeypatch.setattr(attendance, "answer", fails)
    assert "Đã có lỗi" in (await chat.say(MEMBER, "/vang bận")).text
    output = log_output.getvalue()
    assert "Traceback" in output
    assert "bot***/sendMessage" in output
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output


def _run_bot(tmp_path: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *args],
        cwd=tmp_path,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_refused_database_url_is_shown_without_its_password(tmp_path: Path) -> None:
    done = _run_bot(tmp_path, "run", env={"DATABASE_URL": f"postgresql://admin:{PASSWORD}@db.example.org/chibo"})
    assert done.returncode != 0
    assert PASSWORD not in done.stdout + done.stderr
    assert done.stderr.strip().splitlines() == [
        "config.toml: database.url = 'postgresql://admin:***@db.example.org/chibo': url must start with "
        "sqlite+aiosqlite:// or postgresql+asyncpg:// (the async drivers we ship)"
    ]


def test_an_unreachable_database_is_named_without_its_password(tmp_path: Path) -> None:
    url = f"postgresql+asyncpg://admin:{PASSWORD}@127.0.0.1:1/chibo"
    done = _run_bot(tmp_path, "db", "upgrade", env={"DATABASE_URL": url})
    assert done.returncode == 1
    assert PASSWORD not in done.stdout + done.stderr
    assert "postgresql+asyncpg://admin:***@127.0.0.1:1/chibo" in done.stderr
    assert "Traceback" not in done.stderr


async def test_database_errors_carry_no_parameters(app: AppContext) -> None:
    """Engines hide parameters, so an error's text is safe wherever it travels (str, repr, reply)."""
    engine = app.sessions.kw["bind"]
    with pytest.raises(Exception) as caught:  # noqa: PT011 (SQLite and PostgreSQL raise different types)
        async with engine.connect() as connection:
            await connection.execute(
                text("SELECT no_such_column FROM persons WHERE full_name = :name"), {"name": REASON}
            )
    assert "no_such_column" in str(caught.value)
    assert REASON not in str(caught.value) + repr(caught.value)


def test_the_database_password_is_a_secret_as_meant_and_as_written() -> None:
    config = Config.model_validate({"database": {"url": f"postgresql+asyncpg://admin:{PASSWORD}%40x@h/db"}})
    assert set(config.secrets()) == {f"{PASSWORD}@x", f"{PASSWORD}%40x"}


def test_a_traceback_keeps_its_shape_when_an_exception_cannot_be_read() -> None:
    class Unreadable(Exception):
        def __str__(self) -> str:
            raise RuntimeError

    try:
        try:
            raise Unreadable
        except Unreadable as inner:
            raise ExceptionGroup("two tasks failed", [inner, ValueError(TOKEN)]) from None
    except ExceptionGroup as group:
        text = format_exception(group)
    assert "Unreadable: <the exception's text could not be read>" in text
    assert "two tasks failed (2 sub-exceptions)" in text
    assert text.count("Traceback (most recent call last):") == 3
