"""The uncertainty command (probabilistic sensitivity analysis): the answer over a space-filling
sample of the declared assumptions, and over the points the calibration targets allow.

A Latin hypercube of the declared settings is run, every point under the same seeds; the
headline outputs' distribution over the points, the probability that one side's delay exceeds the
other's, the drivers of the split and the thresholds at which its majority changes side are in
:mod:`discharge_sim.experiments.uncertainty`. With targets, the points whose outputs match them
(history matching by rejection) give the answer "given the figures", beside the prior range.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from discharge_sim.analysis.statistics import summarise
from discharge_sim.api.assumptions import Assumptions, check_positive, noise, points_table, undefined
from discharge_sim.api.errors import UsageError
from discharge_sim.api.points import Rows, known_metrics, point_configs, point_store, run_stage
from discharge_sim.api.runner import Replications, Say, Where, silent
from discharge_sim.config import Config, ConfigError, apply_overrides, config_from_dict, flatten
from discharge_sim.config.limits import MOST_SAMPLE_POINTS
from discharge_sim.experiments.calibration import Target, load_targets
from discharge_sim.experiments.sampling import Design, latin_hypercube
from discharge_sim.experiments.uncertainty import (
    RANGE,
    Matched,
    Spread,
    history_match,
    proportion,
    rank_coefficients,
    spread,
    thresholds,
)
from discharge_sim.io.formats import write_json, write_table
from discharge_sim.io.manifests import tool, when_and_where
from discharge_sim.present.progress import Progress
from discharge_sim.version import __version__

DRIVERS = 3
"""Settings shown in the scatter plots and the terminal: the largest rank coefficients."""
CUTOFF = 1.0
"""Targets met within their tolerance (noise allowed for), as calibrate's "within tolerance"."""
CUTOFFS = (1.0, 2.0, 3.0)
"""Cutoffs the answer given the targets is also shown at (3 is history matching's usual choice)."""
FEW_KEPT = 10
"""Fewer points kept than this, and the range given the targets is said to be unreliable."""


@dataclass
class Uncertainty:
    """A finished uncertainty run: its folder, uncertainty.json as written, and every point's
    replications (metrics by replication), for notebooks and tests."""

    out: Path
    document: dict[str, Any]
    design: Design
    rows: Rows


def uncertainty(config: Config | str | Path | None = None, *, points: int = 128, targets: str | Path | None = None,
                cutoff: float | None = None, convention: str | None = None, replications: Replications = None,
                target_half_width: float | None = None, min_replications: int | None = None,
                max_replications: int | None = None, seed: int | None = None, days: float | None = None,
                warmup_days: float | None = None, out: str | Path | None = None, workers: int | None = None,
                scheduler: str | None = None, resume: bool = False, plots: bool = True, say: Say = silent,
                progress: Progress = False, command: Sequence[str] = ("discharge_sim.api.uncertainty",)) -> Uncertainty:
    """The headline outputs of ``config`` over a Latin hypercube of ``points`` points of its declared
    assumptions: each output's median and 90% range, the probability that the first side's delay
    exceeds the second's, drivers and thresholds; with ``targets`` (a calibrate targets file) the
    same over the points that match them within tolerance (implausibility at most ``cutoff``).
    Writes uncertainty.json, points.csv and figures."""
    check_positive("--points", points, 2, MOST_SAMPLE_POINTS)
    if cutoff is not None and targets is None:
        raise UsageError("--cutoff: only with --targets")
    cutoff = CUTOFF if cutoff is None else cutoff
    if not (math.isfinite(cutoff) and cutoff > 0):
        raise UsageError(f"--cutoff {cutoff}: a positive number of tolerances, such as 1 (within tolerance) or 3")
    job = Assumptions.prepare(config, convention, replications, target_half_width, min_replications,
                              max_replications, seed, days, warmup_days)
    wanted: list[Target] = load_targets(targets, known_metrics(job.base)) if targets is not None else []
    where = Where(Path(out) if out is not None else None, workers, scheduler, resume, plots, say, progress,
                  tuple(command))
    design = latin_hypercube(job.base, points, job.seed)
    configs = point_configs(job.raw, [design.overrides(i) for i in range(len(design))], str(job.path), "point")
    say(f"discharge-sim {__version__}: uncertainty of {job.base.name}: a Latin hypercube of {points} points over "
        f"{len(job.keys)} declared setting(s); {job.plan.describe()} at each, seed {job.seed}, {where.describe()}")
    fingerprint = job.fingerprint("uncertainty", __version__, {"points": points, "seed": job.seed})
    clock = time.perf_counter()
    with point_store(fingerprint, where, f"uncertainty-{job.base.name}", say) as store:
        runs = run_stage(store, 0, configs, job.seed, job.plan, where.worker_count, scheduler, progress)
        outputs = job.outputs(runs.rows)
        matched = history_match(wanted, [summarise(rows) for rows in runs.rows], cutoff) if wanted else None
        document = _document(job, design, outputs, matched, wanted, runs.replications, runs.rule, targets)
        document["wall_seconds"] = time.perf_counter() - clock
        manifest = {**tool(where.command), "kind": "uncertainty", "config_path": str(job.path), "seed": job.seed,
                    "points": points, **({"targets_path": str(targets)} if targets is not None else {}),
                    **when_and_where(store, where.worker_count, scheduler),
                    "wall_seconds": document["wall_seconds"], "uncertainty_sha256": fingerprint}
        extra = {} if matched is None else {"implausibility": matched.implausibility, "kept": matched.kept}
        table = points_table(design, outputs, extra)

        def write(folder: Path) -> None:
            write_json(folder / "uncertainty.json", document)
            write_json(folder / "manifest.json", manifest)
            write_table(folder / "points.csv", table)
            if plots:
                from discharge_sim.present.assumption_figures import draw_uncertainty

                draw_uncertainty(folder, document, table)

        store.finish(write)
    return Uncertainty(store.out, document, design, runs.rows)


