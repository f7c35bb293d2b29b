"""`/tonghop`: the monthly rollup of an organisation, for its admins and supervisors, with a
drill-down by naming a child."""

from __future__ import annotations

from markupsafe import Markup

from core.i18n import Translator
from core.messages import Outgoing, Response
from handlers.context import Ctx
from handlers.materials import read_note
from handlers.router import Need, Router
from handlers.textsplit import split_messages
from services import authority
from services.errors import DomainError
from services.export.node import rollup_workbook, year_workbook
from services.export.workbook import file_slug
from services.rollup import ChildFigures, Rollup, build_rollup
from services.summary import month_bounds, month_label, percent_text, year_bounds
from services.text import fold

router = Router()
# Names listed in full under "not met" or "summary not sent"; the rest are counted.
MAX_NAMES = 10
FILE_WORDS = ("tep", "file", "xlsx")


def _names(tr: Translator, names: list[str]) -> str:
    shown = ", ".join(names[:MAX_NAMES])
    more = len(names) - MAX_NAMES
    return shown if more <= 0 else str(tr.t("rollup-more", shown=shown, more=more))


def _line(tr: Translator, child: ChildFigures) -> Markup:
    share = child.attendance
    attendance = "—" if share is None else f"{percent_text(tr, share * 100)}%"
    return tr.t(
        "rollup-line",
        name=child.name,
        cells=child.cells,
        held=child.held,
        planned=child.planned,
        missing=len(child.missing),
        attendance=attendance,
        warnings=child.warnings,
        score=percent_text(tr, child.score),
        on_bot=child.on_bot,
        members=child.members,
    ) + read_note(tr, child.read, child.to_read)


def rollup_lines(tr: Translator, rollup: Rollup, month: str) -> list[Markup]:
    """The rollup as lines: a title, the whole, one line per child, then what is overdue."""
    total = rollup.total
    lines = [tr.t("rollup-title", name=rollup.node.name, month=month), _line(tr, total), Markup("")]
    lines += [_line(tr, child) for child in rollup.children] or [tr.t("rollup-empty")]
    if total.missing:
        lines += [Markup(""), tr.t("rollup-missing", count=len(total.missing), names=_names(tr, total.missing))]
    if total.unsent:
        lines += [tr.t("rollup-unsent", count=len(total.unsent), names=_names(tr, total.unsent))]
    if rollup.coverage:
        lines += [Markup(""), tr.t("rollup-visits-title", quarter=rollup.quarter)]
        lines += [
            tr.t(
                "rollup-visits-line",
                name=c.name,
                visited=len(c.visited),
                followed=c.followed,
                cells=_names(tr, c.visited) if c.visited else "—",
            )
            for c in rollup.coverage
        ]
    if any(not child.is_cell for child in rollup.children):
        lines += [Markup(""), tr.t("rollup-drill")]
    return lines


@router.command("rollup", "tonghop", Need.SUPERVISOR)
async def rollup_command(ctx: Ctx) -> Response:
    """`/tonghop [tep] [tổ chức]`: an organisation the caller administers or follows, this month;
    with `tep`, the month's rollup and the year's attendance per cell as .xlsx files."""
    actor, tr = ctx.me(), ctx.app.tr
    words = ctx.args.split(maxsplit=1)
    files = bool(words) and fold(words[0]) in FILE_WORDS
    named = (words[1] if len(words) > 1 else "") if files else ctx.args
    if named:
        node = await authority.find_node(ctx.session, actor, named, missing="rollup-unknown", follows=True)
    else:
        tops = await authority.top_nodes(ctx.session, actor, follows=True)
        if len(tops) != 1:
            raise DomainError("rollup-usage", known=", ".join(n.name for n in tops) or "—")
        node = tops[0]
    zone = ctx.app.config.schedule.zone
    local = ctx.now.astimezone(zone)
    month = month_bounds(local.year, local.month, zone)
    year = (year_bounds(local.year, zone)[0], ctx.now)
    built = await build_rollup(ctx.session, node, month, year)
    label = month_label(ctx.now, zone)
    if files:
        if not ctx.app.traits(ctx.incoming.platform).sends_files:
            raise DomainError("rollup-files-unsupported")
        slug = file_slug(node.name)
        response = ctx.reply("rollup-files-sent", name=node.name, month=label)
        rollup_file = (f"tong_hop_{slug}_{local.year}_{local.month:02d}.xlsx", rollup_workbook(tr, built, label))
        year_file = (
            f"diem_danh_{slug}_{local.year}.xlsx",
            await year_workbook(ctx.session, tr, node, local.year, zone),
        )
        response.messages.append(Outgoing(tr.t("rollup-file-month", month=label), document=rollup_file))
        response.messages.append(Outgoing(tr.t("rollup-file-year", year=str(local.year)), document=year_file))
        return response
    limit = ctx.app.traits(ctx.incoming.platform).text_limit
    response = Response()
    for text in split_messages(rollup_lines(tr, built, label), limit):
        response.say(text)
    return response
