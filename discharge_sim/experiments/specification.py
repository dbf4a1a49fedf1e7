"""Experiments: which scenarios to run, under which seed, for how many replications.

An :class:`Experiment` is a list of :class:`Scenario` (one for ``run``, several for ``compare``,
a grid for ``sweep``) run under one seed. Replication ``r`` of every scenario uses the same
random streams (see :mod:`discharge_sim.model.streams`), so differences between scenarios are paired:
common random numbers. One unit of work is a :class:`Task`; :func:`simulate` turns it into a
flat :class:`ReplicationRecord` that pickles cheaply back from a worker process or a Dask worker.

The in-memory forms for notebooks are in :mod:`discharge_sim.experiments.in_memory`.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from discharge_sim.analysis.metrics import ReplicationTotals
from discharge_sim.analysis.tables import DailyOccupancy, patient_table, segment_table
from discharge_sim.config import Config, ConfigError, apply_overrides, config_from_dict, config_to_dict
from discharge_sim.model.records import RecordSink
from discharge_sim.model.replication import ReplicationResult, run_replication
from discharge_sim.model.variant import Variant

TABLES = ("replications", "patients", "delays", "occupancy")
SCENARIO_COLUMNS = {"compare": "config", "sweep": "point", "attribute": "variant"}
"""By kind of experiment, the column naming the scenario in tables that mix several."""
RECORD_TABLES: dict[str, Callable[[ReplicationResult], dict[str, Any]]] = {
    "patients": patient_table,
    "delays": segment_table,
}
"""The tables that need every patient's record kept: one row per patient, per ledger segment."""
DETAIL_TABLES = (*RECORD_TABLES, "occupancy")
"""The per-replication tables beside the metrics; occupancy (a row per day) is accumulated as
patients leave, so it needs no record kept."""


# --- what to run ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scenario:
    """One arm of an experiment: a config under a label, and the swept settings that made it."""

    label: str
    config: Config
    settings: tuple[tuple[str, Any], ...] = ()
    variant: Variant | None = None
    """Counterfactual switches (``attribute``): the same config and streams, some causes removed."""


@dataclass(frozen=True)
class ReplicationPlan:
    """A fixed number of replications, or ``auto``: add replications until the 95% interval of
    ``metric`` is within ``target`` of its mean (relative half-width) in every scenario, taking
    at least ``minimum`` and at most ``maximum``."""

    fixed: int | None = None
    target: float = 0.05
    minimum: int = 5
    maximum: int = 100
    metric: str = "delayed_bed_days"
    first_only: bool = False
    """Judge precision on the first scenario only (``attribute``: the run as configured, since a
    counterfactual may remove nearly all delay, leaving a mean too small to be precise about)."""

    @property
    def most(self) -> int:
        return self.fixed if self.fixed is not None else self.maximum

    def describe(self) -> str:
        if self.fixed is not None:
            return f"{self.fixed} replication(s)"
        where = " of the configured run" if self.first_only else ""
        return (f"replications until the 95% interval of {self.metric}{where} is within ±{self.target:.1%} "
                f"of its mean ({self.minimum} to {self.maximum})")


@dataclass(frozen=True, eq=False)
class Task:
    """One replication of one scenario: everything a worker needs, and nothing else."""

    scenario: int
    replication: int
    config: Config
    seed: int
    tables: tuple[str, ...] = ()
    variant: Variant | None = None
    tag: tuple[str, Any] | None = None
    """A first column for the tables (``point`` in sweeps, ``config`` in comparisons)."""


@dataclass
class ReplicationRecord:
    """What one replication gives back: its scalar metrics and, if asked for, its tables."""

    scenario: int
    replication: int
    seed: int
    metrics: dict[str, float]
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Measured:
    """One replication, its metrics and, if asked for, its daily occupancy rows."""

    result: ReplicationResult
    metrics: dict[str, float]
    occupancy: dict[str, Any] | None


def measure(config: Config, replication: int, seed: int, variant: Variant | None = None,
            keep: bool = False, occupancy: bool = False) -> Measured:
    """Run one replication, accumulating its metrics (and daily occupancy) block by block as
    patients leave, so nothing per patient is kept unless ``keep`` asks for the records."""
    totals = ReplicationTotals(config.warmup_hours, config.horizon_hours)
    sinks: list[RecordSink] = [totals]
    daily = DailyOccupancy(config.horizon_hours) if occupancy else None
    if daily is not None:
        sinks.append(daily)
    result = run_replication(config, replication, seed, variant, sinks=sinks, keep=keep)
    return Measured(result, totals.metrics(result), daily.table(result) if daily is not None else None)


def simulate(task: Task) -> ReplicationRecord:
    """Run one task. Pure: the same task always gives the same record."""
    measured = measure(task.config, task.replication, task.seed, task.variant,
                       keep=any(name in RECORD_TABLES for name in task.tables),
                       occupancy="occupancy" in task.tables)
    tables = {name: measured.occupancy if name == "occupancy" else RECORD_TABLES[name](measured.result)
              for name in task.tables}
    return ReplicationRecord(
        scenario=task.scenario,
        replication=task.replication,
        seed=task.seed,
        metrics=measured.metrics,
        tables={name: _tagged(table, task.tag) for name, table in tables.items() if table is not None},
    )


