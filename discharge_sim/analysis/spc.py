"""Statistical process control for daily series: the XmR chart of NHS England's "Making Data Count".

An XmR (individuals and moving range) chart sets the series against its own mean and process
limits at the mean plus or minus 2.66 times the mean moving range (three sigma, sigma estimated
as the mean moving range over 1.128). A point is special cause variation when it meets any of
the four rules Making Data Count uses: a point outside the process limits; a shift, a run of
:data:`SHIFT` or more points all above or all below the mean; a trend, :data:`TREND` or more
points each higher (or each lower) than the one before; or two out of three points in a row
beyond two sigma on the same side of the mean. Everything else is common cause variation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LIMIT_FACTOR = 2.66
"""Process limits: the mean plus or minus this many mean moving ranges (3 / 1.128)."""
SIGMA_FACTOR = 1.128
"""d2 for moving ranges of two points: sigma is the mean moving range over this."""
SHIFT = 7
"""A run of this many points on one side of the mean is a shift."""
TREND = 7
"""This many points each rising (or each falling) is a trend."""

RULES = ("outside_limits", "shift", "trend", "two_of_three")
"""The special-cause rules, in the order they are reported."""


@dataclass(frozen=True)
class XmR:
    """An XmR chart of one series: its centre line, process limits and the points each rule flags."""

    values: np.ndarray
    mean: float
    mean_moving_range: float
    flags: dict[str, np.ndarray]
    """Per rule, a boolean per point: the point is part of a pattern the rule flags."""

    @property
    def lower(self) -> float:
        return self.mean - LIMIT_FACTOR * self.mean_moving_range

    @property
    def upper(self) -> float:
        return self.mean + LIMIT_FACTOR * self.mean_moving_range

    @property
    def sigma(self) -> float:
        return self.mean_moving_range / SIGMA_FACTOR

    @property
    def special(self) -> np.ndarray:
        """Points any rule flags."""
        out = np.zeros(self.values.size, dtype=bool)
        for flagged in self.flags.values():
            out |= flagged
        return out

    def counts(self) -> dict[str, int]:
        """Points each rule flags."""
        return {rule: int(self.flags[rule].sum()) for rule in RULES}


def xmr(values: np.ndarray | list[float]) -> XmR:
    """The XmR chart of ``values`` (at least two finite numbers, in time order)."""
    x = np.asarray(values, dtype=float)
    if x.size < 2 or not np.isfinite(x).all():
        raise ValueError(f"an XmR chart needs two or more finite values in time order; got {x.size}")
    mean = float(x.mean())
    mr = float(np.abs(np.diff(x)).mean())
    chart = XmR(x, mean, mr, {})
    flags = {
        "outside_limits": (x > chart.upper) | (x < chart.lower),
        "shift": _runs(np.sign(x - mean), SHIFT),
        "trend": _trends(x, TREND),
        "two_of_three": _two_of_three(x, mean, 2 * chart.sigma),
    }
    return XmR(x, mean, mr, flags)


def _runs(side: np.ndarray, length: int) -> np.ndarray:
    """Points in a run of ``length`` or more equal non-zero values of ``side`` (a point on the
    mean breaks a run)."""
    if side.size == 0:
        return np.zeros(0, dtype=bool)
    starts = np.flatnonzero(np.r_[True, side[1:] != side[:-1]])
    lengths = np.diff(np.r_[starts, side.size])
    long = (lengths >= length) & (side[starts] != 0)
    return np.repeat(long, lengths)


def _trends(x: np.ndarray, length: int) -> np.ndarray:
    """Points in a run of ``length`` or more points each higher (or each lower) than the one
    before: ``length - 1`` steps the same way."""
    steps = np.sign(np.diff(x))
    out = np.zeros(x.size, dtype=bool)
    within = _runs(steps, length - 1)
    out[1:] |= within
    out[:-1] |= within
    return out


def _two_of_three(x: np.ndarray, mean: float, beyond: float) -> np.ndarray:
    """Points of any three in a row of which two or more lie beyond ``beyond`` from the mean on
    the same side; the points flagged are those beyond."""
    out = np.zeros(x.size, dtype=bool)
    n = x.size - 2
    if n < 1:
        return out
    for side in (x > mean + beyond, x < mean - beyond):
        two = (side[:-2].astype(int) + side[1:-1] + side[2:]) >= 2
        for k in range(3):
            out[k:k + n] |= two & side[k:k + n]
    return out
