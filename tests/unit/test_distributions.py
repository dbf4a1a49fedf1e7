"""Samplers: moments, steady-state residual stays, the uniform draw the model's coin flips use."""

from __future__ import annotations

import numpy as np
import pytest

from discharge_sim.config import Distribution
from discharge_sim.model.distributions import BLOCK, Shape, pick, sampler, uniform_sampler, weibull_parameters

EMPIRICAL = Shape.of(Distribution(distribution="empirical", quantiles_hours=[0.0, 2.0, 3.0, 7.0, 30.0]))
"""An empirical distribution with a long last interval: uniform on each quarter."""


@pytest.mark.parametrize("shape", [
    Shape("lognormal", 10.0, 6.0), Shape("gamma", 5.0, 2.0), Shape("exponential", 3.0), Shape("fixed", 2.5),
    Shape("weibull", 5.0, 4.0), Shape("weibull", 8.0, 20.0), EMPIRICAL,
])
def test_moments(shape):
    draw = sampler(shape, np.random.default_rng(3))
    x = np.array([draw() for _ in range(60000)])
    assert abs(x.mean() - shape.mean) < 0.02 * shape.mean
    if shape.family == "fixed":
        assert np.all(x == shape.mean)
    else:
        sd = shape.sd if shape.family != "exponential" else shape.mean
        assert abs(x.std() - sd) < 0.05 * sd


@pytest.mark.parametrize("shape", [Shape("lognormal", 10.0, 6.0), Shape("gamma", 5.0, 2.0), Shape("exponential", 3.0),
                                   Shape("weibull", 5.0, 4.0), Shape("weibull", 5.0, 9.0), EMPIRICAL])
def test_residual_life_mean(shape):
    """Steady-state residual stay has mean E[X^2] / (2 E[X])."""
    x = shape.residual_block(np.random.default_rng(5), 200000)
    sd = shape.sd if shape.family != "exponential" else shape.mean
    expected = (sd**2 + shape.mean**2) / (2 * shape.mean)
    assert abs(x.mean() - expected) < 0.02 * expected


class _Extremes:
    """A stand-in generator whose ``random`` gives the ends of numpy's [0, 1): exactly 0 and just below 1."""

    def random(self, n: int) -> np.ndarray:
        return np.resize([0.0, np.nextafter(1.0, 0.0)], n)


def test_uniform_sampler_maps_numpys_zero_to_one_and_never_returns_zero():
    """The sampler draws on (0, 1], so ``u <= p`` is certain for p = 1 and impossible for p = 0."""
    u = uniform_sampler(_Extremes())  # type: ignore[arg-type]
    values = [u() for _ in range(BLOCK + 2)]  # across a block boundary
    assert values[0] == 1.0 and 0.0 < values[1] < 1e-15
    assert min(values) > 0.0 and max(values) == 1.0
    real = uniform_sampler(np.random.default_rng(0))
    draws = np.array([real() for _ in range(20000)])
    assert draws.min() > 0 and draws.max() <= 1
    assert abs(draws.mean() - 0.5) < 0.01 and abs(np.mean(draws <= 0.25) - 0.25) < 0.01


def test_pick_is_the_first_cumulative_share_reaching_the_draw():
    assert pick([0.2, 0.5, 1.0], 0.2) == 0 and pick([0.2, 0.5, 1.0], 0.21) == 1 and pick([0.2, 0.5, 1.0], 1.0) == 2
    assert pick([0.0, 1.0], 1e-300) == 1  # a zero share is never picked


def test_blocks_are_reproducible_and_independent_of_global_state():
    a = sampler(Shape("lognormal", 1.0, 1.0), np.random.default_rng(9))
    np.random.seed(1)
    first = [a() for _ in range(5000)]
    b = sampler(Shape("lognormal", 1.0, 1.0), np.random.default_rng(9))
    np.random.seed(2)
    assert first == [b() for _ in range(5000)]


