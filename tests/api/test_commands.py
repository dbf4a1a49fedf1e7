"""Every command of discharge_sim.api driven from Python: on two worker processes, into a folder
under tmp_path, asserting on what it returns and on the files it writes."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest
import yaml

from discharge_sim import api
from discharge_sim.analysis.attribution import attribution_plan
from discharge_sim.analysis.statistics import t_interval
from discharge_sim.config import config_to_dict, load_config, read_yaml
from discharge_sim.io.folders import read_json
from tests.helpers import BASELINE, TOY, rows, same

SHORT = {"days": 20, "warmup_days": 5, "replications": 2, "seed": 3, "workers": 2, "plots": False}


@pytest.fixture(scope="module")
def run_results(tmp_path_factory) -> api.Results:
    """A baseline run, shared by the run, plot and report tests."""
    return api.run(BASELINE, **SHORT, out=tmp_path_factory.mktemp("api") / "run")


def test_run(run_results):
    results = run_results
    assert results.out.is_dir() and results.labels == ["baseline"] and results.experiment.kind == "run"
    assert {"replications.csv", "patients.parquet", "delays.parquet", "occupancy.csv", "dtoc.csv", "summary.json",
            "manifest.json"} <= {p.name for p in results.out.iterdir()}
    assert not (results.out / "figures").exists()  # plots=False
    document = read_json(results.out / "summary.json")
    assert same(results.summary, document["metrics"])  # what is returned is what is written
    totals = [float(r["delayed_bed_days"]) for r in rows(results.out / "replications.csv")]
    assert len(totals) == 2 and results.summary["delayed_bed_days"]["mean"] == pytest.approx(sum(totals) / 2)
    # The answer a run can give: the ledger's split under each convention, shares as ratios of totals.
    answer = document["answer"]
    assert [g["convention"] for g in answer["conventions"]] == ["symmetric", "owner", "dtoc"]
    reps = rows(results.out / "replications.csv")
    owner = answer["conventions"][1]
    hospital_items = [key for key, side in owner["items"].items() if side == "hospital"]
    for measure, split in owner["measures"].items():
        by_side = {row["side"]: row for row in split["rows"]}
        assert list(by_side) == ["hospital", "social_care", "unattributed", "necessary"]
        total = sum(float(r[measure]) for r in reps)
        hospital = sum(float(r[f"{measure}_item_{key.replace(':', '_', 1)}"]) for r in reps for key in hospital_items)
        assert by_side["hospital"]["recorded_share"]["mean"] == pytest.approx(hospital / total, rel=1e-12)
        shares = sum(row["recorded_share"]["mean"] for row in split["rows"])
        assert shares == pytest.approx(1.0, rel=1e-12)  # the sides, unattributed and necessary hours make the total
    manifest = json.loads((results.out / "manifest.json").read_text())
    assert manifest["command"] == ["discharge_sim.api.run"] and manifest["seed"] == 3
    assert manifest["execution"]["workers"] == 2


def test_compare(tmp_path, more_places):
    notes: list[str] = []
    results = api.compare([BASELINE, more_places], **SHORT, out=tmp_path / "cmp", say=notes.append)
    assert results.labels == ["baseline", "more_places"] and list(results.differences) == ["more_places"]
    assert notes and "discharge-sim" in notes[0]  # the status line a caller may print
    document = read_json(results.out / "summary.json")
    assert same(results.summaries, document["metrics"]) and same(results.differences, document["differences"])
    reps = rows(results.out / "replications.csv")
    paired = [float(b["delayed_bed_days"]) - float(a["delayed_bed_days"]) for a, b in zip(reps[:2], reps[2:])]
    difference = results.differences["more_places"]["delayed_bed_days"]
    assert difference["mean"] == pytest.approx(sum(paired) / 2, rel=1e-12)
    assert difference["ci_low"] == pytest.approx(t_interval(paired)["ci_low"], rel=1e-12)
    assert {"compare.csv", "policy.csv"} <= {p.name for p in results.out.iterdir()}
    with pytest.raises(api.UsageError, match="at least two configs"):
        api.compare([BASELINE], **SHORT, out=tmp_path / "one")


def test_sweep(tmp_path):
    results = api.sweep(BASELINE, [("pools.nursing_home.places", [560, 600])], **SHORT, out=tmp_path / "sweep")
    assert [s.settings for s in results.experiment.scenarios] == [(("pools.nursing_home.places", 560),),
                                                                  (("pools.nursing_home.places", 600),)]
    points = rows(results.out / "points.csv")
    assert [p["pools.nursing_home.places"] for p in points] == ["560", "600"]
    for point, label in zip(points, results.labels, strict=True):
        assert float(point["delayed_bed_days_mean"]) == results.summaries[label]["delayed_bed_days"]["mean"]
    written = read_json(results.out / "summary.json")["points"]
    assert [point["label"] for point in written] == results.labels
    assert all(same(point["metrics"], results.summaries[point["label"]]) for point in written)


def test_warmup(tmp_path):
    results = api.warmup(BASELINE, days=40, replications=2, seed=2, workers=2, out=tmp_path / "w")
    w = results.document["warmup"]
    assert w["days"] == 40 and w["configured_warmup_days"] == 60  # runs shorter than the configured warm-up
    assert 0 <= w["suggested_warmup_days"] <= 40
    assert w["suggested_warmup_days"] == max(s["truncation_days"] for s in w["series"])
    assert len(rows(results.out / "warmup.csv")) == 40
    assert (results.out / "figures" / "warmup.png").stat().st_size > 0  # always drawn


def as_written(value):
    """A document as JSON holds it: NaN (no interval, no value) as None, tuples as lists."""
    if isinstance(value, dict):
        return {str(k): as_written(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_written(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def test_attribute(tmp_path):
    results = api.attribute(BASELINE, **SHORT, conventions=["owner", "dtoc"], out=tmp_path / "att")
    plan = attribution_plan(load_config(BASELINE), ["owner", "dtoc"])
    assert results.labels == [label for label, _, _ in plan.scenarios]
    doc = results.attribution
    assert as_written(doc) == json.loads((results.out / "attribution.json").read_text())  # NaN is written as null
    assert [g["convention"] for g in doc["conventions"]] == ["owner", "dtoc"] and doc["against"] == "removal"
    owner = doc["conventions"][0]["measures"]["delayed_bed_days"]
    assert [r["side"] for r in owner["rows"]] == ["hospital", "social_care", "unattributed", "necessary", "residual",
                                                  "interaction", "total"]
    split = rows(results.out / "attribution.csv")
    assert len(split) == 2 * 2 * 2 * 7  # replications x conventions x measures x rows
    for (r, convention, measure), group in itertools.groupby(split, lambda x: (x["replication"], x["convention"],
                                                                               x["measure"])):
        by_side = {x["side"]: x for x in group}
        players = [s for s in by_side if s not in ("unattributed", "necessary", "residual", "interaction", "total")]
        parts = sum(float(by_side[s]["counterfactual"]) for s in players) + float(by_side["residual"]["counterfactual"])
        assert math.isclose(parts, float(by_side["total"]["recorded"]), rel_tol=1e-12), (r, convention, measure)
    totals = [float(x["recorded"]) for x in split
              if x["convention"] == "owner" and x["measure"] == "delayed_bed_days" and x["side"] == "total"]
    total_row = owner["rows"][-1]
    assert total_row["recorded"]["mean"] == pytest.approx(sum(totals) / 2) == owner["total"]["mean"]
    assert "by_step" not in doc and not (results.out / "attribution_steps.csv").exists()
    with pytest.raises(api.UsageError, match="unknown convention 'fair'"):
        api.attribute(BASELINE, **SHORT, conventions=["fair"], out=tmp_path / "fair")
    assert not (tmp_path / "fair").exists()


def test_attribute_answers_under_the_conventions_asked_for(tmp_path):
    results = api.attribute(BASELINE, **{**SHORT, "replications": 1}, conventions=["dtoc"], out=tmp_path / "att")
    assert [g["convention"] for g in results.attribution["conventions"]] == ["dtoc"]
    summary = read_json(results.out / "summary.json")
    assert [g["convention"] for g in summary["answer"]["conventions"]] == ["dtoc"]


def test_calibrate(tmp_path):
    config, targets = tmp_path / "toy.yaml", tmp_path / "targets.yaml"
    config.write_text(TOY)
    targets.write_text("targets:\n  delayed_discharge_share: {value: 0.3, tolerance: 0.03}\n")
    fitted = api.calibrate(config, targets, [("steps.wait.probability", 0.0, 1.0)], points=5, rounds=2,
                           workers=2, out=tmp_path / "fit")
    doc = fitted.document
    assert doc == json.loads((fitted.out / "calibration.json").read_text())
    best = doc["best"]["settings"]["steps.wait.probability"]
    assert 0.2 <= best <= 0.4 and doc["rounds"] == 2
    assert len(rows(fitted.out / "calibration.csv")) == doc["evaluated_points"]
    assert read_yaml(fitted.out / "fitted.yaml")["steps"]["wait"]["probability"] == best


@pytest.mark.slow
def test_validate(tmp_path):
    validation = api.validate(quick=True, workers=2, plots=False, out=tmp_path / "v")
    names = [row["case"] for row in validation.rows]
    assert names == ["erlang_b_85", "erlang_b_90", "erlang_b_95", "erlang_c_beds", "mmc_care_places_22",
                     "mmc_care_places_25", "tandem_turned_away", "tandem_blocked_beds", "littles_law"]
    assert validation.failed == [], validation.rows
    written = read_json(validation.out / "validation.json")
    assert written["seed"] == api.VALIDATION_SEED and same(written["cases"], validation.rows)
    assert [r["case"] for r in rows(validation.out / "validation.csv")] == names
    assert (validation.out / "validation.md").exists() and not (validation.out / "figures").exists()


@pytest.mark.slow
def test_plot(run_results):
    drawn = api.plot(run_results.out)
    listed = json.loads((run_results.out / "figures" / "figures.json").read_text())
    assert [d.name for d in drawn] == [entry["name"] for entry in listed]
    assert {d.name for d in drawn} >= {"delay_causes", "occupancy", "patient_timeline"}
    for d in drawn:
        assert d.title and d.caption
        assert (run_results.out / "figures" / f"{d.name}.png").stat().st_size > 1000
        assert (run_results.out / "figures" / f"{d.name}.pdf").stat().st_size > 1000


@pytest.mark.slow
def test_report(run_results):
    md, html = api.report(run_results.out)
    assert (md, html) == (run_results.out / "report.md", run_results.out / "report.html")
    assert "## Results" in md.read_text() and html.read_text().lstrip().lower().startswith("<!doctype html>")


def test_check(tmp_path):
    checked = api.check(BASELINE)
    assert checked.config.name == "baseline"
    assert any(note.startswith("pool nursing_home:") for note in checked.notes)
    assert yaml.safe_load(checked.text) == yaml.safe_load(yaml.safe_dump(config_to_dict(checked.config)))
    raw = read_yaml(BASELINE)
    raw["pools"]["nursing_home"]["places"] = 100
    tight = tmp_path / "tight.yaml"
    tight.write_text(yaml.safe_dump(raw))
    assert any("over capacity" in note for note in api.check(Path(tight)).notes)
