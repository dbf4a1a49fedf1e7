"""What an experiment leaves in its results folder, from the replications kept on disk.

Every folder has ``replications.csv`` (a row per scenario and replication), ``summary.json`` and
``manifest.json``, plus the per-replication tables the experiment kept (patients, delays,
occupancy). ``compare`` adds ``compare.csv`` (paired differences against the first config) and
``policy.csv`` (the one-page policy comparison, a row per scenario), and
``sweep`` adds ``points.csv`` (a row per grid point). Files hold nothing that depends on how the
replications were run, so the same seed gives the same bytes with any number of workers.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from discharge_sim.analysis.attribution import (
    AS_CONFIGURED,
    MEASURE_LABELS,
    NATIONAL_MEASURE,
    SHARE_DEFINITION,
    attribution_document,
    attribution_plan,
    attribution_table,
    ranking,
    ranking_table,
    recorded_split,
    removals,
)
from discharge_sim.analysis.councils import council_dtoc_table, council_table
from discharge_sim.analysis.metrics import council_view
from discharge_sim.analysis.policy import policy_table
from discharge_sim.analysis.statistics import metric_names, paired_differences, summarise
from discharge_sim.analysis.tables import comparison_table, dtoc_table, points_table
from discharge_sim.analysis.warmup import daily_means, mser
from discharge_sim.experiments.specification import Experiment
from discharge_sim.io.formats import concatenate, table_file, write_json, write_table
from discharge_sim.io.storage import PartialResults

CONFIDENCE_LEVEL = 0.95


@dataclass
class Outcome:
    """The replications that make up an experiment's results, and their summaries."""

    experiment: Experiment
    replications: int
    rule: str
    """fixed, target (the auto precision target was met) or cap (auto stopped at its maximum)."""
    rows: list[list[dict[str, float]]]
    """Per scenario, per replication: the metrics."""
    summaries: list[dict[str, dict[str, float]]]
    differences: list[dict[str, dict[str, float]]]
    """Per scenario, paired differences against the first (empty for the first itself)."""

    @classmethod
    def collect(cls, experiment: Experiment, store: PartialResults, replications: int, rule: str) -> Outcome:
        rows = store.metrics(len(experiment.scenarios), replications)
        summaries = [summarise(r) for r in rows]
        differences: list[dict[str, dict[str, float]]] = [{}] + [paired_differences(rows[0], r) for r in rows[1:]]
        return cls(experiment, replications, rule, rows, summaries, differences)

    @property
    def labels(self) -> list[str]:
        return [s.label for s in self.experiment.scenarios]


def write_outputs(folder: Path, outcome: Outcome, store: PartialResults, manifest: Mapping[str, Any],
                  configured_warmup: float | None = None) -> None:
    """Fill ``folder`` with the tables, summary and manifest of ``outcome`` (figures are drawn by
    :mod:`discharge_sim.present`, after)."""
    exp = outcome.experiment
    write_table(folder / "replications.csv", replications_table(outcome))
    for table in exp.tables:
        concatenate(folder / table_file(table, exp.detail_format),
                    store.table_parts(table, len(exp.scenarios), outcome.replications))
    if exp.kind == "compare":
        write_table(folder / "compare.csv", comparison_table(outcome.labels, outcome.summaries, outcome.differences))
        write_table(folder / "policy.csv", policy_table(outcome.labels, outcome.differences, outcome.summaries))
    if exp.kind == "sweep":
        write_table(folder / "points.csv", points_table([s.settings for s in exp.scenarios], outcome.summaries))
    if exp.kind in ("run", "attribute"):
        run = exp.scenarios[0].config.run
        write_table(folder / "dtoc.csv", dtoc_table(outcome.summaries[0], run.days - run.warmup_days))
        councils = list(exp.scenarios[0].config.councils)
        if councils:
            write_table(folder / "councils.csv", council_table(councils, outcome.summaries[0]))
            write_table(folder / "dtoc_by_council.csv",
                        council_dtoc_table(councils, outcome.summaries[0], run.days - run.warmup_days))
    if exp.kind == "attribute":
        write_json(folder / "attribution.json", write_attribution(folder, outcome))
    summary = summary_document(outcome)
    if exp.kind == "warmup":
        summary["warmup"] = write_warmup(folder, outcome, configured_warmup or 0.0)
    write_json(folder / "summary.json", summary)
    write_json(folder / "manifest.json", manifest)


