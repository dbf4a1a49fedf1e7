"""The calibrate command: rounds of grid points on the execution engine, and its results folder.

The search itself (grid, loss, refinement, the fitted YAML) is in :mod:`discharge_sim.experiments.calibration`.
Every replication of every round is kept in one store as it finishes, round ``k`` as stage ``k``
of :mod:`discharge_sim.api.points`, so an interrupted calibration resumes where it
stopped: rounds already run are read back, and give the same next box, because the same seed
gives the same numbers.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from discharge_sim.analysis.statistics import summarise
from discharge_sim.api.errors import UsageError
from discharge_sim.api.points import known_metrics, point_configs, point_store, run_stage
from discharge_sim.api.runner import Say, Where, run_overrides, silent
from discharge_sim.config import Config, ConfigError, apply_overrides, config_from_dict, read_config
from discharge_sim.experiments.calibration import (
    MAX_POINTS_PER_ROUND,
    MIN_POINTS,
    Box,
    Parameter,
    Target,
    best_point,
    grid,
    load_targets,
    lookup,
    loss,
    parameter,
    refine,
    replace_values,
)
from discharge_sim.experiments.identifiability import METHOD, Identifiability, identifiability
from discharge_sim.experiments.specification import ReplicationPlan
from discharge_sim.io.formats import write_json, write_table
from discharge_sim.io.manifests import tool, when_and_where
from discharge_sim.io.storage import PartialResults
from discharge_sim.present.progress import Progress
from discharge_sim.version import __version__


@dataclass
class Evaluated:
    """One grid point's results."""

    round: int
    point: int
    values: tuple[float | int, ...]
    loss: float
    summary: dict[str, dict[str, float]]


