"""What the sensitivity and uncertainty commands share: the config and its declared assumptions,
the sides compared, the replication plan, and the headline outputs of every point run.

Both vary only the settings the config declares uncertain (``uncertainty:``), each over its
declared distribution, and follow the same headline outputs under one attribution convention
(:mod:`discharge_sim.analysis.headline`). By default every point runs replications by the auto
rule (until the 95% interval of delayed bed-days is within 10% of its mean at every point of a
stage, from 3 to 8), so that a point's mean is the setting's effect, not one draw's luck.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from discharge_sim.analysis.headline import Sides, headline, sides_of
from discharge_sim.analysis.sides import SideConvention, resolve
from discharge_sim.api.errors import UsageError
from discharge_sim.api.points import Rows
from discharge_sim.api.runner import Replications, as_config, replication_plan, run_overrides
from discharge_sim.config import Config, config_to_dict, flatten
from discharge_sim.experiments.sampling import Design, declared_keys
from discharge_sim.experiments.specification import ReplicationPlan
from discharge_sim.vocabulary import UNATTRIBUTED

AUTO = {"target_half_width": 0.10, "min_replications": 3, "max_replications": 8}
"""The auto rule's defaults for commands that run many points: a point's mean need only be steady
enough to tell settings apart, not as precise as a single run's headline (5%, 5 to 100). The
baseline's default sample needs 6 to 8 (its cap); the noise is reported beside the spread over
the points."""


@dataclass(frozen=True)
class Assumptions:
    """A config ready to have its declared assumptions varied."""

    path: Path
    raw: dict[str, Any]
    base: Config
    keys: tuple[str, ...]
    sides: Sides
    convention: SideConvention
    plan: ReplicationPlan

    @classmethod
    def prepare(cls, config: Config | str | Path | None, convention: str | None, replications: Replications,
                target_half_width: float | None, min_replications: int | None, max_replications: int | None,
                seed: int | None, days: float | None, warmup_days: float | None) -> Assumptions:
        """Load and check everything before any run."""
        base, source = as_config(config, run_overrides(days, warmup_days, seed, replications))
        path = Path(source)
        if not base.uncertainty:
            raise UsageError(f"{path}: declares no uncertain setting; list the assumptions to vary, with their "
                             "ranges and sources, in its uncertainty: section (see configs/baseline.yaml)")
        name = convention or base.attribution.conventions[0]
        try:
            resolved = resolve(base, name)
        except ValueError as exc:
            raise UsageError(f"--convention {name}: {exc}") from None
        if replications is None:
            replications = "auto"
        if replications == "auto":
            target_half_width = AUTO["target_half_width"] if target_half_width is None else target_half_width
            min_replications = int(AUTO["min_replications"]) if min_replications is None else min_replications
            max_replications = int(AUTO["max_replications"]) if max_replications is None else max_replications
        plan = replication_plan(base, replications, target_half_width, min_replications, max_replications)
        return cls(path, config_to_dict(base), base, declared_keys(base), sides_of(name, resolved), resolved, plan)

    @property
    def seed(self) -> int:
        return self.base.run.seed

    def ranges(self) -> dict[str, tuple[float, float]]:
        return {key: (self.base.uncertainty[key].low, self.base.uncertainty[key].high) for key in self.keys}

    def own_values(self) -> dict[str, float]:
        current = flatten(self.raw)
        return {key: float(current[key]) for key in self.keys}

    def declared(self) -> list[dict[str, Any]]:
        """Each varied setting: its range, distribution, the config's own value, source, and the
        side whose assumption it is under the convention."""
        own = self.own_values()
        return [{"key": key, **self.base.uncertainty[key].model_dump(exclude_none=True), "config_value": own[key],
                 "side": self.side_of(key)} for key in self.keys]

    def side_of(self, key: str) -> str:
        """The side a setting belongs to: its step's, staff team's or pool's under the convention;
        the hospital's for the hospital's own settings (its board round); otherwise none."""
        what, _, rest = key.partition(".")
        name = rest.split(".")[0]
        item = {"steps": f"step:{name}", "staff": f"staff:{name}", "pools": f"pool:{name}"}.get(what)
        if item is not None:
            return self.convention.sides.get(item, UNATTRIBUTED)
        return self.sides.first if what == "hospital" else UNATTRIBUTED

    def fingerprint(self, kind: str, version: str, design: Mapping[str, Any]) -> str:
        """What decides the runs: the config, the design (with anything that chooses its points,
        such as sensitivity's convention) and the replication plan."""
        spec = {"kind": kind, "version": version, "config": self.raw, "design": dict(design),
                "plan": [self.plan.fixed, self.plan.target, self.plan.minimum, self.plan.maximum, self.plan.metric]}
        text = json.dumps(spec, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def outputs(self, rows: Rows) -> dict[str, dict[str, np.ndarray]]:
        """Per headline output, its mean and 95% half-width at every point."""
        per_point = [headline(self.sides, self.convention, point) for point in rows]
        return {name: {stat: np.asarray([p[name][stat] for p in per_point], dtype=float)
                       for stat in ("mean", "half_width")} for name in self.sides.outputs}

    def header(self, kind: str) -> dict[str, Any]:
        """The fields every sensitivity or uncertainty document opens with: what was run, under
        which convention, with which declared settings."""
        return {"kind": kind, "config": self.base.name, "config_path": str(self.path),
                "convention": self.sides.convention, "sides": [self.sides.first, self.sides.second],
                "convention_note": self.convention_note(), "outputs": list(self.sides.outputs),
                "declared": self.declared(), "side_labels": self.labels(), "seed": self.seed}

    def labels(self) -> dict[str, str]:
        return self.sides.labels(self.convention)

    def convention_note(self) -> str:
        return (f"Sides under the {self.sides.convention!r} convention ({self.convention.description}): "
                f"{self.sides.note(self.convention)}. Each side's delayed bed-days as the ledger records them "
                "(necessary hours left out); shares as ratios of totals over each point's replications.")


def points_table(design: Design, outputs: Mapping[str, Mapping[str, np.ndarray]],
                 extra: Mapping[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """A row per point: its settings, each output's mean and 95% half-width, and any ``extra``."""
    columns: dict[str, np.ndarray] = {"point": np.arange(1, len(design) + 1)}
    for j, key in enumerate(design.keys):
        columns[key] = design.values[:, j]
    for name, stats in outputs.items():
        columns[name] = stats["mean"]
        columns[f"{name}_half_width"] = stats["half_width"]
    for name, values in (extra or {}).items():
        columns[name] = values
    return columns


def noise(outputs: Mapping[str, Mapping[str, np.ndarray]]) -> dict[str, dict[str, float]]:
    """Per output, the spread of its means over the points beside the typical noise of one point's
    mean (the median 95% half-width): settings' effects can be read only where the first is larger."""
    out = {}
    for name, stats in outputs.items():
        means, halves = stats["mean"], stats["half_width"]
        finite = means[np.isfinite(means)]
        out[name] = {"sd_over_points": float(finite.std(ddof=1)) if finite.size > 1 else math.nan,
                     "median_half_width": float(np.nanmedian(halves)) if np.isfinite(halves).any() else math.nan}
    return out


def undefined(outputs: Mapping[str, Mapping[str, np.ndarray]]) -> dict[str, int]:
    """Outputs with no value at some points (a share where a point had no delay at all), and at how
    many: indices over such an output are not computed."""
    return {name: int((~np.isfinite(stats["mean"])).sum()) for name, stats in outputs.items()
            if not np.isfinite(stats["mean"]).all()}


def check_positive(name: str, value: int, low: int = 1, high: int | None = None) -> None:
    if value < low or (high is not None and value > high):
        allowed = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise UsageError(f"{name} {value}: a whole number {allowed}")
