"""/baocao and the weekly digest's text: per followed cell, the last meeting, its trend, warnings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup

from core.i18n import Translator
from core.messages import Address, Outgoing, Response
from handlers import format as fmt
from handlers.context import Ctx
from handlers.materials import read_note
from handlers.router import Need, Router
from handlers.summary import warning_lines
from handlers.textsplit import split_messages
from services import authority, charts, digest, scoring, summary, tree
from services.digest import Digest
from services.errors import DomainError

router = Router()

SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float | None]) -> str:
    return "".join("·" if v is None else SPARKS[min(len(SPARKS) - 1, int(v / 100 * len(SPARKS)))] for v in values)


def digest_messages(
    tr: Translator, built: Digest, zone: ZoneInfo, scope: str, now: datetime, to: Address | None, limit: int
) -> list[Outgoing]:
    """The digest as messages of at most `limit` characters (table, idle cells, warnings) and the
    chart as a picture."""
    lines = [tr.t("reports-digest-title", scope=scope)]
    lines.append(tr.t("reports-digest-date", date=fmt.date(now, zone), count=len(built.lines)))
    lines.append(Markup(""))
    for line in built.lines:
        cell = charts.short_label(line.name, 40)
        upcoming = fmt.date(line.next_meeting, zone) if line.next_meeting else tr.t("reports-digest-no-next")
        if line.last_meeting is None:
            lines.append(
                tr.t("reports-digest-line-never", cell=cell, next=upcoming) + read_note(tr, *(line.read or (0, 0)))
            )
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
            + read_note(tr, *(line.read or (0, 0)))
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
    messages = [Outgoing(text, to=to) for text in split_messages(lines, limit)]
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
    """Supervisors see the cells they follow; admins name an organisation they administer (its
    whole subtree), or see all of theirs."""
    actor, tr = ctx.me(), ctx.app.tr
    if ctx.args:
        if not actor.administers:
            raise DomainError("reports-digest-admin-only")
        committee = await authority.find_node(ctx.session, actor, ctx.args)
        cells, scope = tree.cells_under([committee.id]), committee.name
    elif actor.supervises:
        cells, scope = digest.supervised_cells(actor.person.id), str(tr.t("reports-digest-scope-mine"))
    elif actor.admin_of:
        cells, scope = authority.administered_cells(actor), str(tr.t("reports-digest-scope-mine"))
    else:
        known = await authority.node_names(ctx.session, actor)
        raise DomainError("reports-digest-admin-usage", known=", ".join(known))
    zone = ctx.app.config.schedule.zone
    built = await digest.build_digest(ctx.session, cells, ctx.now, zone)
    limit = ctx.app.traits(ctx.incoming.platform).text_limit
    return Response(messages=digest_messages(tr, built, zone, scope, ctx.now, None, limit))
