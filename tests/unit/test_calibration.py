"""The calibration search without running it: grids, refinement, the loss, and editing the YAML."""

from __future__ import annotations

import math

import yaml

from discharge_sim.experiments.calibration import Parameter, Target, best_point, grid, loss, refine, replace_values
from tests.helpers import TOY


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
