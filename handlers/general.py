"""Commands every joined person has: help, the next meeting, my own record."""

from __future__ import annotations

from markupsafe import Markup

from core.buttons import WhichMeetingData
from core.messages import Response
from handlers import format as fmt
from handlers.calendar import calendar_reply
from handlers.common import choose_meeting, meeting_by_id
from handlers.context import Ctx
from handlers.router import Need, Router, allowed
from models import Meeting, Rsvp
from services import meetings
from services.errors import DomainError

router = Router()


@router.command("help", "trogiup", Need.ANYONE, in_groups=True)
async def help_command(ctx: Ctx) -> Response:
    """Lists only the commands this person's roles allow, so nobody is shown a door they cannot open."""
    lines = [ctx.t("help-title")]
    for command in ctx.commands:
        if command.need is Need.ANYONE and command.name != "help" and ctx.actor is not None:
            continue
        if allowed(command.need, ctx.actor, admin=ctx.is_admin) and ctx.app.tr.has(command.help_key):
            lines.append(ctx.t("help-line", vi=command.vi, en=command.name, text=ctx.t(command.help_key)))
    if ctx.actor is None:
        lines.append(ctx.t("err-not-joined"))
    elif ctx.actor.memberships:
        lines.append(ctx.t("help-materials-read"))
    return Response().say(Markup("\n").join(lines))


@router.command("next", "lichhop", Need.MEMBER)
async def next_meeting(ctx: Ctx) -> Response:
    """The next meeting; a member of two cells with a meeting ahead in each is asked which.
    With words after it, the meetings for the phone's calendar (handlers/calendar.py)."""
    if ctx.args.strip():
        return await calendar_reply(ctx)
    actor = ctx.me()
    found = await meetings.current_meetings(ctx.session, [m.cell_id for m in actor.memberships], ctx.now)
    if not found:
        membership = actor.primary
        assert membership is not None  # Need.MEMBER guarantees one
        raise DomainError("next-none", cell=membership.cell.name)
    if len(found) > 1:
        return choose_meeting(ctx, found, "next-which", "next-which-button", WhichMeetingData)
    return await _show(ctx, found[0])


@router.button(WhichMeetingData)
async def next_button(ctx: Ctx) -> Response:
    meeting = await meeting_by_id(ctx, ctx.data(WhichMeetingData).meeting)
    if meeting.state not in meetings.ACTIVE_STATES:
        raise DomainError("err-stale-button")
    return await _show(ctx, meeting)


async def _show(ctx: Ctx, meeting: Meeting) -> Response:
    membership = ctx.me().membership_in(meeting.cell_id)
    assert membership is not None
    zone = ctx.app.config.schedule.zone
    answer = await meetings.my_answer(ctx.session, meeting.id, membership.person_id)
    if answer is None or answer.rsvp is None:
        mine = ctx.t("next-answer-none")
    elif answer.rsvp is Rsvp.ATTEND:
        mine = ctx.t("next-answer-attend")
    else:
        mine = ctx.t("next-answer-absent", reason=answer.reason or "")
    shown = ctx.t(
        "next-meeting",
        cell=membership.cell.name,
        kind=ctx.t(f"kind-{meeting.kind.value}"),
        when=fmt.when(ctx.app.tr, meeting.starts_at, zone),
        place=meeting.place or ctx.t("unknown-place"),
        agenda=meeting.agenda or ctx.t("no-agenda"),
        answer=mine,
    )
    return Response().say(shown + Markup("\n\n") + ctx.t("calendar-hint"))


@router.command("me", "cuatoi", Need.MEMBER)
async def my_record(ctx: Ctx) -> Response:
    """The member's year in each of their cells (own cell first, then a temporary one)."""
    actor = ctx.me()
    zone = ctx.app.config.schedule.zone
    year = ctx.now.astimezone(zone).year
    primary = actor.primary
    ordered = sorted(actor.memberships, key=lambda m: (m is not primary, m.cell_id))
    parts = []
    for membership in ordered:
        record = await meetings.year_record(ctx.session, membership.person_id, membership.cell_id, year, zone)
        parts.append(
            ctx.t(
                "me-record",
                name=actor.person.full_name,
                cell=membership.cell.name,
                role=ctx.t(f"role-{membership.role.value}"),
                status=ctx.t(f"status-{membership.status.value}"),
                year=str(year),
                meetings=record.meetings,
                present=record.present,
                excused=record.excused,
                unexcused=record.unexcused,
            )
        )
    return Response().say(Markup("\n\n").join(parts))
