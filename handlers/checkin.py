"""Check-in: the secretary opens and closes it, members press the button or send the code."""

from __future__ import annotations

from collections.abc import Sequence

from core.buttons import CheckinData, OpenCheckinData
from core.messages import Address, ChatKind, Outgoing, Response
from handlers.checkin_post import (
    check_in_post,
    checkin_keyboard,
    closed_counter_edits,
    counter_edits,
    counter_text,
    live_counter,
)
from handlers.common import (
    about,
    meeting_by_id,
    meeting_day,
    meeting_of,
    member_cell,
    one_meeting_on,
    secretary_cell,
    toast,
)
from handlers.context import Ctx
from handlers.router import Need, Router
from models import Cell, Meeting, MeetingState, Membership
from services import attendance, chats, meetings, tallies, visits
from services.attendance import CheckIn
from services.errors import DomainError
from services.parsing import looks_like_date
from services.presses import Press
from services.text import fold

router = Router()


async def _open(ctx: Ctx, membership: Membership, meeting: Meeting, requires_code: bool) -> Response:
    with about(ctx, meeting):
        code = await attendance.open_checkin(
            ctx.session, meeting, ctx.now, ctx.app.config.schedule.checkin_minutes, requires_code=requires_code
        )
    post = check_in_post(ctx.app.tr, meeting, await tallies.tally(ctx.session, meeting))
    button = checkin_keyboard(ctx.app.tr, meeting.id)
    groups = await chats.cell_groups(ctx.session, membership.cell_id)
    response = Response()
    for group in groups:
        response.messages.append(
            Outgoing(post, button, to=Address(group.platform, group.chat_id), remember=(meeting.id, "checkin"))
        )
    key = "checkin-opened-code" if requires_code else "checkin-opened"
    minutes = ctx.app.config.schedule.checkin_minutes
    reply = ctx.t(key, code=code, minutes=minutes, day=meeting_day(ctx, meeting))
    if not groups:
        reply += ctx.t("checkin-no-group")
    if ctx.incoming.chat_kind is ChatKind.GROUP:
        # The code is for the room: show it to the secretary privately, not to the group.
        private = Address(ctx.incoming.platform, ctx.incoming.user_id)
        response.messages.append(Outgoing(reply, to=private))
    else:
        response.say(reply)
    return response


@router.command("opencheckin", "modiemdanh", Need.SECRETARY, in_groups=True)
async def open_checkin(ctx: Ctx) -> Response:
    membership = await secretary_cell(ctx)
    flag = fold(ctx.args.strip())
    if flag not in ("", "ma", "code"):
        raise DomainError("checkin-open-usage")
    meeting = await meeting_of(ctx, membership.cell_id)
    return await _open(ctx, membership, meeting, requires_code=bool(flag))


@router.button(OpenCheckinData, Need.SECRETARY)
async def open_button(ctx: Ctx) -> Response:
    meeting = await meeting_by_id(ctx, ctx.data(OpenCheckinData).meeting)
    membership = ctx.me().membership_in(meeting.cell_id)
    if membership is None or not membership.role.runs_meetings:
        raise DomainError("err-secretary-only")
    response = await _open(ctx, membership, meeting, requires_code=False)
    response.toast = str(ctx.t("checkin-opened-toast").striptags())
    return response


async def _checked_in(ctx: Ctx, meeting_id: int) -> Response:
    response = toast(ctx, "checkin-done")
    if ctx.incoming.message_id is None:
        response.edits = await counter_edits(ctx, meeting_id)
    else:
        # The pressed message is the counter itself: no need to look it up.
        response.edits = [live_counter(ctx.app, ctx.incoming.chat, ctx.incoming.message_id, meeting_id)]
    return response


async def checkin_first_press(ctx: Ctx) -> Response | None:
    """A burst of presses is mostly first presses by members while check-in is open: written
    together with the presses that arrive at the same time (handlers/checkin_batch.py), with the
    update's mark. Anything else goes to `checkin_button`, which explains it."""
    press = Press(ctx.incoming.platform, ctx.incoming.user_id, ctx.data(CheckinData).meeting)
    if not await ctx.app.checkins.first_press(press, ctx.incoming.update_id):
        return None
    return await _checked_in(ctx, press.meeting_id)


async def _as_visitor(ctx: Ctx, meeting: Meeting) -> Response:
    """Someone who is not a member of the meeting's cell pressed "Có mặt": a supervisor of the
    cell is recorded as a visitor (services/visits.py), never counted in attendance."""
    if not await visits.follows_cell(ctx.session, ctx.me().person.id, meeting.cell_id):
        raise DomainError("err-not-your-cell")
    if meeting.checkin_requires_code:
        return toast(ctx, "checkin-needs-code")
    result = await attendance.check_in(ctx.session, meeting, ctx.me().person.id, ctx.now, code=None, visitor=True)
    cell = await ctx.session.get(Cell, meeting.cell_id)
    key = "visit-checked-in-already" if result is CheckIn.ALREADY else "visit-checked-in"
    return toast(ctx, key, cell=cell.name if cell else "")


