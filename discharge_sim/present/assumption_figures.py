"""Figures of the sensitivity and uncertainty commands: a tornado chart of Morris screening, Sobol
bars with their intervals, the distribution of the split over plausible assumptions, and the split
against the settings that drive it.

Both sides are drawn alike: a panel for each side's share, each tornado bar in the colour of the
side whose assumption the setting is (under the convention), marked + or - for the direction of
its effect, and the points kept by history matching in a colour that is neither side's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from discharge_sim.analysis.headline import prose
from discharge_sim.experiments.sampling import Design
from discharge_sim.present.charts import NEUTRAL, SIDE_COLOURS, _figure, save_figure
from discharge_sim.present.figures import Drawn
from discharge_sim.present.labels import setting_label

AXIS_MARGIN = 0.25
"""Sobol bars show indices from -0.25 to 1.25: an interval reaching past is cut (sobol.csv holds it)."""
SHOWN = 12
"""Settings shown in a tornado chart: the most influential; the rest are in morris.csv."""
KEPT = "#222222"
"""Points that match the targets: near-black, neither side's colour."""


def _labels(document: Mapping[str, Any]) -> dict[str, str]:
    """Side names in figures, as the convention names them (from the run's document)."""
    return {side: prose(label) for side, label in document.get("side_labels", {}).items()}


def _label(output: str, labels: Mapping[str, str]) -> str:
    for side, label in labels.items():
        if output.startswith(f"{side}_share"):
            return f"{label} side's share"
    return output.replace("_", " ")


def tornado_figure(panels: list[tuple[str, list[tuple[str, float, float, float, float]]]],
                   sides: Mapping[str, str], labels: Mapping[str, str], title: str) -> Figure:
    """Per panel (an output), its settings as (key, mu*, low, high, mu), largest mu* on top, each
    bar in the colour of the side whose assumption it is (``sides``: key to side), marked + where
    raising the setting raises the output and - where it lowers it."""
    from matplotlib.patches import Patch

    fig = _figure(5.5 * len(panels), 1.6 + 0.38 * max(len(rows) for _, rows in panels))
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (output, rows) in zip(axes, panels, strict=True):
        rows = sorted(rows, key=lambda r: -r[1] if math.isfinite(r[1]) else math.inf)[:SHOWN][::-1]
        y = np.arange(len(rows))
        values = np.asarray([r[1] for r in rows])
        ax.barh(y, values, color=[SIDE_COLOURS.get(sides.get(r[0], ""), NEUTRAL) for r in rows], gid="mu_star")
        low = np.asarray([r[2] for r in rows])
        high = np.asarray([r[3] for r in rows])
        ax.errorbar((low + high) / 2, y, xerr=(high - low) / 2, fmt="none", ecolor=NEUTRAL, capsize=3,
                    linewidth=1.0, gid="interval")
        for k, r in enumerate(rows):
            if math.isfinite(r[4]) and r[1] > 0:
                ax.text(0, k, " +" if r[4] > 0 else " -", va="center", ha="left", fontsize=9, color="white",
                        fontweight="bold")
        ax.set_yticks(y, [setting_label(r[0]) for r in rows], fontsize=8)
        ax.set_xlabel(f"mu* of the {_label(output, labels)}")
        ax.set_xlim(left=0)
        ax.grid(axis="x", alpha=0.3)
    shown = sorted({sides.get(r[0], "") for _, rows in panels for r in rows})
    fig.legend(handles=[Patch(color=SIDE_COLOURS.get(side, NEUTRAL),
                              label=f"assumption of the {labels.get(side, side.replace('_', ' '))} side")
                        for side in shown],
               loc="outside lower center", ncols=min(4, len(shown)), fontsize=8, frameon=False)
    fig.suptitle(f"{title}\n+/-: raising the setting raises/lowers the output; whiskers: 95% bootstrap interval",
                 fontsize=10)
    return fig


