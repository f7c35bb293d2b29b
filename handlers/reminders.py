"""Reminders in words: the renderer the reminder service writes to the outbox with, and the
secretary's /huyhop (cancel a meeting) and /nhaclai (remind those who have not answered).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from markupsafe import Markup

from core.buttons import CancelData, OpenCheckinData
from core.messages import Button, Keyboard, Response
from handlers import format as fmt
from handlers.announce import announcement, rsvp_buttons
from handlers.common import about, one_meeting_on, secretary_cell
from handlers.context import AppContext, Ctx
from handlers.router import Need, Router
from models import Meeting, MeetingState
from services import reminders
from services.errors import DomainError
from services.meetings import unsettled_meetings, upcoming_meetings
from services.parsing import looks_like_date, parse_date
from services.reminders import Kind, Notice, Render, Rendered

router = Router()
REASON_MAX = 300
MAX_CHOICES = 5


def renderer(app: AppContext) -> Render:
    """Notices in the configured language and time zone, with their buttons."""
    tr, zone = app.tr, app.config.schedule.zone

    def render(notice: Notice) -> Rendered:
        meeting = notice.meeting
        if meeting is None:
            window = app.config.schedule.meeting_days
            return tr.t("reminders-no-day", cell=notice.cell_name, month=notice.args["month"], window=window), ()
        when = fmt.when(tr, meeting.starts_at, zone)
        place = meeting.place or tr.t("unknown-place")
        buttons: Keyboard = rsvp_buttons(tr, meeting.id) if notice.rsvp else ()
        args = notice.args
        if notice.kind is Kind.ANNOUNCE:
            text, _ = announcement(tr, zone, meeting, notice.cell_name)
        elif notice.kind is Kind.MOVED:
            body, _ = announcement(tr, zone, meeting, notice.cell_name)
            text = tr.t("reminders-moved", previous=fmt.when(tr, args["previous"], zone)) + Markup("\n") + body
        elif notice.kind is Kind.NUDGE:
            text = tr.t("reminders-nudge", cell=notice.cell_name, when=when, place=place)
        elif notice.kind is Kind.SOON:
            start = meeting.starts_at.astimezone(zone).strftime("%H:%M")
            text = tr.t("reminders-soon", cell=notice.cell_name, time=start, place=place)
        elif notice.kind is Kind.TALLY:
            text = _tally(app, notice.cell_name, when, args)
        elif notice.kind is Kind.OPEN:
            text = tr.t("reminders-open", cell=notice.cell_name, when=when)
            buttons = ((Button(str(tr.t("reminders-open-button")), OpenCheckinData(meeting.id), "/modiemdanh"),),)
        elif notice.kind is Kind.SUMMARY:
            text = tr.t("reminders-summary", cell=notice.cell_name, when=when)
        elif notice.kind is Kind.SETTLE:
            short = meeting.starts_at.astimezone(zone).strftime("%d/%m")
            text = tr.t("reminders-settle", cell=notice.cell_name, when=when, short=short)
        elif notice.kind is Kind.CANCELLED:
            text = tr.t("reminders-cancelled", cell=notice.cell_name, when=when)
            if args.get("reason"):
                text += Markup("\n") + tr.t("reminders-cancelled-reason", reason=args["reason"])
        elif notice.kind is Kind.UNDELIVERED:
            text = _undelivered(app, notice.cell_name, when, args)
        else:
            raise ValueError(f"no words for reminder kind {notice.kind}")
        return str(text), buttons

    return render


def _tally(app: AppContext, cell: str, when: Markup, args: Mapping[str, Any]) -> Markup:
    tr = app.tr
    lines = [
        tr.t(
            "reminders-tally", cell=cell, when=when, attend=args["attend"], absent=args["absent"], silent=args["silent"]
        )
    ]
    if args["silent_names"]:
        lines.append(tr.t("reminders-tally-silent", names=args["silent_names"]))
    if args["unreachable"]:
        lines.append(tr.t("reminders-unreachable", names=args["unreachable"]))
    if args.get("not_connected"):
        lines.append(tr.t("reminders-not-connected", names=args["not_connected"]))
    if args.get("unread"):
        lines.append(tr.t("materials-unread", names=args["unread"]))
    lines.append(tr.t("reminders-tally-documents"))
    return Markup("\n").join(lines)


def _undelivered(app: AppContext, cell: str, when: Markup, args: Mapping[str, Any]) -> Markup:
    lines = [app.tr.t("reminders-undelivered", cell=cell, when=when)]
    if args["names"]:
        lines.append(app.tr.t("reminders-unreachable", names=args["names"]))
    if args["groups"]:
        lines.append(app.tr.t("reminders-undelivered-group"))
    lines.append(app.tr.t("reminders-undelivered-hint"))
    return Markup("\n").join(lines)


# --- /huyhop and /nhaclai -------------------------------------------------------------------------


async def _upcoming(ctx: Ctx, cell_id: int) -> Sequence[Meeting]:
    """Meetings not over yet; the service refuses what can no longer be cancelled or reminded."""
    return await upcoming_meetings(ctx.session, cell_id, ctx.now)


async def _unsettled(ctx: Ctx, cell_id: int) -> Sequence[Meeting]:
    """Past meetings nobody settled (no check-in): they can still be cancelled."""
    return await unsettled_meetings(ctx.session, cell_id, ctx.now, MAX_CHOICES)


def _on_day(ctx: Ctx, meetings: Sequence[Meeting], day: date) -> Meeting:
    zone = ctx.app.config.schedule.zone
    found = [m for m in meetings if m.starts_at.astimezone(zone).date() == day]
    if not found:
        raise DomainError("reminders-none-on-day", day=day.strftime("%d/%m/%Y"))
    if len(found) > 1:
        raise DomainError("reminders-several-on-day", day=day.strftime("%d/%m/%Y"))
    return found[0]


def _split_date(ctx: Ctx, usage: str) -> tuple[date | None, str]:
    """An optional leading date (as `parse_date` reads it), then free text."""
    head, _, rest = ctx.args.strip().partition(" ")
    if not head:
        return None, ""
    if not looks_like_date(head):
        raise DomainError(usage)
    today = ctx.now.astimezone(ctx.app.config.schedule.zone).date()
    return parse_date(head, today), " ".join(rest.split())


def _when(ctx: Ctx, moment: datetime) -> Markup:
    return fmt.when(ctx.app.tr, moment, ctx.app.config.schedule.zone)


@router.command("cancel", "huyhop", Need.SECRETARY)
async def cancel(ctx: Ctx) -> Response:
    """With a date, cancel that meeting; without, show the planned ones as buttons to pick from."""
    membership = await secretary_cell(ctx)
    day, reason = _split_date(ctx, "reminders-cancel-usage")
    if len(reason) > REASON_MAX:
        raise DomainError("reminders-reason-too-long", limit=REASON_MAX)
    if day is not None:
        # The typed date may name a past meeting nobody settled as well as a coming one.
        meeting = await one_meeting_on(ctx, membership.cell_id, ctx.args.split()[0])
        return await _cancel(ctx, meeting, reason or None)
    upcoming = [m for m in await _upcoming(ctx, membership.cell_id) if m.state is MeetingState.PLANNED]
    # Past meetings nobody settled come first: they are the ones the secretary was reminded about.
    upcoming = [*reversed(await _unsettled(ctx, membership.cell_id)), *upcoming]
    if not upcoming:
        raise DomainError("err-no-meeting")
    zone = ctx.app.config.schedule.zone
    rows = tuple(
        (
            Button(
                str(ctx.t("reminders-cancel-button", day=fmt.date(m.starts_at, zone))),
                CancelData(m.id),
                f"/huyhop {m.starts_at.astimezone(zone):%d/%m/%Y}",
            ),
        )
        for m in upcoming[:MAX_CHOICES]
    )
    return ctx.reply("reminders-cancel-pick", rows)


@router.button(CancelData, Need.SECRETARY)
async def cancel_button(ctx: Ctx) -> Response:
    meeting = await ctx.session.get(Meeting, ctx.data(CancelData).meeting)
    if meeting is None or not ctx.me().runs(meeting.cell_id):
        raise DomainError("err-stale-button")
    return await _cancel(ctx, meeting, None)


async def _cancel(ctx: Ctx, meeting: Meeting, reason: str | None) -> Response:
    render = renderer(ctx.app)
    with about(ctx, meeting):
        told = await reminders.cancel_meeting(ctx.session, meeting, ctx.now, render, reason=reason)
    return ctx.reply("reminders-cancel-done", when=_when(ctx, meeting.starts_at), count=told)


@router.command("remind", "nhaclai", Need.SECRETARY)
async def remind(ctx: Ctx) -> Response:
    """Send the current reminder again to members who have not answered (throttled per meeting)."""
    membership = await secretary_cell(ctx)
    day, rest = _split_date(ctx, "reminders-remind-usage")
    if rest:
        raise DomainError("reminders-remind-usage")
    upcoming = [m for m in await _upcoming(ctx, membership.cell_id) if m.starts_at > ctx.now]
    if day is not None:
        meeting = _on_day(ctx, upcoming, day)
    elif upcoming:
        meeting = upcoming[0]
    else:
        raise DomainError("err-no-meeting")
    render = renderer(ctx.app)
    names = await reminders.resend(ctx.session, meeting, ctx.app.config, ctx.now, render)
    roster = await reminders.members(ctx.session, meeting.cell_id, meeting.id)
    missing = reminders.unreachable(roster)
    lines = [ctx.t("reminders-remind-done", when=_when(ctx, meeting.starts_at), count=len(names))]
    if names:
        lines.append(ctx.t("reminders-tally-silent", names=reminders.names_list(names)))
    if missing:
        lines.append(ctx.t("reminders-not-connected", names=reminders.names_list(missing)))
    return Response().say(Markup("\n").join(lines))
