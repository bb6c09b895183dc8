"""PNG charts for /dashboard, drawn with matplotlib (Agg, no display) with a Chinese font.

Chinese labels need a CJK font, or matplotlib draws empty boxes (tofu). `scripts/install` installs
fonts-wqy-microhei; `chinese_font()` looks for it (or another common CJK font) once, and logs a
warning when none is found, so a missing font shows in the log rather than as boxes only.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when the first chart is drawn: matplotlib is half a second of every start otherwise
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)
CJK_FAMILIES = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC",
                "Source Han Sans SC", "SimHei", "Microsoft YaHei", "PingFang SC")
BLUE, ORANGE, GREY, RED, GREEN = "#1f77b4", "#ff7f0e", "#7f7f7f", "#d62728", "#2ca02c"


@cache
def chinese_font() -> str | None:
    """The first installed CJK font family, or None (logged once)."""
    from matplotlib import font_manager

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    log.warning("no Chinese font found (tried %s): chart labels will show boxes; run scripts/install",
                ", ".join(CJK_FAMILIES))
    return None


def _figure() -> Figure:
    """A figure sized for a phone screen, with the Chinese font when there is one."""
    import matplotlib
    from matplotlib.figure import Figure  # a Figure without pyplot draws with Agg: no display, no global state

    family = chinese_font()
    if family is not None:
        matplotlib.rcParams["font.family"] = [family, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return Figure(figsize=(8, 4.5), dpi=110)


def _png(figure: Figure) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def grouped_bars(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]],
                 *, unit: str) -> bytes:
    """Bars side by side per label (e.g. contracts and payments per month)."""
    figure = _figure()
    axes = figure.subplots()
    width = 0.8 / max(len(series), 1)
    colours = (BLUE, ORANGE, GREY, RED)
    for index, (name, values) in enumerate(series):
        positions = [x + index * width - 0.4 + width / 2 for x in range(len(labels))]
        axes.bar(positions, list(values), width=width, label=name, color=colours[index % len(colours)])
    axes.set_xticks(list(range(len(labels))), list(labels))
    axes.set_title(title)
    axes.set_ylabel(unit)
    axes.legend()
    axes.grid(axis="y", alpha=0.3)
    return _png(figure)


def bars_with_lines(title: str, labels: Sequence[str], values: Sequence[float], *, unit: str,
                    lines: Sequence[tuple[str, float]] = (), limits: Sequence[float | None] = ()) -> bytes:
    """One bar per label, with horizontal reference lines (KPI bands) or a limit per bar (ceilings)."""
    figure = _figure()
    axes = figure.subplots()
    axes.bar(range(len(labels)), list(values), color=BLUE)
    for name, level in lines:
        axes.axhline(level, color=RED if level == max(v for _n, v in lines) else ORANGE, linestyle="--", label=name)
    for index, limit in enumerate(limits):
        if limit is not None:
            axes.hlines(limit, index - 0.4, index + 0.4, colors=RED, linestyles="--")
    axes.set_xticks(list(range(len(labels))), list(labels))
    axes.set_title(title)
    axes.set_ylabel(unit)
    if lines:
        axes.legend()
    axes.grid(axis="y", alpha=0.3)
    return _png(figure)


def stacked_bars(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float], str]],
                 *, unit: str) -> bytes:
    """Bars stacked per label, one colour per series (e.g. reports on time, late and missing per office)."""
    figure = _figure()
    axes = figure.subplots()
    bottoms = [0.0] * len(labels)
    for name, values, colour in series:
        axes.bar(range(len(labels)), list(values), bottom=bottoms, label=name, color=colour)
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    axes.set_xticks(list(range(len(labels))), list(labels))
    axes.set_title(title)
    axes.set_ylabel(unit)
    axes.legend()
    axes.grid(axis="y", alpha=0.3)
    return _png(figure)
