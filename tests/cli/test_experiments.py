"""compare, sweep, warmup and attribute from the command line: the files each writes and what
it prints. (Their Python functions: tests/api/test_commands.py.)"""

from __future__ import annotations

import itertools
import json
import math
import os

import pytest

from discharge_sim.analysis.attribution import AS_CONFIGURED, attribution_plan
from discharge_sim.cli import main
from discharge_sim.config import load_config
from tests.helpers import BASELINE, SCENARIOS, rows

SHORT = ["--days", "40", "--warmup-days", "10", "--seed", "3", "--no-plots", "--quiet"]


def test_compare_writes_paired_differences(tmp_path, more_places, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", str(BASELINE), str(more_places), *SHORT[:-1], "--replications", "3",
                 "--workers", "1", "--out", str(out)]) == 0
    assert {"compare.csv", "policy.csv", "summary.json", "replications.csv", "manifest.json"} <= set(os.listdir(out))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["configs"] == ["baseline", "more_places"] and summary["baseline"] == "baseline"
    reps = rows(out / "replications.csv")
    assert [(r["config"], r["replication"]) for r in reps] == [
        (c, str(i)) for c in ("baseline", "more_places") for i in range(3)]
    # The difference is the mean of the per-replication differences, as compare.csv states it.
    diffs = [float(b["delayed_bed_days"]) - float(a["delayed_bed_days"]) for a, b in zip(reps[:3], reps[3:])]
    stated = summary["differences"]["more_places"]["delayed_bed_days"]
    assert stated["mean"] == pytest.approx(sum(diffs) / 3, rel=1e-12, abs=1e-9)
    row = next(r for r in rows(out / "compare.csv")
               if r["metric"] == "delayed_bed_days" and r["config"] == "more_places")
    assert float(row["difference"]) == pytest.approx(stated["mean"], rel=1e-12, abs=1e-9)
    assert row["difference_excludes_zero"] in ("yes", "no")
    assert "difference more_places" in capsys.readouterr().out


def test_compare_of_a_config_with_itself_shows_no_difference(tmp_path):
    out = tmp_path / "same"
    assert main(["compare", str(BASELINE), str(BASELINE), *SHORT, "--replications", "2",
                 "--workers", "1", "--out", str(out)]) == 0
    differences = [r for r in rows(out / "compare.csv") if r["difference"]]
    assert {r["metric"] for r in differences} >= {"delayed_bed_days", "boarding_hours"}  # the check has rows
    for row in differences:
        assert float(row["difference"]) == 0.0 and row["difference_excludes_zero"] == "no", row