ALWAYS_WRITTEN = {"run": ("occupancy",), "warmup": ("occupancy",)}
"""By kind of experiment, the per-replication tables written with or without ``--detail``."""


def detail_files(folder: Path, experiment: Experiment) -> list[tuple[str, int]]:
    """The per-replication tables ``--no-detail`` leaves out, as written in ``folder``: file name and size
    in bytes (the big files of a results folder: the baseline run, 10 replications of a year, writes about 120 MB)."""
    always = ALWAYS_WRITTEN.get(experiment.kind, ())
    names = [table_file(table, experiment.detail_format) for table in experiment.tables if table not in always]
    return [(name, (folder / name).stat().st_size) for name in names if (folder / name).is_file()]


def write_attribution(folder: Path, outcome: Outcome) -> dict[str, Any]:
    """attribution.csv (per replication, convention, measure and side) and, for ``--by step``,
    attribution_steps.csv; returns the document for attribution.json: per convention, the sides
    and their items, and the recorded and counterfactual split of each measure; then the ranking."""
    exp = outcome.experiment
    by_label = dict(zip(outcome.labels, outcome.rows))
    config = exp.scenarios[0].config
    names, against = exp.attribution or (tuple(config.attribution.conventions), "removal")
    plan = attribution_plan(config, names, against)
    write_table(folder / "attribution.csv", attribution_table(plan, by_label))
    doc: dict[str, Any] = {
        "config": config.name,
        "replications": outcome.replications,
        "seed": exp.seed,
        "confidence_level": CONFIDENCE_LEVEL,
        "against": against,
        "share_definition": SHARE_DEFINITION,
        "measures": dict(MEASURE_LABELS),
        "national_measure": NATIONAL_MEASURE,
        "window_days": config.run.days - config.run.warmup_days,
        "scenarios": {label: variant.label for label, _, variant in plan.scenarios},
        "conventions": attribution_document(plan, by_label),
    }
    items = [item for item in removals(config) if item.label in by_label]
    if items:
        ranked = ranking(by_label[AS_CONFIGURED], items, [by_label[item.label] for item in items])
        write_table(folder / "attribution_steps.csv", ranking_table(ranked))
        doc["by_step"] = ranked
    return doc


WARMUP_SERIES = (("beds_occupied", "Occupied beds"), ("delayed_patients_in_beds", "Delayed patients in beds"))


def write_warmup(folder: Path, outcome: Outcome, configured: float) -> dict[str, Any]:
    """MSER-5 on each daily series averaged over replications: ``warmup.csv``, and the suggestion
    (the longest truncation of the series) for the summary."""
    config = outcome.experiment.scenarios[0].config
    table = read_columns(folder / "occupancy.csv", ["replication", "day", *(name for name, _ in WARMUP_SERIES)])
    full_days = table["day"] < math.floor(config.run.days)  # a last part-day is not comparable
    columns: dict[str, np.ndarray] = {}
    found = []
    for name, label in WARMUP_SERIES:
        days, mean = daily_means(table[name][full_days], table["day"][full_days], table["replication"][full_days])
        columns["day"] = days
        columns[f"{name}_mean"] = mean
        truncation = mser(mean)
        found.append((name, label, mean, truncation))
    suggested = max(t.truncation_days for *_, t in found)
    write_table(folder / "warmup.csv", columns)
    return {
        "method": "MSER-5 on daily means over replications",
        "replications": outcome.replications,
        "days": int(columns["day"].size),
        "series": [{"name": name, "label": label, "truncation_days": t.truncation_days,
                    "batches": t.batches, "unreliable": t.unreliable} for name, label, _, t in found],
        "suggested_warmup_days": suggested,
        "configured_warmup_days": configured,
    }


