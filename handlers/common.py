"""Lookups several conversations share: which cell a secretary acts for, which meeting is meant."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.context import Ctx
from handlers.messages import ChatKind
from models import Meeting, Membership
from services import chats, meetings
from services.errors import DomainError
from services.parsing import is_number, parse_id, parse_int
from services.text import fold


async def secretary_cell(ctx: Ctx) -> Membership:
    """The cell a secretary or deputy acts for: the group's cell in a group, else the cell they run."""
    actor = ctx.me()
    if ctx.incoming.chat_kind is ChatKind.GROUP:
        link = await chats.link_for(ctx.session, ctx.incoming.platform, ctx.incoming.chat_id)
        if link is None or link.cell_id is None:
            raise DomainError("err-group-not-linked")
        membership = actor.membership_in(link.cell_id)
        if membership is None or not membership.role.runs_meetings:
            raise DomainError("err-other-cell")
        return membership
    return actor.led_cell()


def member_cell(ctx: Ctx) -> Membership:
    membership = ctx.me().primary
    if membership is None:
        raise DomainError("err-not-allowed")
    return membership


async def meeting_of(ctx: Ctx, cell_id: int) -> Meeting:
    """The cell's current meeting (check-in open, or the next one), or a clear refusal."""
    meeting = await meetings.current_meeting(ctx.session, cell_id, ctx.now)
    if meeting is None:
        raise DomainError("err-no-meeting")
    return meeting


async def meeting_by_id(ctx: Ctx, meeting_id: str) -> Meeting:
    """The meeting a button names; the caller must belong to its cell."""
    number = parse_id(meeting_id)
    meeting = await ctx.session.get(Meeting, number) if number else None
    if meeting is None:
        raise DomainError("err-stale-button")
    if ctx.me().membership_in(meeting.cell_id) is None:
        raise DomainError("err-not-your-cell")
    return meeting


def find_member(roster: Sequence[Membership], who: str) -> Membership:
    """By roster number, else by full name, else by a unique part of the name."""
    if is_number(who):
        return roster[parse_int(who, 1, len(roster), "mark-no-number", count=len(roster)) - 1]
    exact = [m for m in roster if fold(m.person.full_name) == fold(who)]
    partial = exact or [m for m in roster if fold(who) in fold(m.person.full_name)]
    if len(partial) != 1:
        raise DomainError("mark-ambiguous" if partial else "mark-no-name", name=who)
    return partial[0]
