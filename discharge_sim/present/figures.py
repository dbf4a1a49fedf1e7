"""The figures of a results folder: read its tables, draw what they hold, save PNG and PDF.

Each figure is drawn only where its data exists (occupancy needs ``occupancy.csv``, the delay
lengths and the timeline need the patients and delays tables, Parquet or CSV, the attribution chart needs
``attribution.json``, ...). ``figures/figures.json`` lists what was drawn, with captions, for the
report. The set is drawn into a staging folder beside ``figures/`` and swapped in whole, so a failed
drawing leaves the figures drawn before as they were. Drawing is in
:mod:`discharge_sim.present.charts`; this module only reads files and picks data.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from discharge_sim.analysis.attribution import MEASURE_LABELS, MEASURES
from discharge_sim.analysis.references import DELAY_BAND_REFERENCES
from discharge_sim.io.folders import ResultsFolder, numbers, read_json
from discharge_sim.io.formats import write_json
from discharge_sim.io.storage import OutputError
from discharge_sim.present.charts import (
    CAUSES,
    ORGANISATIONS,
    attribution_figure,
    cause_metric,
    cause_of,
    causes_figure,
    delay_length_figure,
    dtoc_figure,
    heatmap_figure,
    knock_on_figure,
    occupancy_figure,
    policy_figure,
    save_figure,
    scenario_colours,
    sweep_figure,
    timeline_figure,
    warmup_figure,
)
from discharge_sim.present.labels import setting_label, setting_value
from discharge_sim.vocabulary import HOURS_PER_DAY

PATHWAY_NAMES = {0: "pathway 0 (home)", 1: "pathway 1 (home with support)", 2: "pathway 2 (short-term bed)",
                 3: "pathway 3 (care home)"}
TIMELINE_PATIENTS = 30
INDEX = "figures.json"


@dataclass(frozen=True)
class Drawn:
    """A figure written to ``figures/``: its file stem, title and caption."""

    name: str
    title: str
    caption: str


# --- one function per figure: (figure, title, caption) or None where the data is missing --------

Made = tuple[Figure, str, str] | None


def occupancy(r: ResultsFolder) -> Made:
    if not r.has("occupancy.csv") or r.kind == "warmup":
        return None
    t = r.columns("occupancy.csv", ("day", "beds_occupied", "replication"),
                  (r.scenario_column,) if r.scenario_column else ())
    column = r.scenario_column if r.scenario_column in t else None
    keys = list(dict.fromkeys(t[column])) if column else [r.name]
    if r.kind == "attribute":
        keys = keys[:1]
    series = []
    for key in keys[:8]:
        rows = t[column] == key if column else np.ones(len(t["day"]), dtype=bool)
        days, mean, low, high = daily_band(t["day"][rows], t["beds_occupied"][rows])
        series.append((str(key), days, mean, low, high))
    beds = float(r.config["hospital"]["beds"])
    warmup = float(r.config["run"].get("warmup_days", 0.0))
    reps = len(set(t["replication"]))
    title = f"Bed occupancy: {r.title_name}"
    caption = (f"Occupied beds each day (time-average over the day): the mean over {reps} replication(s) and, "
               f"shaded{' (lightly: the scenarios overlap)' if len(series) > 1 else ''}, the range from the lowest "
               f"to the highest replication. The dashed line is the "
               f"{beds:g} beds; the grey band is the warm-up, which is not measured.")
    return occupancy_figure(series, beds, warmup, title), title, caption


def daily_band(day: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per day: the mean, lowest and highest value over replications."""
    days = np.unique(day)
    index = np.searchsorted(days, day)
    count = np.bincount(index, minlength=days.size)
    mean = np.bincount(index, weights=value, minlength=days.size) / count
    low = np.full(days.size, np.inf)
    high = np.full(days.size, -np.inf)
    np.minimum.at(low, index, value)
    np.maximum.at(high, index, value)
    return days, mean, low, high


