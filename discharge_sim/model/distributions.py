"""Samplers built from config distributions, drawing from their stream in blocks.

Drawing one number at a time from numpy costs about a microsecond each; drawing a block of a few
thousand and handing them out as Python floats costs a few tens of nanoseconds each.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from discharge_sim.config import Distribution

BLOCK = 2048


@dataclass(frozen=True)
class Shape:
    """A distribution family with its mean and standard deviation, in hours."""

    family: str
    mean: float
    sd: float = 0.0
    points: tuple[float, ...] = ()
    """An empirical distribution's quantiles at equally spaced probabilities, in hours."""

    @classmethod
    def of(cls, distribution: Distribution) -> Shape:
        """The shape of a config's duration, in hours."""
        return cls(distribution.distribution, distribution.mean_in_hours, distribution.sd_in_hours,
                   tuple(distribution.quantiles_in_hours))

    @property
    def _probabilities(self) -> np.ndarray:
        return np.linspace(0.0, 1.0, len(self.points))

    def quantile(self, p: float) -> float:
        """The ``p`` quantile of the distribution, in hours (a benchmark: a good peer's quick cases)."""
        from scipy.special import gammaincinv, ndtri  # only benchmarks need them

        if self.family == "fixed" or self.mean == 0.0:
            return self.mean
        if self.family == "exponential":
            return -self.mean * math.log1p(-p)
        if self.family == "lognormal":
            mu, sigma = lognormal_parameters(self.mean, self.sd)
            return math.exp(mu + sigma * float(ndtri(p)))
        if self.family == "gamma":
            shape = (self.mean / self.sd) ** 2
            return float(gammaincinv(shape, p)) * self.sd**2 / self.mean
        if self.family == "weibull":
            k, scale = weibull_parameters(self.mean, self.sd)
            return scale * (-math.log1p(-p)) ** (1.0 / k)
        if self.family == "empirical":
            return float(np.interp(p, self._probabilities, self.points))
        raise ValueError(f"unknown distribution {self.family!r}")

    def cdf(self, x: float) -> float:
        """The chance that a draw is at most ``x`` hours."""
        from scipy.special import gammainc, ndtr  # only truncated draws need them

        if self.family == "fixed" or self.mean == 0.0:
            return 1.0 if x >= self.mean else 0.0
        if x <= 0.0:
            return 0.0
        if self.family == "exponential":
            return -math.expm1(-x / self.mean)
        if self.family == "lognormal":
            mu, sigma = lognormal_parameters(self.mean, self.sd)
            return float(ndtr((math.log(x) - mu) / sigma))
        if self.family == "gamma":
            shape = (self.mean / self.sd) ** 2
            return float(gammainc(shape, x * shape / self.mean))
        if self.family == "weibull":
            k, scale = weibull_parameters(self.mean, self.sd)
            return -math.expm1(-((x / scale) ** k))
        if self.family == "empirical":
            return empirical_cdf(self.points, x)
        raise ValueError(f"unknown distribution {self.family!r}")

    def block(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` independent draws."""
        if self.family == "fixed" or self.mean == 0.0:
            return np.full(n, self.mean)
        if self.family == "exponential":
            return rng.exponential(self.mean, n)
        if self.family == "lognormal":
            mu, sigma = lognormal_parameters(self.mean, self.sd)
            return np.exp(mu + sigma * rng.standard_normal(n))
        if self.family == "gamma":
            shape = (self.mean / self.sd) ** 2
            return rng.gamma(shape, self.mean / shape, n)
        if self.family == "weibull":
            k, scale = weibull_parameters(self.mean, self.sd)
            return scale * rng.weibull(k, n)
        if self.family == "empirical":
            return np.interp(rng.random(n), self._probabilities, self.points)
        raise ValueError(f"unknown distribution family {self.family!r}")

    def residual_block(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws of the time still to run for someone found mid-stay in steady state.

        The residual life of a renewal process is U times a length-biased draw; for the families
        here the length-biased law has a closed form, so a pool can start in its steady state.
        """
        u = rng.random(n)
        if self.family == "fixed" or self.mean == 0.0:
            return u * self.mean
        if self.family == "exponential":
            return rng.exponential(self.mean, n)
        if self.family == "lognormal":
            mu, sigma = lognormal_parameters(self.mean, self.sd)
            return u * np.exp(mu + sigma**2 + sigma * rng.standard_normal(n))
        if self.family == "gamma":
            shape = (self.mean / self.sd) ** 2
            return u * rng.gamma(shape + 1.0, self.mean / shape, n)
        if self.family == "weibull":  # length-biased: (X / scale)^k is gamma(1 + 1/k)
            k, scale = weibull_parameters(self.mean, self.sd)
            return u * scale * rng.gamma(1.0 + 1.0 / k, 1.0, n) ** (1.0 / k)
        if self.family == "empirical":
            return u * _length_biased_empirical(self.points, rng, n)
        raise ValueError(f"unknown distribution family {self.family!r}")


def lognormal_parameters(mean: float, sd: float) -> tuple[float, float]:
    """(mu, sigma) of the underlying normal for a lognormal with this mean and sd."""
    sigma2 = math.log1p((sd / mean) ** 2)
    return math.log(mean) - sigma2 / 2.0, math.sqrt(sigma2)


@functools.lru_cache(maxsize=256)
def weibull_parameters(mean: float, sd: float) -> tuple[float, float]:
    """(shape k, scale) of a Weibull with this mean and sd: k solves
    Gamma(1 + 2/k) / Gamma(1 + 1/k)^2 = 1 + (sd / mean)^2."""
    from scipy.optimize import brentq
    from scipy.special import gammaln

    target = math.log1p((sd / mean) ** 2)

    def excess(log_k: float) -> float:
        k = math.exp(log_k)
        return gammaln(1.0 + 2.0 / k) - 2.0 * gammaln(1.0 + 1.0 / k) - target

    k = math.exp(brentq(excess, math.log(0.05), math.log(5000.0), xtol=1e-12))
    return k, mean / math.exp(gammaln(1.0 + 1.0 / k))


def empirical_cdf(points: tuple[float, ...] | np.ndarray, x: float) -> float:
    """The chance that a draw from the empirical distribution with these quantiles is at most ``x``."""
    values = np.asarray(points, dtype=float)
    if x < values[0]:
        return 0.0
    if x >= values[-1]:
        return 1.0
    k = len(values) - 1
    i = int(np.searchsorted(values, x, side="right")) - 1  # values[i] <= x < values[i + 1]
    a, b = values[i], values[i + 1]
    return (i + (x - a) / (b - a)) / k


def _length_biased_empirical(points: tuple[float, ...], rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` length-biased draws: an interval chosen in proportion to its mean length, then a value
    within it with density proportional to the value."""
    values = np.asarray(points, dtype=float)
    a, b = values[:-1], values[1:]
    weights = (a + b) / 2.0
    i = rng.choice(len(a), size=n, p=weights / weights.sum())
    v = rng.random(n)
    return np.sqrt(a[i] ** 2 + v * (b[i] ** 2 - a[i] ** 2))


Draw = Callable[[], float]
"""A no-argument sampler: one draw per call."""


def block_sampler(draw: Callable[[int], np.ndarray]) -> Draw:
    """One draw at a time from blocks of ``BLOCK`` drawn in advance by ``draw(n)``.

    The sampler is a generator's ``__next__``: a call costs about half what a Python method
    would, and a patient takes some twenty draws."""

    def values() -> Iterator[float]:
        while True:
            yield from draw(BLOCK).tolist()

    return values().__next__


def sampler(shape: Shape, rng: np.random.Generator) -> Draw:
    """A no-argument sampler for ``shape`` drawing from ``rng``."""
    if shape.family == "fixed" or shape.mean == 0.0:
        value = float(shape.mean)
        return lambda: value
    return block_sampler(lambda n: shape.block(rng, n))


def uniform_sampler(rng: np.random.Generator) -> Draw:
    """Uniform draws on (0, 1]: never exactly zero, so ``u <= p`` tests are exact for p = 1."""
    return block_sampler(lambda n: 1.0 - rng.random(n))


def pick(cumulative: list[float], u: float) -> int:
    """Index of the first cumulative share reaching ``u`` in (0, 1]: a categorical draw."""
    for k, c in enumerate(cumulative):
        if u <= c:
            return k
    return len(cumulative) - 1
