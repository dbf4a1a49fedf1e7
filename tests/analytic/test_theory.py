"""The package's queueing formulas (discharge_sim.analysis.theory) against values found without them:
published Erlang tables, closed forms for one and two servers, a direct summation in exact
arithmetic, and a tandem small enough to solve by hand."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from discharge_sim.analysis.theory import erlang_b, erlang_c, mmc_mean_wait, tandem_with_blocking


def _direct(c: int, a: float) -> tuple[Fraction, Fraction]:
    """Erlang B and C by their defining sums, in exact rational arithmetic (the package uses the
    floating-point recursion B(k) = a B(k-1) / (k + a B(k-1)) and C from B)."""
    load = Fraction(a)
    terms = [load**k / math.factorial(k) for k in range(c + 1)]
    b = terms[c] / sum(terms)
    waiting = terms[c] * c / (c - load)
    return b, waiting / (sum(terms[:c]) + waiting)


# Offered load (erlangs) carried by N servers at a grade of service (blocking probability), as
# printed in standard Erlang B tables to two decimals.
ERLANG_B_TABLE = [(1, 0.0101, 0.01), (5, 1.36, 0.01), (10, 4.46, 0.01), (10, 5.08, 0.02), (10, 6.22, 0.05),
                  (20, 12.03, 0.01), (20, 13.18, 0.02), (50, 37.90, 0.01), (100, 84.06, 0.01)]


@pytest.mark.parametrize(("servers", "load", "blocking"), ERLANG_B_TABLE)
def test_erlang_b_reproduces_the_published_table(servers, load, blocking):
    assert erlang_b(servers, load) == pytest.approx(blocking, rel=0.01)  # the table's load is rounded


def test_erlang_c_reproduces_the_call_centre_example():
    """10 erlangs of calls: 68.2% wait with 11 agents, 44.9% with 12."""
    assert erlang_c(11, 10.0) == pytest.approx(0.6821, abs=5e-5)
    assert erlang_c(12, 10.0) == pytest.approx(0.4494, abs=5e-5)


@pytest.mark.parametrize("a", [0.05, 0.3, 0.5, 0.9, 0.99])
def test_one_and_two_servers_have_closed_forms(a):
    assert erlang_b(1, a) == pytest.approx(a / (1 + a), rel=1e-13)
    assert erlang_b(2, a) == pytest.approx(a * a / 2 / (1 + a + a * a / 2), rel=1e-13)
    assert erlang_c(1, a) == pytest.approx(a, rel=1e-13)  # M/M/1 waits exactly when busy
    assert erlang_c(2, 2 * a) == pytest.approx((2 * a) ** 2 / (2 + 2 * a), rel=1e-13)


@pytest.mark.parametrize("servers", [1, 2, 3, 7, 20, 60, 100])
@pytest.mark.parametrize("utilisation", [0.1, 0.5, 0.85, 0.95, 0.999])
def test_recursion_matches_the_defining_sums(servers, utilisation):
    load = servers * utilisation
    b, c = _direct(servers, load)
    assert erlang_b(servers, load) == pytest.approx(float(b), rel=1e-11)
    assert erlang_c(servers, load) == pytest.approx(float(c), rel=1e-11)


def test_mmc_mean_wait():
    lam, mu = 0.6, 1.0
    assert mmc_mean_wait(1, lam, mu) == pytest.approx(lam / (mu * (mu - lam)), rel=1e-13)  # M/M/1: rho / (mu - lam)
    _, c = _direct(22, 20.0)
    assert mmc_mean_wait(22, 1.0, 1 / 20) == pytest.approx(float(c) / (22 / 20 - 1.0), rel=1e-11)
    # The values the validation issue quotes: one ready patient a day, 20-day care, 22 and 25 places.
    assert mmc_mean_wait(22, 1.0, 1 / 20) == pytest.approx(5.68, abs=0.005)
    assert mmc_mean_wait(25, 1.0, 1 / 20) == pytest.approx(0.836, abs=0.0005)


def test_tandem_of_one_bed_and_one_place_solved_by_hand():
    """All rates 1. States (in acute care, blocked, in the place): 000, 100, 001, 101, 011. The
    balance equations give p000 = p001 = 2/9, p100 = 3/9, p101 = p011 = 1/9: arrivals are turned
    away when the bed is taken (5/9), 1/9 of a patient is blocked on average, and by Little's law
    each admitted patient (rate 4/9) waits 1/4."""
    t = tandem_with_blocking(1.0, 1.0, 1, 1.0, 1)
    assert t["turned_away"] == pytest.approx(5 / 9, rel=1e-12)
    assert t["mean_blocked"] == pytest.approx(1 / 9, rel=1e-12)
    assert t["mean_delay"] == pytest.approx(1 / 4, rel=1e-12)


def test_tandem_reduces_to_erlang_b_without_blocking_and_blocks_more_with_fewer_places():
    roomy = tandem_with_blocking(2.0, 0.25, 10, 0.5, 60)
    b, _ = _direct(10, 8.0)
    assert roomy["turned_away"] == pytest.approx(float(b), abs=1e-12)
    assert roomy["mean_blocked"] == pytest.approx(0.0, abs=1e-9)
    tight = [tandem_with_blocking(2.0, 0.25, 10, 0.5, places) for places in (6, 4, 2)]
    assert tight[0]["mean_blocked"] < tight[1]["mean_blocked"] < tight[2]["mean_blocked"]
    assert tight[0]["turned_away"] < tight[1]["turned_away"] < tight[2]["turned_away"]
    # Little's law inside the chain: mean delay x admitted rate = mean blocked.
    t = tight[1]
    assert t["mean_delay"] * 2.0 * (1 - t["turned_away"]) == pytest.approx(t["mean_blocked"])
