"""Calibration: the grid search, the fitted YAML, the command, and the shipped calibrated configs."""

from __future__ import annotations

import json
import math

import pytest
import yaml

from discharge_sim.analysis.statistics import t_interval
from discharge_sim.cli import main
from discharge_sim.config import load_config
from discharge_sim.experiments.calibration import (
    Parameter,
    Target,
    best_point,
    grid,
    loss,
    refine,
    replace_values,
)
from discharge_sim.experiments.in_memory import run

from .conftest import ROOT

TOY = """\
# a toy ward for calibration tests
name: toy   # comment kept
run: {days: 60, warmup_days: 10, replications: 3, seed: 7}
hospital: {beds: 40}
emergency: {admissions_per_day: 8}
groups:
  all:
    emergency_share: 1.0
    length_of_stay: {distribution: exponential, mean_days: 2.5}
    pathway_mix: {0: 1.0}
steps:
  wait:
    type: delay
    owner: hospital
    kind: process
    dtoc_code: other
    probability: 0.5     # fitted below
    duration: {distribution: fixed, mean_hours: 30}
pathways:
  0: {wait: []}
"""


def test_grid_refines_around_the_best_point():
    p = [Parameter("a", 0.0, 1.0), Parameter("n", 10, 20, integer=True)]
    points = grid(p, ((0.0, 1.0), (10.0, 20.0)), 5)
    assert len(points) == 25 and points[0] == (0.0, 10) and points[-1] == (1.0, 20)
    assert all(isinstance(v[1], int) for v in points)
    box = refine(p, ((0.0, 1.0), (10.0, 20.0)), (0.0, 15), 5)
    assert box == ((0.0, 0.25), (12.5, 17.5))  # one step either side, clipped to the range


def test_whole_numbers_stay_inside_the_range_and_small_numbers_stay_numbers():
    p = [Parameter("n", 2.5, 5.0, integer=True)]
    assert grid(p, ((2.5, 5.0),), 5) == [(3,), (4,), (5,)]
    text = replace_values("a: 1.0\nb: 2\n", {"a": 5e-05, "b": 7})
    assert yaml.safe_load(text) == {"a": 5e-05, "b": 7}


def test_loss_is_distance_in_tolerances():
    targets = [Target("x", 1.0, 0.1), Target("y", 0.0, 0.5)]
    assert math.isclose(loss({"x": 1.2, "y": 0.5}, targets), 4.0 + 1.0)
    assert loss({"x": math.nan, "y": 0.0}, targets) == math.inf
    assert best_point([3.0, 1.0, 1.0]) == 1


def test_replace_values_keeps_every_comment_and_line():
    text = replace_values(TOY, {"steps.wait.probability": 0.25, "run.days": 90})
    before, after = TOY.splitlines(), text.splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        ("run: {days: 60, warmup_days: 10, replications: 3, seed: 7}",
         "run: {days: 90, warmup_days: 10, replications: 3, seed: 7}"),
        ("    probability: 0.5     # fitted below", "    probability: 0.25     # fitted below"),
    ]


def test_calibrate_finds_the_probability_that_gives_the_target(tmp_path, capsys):
    config = tmp_path / "toy.yaml"
    config.write_text(TOY)
    targets = tmp_path / "targets.yaml"
    # Fixed 30-hour waits, so a patient is delayed past the ready day exactly when the step is needed.
    targets.write_text("targets:\n  delayed_discharge_share: {value: 0.3, tolerance: 0.03}\n")
    out = tmp_path / "fit"
    status = main(["calibrate", str(config), "--target", str(targets), "--vary", "steps.wait.probability=0:1",
                   "--points", "5", "--rounds", "3", "--workers", "1", "--out", str(out)])
    assert status == 0
    doc = json.loads((out / "calibration.json").read_text())
    fitted = doc["best"]["settings"]["steps.wait.probability"]
    assert 0.2 <= fitted <= 0.4
    assert doc["fit"][0]["within_tolerance"] and doc["all_within_tolerance"]
    text = (out / "fitted.yaml").read_text()
    assert "# comment kept" in text and f"probability: {fitted!r}" in text
    assert load_config(out / "fitted.yaml").steps["wait"].probability == fitted
    rows = (out / "calibration.csv").read_text().splitlines()
    assert rows[0].startswith("round,point,steps.wait.probability,loss,delayed_discharge_share_mean")
    assert len(rows) - 1 == doc["evaluated_points"] < 15  # points repeated between rounds run once
    assert "Best point" in capsys.readouterr().out


