"""Figures: data in, matplotlib figure out. Nothing here runs the model or reads files.

One colour-blind-safe palette (Okabe and Ito) serves every figure, and a cause keeps its colour
everywhere: hospital-internal is always vermillion, social-care capacity always blue.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from discharge_sim.present.labels import setting_label

CAUSES: tuple[tuple[str, str, str], ...] = (
    ("hospital", "Hospital-internal", "#D55E00"),
    ("social_care_capacity", "Social-care capacity", "#0072B2"),
    ("social_care_process", "Social-care process", "#56B4E9"),
    ("nhs_community", "NHS community", "#009E73"),
    ("patient_family", "Patient or family", "#E69F00"),
    ("other", "Other", "#999999"),
)
"""Delay causes in stacking order: key, label, colour."""
CAUSE_COLOURS = {key: colour for key, _, colour in CAUSES}
ORGANISATIONS: tuple[tuple[str, str, str], ...] = (
    ("nhs", "NHS", "#332288"), ("social_care", "Social care", "#0072B2"), ("both", "Both", "#CC79A7"),
)
"""Responsible organisations in DToC charts: NHS (hospital and community) indigo, so it is not read
as the NHS-community green."""
SERIES_COLOURS = ("#332288", "#882255", "#44AA99", "#999933", "#AA4499", "#117733", "#661100", "#6699CC")
"""Colours for series that are not causes (scenarios, pathways): Paul Tol's colour-blind-safe
muted set, leaving out the greys, sand and orange tones a cause uses."""
NEITHER = "#666666"
"""'Neither side' in attribution charts: darker than the 'Other' cause grey it includes."""
NEUTRAL = "#444444"
DPI = 200
HEADROOM = 0.08
"""Room above the tallest bar or whisker of a bar chart, as a share of the axis: nothing touches the frame."""
BAND_ALPHA = 0.12
"""Shading of a band where several may overlap: light enough that the overlap stays readable."""
DODGE = 0.05
"""Sideways shift between the series of a sweep panel, as a share of the gap between swept values."""


def cause_metric(key: str) -> str:
    """The replications.csv column of a CAUSES key: delayed_bed_days_hospital, ..."""
    return f"delayed_bed_days_{key}"


def cause_of(owner: str, kind: str) -> str:
    """The CAUSES key of a ledger segment."""
    if owner == "social_care":
        return f"social_care_{kind}"
    return owner


def _figure(width: float = 9.0, height: float = 5.0) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def amount_low(low: Sequence[float] | np.ndarray) -> np.ndarray:
    """The low ends of intervals of an amount that cannot be negative (bed-days, hours, counts), cut at 0:
    a t-interval of few replications can reach below zero, where the amount never is."""
    return np.maximum(np.asarray(low, dtype=float), 0.0)


def _headroom(ax) -> None:  # type: ignore[no-untyped-def]
    """Set the top of the y-axis above the tallest bar or whisker drawn, by :data:`HEADROOM` of the
    axis. Autoscaling alone is not enough: a stacked layer of zero height pins the top to the stack."""
    tops = [max(p.get_y(), p.get_y() + p.get_height()) for p in ax.patches if isinstance(p, Rectangle)]
    tops += [float(np.max(s[:, 1])) for c in ax.collections if isinstance(c, LineCollection)
             for s in c.get_segments() if len(s)]
    highest = max((t for t in tops if np.isfinite(t)), default=np.nan)
    bottom = min(ax.get_ylim()[0], 0.0)
    if np.isfinite(highest) and highest > bottom:
        ax.set_ylim(bottom, highest + HEADROOM / (1 - HEADROOM) * (highest - bottom))


def _whiskers(ax, x: Sequence[float] | np.ndarray, low: Sequence[float] | np.ndarray,  # type: ignore[no-untyped-def]
              high: Sequence[float] | np.ndarray) -> None:
    """95% interval whiskers, drawn as one errorbar container labelled for tests to find."""
    mid = (np.asarray(low, dtype=float) + np.asarray(high, dtype=float)) / 2
    err = (np.asarray(high, dtype=float) - np.asarray(low, dtype=float)) / 2
    ax.errorbar(x, mid, yerr=err, fmt="none", ecolor=NEUTRAL, capsize=4, linewidth=1.2, label="95% interval",
                gid="interval")


def occupancy_figure(series: Sequence[tuple[str, np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
                     beds: float, warmup_days: float, title: str) -> Figure:
    """Occupied beds by day: per scenario (label, days, mean, low, high) the mean over replications
    and the band between the lowest and highest replication, with the bed capacity. Several
    scenarios' bands are shaded lighter, so where they overlap each stays readable."""
    fig = _figure(10, 4.8)
    ax = fig.subplots()
    alpha = 0.2 if len(series) == 1 else BAND_ALPHA
    for i, (label, days, mean, low, high) in enumerate(series):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        ax.fill_between(days, low, high, color=colour, alpha=alpha, linewidth=0,
                        label=f"{label}: range over replications", gid=f"band:{label}")
        ax.plot(days, mean, color=colour, linewidth=1.2, label=f"{label}: mean over replications", gid=f"mean:{label}")
    ax.axhline(beds, color=NEUTRAL, linestyle="--", linewidth=1.2, label=f"capacity ({beds:g} beds)", gid="capacity")
    if warmup_days > 0:
        ax.axvspan(0, warmup_days, color="#dddddd", alpha=0.5, linewidth=0, label="warm-up (not measured)")
    ax.set_xlabel("day of simulation")
    ax.set_ylabel("occupied beds (daily mean)")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
    ax.set_title(title)
    return fig


