"""Every command, button and follow-up of the bot, in one ordered place (help lists them in this order)."""

from __future__ import annotations

from handlers import (
    absences,
    attendance,
    checkin,
    digest,
    exports,
    general,
    marking,
    materials,
    meetings,
    onboarding,
    opinions,
    organisations,
    privacy,
    reminders,
    rollup,
    rosters,
    scoring,
    summary,
    visits,
    votes,
)
from handlers.router import Router


def _merge(*routers: Router) -> Router:
    merged = Router()
    for router in routers:
        for command in router.commands:
            merged.command(
                command.name, command.vi, command.need, in_groups=command.in_groups, aliases=command.aliases
            )(command.func)
        for kind, route in router.buttons.items():
            merged.button(kind, route.need, shortcut=route.shortcut)(route.func)
        for name, func in router.followups.items():
            merged.followup(name)(func)
        if router.stranger_text is not None:
            merged.on_stranger_text(router.stranger_text)
        if router.file is not None:
            merged.on_file(router.file.need)(router.file.func)
        for name, func in router.file_commands.items():
            merged.on_file_command(name)(func)
    return merged


ROUTER = _merge(
    onboarding.router,
    general.router,
    attendance.router,
    checkin.router,
    marking.router,
    absences.router,
    opinions.router,
    meetings.router,
    reminders.router,
    summary.router,
    scoring.router,
    votes.router,
    digest.router,
    visits.router,
    rollup.router,
    materials.router,
    organisations.router,
    exports.router,
    privacy.router,
    rosters.router,
)