@pytest.mark.slow
def test_compare_of_the_whole_library_gives_the_policy_page(tmp_path, capsys):
    out = tmp_path / "policy"
    assert main(["compare", str(BASELINE), *map(str, SCENARIOS), "--days", "40", "--warmup-days", "10",
                 "--replications", "2", "--seed", "3", "--workers", "2", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Policy comparison against 'baseline'" in printed and "per bed-day avoided" in printed
    policy = rows(out / "policy.csv")
    assert [r["scenario"] for r in policy] == [p.stem for p in SCENARIOS]
    summary = json.loads((out / "summary.json").read_text())
    for row in policy:
        d = summary["differences"][row["scenario"]]
        for key in ("delayed_bed_days_hospital", "delayed_bed_days_social_care", "boarding_hours",
                    "cancelled_electives", "delayed_bed_day_cost_gbp", "council_spend_gbp"):
            assert float(row[f"{key}_difference"]) == pytest.approx(d[key]["mean"], rel=1e-9, abs=1e-6)
    figures = json.loads((out / "figures" / "figures.json").read_text())
    assert figures[0]["name"] == "policy" and (out / "figures" / "policy.png").stat().st_size > 10_000


@pytest.mark.slow
def test_sweep_writes_a_row_per_point_and_replication(tmp_path):
    out = tmp_path / "sweep"
    assert main(["sweep", str(BASELINE), "--set", "pools.nursing_home.places=500:560:30",
                 "--set", "hospital.declaration.weekend_probability=0.3,0.6",
                 *SHORT, "--replications", "2", "--workers", "1", "--out", str(out)]) == 0
    reps = rows(out / "replications.csv")
    points = rows(out / "points.csv")
    assert len(points) == 6 and len(reps) == 12
    assert [p["pools.nursing_home.places"] for p in points] == ["500", "500", "530", "530", "560", "560"]
    # Every point runs the same replication seeds: the arrivals are identical across points.
    arrivals = {(r["replication"], r["emergency_arrivals"]) for r in reps}
    assert len(arrivals) == 2
    mean = sum(float(r["delayed_bed_days"]) for r in reps[:2]) / 2
    assert float(points[0]["delayed_bed_days_mean"]) == pytest.approx(mean, rel=1e-12)
    assert not (out / "patients.csv").exists() and not (out / "patients.parquet").exists()  # only with --detail


def test_sweep_detail_tables_carry_the_point(tmp_path):
    out = tmp_path / "d"
    assert main(["sweep", str(BASELINE), "--set", "hospital.beds=580,620", *SHORT, "--replications", "1",
                 "--workers", "1", "--detail", "--out", str(out)]) == 0
    for file in ("patients.parquet", "delays.parquet", "occupancy.csv"):
        assert {r["point"] for r in rows(out / file)} == {"0", "1"}, file


@pytest.mark.slow
def test_warmup_suggests_a_period_with_a_plot(tmp_path, capsys):
    out = tmp_path / "w"
    assert main(["warmup", "--days", "150", "--replications", "2", "--workers", "1", "--seed", "2",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    w = json.loads((out / "summary.json").read_text())["warmup"]
    assert w["configured_warmup_days"] == 60 and w["days"] == 150
    # The model starts with empty beds: the occupancy series has a real transient to cut.
    assert 10 <= w["suggested_warmup_days"] <= 75
    assert w["suggested_warmup_days"] == max(s["truncation_days"] for s in w["series"])
    assert f"Suggested warm-up: {w['suggested_warmup_days']:g} days" in printed
    for name in ("figures/warmup.png", "figures/warmup.pdf", "warmup.csv", "occupancy.csv"):
        assert (out / name).stat().st_size > 0, name
    assert len(rows(out / "warmup.csv")) == 150


@pytest.mark.slow
def test_attribute_by_step_writes_the_split_and_the_ranking(tmp_path, capsys):
    out = tmp_path / "att"
    assert main(["attribute", "--days", "60", "--warmup-days", "15", "--replications", "2", "--by", "step",
                 "--convention", "owner", "--workers", "2", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Hospital-internal" in text and "What to fix first" in text
    for name in ("attribution.csv", "attribution.json", "attribution_steps.csv", "replications.csv", "dtoc.csv",
                 "summary.json", "manifest.json"):
        assert (out / name).exists(), name
    split = rows(out / "attribution.csv")
    assert {r["convention"] for r in split} == {"owner"} and {r["against"] for r in split} == {"removal"}
    # Per replication and measure: the sides' Shapley values and the residual make the total.
    for replication, measure in itertools.product(("0", "1"), ("delayed_bed_days", "delayed_bed_days_after_ready_day")):
        mine = {r["side"]: r for r in split if r["replication"] == replication and r["measure"] == measure}
        assert list(mine) == ["hospital", "social_care", "unattributed", "necessary", "residual", "interaction", "total"]
        parts = float(mine["hospital"]["counterfactual"]) + float(mine["social_care"]["counterfactual"]) \
            + float(mine["residual"]["counterfactual"])
        assert math.isclose(parts, float(mine["total"]["counterfactual"]), rel_tol=1e-12)
        recorded = sum(float(mine[s]["recorded"]) for s in ("hospital", "social_care", "unattributed", "necessary"))
        assert math.isclose(recorded, float(mine["total"]["recorded"]), rel_tol=1e-12)
    doc = json.loads((out / "attribution.json").read_text())
    assert [g["convention"] for g in doc["conventions"]] == ["owner"] and doc["against"] == "removal"
    assert [r["side"] for r in doc["conventions"][0]["measures"]["delayed_bed_days"]["rows"]] == [
        "hospital", "social_care", "unattributed", "necessary", "residual", "interaction", "total"]
    ranked = doc["by_step"]
    assert [r["rank"] for r in ranked] == list(range(1, len(ranked) + 1))
    assert all(a["removed"] >= b["removed"] for a, b in itertools.pairwise(ranked))
    variants = {row["variant"] for row in rows(out / "replications.csv")}
    plan = attribution_plan(load_config(BASELINE), ["owner"])
    assert [label for label, _, _ in plan.scenarios] == [AS_CONFIGURED, "owner:without:hospital",
                                                         "owner:without:social_care",
                                                         "owner:without:hospital+social_care"]
    assert {label for label, _, _ in plan.scenarios} <= variants
    assert len(variants) == 4 + len(ranked)
