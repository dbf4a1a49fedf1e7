"""The in-memory API (discharge_sim.run, compare, attribute: in this process, nothing written)
gives the numbers the folder-writing commands write, and pairs replications under common seeds."""

from __future__ import annotations

import json

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
    split = ds.attribute(config, replications=2, conventions=["owner"])
    folder = api.attribute(config, replications=2, conventions=["owner"], workers=2, plots=False, out=tmp_path / "att").out
    written = rows(folder / "attribution.csv")
    table = split.table
    assert len(written) == table["side"].size == 2 * 2 * 7  # replications x measures x rows
    for i, row in enumerate(written):
        for key in ("replication", "convention", "against", "measure", "side"):
            assert str(table[key][i]) == row[key]
        for key in ("recorded", "counterfactual", "alone"):
            mine = float(table[key][i])
            # parallel workers give the same bytes as in-process; NaN is written empty
            assert repr(mine) == row[key] or (mine != mine and row[key] in ("", "nan")), (i, key)
    sides = split.sides("owner")
    assert list(sides) == ["hospital", "social_care", "unattributed", "necessary", "residual", "interaction", "total"]
    totals = [float(r["recorded"]) for r in written if r["side"] == "total" and r["measure"] == "delayed_bed_days"]
    assert sides["total"]["recorded"]["mean"] == pytest.approx(sum(totals) / 2)
    hospital = [float(r["counterfactual"]) for r in written if r["side"] == "hospital" and r["measure"] == "delayed_bed_days"]
    assert sides["hospital"]["counterfactual_share"]["mean"] == pytest.approx(sum(hospital) / sum(totals), rel=1e-12)
    assert split.sides() == sides  # the first convention by default
    after = split.sides("owner", "delayed_bed_days_after_ready_day")
    assert after["total"]["recorded"]["mean"] < sides["total"]["recorded"]["mean"]
    (game,) = json.loads((folder / "attribution.json").read_text())["conventions"]
    assert [g["convention"] for g in split.conventions] == [game["convention"]] == ["owner"]
    for row in game["measures"]["delayed_bed_days"]["rows"]:
        for key in ("recorded", "recorded_share", "counterfactual", "counterfactual_share"):
            mine = sides[row["side"]][key]["mean"]
            assert row[key]["mean"] == (None if mine != mine else mine), (row["side"], key)