def _tagged(columns: dict[str, Any], tag: tuple[str, Any] | None) -> dict[str, Any]:
    if tag is None:
        return columns
    n = len(next(iter(columns.values()))) if columns else 0
    return {tag[0]: np.full(n, tag[1], dtype=object), **columns}


@dataclass(frozen=True)
class Experiment:
    """Scenarios run under one seed and one replication plan."""

    kind: str
    """run, compare, sweep, warmup or attribute: decides which summaries are written."""
    scenarios: tuple[Scenario, ...]
    seed: int
    plan: ReplicationPlan
    tables: tuple[str, ...] = ()
    variant: Variant | None = None
    attribution: tuple[tuple[str, ...], str] | None = None
    """``attribute``: the conventions split and what each side is changed to (removal or benchmark)."""
    detail_format: str = "parquet"
    """How the per-patient and per-segment tables are written: ``parquet`` or ``csv``."""

    @property
    def scenario_column(self) -> str | None:
        """The column naming the scenario in tables that mix several: ``point`` or ``config``."""
        if len(self.scenarios) == 1 and self.kind != "sweep":
            return None
        return SCENARIO_COLUMNS.get(self.kind, "config")

    def scenario_key(self, index: int) -> Any:
        return index if self.kind == "sweep" else self.scenarios[index].label

    def task(self, scenario: int, replication: int) -> Task:
        column = self.scenario_column
        tag = None if column is None else (column, self.scenario_key(scenario))
        chosen = self.scenarios[scenario]
        variant = chosen.variant if chosen.variant is not None else self.variant
        return Task(scenario, replication, chosen.config, self.seed, self.tables, variant, tag)

    def fingerprint(self, version: str) -> str:
        """SHA-256 of everything that decides the results (not how they are computed: workers
        and scheduler are left out, as they never change a number)."""
        spec = {
            "kind": self.kind,
            "version": version,
            "seed": self.seed,
            "plan": [self.plan.fixed, self.plan.target, self.plan.minimum, self.plan.maximum, self.plan.metric,
                     *(["first_only"] if self.plan.first_only else [])],
            "tables": list(self.tables),
            # Named only when it is not CSV, so runs recorded before Parquet keep their fingerprints.
            **({"detail_format": self.detail_format}
               if self.detail_format != "csv" and any(t in RECORD_TABLES for t in self.tables) else {}),
            "variant": self.variant.label if self.variant else None,
            **({"attribution": [list(self.attribution[0]), self.attribution[1]]} if self.attribution else {}),
            "scenarios": [[s.label, [list(kv) for kv in s.settings], config_to_dict(s.config),
                           *([s.variant.label] if s.variant is not None else [])] for s in self.scenarios],
        }
        text = json.dumps(spec, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- comparisons and sweeps ---------------------------------------------------------------------

RUN_KEYS = ("days", "warmup_days", "replications", "seed")


def shared_run_settings(configs: Sequence[Config]) -> tuple[list[Config], list[str]]:
    """Give every config the ``run`` section of the first, so replications pair up exactly.

    Returns the configs and a note for each config whose own run settings were replaced.
    """
    first = configs[0].run
    out, notes = [configs[0]], []
    for cfg in configs[1:]:
        differing = [k for k in RUN_KEYS if getattr(cfg.run, k) != getattr(first, k)]
        if differing:
            notes.append(f"{cfg.name}: uses the run settings of {configs[0].name} "
                         f"({', '.join(f'{k} {getattr(first, k)}' for k in differing)}) so every replication pairs up")
            cfg = cfg.model_copy(update={"run": first})
        out.append(cfg)
    return out, notes


def scenario_labels(names: Sequence[str], fallbacks: Sequence[str]) -> list[str]:
    """Config names as labels; where two clash, the fallback (file stem); then a counter."""
    labels = [n if names.count(n) == 1 else f for n, f in zip(names, fallbacks)]
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if labels.count(label) == 1 else f"{label}#{seen[label]}")
    return unique


def sweep_scenarios(base: Mapping[str, Any], grid: Sequence[tuple[str, Sequence[Any]]],
                    source: str = "config") -> list[Scenario]:
    """Every combination of the swept values, in the order given, each validated as a config.

    ``base`` is the raw config (as read from YAML); each key is a dotted path into it.
    """
    scenarios = []
    keys = [key for key, _ in grid]
    for values in itertools.product(*(vals for _, vals in grid)):
        settings = tuple(zip(keys, values))
        label = ",".join(f"{k}={_show(v)}" for k, v in settings)
        try:
            config = config_from_dict(apply_overrides(base, dict(settings)), source=f"{source} with {label}")
        except ConfigError as exc:
            raise ConfigError(f"sweep point {label}: {exc}") from None
        scenarios.append(Scenario(label=label, config=config, settings=settings))
    return scenarios


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)
