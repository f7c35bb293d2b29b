"""Answers, check-in and the settled record: the members' side and the secretary's side."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from markupsafe import Markup

from core.buttons import AbsentData, CheckinData, OpenCheckinData, RsvpData
from core.i18n import Translator
from core.messages import Address, Button, ChatKind, Edit, Outgoing, Response
from handlers.common import (
    about,
    choose_meeting,
    find_member,
    meeting_by_id,
    meeting_day,
    meeting_of,
    meeting_on,
    member_cell,
    one_meeting_on,
    secretary_cell,
)
from handlers.context import AppContext, Ctx
from handlers.router import Need, Router
from models import Meeting, MeetingState, Membership, Rsvp
from models.db import Session
from services import attendance, chats, meetings
from services.attendance import CheckIn, Tally
from services.errors import DomainError
from services.parsing import looks_like_date
from services.people import cell_members
from services.posted import checkin_posts
from services.text import fold

router = Router()


def _toast(ctx: Ctx, key: str, **args: object) -> Response:
    return Response(toast=str(ctx.t(key, **args).striptags()))


# ---- answering before the meeting -------------------------------------------------------


@router.button(RsvpData)
async def rsvp_button(ctx: Ctx) -> Response:
    pressed = ctx.data(RsvpData)
    meeting = await meeting_by_id(ctx, pressed.meeting)
    person_id = ctx.me().person.id
    if pressed.affirms:
        with about(ctx, meeting):
            await attendance.answer(ctx.session, meeting, person_id, Rsvp.ATTEND, None, ctx.now)
        return _toast(ctx, "rsvp-yes-done", day=meeting_day(ctx, meeting))
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
    response = _toast(ctx, "rsvp-no-ask-toast")
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


# ---- check-in ---------------------------------------------------------------------------


def _counter(tr: Translator, count: Tally, *, closed: bool = False) -> Markup:
    key = "checkin-counter-closed" if closed else "checkin-counter"
    text = tr.t(key, present=count.present, counted=count.counted)
    if count.present_exempt:
        text += tr.t("checkin-counter-exempt", exempt=count.present_exempt)
    return text


def _post(tr: Translator, meeting: Meeting, count: Tally, *, closed: bool = False) -> Markup:
    """The group's check-in message: the same text when posted and on every later edit."""
    if closed:
        return tr.t("checkin-post-closed", counter=_counter(tr, count, closed=True))
    text = tr.t("checkin-post", counter=_counter(tr, count))
    if meeting.checkin_requires_code:
        text += tr.t("checkin-post-code-hint")
    return text


LIVE_COUNTER = "checkin:"


async def live_text(app: AppContext, live: str) -> Markup | None:
    """The text a live edit names, read from committed rows now; None when there is nothing to show
    any more (the check-in closed: its final edit is authoritative) or the name is not known."""
    kind, _, meeting = live.partition(":")
    if f"{kind}:" != LIVE_COUNTER or not meeting.isdigit():
        return None
    async with app.sessions() as session:
        found = await session.get(Meeting, int(meeting))
        if found is None or found.state is not MeetingState.CHECKIN_OPEN:
            return None
        return _post(app.tr, found, await attendance.tally(session, found))


def _live(app: AppContext, to: Address, message_id: str, meeting_id: int) -> Edit:
    """The open counter, recounted from committed rows when the edit is sent, so the press that
    asks for it spends no query on it and no concurrent press is missed."""
    live = f"{LIVE_COUNTER}{meeting_id}"
    buttons = ((Button(str(app.tr.t("checkin-button")), CheckinData(meeting_id)),),)
    return Edit(to, message_id, partial(live_text, app, live), buttons, throttled=True, live=live)


async def _counter_edits(ctx: Ctx, meeting_id: int) -> list[Edit]:
    """Live edits for every group message showing this meeting's open check-in."""
    posts = await checkin_posts(ctx.session, meeting_id)
    return [_live(ctx.app, Address(p.platform, p.chat_id), p.message_id, meeting_id) for p in posts]


async def closed_counter_edits(app: AppContext, session: Session, meeting: Meeting, count: Tally) -> list[Edit]:
    """The final count, without the button, for every group message that showed the check-in."""
    body = _post(app.tr, meeting, count, closed=True)
    posts = await checkin_posts(session, meeting.id)
    return [Edit(Address(p.platform, p.chat_id), p.message_id, body) for p in posts]