def causes(r: ResultsFolder) -> Made:
    scenarios = r.scenarios()
    labels = scenario_labels(r)
    values = {key: [m[cause_metric(key)]["mean"] for _, m in scenarios] for key, _, _ in CAUSES}
    low = [m["delayed_bed_days"]["ci_low"] for _, m in scenarios]
    high = [m["delayed_bed_days"]["ci_high"] for _, m in scenarios]
    n = int(scenarios[0][1]["delayed_bed_days"]["n"])
    title = f"Delayed bed-days by cause: {r.title_name}"
    caption = (f"Delayed bed-days over the {r.measured_days:g} measured days by the cause the ledger records "
               f"(the recorded split), mean of {n} replication(s), one bar per "
               f"{'scenario' if len(labels) > 1 else 'run'}; whiskers: 95% interval of the total (cut at 0)."
               f"{_keys(r)}")
    return causes_figure(labels, values, low, high, r.measured_days, title), title, caption


def scenario_labels(r: ResultsFolder) -> list[str]:
    """The scenarios' labels on an axis: a sweep's points by their settings in words, a line each."""
    if r.kind != "sweep":
        return [label for label, _ in r.scenarios()]
    return ["\n".join([f"point {p['point']}", *(setting_value(k, v) for k, v in p["settings"].items())])
            for p in r.summary["points"]]


def _keys(r: ResultsFolder) -> str:
    """For a caption: the config keys of a sweep's settings, named in words on the axes."""
    if r.kind != "sweep":
        return ""
    return " Config keys: " + ", ".join(f"{k} ({setting_label(k)})" for k in r.summary["settings"]) + "."


def dtoc(r: ResultsFolder) -> Made:
    if not r.has("dtoc.csv"):
        return None
    t = r.table("dtoc.csv")
    rows = t["reason"] != "total"
    codes = [str(c) for c in t["reason"][rows]]
    by_org = {key: numbers(t[f"{key}_days_per_month"][rows]) for key, _, _ in ORGANISATIONS}
    title = f"Delayed days by DToC reason and responsible organisation: {r.title_name}"
    caption = ("Delayed days per month counted as the national DToC statistic counted them (patients delayed at "
               "midnight), by reason code and responsible organisation; mean over replications.")
    return dtoc_figure(codes, by_org, title), title, caption


def delay_lengths(r: ResultsFolder) -> Made:
    if r.detail_file("patients") is None:
        return None
    t = r.first_rows("patients", ("departure_hours", "delay_days", "pathway", "replication"))
    warmup_hours = float(r.config["run"].get("warmup_days", 0.0)) * HOURS_PER_DAY
    departure, days, pathway = t["departure_hours"], t["delay_days"], t["pathway"]
    measured = ~np.isnan(departure) & (departure >= warmup_hours) & (days >= 1)
    by_pathway = {PATHWAY_NAMES.get(int(p), f"pathway {int(p)}"): days[measured & (pathway == p)]
                  for p in sorted(set(pathway[measured].tolist()))}
    if not by_pathway:
        return None
    by_pathway = {"all pathways": days[measured], **by_pathway}
    reference_name = (r.config.get("report") or {}).get("delay_bands_reference")
    reference = DELAY_BAND_REFERENCES.get(reference_name) if reference_name else None
    title = f"Length of delays: {r.title_name}"
    caption = ("Delayed discharges in the measured window (leaving at least one day after their discharge-ready "
               "date) by whole days of delay, per pathway and in all, pooled over replications: the share in each "
               "national band (left) and the cumulative share (right). n: delayed discharges a replication, the "
               "mean over the replications.")
    if reference:
        caption += f" Hatched: {reference['label']}."
    replications = np.unique(t["replication"]).size
    figure = delay_length_figure(by_pathway, replications, reference["bands"] if reference else None,
                                 reference["label"] if reference else "", title)
    return figure, title, caption


