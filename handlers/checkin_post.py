"""The group's check-in message: its counter text and the edits that keep it current.

Shared by check-in, the secretary's marks and the job that closes check-ins at their end.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import partial

from markupsafe import Markup

from core.buttons import CheckinData
from core.i18n import Translator
from core.messages import Address, Button, Edit, Keyboard
from handlers.context import AppContext, Ctx
from models import Meeting
from models.db import Session
from services import tallies
from services.posted import checkin_posts
from services.tallies import Tally


def counter_text(tr: Translator, count: Tally, *, closed: bool = False) -> Markup:
    key = "checkin-counter-closed" if closed else "checkin-counter"
    text = tr.t(key, present=count.present, counted=count.counted)
    if count.present_exempt:
        text += tr.t("checkin-counter-exempt", exempt=count.present_exempt)
    return text


def check_in_post(tr: Translator, meeting: Meeting, count: Tally, *, closed: bool = False) -> Markup:
    """The group's check-in message: the same text when posted and on every later edit."""
    if closed:
        return tr.t("checkin-post-closed", counter=counter_text(tr, count, closed=True))
    text = tr.t("checkin-post", counter=counter_text(tr, count))
    if meeting.checkin_requires_code:
        text += tr.t("checkin-post-code-hint")
    return text


def checkin_keyboard(tr: Translator, meeting_id: int) -> Keyboard:
    """The one button under the group's check-in message."""
    return ((Button(str(tr.t("checkin-button")), CheckinData(meeting_id)),),)


LIVE_COUNTER = "checkin:"


async def live_texts(session: Session, tr: Translator, lives: Collection[str]) -> dict[str, Markup | None]:
    """The texts these live edits name, read from committed rows now (two queries for them all);
    None when there is nothing to show any more (the check-in closed: its final edit is
    authoritative) or the name is not known."""
    named = {live: _counter_meeting(live) for live in lives}
    found = await tallies.open_tallies(session, {mid for mid in named.values() if mid is not None})
    return {live: check_in_post(tr, *found[mid]) if mid in found else None for live, mid in named.items()}


def _counter_meeting(live: str) -> int | None:
    kind, _, meeting_id = live.partition(":")
    known = f"{kind}:" == LIVE_COUNTER and meeting_id.isascii() and meeting_id.isdigit()
    return int(meeting_id) if known else None


async def _live_text_now(app: AppContext, live: str) -> Markup | None:
    """One live text in a session of its own: for channels that edit at once (Zalo, the console)."""
    async with app.sessions() as session:
        return (await live_texts(session, app.tr, [live]))[live]


def live_counter(app: AppContext, to: Address, message_id: str, meeting_id: int) -> Edit:
    """The open counter, recounted from committed rows when the edit is sent, so the press that
    asks for it spends no query on it and no concurrent press is missed."""
    live = f"{LIVE_COUNTER}{meeting_id}"
    return Edit(
        to,
        message_id,
        partial(_live_text_now, app, live),
        checkin_keyboard(app.tr, meeting_id),
        throttled=True,
        live=live,
    )


async def counter_edits(ctx: Ctx, meeting_id: int) -> list[Edit]:
    """Live edits for every group message showing this meeting's open check-in."""
    posts = await checkin_posts(ctx.session, meeting_id)
    return [live_counter(ctx.app, Address(p.platform, p.chat_id), p.message_id, meeting_id) for p in posts]


async def closed_counter_edits(app: AppContext, session: Session, meeting: Meeting, count: Tally) -> list[Edit]:
    """The final count, without the button, for every group message that showed the check-in."""
    body = check_in_post(app.tr, meeting, count, closed=True)
    posts = await checkin_posts(session, meeting.id)
    return [Edit(Address(p.platform, p.chat_id), p.message_id, body) for p in posts]
