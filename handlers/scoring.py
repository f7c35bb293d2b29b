"""/chamdiem: the meeting's score against the configured rubric, or the "bốn tốt" self-assessment."""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup

from core.config import ScoringConfig
from core.messages import Response
from handlers import common
from handlers import format as fmt
from handlers.context import Ctx
from handlers.router import Need, Router
from services import scoring, summary
from services.errors import DomainError
from services.parsing import looks_like_date, parse_date, parse_int
from services.text import fold

router = Router()

_YES = frozenset({"co", "c", "x", "dat", "1", "yes", "y"})
_NO = frozenset({"khong", "k", "0", "no", "n", "chuadat"})
_POINTS = re.compile(r"^(?:([a-z_]+)=)?(-?[0-9]+)$")
# No rubric part is worth more; a larger number is refused before it is compared with the rubric.
POINTS_MAX = 1000
_REASON_PREFIX = re.compile(r"^(?:l[ýy]\s*do|reason)\s*:?\s*", re.IGNORECASE)
_MODE_WORDS = {
    "diem": scoring.MODE_RUBRIC,
    "thangdiem": scoring.MODE_RUBRIC,
    "rubric": scoring.MODE_RUBRIC,
    "bontot": scoring.MODE_BON_TOT,
    "4tot": scoring.MODE_BON_TOT,
}


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