def _possible(job: Assumptions, key: str, value: float | None) -> bool:
    """Whether the config can take ``value`` at ``key`` at all (a probability above 1 it cannot)."""
    if value is None:
        return False
    whole = isinstance(flatten(job.raw)[key], int)
    try:
        config_from_dict(apply_overrides(job.raw, {key: round(value) if whole else value}))
    except ConfigError:
        return False
    return True


def _at_cutoff(job: Assumptions, outputs: dict[str, dict[str, np.ndarray]], implausibility: np.ndarray,
               cutoff: float) -> dict[str, Any]:
    """How many points a cutoff keeps and the two sides' shares over them: how much the answer
    given the targets leans on the cutoff chosen."""
    keep = implausibility <= cutoff
    shares = {side: _spread(spread(outputs[f"{side}_share"]["mean"][keep]))
              for side in (job.sides.first, job.sides.second)}
    return {"cutoff": cutoff, "kept": int(keep.sum()), "shares": shares}


def _spread(s: Spread) -> dict[str, float]:
    return {"points": s.points, "mean": s.mean, "median": s.median, "low": s.low, "high": s.high}


def _answer(job: Assumptions, outputs: dict[str, dict[str, np.ndarray]], keep: np.ndarray) -> dict[str, Any]:
    """The outputs' spread and the probability that each side's delay exceeds the other's, over the
    points ``keep`` selects (a point where they are equal counts for neither)."""
    difference = outputs[job.sides.difference]["mean"][keep]
    difference = difference[np.isfinite(difference)]
    first, second = proportion(difference > 0), proportion(difference < 0)
    shares = [outputs[f"{side}_share"]["mean"][keep] for side in (job.sides.first, job.sides.second)]
    neither = 1 - shares[0] - shares[1]
    return {"points": int(keep.sum()),
            "outputs": {name: _spread(spread(stats["mean"][keep])) for name, stats in outputs.items()},
            "neither_share": _spread(spread(neither)),
            "first_exceeds_second": {"probability": first.share, "low": first.low, "high": first.high,
                                     "points": first.points},
            "second_exceeds_first": {"probability": second.share, "low": second.low, "high": second.high,
                                     "points": second.points},
            "ties": int((difference == 0).sum())}


def _document(job: Assumptions, design: Design, outputs: dict[str, dict[str, np.ndarray]], matched: Matched | None,
              wanted: Sequence[Target], replications: int, rule: str, targets: str | Path | None) -> dict[str, Any]:
    everything = np.ones(len(design), dtype=bool)
    first_share = f"{job.sides.first}_share"
    drivers: dict[str, Any] = {}
    for name in (first_share, job.sides.difference):
        coefficients, r2 = rank_coefficients(design.values, outputs[name]["mean"])
        order = np.argsort(-np.abs(coefficients), kind="stable")
        drivers[name] = {"r_squared": r2, "coefficients": {design.keys[j]: float(coefficients[j]) for j in order}}
    crossing = thresholds(design.keys, design.values, outputs[job.sides.difference]["mean"], job.ranges())
    document: dict[str, Any] = {
        **job.header("uncertainty"),
        "points": len(design),
        "range": RANGE,
        "replications": replications,
        "replication_rule": rule,
        "replication_plan": job.plan.describe(),
        "noise": noise(outputs),
        "undefined": undefined(outputs),
        "prior": _answer(job, outputs, everything),
        "drivers": drivers,
        "thresholds": {key: {"value": t.value, "within_range": t.within, "possible": _possible(job, key, t.value),
                             "slope": t.slope, "slope_half_width": t.slope_half_width, "r_squared": t.r_squared}
                       for key, t in crossing.items()},
    }
    if matched is not None:
        kept = matched.kept
        document["history_matching"] = {
            "targets_path": str(targets),
            "targets": [{"metric": t.metric, "value": t.value, "tolerance": t.tolerance} for t in wanted],
            "cutoff": matched.cutoff,
            "rule": "a point is kept when |mean - target| / sqrt(tolerance^2 + se^2) <= cutoff for every target",
            "noise_allowed": replications > 1,
            "kept": int(kept.sum()),
            "few": bool(kept.sum() < FEW_KEPT),
            "given_targets": _answer(job, outputs, kept) if kept.any() else None,
            "by_cutoff": [_at_cutoff(job, outputs, matched.implausibility, c)
                          for c in sorted({*CUTOFFS, matched.cutoff})],
        }
    return document
