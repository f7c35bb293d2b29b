"""Log lines: one per event, text or JSON (`[log] format`), secrets masked in both, people by id
only (never name, reason or phone) on real failure paths, APScheduler's per-tick lines silenced."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import update

import bot
from core.logs import JsonFormatter
from handlers.context import AppContext
from models import Person
from scheduler.digest import write_weekly_digest
from tests.chat import Chat
from tests.factories import build_world, connect_everyone
from tests.test_secrets import MEMBER, REASON, TOKEN, broken_answers, captured_logs  # noqa: F401 (broken_answers: a fixture)

PHONE = "0912345678"


@pytest.fixture(params=["text", "json"])
def log_format(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def log_output(log_format: str) -> Iterator[io.StringIO]:
    with captured_logs(log_format) as stream:
        yield stream


def events(stream: io.StringIO, log_format: str) -> list[str]:
    """Each event's full text (JSON lines are parsed and must carry the four fields)."""
    lines = stream.getvalue().splitlines()
    if log_format == "text":
        return lines
    parsed = [json.loads(line) for line in lines]
    assert all({"time", "level", "logger", "message"} <= set(event) for event in parsed)
    return [json.dumps(event, ensure_ascii=False) for event in parsed]


async def set_phone(app: AppContext, name: str) -> int:
    async with app.sessions() as session, session.begin():
        person_id = await session.scalar(
            update(Person).where(Person.full_name == name).values(phone=PHONE).returning(Person.id)
        )
    assert person_id is not None
    return person_id


def test_one_line_per_event_with_the_exception_and_secrets_masked(log_output: io.StringIO, log_format: str) -> None:
    log = logging.getLogger("chibo.test")
    log.warning("two\nlines from %s", "a caller")
    try:
        raise ConnectionError(f"POST https://api.telegram.org/bot{TOKEN}/sendMessage failed")
    except ConnectionError:
        log.exception("send failed")
    log.exception("outside any except block")  # no exception to show, and no empty field for it
    lines = log_output.getvalue().splitlines()
    assert len(lines) == 3  # the newline in the message and the traceback stay inside their event
    assert TOKEN not in log_output.getvalue()
    assert "bot***/sendMessage" in lines[1]
    if log_format == "json":
        first, second, third = (json.loads(line) for line in lines)
        assert "exception" not in third
        assert (first["level"], first["logger"], first["message"]) == (
            "WARNING",
            "chibo.test",
            "two\nlines from a caller",
        )
        assert first["time"].endswith("+00:00")
        assert "exception" not in first
        assert second["message"] == "send failed"
        assert second["exception"].startswith("Traceback (most recent call last):\n")
        assert second["exception"].endswith("ConnectionError: POST https://api.telegram.org/bot***/sendMessage failed")
    else:
        assert lines[0].endswith("WARNING chibo.test: two\\nlines from a caller")
        assert "send failed\\nTraceback (most recent call last):\\n" in lines[1]


@pytest.mark.usefixtures("broken_answers")
async def test_a_failing_answer_logs_the_member_by_id_only(
    app: AppContext,
    chat: Chat,
    log_output: io.StringIO,
    log_format: str,
) -> None:
    await build_world(app, meeting_at=app.clock.now() + timedelta(days=3))
    person_id = await set_phone(app, "Lê Văn Cường")
    assert "Đã có lỗi" in (await chat.say(MEMBER, f"/vang {REASON}")).text
    [failure] = [e for e in events(log_output, log_format) if "handler failed" in e]
    assert f"(absent, person {person_id})" in failure
    output = log_output.getvalue()
    for private in ("Lê Văn Cường", "Cường", PHONE, REASON, "ung thư"):
        assert private not in output


async def test_a_supervisor_without_a_chat_is_logged_by_id_only(
    app: AppContext, log_output: io.StringIO, log_format: str
) -> None:
    await build_world(app)
    await connect_everyone(app, "1001")  # not Giang, the supervisor
    person_id = await set_phone(app, "Võ Thị Giang")
    await write_weekly_digest(app, app.clock.now())
    [line] = [e for e in events(log_output, log_format) if "no connected chat account" in e]
    assert f"supervisor {person_id} " in line
    for private in ("Võ Thị Giang", "Giang", PHONE):
        assert private not in log_output.getvalue()


async def test_apscheduler_says_nothing_per_tick_but_its_errors_still_show(log_output: io.StringIO) -> None:
    ran = asyncio.Event()

    async def tick() -> None:
        ran.set()

    async def broken() -> None:
        raise RuntimeError("job bug")

    scheduler = AsyncIOScheduler()
    scheduler.add_job(tick, id="tick")
    scheduler.add_job(broken, id="broken")
    scheduler.start()
    try:
        await asyncio.wait_for(ran.wait(), 5)
        for _ in range(50):  # the broken job's error is logged once its task finishes
            if "job bug" in log_output.getvalue():
                break
            await asyncio.sleep(0.02)
    finally:
        scheduler.shutdown(wait=False)
    output = log_output.getvalue()
    assert "Running job" not in output
    assert "executed successfully" not in output
    assert "Adding job" not in output and "Scheduler started" not in output  # noqa: PT018
    assert "raised an exception" in output and "job bug" in output  # noqa: PT018


def test_the_configured_format_is_what_bot_py_sets_up(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path}/x.db"\n\n[log]\nformat = "json"\n')
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        assert bot.main(["--config", str(config), "db", "upgrade"]) == 0
        assert isinstance(root.handlers[0].formatter, JsonFormatter)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
