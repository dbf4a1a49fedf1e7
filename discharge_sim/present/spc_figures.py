"""Control charts (XmR, as in NHS England's "Making Data Count") of daily series: data in,
matplotlib figure out.

Points are grey where the variation is common cause; a point any special-cause rule flags is
orange where it is a concern and blue where it is an improvement, judged by which way the measure
should go (fewer patients with no criteria to reside is better, more discharges is better). A
series with no better way (beds occupied) marks special causes in purple.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from discharge_sim.analysis.spc import XmR

COMMON = "#768692"
CONCERN = "#ED8B00"
IMPROVEMENT = "#005EB8"
NEITHER_WAY = "#AA4499"
"""Making Data Count's colours: grey common cause, orange concern, blue improvement (NHS
palette); purple for a special cause in a series with no better direction, or simulated."""


@dataclass(frozen=True)
class ControlPanel:
    """One series on its XmR chart: what it measures, which way is better, and where it comes
    from (simulated or observed)."""

    label: str
    days: np.ndarray
    chart: XmR
    better: str | None
    """"lower", "higher" or None."""
    source: str = "simulated"


def special_colours(panel: ControlPanel) -> np.ndarray:
    """Per point: its colour (common cause, concern, improvement or special either way). A simulated
    series is never judged a concern or an improvement: the model does not change over the days
    charted, so its special causes are chance."""
    chart = panel.chart
    above = chart.values > chart.mean
    good = above if panel.better == "higher" else ~above
    judged = panel.better is not None and panel.source != "simulated"
    colours = np.where(good, IMPROVEMENT, CONCERN) if judged else np.full(above.size, NEITHER_WAY)
    return np.where(chart.special, colours, COMMON)


def control_figure(panels: Sequence[ControlPanel], title: str, width: float = 9.0) -> Figure:
    """One XmR chart per panel, stacked: the daily values, the mean, the process limits, and the
    special-cause points coloured."""
    fig = Figure(figsize=(width, 2.2 * len(panels) + 0.6), layout="constrained")
    axes = fig.subplots(len(panels), 1, squeeze=False)[:, 0]
    for ax, panel in zip(axes, panels, strict=True):
        chart = panel.chart
        ax.plot(panel.days, chart.values, color=COMMON, linewidth=0.8, gid="xmr-values",
                label=f"{panel.source}, a day")
        colours = special_colours(panel)
        ax.scatter(panel.days, chart.values, c=list(colours), s=9, zorder=3, gid="xmr-points")
        ax.axhline(chart.mean, color="#231F20", linewidth=1.0, gid="xmr-mean", label=f"mean {chart.mean:,.1f}")
        ax.axhline(chart.upper, color="#231F20", linewidth=0.9, linestyle="--", gid="xmr-upper",
                   label=f"process limits {chart.lower:,.1f} to {chart.upper:,.1f}")
        ax.axhline(chart.lower, color="#231F20", linewidth=0.9, linestyle="--", gid="xmr-lower")
        low = min(float(chart.values.min()), chart.lower)
        high = max(float(chart.values.max()), chart.upper)
        pad = 0.08 * (high - low or 1.0)
        ax.set_ylim(max(low - pad, 0.0) if chart.values.min() >= 0 else low - pad, high + pad)
        ax.set_title(panel.label, fontsize=10, loc="left")
        ax.grid(alpha=0.25)
        ax.legend(loc="upper left", fontsize=7, ncol=3, framealpha=0.9)
    axes[-1].set_xlabel("day of simulation" if panels and panels[-1].source == "simulated" else "day")
    fig.suptitle(title, fontsize=11)
    return fig


def png_bytes(fig: Figure, dpi: int = 150) -> bytes:
    """The figure as PNG bytes (no timestamp, so the same data gives the same bytes)."""
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
    return out.getvalue()