def sobol_figure(panels: list[tuple[str, Mapping[str, Mapping[str, float]]]], labels: Mapping[str, str],
                 title: str) -> Figure:
    """Per panel (an output), first-order and total indices of each setting with 95% intervals."""
    fig = _figure(5.0 * len(panels), 4.8)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (output, settings) in zip(axes, panels, strict=True):
        keys = list(settings)
        x = np.arange(len(keys))
        for offset, stat, colour, name in ((-0.2, "first", "#332288", "first order (alone)"),
                                           (0.2, "total", "#88CCEE", "total (with interactions)")):
            values = np.asarray([settings[k][stat] for k in keys], dtype=float)
            low = np.asarray([settings[k][f"{stat}_low"] for k in keys], dtype=float)
            high = np.asarray([settings[k][f"{stat}_high"] for k in keys], dtype=float)
            ax.bar(x + offset, values, width=0.4, color=colour, label=name, gid=stat)
            ax.errorbar(x + offset, (low + high) / 2, yerr=(high - low) / 2, fmt="none", ecolor=NEUTRAL, capsize=3,
                        linewidth=1.0, gid=f"{stat}_interval")
        ax.set_xticks(x, [setting_label(k) for k in keys], rotation=30, ha="right", fontsize=8)
        ax.set_ylim(-AXIS_MARGIN, 1 + AXIS_MARGIN)  # intervals of a small design can run far past 0 and 1
        ax.axhline(0, color=NEUTRAL, linewidth=0.8)
        ax.set_title(_label(output, labels), fontsize=10)
        ax.set_ylabel("share of the output's variance")
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=8, loc="upper right")
    fig.suptitle(title, fontsize=11)
    return fig


def draw_sensitivity(folder: Path, document: Mapping[str, Any]) -> list[Drawn]:
    """figures/tornado and figures/sobol of a sensitivity run (its sensitivity.json)."""
    outputs = (*(f"{side}_share" for side in document["sides"]), "delayed_bed_days")
    labels = _labels(document)
    indices = document["morris"]["indices"]
    panels = [(name, [(key, v["mu_star"], v["mu_star_low"], v["mu_star_high"], v["mu"])
                      for key, v in indices[name].items()]) for name in outputs]
    figures = folder / "figures"
    drawn = []
    title = f"Morris screening of {document['config']}: how far each assumption moves the answer"
    owners = {d["key"]: d.get("side", "") for d in document["declared"]}
    save_figure(tornado_figure(panels, owners, labels, title), figures, "tornado")
    drawn.append(Drawn("tornado", title, "mu* (mean absolute elementary effect) of each side's share and of all "
                       "delayed bed-days, with 95% bootstrap intervals; each bar in the colour of the side whose "
                       "assumption the setting is, + or - for the direction of its effect. Settings are named in "
                       "words; morris.csv gives their config keys."))
    sobol = document["sobol"]["indices"]
    title = (f"Sobol indices of the {len(document['most_influential'])} most influential assumptions "
             f"({document['sobol']['points']} points)")
    save_figure(sobol_figure([(name, sobol[name]["settings"]) for name in outputs], labels, title), figures, "sobol")
    drawn.append(Drawn("sobol", title, "First-order (alone) and total (with interactions) shares of each output's "
                       "variance, with 95% bootstrap intervals (cut at -0.25 and 1.25; sobol.csv has them whole, with "
                       "the settings' config keys); every other setting at the config's own value."))
    return drawn


Panel = tuple[str, np.ndarray, np.ndarray | None, Mapping[str, tuple[float, float]]]
"""A side's label, its share at every point and at the points kept, and the 90% ranges to mark."""


def distribution_figure(panels: list[Panel], title: str) -> Figure:
    """Per side, histograms of its share over every point and over the points kept."""
    from matplotlib.lines import Line2D

    fig = _figure(5.0 * len(panels), 4.5)
    axes = fig.subplots(1, len(panels), squeeze=False, sharex=True)[0]  # one scale: the sides compare by eye
    every = np.concatenate([p[1][np.isfinite(p[1])] for p in panels]) * 100
    bins: Any = np.linspace(every.min(), every.max(), 30) if every.size and np.ptp(every) > 0 else 10
    for ax, (label, prior, kept, spans) in zip(axes, panels, strict=True):
        finite = prior[np.isfinite(prior)] * 100
        ax.hist(finite, bins=bins, color="#BBBBBB", label=f"declared ranges ({finite.size} points)",
                gid="prior")
        if kept is not None and kept.size:
            ax.hist(kept[np.isfinite(kept)] * 100, bins=bins, color=KEPT, alpha=0.85,
                    label=f"given the targets ({kept.size} points)", gid="kept")
        for name, (low, high) in spans.items():
            for value in (low, high):
                ax.axvline(value * 100, color=NEUTRAL, linestyle="--" if name == "prior" else "-", linewidth=1.0)
        ax.set_xlabel(f"{label} side's share of delayed bed-days (%)")
        ax.set_ylabel("points of the sample")
        handles, _ = ax.get_legend_handles_labels()
        handles += [Line2D([], [], color=NEUTRAL, linestyle="--", label="90% range, every point")]
        if "kept" in spans:
            handles += [Line2D([], [], color=NEUTRAL, linestyle="-", label="90% range, given the targets")]
        ax.legend(handles=handles, fontsize=8)
    fig.suptitle(title, fontsize=10)
    return fig


