"""What a sample of points says: spreads, a proportion's Wilson interval, rank regression,
thresholds where a linear difference crosses zero, history matching with noise allowed for, and
the Morris and Sobol estimators on functions whose indices are known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from discharge_sim.experiments.calibration import Target
from discharge_sim.experiments.sensitivity import (
    morris_design,
    morris_indices,
    most_influential,
    sobol_design,
    sobol_indices,
)
from discharge_sim.experiments.uncertainty import (
    history_match,
    implausibility,
    proportion,
    rank_coefficients,
    spread,
    thresholds,
)


def test_the_spread_is_the_median_and_central_ninety_percent_leaving_out_nan():
    values = np.append(np.arange(101, dtype=float), np.nan)
    s = spread(values)
    assert s.points == 101 and (s.median, s.low, s.high) == pytest.approx((50.0, 5.0, 95.0))
    assert math.isnan(spread([np.nan]).median)


def test_a_proportion_has_a_wilson_interval_that_stays_inside_zero_and_one():
    p = proportion([True] * 3 + [False] * 7)
    assert p.share == 0.3 and p.points == 10
    assert p.low == pytest.approx(0.1078, abs=1e-3) and p.high == pytest.approx(0.6032, abs=1e-3)  # Wilson, z=1.96
    none = proportion([False] * 20)
    assert none.share == 0 and none.low == 0 and 0.1 < none.high < 0.2  # not the Wald interval's [0, 0]


def test_rank_coefficients_find_the_monotone_driver_and_ignore_the_rest():
    rng = np.random.default_rng(1)
    x = rng.uniform(size=(200, 3))
    y = np.exp(4 * x[:, 1]) - 2 * x[:, 2] + 0.01 * rng.normal(size=200)  # monotone in x1, weakly in x2
    coefficients, r2 = rank_coefficients(x, y)
    assert coefficients[1] > 0.9 and abs(coefficients[0]) < 0.05 and coefficients[2] < 0
    assert r2 > 0.9
    fixed = np.column_stack([x, np.full(200, 7.0)])
    assert rank_coefficients(fixed, y)[0][3] == 0  # a setting that never varied explains nothing


def test_the_threshold_is_where_the_fitted_difference_crosses_zero():
    rng = np.random.default_rng(2)
    x = np.column_stack([rng.uniform(0, 10, 300), rng.uniform(100, 200, 300)])
    difference = 50 * (x[:, 0] - 6) + 0.5 * (x[:, 1] - 150)  # zero at x0 = 6 with x1 at its mean
    found = thresholds(["a", "b"], x, difference, {"a": (0, 10), "b": (100, 200)})
    assert found["a"].value == pytest.approx(6 + 0.5 * (x[:, 1].mean() - 150) / -50, abs=1e-6)
    assert found["a"].slope == pytest.approx(50) and found["a"].r_squared == pytest.approx(1)
    assert found["a"].within
    b = found["b"]  # b alone would have to leave its range to change the majority
    assert not b.within and b.value == pytest.approx(150 - 100 * (x[:, 0].mean() - 6), abs=1e-6)


def test_a_setting_with_no_detectable_effect_gets_no_threshold_even_when_the_sides_are_level():
    # The sides are level on average (the fit is near 0 at the means), so every setting's crossing
    # would fall near its own mean: only the one that matters may be called a tipping point.
    rng = np.random.default_rng(4)
    x = rng.uniform(0, 1, size=(200, 3))
    difference = 100 * (x[:, 0] - 0.5) + rng.normal(0, 5, 200)  # x1 and x2 do nothing
    found = thresholds(["a", "b", "c"], x, difference, {"a": (0, 1), "b": (0, 1), "c": (0, 1)})
    assert found["a"].within and found["a"].value == pytest.approx(0.5, abs=0.03)
    assert found["a"].slope_half_width < found["a"].slope
    assert found["b"].value is None and found["c"].value is None and not found["b"].within


def test_history_matching_allows_for_the_noise_of_a_points_mean():
    target = Target("delayed_bed_days", 100.0, 5.0)
    assert implausibility(target, 105.0, 0.0) == pytest.approx(1.0)
    assert implausibility(target, 110.0, 5.0 * math.sqrt(3)) == pytest.approx(1.0)  # sqrt(25 + 75) = 10
    assert implausibility(target, math.nan, 0.0) == math.inf
    summaries = [{"delayed_bed_days": {"mean": 104.0, "sd": 0.0, "n": 3.0}},
                 {"delayed_bed_days": {"mean": 112.0, "sd": 1.0, "n": 4.0}},
                 {"delayed_bed_days": {"mean": 112.0, "sd": 40.0, "n": 4.0}}]
    matched = history_match([target], summaries)
    assert matched.kept.tolist() == [True, False, True]  # the third is too noisy to rule out
    assert history_match([target], summaries, cutoff=3.0).kept.tolist() == [True, True, True]


def test_morris_and_sobol_on_a_function_of_known_indices():
    keys = ["a", "b", "c"]
    design = morris_design(keys, 20, seed=3)
    y = 4 * design[:, 0] + design[:, 1]
    screened = morris_indices(keys, design, {"y": y}, seed=3)["y"]
    assert screened.mu_star["a"].value == pytest.approx(4) and screened.mu_star["b"].value == pytest.approx(1)
    assert screened.mu_star["c"].value == 0 and screened.mu["a"] > 0
    assert most_influential({"y": screened}, ["y"], 2) == ["a", "b"]

    unit = sobol_design(keys, 1024, seed=3)
    assert unit.shape == (1024 * 5, 3)
    indices = sobol_indices(keys, {"y": 4 * unit[:, 0] + unit[:, 1]}, seed=3)["y"]
    # Var(4U) = 16/12 and Var(U) = 1/12 of a total 17/12: S1 = 16/17 and 1/17, c none
    assert indices.first["a"].value == pytest.approx(16 / 17, abs=0.03)
    assert indices.first["b"].value == pytest.approx(1 / 17, abs=0.02)
    assert indices.total["c"].value == pytest.approx(0, abs=1e-9)
    assert indices.first["a"].low <= 16 / 17 <= indices.first["a"].high
    flat = sobol_indices(keys, {"flat": np.ones(len(unit))}, seed=3)["flat"]
    assert flat.variance == 0 and math.isnan(flat.first["a"].value)  # nothing to apportion


def test_most_influential_weighs_outputs_in_different_units_alike():
    from discharge_sim.experiments.sensitivity import Index, Screened

    def screened(values):
        return Screened({k: Index(v, 0.0) for k, v in values.items()}, dict.fromkeys(values, 1.0),
                        dict.fromkeys(values, 0.0))

    bed_days = screened({"a": 1000.0, "b": 10.0, "c": 0.0})
    share = screened({"a": 0.0, "b": 0.001, "c": 0.1})  # c drives the share, in much smaller units
    assert most_influential({"days": bed_days, "share": share}, ["days", "share"], 2) == ["a", "c"]
