"""Known behaviour under common random numbers: scenarios that should help do help."""

from __future__ import annotations

import itertools

import numpy as np

from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.model.replication import run_replication
from discharge_sim.model.variant import Variant

from .conftest import short_baseline

REPS = 3


def _mean(config, metric, variant=None, reps=REPS):
    values = [replication_metrics(run_replication(config, r, seed=21, variant=variant))[metric] for r in range(reps)]
    return float(np.mean(values)), values


def test_more_nursing_home_beds_never_raise_social_care_delay():
    """In expectation: each step up in places may not raise the paired mean beyond its noise
    (two standard errors of the paired difference, zero if the replications agree exactly), and
    over the whole range the fall must be clearly real."""
    runs = []
    for places in (500, 540, 580, 640):  # from below the pool's offered load (~570 places) to above it
        cfg = short_baseline(days=200, warmup=30, **{"pools.nursing_home.places": places})
        runs.append(np.array(_mean(cfg, "delayed_bed_days_social_care", reps=4)[1]))
    for fewer, more in itertools.pairwise(runs):
        diff = more - fewer  # paired by replication: common random numbers
        noise = 2 * diff.std(ddof=1) / np.sqrt(diff.size)
        assert diff.mean() <= noise, (diff, noise)
    total = runs[-1] - runs[0]
    assert total.mean() + 2 * total.std(ddof=1) / np.sqrt(total.size) < 0, total


def test_weekend_sign_off_at_weekday_rate_lowers_hospital_delay():
    base = short_baseline(days=150, warmup=30)
    weekday_rate = base.steps["senior_review"].sessions.weekday_probability
    seven_day = short_baseline(days=150, warmup=30, **{"steps.senior_review.sessions.weekend_probability": weekday_rate})
    before, per_rep_before = _mean(base, "delayed_bed_days_hospital")
    after, per_rep_after = _mean(seven_day, "delayed_bed_days_hospital")
    assert all(a < b for a, b in zip(per_rep_after, per_rep_before)), (per_rep_before, per_rep_after)
    assert after < 0.95 * before


def test_instant_hospital_steps_leave_no_hospital_delay():
    cfg = short_baseline(days=90, warmup=20)
    m = replication_metrics(run_replication(cfg, 0, seed=3, variant=Variant(instant_owners=frozenset({"hospital"}))))
    assert m["delayed_bed_days_hospital"] == 0.0
    assert m["delayed_bed_days"] > 0  # social care still delays people


def test_unlimited_social_care_leaves_no_social_care_capacity_delay():
    cfg = short_baseline(days=90, warmup=20)
    variant = Variant(unlimited_owners=frozenset({"social_care"}))
    m = replication_metrics(run_replication(cfg, 0, seed=3, variant=variant))
    base = replication_metrics(run_replication(cfg, 0, seed=3))
    assert base["delayed_bed_days_social_care_capacity"] > 0
    assert m["delayed_bed_days_social_care_capacity"] == 0.0
    assert m["delayed_bed_days_social_care_process"] > 0  # assessments and panels still take time


def test_common_random_numbers_make_paired_differences_small():
    """Same seed: a change to one pool leaves the arrival stream and stays identical."""
    a = run_replication(short_baseline(days=60, warmup=10), 0, seed=5)
    b = run_replication(short_baseline(days=60, warmup=10, **{"pools.nursing_home.places": 700}), 0, seed=5)
    n = min(a.patients["id"].size, b.patients["id"].size)
    assert np.array_equal(a.patients["arrival"][:n], b.patients["arrival"][:n])
    assert np.array_equal(a.patients["group"][:n], b.patients["group"][:n])
    assert np.array_equal(a.patients["pathway"][:n], b.patients["pathway"][:n])
