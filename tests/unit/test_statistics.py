"""Intervals and paired differences, against values worked out by hand from t tables."""

from __future__ import annotations

import math

import pytest

from discharge_sim.analysis.statistics import paired_differences, ratio_interval, t_interval
from discharge_sim.experiments.execution import relative_half_width

# Student's t, two-sided 95%: t(0.975; 2 df) and t(0.975; 3 df), from published tables.
T_2DF, T_3DF = 4.302652729911275, 3.182446305284263


def test_t_interval_matches_the_t_table():
    ci = t_interval([10.0, 12.0, 11.0, 13.0])
    sd = math.sqrt(5 / 3)  # squared deviations 2.25 + 0.25 + 0.25 + 2.25 over 3 df
    assert ci["n"] == 4 and ci["mean"] == 11.5 and ci["sd"] == pytest.approx(sd, rel=1e-12)
    assert ci["half_width"] == pytest.approx(T_3DF * sd / 2, rel=1e-9)
    assert (ci["ci_low"], ci["ci_high"]) == pytest.approx((11.5 - ci["half_width"], 11.5 + ci["half_width"]), rel=1e-12)


def test_one_value_has_no_interval():
    ci = t_interval([2.0])
    assert ci["mean"] == 2.0 and all(math.isnan(ci[k]) for k in ("sd", "ci_low", "ci_high", "half_width"))


def test_relative_half_width():
    assert relative_half_width([1.0]) == math.inf
    assert relative_half_width([2.0, 2.0, 2.0]) == 0.0
    # mean 11, sd 1, 2 df: half-width t * 1 / sqrt(3), relative to 11
    assert relative_half_width([10.0, 12.0, 11.0]) == pytest.approx(T_2DF / math.sqrt(3) / 11.0, rel=1e-9)


def test_paired_differences_are_replication_by_replication():
    base = [{"x": 1.0, "only_base": 3.0}, {"x": 5.0, "only_base": 3.0}, {"x": 9.0, "only_base": 3.0}]
    other = [{"x": 2.0}, {"x": 6.5}, {"x": 10.0}]
    d = paired_differences(base, other)
    assert list(d) == ["x"]
    # differences 1, 1.5, 1: mean 7/6, sd sqrt(1/12); unpaired, the spread of x (sd 4) would swamp them
    assert d["x"]["mean"] == pytest.approx(7 / 6, rel=1e-12)
    half = T_2DF * math.sqrt(1 / 12) / math.sqrt(3)
    assert d["x"]["ci_low"] == pytest.approx(7 / 6 - half, rel=1e-9) and d["x"]["excludes_zero"] == 1.0
    flat = paired_differences([{"x": 1.0}, {"x": 2.0}], [{"x": 1.0}, {"x": 2.0}])
    assert flat["x"]["mean"] == 0.0 and flat["x"]["excludes_zero"] == 0.0


# --- shares: ratios of totals ----------------------------------------------------------------------

def test_a_share_is_the_ratio_of_totals_with_a_delta_method_interval():
    """y = (1, 2, 3) of x = (2, 2, 4): R = 6 / 8. The residuals y - R x are (-0.5, 0.5, 0), sd 0.5;
    over the mean of x (8/3) that is 0.1875, and the half-width is t(2 df) * 0.1875 / sqrt(3)."""
    ci = ratio_interval([1.0, 2.0, 3.0], [2.0, 2.0, 4.0])
    assert ci["n"] == 3 and ci["mean"] == 0.75
    assert ci["sd"] == pytest.approx(0.1875, rel=1e-12)
    half = T_2DF * 0.1875 / math.sqrt(3)
    assert ci["half_width"] == pytest.approx(half, rel=1e-9)
    assert (ci["ci_low"], ci["ci_high"]) == pytest.approx((0.75 - half, 0.75 + half), rel=1e-9)
    assert ci["ci_low"] == 0.75 - ci["half_width"] and ci["ci_high"] == 0.75 + ci["half_width"]
    # Not the mean of the per-replication ratios (0.5, 1, 0.75: 0.75 by chance here) in general:
    other = ratio_interval([1.0, 9.0], [2.0, 10.0])
    assert other["mean"] == 10 / 12 != (0.5 + 0.9) / 2


@pytest.mark.parametrize(("y", "x"), [
    ([3.0, 5.0, 4.0, 8.0], [10.0, 12.0, 9.0, 20.0]),
    ([0.1, 0.2, 0.05], [1.0, 1.0, 1.0]),
    ([7.0, 7.0], [10.0, 10.0]),
    ([-1.0, 2.0, 0.5], [3.0, 4.0, 5.0]),
])
def test_the_ratio_is_sum_over_sum_and_its_interval_contains_it(y, x):
    ci = ratio_interval(y, x)
    assert ci["mean"] == pytest.approx(sum(y) / sum(x), rel=1e-15)
    assert ci["ci_low"] <= ci["mean"] <= ci["ci_high"]
    assert ci["half_width"] >= 0
    # A side's share and the rest's add up to one, interval by interval symmetric about it.
    rest = ratio_interval([b - a for a, b in zip(y, x, strict=True)], x)
    assert ci["mean"] + rest["mean"] == pytest.approx(1.0, rel=1e-12)
    assert ci["half_width"] == pytest.approx(rest["half_width"], rel=1e-9, abs=1e-15)


def test_equal_shares_in_every_replication_have_no_spread():
    ci = ratio_interval([2.0, 4.0, 6.0], [4.0, 8.0, 12.0])
    assert ci["mean"] == 0.5 and ci["half_width"] == pytest.approx(0.0, abs=1e-15)


def test_a_share_of_nothing_is_undefined_and_one_replication_has_no_interval():
    assert math.isnan(ratio_interval([0.0, 0.0], [0.0, 0.0])["mean"])
    assert math.isnan(ratio_interval([], [])["mean"])
    one = ratio_interval([1.0], [4.0])
    assert one["mean"] == 0.25 and math.isnan(one["ci_low"]) and math.isnan(one["half_width"])
    # A replication with a missing value is left out of both sums.
    assert ratio_interval([1.0, math.nan, 3.0], [2.0, 5.0, 6.0])["mean"] == pytest.approx(4 / 8)
