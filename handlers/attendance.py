"""Answers, check-in and the settled record: the members' side and the secretary's side."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator
from handlers.common import find_member, meeting_by_id, meeting_of, member_cell, secretary_cell
from handlers.context import AppContext, Ctx
from handlers.messages import Address, Button, ChatKind, Edit, Outgoing, Response
from handlers.router import Need, Router
from models import Meeting, MeetingState, Membership, PostedMessage, Rsvp
from services import attendance, chats, meetings
from services.attendance import CheckIn, Tally
from services.errors import DomainError
from services.parsing import parse_id
from services.people import cell_members
from services.text import fold

router = Router()


def _toast(ctx: Ctx, key: str, **args: object) -> Response:
    return Response(toast=str(ctx.t(key, **args).striptags()))


# ---- answering before the meeting -------------------------------------------------------


@router.button("rsvp", parts=2)
async def rsvp_button(ctx: Ctx) -> Response:
    meeting_id, choice = ctx.pressed
    if choice not in ("yes", "no"):
        raise DomainError("err-stale-button")
    meeting = await meeting_by_id(ctx, meeting_id)
    person_id = ctx.me().person.id
    if choice == "yes":
        await attendance.answer(ctx.session, meeting, person_id, Rsvp.ATTEND, None, ctx.now)
        return _toast(ctx, "rsvp-yes-done")
    if meeting.state is not MeetingState.PLANNED or ctx.now >= meeting.starts_at:
        raise DomainError("rsvp-too-late")
    ctx.ask("absent-reason", meeting_id=meeting.id)
    private = Address(ctx.incoming.platform, ctx.incoming.user_id)
    response = _toast(ctx, "rsvp-no-ask-toast")
    response.messages.append(Outgoing(ctx.t("rsvp-no-ask"), to=private))
    return response


@router.followup("absent-reason")
async def absent_reason(ctx: Ctx) -> Response:
    assert ctx.answering is not None
    meeting = await ctx.session.get(Meeting, ctx.answering.data["meeting_id"])
    if meeting is None:
        raise DomainError("err-no-meeting")
    await attendance.answer(ctx.session, meeting, ctx.me().person.id, Rsvp.ABSENT, ctx.args, ctx.now)
    return ctx.reply("absent-done")


@router.command("absent", "vang", Need.MEMBER)
async def absent(ctx: Ctx) -> Response:
    membership = member_cell(ctx)
    if not ctx.args.strip():
        raise DomainError("absent-usage")
    meeting = await meeting_of(ctx, membership.cell_id)
    await attendance.answer(ctx.session, meeting, membership.person_id, Rsvp.ABSENT, ctx.args, ctx.now)
    return ctx.reply("absent-done")


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


def _live(app: AppContext, to: Address, message_id: str, meeting_id: int) -> Edit:
    """The open counter, recounted from committed rows when the edit is sent, so the press that
    asks for it spends no query on it and no concurrent press is missed."""

    async def text() -> Markup | None:
        async with app.sessions() as session:
            meeting = await session.get(Meeting, meeting_id)
            if meeting is None or meeting.state is not MeetingState.CHECKIN_OPEN:
                return None
            return _post(app.tr, meeting, await attendance.tally(session, meeting))

    buttons = ((Button(str(app.tr.t("checkin-button")), f"ci:{meeting_id}"),),)
    return Edit(to, message_id, text, buttons, throttled=True)


async def _posted(session: AsyncSession, meeting_id: int) -> Sequence[PostedMessage]:
    """The group messages showing this meeting's check-in counter."""
    return (
        await session.scalars(
            select(PostedMessage).where(PostedMessage.meeting_id == meeting_id, PostedMessage.purpose == "checkin")
        )
    ).all()


async def _counter_edits(ctx: Ctx, meeting_id: int) -> list[Edit]:
    """Live edits for every group message showing this meeting's open check-in."""
    posted = await _posted(ctx.session, meeting_id)
    return [_live(ctx.app, Address(p.platform, p.chat_id), p.message_id, meeting_id) for p in posted]


async def closed_counter_edits(app: AppContext, session: AsyncSession, meeting: Meeting, count: Tally) -> list[Edit]:
    """The final count, without the button, for every group message that showed the check-in."""
    body = _post(app.tr, meeting, count, closed=True)
    return [Edit(Address(p.platform, p.chat_id), p.message_id, body) for p in await _posted(session, meeting.id)]


