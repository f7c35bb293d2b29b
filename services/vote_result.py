"""A closed vote's result in words, with its arithmetic: for the group, the summary and the minutes."""

from __future__ import annotations

from markupsafe import Markup

from core.i18n import Translator
from models import Vote
from services.summary import percent_text
from services.votes import passed


def describe(tr: Translator, vote: Vote) -> list[Markup]:
    """The result with its arithmetic, as the group, the summary and the minutes show it."""
    called, yes, no = vote.called or 0, vote.yes or 0, vote.no or 0
    left_out = [
        tr.t(key, count=count)
        for key, count in (
            ("vote-left-out-temporary", vote.temporary or 0),
            ("vote-left-out-probationary", vote.probationary or 0),
            ("vote-left-out-exempt", vote.exempt_absent or 0),
        )
        if count
    ]
    lines = [
        tr.t("vote-result-title", number=vote.number, text=vote.text),
        tr.t("vote-result-count", yes=yes, no=no, silent=max(called - yes - no, 0)),
        tr.t("vote-result-base", called=called, needed=called // 2 + 1),
    ]
    if left_out:
        lines.append(tr.t("vote-result-left-out", parts=Markup(", ").join(left_out)))
    percent = percent_text(tr, 100 * yes / called if called else None)
    key = "vote-result-passed" if passed(vote) else "vote-result-failed"
    lines.append(tr.t(key, yes=yes, called=called, percent=percent))
    return lines