def causes_figure(labels: Sequence[str], values: Mapping[str, Sequence[float]],
                  total_low: Sequence[float], total_high: Sequence[float], days: float, title: str) -> Figure:
    """Delayed bed-days by cause, stacked, one bar per scenario, with the total's 95% interval (cut at 0)."""
    fig = _figure(max(6.0, 1.6 * len(labels) + 4), 5.2)
    ax = fig.subplots()
    x = np.arange(len(labels))
    _stacked(ax, x, 0.6, "cause", CAUSES, values)
    _whiskers(ax, x, amount_low(total_low), total_high)
    _headroom(ax)
    ax.set_xticks(x, labels, rotation=20 if len(labels) > 2 else 0, ha="right" if len(labels) > 2 else "center")
    ax.set_ylabel(f"delayed bed-days over {days:g} measured days")
    ax.yaxis.set_major_formatter(_thousands)
    ax.grid(axis="y", alpha=0.3)
    handles, names = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], names[::-1], loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)  # as stacked
    ax.set_title(title)
    return fig


def _stacked(ax, x: np.ndarray, width: float, kind: str,  # type: ignore[no-untyped-def]
             layers: Sequence[tuple[str, str, str]], values: Mapping[str, Sequence[float] | np.ndarray]) -> None:
    """Bars stacked layer by layer (key, label, colour), each bar tagged ``<kind>:<key>`` for tests."""
    bottom = np.zeros(len(x))
    for key, label, colour in layers:
        heights = np.asarray(values[key], dtype=float)
        ax.bar(x, heights, width, bottom=bottom, color=colour, label=label, gid=f"{kind}:{key}")
        bottom += heights


def _thousands(value: float, _pos: float) -> str:
    return f"{value:,.0f}"


def dtoc_figure(codes: Sequence[str], by_org: Mapping[str, Sequence[float] | np.ndarray], title: str) -> Figure:
    """Delayed days per month by DToC reason, stacked by responsible organisation."""
    fig = _figure(9, 4.8)
    ax = fig.subplots()
    x = np.arange(len(codes))
    _stacked(ax, x, 0.7, "org", ORGANISATIONS, by_org)
    ax.set_xticks(x, codes)
    _headroom(ax)
    ax.set_xlabel("DToC reason code (A assessment, B funding, C non-acute NHS care, Di residential, Dii nursing,\n"
                  "E care at home, F equipment, G patient or family choice, H disputes, I housing)")
    ax.set_ylabel("delayed days per month")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(title="responsible", fontsize=8)
    ax.set_title(title)
    return fig


