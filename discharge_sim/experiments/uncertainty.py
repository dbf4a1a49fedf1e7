"""Probabilistic sensitivity analysis: what the sample of plausible assumptions says about the
answer, and which of its points the calibration targets allow.

Over the points of a space-filling sample (each the mean of its replications), an output's
distribution is summarised by its median and central 90% range; the probability that the first
side's delay exceeds the second's is the share of points where it does, with a Wilson interval
for having run a finite number of points. Drivers are ranked by standardised rank regression
coefficients (a setting's effect on the output's rank with the others held, robust to curvature
and to units); the *threshold* of a driver is where a linear fit of the difference between the
sides crosses zero with every other setting at its sample mean: the value of that assumption at
which the majority changes side, and whether it lies within the setting's declared range (outside
it, it is what one would have to believe for the other side to hold more). Only settings with a
detectable effect get one, and the fit's R^2 goes with it, because a threshold from a poor linear
fit is a poor threshold.

History matching by rejection: a point is kept when every target metric's mean lies within the
target's tolerance of its value, the replications' standard error allowed for in quadrature:
``|mean - value| / sqrt(tolerance^2 + se^2) <= cutoff`` (the implausibility; default cutoff 1, the
same "within tolerance" as ``calibrate``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from discharge_sim.experiments.calibration import Target

RANGE = 0.90
"""The central share of points an output's range covers."""
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Spread:
    """One output's distribution over the points: median and central 90% range."""

    points: int
    mean: float
    median: float
    low: float
    high: float


def spread(values: Sequence[float] | np.ndarray) -> Spread:
    """The distribution of ``values`` (NaN left out) over the sample's points."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return Spread(0, math.nan, math.nan, math.nan, math.nan)
    tail = (1 - RANGE) / 2
    low, median, high = np.quantile(x, [tail, 0.5, 1 - tail])
    return Spread(int(x.size), float(x.mean()), float(median), float(low), float(high))


@dataclass(frozen=True)
class Proportion:
    """A share of points with its 95% Wilson interval."""

    share: float
    low: float
    high: float
    points: int


def proportion(hits: Sequence[bool] | np.ndarray) -> Proportion:
    """The share of true values, with a Wilson score interval (sound at 0 and 1, unlike Wald's)."""
    h = np.asarray(hits, dtype=bool)
    n = int(h.size)
    if n == 0:
        return Proportion(math.nan, math.nan, math.nan, 0)
    p = float(h.mean())
    z2 = Z95 ** 2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return Proportion(p, max(0.0, centre - half), min(1.0, centre + half), n)


def _ranks(x: np.ndarray) -> np.ndarray:
    from scipy.stats import rankdata

    return np.asarray(rankdata(x, axis=0), dtype=float)


def rank_coefficients(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Standardised rank regression coefficients of ``y`` on the columns of ``x`` and the fit's
    R^2 (on ranks); a column with no spread gets 0."""
    finite = np.isfinite(y)
    x, y = x[finite], y[finite]
    coefficients = np.zeros(x.shape[1])
    varied = np.ptp(x, axis=0) > 0 if x.size else np.zeros(x.shape[1], bool)
    if y.size < varied.sum() + 2 or np.ptp(y) == 0:
        return coefficients, math.nan
    rx, ry = _ranks(x[:, varied]), _ranks(y)
    rx = (rx - rx.mean(axis=0)) / rx.std(axis=0)
    ry = (ry - ry.mean()) / ry.std()
    beta, *_ = np.linalg.lstsq(rx, ry, rcond=None)
    coefficients[varied] = beta
    residual = ry - rx @ beta
    return coefficients, float(1 - residual.var() / ry.var())


@dataclass(frozen=True)
class Threshold:
    """Where a linear fit of the difference between the sides crosses zero along one setting."""

    key: str
    value: float | None
    """None: the setting has no detectable effect on the difference (see :func:`thresholds`)."""
    within: bool
    """Whether the value lies within the setting's declared range: if not, the majority changes side
    only for a value nobody declared plausible (what one would have to believe)."""
    slope: float
    """Change in the difference (bed-days) per unit of the setting."""
    slope_half_width: float
    """Half-width of the slope's 95% interval."""
    r_squared: float


def thresholds(keys: Sequence[str], x: np.ndarray, difference: np.ndarray,
               ranges: Mapping[str, tuple[float, float]]) -> dict[str, Threshold]:
    """Per setting, the value at which the fitted difference between the sides is zero with every
    other setting at its sample mean, and whether it lies within ``ranges[key]``.

    Only for a setting with a detectable effect: its slope's 95% interval excludes 0 and moving it
    across its declared range moves the fit by more than the residual sd. Otherwise, when the sides
    are close, every setting's crossing would fall near its own mean and a setting that does nothing
    would look like a tipping point."""
    from scipy.stats import t as student

    finite = np.isfinite(difference)
    x, y = x[finite], difference[finite]
    varied = np.ptp(x, axis=0) > 0
    out: dict[str, Threshold] = {}
    dof = y.size - int(varied.sum()) - 1
    if dof < 1:
        return {k: Threshold(k, None, False, math.nan, math.nan, math.nan) for k in keys}
    design = np.column_stack([np.ones(y.size), x[:, varied]])
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ beta
    r2 = float(1 - residual.var() / y.var()) if y.var() > 0 else math.nan
    sigma2 = float(residual @ residual) / dof
    covariance = sigma2 * np.linalg.pinv(design.T @ design)
    half = np.zeros(len(keys))
    half[varied] = student.ppf(0.975, dof) * np.sqrt(np.diag(covariance)[1:])
    slopes = np.zeros(len(keys))
    slopes[varied] = beta[1:]
    means = x.mean(axis=0)
    fitted_at_means = beta[0] + float(slopes @ means)
    for j, key in enumerate(keys):
        low, high = ranges[key]
        detectable = abs(slopes[j]) > half[j] and abs(slopes[j]) * (high - low) > math.sqrt(sigma2)
        value = float(means[j] - fitted_at_means / slopes[j]) if detectable else None
        within = value is not None and low <= value <= high
        out[key] = Threshold(key, value, within, float(slopes[j]), float(half[j]), r2)
    return out


@dataclass(frozen=True)
class Matched:
    """History matching of a sample's points against calibration targets."""

    implausibility: np.ndarray
    """Per point, the largest over targets of ``|mean - value| / sqrt(tolerance^2 + se^2)``."""
    kept: np.ndarray
    """Per point, whether every target is met (implausibility at most the cutoff)."""
    cutoff: float


def implausibility(target: Target, mean: float, se: float) -> float:
    """How far a point's mean lies from a target, in tolerances (noise allowed in quadrature)."""
    if not math.isfinite(mean):
        return math.inf
    noise = se if math.isfinite(se) else 0.0
    return abs(mean - target.value) / math.sqrt(target.tolerance ** 2 + noise ** 2)


def history_match(targets: Sequence[Target], summaries: Sequence[Mapping[str, Mapping[str, float]]],
                  cutoff: float = 1.0) -> Matched:
    """Keep the points (their metric summaries: mean, sd, n) whose every target is met."""
    worst = np.zeros(len(summaries))
    for i, summary in enumerate(summaries):
        values = []
        for t in targets:
            ci = summary.get(t.metric, {})
            n = ci.get("n", 0.0)
            se = ci.get("sd", math.nan) / math.sqrt(n) if n > 1 else 0.0
            values.append(implausibility(t, ci.get("mean", math.nan), se))
        worst[i] = max(values) if values else 0.0
    return Matched(worst, worst <= cutoff, cutoff)
