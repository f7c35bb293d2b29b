"""Lookups several conversations share: which cell a secretary acts for, which meeting is meant."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date

from markupsafe import Markup

from core.callback import CallbackData
from core.messages import Address, Button, ChatKind, Outgoing, Response
from handlers import format as fmt
from handlers.context import Ctx
from models import Cell, Meeting, Membership
from services import authority, chats, invites, meetings
from services.errors import DomainError
from services.names import find_by_name
from services.parsing import is_number, parse_date, parse_int
from services.text import fold

# Cells the hint lists when a command needs a cell named.
CELLS_SHOWN = 20


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


def toast(ctx: Ctx, key: str, **args: object) -> Response:
    """A short notice on the pressed button, plain text (toasts carry no markup)."""
    return Response(toast=str(ctx.t(key, **args).striptags()))


async def meeting_of(ctx: Ctx, cell_id: int) -> Meeting:
    """The cell's current meeting (check-in open, or the next one), or a clear refusal."""
    meeting = await meetings.current_meeting(ctx.session, cell_id, ctx.now)
    if meeting is None:
        raise DomainError("err-no-meeting")
    return meeting


def meeting_day(ctx: Ctx, meeting: Meeting) -> str:
    """The meeting's date as every reply acting on it names it: dd/mm/yyyy."""
    return fmt.date(meeting.starts_at, ctx.app.config.schedule.zone)


@contextmanager
def about(ctx: Ctx, meeting: Meeting) -> Iterator[None]:
    """Refusals of an action on this meeting name its date (catalog argument `day`)."""
    try:
        yield
    except DomainError as refusal:
        refusal.args_for_message.setdefault("day", meeting_day(ctx, meeting))
        raise


def _days_meant(text: str, today: date) -> list[date]:
    """A typed dd/mm may mean the coming one (planning) or the last one (settling afterwards)."""
    return sorted({parse_date(text, today), parse_date(text, today, past=True)})


async def meeting_on(ctx: Ctx, cell_ids: Collection[int], text: str) -> list[Meeting]:
    """The meetings of these cells, cancelled ones aside, on the typed day: the nearer of the coming
    and the past day of that date when both have one. Refuses when there is none."""
    zone = ctx.app.config.schedule.zone
    today = ctx.now.astimezone(zone).date()
    days = _days_meant(text, today)
    found = [m for cell_id in cell_ids for m in await meetings.meetings_on(ctx.session, cell_id, days, zone)]
    if not found:
        raise DomainError("meeting-none-on-day", day=text)
    nearest = min({m.starts_at.astimezone(zone).date() for m in found}, key=lambda d: abs(d - today))
    return [m for m in found if m.starts_at.astimezone(zone).date() == nearest]


async def one_meeting_on(ctx: Ctx, cell_id: int, text: str) -> Meeting:
    """A secretary's dated command: the cell's one meeting on that day."""
    found = await meeting_on(ctx, [cell_id], text)
    if len(found) > 1:
        raise DomainError("reminders-several-on-day", day=meeting_day(ctx, found[0]))
    return found[0]


def choose_meeting(
    ctx: Ctx,
    found: Sequence[Meeting],
    key: str,
    button_key: str,
    data: Callable[[int], CallbackData],
    **args: str,
) -> Response:
    """Ask a member of several cells which meeting they mean: one line per meeting naming its cell and
    date, and a button each (`data` of the meeting id; a numbered choice on Zalo and the console)."""
    zone = ctx.app.config.schedule.zone
    lines, rows = [], []
    for meeting in found:
        membership = ctx.me().membership_in(meeting.cell_id)
        assert membership is not None
        cell = membership.cell.name
        lines.append(ctx.t("meeting-choice-line", cell=cell, when=fmt.when(ctx.app.tr, meeting.starts_at, zone)))
        label = ctx.t(button_key, cell=cell, day=meeting.starts_at.astimezone(zone).strftime("%d/%m"))
        rows.append((Button(label.striptags(), data(meeting.id)),))
    first = found[0].starts_at.astimezone(zone).strftime("%d/%m")
    return ctx.reply(key, tuple(rows), meetings=Markup("\n").join(lines), first=first, **args)


