"""The meeting announcement with its RSVP buttons: posted when a meeting is scheduled and reused
by the reminders."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from markupsafe import Markup

from core.buttons import Answer, RsvpData
from core.i18n import Translator
from core.messages import Button, Keyboard
from handlers import format as fmt
from models import Meeting


def rsvp_buttons(tr: Translator, meeting_id: int) -> Keyboard:
    return (
        (
            Button(str(tr.t("rsvp-button-yes")), RsvpData(meeting_id, Answer.YES)),
            Button(str(tr.t("rsvp-button-no")), RsvpData(meeting_id, Answer.NO)),
        ),
    )


def announcement(tr: Translator, zone: ZoneInfo, meeting: Meeting, cell_name: str) -> tuple[Markup, Keyboard]:
    text = tr.t(
        "announce-text",
        cell=cell_name,
        kind=tr.t(f"kind-{meeting.kind.value}"),
        when=fmt.when(tr, meeting.starts_at, zone),
        place=meeting.place or tr.t("unknown-place"),
        agenda=meeting.agenda or tr.t("no-agenda"),
    )
    return text, rsvp_buttons(tr, meeting.id)
