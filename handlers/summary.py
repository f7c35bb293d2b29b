"""/tongket: the meeting's summary to the committee's chat, privately to the secretary, one line to the group.

Summaries hold names, absence reasons and removal warnings, so they go only to the secretary
(privately), the committee's chat and supervisors; a summary asked for in the cell's group
answers there with one line."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from core.config import ScoringConfig
from core.i18n import Translator
from core.messages import Address, ChatKind, Edit, Outgoing, Response
from handlers import common
from handlers import format as fmt
from handlers.context import Ctx
from handlers.materials import read_share
from handlers.router import Need, Router
from handlers.textsplit import split_messages
from models import MemberStatus
from services import attendance, chats, meetings, scoring, summary, vote_result
from services.errors import DomainError
from services.parsing import parse_date
from services.posted import will_show
from services.summary import MeetingReport, Named
from services.text import fold
from services.warnings import Warnings

router = Router()

_ON = frozenset({"bat", "on", "co", "1"})
_OFF = frozenset({"tat", "off", "khong", "0"})


def _names(tr: Translator, rows: Sequence[Named]) -> Markup:
    return Markup(", ").join(escape(row.name) for row in rows) if rows else tr.t("reports-none")


def warning_lines(tr: Translator, warnings: Warnings) -> list[Markup]:
    lines: list[Markup] = []
    if warnings.low_attendance:
        lines.append(tr.t("reports-warn-low", percent=summary.percent_text(tr, warnings.percent)))
    if warnings.unexcused:
        lines.append(tr.t("reports-warn-unexcused", count=len(warnings.unexcused), names=", ".join(warnings.unexcused)))
    lines += [
        tr.t("reports-warn-streak", name=f.name, count=f.count, year=str(warnings.year))
        for f in warnings.excused_streaks
    ]
    lines += [
        tr.t("reports-warn-removal", name=f.name, count=f.count, year=str(warnings.year)) for f in warnings.removal
    ]
    if warnings.unreachable:
        lines.append(tr.t("reports-warn-unreachable", names=", ".join(warnings.unreachable)))
    return lines


def summary_lines(
    tr: Translator, report: MeetingReport, zone: ZoneInfo, rubric: ScoringConfig, *, anonymous: bool
) -> list[Markup]:
    """The summary as lines; `anonymous` leaves out the authors of opinions (the committee's copy)."""
    meeting, b = report.meeting, report.breakdown
    lines = [
        tr.t("reports-summary-title", cell=report.cell.name),
        tr.t(
            "reports-summary-meeting",
            kind=tr.t(f"kind-{meeting.kind.value}"),
            when=fmt.when(tr, meeting.starts_at, zone),
        ),
        tr.t("reports-summary-place", place=meeting.place or tr.t("unknown-place")),
        tr.t("reports-summary-agenda", agenda=meeting.agenda or tr.t("no-agenda")),
        Markup(""),
        tr.t(
            "reports-summary-attendance",
            present=b.present,
            counted=b.counted,
            percent=summary.percent_text(tr, b.percent),
        ),
        tr.t(
            "reports-summary-kinds",
            full=b.present_of(MemberStatus.FULL),
            full_total=b.members(MemberStatus.FULL),
            probationary=b.present_of(MemberStatus.PROBATIONARY),
            probationary_total=b.members(MemberStatus.PROBATIONARY),
            temporary=b.present_of(MemberStatus.TEMPORARY),
            temporary_total=b.members(MemberStatus.TEMPORARY),
        ),
    ]
    if b.members(MemberStatus.EXEMPT):
        lines.append(
            tr.t(
                "reports-summary-exempt",
                total=b.members(MemberStatus.EXEMPT),
                present=b.present_of(MemberStatus.EXEMPT),
            )
        )
    lines += [
        Markup(""),
        tr.t("reports-summary-present", count=len(report.present)),
        _names(tr, report.present),
    ]
    lines.append(tr.t("reports-summary-excused", count=len(report.excused)))
    lines += [tr.t("reports-summary-excused-line", name=r.name, reason=r.reason or "") for r in report.excused]
    if not report.excused:
        lines.append(tr.t("reports-none"))
    lines += [tr.t("reports-summary-unexcused", count=len(report.unexcused)), _names(tr, report.unexcused)]
    if report.never_answered:
        lines += [
            tr.t("reports-summary-silent", count=len(report.never_answered)),
            _names(tr, report.never_answered),
        ]
    lines += [Markup(""), tr.t("reports-summary-opinions", count=len(report.opinions))]
    if not report.opinions:
        lines.append(tr.t("reports-none"))
    for opinion in report.opinions:
        if anonymous:
            lines.append(tr.t("reports-summary-opinion-anonymous", text=opinion.reason or ""))
        else:
            lines.append(tr.t("reports-summary-opinion", name=opinion.name, text=opinion.reason or ""))
    for vote in report.votes:
        lines += [Markup(""), *vote_result.describe(tr, vote)]
    if report.materials_read is not None:
        read, expected = report.materials_read
        share = read_share(tr, read, expected)
        lines += [Markup(""), tr.t("materials-summary-read", read=read, expected=expected, share=share)]
    if report.visitors:
        lines += [Markup(""), tr.t("reports-summary-visitors", count=len(report.visitors)), _names(tr, report.visitors)]
        lines += [
            tr.t("reports-summary-visitor-comment", name=v.name, text=v.reason) for v in report.visitors if v.reason
        ]
    lines += [Markup(""), *scoring.describe_score(tr, report.score, rubric)]
    warnings = warning_lines(tr, report.warnings)
    if warnings:
        lines += [Markup(""), tr.t("reports-warn-title"), *warnings]
    return lines


def summary_purpose(index: int) -> str:
    """PostedMessage purpose of each part of a long summary: "summary", "summary-2", ..."""
    return "summary" if index == 0 else f"summary-{index + 1}"


def _anonymous_setting(ctx: Ctx, cell_id: int, words: list[str]) -> Response:
    choice = fold(words[0]) if words else ""
    if choice not in _ON | _OFF:
        raise DomainError("reports-anonymous-usage")
    membership = ctx.me().membership_in(cell_id)
    assert membership is not None
    membership.cell.anonymous_opinions = choice in _ON
    return ctx.reply("reports-anonymous-on" if choice in _ON else "reports-anonymous-off")


@router.command("summary", "tongket", Need.SECRETARY, in_groups=True)
async def summary_command(ctx: Ctx) -> Response:
    """Post the summary to the committee's chat (editing an earlier post) and show it to the secretary."""
    membership = await common.secretary_cell(ctx)
    words = ctx.args.split()
    if words and fold(words[0]).replace("_", "") == "andanh":
        return _anonymous_setting(ctx, membership.cell_id, words[1:])
    tr, zone, now = ctx.app.tr, ctx.app.config.schedule.zone, ctx.now
    day = parse_date(ctx.args, now.astimezone(zone).date(), past=True) if ctx.args else None
    meeting = await summary.report_meeting(ctx.session, membership.cell_id, now, zone, day)
    settled = day is not None and meetings.is_unsettled(meeting, now)
    if settled:
        # Named by its date after its time passed without check-in: the marks made for it are final.
        with common.about(ctx, meeting):
            await attendance.close_checkin(ctx.session, meeting, now)
    summary.ensure_held(meeting, now, zone)
    report = await summary.meeting_report(ctx.session, meeting.id, zone)
    summary.mark_summarised(meeting, now)
    rubric = ctx.app.config.scoring
    committee_lines = summary_lines(tr, report, zone, rubric, anonymous=report.cell.anonymous_opinions)
    response = Response()
    posted = await summary.posted_summary(ctx.session, meeting.id)
    links = [
        Address(link.platform, link.chat_id)
        for link in await chats.committee_chats(ctx.session, report.cell.committee_id)
    ]
    edited = False
    for to in links:
        earlier = {
            purpose: row
            for (platform, chat, purpose), row in posted.items()
            if (platform, chat) == (to.platform, to.chat_id)
        }
        traits = ctx.app.traits(to.platform)
        editable = traits.can_edit
        replacing = bool(earlier) and not editable
        lines = [tr.t("reports-summary-replaced"), *committee_lines] if replacing else committee_lines
        parts = split_messages(lines, traits.text_limit)
        for index, text in enumerate(parts):
            purpose = summary_purpose(index)
            if editable and purpose in earlier:
                row = earlier.pop(purpose)
                # Unchanged parts are not edited (Telegram refuses: "message is not modified").
                if will_show(row, str(text)):
                    response.edits.append(Edit(to, row.message_id, text))
                edited = True
            else:
                earlier.pop(purpose, None)
                response.messages.append(Outgoing(text, to=to, remember=(meeting.id, purpose)))
        if editable:
            gone = tr.t("reports-summary-part-gone")
            response.edits += [Edit(to, row.message_id, gone) for row in earlier.values() if will_show(row, str(gone))]
    day_shown = fmt.date(meeting.starts_at, zone)
    if not links:
        note = tr.t("reports-summary-no-committee", committee=report.cell.committee.name, day=day_shown)
    else:
        note = tr.t("reports-summary-updated" if edited else "reports-summary-posted", day=day_shown)
    if settled:
        note = tr.t("reports-settled-now", day=day_shown) + Markup("\n") + note
    private = [note, Markup(""), *summary_lines(tr, report, zone, rubric, anonymous=False)]
    limit = ctx.app.traits(ctx.incoming.platform).text_limit
    if ctx.incoming.chat_kind is ChatKind.GROUP:
        response.say(tr.t("reports-summary-in-group", name=ctx.me().person.full_name, day=day_shown))
        secretary = Address(ctx.incoming.platform, ctx.incoming.user_id)
        response.messages += [Outgoing(text, to=secretary) for text in split_messages(private, limit)]
    else:
        response.messages += [Outgoing(text) for text in split_messages(private, limit)]
    return response