def delay_length_figure(by_pathway: Mapping[str, np.ndarray], replications: int,
                        reference: Mapping[str, float] | None, reference_label: str, title: str) -> Figure:
    """Delay lengths (whole days past the ready date) of delayed discharges per pathway, pooled over
    ``replications``: the share in each national band, and the ECDF; optionally the national bands
    overlaid. The legend gives each pathway's delayed discharges a replication, not the pooled count."""
    from discharge_sim.vocabulary import DELAY_BANDS

    fig = _figure(11, 4.6)
    left, right = fig.subplots(1, 2)
    bands = [label.replace("_plus", "+").replace("_", "-") for label, _, _ in DELAY_BANDS]
    n = len(by_pathway) + (1 if reference else 0)
    width = 0.8 / max(n, 1)
    x = np.arange(len(bands))
    for i, (name, days) in enumerate(by_pathway.items()):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        shares = band_shares(days)
        left.bar(x + (i - (n - 1) / 2) * width, shares * 100, width, color=colour,
                 label=f"{name}: n = {_count(days.size / max(replications, 1))} a replication", gid=f"bands:{name}")
        ordered = np.sort(days)
        right.step(ordered, 100 * np.arange(1, ordered.size + 1) / max(ordered.size, 1), where="post",
                   color=colour, label=name, gid=f"ecdf:{name}")
    if reference:
        ref = np.asarray([reference[label] for label, _, _ in DELAY_BANDS], dtype=float)
        left.bar(x + (n - 1 - (n - 1) / 2) * width, ref * 100, width, color="white", edgecolor=NEUTRAL, hatch="//",
                 label=reference_label, gid="bands:reference")
    left.set_xticks(x, bands)
    left.set_xlabel("days delayed past the discharge-ready date")
    left.set_ylabel("share of delayed discharges (%)")
    left.legend(fontsize=8, title=f"n: mean of {replications} replication{'s' if replications != 1 else ''}",
                title_fontsize=8)
    left.grid(axis="y", alpha=0.3)
    _headroom(left)
    longest = max((float(d.max()) for d in by_pathway.values() if d.size), default=28.0)
    right.set_xlim(0, min(max(longest, 28.0), 90.0))
    right.set_xticks([t for t in (1, 7, 14, 21, 28, 42, 56, 90) if t <= min(max(longest, 28.0), 90.0)])
    right.set_xlabel("days delayed past the discharge-ready date (to 90)")
    right.set_ylabel("cumulative share of delayed discharges (%)")
    right.set_ylim(0, 102)
    right.grid(alpha=0.3)
    right.legend(fontsize=8, loc="lower right")
    fig.suptitle(title)
    return fig


def _count(mean: float) -> str:
    """A mean count: whole from 100 or when whole (1,234), else one decimal (12.5)."""
    return f"{mean:,.0f}" if mean >= 100 or mean == round(mean) else f"{mean:,.1f}"


def band_shares(days: np.ndarray) -> np.ndarray:
    """Share of delays (days >= 1) in each national band."""
    from discharge_sim.vocabulary import DELAY_BANDS

    delayed = days[days >= 1]
    if not delayed.size:
        return np.zeros(len(DELAY_BANDS))
    return np.asarray([np.mean((delayed >= a) & (delayed <= b)) for _, a, b in DELAY_BANDS])


SIDE_COLOURS = {"hospital": CAUSE_COLOURS.get("hospital", "#CC6677"), "social_care": "#0072B2",
                "nhs_community": CAUSE_COLOURS.get("nhs_community", "#117733"),
                "patient_family": CAUSE_COLOURS.get("patient_family", "#DDCC77"), "other": "#BBBBBB",
                "nhs": "#332288", "both": "#CC79A7"}
"""Sides in attribution charts; the rest (unattributed, necessary, the residual) is NEITHER grey."""

AttributionPanel = tuple[str, Sequence[tuple[str, str]], Sequence[Mapping[str, float] | None],
                         Sequence[Mapping[str, float] | None], Sequence[Mapping[str, float] | None]]
"""(panel title, sides as (key, label), recorded, alone, Shapley) per side, each a 95% interval."""


