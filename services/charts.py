"""The digest's chart: attendance % per cell over the last months, as a PNG readable on a phone.

Drawn with matplotlib's Agg canvas on a Figure object (no pyplot global state), so jobs can draw
concurrently. A phone shows a few lines well, not hundreds: beyond MAX_LINES cells the chart keeps
the cells with the lowest attendance and adds the average of all of them.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from services.summary import ATTENDANCE_BAR_PERCENT

MAX_LINES = 8
LABEL_CHARS = 18
_CELL_PREFIX = re.compile(r"^\s*chi\s+b[ộô]\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]
    average: bool = False


def short_label(name: str, limit: int = LABEL_CHARS) -> str:
    """ "Chi bộ Khu phố 1" -> "Khu phố 1"; anything longer than `limit` ends with an ellipsis."""
    name = " ".join(_CELL_PREFIX.sub("", name).split()) or name.strip()
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def _mean(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def pick_series(cells: Sequence[tuple[str, Sequence[float | None]]], average_label: str) -> list[Series]:
    """All cells when few; otherwise the lowest MAX_LINES - 1 by average, plus the average of all."""
    if len(cells) <= MAX_LINES:
        return [Series(short_label(name), values) for name, values in cells]
    ranked = sorted(cells, key=lambda cell: (_mean(cell[1]) is None, _mean(cell[1]) or 0.0))
    months = len(cells[0][1])
    average = [_mean([values[i] for _, values in cells]) for i in range(months)]
    return [Series(short_label(name), values) for name, values in ranked[: MAX_LINES - 1]] + [
        Series(average_label, average, average=True)
    ]


def attendance_chart(series: Sequence[Series], months: Sequence[date], *, title: str, threshold_label: str) -> bytes:
    """A line per series over the months, the 85 % bar dashed; returns PNG bytes (960x720)."""
    # Imported here: matplotlib takes about a second to load, and most runs (the CLI, a bot that
    # is not sending digests right now) never draw.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 4.5), dpi=160)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(months)))
    for item in series:
        values = [math.nan if v is None else v for v in item.values]
        style = {"color": "black", "linewidth": 3} if item.average else {"linewidth": 2}
        axes.plot(positions, values, marker="o", markersize=5, label=item.label, **style)
    axes.axhline(ATTENDANCE_BAR_PERCENT, color="#c0392b", linestyle="--", linewidth=1.2, label=threshold_label)
    known = [v for item in series for v in item.values if v is not None]
    # Zoom on the band the values use (phones show little), never hiding the 85 % bar.
    low = min([*known, ATTENDANCE_BAR_PERCENT])
    axes.set_ylim(max(0, math.floor((low - 10) / 10) * 10), 102)
    axes.set_xticks(positions, [f"{m.month:02d}/{m.year % 100:02d}" for m in months], fontsize=10)
    axes.tick_params(axis="y", labelsize=10)
    axes.set_ylabel("%", fontsize=11)
    axes.grid(axis="y", alpha=0.3)
    axes.set_title(title, fontsize=12)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize=9, frameon=False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
