"""Reports: /tongket (summary to the committee), /chamdiem (score), /baocao (digest), /xuatfile (export).

Summaries and digests hold names, absence reasons and removal warnings, so they go only to the
secretary (privately), the committee's chat and supervisors; a summary asked for in the cell's
group answers there with one line. Every text is cut into messages under Telegram's limit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from core.config import ScoringConfig
from core.i18n import Translator
from handlers import common
from handlers import format as fmt
from handlers.context import AppContext, Ctx
from handlers.messages import Address, ChatKind, Edit, Outgoing, Response
from handlers.parsing import is_number, looks_like_date, parse_date, parse_int, parse_year
from handlers.router import Need, Router
from models import MemberStatus, Platform
from services import charts, chats, digest, export, scoring, summary
from services.digest import Digest
from services.errors import DomainError
from services.summary import MeetingReport, Named, Warnings
from services.text import fold

router = Router()

# Telegram allows 4,096 characters of parsed text; the markup is measured, which is never shorter.
MESSAGE_LIMIT = 3900
# Platforms whose bot messages can be edited later; elsewhere a re-run posts a replacement.
EDITABLE = frozenset({Platform.TELEGRAM, Platform.CONSOLE})
SPARKS = "▁▂▃▄▅▆▇█"
_YES = frozenset({"co", "c", "x", "dat", "1", "yes", "y"})
_NO = frozenset({"khong", "k", "0", "no", "n", "chuadat"})
_POINTS = re.compile(r"^(?:([a-z_]+)=)?(-?[0-9]+)$")
# No rubric part is worth more; a larger number is refused before it is compared with the rubric.
POINTS_MAX = 1000
_REASON_PREFIX = re.compile(r"^(?:l[ýy]\s*do|reason)\s*:?\s*", re.IGNORECASE)
_ON = frozenset({"bat", "on", "co", "1"})
_MODE_WORDS = {
    "diem": scoring.MODE_RUBRIC,
    "thangdiem": scoring.MODE_RUBRIC,
    "rubric": scoring.MODE_RUBRIC,
    "bontot": scoring.MODE_BON_TOT,
    "4tot": scoring.MODE_BON_TOT,
}
_OFF = frozenset({"tat", "off", "khong", "0"})


# --- text helpers -------------------------------------------------------------------------------


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut_line(line: Markup, limit: int) -> list[Markup]:
    """A line too long for one message, cut at spaces; its tags are dropped (entities stay whole)."""
    if _utf16(line) <= limit:
        return [line]
    text = str(escape(line.striptags())) if "<" in line else str(line)
    pieces: list[Markup] = []
    while _utf16(text) > limit:
        cut = limit
        while _utf16(text[:cut]) > limit:
            cut -= 1
        space = text.rfind(" ", 0, cut)
        if space > limit // 2:
            cut = space
        else:
            amp = text.rfind("&", 0, cut)
            if amp > text.rfind(";", 0, cut):
                cut = amp
        pieces.append(Markup(text[:cut].rstrip()))  # noqa: S704 - already escaped
        text = text[cut:].lstrip()
    if text:
        pieces.append(Markup(text))  # noqa: S704 - already escaped
    return pieces


def split_messages(lines: Sequence[Markup], limit: int = MESSAGE_LIMIT) -> list[Markup]:
    """Pack lines into as few messages as fit under `limit`, never cutting inside a tag or an entity."""
    messages: list[Markup] = []
    current: list[Markup] = []
    size = 0
    for line in lines:
        for piece in _cut_line(line, limit):
            length = _utf16(piece) + 1
            if current and size + length > limit:
                messages.append(Markup("\n").join(current).strip())
                current, size = [], 0
            current.append(piece)
            size += length
    if current:
        messages.append(Markup("\n").join(current).strip())
    return [m for m in messages if m]


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


# --- /tongket -------------------------------------------------------------------------------------


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
    meeting = await summary.held_meeting(ctx.session, membership.cell_id, now, zone, day)
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
            purpose: mid
            for (platform, chat, purpose), mid in posted.items()
            if (platform, chat) == (to.platform, to.chat_id)
        }
        editable = to.platform in EDITABLE
        replacing = bool(earlier) and not editable
        parts = split_messages([tr.t("reports-summary-replaced"), *committee_lines] if replacing else committee_lines)
        for index, text in enumerate(parts):
            purpose = summary_purpose(index)
            if editable and purpose in earlier:
                response.edits.append(Edit(to, earlier.pop(purpose), text))
                edited = True
            else:
                earlier.pop(purpose, None)
                response.messages.append(Outgoing(text, to=to, remember=(meeting.id, purpose)))
        if editable:
            response.edits += [Edit(to, mid, tr.t("reports-summary-part-gone")) for mid in earlier.values()]
    if not links:
        note = tr.t("reports-summary-no-committee", committee=report.cell.committee.name)
    else:
        note = tr.t("reports-summary-updated" if edited else "reports-summary-posted")
    private = [note, Markup(""), *summary_lines(tr, report, zone, rubric, anonymous=False)]
    if ctx.incoming.chat_kind is ChatKind.GROUP:
        response.say(tr.t("reports-summary-in-group", name=ctx.me().person.full_name))
        secretary = Address(ctx.incoming.platform, ctx.incoming.user_id)
        response.messages += [Outgoing(text, to=secretary) for text in split_messages(private)]
    else:
        response.messages += [Outgoing(text) for text in split_messages(private)]
    return response


# --- /chamdiem ------------------------------------------------------------------------------------


def _part_key(word: str, rubric: ScoringConfig) -> str:
    squashed = word.replace("_", "")
    return next((p for p in rubric.parts if p.replace("_", "") == squashed), word)


def parse_points(words: Sequence[str], rubric: ScoringConfig) -> tuple[dict[str, int], str]:
    """ "15 40 18 [reason]" in rubric order (attendance optional) or "chuan_bi=15 ..." plus a reason."""
    matches = []
    for word in words:
        match = _POINTS.match(fold(word))
        if match is None:
            break
        matches.append(match)
    reason = _REASON_PREFIX.sub("", " ".join(words[len(matches) :]))
    keyed = [m for m in matches if m.group(1)]
    if keyed and len(keyed) != len(matches):
        raise DomainError("reports-score-mixed")
    if keyed:
        return {_part_key(m.group(1), rubric): _points(m.group(2)) for m in matches}, reason
    numbers = [_points(m.group(2)) for m in matches]
    others = [p for p in rubric.parts if p != rubric.attendance_part]
    if len(numbers) == len(others):
        return dict(zip(others, numbers, strict=True)), reason
    if len(numbers) == len(rubric.parts):
        return dict(zip(rubric.parts, numbers, strict=True)), reason
    raise DomainError("reports-score-count", count=len(others), parts=", ".join(others))


def _points(text: str) -> int:
    return parse_int(text, -POINTS_MAX, POINTS_MAX)


def parse_yes_no(words: Sequence[str]) -> dict[str, bool]:
    answers = []
    for word in words:
        folded = fold(word).replace(" ", "")
        if folded not in _YES | _NO:
            raise DomainError("reports-bontot-word", word=word)
        answers.append(folded in _YES)
    if len(answers) != len(scoring.BON_TOT_CRITERIA):
        raise DomainError("reports-bontot-count", count=len(scoring.BON_TOT_CRITERIA))
    return dict(zip(scoring.BON_TOT_CRITERIA, answers, strict=True))


def _score_help(ctx: Ctx, mode: str, day: str, breakdown: summary.Breakdown) -> Response:
    tr, rubric = ctx.app.tr, ctx.app.config.scoring
    if mode == scoring.MODE_BON_TOT:
        criteria = Markup("\n").join(
            tr.t("reports-score-criterion", number=n, label=tr.t(f"reports-bontot-{c}"))
            for n, c in enumerate(scoring.BON_TOT_CRITERIA, start=1)
        )
        return ctx.reply("reports-score-bontot-help", date=day, criteria=criteria)
    attendance_max = rubric.parts[rubric.attendance_part]
    parts = Markup("\n").join(
        tr.t("reports-score-part", part=key, label=scoring.label(tr, "reports-part", key), max=points)
        for key, points in rubric.parts.items()
    )
    example = " ".join(f"{key}={points}" for key, points in rubric.parts.items() if key != rubric.attendance_part)
    return ctx.reply(
        "reports-score-rubric-help",
        date=day,
        total=rubric.total,
        parts=parts,
        proposed=scoring.proposed_attendance(breakdown, attendance_max),
        max=attendance_max,
        percent=summary.percent_text(tr, breakdown.percent),
        example=example,
        attendance_key=rubric.attendance_part,
    )


@router.command("score", "chamdiem", Need.SECRETARY)
async def score_command(ctx: Ctx) -> Response:
    membership = await common.secretary_cell(ctx)
    cell, rubric, tr = membership.cell, ctx.app.config.scoring, ctx.app.tr
    words = ctx.args.split()
    if words and fold(words[0]) in ("kieu", "chedo", "mode"):
        mode = _MODE_WORDS.get(fold("".join(words[1:])).replace("_", ""), "")
        scoring.set_mode(cell, mode)
        if mode == scoring.MODE_BON_TOT:
            return ctx.reply("reports-score-mode-bontot")
        return ctx.reply("reports-score-mode-rubric", total=rubric.total)
    zone = ctx.app.config.schedule.zone
    today = ctx.now.astimezone(zone).date()
    day = parse_date(words.pop(0), today, past=True) if words and looks_like_date(words[0]) else None
    meeting = await summary.held_meeting(ctx.session, cell.id, ctx.now, zone, day)
    shown = fmt.date(meeting.starts_at, zone)
    if not words:
        return _score_help(ctx, cell.score_mode, shown, await scoring.meeting_breakdown(ctx.session, meeting.id))
    by = ctx.me().person.id
    if cell.score_mode == scoring.MODE_BON_TOT:
        if any(_POINTS.match(fold(w)) and fold(w) not in _YES | _NO for w in words):
            raise DomainError("reports-score-wrong-mode")
        score = await scoring.record_bon_tot(ctx.session, meeting, parse_yes_no(words), recorded_by=by, now=ctx.now)
        return ctx.reply(
            "reports-score-bontot-recorded",
            date=shown,
            rating=scoring.label(tr, "reports-rating", score.rating),
            met=scoring.criteria_met(score),
            count=len(score.parts),
        )
    given, reason = parse_points(words, rubric)
    score = await scoring.record_rubric(ctx.session, meeting, rubric, given, reason=reason, recorded_by=by, now=ctx.now)
    return ctx.reply(
        "reports-score-recorded",
        date=shown,
        total=score.total or 0,
        max=rubric.total,
        rating=scoring.label(tr, "reports-rating", score.rating),
        parts=scoring.parts_text(tr, score),
    )


# --- /baocao and the weekly digest ----------------------------------------------------------------


def sparkline(values: Sequence[float | None]) -> str:
    return "".join("·" if v is None else SPARKS[min(len(SPARKS) - 1, int(v / 100 * len(SPARKS)))] for v in values)


def digest_messages(
    tr: Translator, built: Digest, zone: ZoneInfo, scope: str, now: datetime, to: Address | None
) -> list[Outgoing]:
    """The digest as messages (table, idle cells, warnings) and the chart as a picture."""
    lines = [tr.t("reports-digest-title", scope=scope)]
    lines.append(tr.t("reports-digest-date", date=fmt.date(now, zone), count=len(built.lines)))
    lines.append(Markup(""))
    for line in built.lines:
        cell = charts.short_label(line.name, 40)
        upcoming = fmt.date(line.next_meeting, zone) if line.next_meeting else tr.t("reports-digest-no-next")
        if line.last_meeting is None:
            lines.append(tr.t("reports-digest-line-never", cell=cell, next=upcoming))
            continue
        if line.rating is None:
            score = str(tr.t("reports-digest-unscored"))
        elif line.score_total is None:
            score = scoring.label(tr, "reports-rating", line.rating)
        else:
            score = f"{line.score_total}đ {scoring.label(tr, 'reports-rating', line.rating)}"
        lines.append(
            tr.t(
                "reports-digest-line",
                cell=cell,
                last=fmt.date(line.last_meeting, zone),
                percent=summary.percent_text(tr, line.percent),
                trend=sparkline(line.trend),
                opinions=line.opinions,
                score=score,
                next=upcoming,
            )
        )
    month = built.months[-1].strftime("%m/%Y")
    lines.append(Markup(""))
    idle = built.idle
    if idle:
        names = ", ".join(charts.short_label(line.name, 40) for line in idle)
        lines.append(tr.t("reports-digest-idle", month=month, count=len(idle), cells=names))
    else:
        lines.append(tr.t("reports-digest-all-active", month=month))
    lines.append(Markup(""))
    warned = built.warned
    for line in warned:
        lines += [tr.t("reports-digest-warn-cell", cell=line.name), *warning_lines(tr, line.warnings)]
    if not warned:
        lines.append(tr.t("reports-digest-no-warnings"))
    messages = [Outgoing(text, to=to) for text in split_messages(lines)]
    series = charts.pick_series(
        [(line.name, built.monthly[line.cell_id]) for line in built.lines],
        str(tr.t("reports-digest-chart-average").striptags()),
    )
    if any(v is not None for s in series for v in s.values):
        png = charts.attendance_chart(
            series,
            built.months,
            title=str(tr.t("reports-digest-chart-title").striptags()),
            threshold_label=str(tr.t("reports-digest-chart-bar").striptags()),
        )
        if len(built.lines) > charts.MAX_LINES:
            caption = tr.t("reports-digest-chart-caption-lowest", shown=charts.MAX_LINES - 1, count=len(built.lines))
        else:
            caption = tr.t("reports-digest-chart-caption", count=len(built.lines))
        messages.append(Outgoing(caption, to=to, photo=png))
    return messages


@router.command("digest", "baocao", Need.SUPERVISOR)
async def digest_command(ctx: Ctx) -> Response:
    """Supervisors see the cells they follow; admins may name any committee."""
    actor, tr = ctx.me(), ctx.app.tr
    if ctx.args:
        if not actor.is_admin:
            raise DomainError("reports-digest-admin-only")
        committee = await digest.find_committee(ctx.session, ctx.args)
        cells, scope = digest.committee_cells(committee.id), committee.name
    elif actor.supervised:
        cells, scope = digest.supervised_cells(actor.person.id), str(tr.t("reports-digest-scope-mine"))
    else:
        known = await digest.committee_names(ctx.session)
        raise DomainError("reports-digest-admin-usage", known=", ".join(known))
    zone = ctx.app.config.schedule.zone
    built = await digest.build_digest(ctx.session, cells, ctx.now, zone)
    return Response(messages=digest_messages(tr, built, zone, scope, ctx.now, None))


# --- /xuatfile ------------------------------------------------------------------------------------


def parse_export_args(text: str, today: date) -> tuple[int | None, date | None]:
    year: int | None = None
    day: date | None = None
    for word in text.split():
        if is_number(word):
            year = parse_year(word)
        elif looks_like_date(word):
            day = parse_date(word, today, past=True)
        else:
            raise DomainError("reports-export-usage", text=word)
    return year, day


@router.command("export", "xuatfile", Need.SECRETARY)
async def export_command(ctx: Ctx) -> Response:
    membership = await common.secretary_cell(ctx)
    zone, tr = ctx.app.config.schedule.zone, ctx.app.tr
    year, day = parse_export_args(ctx.args, ctx.now.astimezone(zone).date())
    files = await export.export_cell(ctx.session, tr, ctx.app.config.scoring, membership.cell, year, day, ctx.now, zone)
    response = ctx.reply("reports-export-sent", year=str(files.year), date=files.meeting_day, cell=membership.cell.name)
    response.messages.append(Outgoing(files.register_caption, document=files.register))
    response.messages.append(Outgoing(files.minutes_caption, document=files.minutes))
    return response


async def build_exports(app: AppContext, cell_name: str, year: str, meeting: str | None) -> export.ExportFiles:
    """`bot.py export`: find the cell by name and build both files (nothing is written on a refusal);
    the year and the day are read by the same parsers as /xuatfile."""
    zone, now = app.config.schedule.zone, app.clock.now()
    year_number = parse_year(year.strip())
    day = parse_date(meeting, now.astimezone(zone).date(), past=True) if meeting else None
    async with app.sessions() as session:
        cell = await export.find_cell(session, cell_name)
        return await export.export_cell(session, app.tr, app.config.scoring, cell, year_number, day, now, zone)


def save_exports(files: export.ExportFiles, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in (files.register, files.minutes):
        path = out_dir / name
        path.write_bytes(content)
        written.append(path)
    return written