def attribution_figure(rows: Sequence[Sequence[AttributionPanel]], days: float, title: str) -> Figure:
    """A panel per convention (columns) and measure (rows): per side, the recorded (ledger)
    bed-days, what changing the side alone takes away, and its Shapley value, with 95% intervals
    (cut at 0 for the recorded bed-days; the other two are differences, which may be negative)."""
    columns = max(len(panels) for panels in rows)
    fig = _figure(4.8 * columns + 1.0, 3.9 * len(rows) + 0.8)
    grid = fig.subplots(len(rows), columns, squeeze=False)
    measures = (("recorded (ledger)", "", "recorded"), ("changed on its own", "..", "alone"),
                ("Shapley value (rest: left with every side changed)", "//", "shapley"))
    for r, panels in enumerate(rows):
        for c, (panel_title, sides, recorded, alone, shapley) in enumerate(panels):
            ax = grid[r, c]
            x = np.arange(len(sides))
            colours = [SIDE_COLOURS.get(key, NEITHER) for key, _ in sides]
            for j, ((_, hatch, gid), cis) in enumerate(zip(measures, (recorded, alone, shapley), strict=True)):
                offset = (j - 1) * 0.26
                means = [ci["mean"] if ci else np.nan for ci in cis]
                ax.bar(x + offset, means, 0.24, color=colours, hatch=hatch, edgecolor="white",
                       gid=f"measure:{panel_title}:{gid}")
                _side_whiskers(ax, x + offset, cis, amount=gid == "recorded")
            ax.set_xticks(x, [label for _, label in sides], rotation=30, ha="right", fontsize=8)
            ax.set_ylabel(f"delayed bed-days over {days:g} days", fontsize=8)
            ax.yaxis.set_major_formatter(_thousands)
            ax.grid(axis="y", alpha=0.3)
            ax.set_title(panel_title, fontsize=9)
            ax.margins(y=0.12)
            _headroom(ax)
    for c in range(columns):
        for r in range(len(rows)):
            if c >= len(rows[r]):
                grid[r, c].set_visible(False)
    fig.legend(handles=[Patch(facecolor="#bbbbbb", hatch=m[1], edgecolor="white", label=m[0]) for m in measures],
               fontsize=8, loc="outside lower center", ncol=3)
    fig.suptitle(title)
    return fig


def _side_whiskers(ax, x: np.ndarray, cis: Sequence[Mapping[str, float] | None],  # type: ignore[no-untyped-def]
                   amount: bool) -> None:
    """The 95% intervals of one measure's bars, where there are two replications or more; an
    ``amount``'s cut at 0."""
    present = [(i, ci) for i, ci in enumerate(cis)
               if ci and ci.get("n", 0) >= 2 and np.isfinite(ci.get("ci_low", np.nan))]
    if not present:
        return
    mean, low, high = (np.asarray([ci[k] for _, ci in present], dtype=float) for k in ("mean", "ci_low", "ci_high"))
    if amount:
        low = amount_low(low)
    ax.errorbar(x[[i for i, _ in present]], mean, yerr=[mean - low, high - mean], fmt="none", ecolor=NEUTRAL,
                capsize=3, linewidth=1)


SweepSeries = tuple[str, Sequence[float], Sequence[Mapping[str, float]]]
"""(label of the other settings, values of the swept setting, interval of the metric at each)."""


def sweep_figure(rows: Sequence[tuple[str, Sequence[tuple[str, Sequence[SweepSeries]]]]], title: str) -> Figure:
    """A row per swept setting (its dotted key, shown in words), a panel per metric: the metric
    against the setting, one line per combination of the other settings, each point with its 95%
    interval as a whisker. The metrics are amounts, so intervals are cut at 0; the series are shifted
    a little sideways, so overlapping intervals stay apart."""
    columns = max(len(panels) for _, panels in rows)
    fig = _figure(5.5 * columns + 1.5, 3.8 * len(rows) + 0.6)
    grid = fig.subplots(len(rows), columns, squeeze=False)
    for r, (key, panels) in enumerate(rows):
        for c, (metric, series) in enumerate(panels):
            ax = grid[r, c]
            ticks = sorted({float(v) for _, xs, _ in series for v in xs})
            shift = DODGE * (min(np.diff(ticks)) if len(ticks) > 1 else 1.0)
            for i, (label, xs, cis) in enumerate(series):
                _sweep_series(ax, np.asarray(xs, dtype=float) + (i - (len(series) - 1) / 2) * shift, cis,
                              SERIES_COLOURS[i % len(SERIES_COLOURS)], label, f"sweep:{key}:{metric}:{label}")
            if len(ticks) <= 12:  # the swept values themselves, not in-between ones
                ax.set_xticks(ticks, [f"{v:g}" for v in ticks])
            ax.set_xlabel(setting_label(key))
            ax.set_ylabel(metric)
            ax.yaxis.set_major_formatter(_thousands)
            ax.grid(alpha=0.3)
            ax.legend(fontsize=7, title="mean, 95% interval", title_fontsize=7, loc="best")
    fig.suptitle(title)
    return fig


