"""Replications of a scenario under one seed, and their results as tables and summaries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from .config import Config
from .discharge import Variant
from .model import ReplicationResult, run_replication
from .results import (
    occupancy_table,
    patient_table,
    replication_metrics,
    segment_table,
    summarise,
)

TABLES = ("replications", "patients", "delays", "occupancy")


@dataclass
class ExperimentResult:
    """All replications of one config under one seed."""

    config: Config
    seed: int
    replications: list[ReplicationResult] = field(default_factory=list)

    @cached_property
    def metrics(self) -> list[dict[str, float]]:
        """One dict of scalar results per replication."""
        return [replication_metrics(r) for r in self.replications]

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
        per_replication = {"patients": patient_table, "delays": segment_table, "occupancy": occupancy_table}
        if name not in per_replication:
            raise ValueError(f"unknown table {name!r}; tables: {', '.join(TABLES)}")
        parts = [per_replication[name](r) for r in self.replications]
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
        rep = run_replication(config, r, seed, variant)
        result.replications.append(rep)
        if on_replication is not None:
            on_replication(rep)
    return result
