"""Known behaviour under common random numbers: scenarios that should help do help, removing a
side removes its delay, and a change to one part leaves the random numbers of the rest alone."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from discharge_sim.analysis.attribution import removal_variant
from discharge_sim.analysis.metrics import item_metric, replication_metrics
from discharge_sim.analysis.sides import resolve
from discharge_sim.config import Config, load_config
from discharge_sim.experiments.specification import Experiment, ReplicationPlan, Scenario, simulate
from discharge_sim.model.replication import run_replication
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


def _hospital_time(config: Config, reps: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Per replication: the hospital's bed-days (waiting to be found ready at a board round, then
    hospital-internal delay) of patients clinically ready on a Friday to Sunday, and of everyone."""
    weekend, everyone = [], []
    hospital = OWNERS.index("hospital")
    for r in range(reps):
        result = run_replication(config, r, seed=17)
        p = result.patients
        lo = result.warmup_hours
        clinically = p["clinically_ready"]
        late_week = np.isin((np.floor(clinically / 24) % 7), (4, 5, 6)) & (clinically >= lo)
        pre = (p["ready"] - clinically)[late_week & (p["ready"] < result.horizon_hours)].sum()
        s = result.segments
        chosen = (s["owner"] == hospital) & late_week[s["patient"]] & (s["start"] >= lo)
        weekend.append(float((pre + (s["end"][chosen] - s["start"][chosen]).sum()) / 24))
        m = replication_metrics(result)
        everyone.append(m["pre_declaration_bed_days"] + m["delayed_bed_days_hospital"])
    return np.asarray(weekend), np.asarray(everyone)


@pytest.fixture(scope="module")
def five_day_time() -> tuple[np.ndarray, np.ndarray]:
    return _hospital_time(load_config(BASELINE, SEVEN_DAY_RUN))


def _weekend_rounds_at_the_weekday_rate() -> Config:
    weekday = load_config(BASELINE).hospital.declaration.weekday_probability
    return load_config(BASELINE, {**SEVEN_DAY_RUN, "hospital.declaration.weekend_probability": weekday})


@pytest.mark.parametrize("seven_day", [
    _weekend_rounds_at_the_weekday_rate,
    lambda: load_config(CONFIGS / "scenarios" / "seven_day_working.yaml", SEVEN_DAY_RUN),
], ids=["weekend board rounds at the weekday rate", "seven_day_working scenario"])
def test_seven_day_working_lowers_the_hospitals_time_above_all_at_weekends(seven_day, five_day_time):
    before_weekend, before_all = five_day_time
    after_weekend, after_all = _hospital_time(seven_day())
    # Paired replication by replication (common random numbers): lower in every one.
    assert np.all(after_weekend < before_weekend), (before_weekend, after_weekend)
    assert np.all(after_all < before_all), (before_all, after_all)
    assert after_weekend.mean() < 0.97 * before_weekend.mean()
    # Above all at weekends: patients clinically ready Friday to Sunday (3 days in 7) gain most of it.
    assert np.all(before_weekend - after_weekend > 0.75 * (before_all - after_all))


# --- removing one side ------------------------------------------------------------------------------

def _side_items(config: Config, convention: str, side: str, measure: str = "delayed_bed_days") -> list[str]:
    return [item_metric(measure, key) for key in resolve(config, convention).items_of(side)]


@pytest.mark.parametrize(("convention", "side", "gone", "left"), [
    ("symmetric", "hospital", "delayed_bed_days_hospital_process", "delayed_bed_days_social_care"),
    ("symmetric", "social_care", "delayed_bed_days_social_care", "delayed_bed_days_hospital_process"),
    ("owner", "social_care", "delayed_bed_days_social_care_capacity", "delayed_bed_days_social_care_process"),
], ids=["symmetric without hospital", "symmetric without social care", "owner without social-care capacity"])
def test_removing_a_side_leaves_none_of_its_delay_and_the_rest_of_the_delay(convention, side, gone, left):
    cfg = short_baseline(days=90, warmup=20)
    base = replication_metrics(run_replication(cfg, 0, seed=3))
    variant = removal_variant(resolve(cfg, convention), frozenset({side}))
    m = replication_metrics(run_replication(cfg, 0, seed=3, variant=variant))
    items = _side_items(cfg, convention, side)
    assert base[gone] > 0 and m[gone] == 0.0
    assert sum(base[k] for k in items) > 0 and all(m[k] == 0.0 for k in items)
    assert m[left] > 0  # the other side still delays people
    assert m["delayed_bed_days"] < base["delayed_bed_days"]
    # An instant transport still takes its necessary half hour: the hospital keeps those hours.
    assert m["delayed_bed_days_hospital_necessary"] > 0


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


@pytest.mark.slow
def test_a_fee_uplift_never_lengthens_the_wait_for_home_care_and_a_home_closing_never_shortens_it():
    """Through the market's response, 10% higher fees shorten the wait for a home-care provider;
    a nursing home closing lengthens the wait for a nursing home: paired, in every replication."""
    window = {"run.days": 150, "run.warmup_days": 30}
    base = load_config(BASELINE, window)
    uplift = load_config(CONFIGS / "scenarios" / "fee_uplift.yaml", window)
    closing = load_config(CONFIGS / "scenarios" / "provider_failure.yaml",
                          {"run.days": 400, "run.warmup_days": 300})
    base_late = load_config(BASELINE, {"run.days": 400, "run.warmup_days": 300})
    home_care = item_metric("delayed_bed_days", "pool:home_care")
    nursing = item_metric("delayed_bed_days", "pool:nursing_home")
    for r in range(2):
        assert replication_metrics(run_replication(uplift, r))[home_care] < \
            replication_metrics(run_replication(base, r))[home_care]
        assert replication_metrics(run_replication(closing, r))[nursing] > \
            replication_metrics(run_replication(base_late, r))[nursing]
