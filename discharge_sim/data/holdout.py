"""Validation on held-out months: fit on the earlier months of an extract, simulate the later ones,
and set what was observed beside what the model gives, with intervals.

Observed and simulated figures come from the same code: each simulated replication is turned into
an extract (:mod:`.synth`, with every admission since its day 0, so the beds it starts the
held-out months with are counted) and measured exactly as the real one is. A figure is *missed*
when the observed value lies outside the simulated 95% prediction interval (mean plus or minus
t x sd x sqrt(1 + 1/n) over replications: where one more replication, the real months, would fall).
Figures from fewer than 5 observed patients are not shown (NHS disclosure control).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np

from discharge_sim.analysis.metrics import delay_days
from discharge_sim.config import Config
from discharge_sim.data.extract import Extract, identifier
from discharge_sim.data.privacy import enough
from discharge_sim.vocabulary import DELAY_BANDS, HOURS_PER_DAY


@dataclass(frozen=True)
class HeldOut:
    """One figure of the held-out months: observed and simulated (mean and prediction interval)."""

    metric: str
    by: str
    """"all", "pathway 1", "council city" ..."""
    observed: float
    mean: float
    low: float
    high: float
    patients: int
    """Observed patients the figure is built from."""

    @property
    def shown(self) -> bool:
        """Whether the observed figure may be shown (built from at least 5 patients)."""
        return enough(self.patients)

    @property
    def missed(self) -> bool:
        return self.shown and not (self.low <= self.observed <= self.high)


def split_month(extract: Extract, months: int) -> datetime:
    """The first day of the held-out months: the first of the month ``months`` calendar months
    before the month the extract ends in (a partial last month counts as a month)."""
    end = extract.date_of(extract.end)
    year, month = end.year, end.month
    if end == datetime(year, month, 1):  # ends at midnight on the 1st: that month has no days
        month -= 1
    month -= months - 1
    while month < 1:
        month += 12
        year -= 1
    return datetime(year, month, 1)


def hours_at(extract: Extract, when: datetime) -> float:
    return (when - extract.origin).total_seconds() / 3600.0


def measures(extract: Extract, start: float, end: float) -> dict[tuple[str, str], tuple[float, int]]:
    """The figures of ``extract`` over [start, end) hours: (metric, by) -> (value, patients).
    Discharge figures are of patients who left in the window; daily counts are at each midnight."""
    out: dict[tuple[str, str], tuple[float, int]] = {}
    subsets: list[tuple[str, np.ndarray]] = [("all", np.ones(len(extract), dtype=bool))]
    subsets += [(f"pathway {p}", extract.pathway == p) for p in sorted(set(extract.pathway.tolist())) if p >= 0]
    if extract.council is not None:
        subsets += [(f"council {c}", extract.council == c) for c in sorted(set(extract.council.tolist())) if c]
    midnights = np.arange(math.ceil(start / HOURS_PER_DAY), math.ceil(end / HOURS_PER_DAY)) * HOURS_PER_DAY
    for by, rows in subsets:
        left = rows & ~np.isnan(extract.discharged) & (extract.discharged >= start) & (extract.discharged < end)
        left &= ~np.isnan(extract.ready)
        days = delay_days(extract.ready[left], extract.discharged[left])
        delayed = days >= 1
        n = int(left.sum())
        out[("share_delayed", by)] = (float(delayed.mean()) if n else math.nan, n)
        out[("mean_delay_days_of_delayed", by)] = (float(days[delayed].mean()) if delayed.any() else math.nan,
                                                   int(delayed.sum()))
        if by == "all":
            for label, a, b in DELAY_BANDS:
                share = float(np.mean((days[delayed] >= a) & (days[delayed] <= b))) if delayed.any() else math.nan
                out[(f"delay_band_{label}_share", by)] = (share, int(delayed.sum()))
            occupancy = _daily(extract.admitted[rows], extract.discharged[rows], midnights)
            out[("occupancy_mean", by)] = (float(occupancy.mean()) if occupancy.size else math.nan,
                                           _within(extract.admitted, extract.discharged, rows, start, end))
        nctr = _daily(extract.ready[rows], extract.discharged[rows], midnights)
        out[("nctr_mean", by)] = (float(nctr.mean()) if nctr.size else math.nan,
                                  _within(extract.ready, extract.discharged, rows, start, end))
    return out


def _within(since: np.ndarray, until: np.ndarray, rows: np.ndarray, start: float, end: float) -> int:
    """Patients of ``rows`` whose stretch [since, until) (until NaN: still going) meets [start, end)."""
    with np.errstate(invalid="ignore"):
        meets = rows & ~np.isnan(since) & (since < end) & (np.isnan(until) | (until >= start))
    return int(meets.sum())


def daily_series(extract: Extract, start: float, end: float) -> tuple[np.ndarray, np.ndarray]:
    """(patients in hospital, patients ready and still in) at each midnight of [start, end)."""
    midnights = np.arange(math.ceil(start / HOURS_PER_DAY), math.ceil(end / HOURS_PER_DAY)) * HOURS_PER_DAY
    return (_daily(extract.admitted, extract.discharged, midnights),
            _daily(extract.ready, extract.discharged, midnights))


def _daily(since: np.ndarray, until: np.ndarray, midnights: np.ndarray) -> np.ndarray:
    """How many of the stretches [since, until) (until NaN: still going) hold each midnight."""
    s = np.sort(since[~np.isnan(since)])
    u = np.sort(until[~np.isnan(since) & ~np.isnan(until)])
    return (np.searchsorted(s, midnights, side="right") - np.searchsorted(u, midnights, side="right")).astype(float)


def compare(observed: dict[tuple[str, str], tuple[float, int]],
            simulated: list[dict[tuple[str, str], tuple[float, int]]]) -> list[HeldOut]:
    """Observed figures against the replications' prediction intervals."""
    from scipy import stats

    rows: list[HeldOut] = []
    for key, (value, patients) in observed.items():
        values = np.array([s[key][0] for s in simulated if key in s and math.isfinite(s[key][0])])
        if values.size == 0 or not math.isfinite(value):
            continue
        n = values.size
        mean = float(values.mean())
        spread = float(values.std(ddof=1)) * math.sqrt(1 + 1 / n) * float(stats.t.ppf(0.975, n - 1)) if n > 1 else 0.0
        top = 1.0 if "share" in key[0] else math.inf  # shares and counts cannot leave their range
        rows.append(HeldOut(key[0], key[1], value, mean, max(mean - spread, 0.0), min(mean + spread, top), patients))
    return rows