@pytest.mark.parametrize(("vary", "message"), [
    ("steps.wait.nothing=0:1", "not a setting written in the config"),
    ("steps.wait.type=0:1", "only a number"),
    ("steps.wait.probability=0:2", "probability"),
    ("steps.wait.probability=0.5:0.1", "needs low < high"),
    ("run.days=30:60", "run settings are not calibrated"),
])
def test_calibrate_rejects_bad_ranges(tmp_path, capsys, vary, message):
    config = tmp_path / "toy.yaml"
    config.write_text(TOY)
    targets = tmp_path / "targets.yaml"
    targets.write_text("targets:\n  delayed_discharge_share: 0.3\n")
    status = main(["calibrate", str(config), "--target", str(targets), "--vary", vary,
                   "--out", str(tmp_path / "fit")])
    assert status == 2
    assert message in capsys.readouterr().err
    assert not list(tmp_path.glob("*fit*"))


def test_calibrate_needs_four_points_to_narrow(tmp_path, capsys):
    config = tmp_path / "toy.yaml"
    config.write_text(TOY)
    status = main(["calibrate", str(config), "--target", str(tmp_path / "none.yaml"), "--vary",
                   "steps.wait.probability=0:1", "--points", "3"])
    assert status == 2 and "at least 4" in capsys.readouterr().err
    status = main(["calibrate", str(config), "--target", str(tmp_path / "none.yaml"), "--vary",
                   "steps.wait.probability=0:1"])
    assert status == 2 and "no such targets file" in capsys.readouterr().err


def test_calibrate_names_an_unknown_target_metric(tmp_path, capsys):
    config = tmp_path / "toy.yaml"
    config.write_text(TOY)
    targets = tmp_path / "targets.yaml"
    targets.write_text("targets:\n  delayed_share: 0.3\n")
    status = main(["calibrate", str(config), "--target", str(targets), "--vary", "steps.wait.probability=0:1",
                   "--out", str(tmp_path / "fit")])
    assert status == 2
    err = capsys.readouterr().err
    assert "targets.delayed_share: not a metric" in err and "delayed_discharge_share" in err


# --- the shipped calibrated configs -------------------------------------------------------------

REPLICATIONS = 8


def _means(name: str) -> dict[str, dict[str, float]]:
    result = run(load_config(ROOT / "configs" / f"{name}.yaml"), replications=REPLICATIONS)
    return {k: t_interval([m[k] for m in result.metrics]) for k in result.metrics[0]}


def test_england_2018_19_reproduces_the_dtoc_split():
    s = _means("england_2018_19")
    for metric, target in (("dtoc_share_nhs", 0.622), ("dtoc_share_social_care", 0.299), ("dtoc_share_both", 0.079),
                           ("dtoc_share_E", 0.208), ("dtoc_share_C", 0.172)):
        assert abs(s[metric]["mean"] - target) <= 0.03, (metric, s[metric])


def test_england_2024_25_reproduces_the_delay_lengths():
    s = _means("england_2024_25")
    assert 0.13 <= s["delayed_discharge_share"]["mean"] <= 0.145, s["delayed_discharge_share"]
    assert abs(s["mean_delay_days_of_delayed"]["mean"] - 6.1) <= 0.4, s["mean_delay_days_of_delayed"]
    assert 0.30 <= s["delay_band_1_share"]["mean"] <= 0.36, s["delay_band_1_share"]
