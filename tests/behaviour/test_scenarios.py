"""Known behaviour under common random numbers: scenarios that should help do help, removing a
side removes its delay, and a change to one part leaves the random numbers of the rest alone."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.config import Config, load_config
from discharge_sim.experiments.specification import Experiment, ReplicationPlan, Scenario, simulate
from discharge_sim.model.replication import run_replication
from discharge_sim.model.variant import Variant
from discharge_sim.vocabulary import OWNERS
from tests.helpers import BASELINE, CONFIGS, short_baseline


@pytest.mark.slow
def test_more_nursing_home_beds_never_raise_social_care_delay():
    """In expectation: each step up in places may not raise the paired mean beyond its noise
    (two standard errors of the paired difference, zero if the replications agree exactly), and
    over the whole range the fall must be clearly real."""
    runs = []
    for places in (500, 540, 580, 640):  # from below the pool's offered load (~570 places) to above it
        cfg = short_baseline(days=200, warmup=30, **{"pools.nursing_home.places": places})
        runs.append(np.array([replication_metrics(run_replication(cfg, r, seed=21))["delayed_bed_days_social_care"]
                              for r in range(4)]))
    for fewer, more in itertools.pairwise(runs):
        diff = more - fewer  # paired by replication: common random numbers
        noise = 2 * diff.std(ddof=1) / np.sqrt(diff.size)
        assert diff.mean() <= noise, (diff, noise)
    total = runs[-1] - runs[0]
    assert total.mean() + 2 * total.std(ddof=1) / np.sqrt(total.size) < 0, total


# --- seven-day working ------------------------------------------------------------------------------

SEVEN_DAY_RUN = {"run.days": 90, "run.warmup_days": 20}


def _hospital_delay(config: Config, reps: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Per replication: hospital-internal delayed bed-days of patients found fit on a Friday to
    Sunday, and of everyone."""
    weekend, everyone = [], []
    hospital = OWNERS.index("hospital")
    for r in range(reps):
        result = run_replication(config, r, seed=17)
        ready = result.patients["ready"]
        s = result.segments
        weekday = (np.floor(ready[s["patient"]] / 24) % 7).astype(int)
        chosen = (s["owner"] == hospital) & np.isin(weekday, (4, 5, 6)) & (s["start"] >= result.warmup_hours)
        weekend.append(float((s["end"][chosen] - s["start"][chosen]).sum() / 24))
        everyone.append(replication_metrics(result)["delayed_bed_days_hospital"])
    return np.asarray(weekend), np.asarray(everyone)


@pytest.fixture(scope="module")
def five_day_delay() -> tuple[np.ndarray, np.ndarray]:
    return _hospital_delay(load_config(BASELINE, SEVEN_DAY_RUN))


def _weekend_sign_off_at_the_weekday_rate() -> Config:
    weekday = load_config(BASELINE).steps["senior_review"].sessions.weekday_probability
    return load_config(BASELINE, {**SEVEN_DAY_RUN, "steps.senior_review.sessions.weekend_probability": weekday})


@pytest.mark.parametrize("seven_day", [
    _weekend_sign_off_at_the_weekday_rate,
    lambda: load_config(CONFIGS / "scenarios" / "seven_day_working.yaml", SEVEN_DAY_RUN),
], ids=["weekend sign-off at the weekday rate", "seven_day_working scenario"])
def test_seven_day_working_lowers_hospital_delay_above_all_at_weekends(seven_day, five_day_delay):
    before_weekend, before_all = five_day_delay
    after_weekend, after_all = _hospital_delay(seven_day())
    # Paired replication by replication (common random numbers): lower in every one.
    assert np.all(after_weekend < before_weekend), (before_weekend, after_weekend)
    assert np.all(after_all < before_all), (before_all, after_all)
    assert after_weekend.mean() < 0.9 * before_weekend.mean()
    assert after_all.mean() < 0.95 * before_all.mean()


# --- removing one side ------------------------------------------------------------------------------

@pytest.mark.parametrize(("variant", "gone", "left"), [
    (Variant(instant_owners=frozenset({"hospital"})), "delayed_bed_days_hospital", "delayed_bed_days"),
    (Variant(unlimited_owners=frozenset({"social_care"})), "delayed_bed_days_social_care_capacity",
     "delayed_bed_days_social_care_process"),
], ids=["instant hospital steps", "unlimited social care"])
def test_removing_a_side_leaves_none_of_its_delay_and_the_rest_of_the_delay(variant, gone, left):
    cfg = short_baseline(days=90, warmup=20)
    base = replication_metrics(run_replication(cfg, 0, seed=3))
    m = replication_metrics(run_replication(cfg, 0, seed=3, variant=variant))
    assert base[gone] > 0 and m[gone] == 0.0
    assert m[left] > 0  # the other side still delays people (assessments and panels still take time)


# --- common random numbers ------------------------------------------------------------------------

def test_a_change_to_one_pool_leaves_the_arrivals_and_stays_identical():
    a = run_replication(short_baseline(days=60, warmup=10), 0, seed=5)
    b = run_replication(short_baseline(days=60, warmup=10, **{"pools.nursing_home.places": 700}), 0, seed=5)
    assert replication_metrics(a)["delayed_bed_days"] != replication_metrics(b)["delayed_bed_days"]
    n = min(a.patients["id"].size, b.patients["id"].size)
    assert n > 1000
    for column in ("arrival", "group", "pathway"):
        assert np.array_equal(a.patients[column][:n], b.patients[column][:n]), column


@pytest.mark.slow
def test_common_random_numbers_shrink_the_variance_of_paired_differences():
    """Two configs that differ only in nursing-home places, same seed: the paired difference
    varies far less than either config does, because both see the same patients."""
    fewer = short_baseline(days=120, warmup=30)  # 585 places
    more = short_baseline(days=120, warmup=30, **{"pools.nursing_home.places": 620})
    exp = Experiment("compare", (Scenario("fewer", fewer), Scenario("more", more)), seed=9,
                     plan=ReplicationPlan(fixed=6))
    a = np.array([simulate(exp.task(0, r)).metrics["delayed_bed_days"] for r in range(6)])
    b = np.array([simulate(exp.task(1, r)).metrics["delayed_bed_days"] for r in range(6)])
    diff = b - a
    assert np.any(diff != 0)  # the configs really differ
    assert diff.var(ddof=1) < 0.25 * min(a.var(ddof=1), b.var(ddof=1)), (a, b)
