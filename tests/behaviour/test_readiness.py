"""Readiness is a clinical moment and a declaration, and a step's necessary hours are apart from
avoidable delay: moving the board round only moves pre-declaration time; the last necessary hours
of a step's work are their own segments, which still tile the delay, and an instant step still
takes them. (Exact hand counts: tests/analytic/test_dtoc.py.)"""

from __future__ import annotations

import math

import numpy as np
import pytest

import discharge_sim as ds
from discharge_sim.analysis.metrics import item_metric, replication_metrics
from discharge_sim.config import Config, config_from_dict
from discharge_sim.model.replication import run_replication
from discharge_sim.model.variant import Variant
from discharge_sim.vocabulary import KINDS, OWNERS
from tests import toys
from tests.helpers import short_baseline

NECESSARY = KINDS.index("necessary")


def tiles(r) -> None:
    """Patient by patient, the segments cover [ready, departure or horizon) with no gap or overlap."""
    s = r.segments
    order = np.lexsort((s["start"], s["patient"]))
    s = {k: v[order] for k, v in s.items()}
    for pid in np.unique(s["patient"]):
        mine = s["patient"] == pid
        starts, ends = s["start"][mine], s["end"][mine]
        departure = r.patients["departure"][pid]
        assert starts[0] == r.patients["ready"][pid]
        assert ends[-1] == (departure if not math.isnan(departure) else r.horizon_hours)
        assert np.all(starts[1:] == ends[:-1]) and np.all(ends > starts)


# --- moving the declaration round ------------------------------------------------------------------------

def round_the_clock(hour: float) -> Config:
    """Every step runs round the clock with no queue (ample staff, ample beds), and readiness is
    declared at a board round at ``hour`` (missed more often at weekends). Arrivals all but stop
    ten days before the end, so every delay ends inside the run, which has no warm-up."""
    raw = toys.ward(
        {"summary": toys.delay("hospital", toys.lognormal(6), code="other"),
         "review": toys.staffed("hospital", "therapists", toys.lognormal(3), code="A"),
         "package": toys.delay("social_care", toys.lognormal(30), kind="capacity", code="E", probability=0.5),
         "rehab": toys.delay("nhs_community", toys.lognormal(20), kind="capacity", code="C", probability=0.3),
         "choice": toys.delay("patient_family", toys.lognormal(40), code="G", probability=0.2),
         "transport": toys.delay("hospital", toys.lognormal(2), code="other", necessary_hours=0.5)},
        {"summary": [], "review": [], "package": ["review"], "rehab": ["review"], "choice": [],
         "transport": ["summary", "package", "rehab", "choice"]},
        days=40, warmup=0, admissions=10, staff={"therapists": toys.team("hospital", 50)},
        hospital={"declaration": {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "hours": [hour],
                                  "weekday_probability": 0.9, "weekend_probability": 0.6}},
        emergency={"admissions_per_day": 10, "surges": [{"start_day": 30, "days": 10, "factor": 1e-6}]})
    return config_from_dict(raw)


@pytest.mark.parametrize("r", [0, 1, 2])
def test_moving_the_board_round_moves_only_pre_declaration_time(r):
    early, late = round_the_clock(8), round_the_clock(14)
    a, b = run_replication(early, r, seed=4), run_replication(late, r, seed=4)
    for result in (a, b):  # what the test relies on: every delay ends inside the run
        admitted = ~np.isnan(result.patients["admitted"])
        assert admitted.sum() > 250 and not np.isnan(result.patients["departure"][admitted]).any()
    ma, mb = replication_metrics(a), replication_metrics(b)
    assert ma["pre_declaration_bed_days"] != pytest.approx(mb["pre_declaration_bed_days"], rel=0.01)
    assert not np.array_equal(a.patients["ready"], b.patients["ready"])
    np.testing.assert_array_equal(a.patients["clinically_ready"], b.patients["clinically_ready"])
    # Each side's delayed bed-days, by owner, kind and item, are the same (draws are made at
    # admission, and no step depends on the time of day): equal up to the rounding of adding a
    # duration to a different ready time.
    names = [k for k in ma if k.startswith("delayed_bed_days") and "after_ready_day" not in k]
    assert {f"delayed_bed_days_{o}" for o in OWNERS} <= set(names)
    for name in names:
        assert ma[name] == pytest.approx(mb[name], rel=1e-12, abs=1e-12), name
    assert ma["delayed_bed_days"] > 0 and ma["delayed_bed_days_kind_necessary"] > 0
    # Patient by patient, the delay is the same.
    delay_a = a.patients["departure"] - a.patients["ready"]
    delay_b = b.patients["departure"] - b.patients["ready"]
    np.testing.assert_allclose(delay_a, delay_b, rtol=0, atol=1e-9)
    assert ma["no_longer_benefiting_bed_days"] == pytest.approx(ma["pre_declaration_bed_days"] + ma["delayed_bed_days"])


