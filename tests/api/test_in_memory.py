"""The in-memory API (discharge_sim.run, compare, attribute: in this process, nothing written)
gives the numbers the folder-writing commands write, and pairs replications under common seeds."""

from __future__ import annotations

import pytest

import discharge_sim as ds
from discharge_sim import api
from discharge_sim.analysis.statistics import summarise
from discharge_sim.experiments.specification import Experiment, ReplicationPlan, Scenario, simulate
from tests.helpers import rows, short_baseline


def test_run_gives_the_replications_api_run_writes(tmp_path):
    config = short_baseline(days=30, warmup=10)
    result = ds.run(config, replications=2, seed=3)
    assert len(result.metrics) == 2 and result.summary == summarise(result.metrics)
    written = rows(api.run(config, replications=2, seed=3, workers=2, plots=False, out=tmp_path / "r").out
                   / "replications.csv")
    for metrics, row in zip(result.metrics, written, strict=True):
        assert set(metrics) <= set(row)
        for key, value in metrics.items():
            assert repr(value) == row[key] or (value != value and row[key] in ("", "nan")), key  # NaN: empty


def test_compare_pairs_replications_and_matches_simulate():
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
    with pytest.raises(ValueError, match="at least two configs"):
        ds.compare([a])


def test_attribute_gives_the_split_api_attribute_writes_on_two_workers(tmp_path):
    config = short_baseline(days=30, warmup=10)
    split = ds.attribute(config, replications=2)
    written = rows(api.attribute(config, replications=2, workers=2, plots=False, out=tmp_path / "att").out
                   / "attribution.csv")
    for mine, theirs in zip(split.rows, written, strict=True):
        for key in ("total", "shapley_hospital", "shapley_social_care", "residual", "interaction"):
            assert repr(mine[key]) == theirs[key]  # parallel workers give the same bytes as in-process
    assert split.summary["total"]["mean"] == pytest.approx(sum(r["total"] for r in split.rows) / 2)
