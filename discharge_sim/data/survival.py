"""Fitting a duration's distribution to times that may be censored, and choosing among families.

Every observation is an interval (lower, upper] in hours: a time recorded to the hour is the hour
it fell in; a time known only to lie between two rounds is that stretch; a patient still waiting
when the extract was taken is right-censored (upper infinite). All families are fitted by maximum
likelihood on the same intervals, so their log-likelihoods, and AICs, compare: lognormal, gamma
and Weibull (two parameters each), and an empirical distribution (quantiles at equally spaced
probabilities from the Kaplan-Meier estimate, piecewise uniform between them: one parameter per
quantile; its ends are zero and the longest time rounded up to a whole week, never one patient's).
Identical intervals are counted once with a weight, so 100,000 stays cost what a few thousand
distinct ones do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from discharge_sim.vocabulary import HOURS_PER_DAY

PARAMETRIC = ("lognormal", "gamma", "weibull")
MOST_EMPIRICAL_INTERVALS = 100
"""The most intervals of an empirical fit (quantiles at 0, 1%, ..., 100%): the last one, up to the
longest time rounded up to a week, then holds 1% of the mass, so its spread barely moves the mean."""
EVENTS_PER_INTERVAL = 10
"""Times that ended an empirical fit has per interval at least (so no quantile is a few patients');
with fewer than 10 intervals' worth, no empirical fit is offered."""
LEAST_SPREAD = 0.01
MOST_SPREAD = 50.0
"""The sd of a fitted family, as a multiple of its mean, is kept within these."""
TIE_HOURS = 0.001
"""How far apart tied quantiles of an empirical fit are set."""
RESOLUTION_HOURS = 1.0
"""Times are taken as recorded to the hour: an exact time x is the interval (floor(x), floor(x) + 1]."""


@dataclass(frozen=True)
class Observations:
    """Durations, each known to lie in one of a few intervals (lower, upper] in hours, with a
    relative chance per interval (``factor``: the chance the duration would have been recorded as
    it was had it ended there), and a weight (identical observations counted once). One interval
    per row is the usual case; an ``upper`` of infinity is a censored duration; unused intervals
    have factor 0. Arrays are (observations, intervals)."""

    lower: np.ndarray
    upper: np.ndarray
    factor: np.ndarray
    weight: np.ndarray
    truncated_at: float = 0.0
    """Durations are only seen when at least this long (left truncation): the likelihood is
    conditional on it."""

    def truncated(self, at: float) -> Observations:
        """The same observations, known to have been seen only when at least ``at`` hours."""
        return Observations(self.lower, self.upper, self.factor, self.weight, at)

    @classmethod
    def of(cls, exact: np.ndarray, censored: np.ndarray | None = None) -> Observations:
        """From ``exact`` durations (known to the hour) and ``censored`` ones (still going at that
        many hours)."""
        exact = np.asarray(exact, dtype=float)
        return cls.of_pieces(exact[:, None], exact[:, None], np.ones((exact.size, 1)), censored)

    @classmethod
    def of_pieces(cls, lower: np.ndarray, upper: np.ndarray, factor: np.ndarray,
                  censored: np.ndarray | None = None) -> Observations:
        """From durations each known to lie in one of the intervals of its row (lower, upper], with
        relative chances ``factor``, and ``censored`` ones. Bounds are widened to whole hours."""
        lo = np.maximum(np.floor(lower / RESOLUTION_HOURS) * RESOLUTION_HOURS, 0.0)
        hi = np.maximum(np.ceil(upper / RESOLUTION_HOURS) * RESOLUTION_HOURS, lo + RESOLUTION_HOURS)
        factor = np.where(upper >= 0, factor, 0.0)  # a stay cannot have ended before it began
        cens = np.floor(np.maximum(np.asarray(censored if censored is not None else [], dtype=float), 0.0))
        k = lo.shape[1] if lo.ndim == 2 else 1
        c_lo = np.zeros((cens.size, k))
        c_lo[:, 0] = cens
        c_hi = np.zeros((cens.size, k))
        c_hi[:, 0] = np.inf
        c_f = np.zeros((cens.size, k))
        c_f[:, 0] = 1.0
        lo, hi, f = (np.vstack([a.reshape(-1, k), b]) for a, b in ((lo, c_lo), (hi, c_hi), (factor, c_f)))
        rows, counts = np.unique(np.hstack([lo, np.where(np.isinf(hi), -1.0, hi), f]), axis=0, return_counts=True)
        hi = rows[:, k:2 * k]
        return cls(rows[:, :k], np.where(hi < 0, np.inf, hi), rows[:, 2 * k:], counts.astype(float))

    @cached_property
    def pieces(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The intervals that count (factor above 0), flat: (observation, lower, upper, factor)."""
        used = self.factor > 0
        rows = np.nonzero(used)[0]
        return rows, self.lower[used], self.upper[used], self.factor[used]

    @cached_property
    def alone_censored(self) -> np.ndarray:
        """Censored observations (a single interval to infinity)."""
        return self.is_censored & (np.count_nonzero(self.factor, axis=1) == 1)

    @property
    def n(self) -> int:
        return int(self.weight.sum())

    @property
    def is_censored(self) -> np.ndarray:
        return np.isinf(self.upper[:, 0])

    @property
    def censored(self) -> int:
        return int(self.weight[self.is_censored].sum())

    @property
    def events(self) -> int:
        return self.n - self.censored

    def midpoints(self) -> np.ndarray:
        """A point per observation: its nearest interval's middle (a censored one's time)."""
        lo, hi = self.lower[:, 0], self.upper[:, 0]
        return np.where(np.isinf(hi), lo, (lo + hi) / 2.0)


@dataclass(frozen=True)
class Fit:
    """One family fitted to observations: its mean and sd in hours (or, for the empirical
    family, its quantiles), log-likelihood and number of parameters."""

    family: str
    mean: float
    sd: float
    log_likelihood: float
    parameters: int
    quantiles: tuple[float, ...] = ()

    @property
    def aic(self) -> float:
        return 2.0 * self.parameters - 2.0 * self.log_likelihood

    def distribution(self) -> dict[str, object]:
        """The config's form of this distribution, in days."""
        if self.family == "empirical":
            return {"distribution": "empirical",
                    "quantiles_days": [round(q / HOURS_PER_DAY, 4) for q in self.quantiles]}
        return {"distribution": self.family, "mean_days": round(self.mean / HOURS_PER_DAY, 4),
                "sd_days": max(round(self.sd / HOURS_PER_DAY, 4), 0.0001)}

    def cdf(self, x: np.ndarray) -> np.ndarray:
        """The fitted distribution function at ``x`` hours."""
        return _cdf(self.family, self._params(), np.asarray(x, dtype=float))

    def survival(self, x: float) -> float:
        """The chance of lasting longer than ``x`` hours."""
        return float(1.0 - self.cdf(np.array([x]))[0])

    def quantile(self, p: np.ndarray) -> np.ndarray:
        """The fitted quantiles at probabilities ``p``."""
        from scipy import stats

        p = np.asarray(p, dtype=float)
        if self.family == "empirical":
            return np.interp(p, np.linspace(0.0, 1.0, len(self.quantiles)), self.quantiles)
        a, b = self._params()
        if self.family == "lognormal":
            return np.asarray(stats.lognorm.ppf(p, b, scale=math.exp(a)))
        if self.family == "gamma":
            return np.asarray(stats.gamma.ppf(p, a, scale=b))
        return np.asarray(stats.weibull_min.ppf(p, a, scale=b))

    def _params(self) -> tuple[float, ...]:
        if self.family == "empirical":
            return self.quantiles
        return _natural(self.family, self.mean, self.sd)


def fit_all(obs: Observations) -> list[Fit]:
    """Every family that can be fitted to ``obs``, best (lowest AIC) first. The empirical family
    is left out when the Kaplan-Meier estimate does not reach 1 (the longest times are censored),
    and for truncated observations (it would describe only the part seen)."""
    fits = [_fit_parametric(family, obs) for family in PARAMETRIC]
    empirical = fit_empirical(obs) if obs.truncated_at == 0 else None
    if empirical is not None:
        fits.append(empirical)
    return sorted((f for f in fits if math.isfinite(f.log_likelihood)), key=lambda f: f.aic)


def kaplan_meier(obs: Observations) -> tuple[np.ndarray, np.ndarray]:
    """(times, F(t)): the Kaplan-Meier estimate of the distribution function at each distinct
    event time (an interval's midpoint); censored times count at risk up to their time."""
    times = obs.midpoints()
    event = ~obs.is_censored
    order = np.argsort(times, kind="stable")
    times, event, weight = times[order], event[order], obs.weight[order]
    distinct, start = np.unique(times, return_index=True)
    deaths = np.add.reduceat(np.where(event, weight, 0.0), start)
    leaving = np.add.reduceat(weight, start)
    at_risk = weight.sum() - np.concatenate([[0.0], np.cumsum(leaving)[:-1]])
    survival = np.cumprod(1.0 - np.divide(deaths, at_risk, out=np.zeros_like(deaths), where=at_risk > 0))
    has = deaths > 0
    return distinct[has], 1.0 - survival[has]


def km_quantiles(obs: Observations, p: np.ndarray) -> np.ndarray:
    """Kaplan-Meier quantiles at probabilities ``p`` (NaN beyond the estimate's reach)."""
    times, f = kaplan_meier(obs)
    index = np.searchsorted(f, np.asarray(p) - 1e-12, side="left")
    out = np.full(np.shape(p), np.nan)
    ok = index < times.size
    out[ok] = times[index[ok]]
    return out


def fit_empirical(obs: Observations) -> Fit | None:
    """The empirical distribution from the Kaplan-Meier quantiles, or None if they stop short of 1
    or there are too few times that ended (see ``EVENTS_PER_INTERVAL``)."""
    times, f = kaplan_meier(obs)
    intervals = min(MOST_EMPIRICAL_INTERVALS, obs.events // EVENTS_PER_INTERVAL)
    if intervals < 10 or times.size < 2 or f[-1] < 1.0 - 1e-9:
        return None
    p = np.linspace(0.0, 1.0, intervals + 1)
    q = km_quantiles(obs, p)
    # The ends are no one patient's time (disclosure control): zero, and the longest time that
    # ended rounded up to a whole week.
    week = 7 * HOURS_PER_DAY
    q[0] = 0.0
    q[-1] = max(math.ceil(float(obs.upper[~obs.is_censored][obs.factor[~obs.is_censored] > 0].max()) / week) * week,
                float(q[-2]))
    q = np.maximum.accumulate(q)
    q = _spread(q)
    params = tuple(float(v) for v in q)
    ll = _log_likelihood("empirical", params, obs)
    from discharge_sim.config.schema import empirical_moments

    mean, sd = empirical_moments(params)
    return Fit("empirical", mean, sd, ll, len(params), params)


def log_likelihood(fit: Fit, obs: Observations) -> float:
    """The log-likelihood of ``fit`` on ``obs`` (which it need not have been fitted to)."""
    return _log_likelihood(fit.family, fit._params(), obs)


def _spread(q: np.ndarray) -> np.ndarray:
    """Quantiles made strictly increasing where they tie (many stays of the same recorded hour), by
    a few seconds each: the likelihood takes times to the hour, so the mass of an hour stays at
    most what the data put there, and the quantiles keep their place."""
    out = q.copy()
    for i in range(1, out.size):
        if out[i] <= out[i - 1]:
            out[i] = out[i - 1] + TIE_HOURS
    return out


def _natural(family: str, mean: float, sd: float) -> tuple[float, float]:
    """The family's parameters from a mean and sd: lognormal (mu, sigma); gamma (shape, scale);
    Weibull (shape, scale)."""
    if family == "lognormal":
        s2 = math.log1p((sd / mean) ** 2)
        return math.log(mean) - s2 / 2.0, math.sqrt(s2)
    if family == "gamma":
        shape = (mean / sd) ** 2
        return shape, mean / shape
    from discharge_sim.model.distributions import weibull_parameters

    return weibull_parameters(mean, sd)


def _moments(family: str, a: float, b: float) -> tuple[float, float]:
    if family == "lognormal":
        mean = math.exp(a + b * b / 2.0)
        return mean, mean * math.sqrt(math.expm1(b * b))
    if family == "gamma":
        return a * b, math.sqrt(a) * b
    from scipy.special import gammaln

    g1 = math.exp(gammaln(1.0 + 1.0 / a))
    g2 = math.exp(gammaln(1.0 + 2.0 / a))
    return b * g1, b * math.sqrt(max(g2 - g1 * g1, 0.0))


def _cdf(family: str, params: tuple[float, ...], x: np.ndarray) -> np.ndarray:
    """The distribution function at ``x`` hours (scipy.special directly: the fit evaluates it
    thousands of times, and scipy.stats' generic checks would cost more than the arithmetic)."""
    from scipy.special import gammainc, ndtr

    if family == "empirical":
        q = np.asarray(params)
        return np.interp(x, q, np.linspace(0.0, 1.0, q.size), left=0.0, right=1.0)
    a, b = params
    with np.errstate(divide="ignore", over="ignore"):
        if family == "lognormal":
            return np.asarray(ndtr((np.log(x) - a) / b))
        if family == "gamma":
            return np.asarray(gammainc(a, x / b))
        return -np.expm1(-((x / b) ** a))


def _sf(family: str, params: tuple[float, ...], x: np.ndarray) -> np.ndarray:
    """The survival function, 1 - F, computed directly (accurate in the upper tail)."""
    from scipy.special import gammaincc, ndtr

    if family == "empirical":
        return 1.0 - _cdf(family, params, x)
    a, b = params
    with np.errstate(divide="ignore", over="ignore"):
        if family == "lognormal":
            return np.asarray(ndtr((a - np.log(x)) / b))
        if family == "gamma":
            return np.asarray(gammaincc(a, x / b))
        return np.exp(-((x / b) ** a))


def _log_sf(family: str, params: tuple[float, ...], x: np.ndarray) -> np.ndarray:
    from scipy.special import log_ndtr

    if family == "lognormal":
        a, b = params
        with np.errstate(divide="ignore"):
            return np.asarray(log_ndtr((a - np.log(x)) / b))
    if family == "weibull":
        a, b = params
        return -((x / b) ** a)
    with np.errstate(divide="ignore"):
        return np.log(_sf(family, params, x))


def _log_likelihood(family: str, params: tuple[float, ...], obs: Observations) -> float:
    """Sum over observations of weight x log of sum over its intervals of factor x P(lower < T <= upper)."""
    row, lower, upper, factor = obs.pieces
    finite = np.where(np.isinf(upper), 0.0, upper)
    cdf_lo, cdf_hi = _cdf(family, params, lower), _cdf(family, params, finite)
    with np.errstate(divide="ignore", invalid="ignore"):
        # the difference of whichever side is smaller, for precision in both tails
        upper_tail = (cdf_hi >= 0.5) | np.isinf(upper)
        mass = cdf_hi - cdf_lo
        if upper_tail.any():
            sf = _sf(family, params, np.concatenate([lower[upper_tail], finite[upper_tail]]))
            k = int(upper_tail.sum())
            mass[upper_tail] = sf[:k] - np.where(np.isinf(upper[upper_tail]), 0.0, sf[k:])
        total = np.bincount(row, weights=factor * np.maximum(mass, 0.0), minlength=obs.weight.size)
        log_total = np.log(total)
    # a censored row alone: log S(lower), accurate however far in the tail
    alone = obs.alone_censored
    if alone.any():
        log_total[alone] = _log_sf(family, params, obs.lower[alone, 0])
    if not np.all(np.isfinite(log_total)):
        return -math.inf
    ll = float(np.dot(obs.weight, log_total))
    if obs.truncated_at > 0:
        ll -= obs.weight.sum() * float(_log_sf(family, params, np.array([obs.truncated_at]))[0])
    return ll if math.isfinite(ll) else -math.inf


def _fit_parametric(family: str, obs: Observations) -> Fit:
    """Maximum likelihood over the family's two parameters (lognormal: mu and log sigma; gamma and
    Weibull: the logs of shape and scale), started from the moments of the intervals' midpoints."""
    from scipy.optimize import minimize

    mid = obs.midpoints()
    mean0 = max(float(np.average(mid, weights=obs.weight)), RESOLUTION_HOURS)
    sd0 = min(max(float(np.sqrt(np.average((mid - mean0) ** 2, weights=obs.weight))), 0.1 * mean0), 20.0 * mean0)
    a0, b0 = _natural(family, mean0, sd0)
    start = np.array([a0 if family == "lognormal" else math.log(a0), math.log(b0)])

    def params(theta: np.ndarray) -> tuple[float, float]:
        return (float(theta[0]) if family == "lognormal" else math.exp(theta[0])), math.exp(theta[1])

    def loss(theta: np.ndarray) -> float:
        if np.any(np.abs(theta) > 50.0):
            return 1e300
        mean, sd = _moments(family, *params(theta))
        if not (LEAST_SPREAD <= sd / mean <= MOST_SPREAD) or not math.isfinite(mean):
            return 1e300  # a duration all but fixed, or spread past what the model samples reliably
        ll = _log_likelihood(family, params(theta), obs)
        return -ll if math.isfinite(ll) else 1e300

    best = minimize(loss, start, method="Nelder-Mead", options={"xatol": 1e-5, "fatol": 1e-4, "maxiter": 1000})
    a, b = params(best.x)
    mean, sd = _moments(family, a, b)
    ll = -float(best.fun) if best.fun < 1e299 else -math.inf
    return Fit(family, mean, sd, ll, 2)
