"""The scenarios of a results folder as a report or board pack shows them: each with its key in
summary.json, its words, its metrics, its answer (the split under each convention) and its config."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from discharge_sim.io.folders import ResultsFolder
from discharge_sim.present.answer import Answer, answer_of
from discharge_sim.present.blocks import Cell, result_cell


@dataclass(frozen=True)
class Scenario:
    """One scenario as the pack shows it: its key in summary.json, its words, metrics and answer."""

    key: str
    label: str
    metrics: dict[str, dict[str, float]]
    answer: Answer | None
    config: dict[str, Any]
    occupancy: str
    """Its value in occupancy.csv's scenario column ('' for a run)."""


def scenarios_of(r: ResultsFolder) -> list[Scenario]:
    """The scenarios the pack summarises: the run, each compared config, each sweep point, or the
    as-configured run of an attribution (with its counterfactual answer)."""
    recorded = r.manifest.get("scenarios") or []  # in the order of the folder's scenarios
    answers = r.summary.get("answers") or []
    keyed = r.keyed_scenarios()
    if r.kind == "attribute":
        keyed = keyed[:1]
    out = []
    for k, (key, label, metrics) in enumerate(keyed):
        answer = answer_of(r) if r.kind in ("run", "attribute") else scenario_answer(answers, k, metrics,
                                                                                      r.measured_days)
        config = recorded[k]["config"] if k < len(recorded) and r.kind in ("compare", "sweep") else r.config
        out.append(Scenario(key, label, metrics, answer, config, _occupancy_key(r, k, key)))
    return out


def _occupancy_key(r: ResultsFolder, k: int, key: str) -> str:
    """The scenario's value in occupancy.csv's scenario column: none for a run, the point's number
    for a sweep, the label otherwise (as the experiment's ``scenario_key`` writes it)."""
    return "" if r.kind == "run" else str(k) if r.kind == "sweep" else key


def scenario_answer(answers: Sequence[Mapping[str, Any]], k: int, metrics: Mapping[str, Mapping[str, float]],
                    days: float) -> Answer | None:
    """Scenario ``k``'s recorded split (summary.json's ``answers``), as an :class:`Answer`."""
    if k >= len(answers):
        return None
    pre = metrics.get("pre_declaration_bed_days", {}).get("mean")
    shown = float(pre) if isinstance(pre, int | float) and math.isfinite(pre) else None
    return Answer(list(answers[k]["conventions"]), False, "delayed_bed_days_after_ready_day", {}, days,
                  f"summary.json#answers.{k}.conventions", "", shown)


def metric_cell(sc: Scenario, metric: str, fmt: str) -> Cell:
    """The scenario's mean of ``metric`` with its interval, from summary.json."""
    return result_cell("summary.json", sc.key, metric, sc.metrics[metric], fmt)