@router.button(CheckinData, Need.JOINED, shortcut=checkin_first_press)
async def checkin_button(ctx: Ctx) -> Response:
    meeting = await ctx.session.get(Meeting, ctx.data(CheckinData).meeting)
    if meeting is None:
        raise DomainError("err-stale-button")
    if ctx.me().membership_in(meeting.cell_id) is None:
        return await _as_visitor(ctx, meeting)
    if not attendance.is_open(meeting, ctx.now):
        raise DomainError("checkin-closed")
    if meeting.checkin_requires_code:
        return toast(ctx, "checkin-needs-code")
    result = await attendance.check_in(ctx.session, meeting, ctx.me().person.id, ctx.now, code=None)
    if result is CheckIn.ALREADY:
        return toast(ctx, "checkin-already", day=meeting_day(ctx, meeting))
    return await _checked_in(ctx, meeting.id)


async def _visitor_code(ctx: Ctx, followed: Sequence[Meeting], code: str) -> Response:
    """`/diemdanh <mã>` by a supervisor at a followed cell's meeting: recorded as a visit."""
    meeting, result = await attendance.check_in_by_code(
        ctx.session, followed, ctx.me().person.id, ctx.now, code, visitor=True
    )
    if result is CheckIn.WRONG_CODE:
        return ctx.reply("checkin-wrong-code")
    if result is CheckIn.LOCKED:
        return ctx.reply("checkin-locked")
    key = "visit-checked-in-already" if result is CheckIn.ALREADY else "visit-checked-in"
    return ctx.reply(key, cell=meeting.cell.name)


@router.command("checkin", "diemdanh", Need.JOINED)
async def checkin_command(ctx: Ctx) -> Response:
    """/diemdanh <mã>: the code names the meeting, in whichever of the member's cells it is open;
    failing that, for a supervisor, in the cells they follow."""
    code = ctx.args.strip()
    actor = ctx.me()
    if not actor.memberships and actor.supervises:
        if not code:
            raise DomainError("checkin-usage")
        return await _visitor_code(ctx, await visits.open_followed(ctx.session, actor.person.id, ctx.now), code)
    cells = [m.cell_id for m in actor.memberships]
    open_now = await meetings.open_checkins(ctx.session, cells, ctx.now)
    if code and not open_now and actor.supervises:
        followed = await visits.open_followed(ctx.session, actor.person.id, ctx.now)
        if followed:
            return await _visitor_code(ctx, followed, code)
    membership = member_cell(ctx)
    if not code:
        raise DomainError("checkin-usage")
    if not open_now:
        await meeting_of(ctx, membership.cell_id)  # no meeting at all says so
        raise DomainError("checkin-closed")
    meeting, result = await attendance.check_in_by_code(ctx.session, open_now, membership.person_id, ctx.now, code)
    if result is CheckIn.WRONG_CODE:
        return ctx.reply("checkin-wrong-code")
    if result is CheckIn.LOCKED:
        return ctx.reply("checkin-locked")
    if result is CheckIn.ALREADY:
        return ctx.reply("checkin-already", day=meeting_day(ctx, meeting))
    cell = ctx.me().membership_in(meeting.cell_id)
    assert cell is not None
    response = ctx.reply("checkin-code-done", day=meeting_day(ctx, meeting), cell=cell.cell.name)
    response.edits = await counter_edits(ctx, meeting.id)
    return response


@router.command("closecheckin", "dongdiemdanh", Need.SECRETARY, in_groups=True)
async def close_checkin(ctx: Ctx) -> Response:
    """/dongdiemdanh [dd/mm]: the open check-in, else a meeting whose time passed unsettled."""
    membership = await secretary_cell(ctx)
    text = ctx.args.strip()
    if text and not looks_like_date(text):
        raise DomainError("checkin-close-usage")
    meeting = await one_meeting_on(ctx, membership.cell_id, text) if text else await _to_close(ctx, membership.cell_id)
    with about(ctx, meeting):
        count = await attendance.close_checkin(ctx.session, meeting, ctx.now)
    counter = counter_text(ctx.app.tr, count, closed=True)
    response = ctx.reply("checkin-closed-done", counter=counter, day=meeting_day(ctx, meeting))
    response.edits = await closed_counter_edits(ctx.app, ctx.session, meeting, count)
    return response


async def _to_close(ctx: Ctx, cell_id: int) -> Meeting:
    """The open check-in or the current meeting once begun, else the latest begun meeting nobody
    settled; else the next one (which refuses, naming its date)."""
    current = await meetings.current_meeting(ctx.session, cell_id, ctx.now)
    if current is not None and (current.state is MeetingState.CHECKIN_OPEN or current.starts_at <= ctx.now):
        return current
    latest = await meetings.latest_begun(ctx.session, cell_id, ctx.now)
    if latest is not None and meetings.is_unsettled(latest, ctx.now):
        return latest
    if current is None:
        raise DomainError("err-no-meeting")
    return current
