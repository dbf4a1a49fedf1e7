"""The experiment layer without the command line: common random numbers, the replication
schedule (fixed and auto), sweep grids, paired differences and table assembly."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discharge_sim.analysis.statistics import paired_differences, t_interval
from discharge_sim.config import ConfigError, read_yaml
from discharge_sim.experiments.execution import Schedule, relative_half_width
from discharge_sim.experiments.specification import (
    Experiment,
    ReplicationPlan,
    Scenario,
    scenario_labels,
    shared_run_settings,
    simulate,
    sweep_scenarios,
)
from discharge_sim.io.formats import concatenate_tables

from .conftest import BASELINE, short_baseline


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


def test_tasks_of_every_scenario_share_the_replication_seed():
    a, b = short_baseline(days=20, warmup=5), short_baseline(days=20, warmup=5, **{"hospital.beds": 500})
    exp = Experiment("compare", (Scenario("a", a), Scenario("b", b)), seed=4, plan=ReplicationPlan(fixed=2))
    ta, tb = exp.task(0, 1), exp.task(1, 1)
    assert (ta.seed, ta.replication) == (tb.seed, tb.replication) == (4, 1)
    assert ta.tag == ("config", "a") and tb.tag == ("config", "b")


def test_fingerprint_depends_on_what_decides_results_only():
    cfg = short_baseline(days=20, warmup=5)
    base = Experiment("run", (Scenario("x", cfg),), seed=1, plan=ReplicationPlan(fixed=3))
    same = Experiment("run", (Scenario("x", short_baseline(days=20, warmup=5)),), seed=1, plan=ReplicationPlan(fixed=3))
    assert base.fingerprint("1") == same.fingerprint("1")
    assert base.fingerprint("1") != Experiment("run", base.scenarios, seed=2, plan=base.plan).fingerprint("1")
    assert base.fingerprint("1") != Experiment("run", base.scenarios, 1, ReplicationPlan(fixed=4)).fingerprint("1")
    other = Experiment("run", (Scenario("x", short_baseline(days=21, warmup=5)),), 1, base.plan)
    assert base.fingerprint("1") != other.fingerprint("1")
    assert base.fingerprint("1") != base.fingerprint("2")


# --- the schedule -------------------------------------------------------------------------------

def _drain(schedule: Schedule, values, order=None) -> list[tuple[int, int]]:
    """Feed the schedule values for whatever it asks, finishing tasks in ``order`` (a shuffle key)."""
    ran, pending = [], []
    rng = np.random.default_rng(order)
    while not schedule.complete:
        while len(pending) < 4 and (job := schedule.next()) is not None:
            pending.append(job)
        pick = pending.pop(int(rng.integers(len(pending))) if order is not None else 0)
        ran.append(pick)
        schedule.record(*pick, {"delayed_bed_days": values[pick]})
    return ran


def test_fixed_schedule_runs_each_replication_of_each_scenario_once_in_replication_order():
    schedule = Schedule(3, ReplicationPlan(fixed=4), done={})
    ran = _drain(schedule, {(s, r): 1.0 for s in range(3) for r in range(4)})
    assert ran == [(s, r) for r in range(4) for s in range(3)]
    assert schedule.final == 4 and schedule.reason == "fixed"


def test_schedule_skips_what_is_already_done():
    done = {(0, 0): {"delayed_bed_days": 1.0}, (1, 2): {"delayed_bed_days": 1.0}}
    schedule = Schedule(2, ReplicationPlan(fixed=3), done=done)
    ran = _drain(schedule, {(s, r): 1.0 for s in range(2) for r in range(3)})
    assert sorted(ran) == sorted({(s, r) for s in range(2) for r in range(3)} - set(done))


def _reference_n(values: dict[tuple[int, int], float], scenarios: int, plan: ReplicationPlan) -> int:
    for n in range(plan.minimum, plan.maximum + 1):
        if all(relative_half_width([values[s, r] for r in range(n)]) <= plan.target for s in range(scenarios)):
            return n
    return plan.maximum


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3), st.integers(0, 10**6), st.integers(0, 10**6), st.floats(0.01, 0.3))
def test_auto_replications_stop_at_the_first_precise_prefix_whatever_the_finishing_order(
        scenarios, data_seed, order_seed, target):
    rng = np.random.default_rng(data_seed)
    plan = ReplicationPlan(fixed=None, target=target, minimum=3, maximum=25)
    values = {(s, r): float(rng.normal(100, 15)) for s in range(scenarios) for r in range(plan.maximum)}
    in_order = Schedule(scenarios, plan, done={})
    _drain(in_order, values)
    shuffled = Schedule(scenarios, plan, done={})
    _drain(shuffled, values, order=order_seed)
    expected = _reference_n(values, scenarios, plan)
    assert in_order.final == shuffled.final == expected
    assert in_order.reason == ("target" if in_order.precise(expected) else "cap")


def test_auto_replications_resume_to_the_same_answer():
    rng = np.random.default_rng(3)
    plan = ReplicationPlan(fixed=None, target=0.02, minimum=4, maximum=30)
    values = {(0, r): float(rng.normal(50, 4)) for r in range(30)}
    whole = Schedule(1, plan, done={})
    _drain(whole, values)
    resumed = Schedule(1, plan, done={(0, r): {"delayed_bed_days": values[0, r]} for r in range(7)})
    _drain(resumed, values)
    assert resumed.final == whole.final


def test_relative_half_width():
    assert relative_half_width([1.0]) == math.inf
    assert relative_half_width([2.0, 2.0, 2.0]) == 0.0
    ci = t_interval([10.0, 12.0, 11.0])
    assert relative_half_width([10.0, 12.0, 11.0]) == pytest.approx(ci["half_width"] / 11.0)


# --- comparisons and sweeps ---------------------------------------------------------------------

def test_paired_differences_are_replication_by_replication():
    base = [{"x": 1.0, "only_base": 3.0}, {"x": 5.0, "only_base": 3.0}, {"x": 9.0, "only_base": 3.0}]
    other = [{"x": 2.0}, {"x": 6.5}, {"x": 10.0}]
    d = paired_differences(base, other)
    assert list(d) == ["x"]
    assert d["x"]["mean"] == pytest.approx((1 + 1.5 + 1) / 3)
    ci = t_interval([1.0, 1.5, 1.0])
    assert d["x"]["ci_low"] == ci["ci_low"] and d["x"]["excludes_zero"] == 1.0
    flat = paired_differences([{"x": 1.0}, {"x": 2.0}], [{"x": 1.0}, {"x": 2.0}])
    assert flat["x"]["mean"] == 0.0 and flat["x"]["excludes_zero"] == 0.0


def test_compare_uses_the_first_configs_run_settings_for_all():
    a = short_baseline(days=50, warmup=10)
    b = short_baseline(days=80, warmup=10, **{"run.seed": 99})
    configs, notes = shared_run_settings([a, b])
    assert configs[1].run == a.run and configs[1].hospital == b.hospital
    assert len(notes) == 1 and "days 50" in notes[0] and "seed" in notes[0]
    assert shared_run_settings([a, a])[1] == []


def test_scenario_labels_stay_unique():
    assert scenario_labels(["a", "b"], ["fa", "fb"]) == ["a", "b"]
    assert scenario_labels(["a", "a"], ["one", "two"]) == ["one", "two"]
    assert scenario_labels(["a", "a"], ["same", "same"]) == ["same#1", "same#2"]


def test_sweep_grid_is_the_full_product_in_order():
    raw = read_yaml(BASELINE)
    points = sweep_scenarios(raw, [("pools.nursing_home.places", [500, 600]),
                                   ("steps.senior_review.sessions.weekend_probability", [0.2, 0.4, 0.6])])
    assert len(points) == 6
    assert points[1].settings == (("pools.nursing_home.places", 500),
                                  ("steps.senior_review.sessions.weekend_probability", 0.4))
    assert points[5].config.pools["nursing_home"].places == 600
    assert points[5].config.steps["senior_review"].sessions.weekend_probability == 0.6


def test_a_bad_sweep_value_names_the_point_and_the_field():
    raw = read_yaml(BASELINE)
    with pytest.raises(ConfigError) as info:
        sweep_scenarios(raw, [("pools.nursing_home.places", [500, -1])])
    message = str(info.value)
    assert "pools.nursing_home.places=-1" in message and "pools.nursing_home.places = -1" in message
    with pytest.raises(ConfigError, match="no such setting"):
        sweep_scenarios(raw, [("pools.no_such_pool.places", [1])])


def test_concatenated_tables_take_the_union_of_columns(tmp_path):
    (tmp_path / "a.csv").write_text("config,day,x\na,0,1.5\na,1,2.5\n")
    (tmp_path / "b.csv").write_text("config,day,y\nb,0,7\n")
    (tmp_path / "c.csv").write_text("config,day,x\nc,0,\n")
    concatenate_tables(tmp_path / "all.csv", [tmp_path / n for n in ("a.csv", "b.csv", "c.csv")])
    assert (tmp_path / "all.csv").read_text() == "config,day,x,y\na,0,1.5,\na,1,2.5,\nb,0,,7\nc,0,,\n"


def test_simulate_tags_tables_of_multi_scenario_experiments():
    cfg = short_baseline(days=15, warmup=5)
    sweep = Experiment("sweep", (Scenario("p", cfg, (("hospital.beds", 600),)),), seed=2,
                       plan=ReplicationPlan(fixed=1), tables=("occupancy", "delays"))
    record = simulate(sweep.task(0, 0))
    assert list(record.tables["occupancy"])[:3] == ["point", "replication", "day"]
    assert set(record.tables["occupancy"]["point"]) == {0}
    single = Experiment("run", (Scenario("p", cfg),), seed=2, plan=ReplicationPlan(fixed=1), tables=("occupancy",))
    assert next(iter(simulate(single.task(0, 0)).tables["occupancy"])) == "replication"


def test_api_compare_pairs_replications_and_matches_simulate():
    import discharge_sim as ds

    a = short_baseline(days=40, warmup=10)
    b = short_baseline(days=40, warmup=10, **{"hospital.beds": 560})
    comparison = ds.compare([a, b], replications=2, seed=6, labels=["600 beds", "560 beds"])
    assert comparison.labels == ["600 beds", "560 beds"]
    direct = simulate(Experiment("run", (Scenario("b", b),), 6, ReplicationPlan(fixed=2)).task(0, 1)).metrics
    assert comparison.metrics[1][1] == direct
    d = comparison.differences["560 beds"]["delayed_bed_days"]
    per_rep = [comparison.metrics[1][r]["delayed_bed_days"] - comparison.metrics[0][r]["delayed_bed_days"]
               for r in range(2)]
    assert d["mean"] == pytest.approx(sum(per_rep) / 2)
    table = comparison.table()
    assert set(table["config"]) == {"600 beds", "560 beds"}
    with pytest.raises(ValueError):
        ds.compare([a])
