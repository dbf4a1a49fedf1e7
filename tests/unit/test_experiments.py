"""The experiment layer's bookkeeping: tasks and seeds, fingerprints, labels, the replication
schedule, the progress bar and table assembly (no simulation beyond a 15-day run)."""

from __future__ import annotations

import numpy as np

from discharge_sim.experiments.execution import Schedule
from discharge_sim.experiments.specification import (
    Experiment,
    ReplicationPlan,
    ReplicationRecord,
    Scenario,
    scenario_labels,
    shared_run_settings,
    simulate,
)
from discharge_sim.io.formats import concatenate_tables
from discharge_sim.present.progress import ProgressBar
from tests.helpers import drain, short_baseline


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


# --- the schedule (its auto rule under any finishing order: tests/property/test_schedule.py) ------

def test_fixed_schedule_runs_each_replication_of_each_scenario_once_in_replication_order():
    schedule = Schedule(3, ReplicationPlan(fixed=4), done={})
    ran = drain(schedule, {(s, r): 1.0 for s in range(3) for r in range(4)})
    assert ran == [(s, r) for r in range(4) for s in range(3)]
    assert schedule.final == 4 and schedule.reason == "fixed"


def test_schedule_skips_what_is_already_done():
    done = {(0, 0): {"delayed_bed_days": 1.0}, (1, 2): {"delayed_bed_days": 1.0}}
    schedule = Schedule(2, ReplicationPlan(fixed=3), done=done)
    ran = drain(schedule, {(s, r): 1.0 for s in range(2) for r in range(3)})
    assert sorted(ran) == sorted({(s, r) for s in range(2) for r in range(3)} - set(done))


def test_auto_replications_resume_to_the_same_answer():
    rng = np.random.default_rng(3)
    plan = ReplicationPlan(fixed=None, target=0.05, minimum=4, maximum=30)
    values = {(0, r): float(rng.normal(50, 4)) for r in range(30)}
    whole = Schedule(1, plan, done={})
    drain(whole, values)
    resumed = Schedule(1, plan, done={(0, r): {"delayed_bed_days": values[0, r]} for r in range(7)})
    drain(resumed, values)
    assert whole.reason == "target" and 7 < whole.final < 30  # the resume starts before the stopping point
    assert resumed.final == whole.final and resumed.reason == "target"


def test_progress_bar_counts_replications_and_shrinks_to_the_auto_total(capsys):
    plan = ReplicationPlan(fixed=None, target=0.5, minimum=2, maximum=10)
    schedule = Schedule(1, plan, done={})
    bar = ProgressBar(total=10, done=0, enabled=True)
    for r in range(2):
        assert schedule.next() == (0, r)
        record = ReplicationRecord(0, r, 1, {"delayed_bed_days": 100.0 + r})
        schedule.record(0, r, record.metrics)
        bar.update(schedule, record)
    assert schedule.final == 2 and bar.bar.n == 2 and bar.bar.total == 2
    bar.close()
    err = capsys.readouterr().err
    assert "2/2" in err and "rep" in err