def _sweep_series(ax, x: np.ndarray, cis: Sequence[Mapping[str, float]], colour: str,  # type: ignore[no-untyped-def]
                  label: str, gid: str) -> None:
    """One line of a sweep panel: the means joined, each with its whisker (cut at 0) in the line's colour."""
    mean = np.asarray([ci["mean"] for ci in cis], dtype=float)
    low = amount_low([ci["ci_low"] for ci in cis])
    high = np.asarray([ci["ci_high"] for ci in cis], dtype=float)
    ax.errorbar(x, mean, yerr=[mean - low, high - mean], fmt="none", ecolor=colour, elinewidth=1.2, capsize=4,
                gid=f"{gid}:interval")
    ax.plot(x, mean, marker="o", color=colour, label=label or "mean", gid=gid)


def heatmap_figure(keys: tuple[str, str], xs: Sequence[object], ys: Sequence[object], grid: np.ndarray,
                   label: str, title: str) -> Figure:
    """A metric over a two-setting grid: ``grid[i, j]`` at ys[i], xs[j]; the settings' dotted keys shown in words."""
    fig = _figure(8, 6)
    ax = fig.subplots()
    image = ax.imshow(grid, origin="lower", aspect="auto", cmap="cividis", gid="heatmap")
    ax.set_xticks(range(len(xs)), [str(v) for v in xs])
    ax.set_yticks(range(len(ys)), [str(v) for v in ys])
    ax.set_xlabel(setting_label(keys[0]))
    ax.set_ylabel(setting_label(keys[1]))
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            if np.isfinite(grid[i, j]):
                ax.text(j, i, f"{grid[i, j]:,.0f}", ha="center", va="center", fontsize=8,
                        color="white" if grid[i, j] < np.nanmean(grid) else "black")  # readable on cividis
    bar = fig.colorbar(image, ax=ax, label=f"{label} (mean; see the sweep figure for intervals)")
    bar.formatter = FuncFormatter(_thousands)
    bar.update_ticks()
    ax.set_title(title, fontsize=10, wrap=True)
    return fig


def knock_on_figure(labels: Sequence[str], panels: Sequence[tuple[str, Sequence[Mapping[str, float]]]],
                    title: str) -> Figure:
    """Boarding hours and cancelled electives per scenario, with 95% intervals (amounts: cut at 0)."""
    fig = _figure(max(8.0, 2.2 * len(labels) + 3), 4.4)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    x = np.arange(len(labels))
    for ax, (label, cis) in zip(axes, panels):
        means = [ci["mean"] for ci in cis]
        ax.bar(x, means, 0.6, color=[SERIES_COLOURS[i % len(SERIES_COLOURS)] for i in range(len(labels))],
               gid=f"knock_on:{label}")
        if all(ci.get("n", 0) >= 2 for ci in cis):
            _whiskers(ax, x, amount_low([ci["ci_low"] for ci in cis]), [ci["ci_high"] for ci in cis])
        ax.set_xticks(x, labels, rotation=20 if len(labels) > 3 else 0, ha="right" if len(labels) > 3 else "center")
        ax.set_ylabel(label)
        ax.yaxis.set_major_formatter(_thousands)
        ax.grid(axis="y", alpha=0.3)
        _headroom(ax)
    fig.suptitle(title)
    return fig


PolicyPanel = tuple[str, Sequence[tuple[str, str, Sequence[Mapping[str, float]]]]]
"""(measure, [(series label, marker, per-scenario difference interval)])."""


def scenario_colours(scenarios: Sequence[str]) -> dict[str, str]:
    """One colour per scenario, for every panel of a figure."""
    return {name: SERIES_COLOURS[i % len(SERIES_COLOURS)] for i, name in enumerate(scenarios)}


