"""The meeting announcement with its RSVP buttons: posted when a meeting is scheduled and reused
by the reminders."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from markupsafe import Markup

from core.i18n import Translator
from handlers import format as fmt
from handlers.messages import Button, Keyboard
from models import Meeting


def rsvp_buttons(tr: Translator, meeting_id: int) -> Keyboard:
    return (
        (
            Button(str(tr.t("rsvp-button-yes")), f"rsvp:{meeting_id}:yes"),
            Button(str(tr.t("rsvp-button-no")), f"rsvp:{meeting_id}:no"),
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