def drivers_figure(design: Design, keys: list[str], difference: np.ndarray, kept: np.ndarray | None,
                   crossings: Mapping[str, float | None], names: tuple[str, str], title: str) -> Figure:
    """The difference between the sides' delayed bed-days at each point against each driver."""
    fig = _figure(3.6 * len(keys) + 1.0, 4.2)
    axes = fig.subplots(1, len(keys), squeeze=False, sharey=True)[0]
    first, second = names
    for ax, key in zip(axes, keys, strict=True):
        x = design.values[:, design.keys.index(key)]
        ax.scatter(x, difference, s=12, color="#999999", label="point", gid="points")
        if kept is not None and kept.any():
            ax.scatter(x[kept], difference[kept], s=16, color=KEPT, label="kept (targets met)", gid="kept")
        ax.axhline(0, color=NEUTRAL, linewidth=1.0)
        crossing = crossings.get(key)
        if crossing is not None:
            ax.axvline(crossing, color=NEUTRAL, linestyle="--", linewidth=1.2, label=f"threshold {crossing:.3g}",
                       gid="threshold")
        ax.set_xlabel(setting_label(key), fontsize=8)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    axes[0].set_ylabel(f"{first} minus {second} delayed bed-days\n(above 0: the {first} side has more)")
    fig.suptitle(title, fontsize=10)
    return fig


def draw_uncertainty(folder: Path, document: Mapping[str, Any], points: Mapping[str, np.ndarray]) -> list[Drawn]:
    """figures/uncertainty_split and figures/uncertainty_drivers of an uncertainty run, from its
    uncertainty.json and the columns of its points.csv."""
    sides = (document["sides"][0], document["sides"][1])
    labels = _labels(document)
    names = (labels.get(sides[0], sides[0]), labels.get(sides[1], sides[1]))
    difference = f"{sides[0]}_minus_{sides[1]}_bed_days"
    keys = tuple(d["key"] for d in document["declared"])
    design = Design(keys, np.column_stack([np.asarray(points[k], dtype=float) for k in keys]))
    kept = np.asarray(points["kept"], dtype=bool) if "kept" in points else None
    given = (document.get("history_matching") or {}).get("given_targets")
    panels: list[Panel] = []
    for side, name in zip(sides, names, strict=True):
        share = f"{side}_share"
        prior = document["prior"]["outputs"][share]
        spans = {"prior": (prior["low"], prior["high"])}
        if given:
            spans["kept"] = (given["outputs"][share]["low"], given["outputs"][share]["high"])
        values = np.asarray(points[share], dtype=float)
        panels.append((name, values, values[kept] if kept is not None else None, spans))
    figures = folder / "figures"
    title = f"{document['config']}: the split over the declared ranges of its assumptions"
    save_figure(distribution_figure(panels, title), figures, "uncertainty_split")
    drawn = [Drawn("uncertainty_split", title, "Each side's share of delayed bed-days at each point of the sample "
                   "(grey), and at the points that match the targets where there are targets (black).")]
    coefficients = {k: c for k, c in document["drivers"][difference]["coefficients"].items()
                    if c != 0 and np.ptp(design.values[:, keys.index(k)]) > 0}
    # the strongest two each way: what favours either side, not only the larger drivers
    drivers = sorted((k for k in coefficients if coefficients[k] > 0), key=lambda k: -coefficients[k])[:2]
    drivers += sorted((k for k in coefficients if coefficients[k] < 0), key=lambda k: coefficients[k])[:2]
    if drivers:
        crossings = {k: t["value"] if t["within_range"] else None
                     for k, t in ((k, document["thresholds"][k]) for k in drivers)}
        title = "The split against the assumptions that drive it"
        save_figure(drivers_figure(design, drivers, np.asarray(points[difference], dtype=float), kept, crossings,
                                   names, title), figures, "uncertainty_drivers")
        drawn.append(Drawn("uncertainty_drivers", title, "The difference between the sides' delayed bed-days at "
                           "each point against the two settings that move it most towards each side, with the "
                           "threshold where a linear fit crosses zero where it lies within the declared range. "
                           f"Config keys: {', '.join(drivers)}."))
    return drawn