def read_columns(path: Path, names: list[str]) -> dict[str, np.ndarray]:
    """Numeric columns of a CSV by name (empty cells as NaN)."""
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        where = [header.index(name) for name in names]
        rows = [[float(row[i]) if row[i] else math.nan for i in where] for row in reader]
    data = np.asarray(rows, dtype=float).reshape(-1, len(names))
    return {name: data[:, i] for i, name in enumerate(names)}


def replications_table(outcome: Outcome) -> dict[str, np.ndarray]:
    """A row per scenario and replication: which scenario, its settings, then every metric."""
    exp = outcome.experiment
    n = outcome.replications
    scenarios = range(len(exp.scenarios))
    cols: dict[str, np.ndarray] = {}
    if exp.scenario_column is not None:
        cols[exp.scenario_column] = np.asarray([exp.scenario_key(s) for s in scenarios for _ in range(n)], dtype=object)
    for i, (key, _) in enumerate(exp.scenarios[0].settings):
        cols[key] = np.asarray([exp.scenarios[s].settings[i][1] for s in scenarios for _ in range(n)], dtype=object)
    cols["replication"] = np.asarray([r for _ in scenarios for r in range(n)], dtype=np.int64)
    cols["seed"] = np.full(n * len(exp.scenarios), exp.seed, dtype=np.int64)
    for name in metric_names(outcome.rows):
        cols[name] = np.asarray([row.get(name, math.nan) for rows in outcome.rows for row in rows], dtype=float)
    return cols


def summary_document(outcome: Outcome) -> dict[str, Any]:
    exp = outcome.experiment
    first = exp.scenarios[0].config
    doc: dict[str, Any] = {
        "kind": exp.kind,
        "seed": exp.seed,
        "replications": outcome.replications,
        "replication_rule": outcome.rule,
        "days": first.run.days,
        "warmup_days": first.run.warmup_days,
        "confidence_level": CONFIDENCE_LEVEL,
    }
    if exp.plan.fixed is None:
        doc["precision"] = {"metric": exp.plan.metric, "target_relative_half_width": exp.plan.target,
                            "minimum": exp.plan.minimum, "maximum": exp.plan.maximum}
    if exp.kind == "compare":
        doc["configs"] = outcome.labels
        doc["baseline"] = outcome.labels[0]
        doc["metrics"] = dict(zip(outcome.labels, outcome.summaries))
        doc["differences"] = {label: d for label, d in zip(outcome.labels[1:], outcome.differences[1:])}
    elif exp.kind == "attribute":
        doc["config"] = first.name
        doc["variants"] = {s.label: (s.variant.label if s.variant else "as_configured") for s in exp.scenarios}
        doc["metrics"] = dict(zip(outcome.labels, outcome.summaries))
    elif exp.kind == "sweep":
        doc["config"] = first.name
        doc["settings"] = [key for key, _ in exp.scenarios[0].settings]
        doc["points"] = [
            {"point": i, "label": s.label, "settings": dict(s.settings), "metrics": summary}
            for i, (s, summary) in enumerate(zip(exp.scenarios, outcome.summaries))
        ]
    else:
        doc["config"] = first.name
        doc["metrics"] = outcome.summaries[0]
    if exp.kind in ("compare", "sweep"):  # each scenario's recorded split, as a run gives it
        doc["answers"] = [{"label": label, "conventions": recorded_split(sc.config, rows, None)}
                          for label, sc, rows in zip(outcome.labels, exp.scenarios, outcome.rows)]
    if exp.kind in ("run", "attribute"):
        doc["answer"] = {"share_definition": SHARE_DEFINITION, "measures": dict(MEASURE_LABELS),
                         "national_measure": NATIONAL_MEASURE,
                         "conventions": recorded_split(first, outcome.rows[0],
                                                       exp.attribution[0] if exp.attribution else None)}
        if first.councils:  # the same split of each council's residents' delays
            doc["answer"]["by_council"] = {
                c: recorded_split(first, [council_view(row, c) for row in outcome.rows[0]],
                                  exp.attribution[0] if exp.attribution else None)
                for c in first.councils}
    return doc
