"""Prompts: what an account's next reply may answer, kept in the database with an expiry.

Two kinds share the table. *Choices* are the buttons of one message shown as numbers where there
are no buttons (Zalo, the console): a typed "1" presses exactly the button that was shown as 1 in
a message that is still current. Numbers are unique across one account's open choices (a new
message continues after the highest open number), so a number never means two things; a newer
message on the same subject (the next reminder of the same meeting) replaces the older one, and
answering closes it. A choice about a meeting expires when the meeting starts and stops being
current once the meeting is no longer planned (cancelled, check-in opened, closed). A leader's
decision is never a choice: it is shown with the command to type.

*Questions* are follow-ups ("Vui lòng gửi lý do"): the next plain message answers them. One per
account; a newer question replaces the older; any other message closes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.callback import CallbackData, unpack
from core.messages import Button
from models import Meeting, MeetingState, Platform, Prompt

CHOICES = "choices"
QUESTION = "question"
# Choices not about a meeting (a name to pick after typing a cell code).
CHOICES_TTL = timedelta(days=1)
# Choices about a meeting last until it starts, but never longer than this.
MEETING_CHOICES_TTL = timedelta(days=60)


@dataclass(frozen=True)
class Choice:
    """One numbered button of an open prompt."""

    number: int
    label: str
    data: CallbackData
    prompt_id: int
    message_id: str | None


@dataclass(frozen=True)
class Question:
    """A question the bot asked: `name` is the follow-up its answer goes to."""

    name: str
    data: dict[str, Any]
    until: datetime
    id: int | None = None


def numbered(buttons: Sequence[Button]) -> list[Button]:
    """The buttons that may be answered by number: every one but a leader's decision."""
    return [b for b in buttons if not b.data.leader]


def _open(platform: Platform, account: str, kind: str) -> Any:
    return and_(Prompt.platform == platform, Prompt.account == account, Prompt.kind == kind, Prompt.closed_at.is_(None))


async def open_choices(
    session: AsyncSession, platform: Platform, account: str, buttons: Sequence[Button], now: datetime
) -> tuple[int | None, list[tuple[int, Button]]]:
    """Record the numbered choices a message is about to show; returns the prompt and the numbers."""
    choices = numbered(buttons)
    if not choices:
        return None, []
    subject = choices[0].data.subject
    await _forget_finished(session, platform, account, now)
    await session.execute(
        update(Prompt).where(_open(platform, account, CHOICES), Prompt.subject == subject).values(closed_at=now)
    )
    taken = 0
    for rows in (
        await session.scalars(select(Prompt.buttons).where(_open(platform, account, CHOICES), Prompt.expires_at > now))
    ).all():
        taken = max([taken, *(int(str(row[0])) for row in rows or [])])
    meeting_id = choices[0].data.meeting_id
    expires = now + (MEETING_CHOICES_TTL if meeting_id is not None else CHOICES_TTL)
    if meeting_id is not None:
        meeting = await session.get(Meeting, meeting_id)
        expires = min(expires, meeting.starts_at) if meeting is not None else now
    pairs = list(enumerate(choices, start=taken + 1))
    prompt = Prompt(
        platform=platform,
        account=account,
        kind=CHOICES,
        subject=subject,
        meeting_id=meeting_id if expires > now else None,
        buttons=[[n, b.label, b.packed] for n, b in pairs],
        created_at=now,
        expires_at=expires,
    )
    session.add(prompt)
    await session.flush()
    return prompt.id, pairs


async def _forget_finished(session: AsyncSession, platform: Platform, account: str, now: datetime) -> None:
    """Drop this account's answered, replaced and expired prompts: they mean nothing any more, and
    the table stays as small as what is open."""
    await session.execute(
        delete(Prompt).where(
            Prompt.platform == platform,
            Prompt.account == account,
            or_(Prompt.closed_at.is_not(None), Prompt.expires_at < now),
        )
    )


async def bind(session: AsyncSession, prompt_id: int, message_id: str | None, now: datetime) -> None:
    """Tie the prompt to the message that showed it; a message that never went out closes it."""
    values: dict[str, Any] = {"message_id": message_id} if message_id is not None else {"closed_at": now}
    await session.execute(update(Prompt).where(Prompt.id == prompt_id).values(**values))


async def current_choices(session: AsyncSession, platform: Platform, account: str, now: datetime) -> list[Choice]:
    """The numbered buttons this account may answer now, oldest message first."""
    rows = (
        await session.execute(
            select(Prompt.id, Prompt.message_id, Prompt.buttons)
            .outerjoin(Meeting, Meeting.id == Prompt.meeting_id)
            .where(
                _open(platform, account, CHOICES),
                Prompt.expires_at > now,
                or_(Prompt.meeting_id.is_(None), Meeting.state == MeetingState.PLANNED),
            )
            .order_by(Prompt.id)
        )
    ).all()
    found = []
    for prompt_id, message_id, buttons in rows:
        for number, label, packed in buttons or []:
            data = unpack(str(packed))
            if data is not None:
                found.append(Choice(int(str(number)), str(label), data, prompt_id, message_id))
    return found


async def ask(
    session: AsyncSession,
    platform: Platform,
    account: str,
    question: Question,
    now: datetime,
) -> None:
    """Ask a question whose answer is the next plain message; it replaces any open question."""
    await _forget_finished(session, platform, account, now)
    await close_question(session, platform, account, now)
    session.add(
        Prompt(
            platform=platform,
            account=account,
            kind=QUESTION,
            question=question.name,
            data=question.data,
            created_at=now,
            expires_at=question.until,
        )
    )


async def open_question(session: AsyncSession, platform: Platform, account: str, now: datetime) -> Question | None:
    prompt = await session.scalar(
        select(Prompt)
        .where(_open(platform, account, QUESTION), Prompt.expires_at >= now)
        .order_by(Prompt.id.desc())
        .limit(1)
    )
    if prompt is None or prompt.question is None:
        return None
    return Question(prompt.question, dict(prompt.data or {}), prompt.expires_at, prompt.id)


async def close_question(session: AsyncSession, platform: Platform, account: str, now: datetime) -> None:
    await session.execute(update(Prompt).where(_open(platform, account, QUESTION)).values(closed_at=now))


async def close(session: AsyncSession, prompt_id: int, now: datetime) -> None:
    await session.execute(update(Prompt).where(Prompt.id == prompt_id).values(closed_at=now))
