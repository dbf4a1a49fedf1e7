"""Censored maximum-likelihood fits: families recovered, censoring and truncation respected,
choice by AIC, stays that end between declaration rounds, the empirical family's limits."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from discharge_sim.data.stays import declaration_pieces
from discharge_sim.data.survival import Fit, Observations, fit_all, fit_empirical, log_likelihood
from discharge_sim.model.steps import session_times
from tests.helpers import short_baseline

DAY = 24.0


def _lognormal(rng, n, mean, sd):
    s2 = math.log1p((sd / mean) ** 2)
    return np.exp(math.log(mean) - s2 / 2 + math.sqrt(s2) * rng.standard_normal(n))


def test_censored_patients_are_needed_for_an_unbiased_mean():
    """Stays of admissions spread over 60 days, seen at day 60: the long ones of late admissions
    are still going. Fitting the censored stays gives the mean back; dropping them biases it short."""
    rng = np.random.default_rng(1)
    stay = _lognormal(rng, 20_000, 10 * DAY, 8 * DAY)
    admitted = rng.uniform(0, 60 * DAY, stay.size)
    end = 60 * DAY
    ended = admitted + stay <= end
    assert (~ended).mean() > 0.1  # plenty censored
    censored = fit_all(Observations.of(stay[ended], end - admitted[~ended]))[0]
    dropped = fit_all(Observations.of(stay[ended]))[0]
    assert censored.family == "lognormal"
    assert censored.mean == pytest.approx(10 * DAY, rel=0.03)
    assert censored.sd == pytest.approx(8 * DAY, rel=0.06)
    assert dropped.mean < 0.9 * 10 * DAY


@pytest.mark.parametrize("family, draw", [
    ("weibull", lambda rng, n: 200.0 * rng.weibull(1.5, n)),
    ("gamma", lambda rng, n: rng.gamma(0.6, 300.0, n)),
    ("lognormal", lambda rng, n: _lognormal(rng, n, 150.0, 300.0)),
])
def test_the_family_that_made_the_data_has_the_lowest_aic(family, draw):
    x = draw(np.random.default_rng(4), 20_000)
    fits = fit_all(Observations.of(x))
    assert fits[0].family == family
    assert fits[0].mean == pytest.approx(x.mean(), rel=0.03)
    assert [f.aic for f in fits] == sorted(f.aic for f in fits)


def test_the_log_likelihood_of_intervals_and_censored_times_by_hand():
    """Two intervals and a censored time, as scipy's lognormal gives them."""
    obs = Observations.of_pieces(np.array([[10.0], [30.0]]), np.array([[12.0], [31.0]]), np.ones((2, 1)),
                                 censored=np.array([50.0]))
    fit = fit_all(obs)[0]
    d = stats.lognorm(s=math.sqrt(math.log1p((fit.sd / fit.mean) ** 2)),
                      scale=fit.mean / math.sqrt(1 + (fit.sd / fit.mean) ** 2))
    by_hand = (math.log(d.cdf(12) - d.cdf(10)) + math.log(d.cdf(31) - d.cdf(30)) + math.log(d.sf(50)))
    lognormal = Fit("lognormal", fit.mean, fit.sd, 0.0, 2)
    assert log_likelihood(lognormal, obs) == pytest.approx(by_hand, rel=1e-9)


def test_stays_found_ready_at_rounds_are_fitted_as_ending_between_rounds():
    """The baseline's rounds (10:00 daily, weekend rounds missing half the patients): a recorded
    ready time is later than the stay's end. Taken as the stay itself, the mean comes out long;
    fitted as ending between the rounds that could have missed the patient, it does not."""
    config = short_baseline()
    times = session_times(config.hospital.declaration_sessions)
    rng = np.random.default_rng(7)
    admitted = rng.uniform(0, 50 * 7 * DAY, 30_000)
    stay = _lognormal(rng, admitted.size, 4 * DAY, 3 * DAY)
    ready = np.array([times.first_success(a + s, u) for a, s, u in zip(admitted, stay, 1 - rng.random(admitted.size),
                                                                          strict=True)])
    recorded = ready - admitted
    naive = fit_all(Observations.of(recorded))[0]
    back_start, back_end, factor = declaration_pieces(config, ready)
    fitted = fit_all(Observations.of_pieces(recorded[:, None] - back_start, recorded[:, None] - back_end, factor))[0]
    assert naive.mean > 1.08 * 4 * DAY
    assert fitted.mean == pytest.approx(4 * DAY, rel=0.02)


def test_a_truncated_sample_is_fitted_as_truncated():
    """Waits seen only when two days or longer: fitted as truncated, the whole distribution comes back."""
    x = _lognormal(np.random.default_rng(3), 40_000, 4 * DAY, 3.5 * DAY)
    seen = x[x >= 2 * DAY]
    truncated = fit_all(Observations.of(seen).truncated(2 * DAY))[0]
    plain = fit_all(Observations.of(seen))[0]
    assert truncated.mean == pytest.approx(4 * DAY, rel=0.03)
    assert plain.mean > 1.15 * 4 * DAY
    assert all(f.family != "empirical" for f in fit_all(Observations.of(seen).truncated(2 * DAY)))


def test_the_empirical_family_needs_the_longest_times_seen_and_never_shows_one_patients_time():
    rng = np.random.default_rng(5)
    x = rng.gamma(2.0, 30.0, 5_000)
    empirical = fit_empirical(Observations.of(x))
    assert empirical is not None
    assert empirical.quantiles[0] == 0.0
    assert empirical.quantiles[-1] % (7 * DAY) == 0.0 and empirical.quantiles[-1] >= x.max()
    q = empirical.quantiles
    assert len(q) == 101  # 1% intervals: 5,000 times, at least 10 in each
    assert q[50] == pytest.approx(np.median(x), rel=0.05)
    assert empirical.mean == pytest.approx(x.mean(), rel=0.03)  # the last interval's spread barely moves it
    assert fit_empirical(Observations.of(x[:99])) is None  # under 10 in each of 10 intervals
    # the longest time still going: the Kaplan-Meier estimate never reaches 1
    assert fit_empirical(Observations.of(x, censored=np.array([x.max() + 100.0]))) is None


def test_a_stay_that_ends_at_its_admission_is_a_stay_of_under_an_hour():
    x = np.concatenate([np.zeros(50), np.random.default_rng(2).gamma(2.0, 20.0, 500)])
    fits = fit_all(Observations.of(x))
    assert fits and all(math.isfinite(f.log_likelihood) for f in fits)


def test_an_open_ended_interval_among_others_counts_its_whole_tail():
    """A patient not yet found ready may have become ready and been missed by rounds, or still be
    in their stay: (lower, inf) with weight 1 and an earlier stretch with the chance of the misses."""
    obs = Observations.of_pieces(np.array([[50.0, 40.0]]), np.array([[np.inf, 50.0]]), np.array([[1.0, 0.5]]))
    fit = Fit("lognormal", 48.0, 30.0, 0.0, 2)
    s2 = math.log1p((30.0 / 48.0) ** 2)
    d = stats.lognorm(s=math.sqrt(s2), scale=48.0 * math.exp(-s2 / 2))
    assert log_likelihood(fit, obs) == pytest.approx(math.log(d.sf(50) + 0.5 * (d.cdf(50) - d.cdf(40))), rel=1e-9)