def attribution(r: ResultsFolder) -> Made:
    if not r.has("attribution.json"):
        return None
    doc = r.attribution
    rows = []
    for measure in MEASURES:
        panels = []
        for game in doc["conventions"]:
            split = {row["side"]: row for row in game["measures"][measure]["rows"]}
            keys = [*game["players"], "rest"]
            rest = {"recorded": _sum_ci(split["unattributed"]["recorded"], split["necessary"]["recorded"]),
                    "alone": None, "counterfactual": split["residual"]["counterfactual"]}
            picked = [split[k] if k != "rest" else rest for k in keys]
            sides = [(k, split[k]["label"] if k != "rest" else "Rest") for k in keys]
            panels.append((f"{game['convention']}: {MEASURE_LABELS[measure]}", sides,
                           [p["recorded"] for p in picked], [p["alone"] for p in picked],
                           [p["counterfactual"] for p in picked]))
        rows.append(panels)
    changed = "removing" if doc.get("against", "removal") == "removal" else "bringing to its benchmark"
    title = f"Who causes the delay, recorded and counterfactual, by convention: {r.title_name}"
    caption = (f"Delayed bed-days over the {r.measured_days:g} measured days, mean of {doc['replications']} "
               f"replication(s) with 95% intervals (cut at 0 for the recorded bed-days); a panel per convention "
               f"(columns) and delay measure (rows). Per side: what the ledger records under the convention; what "
               f"{changed} that side alone takes away (same random numbers); and its exact Shapley value. 'Rest': "
               "recorded, the unattributed and necessary hours; counterfactual, the delay left with every side "
               "changed.")
    return attribution_figure(rows, r.measured_days, title), title, caption


