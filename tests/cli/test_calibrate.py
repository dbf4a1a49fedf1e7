"""discharge-sim calibrate: a toy whose answer is known, and arguments it refuses."""

from __future__ import annotations

import json

import pytest
import yaml

from discharge_sim.cli import main
from discharge_sim.config import load_config
from tests import toys
from tests.helpers import TOY, status

TARGET = "targets:\n  delayed_discharge_share: {value: 0.3, tolerance: 0.03}\n"


def _toy(folder, targets=TARGET):
    config, target = folder / "toy.yaml", folder / "targets.yaml"
    config.write_text(TOY)
    target.write_text(targets)
    return config, target


def test_calibrate_finds_the_probability_that_gives_the_target(tmp_path, capsys):
    # Fixed 30-hour waits, so a patient is delayed past the ready day exactly when the step is needed.
    config, targets = _toy(tmp_path)
    out = tmp_path / "fit"
    assert main(["calibrate", str(config), "--target", str(targets), "--vary", "steps.wait.probability=0:1",
                 "--points", "5", "--rounds", "3", "--workers", "1", "--out", str(out)]) == 0
    doc = json.loads((out / "calibration.json").read_text())
    fitted = doc["best"]["settings"]["steps.wait.probability"]
    assert 0.2 <= fitted <= 0.4
    assert doc["fit"][0]["within_tolerance"] and doc["all_within_tolerance"]
    text = (out / "fitted.yaml").read_text()
    assert "# comment kept" in text and f"probability: {fitted!r}" in text
    assert load_config(out / "fitted.yaml").steps["wait"].probability == fitted
    lines = (out / "calibration.csv").read_text().splitlines()
    assert lines[0].startswith("round,point,steps.wait.probability,loss,delayed_discharge_share_mean")
    assert len(lines) - 1 == doc["evaluated_points"] < 15  # points repeated between rounds run once
    assert "Best point" in capsys.readouterr().out


BAD = {
    "not a setting": (["--vary", "steps.wait.nothing=0:1"], "not a setting written in the config"),
    "not a number": (["--vary", "steps.wait.type=0:1"], "only a number"),
    "outside its range": (["--vary", "steps.wait.probability=0:2"], "probability"),
    "backwards": (["--vary", "steps.wait.probability=0.5:0.1"], "needs low < high"),
    "a run setting": (["--vary", "run.days=30:60"], "run settings are not calibrated"),
    "too few points": (["--vary", "steps.wait.probability=0:1", "--points", "3"], "at least 4"),
    "auto replications": (["--vary", "steps.wait.probability=0:1", "--replications", "auto"],
                          "--replications must be a number"),
    "no targets file": (["--vary", "steps.wait.probability=0:1", "--target", "none.yaml"], "no such targets file"),
    "unknown target metric": (["--vary", "steps.wait.probability=0:1", "--target", "wrong.yaml"],
                              "targets.delayed_share: not a metric", "delayed_discharge_share"),
}


@pytest.mark.parametrize("case", BAD)
def test_calibrate_refuses_bad_arguments(case, tmp_path, capsys):
    config, targets = _toy(tmp_path)
    (tmp_path / "wrong.yaml").write_text("targets:\n  delayed_share: 0.3\n")
    given, *messages = BAD[case]
    if "--target" in given:
        given = [given[0], given[1], "--target", str(tmp_path / given[given.index("--target") + 1])]
    else:
        given = [*given, "--target", str(targets)]
    assert status(["calibrate", str(config), *given, "--workers", "1", "--out", str(tmp_path / "fit")]) == 2
    err = capsys.readouterr().err
    assert all(message in err for message in messages) and "Traceback" not in err, err
    assert not (tmp_path / "fit").exists() and not list(tmp_path.glob(".*fit*"))


LITTLE = {"mean_occupied_beds": {"value": 13.5, "tolerance": 0.5}, "occupancy": {"value": 0.0675, "tolerance": 0.0025}}
"""A ward of 200 beds, ample: occupied beds = admissions a day x mean stay (Little's law), so these
two targets, though two, fix only the product of the two settings varied below."""


@pytest.mark.parametrize("targets, verdicts", [
    (LITTLE, {"emergency.admissions_per_day": "not separately identified from groups.all.length_of_stay.mean_days",
              "groups.all.length_of_stay.mean_days": "not separately identified from emergency.admissions_per_day"}),
    ({**LITTLE, "admissions": {"value": 150, "tolerance": 7.5}},  # 25 days measured: depends on arrivals alone
     {"emergency.admissions_per_day": "pinned", "groups.all.length_of_stay.mean_days": "pinned"}),
])
def test_calibrate_says_which_settings_its_targets_pin(targets, verdicts, tmp_path, capsys):
    raw = toys.ward({}, {}, days=30, warmup=5, admissions=6, replications=2,
                    stay={"distribution": "lognormal", "mean_days": 2.25, "sd_days": 1.0})
    config, target = tmp_path / "ward.yaml", tmp_path / "targets.yaml"
    config.write_text(yaml.safe_dump(raw))
    target.write_text(yaml.safe_dump({"targets": targets}, sort_keys=False))
    out = tmp_path / "fit"
    assert main(["calibrate", str(config), "--target", str(target), "--vary", "emergency.admissions_per_day=4:8",
                 "--vary", "groups.all.length_of_stay.mean_days=1.5:3", "--points", "4", "--rounds", "1",
                 "--workers", "1", "--out", str(out)]) == 0
    section = json.loads((out / "calibration.json").read_text())["identifiability"]
    assert {key: s["verdict"] for key, s in section["settings"].items()} == verdicts
    assert section["points"] == 16 and section["sensitivity"]["targets"] == list(targets)
    assert all(v > 10 for v in section["sensitivity"]["values"][0])  # each setting alone moves the beds a lot
    singular = section["singular_values"]
    assert len(singular) == 2 and (singular[1] < 1) == (len(targets) == 2)  # flat within the rank, not beyond it
    printed = capsys.readouterr().out
    assert "Identifiability" in printed
    assert ("which these targets do not support" in printed) == (len(targets) == 2)