@dataclass
class Holdout:
    """A held-out validation: the months, the figures, and the daily series for plotting."""

    start: datetime
    end: datetime
    replications: int
    rows: list[HeldOut]
    observed_series: tuple[np.ndarray, np.ndarray]
    simulated_series: list[tuple[np.ndarray, np.ndarray]]

    @property
    def missed(self) -> list[HeldOut]:
        return [r for r in self.rows if r.missed]


def validate_held_out(extract: Extract, start: datetime, config: Config, replications: int,
                      seed: int | None = None, progress: Callable[[int], None] | None = None,
                      workers: int = 1) -> Holdout:
    """Simulate ``config`` (fitted on the months before ``start``, running on the extract's dates
    past its end) ``replications`` times and compare the months from ``start`` to the extract's end."""
    from discharge_sim.data.readers import extract_from_frame
    from discharge_sim.data.synth import synthetic_extracts

    if extract.council is not None:  # named as the config names them, as the simulated extracts are
        extract = replace(extract, council=np.array([identifier(c) if c else "" for c in extract.council.tolist()],
                                                    dtype=object))
    end = extract.date_of(extract.end)
    lo, hi = hours_at(extract, start), extract.end
    observed = measures(extract, lo, hi)
    simulated, series = [], []
    step = max(workers, 1)
    for first in range(0, replications, step):
        # the fitted run's measured period starts on the extract's first Monday (its day 0 a whole
        # number of weeks before), so the simulated extract's dates are the real ones
        frames = synthetic_extracts(config, extract.origin.date(), list(range(first, min(first + step, replications))),
                                    seed, milestones=False, since_day0=True, workers=workers)
        for frame in frames:
            sim = extract_from_frame(frame, "simulated").extract
            simulated.append(measures(sim, hours_at(sim, start), hours_at(sim, end)))
            series.append(daily_series(sim, hours_at(sim, start), hours_at(sim, end)))
            if progress is not None:
                progress(len(simulated))
    return Holdout(start, end, replications, compare(observed, simulated), daily_series(extract, lo, hi), series)
