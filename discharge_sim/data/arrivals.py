"""Arrival rates from an extract: emergencies by hour of day, day of week and month (season),
and booked electives by weekday. An emergency's time is when it needed a bed (``arrived_at``)
where the extract gives it, else its admission.

Profiles are relative weights with mean 1, as the config takes them. Each day of the week is
divided by how many of that weekday the extract covers, so an extract that starts on a Thursday
does not look busier on Thursdays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from discharge_sim.data.extract import Extract
from discharge_sim.vocabulary import DAY_NAMES, HOURS_PER_DAY

MONTHS_FOR_SEASONS = 12
"""Whole calendar months an extract must cover for a factor per month to be fitted."""


@dataclass(frozen=True)
class Arrivals:
    """Fitted arrival settings and the counts they came from."""

    emergencies: int
    days: float
    admissions_per_day: float
    hour_of_day_profile: list[float] | None
    """None where the extract's times are dates only."""
    day_of_week_profile: list[float]
    month_factors: dict[int, float] = field(default_factory=dict)
    """Calendar month (1-12) -> its emergency rate over the mean rate (empty: not fitted)."""
    month_days: dict[int, int] = field(default_factory=dict)
    """Calendar month -> days of it the extract covers (whole days)."""
    electives: int = 0
    elective_per_weekday: dict[str, int] = field(default_factory=dict)
    elective_hour: float | None = None


def fit_arrivals(extract: Extract) -> Arrivals:
    """Emergency and elective arrival settings from ``extract`` (see the module's docstring)."""
    start_day, end_day = extract.admission_days
    days = extract.days
    weekday_days = extract.weekdays_covered
    emergency = extract.needed_bed[~extract.elective]
    window = (emergency >= start_day * HOURS_PER_DAY) & (emergency < end_day * HOURS_PER_DAY)
    emergency = emergency[window]  # not those who needed a bed before the first day or after the last
    hours = np.floor(emergency % HOURS_PER_DAY).astype(int)
    by_hour = np.bincount(hours, minlength=24).astype(float)
    by_weekday = np.bincount((emergency // HOURS_PER_DAY).astype(int) % 7, minlength=7) / np.maximum(weekday_days, 1)
    hour_profile = _relative(by_hour) if _timed(extract) else None
    day_profile = _relative(by_weekday)
    factors, covered = _months(extract, emergency, start_day, end_day)
    electives = extract.admitted[extract.elective]
    per_weekday: dict[str, int] = {}
    hour: float | None = None
    if electives.size:
        counts = np.bincount((electives // HOURS_PER_DAY).astype(int) % 7, minlength=7) / np.maximum(weekday_days, 1)
        per_weekday = {DAY_NAMES[d]: round(counts[d]) for d in range(7) if round(counts[d]) > 0}
        hour = float(np.bincount(np.floor(electives % HOURS_PER_DAY).astype(int), minlength=24).argmax())
    return Arrivals(int(emergency.size), days, emergency.size / days if days > 0 else 0.0, hour_profile, day_profile,
                    factors, covered, int(electives.size), per_weekday, hour)


def _timed(extract: Extract) -> bool:
    """Whether the extract says at what hour emergencies needed a bed."""
    if extract.arrived is not None and "arrived_at" not in extract.date_only:
        return True
    return "admitted_at" not in extract.date_only


def _relative(counts: np.ndarray) -> list[float]:
    mean = counts.mean()
    if mean <= 0:
        return [1.0] * counts.size
    return [round(float(c / mean), 4) for c in counts]


def _months(extract: Extract, emergency: np.ndarray, start_day: int, end_day: int) -> tuple[dict[int, float],
                                                                                             dict[int, int]]:
    """Each calendar month's rate over the mean, when the extract covers every month of the year."""
    months_of_day = np.array([extract.date_of(d * HOURS_PER_DAY).month for d in range(start_day, end_day)])
    covered = {m: int(np.sum(months_of_day == m)) for m in range(1, 13) if np.any(months_of_day == m)}
    if sum(1 for days in covered.values() if days >= 28) < MONTHS_FOR_SEASONS:
        return {}, covered
    day = np.clip((emergency // HOURS_PER_DAY).astype(int) - start_day, 0, months_of_day.size - 1)
    admitted_month = months_of_day[day]
    rate = {m: float(np.sum(admitted_month == m)) / covered[m] for m in covered}
    mean = sum(rate.values()) / len(rate)
    return {m: round(r / mean, 4) for m, r in rate.items()}, covered