@pytest.mark.parametrize("shape", [
    Shape("lognormal", 10.0, 6.0), Shape("lognormal", 96.0, 84.0), Shape("gamma", 5.0, 2.0), Shape("gamma", 3.0, 2.5),
    Shape("exponential", 3.0), Shape("weibull", 5.0, 4.0), Shape("weibull", 50.0, 40.0), EMPIRICAL,
], ids=lambda s: f"{s.family} {s.mean:g}/{s.sd:g}")
def test_a_quantile_is_the_empirical_quantile_of_the_samplers_draws(shape):
    """What a benchmark caps a duration at: the p quantile of the very draws the model makes."""
    draw = sampler(shape, np.random.default_rng(11))
    x = np.array([draw() for _ in range(200_000)])
    for p in (0.05, 0.25, 0.5, 0.9):
        q = shape.quantile(p)
        assert np.quantile(x, p) == pytest.approx(q, rel=0.02), p
        assert np.mean(x <= q) == pytest.approx(p, abs=0.005), p
        assert shape.cdf(q) == pytest.approx(p, rel=1e-9), p
    assert shape.quantile(0.25) < shape.quantile(0.5) < shape.quantile(0.75)


def test_the_quantiles_of_a_fixed_time_and_by_hand():
    assert Shape("fixed", 2.5).quantile(0.1) == Shape("fixed", 2.5).quantile(0.9) == 2.5
    assert Shape("exponential", 2.0).quantile(0.5) == pytest.approx(2.0 * np.log(2.0), rel=1e-15)
    # A lognormal's median is exp(mu) = mean / sqrt(1 + cv^2).
    assert Shape("lognormal", 10.0, 5.0).quantile(0.5) == pytest.approx(10.0 / np.sqrt(1.25), rel=1e-12)
    # A gamma of shape 1 is an exponential.
    assert Shape("gamma", 4.0, 4.0).quantile(0.3) == pytest.approx(Shape("exponential", 4.0).quantile(0.3), rel=1e-12)


def test_a_weibulls_parameters_give_back_its_mean_and_sd():
    from scipy.special import gamma

    for mean, sd in ((5.0, 4.0), (10.0, 1.0), (3.0, 30.0)):
        k, scale = weibull_parameters(mean, sd)
        assert scale * gamma(1 + 1 / k) == pytest.approx(mean, rel=1e-9)
        assert scale * np.sqrt(gamma(1 + 2 / k) - gamma(1 + 1 / k) ** 2) == pytest.approx(sd, rel=1e-7)
    # sd equal to the mean is the exponential: shape 1
    assert weibull_parameters(7.0, 7.0)[0] == pytest.approx(1.0, rel=1e-9)


def test_an_empirical_distribution_is_its_quantiles_joined_by_straight_lines():
    assert EMPIRICAL.quantile(0.5) == 3.0 and EMPIRICAL.quantile(0.875) == pytest.approx(18.5)
    assert EMPIRICAL.cdf(5.0) == pytest.approx(0.625) and EMPIRICAL.cdf(-1.0) == 0.0 and EMPIRICAL.cdf(31.0) == 1.0
    # uniform on each quarter: mean = average of the midpoints
    assert EMPIRICAL.mean == pytest.approx((1.0 + 2.5 + 5.0 + 18.5) / 4)
    days = Distribution(distribution="empirical", quantiles_days=[0.0, 1.0, 2.0])
    assert days.mean_in_hours == pytest.approx(24.0) and days.quantiles_in_hours == [0.0, 24.0, 48.0]


@pytest.mark.parametrize("given, words", [
    ({"distribution": "empirical", "quantiles_hours": [0, 3, 2]}, "never decrease"),
    ({"distribution": "empirical", "quantiles_hours": [1]}, "needs 2 to"),
    ({"distribution": "empirical", "quantiles_hours": [0, 1], "mean_hours": 1}, "not a mean or sd"),
    ({"distribution": "empirical", "quantiles_hours": [0, 1], "quantiles_days": [0, 1]}, "exactly one unit"),
    ({"distribution": "empirical", "quantiles_hours": [0, 0]}, "some positive values"),
    ({"distribution": "lognormal", "mean_hours": 1, "sd_hours": 1, "quantiles_hours": [0, 1]}, "takes no quantiles"),
    ({"distribution": "weibull", "mean_hours": 1}, "needs sd_hours"),
    ({"distribution": "weibull", "mean_hours": 1, "sd_hours": 500}, "more than 100 times"),
    ({"distribution": "weibull", "mean_hours": 1, "sd_hours": 0.0001}, "give a fixed duration"),
])
def test_a_wrong_distribution_is_refused_with_what_is_wrong(given, words):
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as refused:
        Distribution(**given)
    assert words in str(refused.value)
