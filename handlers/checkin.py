"""Check-in: the secretary opens and closes it, members press the button or send the code."""

from __future__ import annotations

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
from models import Meeting, MeetingState, Membership
from services import attendance, chats, meetings
from services.attendance import CheckIn
from services.errors import DomainError
from services.parsing import looks_like_date
from services.text import fold

router = Router()


async def _open(ctx: Ctx, membership: Membership, meeting: Meeting, requires_code: bool) -> Response:
    with about(ctx, meeting):
        code = await attendance.open_checkin(
            ctx.session, meeting, ctx.now, ctx.app.config.schedule.checkin_minutes, requires_code=requires_code
        )
    post = check_in_post(ctx.app.tr, meeting, await attendance.tally(ctx.session, meeting))
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
    """A burst of presses is mostly first presses by members while check-in is open: one statement
    each. Anything else goes to `checkin_button`, which explains it."""
    meeting_id = ctx.data(CheckinData).meeting
    if not await attendance.check_in_first_press(
        ctx.session, ctx.incoming.platform, ctx.incoming.user_id, meeting_id, ctx.now
    ):
        return None
    return await _checked_in(ctx, meeting_id)


@router.button(CheckinData, shortcut=checkin_first_press)
async def checkin_button(ctx: Ctx) -> Response:
    meeting = await meeting_by_id(ctx, ctx.data(CheckinData).meeting)
    if not attendance.is_open(meeting, ctx.now):
        raise DomainError("checkin-closed")
    if meeting.checkin_requires_code:
        return toast(ctx, "checkin-needs-code")
    result = await attendance.check_in(ctx.session, meeting, ctx.me().person.id, ctx.now, code=None)
    if result is CheckIn.ALREADY:
        return toast(ctx, "checkin-already", day=meeting_day(ctx, meeting))
    return await _checked_in(ctx, meeting.id)


@router.command("checkin", "diemdanh", Need.MEMBER)
async def checkin_command(ctx: Ctx) -> Response:
    """/diemdanh <mã>: the code names the meeting, in whichever of the member's cells it is open."""
    membership = member_cell(ctx)
    code = ctx.args.strip()
    if not code:
        raise DomainError("checkin-usage")
    cells = [m.cell_id for m in ctx.me().memberships]
    open_now = await meetings.open_checkins(ctx.session, cells, ctx.now)
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
