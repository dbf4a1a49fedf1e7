"""Experiments run in this process with every result kept in memory: the quick forms for
notebooks and tests. :func:`run` keeps each replication's full result; :func:`compare` and
:func:`attribute` keep the metrics. The commands that write results folders, run on workers or a
Dask cluster and resume are in :mod:`discharge_sim.api`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from discharge_sim.analysis.attribution import (
    AS_CONFIGURED,
    METRIC,
    AttributionPlan,
    attribution_document,
    attribution_plan,
    attribution_table,
    ranking,
    removals,
)
from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.analysis.statistics import paired_differences, summarise
from discharge_sim.analysis.tables import comparison_table, occupancy_table
from discharge_sim.config import Config
from discharge_sim.experiments.specification import (
    DETAIL_TABLES,
    RECORD_TABLES,
    TABLES,
    Task,
    measure,
    scenario_labels,
    shared_run_settings,
    simulate,
)
from discharge_sim.model.replication import ReplicationResult
from discharge_sim.model.variant import Variant


@dataclass
class ExperimentResult:
    """All replications of one config under one seed."""

    config: Config
    seed: int
    replications: list[ReplicationResult] = field(default_factory=list)
    metrics: list[dict[str, float]] = field(default_factory=list)
    """One dict of scalar results per replication, accumulated as the replication ran (so the
    same numbers as a results folder's, to the last digit)."""
    occupancy: list[dict[str, Any]] = field(default_factory=list)
    """One daily occupancy table per replication, accumulated the same way."""

    def __post_init__(self) -> None:
        if self.replications and len(self.metrics) != len(self.replications):  # made by hand from results
            self.metrics = [replication_metrics(r) for r in self.replications]

    @cached_property
    def summary(self) -> dict[str, dict[str, float]]:
        """Per metric: n, mean, sd, ci_low, ci_high, half_width (95% t-interval)."""
        return summarise(self.metrics)

    def table(self, name: str) -> dict[str, np.ndarray]:
        """A tidy table as named columns: replications, patients, delays or occupancy."""
        if name == "replications":
            rows = self.metrics
            columns: dict[str, Any] = {
                "replication": np.array([r.replication for r in self.replications]),
                "seed": np.array([r.seed for r in self.replications]),
            }
            for metric in rows[0] if rows else []:
                columns[metric] = np.array([row[metric] for row in rows])
            return columns
        if name not in DETAIL_TABLES:
            raise ValueError(f"unknown table {name!r}; tables: {', '.join(TABLES)}")
        if name == "occupancy" and len(self.occupancy) == len(self.replications):
            parts = self.occupancy
        else:
            parts = [RECORD_TABLES.get(name, occupancy_table)(r) for r in self.replications]
        return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]} if parts else {}

    def frame(self, name: str) -> Any:
        """The table as a pandas DataFrame (needs pandas, which is not a dependency)."""
        import pandas as pd

        return pd.DataFrame(self.table(name))


def run(config: Config, replications: int | None = None, seed: int | None = None,
        variant: Variant | None = None,
        on_replication: Callable[[ReplicationResult], None] | None = None) -> ExperimentResult:
    """Run ``replications`` of ``config`` (defaults from its ``run`` section) under ``seed``."""
    n = config.run.replications if replications is None else replications
    seed = config.run.seed if seed is None else seed
    result = ExperimentResult(config=config, seed=seed)
    for r in range(n):
        measured = measure(config, r, seed, variant, keep=True, occupancy=True)
        rep = measured.result
        result.replications.append(rep)
        result.metrics.append(measured.metrics)
        result.occupancy.append(measured.occupancy or {})
        if on_replication is not None:
            on_replication(rep)
    return result


