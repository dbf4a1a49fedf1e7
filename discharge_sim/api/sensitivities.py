"""The sensitivity command: Morris screening of every declared assumption, then Sobol indices of
the most influential, on the headline outputs, into a results folder.

Stage 1 runs a Morris design over every declared setting; stage 2 a Saltelli design over the
``top`` settings with the largest mu* on either side's share or on all delayed bed-days (the
answer and its size; boarding hours, noisier, would let noise choose), every other setting at the
config's own value. Both
stages keep their replications in one store as they finish, so an interrupted run resumes;
the folder appears whole or not at all. Designs and estimators are in
:mod:`discharge_sim.experiments.sensitivity`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from discharge_sim.api.assumptions import Assumptions, check_positive, noise, points_table, undefined
from discharge_sim.api.errors import UsageError
from discharge_sim.api.points import check_points, point_configs, point_store, run_stage
from discharge_sim.api.runner import Replications, Say, Where, silent
from discharge_sim.config import Config
from discharge_sim.config.limits import MOST_SAMPLES, MOST_TRAJECTORIES
from discharge_sim.experiments.sampling import from_unit
from discharge_sim.experiments.sensitivity import (
    CONF_LEVEL,
    LEVELS,
    Apportioned,
    Screened,
    morris_design,
    morris_indices,
    most_influential,
    sobol_design,
    sobol_indices,
)
from discharge_sim.io.formats import write_json, write_table
from discharge_sim.io.manifests import tool, when_and_where
from discharge_sim.present.progress import Progress
from discharge_sim.version import __version__

TOP = 4
"""Settings given Sobol indices by default (fewer if fewer are declared): with 32 base samples,
192 points."""


@dataclass
class Sensitivity:
    """A finished sensitivity run: its folder and sensitivity.json as written."""

    out: Path
    document: dict[str, Any]


def sensitivity(config: Config | str | Path | None = None, *, trajectories: int = 10, top: int | None = None,
                samples: int = 32,
                convention: str | None = None, replications: Replications = None,
                target_half_width: float | None = None, min_replications: int | None = None,
                max_replications: int | None = None, seed: int | None = None, days: float | None = None,
                warmup_days: float | None = None, out: str | Path | None = None, workers: int | None = None,
                scheduler: str | None = None, resume: bool = False, plots: bool = True, say: Say = silent,
                progress: Progress = False, command: Sequence[str] = ("discharge_sim.api.sensitivity",)) -> Sensitivity:
    """How much each declared assumption of ``config`` moves the headline outputs: Morris screening
    (``trajectories`` paths) of every one, then first-order and total Sobol indices (``samples``
    base samples) of the ``top`` most influential. Writes sensitivity.json, morris.csv, sobol.csv,
    the points of both designs and figures (a tornado chart and Sobol bars)."""
    check_positive("--trajectories", trajectories, 2, MOST_TRAJECTORIES)
    check_positive("--samples", samples, 2, MOST_SAMPLES)
    if samples & (samples - 1):
        raise UsageError(f"--samples {samples}: a power of 2 (16, 32, 64, ...), as Sobol sequences need")
    job = Assumptions.prepare(config, convention, replications, target_half_width, min_replications,
                              max_replications, seed, days, warmup_days)
    top = min(TOP, len(job.keys)) if top is None else top
    check_positive("--top", top, 1, len(job.keys))
    check_points(trajectories * (len(job.keys) + 1), "the Morris design (--trajectories)")
    check_points(samples * (top + 2), "the Sobol design (--samples, --top)")
    where = Where(Path(out) if out is not None else None, workers, scheduler, resume, plots, say, progress,
                  tuple(command))
    design = {"trajectories": trajectories, "levels": LEVELS, "top": top, "samples": samples, "seed": job.seed,
              "convention": job.sides.convention}  # the Sobol stage's settings are chosen under the convention
    morris_unit = morris_design(job.keys, trajectories, job.seed)
    morris_points = from_unit(job.base, job.keys, morris_unit)
    morris_configs = point_configs(job.raw, [morris_points.overrides(i) for i in range(len(morris_points))],
                                   str(job.path), "Morris point")
    say(f"discharge-sim {__version__}: sensitivity of {job.base.name}: {len(job.keys)} declared setting(s); "
        f"Morris screening ({len(morris_points)} points), then Sobol indices of the {top} most influential "
        f"({samples * (top + 2)} points); {job.plan.describe()} at each, seed {job.seed}, {where.describe()}")
    fingerprint = job.fingerprint("sensitivity", __version__, design)
    clock = time.perf_counter()
    with point_store(fingerprint, where, f"sensitivity-{job.base.name}", say) as store:
        screening = run_stage(store, 0, morris_configs, job.seed, job.plan, where.worker_count, scheduler, progress)
        morris_outputs = job.outputs(screening.rows)
        screened = morris_indices(job.keys, morris_unit,
                                  {name: stats["mean"] for name, stats in morris_outputs.items()}, job.seed)
        chosen = most_influential(screened, (*job.sides.outputs[:2], "delayed_bed_days"), top)
        say(f"screening: {screening.replications} replication(s) a point; most influential: {', '.join(chosen)}")
        sobol_unit = sobol_design(chosen, samples, job.seed)
        sobol_points = from_unit(job.base, tuple(chosen), sobol_unit)
        sobol_configs = point_configs(job.raw, [sobol_points.overrides(i) for i in range(len(sobol_points))],
                                      str(job.path), "Sobol point")
        variance = run_stage(store, 1, sobol_configs, job.seed, job.plan, where.worker_count, scheduler, progress)
        sobol_outputs = job.outputs(variance.rows)
        apportioned = sobol_indices(chosen, {name: stats["mean"] for name, stats in sobol_outputs.items()}, job.seed)
        wall = time.perf_counter() - clock
        document = {
            **job.header("sensitivity"),
            "confidence_level": CONF_LEVEL,
            "morris": {
                "trajectories": trajectories, "levels": LEVELS, "points": len(morris_points),
                "replications": screening.replications, "replication_rule": screening.rule,
                "noise": noise(morris_outputs),
                "undefined": undefined(morris_outputs),
                "indices": _screened(screened),
            },
            "most_influential": chosen,
            "sobol": {
                "samples": samples, "points": len(sobol_points), "settings": chosen,
                "others_at": "the config's own values",
                "replications": variance.replications, "replication_rule": variance.rule,
                "noise": noise(sobol_outputs),
                "undefined": undefined(sobol_outputs),
                "indices": _apportioned(apportioned),
            },
            "replication_plan": job.plan.describe(),
            "wall_seconds": wall,
        }
        manifest = {**tool(where.command), "kind": "sensitivity", "config_path": str(job.path), "seed": job.seed,
                    "design": design, **when_and_where(store, where.worker_count, scheduler),
                    "wall_seconds": wall, "sensitivity_sha256": fingerprint}

        def write(folder: Path) -> None:
            write_json(folder / "sensitivity.json", document)
            write_json(folder / "manifest.json", manifest)
            write_table(folder / "morris.csv", _morris_table(screened))
            write_table(folder / "sobol.csv", _sobol_table(apportioned))
            write_table(folder / "morris_points.csv", points_table(morris_points, morris_outputs))
            write_table(folder / "sobol_points.csv", points_table(sobol_points, sobol_outputs))
            if plots:
                from discharge_sim.present.assumption_figures import draw_sensitivity

                draw_sensitivity(folder, document)

        store.finish(write)
    return Sensitivity(store.out, document)


def _screened(screened: dict[str, Screened]) -> dict[str, dict[str, dict[str, float]]]:
    return {name: {key: {"mu_star": s.mu_star[key].value, "mu_star_low": s.mu_star[key].low,
                         "mu_star_high": s.mu_star[key].high, "mu": s.mu[key], "sigma": s.sigma[key]}
                   for key in s.mu_star} for name, s in screened.items()}


def _apportioned(apportioned: dict[str, Apportioned]) -> dict[str, dict[str, Any]]:
    return {name: {"variance": a.variance,
                   "settings": {key: {"first": a.first[key].value, "first_low": a.first[key].low,
                                      "first_high": a.first[key].high, "total": a.total[key].value,
                                      "total_low": a.total[key].low, "total_high": a.total[key].high}
                                for key in a.first}}
            for name, a in apportioned.items()}


def _morris_table(screened: dict[str, Screened]) -> dict[str, np.ndarray]:
    rows = [(name, key, s.mu_star[key].value, s.mu_star[key].low, s.mu_star[key].high, s.mu[key], s.sigma[key])
            for name, s in screened.items() for key in s.mu_star]
    names = ("output", "setting", "mu_star", "mu_star_low", "mu_star_high", "mu", "sigma")
    return {col: np.asarray([r[i] for r in rows], dtype=object if i < 2 else float) for i, col in enumerate(names)}


def _sobol_table(apportioned: dict[str, Apportioned]) -> dict[str, np.ndarray]:
    rows = [(name, key, a.first[key].value, a.first[key].low, a.first[key].high, a.total[key].value,
             a.total[key].low, a.total[key].high) for name, a in apportioned.items() for key in a.first]
    names = ("output", "setting", "first", "first_low", "first_high", "total", "total_low", "total_high")
    return {col: np.asarray([r[i] for r in rows], dtype=object if i < 2 else float) for i, col in enumerate(names)}