async def meeting_by_id(ctx: Ctx, meeting_id: int) -> Meeting:
    """The meeting a button names; the caller must belong to its cell."""
    meeting = await ctx.session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError("err-stale-button")
    if ctx.me().membership_in(meeting.cell_id) is None:
        raise DomainError("err-not-your-cell")
    return meeting


def find_member(roster: Sequence[Membership], who: str) -> Membership:
    """By roster number, else by full name, else by a unique part of the name."""
    if is_number(who):
        return roster[parse_int(who, 1, len(roster), "mark-no-number", count=len(roster)) - 1]
    partial = find_by_name(roster, who, lambda m: m.person.full_name)
    if len(partial) != 1:
        raise DomainError("mark-ambiguous" if partial else "mark-no-name", name=who)
    return partial[0]


async def acting_cell(ctx: Ctx, text: str) -> tuple[Cell, str]:
    """The cell a roster command acts on, and the rest of its words. `…, <chi bộ>` names it (an
    admin must; it must be one the caller runs or administers); else the cell the caller runs."""
    rest, comma, named = text.rpartition(",")
    named = named.strip()
    if comma and named:
        cell = await authority.find_cell(ctx.session, ctx.actor, named, root=ctx.is_admin)
        if cell is not None:
            return cell, rest.strip()
    led = next((m for m in ctx.actor.memberships if m.role.runs_meetings), None) if ctx.actor else None
    # A note may hold a comma ("về quê, Hà Nam"); what names a cell says "chi bộ".
    if led is not None and not (comma and fold(named).startswith("chi bo")):
        return led.cell, text.strip()
    known = ", ".join((await authority.acting_cell_names(ctx.session, ctx.actor, root=ctx.is_admin))[:CELLS_SHOWN])
    if comma and named:
        raise DomainError("roster-cell-unknown", name=named, known=known or "-")
    raise DomainError("roster-name-the-cell", known=known or "-")


def actor_id(ctx: Ctx) -> int | None:
    """The person making a change, for the audit; None for a root admin with no roster record."""
    return ctx.actor.person.id if ctx.actor is not None else None


def actor_name(ctx: Ctx) -> str:
    """Who made a change, as the people told about it read it."""
    return ctx.actor.person.full_name if ctx.actor is not None else str(ctx.t("upload-root-admin"))


async def tell_leaders(ctx: Ctx, cell_ids: Iterable[int], key: str, **args: object) -> list[Outgoing]:
    """The secretary and deputies of each touched cell hear of a change made there by someone else."""
    me = ctx.actor.person.id if ctx.actor is not None else None
    told: list[Outgoing] = []
    seen: set[tuple[str, str]] = set()
    for cell_id in cell_ids:
        for account in await invites.cell_leader_accounts(ctx.session, cell_id):
            where = (account.platform.value, account.external_id)
            if account.person_id == me or where in seen:
                continue
            seen.add(where)
            told.append(Outgoing(ctx.t(key, **args), to=Address(account.platform, account.external_id)))
    return told


async def changed(ctx: Ctx, key: str, cell_ids: Iterable[int], **args: object) -> Response:
    """A roster change done: `<key>-done` to the caller, `<key>-told` to the touched cells' leaders."""
    response = Response().say(ctx.t(f"{key}-done", **args))
    response.messages += await tell_leaders(ctx, cell_ids, f"{key}-told", who=actor_name(ctx), **args)
    return response


async def fetch_upload(ctx: Ctx, name: str, limit: int) -> bytes:
    """The bytes of the document the message carries (a roster, a material), downloaded only now,
    once the handler has checked who sent it and what it is for; refused past `limit` by the size
    the platform states, before anything is downloaded, and by the size that came."""
    file = ctx.incoming.file
    assert file is not None  # the router sends only messages with a file to file handlers
    if file.size > limit:
        raise DomainError("upload-too-big", max_mb=limit // 2**20)
    data = await file.fetch()
    if data is None:
        raise DomainError("upload-not-fetched", file=name)
    if len(data) > limit:
        raise DomainError("upload-too-big", max_mb=limit // 2**20)
    return data
