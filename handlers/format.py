"""Dates, times and names as members read them: "Thứ Năm, 04/12/2026 lúc 19:30"."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup

from core.i18n import Translator


def when(tr: Translator, moment: datetime, zone: ZoneInfo) -> Markup:
    local = moment.astimezone(zone)
    return tr.t(
        "fmt-when",
        weekday=tr.t(f"weekday-{local.weekday()}"),
        date=local.strftime("%d/%m/%Y"),
        time=local.strftime("%H:%M"),
    )


def date(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d/%m/%Y")
