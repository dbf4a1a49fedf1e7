"""Deaths while waiting (config ``deaths``) and emergency readmissions (config ``readmissions``).

Deaths follow their daily hazard exactly (a known share dies during a known wait); a patient who
dies gives back their bed and stops queueing for anything; every patient ends in exactly one
state. Readmissions are new emergency admissions of the same group, linked to a first stay that
left alive, within the window, at the configured chance raised by delay."""

from __future__ import annotations

import math

import numpy as np
import pytest

from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.analysis.tables import patient_table
from discharge_sim.config import config_from_dict
from discharge_sim.model.replication import run_replication
from tests.helpers import assert_ledger_tiles, short_baseline
from tests.toys import ward

WAIT_DAYS = 6.0


def _ward(step: dict, **extra: object) -> dict:
    """Patients who stay 3 days and then need one step (pathway 1)."""
    return ward({"wait": step}, {"wait": []}, name="outcomes_toy", days=400, warmup=20, beds=400, admissions=12,
                stay={"distribution": "fixed", "mean_days": 3}, replications=1, seed=11, **extra)


FIXED_WAIT = {"type": "delay", "owner": "social_care", "kind": "capacity", "dtoc_code": "E",
              "duration": {"distribution": "fixed", "mean_days": WAIT_DAYS}}


def _share_ci(hits: int, n: int) -> tuple[float, float]:
    share = hits / n
    half = 4 * math.sqrt(share * (1 - share) / n)
    return share - half, share + half


@pytest.mark.parametrize("hazard", [0.01, 0.05])
def test_the_share_dying_during_a_known_wait_is_one_minus_exp_of_hazard_times_wait(hazard):
    r = run_replication(config_from_dict(_ward(FIXED_WAIT, deaths={"daily_hazard_by_pathway": {1: hazard}})), 0)
    p = r.patients
    over = ~np.isnan(p["departure"])
    n, died = int(over.sum()), int(p["died"][over].sum())
    lo, hi = _share_ci(died, n)
    assert n > 3000
    assert lo <= 1 - math.exp(-hazard * WAIT_DAYS) <= hi, (died, n)
    # The dead leave at their death, before the step would have finished; the others exactly then.
    gone = p["departure"][over] - p["ready"][over]
    assert np.all(gone[p["died"][over]] < WAIT_DAYS * 24)
    assert np.allclose(gone[~p["died"][over]], WAIT_DAYS * 24)


def test_a_pathway_without_a_hazard_never_dies():
    r = run_replication(config_from_dict(_ward(FIXED_WAIT, deaths={"daily_hazard_by_pathway": {3: 0.5}})), 0)
    assert not r.patients["died"].any()


def test_the_dead_stop_queueing_for_a_place():
    """One place, held for ever by its first resident: everyone queues for it until they die. Each
    midnight the pool's queue holds exactly the patients then alive and waiting."""
    pool = {"owner": "social_care", "dtoc_code": "Dii", "places": 1, "initial_residents": 1,
            "length_of_stay": {"distribution": "fixed", "mean_days": 10_000}}
    step = {"type": "placement", "owner": "social_care", "kind": "process", "dtoc_code": "Dii",
            "pools": {"home": 1.0}}
    raw = _ward(step, pools={"home": pool}, deaths={"daily_hazard_by_pathway": {1: 0.2}})
    raw["run"]["days"] = 60
    r = run_replication(config_from_dict(raw), 0)
    p = r.patients
    assert p["died"].sum() > 100
    end = np.where(np.isnan(p["departure"]), np.inf, p["departure"])
    for day, queue in zip(r.pools_daily["day"], r.pools_daily["home_queue"], strict=True):
        t = day * 24.0
        assert queue == np.sum((p["ready"] <= t) & (end > t)), day
    assert_ledger_tiles(r, at_least=100)