def _sum_ci(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    """The mean of two parts added (no interval: the parts' intervals do not add)."""
    return {"n": 1.0, "mean": a["mean"] + b["mean"], "ci_low": float("nan"), "ci_high": float("nan")}


SWEEP_METRICS = (("delayed_bed_days", "delayed bed-days"), ("boarding_hours", "emergency hours waiting for a bed"))
SWEEP_LINES = 6


def sweep(r: ResultsFolder) -> Made:
    if r.kind != "sweep":
        return None
    points = r.summary["points"]
    keys = list(r.summary["settings"])
    numeric = [k for k in keys if all(_is_number(p["settings"][k]) for p in points)]
    if not numeric:
        return None
    rows = []
    for key in numeric:
        others = [k for k in keys if k != key]
        groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        for p in points:
            groups.setdefault(tuple(p["settings"][k] for k in others), []).append(p)
        panels = []
        for metric, label in SWEEP_METRICS:
            series = []
            for combo, members in list(groups.items())[:SWEEP_LINES]:
                members = sorted(members, key=lambda p: p["settings"][key])
                name = "; ".join(setting_value(k, v) for k, v in zip(others, combo))
                series.append((name, [p["settings"][key] for p in members], [p["metrics"][metric] for p in members]))
            panels.append((label, series))
        rows.append((key, panels))
    title = f"Sweep of {' and '.join(setting_label(k) for k in keys)} ({r.title_name})"
    caption = (f"Delayed bed-days and emergency hours waiting for a bed over the {r.measured_days:g} measured days "
               "against each swept setting, one line per combination of the other settings (at most "
               f"{SWEEP_LINES}), mean over replications with whiskers for the 95% interval (cut at 0: neither can be "
               "negative), the lines shifted a little sideways so the whiskers stay apart; every point ran with the "
               f"same random numbers.{_keys(r)}")
    return sweep_figure(rows, title), title, caption


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def sweep_heatmap(r: ResultsFolder) -> Made:
    if r.kind != "sweep" or len(r.summary["settings"]) != 2:
        return None
    points = r.summary["points"]
    keys = list(r.summary["settings"])
    xs = list(dict.fromkeys(p["settings"][keys[0]] for p in points))
    ys = list(dict.fromkeys(p["settings"][keys[1]] for p in points))
    grid = np.full((len(ys), len(xs)), np.nan)
    for p in points:
        i, j = ys.index(p["settings"][keys[1]]), xs.index(p["settings"][keys[0]])
        grid[i, j] = p["metrics"]["delayed_bed_days"]["mean"]
    names = [setting_label(k) for k in keys]
    title = f"Delayed bed-days over {names[0]} and {names[1]} ({r.title_name})"
    caption = (f"Mean delayed bed-days over the {r.measured_days:g} measured days at each combination of "
               f"{names[0]} and {names[1]}; every point ran with the same random numbers.{_keys(r)}")
    return heatmap_figure((keys[0], keys[1]), xs, ys, grid, "delayed bed-days", title), title, caption


def knock_on(r: ResultsFolder) -> Made:
    scenarios = r.scenarios()
    labels = scenario_labels(r)
    panels = [("emergency hours waiting for a bed", [m["boarding_hours"] for _, m in scenarios]),
              ("cancelled elective admissions", [m["cancelled_electives"] for _, m in scenarios])]
    title = f"Knock-on effects: {r.title_name}"
    caption = (f"Over the {r.measured_days:g} measured days: hours emergency patients waited for a bed and elective "
               f"admissions cancelled for want of one; mean over replications with 95% intervals (cut at 0).{_keys(r)}")
    return knock_on_figure(labels, panels, title), title, caption


def timeline(r: ResultsFolder) -> Made:
    if r.detail_file("delays") is None or r.detail_file("patients") is None:
        return None
    p = r.first_rows("patients", ("patient", "ready_hours", "delay_days", "pathway", "departure_hours"),
                     first_replication=True)
    if not len(p["patient"]):
        return None
    warmup_hours = float(r.config["run"].get("warmup_days", 0.0)) * HOURS_PER_DAY
    ids, ready, delay, pathway = p["patient"], p["ready_hours"], p["delay_days"], p["pathway"]
    departure = p["departure_hours"]
    chosen_rows = np.flatnonzero((delay >= 1) & ~np.isnan(departure) & (ready >= warmup_hours))
    if not chosen_rows.size:
        return None
    lengths = departure[chosen_rows] - ready[chosen_rows]
    order = chosen_rows[np.argsort(lengths, kind="stable")]
    picks = order[np.unique(np.linspace(0, order.size - 1, min(TIMELINE_PATIENTS, order.size)).round().astype(int))]
    d = r.first_rows("delays", ("patient", "start_hours", "end_hours"), ("owner", "kind"), first_replication=True)
    seg_patient, starts, ends = d["patient"], d["start_hours"], d["end_hours"]
    owners, kinds = d["owner"], d["kind"]
    patients = []
    for i in picks[::-1]:  # longest first
        mine = np.flatnonzero(seg_patient == ids[i])
        segments = [((starts[j] - ready[i]) / HOURS_PER_DAY, (ends[j] - ready[i]) / HOURS_PER_DAY,
                     cause_of(str(owners[j]), str(kinds[j]))) for j in mine]
        patients.append((f"#{int(ids[i])} {PATHWAY_NAMES.get(int(pathway[i]), '').split(' (')[0]}", segments))
    title = f"Where the days go: {len(patients)} delayed patients, {r.title_name}"
    caption = ("Delayed patients of replication 0 (a spread from the shortest to the longest delay, departed in the "
               "measured window): each bar runs from the discharge-ready time to departure, coloured segment by "
               "segment by the cause the ledger records.")
    return timeline_figure(patients, title), title, caption


def policy(r: ResultsFolder) -> Made:
    if r.kind != "compare" or len(r.summary["configs"]) < 2:
        return None
    baseline, *others = r.summary["configs"]
    differences = [r.summary["differences"][label] for label in others]

    def series(key: str, scale: float = 1.0) -> list[dict[str, float]]:
        return [{k: v / scale if k in ("mean", "ci_low", "ci_high") else v for k, v in d.get(key, {}).items()}
                for d in differences]

    panels: list[tuple[str, list[tuple[str, str, list[dict[str, float]]]]]] = [
        ("Delayed bed-days", [("Hospital-internal", "s", series("delayed_bed_days_hospital")),
                              ("Social care", "D", series("delayed_bed_days_social_care")),
                              ("All", "o", series("delayed_bed_days"))]),
        ("Emergency boarding hours", [("", "o", series("boarding_hours"))]),
        ("Cancelled electives", [("", "o", series("cancelled_electives"))]),
    ]
    if all("delayed_bed_day_cost_gbp" in d for d in differences):
        panels += [
            ("NHS cost of delays (GBP k)", [("", "o", series("delayed_bed_day_cost_gbp", 1e3))]),
            ("Council spend (GBP k)", [("", "o", series("council_spend_gbp", 1e3))]),
            ("Public spend, council and NHS (GBP k)", [("", "o", series("public_spend_gbp", 1e3))]),
        ]
    n = int(r.summary["replications"])
    title = f"Each scenario against {baseline}"
    caption = (f"Paired differences from {baseline} over the {r.measured_days:g} measured days (scenario minus "
               f"baseline, common random numbers), mean of {n} replication(s) with 95% intervals, each scenario in "
               "one colour in every panel (delayed bed-days: square hospital-internal, diamond social care, circle "
               "all); left of the line is fewer delays, less waiting, less spend. Spend is on places and discharge "
               "staff; with a pooled budget, part of the council's spend moves to the NHS, so compare public spend "
               "as well.")
    colours = scenario_colours(r.summary["configs"])  # as in the figures with the baseline: one colour each
    return policy_figure(others, panels, title, colours), title, caption


FIGURES: tuple[tuple[str, Callable[[ResultsFolder], Made]], ...] = (
    ("policy", policy),
    ("occupancy", occupancy),
    ("delay_causes", causes),
    ("dtoc_reasons", dtoc),
    ("delay_lengths", delay_lengths),
    ("attribution", attribution),
    ("sweep", sweep),
    ("sweep_heatmap", sweep_heatmap),
    ("knock_on", knock_on),
    ("patient_timeline", timeline),
)
FIGURE_NAMES = tuple(name for name, _ in FIGURES)
"""The figures a report may show: figures.json is read only for these, and only from ``figures/``."""


def draw_warmup(folder: Path) -> None:
    """The warm-up figure of a ``warmup`` folder: each daily series averaged over replications, with
    the truncation MSER-5 found for it, the suggested and the configured warm-up."""
    results = ResultsFolder(folder)
    found = results.summary["warmup"]
    table = results.table("warmup.csv")
    days = np.asarray([int(v) for v in table["day"]])
    series = [(s["label"], numbers(table[f"{s['name']}_mean"]), s["truncation_days"]) for s in found["series"]]
    title = f"Warm-up by MSER-5: {results.name}, {found['replications']} replication(s)"
    figure = warmup_figure(days, series, found["suggested_warmup_days"], found["configured_warmup_days"], title)
    save_figure(figure, folder / "figures", "warmup")


def read_index(folder: Path) -> list[Drawn]:
    """The figures ``figures/figures.json`` lists, checked before any file is read: each is a figure of
    the catalogue (:data:`FIGURE_NAMES`) with a text title and caption, drawn as a file in ``figures/``."""
    figures = folder / "figures"
    index = figures / INDEX
    again = f"draw the figures again with: discharge-sim plot {folder}"
    listed = read_json(index)
    if not isinstance(listed, list):
        raise OutputError(f"{index}: expected a list of figures, found {type(listed).__name__}; {again}")
    drawn = []
    for number, entry in enumerate(listed, start=1):
        if not (isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in ("name", "title", "caption"))):
            raise OutputError(f"{index}: figure {number} is not a name, title and caption (as text); {again}")
        name = entry["name"]
        if name not in FIGURE_NAMES:
            shown = repr(name) if len(name) <= 60 else repr(name[:57]) + "..."
            raise OutputError(f"{index}: figure {number}, name {shown}: not a figure discharge-sim draws (one of "
                              f"{', '.join(FIGURE_NAMES)}); a report shows only those; {again}")
        png = figures / f"{name}.png"
        if not (png.is_file() and png.resolve().parent == figures.resolve()):
            raise OutputError(f"{png}: listed in {INDEX} but not a file in {figures}; {again}")
        drawn.append(Drawn(name, entry["title"], entry["caption"]))
    return drawn


