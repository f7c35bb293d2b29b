"""/diemdanhho: the secretary marks a member present or absent, now or for a past meeting."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from core.messages import Response
from handlers.checkin_post import counter_edits
from handlers.common import about, find_member, meeting_day, one_meeting_on, secretary_cell
from handlers.context import Ctx
from handlers.router import Need, Router
from models import Meeting, MeetingState, Membership
from services import attendance, meetings
from services.errors import DomainError
from services.parsing import looks_like_date
from services.people import cell_members
from services.text import fold

router = Router()


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
        response.edits = await counter_edits(ctx, meeting.id)
    return response


def _short(ctx: Ctx, meeting: Meeting) -> str:
    return meeting.starts_at.astimezone(ctx.app.config.schedule.zone).strftime("%d/%m")
