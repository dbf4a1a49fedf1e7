"""MSER-5 warm-up detection against series whose transient is known."""

from __future__ import annotations

import numpy as np
import pytest

from discharge_sim.analysis.warmup import BATCH_DAYS, batch_means, daily_means, mser


def test_batch_means_drop_an_incomplete_last_batch():
    assert batch_means(np.arange(12.0)).tolist() == [2.0, 7.0]


def test_mser_finds_the_end_of_a_known_transient():
    """Start at 0, rise to 100 over 40 days, then noise: truncation at about 40 days."""
    rng = np.random.default_rng(1)
    days = np.arange(400)
    series = np.where(days < 40, 100.0 * days / 40, 100.0) + rng.normal(0, 3, days.size)
    found = mser(series)
    assert 35 <= found.truncation_days <= 50
    assert found.truncation_days % BATCH_DAYS == 0
    assert not found.unreliable


def test_mser_keeps_everything_of_a_stationary_series():
    rng = np.random.default_rng(2)
    found = mser(100 + rng.normal(0, 3, 300))
    assert found.truncation_days <= 15


def test_mser_flags_a_series_still_changing_at_mid_run():
    series = np.linspace(0.0, 100.0, 200) + np.random.default_rng(3).normal(0, 0.5, 200)
    assert mser(series).unreliable


def test_mser_needs_enough_days():
    with pytest.raises(ValueError, match="at least 20 days"):
        mser(np.ones(12))


def test_daily_means_average_over_replications_on_days_every_replication_has():
    days = np.array([0, 1, 2, 0, 1])
    reps = np.array([0, 0, 0, 1, 1])
    values = np.array([1.0, 2.0, 3.0, 3.0, 4.0])
    d, m = daily_means(values, days, reps)
    assert d.tolist() == [0, 1] and m.tolist() == [2.0, 3.0]
