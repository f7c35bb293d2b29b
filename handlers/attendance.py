"""Members' answers before a meeting: the RSVP buttons, and /vang with its reason.

Check-in lives in `handlers.checkin` (its group message in `handlers.checkin_post`), the secretary
marking a member in `handlers.marking`.
"""

from __future__ import annotations

from core.buttons import AbsentData, RsvpData
from core.messages import Address, Outgoing, Response
from handlers.common import (
    about,
    choose_meeting,
    meeting_by_id,
    meeting_day,
    meeting_of,
    meeting_on,
    member_cell,
    toast,
)
from handlers.context import Ctx
from handlers.router import Need, Router
from models import Meeting, MeetingState, Rsvp
from services import attendance, meetings
from services.errors import DomainError
from services.parsing import looks_like_date

router = Router()


@router.button(RsvpData)
async def rsvp_button(ctx: Ctx) -> Response:
    pressed = ctx.data(RsvpData)
    meeting = await meeting_by_id(ctx, pressed.meeting)
    person_id = ctx.me().person.id
    if pressed.affirms:
        with about(ctx, meeting):
            await attendance.answer(ctx.session, meeting, person_id, Rsvp.ATTEND, None, ctx.now)
        return toast(ctx, "rsvp-yes-done", day=meeting_day(ctx, meeting))
    return _ask_reason(ctx, meeting)


@router.button(AbsentData)
async def absent_button(ctx: Ctx) -> Response:
    """A member of two cells picked the meeting to be excused from (see `/vang`)."""
    return _ask_reason(ctx, await meeting_by_id(ctx, ctx.data(AbsentData).meeting))


def _ask_reason(ctx: Ctx, meeting: Meeting) -> Response:
    """The member declines: the next message is the reason."""
    if meeting.state is not MeetingState.PLANNED or ctx.now >= meeting.starts_at:
        raise DomainError("rsvp-too-late", day=meeting_day(ctx, meeting))
    ctx.ask("absent-reason", meeting_id=meeting.id)
    private = Address(ctx.incoming.platform, ctx.incoming.user_id)
    response = toast(ctx, "rsvp-no-ask-toast")
    response.messages.append(Outgoing(ctx.t("rsvp-no-ask", day=meeting_day(ctx, meeting)), to=private))
    return response


@router.followup("absent-reason")
async def absent_reason(ctx: Ctx) -> Response:
    assert ctx.answering is not None
    meeting = await ctx.session.get(Meeting, ctx.answering.data["meeting_id"])
    if meeting is None:
        raise DomainError("err-no-meeting")
    return await _excuse(ctx, meeting, ctx.args)


async def _excuse(ctx: Ctx, meeting: Meeting, reason: str) -> Response:
    with about(ctx, meeting):
        await attendance.answer(ctx.session, meeting, ctx.me().person.id, Rsvp.ABSENT, reason, ctx.now)
    membership = ctx.me().membership_in(meeting.cell_id)
    assert membership is not None
    return ctx.reply("absent-done", day=meeting_day(ctx, meeting), cell=membership.cell.name)


@router.command("absent", "vang", Need.MEMBER)
async def absent(ctx: Ctx) -> Response:
    """/vang [dd/mm] <lý do>: a member of two cells names the day, or is asked which meeting."""
    membership = member_cell(ctx)
    cells = [m.cell_id for m in ctx.me().memberships]
    head, _, rest = ctx.args.strip().partition(" ")
    if looks_like_date(head):
        found, reason = await meeting_on(ctx, cells, head), rest
    else:
        found, reason = (
            [m for m in await meetings.current_meetings(ctx.session, cells, ctx.now) if _answerable(ctx, m)],
            ctx.args,
        )
    if not reason.strip():
        raise DomainError("absent-usage")
    if not found:
        # No meeting left to answer: the cell's current one says why (begun, or none planned).
        found = [await meeting_of(ctx, membership.cell_id)]
    if len(found) > 1:
        return choose_meeting(ctx, found, "absent-which", "absent-which-button", AbsentData, example=reason)
    return await _excuse(ctx, found[0], reason)


def _answerable(ctx: Ctx, meeting: Meeting) -> bool:
    return meeting.state is MeetingState.PLANNED and meeting.starts_at > ctx.now
