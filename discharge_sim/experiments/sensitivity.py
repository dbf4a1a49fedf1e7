"""Sensitivity of the headline outputs to a config's declared uncertain settings: Morris screening
of every setting, then variance-based (Sobol) indices of the most influential. Designs and
estimators are SALib's.

Both designs are drawn in the unit cube and mapped through each setting's declared distribution
(:func:`discharge_sim.experiments.sampling.from_unit`), so a step of the design is a step in
probability: a Morris elementary effect is the change in an output for a move of two thirds of
the way across a setting's distribution (with the default four levels), divided by that two
thirds (SALib's convention): the change per move across the whole distribution. mu* compares
settings on that common footing. Under a triangular or normal range, the levels' ends are the
range's ends, where such a distribution has little weight. Every point runs the same replications
under the same seed (common random numbers), so an elementary effect is not the noise of
different draws.

The Sobol stage varies only the settings screening found most influential; every other setting
keeps the config's own value. First-order indices (S1) are the share of an output's variance due
to one setting alone; total indices (ST) add its interactions. SALib's intervals are bootstrap
intervals over the design's points; they do not include the replications' noise, which the
point's replications average away and which the results report beside them.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

LEVELS = 4
"""Morris grid levels: SALib's default, and the usual choice (Saltelli et al., 2008)."""
CONF_LEVEL = 0.95
RESAMPLES = 1000


def problem(keys: Sequence[str]) -> dict[str, object]:
    """SALib's description of the design: the keys, each over [0, 1] in probability."""
    return {"num_vars": len(keys), "names": list(keys), "bounds": [[0.0, 1.0]] * len(keys)}


def morris_design(keys: Sequence[str], trajectories: int, seed: int) -> np.ndarray:
    """A Morris design of ``trajectories`` one-at-a-time paths through ``LEVELS`` levels:
    ``trajectories * (len(keys) + 1)`` points in the unit cube."""
    from SALib.sample import morris

    return np.asarray(morris.sample(problem(keys), trajectories, num_levels=LEVELS, seed=seed))


def sobol_design(keys: Sequence[str], samples: int, seed: int) -> np.ndarray:
    """A Saltelli design for first-order and total indices: ``samples * (len(keys) + 2)`` points."""
    from SALib.sample import sobol

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib warns of sample sizes that are not powers of 2: checked by the caller
        return np.asarray(sobol.sample(problem(keys), samples, calc_second_order=False, seed=seed))


@dataclass(frozen=True)
class Index:
    """One setting's index on one output, with the half-width of its 95% interval."""

    value: float
    half_width: float

    @property
    def low(self) -> float:
        return self.value - self.half_width

    @property
    def high(self) -> float:
        return self.value + self.half_width


@dataclass(frozen=True)
class Screened:
    """Morris results for one output, by setting: mu* (mean absolute elementary effect, with its
    bootstrap interval), mu (its signed mean: the direction) and sigma (spread: interactions or
    curvature)."""

    mu_star: dict[str, Index]
    mu: dict[str, float]
    sigma: dict[str, float]


def morris_indices(keys: Sequence[str], design: np.ndarray, outputs: Mapping[str, np.ndarray],
                   seed: int) -> dict[str, Screened]:
    """Morris indices of each output (its value at every point of ``design``)."""
    from SALib.analyze import morris

    out = {}
    for name, y in outputs.items():
        if not np.all(np.isfinite(y)):
            nan = math.nan
            out[name] = Screened({k: Index(nan, nan) for k in keys}, dict.fromkeys(keys, nan), dict.fromkeys(keys, nan))
            continue
        r = morris.analyze(problem(keys), design, np.asarray(y, dtype=float), num_resamples=RESAMPLES,
                           conf_level=CONF_LEVEL, num_levels=LEVELS, seed=seed)
        out[name] = Screened(
            {k: Index(float(r["mu_star"][j]), float(r["mu_star_conf"][j])) for j, k in enumerate(keys)},
            {k: float(r["mu"][j]) for j, k in enumerate(keys)},
            {k: float(r["sigma"][j]) for j, k in enumerate(keys)})
    return out


def most_influential(screened: Mapping[str, Screened], outputs: Sequence[str], top: int) -> list[str]:
    """The ``top`` settings with the largest mu* on any of ``outputs``, each output's mu* taken
    relative to its largest (so outputs in bed-days and in shares weigh alike); ties in key order."""
    keys = list(next(iter(screened.values())).mu_star)
    score = dict.fromkeys(keys, 0.0)
    for name in outputs:
        values = {k: screened[name].mu_star[k].value for k in keys}
        largest = max((v for v in values.values() if math.isfinite(v)), default=0.0)
        if largest > 0:
            for k, v in values.items():
                if math.isfinite(v):
                    score[k] = max(score[k], v / largest)
    return sorted(keys, key=lambda k: (-score[k], keys.index(k)))[:top]


@dataclass(frozen=True)
class Apportioned:
    """Sobol indices for one output, by setting: first order (alone) and total (with interactions)."""

    first: dict[str, Index]
    total: dict[str, Index]
    variance: float
    """The output's variance over the design's points: with none, there is nothing to apportion."""


def sobol_indices(keys: Sequence[str], outputs: Mapping[str, np.ndarray], seed: int) -> dict[str, Apportioned]:
    """First-order and total Sobol indices of each output (its value at every point of a
    :func:`sobol_design` over ``keys``), with bootstrap intervals."""
    from SALib.analyze import sobol

    out = {}
    for name, y in outputs.items():
        y = np.asarray(y, dtype=float)
        variance = float(np.var(y)) if np.all(np.isfinite(y)) else math.nan
        if not variance > 0:
            nan = Index(math.nan, math.nan)
            out[name] = Apportioned(dict.fromkeys(keys, nan), dict.fromkeys(keys, nan), variance)
            continue
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            r = sobol.analyze(problem(keys), y, calc_second_order=False, num_resamples=RESAMPLES,
                              conf_level=CONF_LEVEL, seed=seed)
        out[name] = Apportioned(
            {k: Index(float(r["S1"][j]), float(r["S1_conf"][j])) for j, k in enumerate(keys)},
            {k: Index(float(r["ST"][j]), float(r["ST_conf"][j])) for j, k in enumerate(keys)},
            variance)
    return out
