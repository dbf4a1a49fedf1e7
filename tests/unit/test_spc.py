"""XmR charts (Making Data Count): limits from the mean moving range, and the four special-cause rules."""

from __future__ import annotations

import numpy as np
import pytest

from discharge_sim.analysis.spc import LIMIT_FACTOR, RULES, xmr


def test_centre_line_and_limits_are_the_mean_and_mean_moving_range():
    chart = xmr([1.0, 3.0, 2.0, 4.0])
    assert chart.mean == 2.5
    assert chart.mean_moving_range == pytest.approx(5 / 3)
    assert chart.upper == pytest.approx(2.5 + 2.66 * 5 / 3)
    assert chart.lower == pytest.approx(2.5 - 2.66 * 5 / 3)
    assert not chart.special.any()


def test_limits_of_independent_normal_days_are_three_sigma():
    x = np.random.default_rng(7).normal(50.0, 4.0, 200_000)
    chart = xmr(x)
    assert chart.sigma == pytest.approx(4.0, rel=0.01)
    assert chart.upper == pytest.approx(50.0 + 12.0, rel=0.01)
    outside = chart.flags["outside_limits"].mean()
    assert outside == pytest.approx(0.0027, abs=0.0005)  # the three-sigma false alarm rate


def test_a_point_beyond_the_limits_is_flagged_and_only_it():
    x = np.array([10.0, 11.0] * 10 + [30.0] + [10.0, 11.0] * 10)
    chart = xmr(x)
    assert chart.upper < 30.0
    assert np.flatnonzero(chart.flags["outside_limits"]).tolist() == [20]


@pytest.mark.parametrize(("run", "flagged"), [(6, False), (7, True), (9, True)])
def test_a_shift_is_seven_points_or_more_on_one_side_of_the_mean(run, flagged):
    x = np.array([2.0, 0.0] * 10 + [1.5] * run + [0.0, 2.0] * 10)  # mean a little above 1
    chart = xmr(x)
    assert chart.mean < 1.5
    assert chart.flags["shift"][20:20 + run].all() == flagged
    assert chart.flags["shift"].sum() == (run if flagged else 0)


@pytest.mark.parametrize(("points", "flagged"), [(6, False), (7, True)])
def test_a_trend_is_seven_points_each_higher_than_the_one_before(points, flagged):
    x = np.array([5.0, 6.0] * 10 + [5.0 + 0.1 * i for i in range(points)] + [5.0, 6.0] * 10)
    chart = xmr(x)
    assert chart.flags["trend"].sum() == (points if flagged else 0)


def test_two_of_three_beyond_two_sigma_on_one_side():
    rng = np.random.default_rng(3)
    x = rng.normal(0.0, 1.0, 60)
    x = np.clip(x, -1.5, 1.5)
    chart = xmr(x)
    assert not chart.flags["two_of_three"].any()
    high = chart.mean + 2.5 * chart.sigma
    y = x.copy()
    y[30], y[32] = high, high
    flagged = xmr(y)
    assert flagged.mean + 2 * flagged.sigma < high < flagged.upper
    assert np.flatnonzero(flagged.flags["two_of_three"]).tolist() == [30, 32]
    assert set(flagged.counts()) == set(RULES)


def test_too_few_or_missing_values_are_refused():
    with pytest.raises(ValueError, match="two or more finite"):
        xmr([1.0])
    with pytest.raises(ValueError, match="two or more finite"):
        xmr([1.0, float("nan"), 2.0])
    assert pytest.approx(3 / 1.128, abs=0.001) == LIMIT_FACTOR


def _naive(x):
    """The rules point by point, as a reader would apply them to a printed chart."""
    chart = xmr(x)
    n, m, s2 = x.size, chart.mean, 2 * chart.sigma
    shift, trend, two = (np.zeros(n, bool) for _ in range(3))
    for i in range(n):
        for j in range(i + 7, n + 1):
            seg = x[i:j]
            if (seg > m).all() or (seg < m).all():
                shift[i:j] = True
            d = np.diff(seg)
            if (d > 0).all() or (d < 0).all():
                trend[i:j] = True
    for i in range(n - 2):
        for side in (x[i:i + 3] > m + s2, x[i:i + 3] < m - s2):
            if side.sum() >= 2:
                two[i:i + 3] |= side
    return chart, shift, trend, two


def test_the_rules_agree_with_a_point_by_point_reading():
    rng = np.random.default_rng(11)
    seen = np.zeros(3, int)
    for _ in range(45):
        x = np.round(np.cumsum(rng.normal(rng.uniform(-1, 1), 1, 40)) * rng.uniform(0, 0.5) + rng.normal(0, 1, 40), 1)
        chart, shift, trend, two = _naive(x)
        assert (chart.flags["shift"] == shift).all()
        assert (chart.flags["trend"] == trend).all()
        assert (chart.flags["two_of_three"] == two).all()
        seen += [shift.any(), trend.any(), two.any()]
    assert (seen > 1).all(), seen  # every rule was exercised