def test_moving_the_board_round_leaves_every_sides_counterfactual_share():
    early = ds.attribute(round_the_clock(8), replications=2, seed=4, conventions=["symmetric"])
    late = ds.attribute(round_the_clock(14), replications=2, seed=4, conventions=["symmetric"])
    assert early.plan.games[0].players == ("hospital", "social_care", "nhs_community", "patient_family")
    t_early, t_late = early.table, late.table
    every_hour = t_early["measure"] == "delayed_bed_days"
    np.testing.assert_array_equal(t_early["side"], t_late["side"])
    for column in ("recorded", "counterfactual", "alone"):
        np.testing.assert_allclose(t_early[column][every_hour], t_late[column][every_hour], rtol=1e-12, atol=1e-12)


# --- necessary hours ------------------------------------------------------------------------------------------

def one_step(duration: dict, necessary: float, **step) -> Config:
    return toys.config({"transport": toys.delay("hospital", duration, necessary_hours=necessary, **step)},
                       {"transport": []}, days=20, warmup=2)


def test_the_last_necessary_hours_of_the_work_are_their_own_segment():
    r = run_replication(one_step(toys.fixed(5), 2.0), 0, seed=1)
    tiles(r)
    s = r.segments
    done = ~np.isnan(r.patients["departure"][s["patient"]])
    necessary = s["kind"] == NECESSARY
    # Every patient who left: 3 hours of process, then the last 2 hours necessary, ending at departure.
    for pid in np.unique(s["patient"][done]):
        mine = s["patient"] == pid
        assert list(s["kind"][mine]) == [KINDS.index("process"), NECESSARY]
        assert list(s["end"][mine] - s["start"][mine]) == pytest.approx([3.0, 2.0], abs=1e-9)
        assert s["end"][mine & necessary][0] == r.patients["departure"][pid]
    m = replication_metrics(r)
    assert m["delayed_bed_days_kind_necessary"] > 0
    assert m["delayed_bed_days_kind_necessary"] + m["delayed_bed_days_kind_process"] == pytest.approx(m["delayed_bed_days"])
    # The item's own bed-days leave its necessary hours out; the owner's keep them.
    assert m[item_metric("delayed_bed_days", "step:transport")] == pytest.approx(
        m["delayed_bed_days"] - m["delayed_bed_days_kind_necessary"], rel=1e-12)
    assert m["delayed_bed_days_hospital"] == pytest.approx(m["delayed_bed_days"], rel=1e-12)
    assert m["delayed_bed_days_kind_necessary"] == pytest.approx(0.4 * m["delayed_bed_days"], rel=0.02)


def test_an_instant_step_still_takes_its_necessary_hours():
    config = one_step(toys.lognormal(5), 2.0)
    base = run_replication(config, 0, seed=1)
    r = run_replication(config, 0, seed=1, variant=Variant(instant_steps=frozenset({"transport"})))
    tiles(r)
    p = r.patients
    left = ~np.isnan(p["departure"]) & ~np.isnan(base.patients["departure"])
    assert left.sum() > 100
    # Its necessary hours, or its whole work where that was shorter (the same draws as configured).
    work = base.patients["departure"][left] - base.patients["ready"][left]
    np.testing.assert_allclose(p["departure"][left] - p["ready"][left], np.minimum(work, 2.0), rtol=0, atol=1e-9)
    assert np.mean(work > 2.0) > 0.8
    assert np.all(r.segments["kind"] == NECESSARY)
    m = replication_metrics(r)
    assert m["delayed_bed_days_kind_necessary"] == m["delayed_bed_days"] > 0
    assert m[item_metric("delayed_bed_days", "step:transport")] == 0.0