@pytest.fixture(scope="module")
def baseline_with_both():
    config = short_baseline(
        200, 30,
        deaths={"daily_hazard_by_pathway": {1: 0.01, 2: 0.01, 3: 0.02}},
        readmissions={"probability_by_pathway": {0: 0.08, 1: 0.12, 2: 0.15, 3: 0.1},
                      "extra_probability_per_delay_day": 0.005,
                      "days_to_return": {"distribution": "exponential", "mean_days": 10}},
    )
    return run_replication(config, 0)


def test_every_patient_ends_in_exactly_one_state(baseline_with_both):
    r = baseline_with_both
    table = patient_table(r)
    status = table["status"]
    assert set(np.unique(status)) <= {"departed", "died", "delayed_in_bed", "acute", "boarding", "cancelled",
                                      "turned_away", "waiting_list"}
    p = r.patients
    assert np.array_equal(status == "died", p["died"])
    assert np.all(~np.isnan(p["departure"][p["died"]]))  # the dead have left, at their death
    assert np.all(p["departure"][p["died"]] >= p["ready"][p["died"]])
    counts = {s: int(np.sum(status == s)) for s in np.unique(status)}
    assert sum(counts.values()) == r.arrived == p["id"].size
    assert counts["died"] > 20
    m = replication_metrics(r)
    assert m["deaths_while_waiting"] > 0
    assert_ledger_tiles(r, at_least=1000)


def test_readmissions_are_new_emergencies_linked_to_a_first_stay_that_left_alive(baseline_with_both):
    p = baseline_with_both.patients
    back = np.flatnonzero(p["readmission_of"] >= 0)
    assert back.size > 300
    first = p["readmission_of"][back]
    assert np.all(first < back)  # earlier admissions
    assert np.all(~p["elective"][back])
    assert np.array_equal(p["group"][back], p["group"][first])
    assert not p["died"][first].any()
    # When announced (the clock reaches it through a timeout of the difference: to rounding).
    assert np.allclose(p["arrival"][back], p["readmitted_at"][first], rtol=0, atol=1e-9)
    gap = p["arrival"][back] - p["departure"][first]
    assert np.all((gap >= 0) & (gap <= 30 * 24))
    # Every announced return before the horizon arrived, once.
    announced = np.flatnonzero(~np.isnan(p["readmitted_at"]))
    assert sorted(announced.tolist()) == sorted(first.tolist())


def test_readmissions_come_at_the_chance_raised_by_delay():
    """A 6-day wait and a 2% chance a day of it on top of 10%: 22% come back."""
    raw = _ward(FIXED_WAIT, readmissions={"probability_by_pathway": {1: 0.10}, "extra_probability_per_delay_day": 0.02,
                                          "days_to_return": {"distribution": "gamma", "mean_days": 12, "sd_days": 8}})
    r = run_replication(config_from_dict(raw), 0)
    p = r.patients
    first = p["readmission_of"] < 0
    # Stays that left early enough for any return to fall before the horizon.
    left = first & (p["departure"] < r.horizon_hours - 30 * 24)
    n, hits = int(left.sum()), int((~np.isnan(p["readmitted_at"][left])).sum())
    lo, hi = _share_ci(hits, n)
    assert lo <= 0.10 + 0.02 * WAIT_DAYS <= hi, (hits, n)


def test_without_deaths_or_readmissions_the_new_columns_are_empty():
    p = run_replication(short_baseline(60, 10), 0).patients
    assert not p["died"].any()
    assert np.all(p["readmission_of"] == -1)
    assert np.all(np.isnan(p["readmitted_at"]))


def test_a_fixed_time_to_return_outside_the_window_is_refused():
    from discharge_sim.config import ConfigError

    raw = _ward(FIXED_WAIT, readmissions={"probability_by_pathway": {1: 0.1}, "within_days": 30,
                                          "days_to_return": {"distribution": "fixed", "mean_days": 40}})
    with pytest.raises(ConfigError, match="never falls within within_days"):
        config_from_dict(raw)
