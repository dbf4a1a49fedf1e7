"""Queueing theory: the engine reproduces Erlang C and Little's law."""

from __future__ import annotations

import math

import numpy as np

from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.analysis.statistics import t_interval
from discharge_sim.analysis.tables import occupancy_table
from discharge_sim.config import load_config
from discharge_sim.model.replication import run_replication

from .conftest import MMC


def erlang_c(c: int, a: float) -> float:
    """Probability an arrival waits in M/M/c with offered load a (Erlang C)."""
    term, total = 1.0, 1.0
    for k in range(1, c):
        term *= a / k
        total += term
    top = term * a / c * c / (c - a)
    return top / (total + top)


def test_erlang_c_formula_known_value():
    assert abs(erlang_c(2, 1.0) - 1 / 3) < 1e-12


def test_mmc_config_matches_erlang_c_mean_wait():
    c, per_day, stay_days = 20, 17.0, 1.0
    config = load_config(MMC, {"hospital.beds": c, "emergency.admissions_per_day": per_day,
                               "groups.all.length_of_stay.mean_days": stay_days,
                               "run.days": 4000, "run.warmup_days": 20})
    lam, mu = per_day / 24.0, 1.0 / (stay_days * 24.0)
    expected = erlang_c(c, lam / mu) / (c * mu - lam)  # mean wait in hours
    waits = []
    for r in range(10):
        result = run_replication(config, r, seed=99)
        m = replication_metrics(result)
        waits.append(m["boarding_hours"] / m["emergency_arrivals"])
        assert m["delayed_bed_days"] == 0.0  # no discharge steps, no delay
    ci = t_interval(waits)
    assert ci["ci_low"] <= expected <= ci["ci_high"], (expected, ci)
    assert ci["half_width"] < 0.15 * expected  # and the interval is tight enough to mean something


def test_littles_law_for_delayed_patients(short_run):
    """Mean number delayed = rate of becoming delayed x mean delay, over the window."""
    r = short_run
    p = r.patients
    lo, hi = r.warmup_hours, r.horizon_hours
    ready = p["ready"]
    dep = np.where(np.isnan(p["departure"]), math.inf, p["departure"])
    cohort = (ready >= lo) & (ready < hi)
    waits = np.minimum(dep[cohort], hi) - ready[cohort]
    arrival_rate = cohort.sum() / (hi - lo)
    occ = occupancy_table(r)
    warm = int(lo // 24)
    number_delayed = float(np.mean(occ["delayed_patients_in_beds"][warm:]))
    assert math.isclose(number_delayed, arrival_rate * waits.mean(), rel_tol=0.05)
    assert math.isclose(number_delayed, replication_metrics(r)["mean_delayed_beds"], rel_tol=1e-6)