def policy_figure(scenarios: Sequence[str], panels: Sequence[PolicyPanel], title: str,
                  colours: Mapping[str, str] | None = None) -> Figure:
    """A forest plot: per panel (a measure), each scenario's paired difference from the baseline
    with its 95% interval, in the scenario's colour (``colours``, by default
    :func:`scenario_colours`) in every panel; a panel may hold several series (delayed bed-days by
    side), told apart by their markers."""
    columns = min(3, len(panels))
    rows = -(-len(panels) // columns)
    fig = _figure(3.6 * columns + 2.0, rows * (0.4 * len(scenarios) + 1.4) + 0.6)
    grid = fig.subplots(rows, columns, sharey=True, squeeze=False)
    axes = list(grid.ravel())
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    colours = colours or scenario_colours(scenarios)
    y = np.arange(len(scenarios))[::-1].astype(float)
    for ax, (measure, series) in zip(axes, panels):
        # The first series is drawn at the top of each scenario's band, as the legend lists it.
        offsets = np.linspace(0.2, -0.2, len(series)) if len(series) > 1 else [0.0]
        for (label, marker, cis), dy in zip(series, offsets):
            for name, yi, ci in zip(scenarios, y + dy, cis, strict=True):
                _difference(ax, yi, ci, colours[name], marker, f"policy:{measure}:{label}:{name}")
        ax.axvline(0.0, color=NEUTRAL, linewidth=0.8)
        ax.set_title(measure, fontsize=9)
        ax.set_ylim(-0.6, len(scenarios) - 0.4)  # each scenario's band whole, clear of the frame
        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.xaxis.set_major_formatter(_thousands)
        ax.grid(axis="x", alpha=0.3)
        if len(series) > 1:
            ax.legend(handles=[Line2D([], [], color=NEUTRAL, marker=marker, linestyle="none", label=label)
                               for label, marker, _ in series], fontsize=7, loc="best")
    for row in grid:
        row[0].set_yticks(y, scenarios)
        for tick, name in zip(row[0].get_yticklabels(), scenarios, strict=True):
            tick.set_color(colours[name])
    fig.suptitle(title)
    return fig


def _difference(ax, y: float, ci: Mapping[str, float], colour: str, marker: str,  # type: ignore[no-untyped-def]
                gid: str) -> None:
    """One scenario's difference from the baseline and its 95% interval (none where unknown)."""
    mean, low, high = (float(ci.get(k, np.nan)) for k in ("mean", "ci_low", "ci_high"))
    err = np.nan_to_num([[mean - low], [high - mean]], nan=0.0)
    ax.errorbar([mean], [y], xerr=err, fmt=marker, color=colour, ecolor=colour, capsize=3, markersize=4, gid=gid)


def validation_figure(rows: Sequence[Mapping[str, object]], title: str) -> Figure:
    """Simulated over expected for every case, with its 95% interval, and the line of agreement."""
    fig = _figure(8.0, 0.45 * len(rows) + 1.8)
    ax = fig.subplots()
    y = np.arange(len(rows))[::-1].astype(float)
    for yi, row in zip(y, rows):
        expected = float(row["expected"])  # type: ignore[arg-type]
        mean, low, high = (float(row[k]) / expected for k in ("simulated", "ci_low", "ci_high"))  # type: ignore[arg-type]
        colour = SERIES_COLOURS[2] if row["passed"] else CAUSE_COLOURS["hospital"]
        ax.errorbar([mean], [yi], xerr=[[mean - low], [high - mean]], fmt="o", color=colour, ecolor=colour,
                    capsize=3, gid=f"validation:{row['case']}")
    ax.axvline(1.0, color=NEUTRAL, linewidth=0.8)
    ax.set_yticks(y, [str(row["case"]) for row in rows])
    ax.set_xlabel("simulated / expected (95% interval); 1 is exact agreement")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(title)
    return fig


def timeline_figure(patients: Sequence[tuple[str, Sequence[tuple[float, float, str]]]], title: str) -> Figure:
    """One bar per patient from discharge-ready (0) to departure, coloured segment by segment by
    cause: (label, [(start_days, end_days, cause key), ...])."""
    fig = _figure(10, max(3.0, 0.32 * len(patients) + 1.6))
    ax = fig.subplots()
    for i, (_, segments) in enumerate(patients):
        for start, end, cause in segments:
            ax.barh(i, end - start, left=start, height=0.7, color=CAUSE_COLOURS[cause], gid=f"segment:{i}:{cause}")
    ax.set_yticks(range(len(patients)), [label for label, _ in patients], fontsize=7)
    ax.invert_yaxis()
    ax.set_ylabel("patient (number, pathway)")
    ax.set_xlabel("days since discharge-ready")
    ax.grid(axis="x", alpha=0.3)
    used = {cause for _, segments in patients for _, _, cause in segments}
    ax.legend(handles=[Patch(color=colour, label=label) for key, label, colour in CAUSES if key in used],
              loc="lower right", fontsize=8)
    ax.set_title(title)
    return fig


def warmup_figure(days: np.ndarray, series: Sequence[tuple[str, np.ndarray, float]],
                  suggested: float, configured: float, title: str) -> Figure:
    """One panel per daily series (label, values, its own MSER-5 truncation in days), with the
    suggested and configured warm-up marked."""
    fig = Figure(figsize=(9, 2.8 * len(series) + 0.6), layout="constrained")
    axes = fig.subplots(len(series), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (label, values, truncation) in zip(axes, series):
        ax.plot(days, values, color="#1f4e79", linewidth=1.2, label="daily mean over replications")
        if days.size:
            kept = days >= suggested
            if kept.any():
                ax.axhline(float(np.mean(values[kept])), color="#888888", linewidth=0.8, linestyle=":",
                           label="mean after the suggested warm-up")
        ax.axvline(truncation, color="#c55a11", linewidth=1.0, linestyle="-.",
                   label=f"MSER-5 for this series ({truncation:g} d)")
        ax.axvline(suggested, color="#c00000", linewidth=1.5, label=f"suggested warm-up ({suggested:g} d)")
        ax.axvline(configured, color="#548235", linewidth=1.5, linestyle="--",
                   label=f"configured warm-up ({configured:g} d)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
    axes[-1].set_xlabel("day of simulation")
    fig.suptitle(title)
    return fig


def save_figure(fig: Figure, folder: Path, name: str) -> list[Path]:
    """Save as PNG (for screens, 200 dpi) and PDF (for print) in ``folder``, each file written
    under a temporary name and renamed, so a reader never sees half a figure."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.png", folder / f"{name}.pdf"]
    for path in paths:
        tmp = path.with_name(f".tmp-{path.name}")
        try:
            if path.suffix == ".png":
                fig.savefig(tmp, dpi=DPI, format="png", metadata={"Software": None})
            else:
                fig.savefig(tmp, format="pdf", metadata={"CreationDate": None, "ModDate": None})
            os.replace(tmp, path)
        except BaseException:  # a full disk, say: no half-written file left behind
            tmp.unlink(missing_ok=True)
            raise
    return paths


def demand_figure(days: np.ndarray, pools: Sequence[tuple[str, float, np.ndarray, np.ndarray]], title: str) -> Figure:
    """Per pool of places (name, places, in use, waiting), each day at midnight: the places in
    use, the demand (in use plus waiting) and the places there are, a panel each."""
    columns = 2 if len(pools) > 1 else 1
    rows = math.ceil(len(pools) / columns)
    fig = _figure(9.0, 1.9 * rows + 0.8)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax, (name, places, in_use, waiting) in zip(axes, pools, strict=False):
        ax.plot(days, in_use + waiting, color=SERIES_COLOURS[1], linewidth=1.0, gid="demand-total",
                label="demand: in use + waiting")
        ax.plot(days, in_use, color=SERIES_COLOURS[2], linewidth=1.0, gid="demand-in-use", label="in use")
        ax.axhline(places, color=NEUTRAL, linestyle="--", linewidth=1.0, gid="demand-places", label="places")
        top = max(float(np.max(in_use + waiting)), places)
        bottom = min(float(np.min(in_use)), places)
        pad = 0.15 * (top - bottom) or 1.0
        ax.set_ylim(max(bottom - pad, 0.0), top + pad)  # zoomed on the gap between use and places
        ax.set_title(name, fontsize=9, loc="left")
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.25)
    for ax in axes[len(pools):]:
        ax.set_visible(False)
    axes[0].legend(fontsize=7, loc="lower right", framealpha=0.9)
    fig.suptitle(title, fontsize=10)
    return fig