async def _open(ctx: Ctx, membership: Membership, meeting: Meeting, requires_code: bool) -> Response:
    with about(ctx, meeting):
        code = await attendance.open_checkin(
            ctx.session, meeting, ctx.now, ctx.app.config.schedule.checkin_minutes, requires_code=requires_code
        )
    post = _post(ctx.app.tr, meeting, await attendance.tally(ctx.session, meeting))
    button = ((Button(str(ctx.t("checkin-button")), CheckinData(meeting.id)),),)
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
    response = _toast(ctx, "checkin-done")
    if ctx.incoming.message_id is None:
        response.edits = await _counter_edits(ctx, meeting_id)
    else:
        # The pressed message is the counter itself: no need to look it up.
        response.edits = [_live(ctx.app, ctx.incoming.chat, ctx.incoming.message_id, meeting_id)]
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
        return _toast(ctx, "checkin-needs-code")
    result = await attendance.check_in(ctx.session, meeting, ctx.me().person.id, ctx.now, code=None)
    if result is CheckIn.ALREADY:
        return _toast(ctx, "checkin-already", day=meeting_day(ctx, meeting))
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
    response.edits = await _counter_edits(ctx, meeting.id)
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
    counter = _counter(ctx.app.tr, count, closed=True)
    response = ctx.reply("checkin-closed-done", counter=counter, day=meeting_day(ctx, meeting))
    response.edits = await closed_counter_edits(ctx.app, ctx.session, meeting, count)
    return response


# ---- the secretary acting for a member --------------------------------------------------


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


async def _recent_meeting(ctx: Ctx, cell_id: int) -> Meeting:
    """The meeting a mark without a date is about: the current one once it is near, else the latest
    that began (held, or passed unsettled)."""
    meeting = await meetings.current_meeting(ctx.session, cell_id, ctx.now)
    if meeting is None or (
        meeting.state is MeetingState.PLANNED and ctx.now < meeting.starts_at - attendance.OPEN_EARLY
    ):
        meeting = await meetings.latest_begun(ctx.session, cell_id, ctx.now) or meeting
    if meeting is None:
        raise DomainError("err-no-meeting")
    return meeting


MARK_VERBS = {"co": True, "comat": True, "present": True, "vang": False, "absent": False}


def _who_and_verb(roster: Sequence[Membership], words: list[str], positions: list[int]) -> tuple[Membership, int]:
    """The first "co"/"vang" after which the words before it name one member: a name may itself
    hold "Có", and a reason may hold "có" ("vang có việc riêng")."""
    refusal: DomainError | None = None
    for verb_at in positions:
        try:
            return find_member(roster, " ".join(words[:verb_at])), verb_at
        except DomainError as error:
            refusal = refusal or error
    assert refusal is not None
    raise refusal


@router.command("mark", "diemdanhho", Need.SECRETARY)
async def mark(ctx: Ctx) -> Response:
    """/diemdanhho [dd/mm] <tên|số> có|vắng [lý do]; the date picks a past meeting to settle afterwards."""
    membership = await secretary_cell(ctx)
    roster = await cell_members(ctx.session, membership.cell_id)
    words = ctx.args.split()
    dated = await one_meeting_on(ctx, membership.cell_id, words.pop(0)) if words and looks_like_date(words[0]) else None
    positions = [i for i, w in enumerate(words) if i > 0 and fold(w) in MARK_VERBS]
    if not positions:
        listing = Markup("\n").join(
            ctx.t("mark-roster-line", number=n, name=m.person.full_name) for n, m in enumerate(roster, start=1)
        )
        return ctx.reply("mark-usage", roster=listing)
    subject, verb_at = _who_and_verb(roster, words, positions)
    present = MARK_VERBS[fold(words[verb_at])]
    reason = " ".join(words[verb_at + 1 :]) or None
    meeting = dated or await _recent_meeting(ctx, membership.cell_id)
    with about(ctx, meeting):
        await attendance.mark(
            ctx.session,
            meeting,
            actor_id=membership.person_id,
            membership=subject,
            present=present,
            reason=reason,
            now=ctx.now,
        )
    key = "mark-present-done" if present else ("mark-excused-done" if reason else "mark-unexcused-done")
    response = ctx.reply(key, name=subject.person.full_name, day=meeting_day(ctx, meeting))
    if meetings.is_unsettled(meeting, ctx.now):
        response.say(ctx.t("mark-settle-hint", day=meeting_day(ctx, meeting), short=_short(ctx, meeting)))
    if meeting.state is MeetingState.CHECKIN_OPEN:
        response.edits = await _counter_edits(ctx, meeting.id)
    return response


def _short(ctx: Ctx, meeting: Meeting) -> str:
    return meeting.starts_at.astimezone(ctx.app.config.schedule.zone).strftime("%d/%m")