def draw_all(folder: Path) -> list[Drawn]:
    """Draw every figure the folder has data for into ``folder/figures``; list them in figures.json.

    The figures are drawn into a staging folder beside ``figures/`` and swapped in when all are
    drawn: if drawing fails, the figures drawn before are untouched and no staging folder is left.
    Files in ``figures/`` that are not figures of the catalogue are kept."""
    results = ResultsFolder(folder)
    if results.kind == "warmup":
        raise OutputError(f"{folder}: a warmup folder has its figure already (figures/warmup.png); plot draws the "
                          "figures of run, compare, sweep and attribute results")
    figures = folder / "figures"
    _tidy(folder)
    staging = folder / f"{STAGING}{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir()
        drawn = []
        for name, make in FIGURES:
            made = make(results)
            if made is None:
                continue
            figure, title, caption = made
            save_figure(figure, staging, name)
            drawn.append(Drawn(name, title, caption))
        write_json(staging / INDEX, [{"name": d.name, "title": d.title, "caption": d.caption,
                                      "files": [f"{d.name}.png", f"{d.name}.pdf"]} for d in drawn])
        _keep_others(figures, staging)
        _swap(staging, figures)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return drawn


STAGING = ".figures.drawing-"
"""A figure set being drawn, beside ``figures/``, named with the drawing process's id."""
REPLACED = ".figures.replaced-"
"""The figures drawn before, for the moment the new set is swapped in."""
_AFTER = re.compile(rf"(?:{re.escape(STAGING)}|{re.escape(REPLACED)})(\d+)")