@dataclass
class Comparison:
    """Several configs run with the same replication seeds: per-replication metrics, summaries
    and paired differences against the first config."""

    labels: list[str]
    seed: int
    metrics: list[list[dict[str, float]]]
    """Per config, one dict of scalar results per replication."""

    @cached_property
    def summaries(self) -> dict[str, dict[str, dict[str, float]]]:
        return {label: summarise(rows) for label, rows in zip(self.labels, self.metrics)}

    @cached_property
    def differences(self) -> dict[str, dict[str, dict[str, float]]]:
        """Per config after the first: per metric, the paired difference from the first, with its
        95% interval and ``excludes_zero``."""
        return {label: paired_differences(self.metrics[0], rows)
                for label, rows in zip(self.labels[1:], self.metrics[1:])}

    def table(self) -> dict[str, np.ndarray]:
        """The rows of compare.csv as named columns."""
        summaries = [self.summaries[label] for label in self.labels]
        differences: list[dict[str, dict[str, float]]] = [{}] + [self.differences[label] for label in self.labels[1:]]
        return comparison_table(self.labels, summaries, differences)


def compare(configs: Sequence[Config], replications: int | None = None, seed: int | None = None,
            variant: Variant | None = None, labels: Sequence[str] | None = None) -> Comparison:
    """Run every config with the same seeds (the first config's run settings apply to all, as in
    ``discharge-sim compare``), in order, in this process. ``labels`` default to config names."""
    if len(configs) < 2:
        raise ValueError("compare needs at least two configs")
    if labels is not None and (len(labels) != len(configs) or len(set(labels)) != len(labels)):
        raise ValueError("labels must be one distinct label per config")
    paired, _ = shared_run_settings(list(configs))
    n = paired[0].run.replications if replications is None else replications
    seed = paired[0].run.seed if seed is None else seed
    if labels is None:
        labels = scenario_labels([c.name for c in paired], [f"config_{i + 1}" for i in range(len(paired))])
    metrics = [[simulate(Task(s, r, cfg, seed, variant=variant)).metrics for r in range(n)]
               for s, cfg in enumerate(paired)]
    return Comparison(list(labels), seed, metrics)


@dataclass
class Attribution:
    """The counterfactual split of one config under its conventions, replication by replication."""

    plan: AttributionPlan
    metrics: dict[str, list[dict[str, float]]]
    """Per scenario label (``as_configured``, each coalition's, then ``step:``/``pool:``/``staff:``
    items), one dict of metrics per replication."""
    ranked: list[dict[str, Any]]
    """With ``by_step``, the rows of attribution_steps.csv; otherwise empty."""

    @cached_property
    def table(self) -> dict[str, np.ndarray]:
        """attribution.csv: per replication, convention, measure and side."""
        return attribution_table(self.plan, self.metrics)

    @cached_property
    def conventions(self) -> list[dict[str, Any]]:
        """Per convention: its sides, items and the split of each measure with 95% intervals."""
        return attribution_document(self.plan, self.metrics)

    def sides(self, convention: str | None = None, measure: str = METRIC) -> dict[str, dict[str, Any]]:
        """One convention's split (default: the first) of one measure, by side and then the rest
        (unattributed, necessary, residual, interaction, total): recorded and counterfactual
        bed-days and shares (ratio of totals), what the side takes away alone, with 95% intervals."""
        games = {game["convention"]: game for game in self.conventions}
        game = games[convention] if convention is not None else self.conventions[0]
        return {row["side"]: row for row in game["measures"][measure]["rows"]}


def attribute(config: Config, replications: int | None = None, seed: int | None = None,
              conventions: Sequence[str] | None = None, against: str = "removal",
              by_step: bool = False) -> Attribution:
    """Run every coalition of every convention's sides (and with ``by_step`` one run per removable
    item) for every replication, in order, in this process, as ``discharge-sim attribute`` does."""
    n = config.run.replications if replications is None else replications
    seed = config.run.seed if seed is None else seed
    plan = attribution_plan(config, conventions, against)
    runs = [(label, cfg, variant) for label, cfg, variant in plan.scenarios]
    items = removals(config) if by_step else []
    runs += [(item.label, config, item.variant) for item in items]
    metrics = {label: [simulate(Task(0, r, cfg, seed, variant=variant)).metrics for r in range(n)]
               for label, cfg, variant in runs}
    ranked = ranking(metrics[AS_CONFIGURED], items, [metrics[item.label] for item in items]) if items else []
    return Attribution(plan, metrics, ranked)