async def _open(ctx: Ctx, membership: Membership, meeting: Meeting, requires_code: bool) -> Response:
    code = await attendance.open_checkin(
        ctx.session, meeting, ctx.now, ctx.app.config.schedule.checkin_minutes, requires_code=requires_code
    )
    post = _post(ctx.app.tr, meeting, await attendance.tally(ctx.session, meeting))
    button = ((Button(str(ctx.t("checkin-button")), f"ci:{meeting.id}"),),)
    groups = await chats.cell_groups(ctx.session, membership.cell_id)
    response = Response()
    for group in groups:
        response.messages.append(
            Outgoing(post, button, to=Address(group.platform, group.chat_id), remember=(meeting.id, "checkin"))
        )
    key = "checkin-opened-code" if requires_code else "checkin-opened"
    minutes = ctx.app.config.schedule.checkin_minutes
    reply = ctx.t(key, code=code, minutes=minutes)
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


@router.button("open", Need.SECRETARY)
async def open_button(ctx: Ctx) -> Response:
    meeting = await meeting_by_id(ctx, ctx.pressed[0])
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
    meeting_id = parse_id(ctx.pressed[0])
    if meeting_id is None or not await attendance.check_in_first_press(
        ctx.session, ctx.incoming.platform, ctx.incoming.user_id, meeting_id, ctx.now
    ):
        return None
    return await _checked_in(ctx, meeting_id)


@router.button("ci", shortcut=checkin_first_press)
async def checkin_button(ctx: Ctx) -> Response:
    meeting = await meeting_by_id(ctx, ctx.pressed[0])
    if not attendance.is_open(meeting, ctx.now):
        raise DomainError("checkin-closed")
    if meeting.checkin_requires_code:
        return _toast(ctx, "checkin-needs-code")
    result = await attendance.check_in(ctx.session, meeting, ctx.me().person.id, ctx.now, code=None)
    if result is CheckIn.ALREADY:
        return _toast(ctx, "checkin-already")
    return await _checked_in(ctx, meeting.id)


@router.command("checkin", "diemdanh", Need.MEMBER)
async def checkin_command(ctx: Ctx) -> Response:
    membership = member_cell(ctx)
    code = ctx.args.strip()
    if not code:
        raise DomainError("checkin-usage")
    meeting = await meeting_of(ctx, membership.cell_id)
    result = await attendance.check_in(ctx.session, meeting, membership.person_id, ctx.now, code=code)
    if result is CheckIn.WRONG_CODE:
        return ctx.reply("checkin-wrong-code")
    if result is CheckIn.LOCKED:
        return ctx.reply("checkin-locked")
    if result is CheckIn.ALREADY:
        return ctx.reply("checkin-already")
    response = ctx.reply("checkin-done")
    response.edits = await _counter_edits(ctx, meeting.id)
    return response


@router.command("closecheckin", "dongdiemdanh", Need.SECRETARY, in_groups=True)
async def close_checkin(ctx: Ctx) -> Response:
    membership = await secretary_cell(ctx)
    meeting = await meeting_of(ctx, membership.cell_id)
    count = await attendance.close_checkin(ctx.session, meeting, ctx.now)
    response = ctx.reply("checkin-closed-done", counter=_counter(ctx.app.tr, count, closed=True))
    response.edits = await closed_counter_edits(ctx.app, ctx.session, meeting, count)
    return response


# ---- the secretary acting for a member --------------------------------------------------


async def _recent_meeting(ctx: Ctx, cell_id: int) -> Meeting:
    """The meeting a mark is about: the current one once it is near, else the one that closed last."""
    meeting = await meetings.current_meeting(ctx.session, cell_id, ctx.now)
    if meeting is None or (
        meeting.state is MeetingState.PLANNED and ctx.now < meeting.starts_at - attendance.OPEN_EARLY
    ):
        meeting = await meetings.last_closed_meeting(ctx.session, cell_id) or meeting
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
    membership = await secretary_cell(ctx)
    roster = await cell_members(ctx.session, membership.cell_id)
    words = ctx.args.split()
    positions = [i for i, w in enumerate(words) if i > 0 and fold(w) in MARK_VERBS]
    if not positions:
        listing = Markup("\n").join(
            ctx.t("mark-roster-line", number=n, name=m.person.full_name) for n, m in enumerate(roster, start=1)
        )
        return ctx.reply("mark-usage", roster=listing)
    subject, verb_at = _who_and_verb(roster, words, positions)
    present = MARK_VERBS[fold(words[verb_at])]
    reason = " ".join(words[verb_at + 1 :]) or None
    meeting = await _recent_meeting(ctx, membership.cell_id)
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
    response = ctx.reply(key, name=subject.person.full_name)
    if meeting.state is MeetingState.CHECKIN_OPEN:
        response.edits = await _counter_edits(ctx, meeting.id)
    return response
