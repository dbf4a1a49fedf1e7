"""Across replications: means with t-intervals, and paired differences under common random numbers."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np


def t_quantile(df: int, p: float) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom. scipy.special is imported on
    first use, not with the package (it is about a third of the package's import time, and a
    worker process that only simulates never needs it); scipy.stats would take a second."""
    from scipy.special import stdtrit

    return float(stdtrit(df, p))


def t_interval(values: Sequence[float], level: float = 0.95) -> dict[str, float]:
    """Mean, sd and the two-sided t confidence interval of the mean."""
    x = np.asarray([v for v in values if not math.isnan(v)], dtype=float)
    n = x.size
    out = {"n": float(n), "mean": math.nan, "sd": math.nan, "ci_low": math.nan,
           "ci_high": math.nan, "half_width": math.nan}
    if n == 0:
        return out
    mean = float(x.mean())
    out["mean"] = mean
    if n > 1:
        sd = float(x.std(ddof=1))
        half = float(t_quantile(n - 1, 0.5 + level / 2.0) * sd / math.sqrt(n))
        out.update(sd=sd, ci_low=mean - half, ci_high=mean + half, half_width=half)
    return out


def summarise(rows: Sequence[Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """Per metric: mean, sd and 95% t-interval across replications."""
    if not rows:
        return {}
    return {name: t_interval([row[name] for row in rows]) for name in rows[0]}


def paired_differences(base: Sequence[Mapping[str, float]],
                       other: Sequence[Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """Per metric, ``other - base`` replication by replication (common random numbers), with the
    95% t-interval of the mean difference and whether it excludes zero (1.0) or not (0.0)."""
    names = [name for name in base[0] if name in other[0]] if base and other else []
    out = {}
    for name in names:
        ci = t_interval([o[name] - b[name] for b, o in zip(base, other, strict=True)])
        ci["excludes_zero"] = float(ci["ci_low"] > 0 or ci["ci_high"] < 0)
        out[name] = ci
    return out


def metric_names(rows_by_scenario: Sequence[Sequence[Mapping[str, float]]]) -> list[str]:
    """Every metric any scenario has, in order of first appearance."""
    names: dict[str, None] = {}
    for rows in rows_by_scenario:
        for row in rows[:1]:
            names.update(dict.fromkeys(row))
    return list(names)


def ratio_interval(numerators: Sequence[float], denominators: Sequence[float], level: float = 0.95) -> dict[str, float]:
    """The ratio of means (total of the numerators over total of the denominators, the one
    definition of a share used everywhere) with a delta-method t-interval across replications:
    the interval of R = mean(y) / mean(x) from the spread of y - R x."""
    y = np.asarray(numerators, dtype=float)
    x = np.asarray(denominators, dtype=float)
    keep = ~(np.isnan(y) | np.isnan(x))
    y, x = y[keep], x[keep]
    n = y.size
    out = {"n": float(n), "mean": math.nan, "sd": math.nan, "ci_low": math.nan,
           "ci_high": math.nan, "half_width": math.nan}
    if n == 0 or x.sum() == 0:
        return out
    ratio = float(y.sum() / x.sum())
    out["mean"] = ratio
    if n > 1:
        sd = float(np.std(y - ratio * x, ddof=1) / abs(x.mean()))
        half = float(t_quantile(n - 1, 0.5 + level / 2.0) * sd / math.sqrt(n))
        out.update(sd=sd, ci_low=ratio - half, ci_high=ratio + half, half_width=half)
    return out
