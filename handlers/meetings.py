"""Scheduling: one-off and thematic meetings, the monthly rule, the agenda."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from markupsafe import Markup

from core.messages import Address, Outgoing, Response
from handlers import format as fmt
from handlers.announce import announcement
from handlers.common import meeting_day, meeting_of, secretary_cell
from handlers.context import Ctx
from handlers.reminders import renderer
from handlers.router import Need, Router
from models import Cell, Meeting, MeetingKind, Membership
from services import calendar, chats, materials, meetings, planning, reminders
from services.errors import DomainError
from services.outbox import Recipient
from services.parsing import is_number, parse_date, parse_int, parse_time
from services.text import fold

router = Router()
AGENDA_MAX = 2000
PLACE_MAX = 300


def _clip(text: str, limit: int, key: str) -> str | None:
    text = " ".join(text.split())
    if len(text) > limit:
        raise DomainError(key, limit=limit)
    return text or None


async def _announce(ctx: Ctx, membership: Membership, meeting: Meeting) -> Response:
    """Tell the secretary, and post the announcement with RSVP buttons in the cell's groups."""
    zone = ctx.app.config.schedule.zone
    cell = await ctx.session.get(Cell, membership.cell_id)
    assert cell is not None
    text, buttons = announcement(ctx.app.tr, zone, meeting, cell.name)
    response = Response()
    groups = await chats.cell_groups(ctx.session, cell.id)
    for group in groups:
        response.messages.append(Outgoing(text, buttons, to=Address(group.platform, group.chat_id)))
    # The groups have their announcement now: the reminders' announce step will not post another.
    recipients = [Recipient(group.platform, group.chat_id) for group in groups]
    await reminders.record_announced(ctx.session, meeting, recipients, (str(text), buttons), ctx.now)
    response.say(ctx.t("schedule-done") + "\n" + text)
    if not groups:
        response.say(ctx.t("schedule-no-group"))
    return response


async def _one_meeting(ctx: Ctx, membership: Membership, words: list[str], kind: MeetingKind) -> Response:
    zone: ZoneInfo = ctx.app.config.schedule.zone
    if len(words) < 2:
        raise DomainError("schedule-usage")
    day = parse_date(words[0], ctx.now.astimezone(zone).date())
    at = parse_time(words[1])
    rest = " ".join(words[2:])
    if kind is MeetingKind.THEMATIC:
        if not rest:
            raise DomainError("schedule-thematic-topic")
        place, agenda = None, _clip(rest, AGENDA_MAX, "agenda-too-long")
    else:
        place, agenda = _clip(rest, PLACE_MAX, "schedule-place-too-long"), None
    starts = planning.exact_start(day, at, ctx.app.config)
    meeting = await meetings.schedule_meeting(
        ctx.session, membership.cell_id, starts, ctx.now, kind=kind, place=place, agenda=agenda
    )
    return await _announce(ctx, membership, meeting)


@router.command("schedule", "datlich", Need.SECRETARY)
async def schedule(ctx: Ctx) -> Response:
    membership = await secretary_cell(ctx)
    words = ctx.args.split()
    if not words:
        raise DomainError("schedule-usage")
    head = fold(words[0])
    if head in ("hangthang", "monthly"):
        return await _monthly(ctx, membership, words[1:], confirmed=False)
    if head in ("chuyende", "thematic"):
        return await _one_meeting(ctx, membership, words[1:], MeetingKind.THEMATIC)
    return await _one_meeting(ctx, membership, words, MeetingKind.REGULAR)


async def _monthly(ctx: Ctx, membership: Membership, words: list[str], *, confirmed: bool) -> Response:
    """Set the cell's monthly rule; a day outside the committee's window needs a confirmation."""
    if len(words) < 2 or not is_number(words[0]):
        raise DomainError("schedule-monthly-usage")
    day = parse_int(words[0], 1, 28, "schedule-monthly-day", day=words[0])
    at = parse_time(words[1])
    place = _clip(" ".join(words[2:]), PLACE_MAX, "schedule-place-too-long")
    window = ctx.app.config.schedule.days
    if day not in window and not confirmed:
        ctx.ask("monthly-confirm", words=words)
        return ctx.reply("schedule-monthly-outside", day=day, window=ctx.app.config.schedule.meeting_days)
    cell = await ctx.session.get(Cell, membership.cell_id)
    assert cell is not None
    cell.rule_day, cell.rule_time, cell.rule_place = day, at.strftime("%H:%M"), place
    report = await planning.plan_cell(ctx.session, cell, ctx.app.config, ctx.now, renderer(ctx.app), rule_changed=True)
    zone = ctx.app.config.schedule.zone
    dates = sorted(m.starts_at for m in (*report.planned, *report.moved))
    planned = ", ".join(fmt.date(d, zone) for d in dates) or str(ctx.t("schedule-monthly-none-planned"))
    done = ctx.t(
        "schedule-monthly-done",
        day=day,
        time=at.strftime("%H:%M"),
        place=place or ctx.t("unknown-place"),
        planned=planned,
    )
    return Response().say(Markup("\n").join([done, *_fitted(ctx, report, at.strftime("%H:%M"))]))


def _fitted(ctx: Ctx, report: planning.PlanReport, wanted: str) -> list[Markup]:
    """One line per planned meeting whose rule time the clocks skip or repeat that day (DST)."""
    zone = ctx.app.config.schedule.zone
    lines = []
    for meeting, fit in report.adjusted:
        local = meeting.starts_at.astimezone(zone)
        real, offset = local.strftime("%H:%M"), local.strftime("%z")
        offset = f"{offset[:3]}:{offset[3:5]}"
        key = f"schedule-monthly-{fit.value}"
        lines.append(ctx.t(key, date=fmt.date(meeting.starts_at, zone), wanted=wanted, real=real, offset=offset))
    return lines


@router.followup("monthly-confirm")
async def monthly_confirm(ctx: Ctx) -> Response:
    assert ctx.answering is not None
    if fold(ctx.args) not in ("co", "dong y", "yes", "ok", "xac nhan"):
        return ctx.reply("schedule-monthly-kept")
    membership = await secretary_cell(ctx)
    return await _monthly(ctx, membership, list(ctx.answering.data["words"]), confirmed=True)


@router.command("agenda", "noidung", Need.SECRETARY)
async def agenda(ctx: Ctx) -> Response:
    membership = await secretary_cell(ctx)
    text = _clip(ctx.args, AGENDA_MAX, "agenda-too-long")
    if text is None:
        raise DomainError("agenda-usage")
    meeting = await meeting_of(ctx, membership.cell_id)
    meeting.agenda = text
    calendar.revise(meeting, ctx.now)
    response = ctx.reply("agenda-done", agenda=text, day=meeting_day(ctx, meeting))
    # The month's materials sent from above (/tailieu), so the agenda can take them up.
    month = materials.month_of(meeting.starts_at, ctx.app.config.schedule.zone)
    titles = await materials.titles(ctx.session, membership.cell_id, month)
    if titles:
        response.say(ctx.t("materials-agenda", titles="; ".join(titles)))
    return response