@dataclass
class CalibrationJob:
    """A calibration ready to run: the config, its targets, what to vary and how to search."""

    path: Path
    raw: dict[str, Any]
    base: Config
    targets: list[Target]
    targets_path: Path
    parameters: list[Parameter]
    points: int
    rounds: int
    evaluated: list[Evaluated] = field(default_factory=list)

    @classmethod
    def prepare(cls, path: Path, raw: dict[str, Any], targets_path: Path,
                vary: Sequence[tuple[str, float, float]], points: int, rounds: int) -> CalibrationJob:
        """Check everything before any run: the config, the targets, each range's two ends."""
        base = config_from_dict(raw, source=str(path))
        keys = [key for key, _, _ in vary]
        for key in keys:
            if keys.count(key) > 1:
                raise ConfigError(f"--vary {key}: given more than once")
        parameters = [parameter(key, lo, hi, raw) for key, lo, hi in vary]
        for end in ("low", "high"):
            values = {p.key: (round(getattr(p, end)) if p.integer else getattr(p, end)) for p in parameters}
            config_from_dict(apply_overrides(raw, values), source=f"{path} with every --vary at its {end} end")
        targets = load_targets(targets_path, known_metrics(base))
        replace_values(path.read_text(encoding="utf-8"), {p.key: lookup(raw, p.key) for p in parameters})
        job = cls(path, raw, base, targets, targets_path, parameters, points, rounds)
        if job.points_per_round > MAX_POINTS_PER_ROUND:
            raise ConfigError(f"{job.points_per_round} grid points per round ({points} per setting, "
                              f"{len(parameters)} settings); at most {MAX_POINTS_PER_ROUND}: lower --points or "
                              "vary fewer settings at once")
        return job

    @property
    def replications(self) -> int:
        return self.base.run.replications

    @property
    def seed(self) -> int:
        return self.base.run.seed

    @property
    def points_per_round(self) -> int:
        return len(grid(self.parameters, self._start_box(), self.points))

    def _start_box(self) -> Box:
        return tuple((p.low, p.high) for p in self.parameters)

    def fingerprint(self, version: str) -> str:
        spec = {
            "version": version, "config": self.raw, "targets": [[t.metric, t.value, t.tolerance] for t in self.targets],
            "parameters": [[p.key, p.low, p.high, p.integer] for p in self.parameters],
            "points": self.points, "rounds": self.rounds,
        }
        text = json.dumps(spec, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    # --- running ------------------------------------------------------------------------
    def search(self, store: PartialResults, workers: int, scheduler: str | None,
               say: Callable[[str], None], progress: Progress) -> Evaluated:
        """Run every round (or read back those already run); return the best point found."""
        box = self._start_box()
        keys = [p.key for p in self.parameters]
        self.evaluated = []
        seen: dict[tuple[float | int, ...], Evaluated] = {}
        for k in range(self.rounds):
            points = grid(self.parameters, box, self.points)
            new = [values for values in points if values not in seen]  # a point is run once
            if new:
                configs = point_configs(self.raw, [dict(zip(keys, values, strict=True)) for values in new],
                                        str(self.path), f"round {k + 1} point")
                ran = run_stage(store, k, configs, self.seed, ReplicationPlan(fixed=self.replications), workers,
                                scheduler, progress)
                for i, values in enumerate(new):
                    summary = summarise(ran.rows[i])
                    means = {name: ci["mean"] for name, ci in summary.items()}
                    seen[values] = Evaluated(k, i, values, loss(means, self.targets), summary)
                    self.evaluated.append(seen[values])
            round_points = [seen[values] for values in points]
            best = round_points[best_point([e.loss for e in round_points])]
            say(f"round {k + 1}: {len(points)} point(s), {len(new)} new; best loss {best.loss:.4g} at "
                + ", ".join(f"{key}={v}" for key, v in zip(keys, best.values, strict=True)))
            box = refine(self.parameters, box, best.values, self.points)
        return self.best

    @property
    def best(self) -> Evaluated:
        return self.evaluated[best_point([e.loss for e in self.evaluated])]

    # --- results ------------------------------------------------------------------------
    def document(self) -> dict[str, Any]:
        """calibration.json: the search, the targets, and the fit at the best point."""
        best = self.best
        fit = []
        for t in self.targets:
            ci = best.summary.get(t.metric, {})
            mean = ci.get("mean", math.nan)
            fit.append({"metric": t.metric, "target": t.value, "tolerance": t.tolerance, "mean": mean,
                        "ci_low": ci.get("ci_low", math.nan), "ci_high": ci.get("ci_high", math.nan),
                        "within_tolerance": t.met(mean), "precise": t.precise(ci.get("half_width", math.nan))})
        return {
            "config": self.base.name,
            "config_path": str(self.path),
            "targets_path": str(self.targets_path),
            "method": "grid with refinement; loss = sum of ((mean - target) / tolerance)^2",
            "replications": self.replications,
            "seed": self.seed,
            "points_per_setting": self.points,
            "rounds": self.rounds,
            "parameters": [{"key": p.key, "low": p.low, "high": p.high, "integer": p.integer} for p in self.parameters],
            "evaluated_points": len(self.evaluated),
            "best": {"round": best.round + 1, "point": best.point, "loss": best.loss,
                     "settings": {p.key: v for p, v in zip(self.parameters, best.values, strict=True)}},
            "fit": fit,
            "all_within_tolerance": all(row["within_tolerance"] for row in fit),
            "identifiability": identifiability_section(self.identifiability()),
        }

    def identifiability(self) -> Identifiability:
        """Which varied settings the targets pin, judged on the first round (the grid over the full ranges)."""
        first = [e for e in self.evaluated if e.round == 0]
        means = [[e.summary.get(t.metric, {}).get("mean", math.nan) for t in self.targets] for e in first]
        return identifiability(self.parameters, [e.values for e in first], means, self.targets)

    def table(self) -> dict[str, np.ndarray]:
        """calibration.csv: a row per evaluated point, in the order run."""
        cols: dict[str, Any] = {
            "round": np.asarray([e.round + 1 for e in self.evaluated]),
            "point": np.asarray([e.point for e in self.evaluated]),
        }
        for i, p in enumerate(self.parameters):
            cols[p.key] = np.asarray([e.values[i] for e in self.evaluated], dtype=object)
        cols["loss"] = np.asarray([e.loss for e in self.evaluated], dtype=float)
        for t in self.targets:
            for stat in ("mean", "ci_low", "ci_high"):
                cols[f"{t.metric}_{stat}"] = np.asarray(
                    [e.summary.get(t.metric, {}).get(stat, math.nan) for e in self.evaluated], dtype=float)
        return cols

    def fitted_text(self) -> str:
        """The config file as written, with the fitted values in place and a note at the top."""
        best = self.best
        values = dict(zip([p.key for p in self.parameters], best.values, strict=True))
        text = replace_values(self.path.read_text(encoding="utf-8"), values)
        note = [f"# Fitted by discharge-sim calibrate from {self.path} against {self.targets_path}",
                f"# ({self.replications} replication(s) per point, seed {self.seed}; loss {best.loss:.4g}):"]
        note += [f"#   {key} = {value}" for key, value in values.items()]
        return "\n".join(note) + "\n" + text

    def write(self, folder: Path, manifest: Mapping[str, Any]) -> None:
        write_table(folder / "calibration.csv", self.table())
        write_json(folder / "calibration.json", self.document())
        (folder / "fitted.yaml").write_text(self.fitted_text(), encoding="utf-8")
        write_json(folder / "manifest.json", manifest)


def identifiability_section(found: Identifiability) -> dict[str, Any]:
    """calibration.json's ``identifiability``: a verdict per setting, the singular values, J and the method."""
    return {
        "method": METHOD,
        "points": found.points,
        "note": found.note,
        "settings": {v.key: {"verdict": v.verdict, "reason": v.reason} for v in found.verdicts},
        "singular_values": list(found.singular_values),
        "sensitivity": {"targets": list(found.targets), "settings": list(found.settings),
                        "values": found.sensitivity.tolist()},
        "flat_directions": [{"loadings": dict(zip(found.settings, d.loadings, strict=True)), "movement": d.movement,
                             "flagged": list(d.flagged)} for d in found.flat],
    }


@dataclass
class Calibrated:
    """A finished calibration: its folder and the job, whose ``document()`` is calibration.json."""

    out: Path
    job: CalibrationJob

    @property
    def document(self) -> dict[str, Any]:
        return self.job.document()


def calibrate(config: str | Path, targets: str | Path, vary: Sequence[tuple[str, float, float]], *,
              points: int = 5, rounds: int = 3, replications: int | None = None, seed: int | None = None,
              days: float | None = None, warmup_days: float | None = None, out: str | Path | None = None,
              workers: int | None = None, scheduler: str | None = None, resume: bool = False,
              say: Say = silent, progress: Progress = False,
              command: Sequence[str] = ("discharge_sim.api.calibrate",)) -> Calibrated:
    """Fit the ``vary`` settings (dotted key, low, high) of the config at ``config`` so that the
    means of its runs match ``targets`` (a YAML file of metric values and tolerances): grid search
    with refinement, every point under the same seeds. Writes calibration.csv, calibration.json and
    fitted.yaml (the config file with the fitted values, comments kept)."""
    if isinstance(replications, str | bool):
        raise UsageError("calibrate: --replications must be a number; every grid point runs the same replications")
    if points < MIN_POINTS:
        raise UsageError(f"--points {points}: at least {MIN_POINTS}, so that each round narrows the search")
    for key, _, _ in vary:
        if key.startswith("run."):
            raise UsageError(f"--vary {key}: run settings are not calibrated; use --days, --warmup-days, "
                             "--replications or --seed")
    path = Path(config)
    raw = apply_overrides(read_config(path), run_overrides(days, warmup_days, seed, replications))
    job = CalibrationJob.prepare(path, raw, Path(targets), vary, points, rounds)
    where = Where(Path(out) if out is not None else None, workers, scheduler, resume, False, say, progress,
                  tuple(command))
    workers_used = where.worker_count
    say(f"discharge-sim {__version__}: calibrate {job.base.name}: {len(job.parameters)} setting(s), "
        f"{rounds} round(s) of up to {job.points_per_round} point(s), {job.replications} replication(s) "
        f"each, seed {job.seed}, {where.describe()}")
    fingerprint = job.fingerprint(__version__)
    with point_store(fingerprint, where, f"calibrate-{job.base.name}", say) as store:
        job.search(store, workers_used, scheduler, say, progress=progress)
        manifest = {
            **tool(where.command), "kind": "calibrate", "config_path": str(path), "targets_path": str(targets),
            "seed": job.seed, "replications": job.replications, **when_and_where(store, workers_used, scheduler),
            "calibration_sha256": fingerprint,
        }
        store.finish(lambda folder: job.write(folder, manifest))
    return Calibrated(store.out, job)
