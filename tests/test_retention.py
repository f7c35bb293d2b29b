"""`[privacy] retention_days`: strangers' claims and names and sent texts are forgotten, by a daily
job that two processes may run at once."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.clock import FakeClock
from core.config import ConfigError, load_config
from handlers.context import AppContext
from models import JoinRequest, JoinState, OutboxMessage, OutboxState, Platform
from scheduler import jobs
from tests.factories import build_world


def _request(cell_id: int, person_id: int, external_id: str, state: JoinState, at: object) -> JoinRequest:
    return JoinRequest(
        cell_id=cell_id,
        person_id=person_id,
        platform=Platform.TELEGRAM,
        external_id=external_id,
        display_name=f"Stranger {external_id}",
        state=state,
        created_at=at,
    )


def _message(key: str, state: OutboxState, at: object) -> OutboxMessage:
    return OutboxMessage(
        key=key,
        platform=Platform.TELEGRAM,
        chat_id="1003",
        kind="reminder",
        text=f"Nhắc họp {key}",
        buttons=[[["Có", "rsvp:1:yes"]]],
        not_before=at,
        state=state,
        sent_at=at if state is OutboxState.SENT else None,
    )


async def test_the_daily_purge_forgets_only_what_is_past_retention(app: AppContext, clock: FakeClock) -> None:
    world = await build_world(app)
    person = world.people["Lê Văn Cường"]
    old = clock.now()
    async with app.sessions() as session:
        session.add_all(
            [
                _request(world.cell_id, person, "801", JoinState.REJECTED, old),
                _request(world.cell_id, person, "802", JoinState.PENDING, old),
                _request(world.cell_id, person, "803", JoinState.APPROVED, old),
                _message("old-sent", OutboxState.SENT, old),
                _message("old-undeliverable", OutboxState.UNDELIVERABLE, old),
                _message("old-pending", OutboxState.PENDING, old),
            ]
        )
        await session.commit()
    clock.advance(timedelta(days=89))
    async with app.sessions() as session:
        session.add_all(
            [
                _request(world.cell_id, person, "804", JoinState.REJECTED, clock.now()),
                _message("recent-sent", OutboxState.SENT, clock.now()),
            ]
        )
        await session.commit()
    assert not any(vars(await jobs.purge_old_data(app)).values())  # 89 days: nothing is due yet
    clock.advance(timedelta(days=1, seconds=1))
    # Two processes at once: together they purge each thing once.
    first, second = await asyncio.gather(jobs.purge_old_data(app), jobs.purge_old_data(app))
    assert first.join_requests + second.join_requests == 2
    assert first.display_names + second.display_names == 1
    assert first.outbox_texts + second.outbox_texts == 2
    async with app.sessions() as session:
        requests = {r.external_id: r for r in (await session.scalars(select(JoinRequest))).all()}
        messages = {m.key: m for m in (await session.scalars(select(OutboxMessage))).all()}
    assert set(requests) == {"803", "804"}
    assert requests["803"].display_name is None
    assert requests["803"].state is JoinState.APPROVED
    assert requests["804"].display_name == "Stranger 804"
    assert messages["old-sent"].text == ""
    assert messages["old-sent"].buttons is None
    assert messages["old-undeliverable"].text == ""
    assert messages["old-pending"].text == "Nhắc họp old-pending"  # not sent yet: still needed
    assert messages["recent-sent"].text == "Nhắc họp recent-sent"
    assert not any(vars(await jobs.purge_old_data(app)).values())  # a repeat changes nothing


@pytest.mark.parametrize("value", ["0", "-5", "99999", '"ninety"'])
def test_retention_days_is_checked_at_start(tmp_path: Path, value: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[privacy]\nretention_days = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="retention_days"):
        load_config(path, environ={})


def test_retention_days_default_and_override(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[privacy]\nretention_days = 30\n", encoding="utf-8")
    assert load_config(path, environ={}).privacy.retention_days == 30
    path.write_text("", encoding="utf-8")
    assert load_config(path, environ={}).privacy.retention_days == 90
