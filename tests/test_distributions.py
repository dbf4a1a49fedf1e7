import numpy as np
import pytest

from discharge_sim.model.distributions import Shape, pick, sampler, uniform_sampler


@pytest.mark.parametrize("shape", [
    Shape("lognormal", 10.0, 6.0), Shape("gamma", 5.0, 2.0), Shape("exponential", 3.0), Shape("fixed", 2.5),
])
def test_moments(shape):
    draw = sampler(shape, np.random.default_rng(3))
    x = np.array([draw() for _ in range(60000)])
    assert abs(x.mean() - shape.mean) < 0.02 * shape.mean
    if shape.family != "fixed":
        sd = shape.sd if shape.family != "exponential" else shape.mean
        assert abs(x.std() - sd) < 0.05 * sd


@pytest.mark.parametrize("shape", [Shape("lognormal", 10.0, 6.0), Shape("gamma", 5.0, 2.0), Shape("exponential", 3.0)])
def test_residual_life_mean(shape):
    """Steady-state residual stay has mean E[X^2] / (2 E[X])."""
    x = shape.residual_block(np.random.default_rng(5), 200000)
    sd = shape.sd if shape.family != "exponential" else shape.mean
    expected = (sd**2 + shape.mean**2) / (2 * shape.mean)
    assert abs(x.mean() - expected) < 0.02 * expected


def test_uniform_never_zero_and_pick():
    u = uniform_sampler(np.random.default_rng(0))
    values = [u() for _ in range(10000)]
    assert min(values) > 0 and max(values) <= 1
    assert pick([0.2, 0.5, 1.0], 0.2) == 0 and pick([0.2, 0.5, 1.0], 0.21) == 1 and pick([0.2, 0.5, 1.0], 1.0) == 2


def test_blocks_are_reproducible():
    a = sampler(Shape("lognormal", 1.0, 1.0), np.random.default_rng(9))
    b = sampler(Shape("lognormal", 1.0, 1.0), np.random.default_rng(9))
    assert [a() for _ in range(5000)] == [b() for _ in range(5000)]