def test_a_step_shorter_than_its_necessary_hours_is_all_necessary():
    r = run_replication(one_step(toys.fixed(1), 2.0), 0, seed=1)
    tiles(r)
    assert np.all(r.segments["kind"] == NECESSARY)


def test_making_a_step_instant_never_lengthens_anyone_s_delay():
    config = one_step(toys.lognormal(2, 1.5), 0.5)  # some draws take less than the half hour
    base = run_replication(config, 0, seed=1)
    instant = run_replication(config, 0, seed=1, variant=Variant(instant_steps=frozenset({"transport"})))
    left = ~np.isnan(base.patients["departure"]) & ~np.isnan(instant.patients["departure"])
    assert np.all(instant.patients["departure"][left] <= base.patients["departure"][left])


def test_the_baselines_transport_ends_every_stay_with_its_necessary_half_hour(short_run):
    r = short_run
    s = r.segments
    necessary = s["kind"] == NECESSARY
    assert necessary.any()
    assert set(s["step"][necessary]) == {r.step_names.index("transport")}
    lengths = s["end"][necessary] - s["start"][necessary]
    per_patient = np.bincount(s["patient"][necessary], weights=lengths)[np.unique(s["patient"][necessary])]
    assert np.all(per_patient <= 0.5 + 1e-9) and np.mean(np.isclose(per_patient, 0.5)) > 0.9
    # The last necessary stretch of each patient ends their stay; one that straddled the transport
    # service's closing time is split, the closed hours between left out.
    last = np.r_[s["patient"][necessary][1:] != s["patient"][necessary][:-1], True]
    departure = r.patients["departure"][s["patient"][necessary][last]]
    left = ~np.isnan(departure)  # (still in bed at the horizon: the work's last stretch may lie beyond it)
    assert left.mean() > 0.9
    np.testing.assert_array_equal(s["end"][necessary][last][left], departure[left])
    assert np.all(lengths <= 0.5 + 1e-9)
    assert np.all(s["owner"][necessary] == OWNERS.index("hospital"))


def test_removing_the_hospital_leaves_its_necessary_hours_in_the_baseline():
    config = short_baseline(days=40, warmup=10)
    attribution = ds.attribute(config, replications=1, seed=2, conventions=["owner"])
    label = attribution.plan.games[0].runs[frozenset({"hospital"})]
    m = attribution.metrics[label][0]
    assert m["delayed_bed_days_hospital_process"] == 0.0 and m["delayed_bed_days_hospital_capacity"] == 0.0
    assert m["delayed_bed_days_hospital_necessary"] > 0


# --- missed rounds ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("weekend", [1.0, 0.5])
def test_pre_declaration_time_splits_at_the_first_round_that_could_have_found_the_patient(weekend):
    config = short_baseline(days=60, warmup=10, hospital__declaration__weekday_probability=1.0,
                            hospital__declaration__weekend_probability=weekend)
    r = run_replication(config, 0, seed=4)
    p = r.patients
    admitted = ~np.isnan(p["admitted"])
    clinically, first, ready = p["clinically_ready"][admitted], p["first_round"][admitted], p["ready"][admitted]
    assert np.all(clinically <= first) and np.all(first <= ready)
    assert np.all(first - clinically < 24.0)  # a round every day at 10:00
    m = replication_metrics(r)
    missed = m["pre_declaration_missed_round_bed_days"]
    if weekend == 1.0:  # no round ever misses anyone
        np.testing.assert_array_equal(first, ready)
        assert missed == 0.0
    else:  # weekend rounds miss half the ready patients, and only weekend rounds miss anyone
        late = ready > first
        assert late.any() and np.all(np.floor(first[late] / 24) % 7 >= 5)
        assert 0 < missed < m["pre_declaration_bed_days"]
