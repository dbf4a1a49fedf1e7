"""Intervals and paired differences, against values worked out by hand from t tables."""

from __future__ import annotations

import math

import pytest

from discharge_sim.analysis.statistics import paired_differences, t_interval
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
