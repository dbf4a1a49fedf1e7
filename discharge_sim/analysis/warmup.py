"""Warm-up detection by MSER-5 (White 1997; White, Cobb and Spratt 2000).

The model starts with empty beds, so its first weeks are not typical. MSER-5 takes an output
series (here a daily series averaged over replications), groups it into batches of 5 days and,
for each candidate truncation point d (in batches), computes the squared standard error of the
mean of what is left: ``sum((Z_j - mean(Z_d..))^2) / (k - d)^2``. The truncation that minimises
it balances discarding biased early days against keeping enough data. Candidates run over the
first half of the series only (near the end the statistic is noise); a minimum at the last
candidate means the series had not settled by mid-run, so the run is too short to tell, and is
flagged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

BATCH_DAYS = 5


@dataclass(frozen=True)
class Truncation:
    """The MSER-5 result for one series."""

    batches: int
    truncation_batches: int
    statistic: np.ndarray
    """MSER(d) for d = 0 .. the last candidate."""
    unreliable: bool
    """The minimum is at the last candidate (mid-run): run longer before trusting it."""

    @property
    def truncation_days(self) -> int:
        return self.truncation_batches * BATCH_DAYS


def batch_means(series: np.ndarray, batch: int = BATCH_DAYS) -> np.ndarray:
    """Means of consecutive non-overlapping batches; an incomplete last batch is dropped."""
    k = series.size // batch
    return series[: k * batch].reshape(k, batch).mean(axis=1)


def mser(series: np.ndarray, batch: int = BATCH_DAYS) -> Truncation:
    """MSER-``batch`` truncation of ``series`` (one value per day)."""
    z = batch_means(np.asarray(series, dtype=float), batch)
    k = z.size
    if k < 4:
        raise ValueError(f"MSER-{batch} needs at least {4 * batch} days of data, got {series.size}")
    # Suffix sums give every candidate's mean and sum of squares in one pass.
    tail_n = np.arange(k, 0, -1, dtype=float)
    tail_sum = np.cumsum(z[::-1])[::-1]
    tail_sq = np.cumsum((z * z)[::-1])[::-1]
    ss = np.maximum(tail_sq - tail_sum * tail_sum / tail_n, 0.0)
    stat = ss / tail_n**2
    half = max(2, k // 2)
    best = int(np.argmin(stat[:half]))
    return Truncation(batches=k, truncation_batches=best, statistic=stat[:half], unreliable=best == half - 1)


def daily_means(values: np.ndarray, days: np.ndarray, replications: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Average a per-replication daily column over replications: (day, mean) for every full day
    that every replication has."""
    reps = np.unique(replications)
    n_days = int(days.max()) + 1 if days.size else 0
    grid = np.full((reps.size, n_days), math.nan)
    rep_index = np.searchsorted(reps, replications)
    grid[rep_index, days.astype(np.int64)] = values
    complete = ~np.isnan(grid).any(axis=0)
    return np.arange(n_days)[complete], grid[:, complete].mean(axis=0)
