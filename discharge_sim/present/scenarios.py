"""The scenarios of a results folder as a report or board pack shows them: each with its key in
summary.json, its words, its metrics, its answer (the split under each convention) and its config."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from discharge_sim.io.folders import ResultsFolder
from discharge_sim.present.answer import Answer, answer_of
from discharge_sim.present.blocks import Cell
from discharge_sim.present.formats import FORMATS, mean_interval_text


@dataclass(frozen=True)
class Scenario:
    """One scenario as the pack shows it: its key in summary.json, its words, metrics and answer."""

    key: str
    label: str
    metrics: dict[str, dict[str, float]]
    answer: Answer | None
    config: dict[str, Any]
    occupancy: str | None
    """Its value in occupancy.csv's scenario column ('' for a run), None if the table has no rows for it."""


def scenarios_of(r: ResultsFolder) -> list[Scenario]:
    """The scenarios the pack summarises: the run, each compared config, each sweep point, or the
    as-configured run of an attribution (with its counterfactual answer)."""
    configs = {sc["label"]: sc["config"] for sc in r.manifest.get("scenarios") or []}
    answers = r.summary.get("answers") or []
    keyed = r.keyed_scenarios()
    if r.kind == "attribute":
        keyed = keyed[:1]
    out = []
    for k, (key, label, metrics) in enumerate(keyed):
        answer = answer_of(r) if r.kind in ("run", "attribute") else scenario_answer(r, answers, k)
        config = configs.get(key) or (r.config if k == 0 else {})
        occupancy = "" if r.kind == "run" else key if r.kind == "compare" else None
        out.append(Scenario(key, label, metrics, answer, config or r.config, occupancy))
    return out


def scenario_answer(r: ResultsFolder, answers: Sequence[Mapping[str, Any]], k: int) -> Answer | None:
    """Scenario ``k``'s recorded split (summary.json's ``answers``), as an :class:`Answer`."""
    if k >= len(answers):
        return None
    first = r.keyed_scenarios()[k][2]
    pre = first.get("pre_declaration_bed_days", {}).get("mean")
    return Answer(list(answers[k]["conventions"]), False, "delayed_bed_days_after_ready_day", {}, r.measured_days,
                  f"summary.json#answers.{k}.conventions", "", pre if isinstance(pre, float) else None)


def metric_cell(sc: Scenario, metric: str, fmt: str) -> Cell:
    return Cell(mean_interval_text(sc.metrics[metric], FORMATS[fmt]), "summary.json", sc.key, metric,
                "mean_interval")
