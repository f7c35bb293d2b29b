"""Scoring a held meeting: the configured rubric (points per part) or the "Chi bộ bốn tốt" yes/no.

There is no national point scale; the rubric is config ([scoring]) with the common 100-point one
as default. The attendance part is proposed from the settled check-ins; the secretary may change
it only with a reason, which is kept with the score.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import ScoringConfig
from core.i18n import Translator
from models import Cell, Meeting, MeetingScore
from services.errors import DomainError
from services.summary import Breakdown, breakdowns

MODE_RUBRIC = "rubric"
MODE_BON_TOT = "bon_tot"
MODES = (MODE_RUBRIC, MODE_BON_TOT)
# Nghị quyết TW5 khóa XIII: leadership of political tasks, meeting quality, unity and discipline,
# cadres and members.
BON_TOT_CRITERIA = ("lanh_dao", "chat_luong", "doan_ket", "can_bo")
BON_TOT_MET = "dat"
BON_TOT_NOT_MET = "chua_dat"
LOWEST_RATING = "kem"
REASON_MAX = 500


def proposed_attendance(breakdown: Breakdown, points: int) -> int:
    """The attendance part in proportion to attendance, rounded half up (0 when nobody counted)."""
    if not breakdown.counted:
        return 0
    return (2 * points * breakdown.present + breakdown.counted) // (2 * breakdown.counted)


def rating_for(total: int, ratings: Mapping[str, int]) -> str:
    """The first rating whose threshold the total reaches (thresholds are ordered highest first)."""
    for rating, threshold in ratings.items():
        if total >= threshold:
            return rating
    return LOWEST_RATING


async def meeting_breakdown(session: AsyncSession, meeting_id: int) -> Breakdown:
    found = await breakdowns(session, select(Meeting.id).where(Meeting.id == meeting_id))
    return found.get(meeting_id, Breakdown({}))


async def _upsert(session: AsyncSession, meeting_id: int) -> MeetingScore:
    score = await session.scalar(select(MeetingScore).where(MeetingScore.meeting_id == meeting_id))
    if score is None:
        score = MeetingScore(meeting_id=meeting_id)
        session.add(score)
    return score


async def record_rubric(
    session: AsyncSession,
    meeting: Meeting,
    scoring: ScoringConfig,
    given: Mapping[str, int],
    *,
    reason: str,
    recorded_by: int,
    now: datetime,
) -> MeetingScore:
    """Record (or replace) the rubric score; every part but attendance must be given, within its points."""
    for part, points in given.items():
        if part not in scoring.parts:
            raise DomainError("reports-score-unknown-part", part=part, parts=", ".join(scoring.parts))
        if not 0 <= points <= scoring.parts[part]:
            raise DomainError("reports-score-out-of-range", part=part, points=points, max=scoring.parts[part])
    missing = [p for p in scoring.parts if p not in given and p != scoring.attendance_part]
    if missing:
        raise DomainError("reports-score-missing", parts=", ".join(missing))
    proposal = proposed_attendance(await meeting_breakdown(session, meeting.id), scoring.parts[scoring.attendance_part])
    attendance = given.get(scoring.attendance_part, proposal)
    reason = " ".join(reason.split())
    if attendance != proposal and not reason:
        raise DomainError("reports-score-reason-needed", proposed=proposal, given=attendance)
    if len(reason) > REASON_MAX:
        raise DomainError("reports-score-reason-too-long", limit=REASON_MAX)
    parts = {part: (attendance if part == scoring.attendance_part else given[part]) for part in scoring.parts}
    total = sum(parts.values())
    score = await _upsert(session, meeting.id)
    score.mode = MODE_RUBRIC
    score.parts = dict(parts)
    score.total = total
    score.rating = rating_for(total, scoring.ratings)
    score.adjust_reason = reason if attendance != proposal else None
    score.recorded_by_id = recorded_by
    score.recorded_at = now
    return score


async def record_bon_tot(
    session: AsyncSession, meeting: Meeting, answers: Mapping[str, bool], *, recorded_by: int, now: datetime
) -> MeetingScore:
    """Record (or replace) the four yes/no criteria; "đạt" only when all four are met."""
    if set(answers) != set(BON_TOT_CRITERIA):
        raise DomainError("reports-bontot-count", count=len(BON_TOT_CRITERIA))
    score = await _upsert(session, meeting.id)
    score.mode = MODE_BON_TOT
    score.parts = {c: answers[c] for c in BON_TOT_CRITERIA}
    score.total = None
    score.rating = BON_TOT_MET if all(answers.values()) else BON_TOT_NOT_MET
    score.adjust_reason = None
    score.recorded_by_id = recorded_by
    score.recorded_at = now
    return score


def label(tr: Translator, prefix: str, key: str) -> str:
    """A catalog label for a config key (rubric part, rating), or the key itself for custom ones."""
    return str(tr.t(f"{prefix}-{key}")) if tr.has(f"{prefix}-{key}") else key


def criteria_met(score: MeetingScore) -> int:
    return sum(1 for value in score.parts.values() if value)


def parts_text(tr: Translator, score: MeetingScore) -> str:
    """ "chuẩn bị 14, tỷ lệ dự họp 12, ..." for a rubric score."""
    return ", ".join(f"{label(tr, 'reports-part', k)} {v}" for k, v in score.parts.items())


def describe_score(tr: Translator, score: MeetingScore | None, rubric: ScoringConfig) -> list[Markup]:
    """The score as the summary and the minutes show it."""
    if score is None:
        return [tr.t("reports-summary-no-score")]
    rating = label(tr, "reports-rating", score.rating)
    if score.mode == MODE_BON_TOT:
        return [tr.t("reports-summary-bontot", rating=rating, met=criteria_met(score), count=len(score.parts))]
    parts = parts_text(tr, score)
    lines = [tr.t("reports-summary-score", total=score.total or 0, max=rubric.total, rating=rating, parts=parts)]
    if score.adjust_reason:
        lines.append(tr.t("reports-summary-score-adjusted", reason=score.adjust_reason))
    return lines


def set_mode(cell: Cell, mode: str) -> None:
    if mode not in MODES:
        raise DomainError("reports-score-mode-unknown")
    cell.score_mode = mode