def _drawn_here(name: str) -> bool:
    """Whether a file of ``figures/`` is one :func:`draw_all` writes (and so replaces)."""
    stem, _, suffix = name.rpartition(".")
    return name == INDEX or (stem in FIGURE_NAMES and suffix in ("png", "pdf"))


def _keep_others(figures: Path, staging: Path) -> None:
    """Copy into the new set what ``figures/`` holds that draw_all does not draw (a file of one's own)."""
    if not figures.is_dir():
        return
    for item in figures.iterdir():
        if _drawn_here(item.name) or item.name.startswith(".tmp-") or (staging / item.name).exists():
            continue
        if item.is_dir():
            shutil.copytree(item, staging / item.name, symlinks=True)
        else:
            shutil.copy2(item, staging / item.name, follow_symlinks=False)


def _swap(staging: Path, figures: Path) -> None:
    """Put ``staging`` in the place of ``figures`` (the old set moved aside, then removed)."""
    if not figures.exists():
        os.replace(staging, figures)
        return
    replaced = figures.with_name(f"{REPLACED}{os.getpid()}")
    shutil.rmtree(replaced, ignore_errors=True)
    os.replace(figures, replaced)
    try:
        os.replace(staging, figures)
    except BaseException:
        os.replace(replaced, figures)
        raise
    shutil.rmtree(replaced, ignore_errors=True)


def _tidy(folder: Path) -> None:
    """What a drawing killed half-way left beside ``figures/``: its staging folder is removed and, if it
    was stopped between moving the old set aside and putting the new one in, the old set is put back."""
    for item in sorted(folder.glob(".figures.*-*")):
        match = _AFTER.fullmatch(item.name)
        if match is None or _running(int(match[1])):
            continue
        if item.name.startswith(REPLACED) and not (folder / "figures").exists():
            os.replace(item, folder / "figures")
        else:
            shutil.rmtree(item, ignore_errors=True)


def _running(pid: int) -> bool:
    """Whether another process with this id is running (so its staging folder is in use)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True
