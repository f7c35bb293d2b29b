"""The minutes draft (.docx) of one held meeting.

It holds what domain.md says minutes record, with every number and name the bot knows, and blanks
for what only the meeting knows (chair, minute-taker, conclusion).
"""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from markupsafe import Markup

from core.config import ScoringConfig
from core.i18n import Translator
from models import MemberStatus
from services import vote_result
from services.scoring import describe_score
from services.summary import MeetingReport, percent_text
from services.text import fold, plain_text


def minutes_draft(tr: Translator, report: MeetingReport, rubric: ScoringConfig, zone: ZoneInfo) -> bytes:
    """The biên bản with every number and name the bot knows, and blanks for the rest."""
    meeting, b = report.meeting, report.breakdown
    local = meeting.starts_at.astimezone(zone)
    document = Document()

    def para(text: Markup, *, bold: bool = False, center: bool = False, style: str | None = None) -> None:
        paragraph = document.add_paragraph(style=style)
        run = paragraph.add_run(plain_text(text))
        run.bold = bold
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    para(tr.t("reports-docx-committee", committee=report.cell.committee.name), bold=True)
    para(tr.t("reports-docx-cell", cell=report.cell.name), bold=True)
    para(tr.t("reports-docx-party"), bold=True, center=True)
    para(tr.t("reports-docx-title"), bold=True, center=True)
    para(tr.t("reports-docx-kind", kind=tr.t(f"kind-{meeting.kind.value}")), center=True)
    para(tr.t("reports-docx-when", time=local.strftime("%H:%M"), date=local.strftime("%d/%m/%Y")))
    para(tr.t("reports-docx-place", place=meeting.place or tr.t("unknown-place")))
    para(tr.t("reports-docx-chair"))
    para(tr.t("reports-docx-secretary"))

    document.add_heading(plain_text(tr.t("reports-docx-attendance-heading")), level=2)
    full, probationary = MemberStatus.FULL, MemberStatus.PROBATIONARY
    temporary, exempt = MemberStatus.TEMPORARY, MemberStatus.EXEMPT
    para(
        tr.t(
            "reports-docx-totals",
            total=sum(b.members(s) for s in MemberStatus),
            full=b.members(full),
            probationary=b.members(probationary),
            temporary=b.members(temporary),
            exempt=b.members(exempt),
        )
    )
    para(
        tr.t(
            "reports-docx-present",
            present=b.present,
            counted=b.counted,
            percent=percent_text(tr, b.percent),
            full=b.present_of(full),
            probationary=b.present_of(probationary),
            temporary=b.present_of(temporary),
            exempt=b.present_of(exempt),
        )
    )
    para(tr.t("reports-docx-excused", count=len(report.excused)))
    for row in report.excused:
        para(tr.t("reports-docx-excused-line", name=row.name, reason=row.reason or ""), style="List Bullet")
    absent = [*report.unexcused, *report.never_answered]
    para(tr.t("reports-docx-unexcused", count=len(absent)))
    for row in sorted(absent, key=lambda r: fold(r.name)):
        para(tr.t("reports-docx-name-line", name=row.name), style="List Bullet")
    if report.visitors:
        para(tr.t("reports-summary-visitors", count=len(report.visitors)))
        for row in report.visitors:
            para(tr.t("reports-docx-name-line", name=row.name), style="List Bullet")

    document.add_heading(plain_text(tr.t("reports-docx-agenda-heading")), level=2)
    para(tr.t("reports-docx-name-line", name=meeting.agenda or tr.t("no-agenda")))
    document.add_heading(plain_text(tr.t("reports-docx-opinions-heading")), level=2)
    for opinion in report.opinions:
        para(
            tr.t("reports-docx-opinion-line", name=opinion.name, text=opinion.reason or ""),
            style="List Number",
        )
    for row in report.visitors:
        if row.reason:
            para(tr.t("reports-summary-visitor-comment", name=row.name, text=row.reason))
    para(tr.t("reports-docx-blank"))
    document.add_heading(plain_text(tr.t("reports-docx-conclusion-heading")), level=2)
    for vote in report.votes:
        for line in vote_result.describe(tr, vote):
            para(line)
    para(tr.t("reports-docx-blank"))
    para(tr.t("reports-docx-blank"))
    document.add_heading(plain_text(tr.t("reports-docx-score-heading")), level=2)
    for line in describe_score(tr, report.score, rubric):
        para(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = plain_text(tr.t("reports-docx-sign-secretary"))
    table.rows[0].cells[1].text = plain_text(tr.t("reports-docx-sign-chair"))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
