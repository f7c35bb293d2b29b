"""Biểu quyết: the secretary puts a resolution to the vote during a meeting, members present answer
Tán thành / Không tán thành, and the result is stated with its arithmetic (services/votes.py).

The ballot goes to the cell's groups (buttons on Telegram) and privately, through the outbox, to
each member present who may vote (numbered 1 / 2 on Zalo and the console). Answers are private:
a press is answered with a toast to the presser only, and no message ever names who chose what.
"""

from __future__ import annotations

from markupsafe import Markup

from core.buttons import VoteAnswer, VoteData
from core.messages import Address, Button, ChatKind, Edit, Keyboard, Outgoing, Response
from handlers.common import secretary_cell
from handlers.context import AppContext, Ctx
from handlers.router import Need, Router
from models import Vote, VoteChoice
from models.db import Session
from services import chats, outbox, reminders, vote_result, votes
from services.errors import DomainError

router = Router()

CHOICES = {VoteAnswer.YES: VoteChoice.YES, VoteAnswer.NO: VoteChoice.NO}


def _ballot(ctx: Ctx, vote: Vote) -> Keyboard:
    return (
        (
            Button(str(ctx.t("vote-choice-tan_thanh")), VoteData(vote.id, VoteAnswer.YES)),
            Button(str(ctx.t("vote-choice-khong_tan_thanh")), VoteData(vote.id, VoteAnswer.NO)),
        ),
    )


def _until(app: AppContext, vote: Vote) -> str:
    return vote.closes_at.astimezone(app.config.schedule.zone).strftime("%H:%M")


def _private(ctx: Ctx, response: Response, text: Markup) -> Response:
    """An answer meant for the secretary: privately when the command was typed in the group."""
    if ctx.incoming.chat_kind is ChatKind.GROUP:
        response.messages.append(Outgoing(text, to=Address(ctx.incoming.platform, ctx.incoming.user_id)))
        return response
    return response.say(text)


@router.command("vote", "bieuquyet", Need.SECRETARY, in_groups=True)
async def open_vote(ctx: Ctx) -> Response:
    """`/bieuquyet <nội dung>` opens a vote; `/bieuquyet` alone says how the open one stands."""
    membership = await secretary_cell(ctx)
    meeting = await votes.meeting_in_progress(ctx.session, membership.cell_id, ctx.now)
    if not ctx.args.strip():
        current = await votes.open_vote_at(ctx.session, meeting.id)
        if current is None:
            raise DomainError("vote-usage")
        answered = await votes.answered(ctx.session, current)
        return ctx.reply(
            "vote-status", number=current.number, text=current.text, answered=answered, until=_until(ctx.app, current)
        )
    minutes = ctx.app.config.votes.minutes
    vote = await votes.open_vote(ctx.session, meeting, ctx.args, membership.person_id, ctx.now, minutes)
    ballot = _ballot(ctx, vote)
    args = {"number": vote.number, "text": vote.text, "until": _until(ctx.app, vote)}
    response = Response()
    for group in await chats.cell_groups(ctx.session, membership.cell_id):
        response.messages.append(
            Outgoing(
                ctx.t("vote-post", **args),
                ballot,
                to=Address(group.platform, group.chat_id),
                remember=(meeting.id, votes.post_purpose(vote)),
            )
        )
    present = await votes.present_voters(ctx.session, meeting)
    ballots = {
        f"{votes.ballot_key_prefix(vote)}{member.to.platform}:{member.to.chat_id}": member.to
        for member in await reminders.members(ctx.session, membership.cell_id, meeting.id)
        if member.to is not None and member.person_id in present
    }
    content = outbox.Content(
        str(ctx.t("vote-ballot", **args)),
        "vote",
        ctx.now,
        ballot,
        meeting_id=meeting.id,
        expires_at=vote.closes_at,
    )
    sent = len(await outbox.enqueue_many(ctx.session, content, ballots))
    return _private(ctx, response, ctx.t("vote-opened", sent=sent, **args))


@router.button(VoteData)
async def ballot_button(ctx: Ctx) -> Response:
    pressed = ctx.data(VoteData)
    vote = await ctx.session.get(Vote, pressed.vote)
    if vote is None:
        raise DomainError("err-stale-button")
    choice = CHOICES[pressed.answer]
    earlier = await votes.cast(ctx.session, vote, ctx.me().person.id, choice, ctx.now)
    chosen = ctx.t(f"vote-choice-{choice.value}")
    if earlier is None or earlier is choice:
        text = ctx.t("vote-cast", number=vote.number, choice=chosen)
    else:
        text = ctx.t("vote-changed", number=vote.number, choice=chosen, earlier=ctx.t(f"vote-choice-{earlier.value}"))
    response = Response(toast=str(text.striptags()))
    if ctx.incoming.prompt_id is not None:
        # Typed as a number (Zalo, the console): that choice is used up, so the ballot comes again
        # for a change of mind, as the buttons stay on Telegram.
        response.say(text + ctx.t("vote-change-hint"), _ballot(ctx, vote))
    return response


@router.command("endvote", "ketthucbieuquyet", Need.SECRETARY, in_groups=True, aliases=("dongbieuquyet",))
async def end_vote(ctx: Ctx) -> Response:
    membership = await secretary_cell(ctx)
    vote = await votes.open_in_cell(ctx.session, membership.cell_id)
    if vote is None:
        raise DomainError("vote-none-open")
    await votes.close(ctx.session, vote, ctx.now)
    response = ctx.reply("vote-closed-done", result=result_text(ctx.app, vote))
    response.edits = await result_edits(ctx.app, ctx.session, vote)
    return response


def result_text(app: AppContext, vote: Vote) -> Markup:
    return Markup("\n").join(vote_result.describe(app.tr, vote))


async def result_edits(app: AppContext, session: Session, vote: Vote) -> list[Edit]:
    """The groups' ballot posts now show the result, without buttons."""
    text = app.tr.t("vote-post-closed", result=result_text(app, vote))
    return [Edit(Address(p.platform, p.chat_id), p.message_id, text) for p in await votes.posts(session, vote)]


async def close_due(app: AppContext, session: Session) -> tuple[int, list[Edit]]:
    """The scheduled closing: count the votes whose time is up, tell whoever opened each (through
    the outbox); returns how many closed and the edits that put the results in the groups' posts."""
    edits: list[Edit] = []
    now = app.clock.now()
    closed = await votes.close_due(session, now)
    for vote in closed:
        edits += await result_edits(app, session, vote)
        opener = await votes.opener(session, vote)
        if opener is not None:
            await outbox.enqueue(
                session,
                key=f"{votes.ballot_key_prefix(vote)}result:{opener.platform}:{opener.chat_id}",
                to=opener,
                text=str(app.tr.t("vote-closed-by-time", result=result_text(app, vote))),
                kind="vote-result",
                not_before=now,
                meeting_id=vote.meeting_id,
            )
    return len(closed), edits
