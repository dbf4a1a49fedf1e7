"""The measures boards see: patients with no criteria to reside and long stays counted at each
midnight, the share of such patients discharged each day, weekend discharges against weekdays and
the share of discharges before noon. Each is checked against a count made patient by patient from
the kept records, and the daily table against the replication's metrics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from discharge_sim.analysis.metrics import window_midnights
from discharge_sim.analysis.tables import midnight_census
from discharge_sim.experiments.specification import measure
from tests.helpers import short_baseline


@pytest.fixture(scope="module")
def measured():
    config = short_baseline(days=63, warmup=14)
    return config, measure(config, 0, 5, keep=True, occupancy=True)


def test_counts_at_midnight_match_a_patient_by_patient_count():
    rng = np.random.default_rng(2)
    starts = rng.uniform(-10, 200, 300)
    ends = starts + rng.exponential(50, 300)
    census = midnight_census(starts, ends, 9)
    for day in range(9):
        midnight = day * 24.0
        assert census[day] == np.sum((starts <= midnight) & (midnight < ends)), day
    # In a window: the midnights of [lo, hi) each interval holds.
    held = window_midnights(starts, ends, 30.0, 150.0)
    for i in range(300):
        assert held[i] == sum(1 for d in range(2, 7) if starts[i] <= d * 24.0 < ends[i]), i


def test_board_measures_match_the_patient_records(measured):
    config, m = measured
    lo, hi = config.warmup_hours, config.horizon_hours
    p = m.result.patients
    metrics = m.metrics
    dep = p["departure"]
    left = ~np.isnan(dep) & (dep >= lo) & (dep < hi)
    weekend_days = sum(1 for d in range(14, 63) if d % 7 >= 5)
    weekend = np.floor(dep[left] / 24) % 7 >= 5
    ratio = (weekend.sum() / weekend_days) / ((~weekend).sum() / (49 - weekend_days))
    assert metrics["weekend_discharge_ratio"] == pytest.approx(ratio, rel=1e-12)
    assert metrics["before_noon_discharge_share"] == pytest.approx(np.mean(dep[left] % 24 < 12), rel=1e-12)
    end = np.where(np.isnan(dep), hi, dep)
    ready = ~np.isnan(p["ready"])
    nctr = [np.sum(ready & (p["ready"] <= d * 24.0) & (d * 24.0 < end)) for d in range(14, 63)]
    assert metrics["nctr_patients_mean"] == pytest.approx(np.mean(nctr), rel=1e-12)
    admitted = ~np.isnan(p["admitted"])
    for days in (7, 14, 21):
        long = [np.sum(admitted & (p["admitted"] + days * 24.0 <= d * 24.0) & (d * 24.0 < end)) for d in range(14, 63)]
        assert metrics[f"stays_{days}_plus_mean"] == pytest.approx(np.mean(long), rel=1e-12), days
    found = np.sum(ready & (p["ready"] >= lo) & (p["ready"] < hi))
    assert metrics["nctr_discharged_share"] == pytest.approx(np.sum(left & ready) / (np.sum(nctr) + found))
    assert 0 < metrics["nctr_discharged_share"] < 1 and 0 < metrics["before_noon_discharge_share"] < 1


def test_the_daily_table_adds_up_to_the_metrics(measured):
    _, m = measured
    daily, metrics = m.occupancy, m.metrics
    window = slice(14, 63)
    assert daily["discharges"][window].sum() == metrics["discharges"]
    assert daily["nctr_patients_at_midnight"][window].mean() == pytest.approx(metrics["nctr_patients_mean"])
    for days in (7, 14, 21):
        assert daily[f"stays_{days}_plus_at_midnight"][window].mean() == pytest.approx(
            metrics[f"stays_{days}_plus_mean"])
    assert np.all(daily["stays_21_plus_at_midnight"] <= daily["stays_14_plus_at_midnight"])
    assert np.all(daily["nctr_discharges"] <= daily["discharges"])
    assert not math.isnan(metrics["weekend_discharge_ratio"])


@pytest.mark.slow
def test_the_baselines_weekend_and_before_noon_discharges_lie_in_the_published_ranges():
    from discharge_sim.analysis.references import DISCHARGE_TIMING_RANGES
    from discharge_sim.config import load_config
    from tests.helpers import BASELINE

    config = load_config(BASELINE)
    runs = [measure(config, r, config.run.seed).metrics for r in range(3)]
    for metric, published in DISCHARGE_TIMING_RANGES.items():
        low, high = published["range"]
        values = [m[metric] for m in runs]
        assert low <= float(np.mean(values)) <= high, (metric, values)
