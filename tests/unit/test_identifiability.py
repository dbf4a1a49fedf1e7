"""Which settings a calibration's targets pin, on targets known in closed form over a grid."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from discharge_sim.experiments.calibration import Parameter, Target, grid
from discharge_sim.experiments.identifiability import Identifiability, identifiability

Metric = Callable[..., float]


def judge(ranges: dict[str, tuple[float, float]], targets: dict[str, tuple[Metric, float]],
          points: int = 4) -> Identifiability:
    """The verdicts on a first-round grid whose target means are ``targets`` (metric -> (function
    of the settings, tolerance)), exactly, as if there were no noise."""
    parameters = [Parameter(key, low, high) for key, (low, high) in ranges.items()]
    values = grid(parameters, tuple(ranges.values()), points)
    means = [[f(*v) for f, _ in targets.values()] for v in values]
    return identifiability(parameters, values, means, [Target(m, 0.0, tol) for m, (_, tol) in targets.items()])


def verdicts(found: Identifiability) -> dict[str, str]:
    return {v.key: v.verdict for v in found.verdicts}


def test_a_target_of_the_product_alone_does_not_separate_its_factors():
    # Little's law: occupied beds = arrivals a day x mean stay; any point on a*b = constant fits.
    found = judge({"arrivals": (4.0, 8.0), "stay": (1.5, 3.0)}, {"beds": (lambda a, b: a * b, 0.5)})
    assert verdicts(found) == {"arrivals": "not separately identified from stay",
                               "stay": "not separately identified from arrivals"}
    (flat,) = found.flat
    assert flat.flagged == ("arrivals", "stay") and flat.movement < 1e-9
    assert flat.loadings[0] * flat.loadings[1] < 0  # they trade off: one up, the other down
    assert found.sensitivity.shape == (1, 2) and np.all(found.sensitivity > 1)  # each alone moves the beds


def test_a_target_of_one_factor_alone_pins_both():
    found = judge({"arrivals": (4.0, 8.0), "stay": (1.5, 3.0)},
                  {"beds": (lambda a, b: a * b, 0.5), "admissions": (lambda a, b: 25 * a, 7.5)})
    assert verdicts(found) == {"arrivals": "pinned", "stay": "pinned"}
    assert found.flat == () and len(found.singular_values) == 2
    assert math.isclose(found.sensitivity[1, 0], 25 * 4 / 7.5) and abs(found.sensitivity[1, 1]) < 1e-9


def test_a_setting_no_target_depends_on_is_not_pinned():
    found = judge({"a": (0.0, 1.0), "b": (0.0, 1.0), "c": (0.0, 1.0)},
                  {"x": (lambda a, b, c: a, 0.1), "y": (lambda a, b, c: b, 0.1)})
    assert verdicts(found) == {"a": "pinned", "b": "pinned", "c": "not pinned"}
    assert "tolerance" in found.verdicts[2].reason


def test_a_setting_that_moves_the_targets_by_less_than_a_tolerance_is_not_pinned():
    # c moves x by 0.05 across its range against a tolerance of 0.1: the targets cannot see it.
    found = judge({"a": (0.0, 1.0), "c": (0.0, 1.0)}, {"x": (lambda a, c: a + 0.05 * c, 0.1),
                                                      "y": (lambda a, c: a - 0.05 * c, 0.1)})
    assert verdicts(found) == {"a": "pinned", "c": "not pinned"}


def test_a_well_conditioned_linear_map_pins_every_setting():
    found = judge({"a": (0.0, 1.0), "b": (0.0, 1.0)},
                  {"sum": (lambda a, b: a + b, 0.1), "difference": (lambda a, b: a - b, 0.1)})
    assert verdicts(found) == {"a": "pinned", "b": "pinned"}
    assert np.allclose(found.singular_values, [10 * math.sqrt(2)] * 2)


def test_two_separate_ridges_are_reported_as_two_pairs():
    # Four settings, two targets each pinning one pair's combination: the flat plane is rotated so
    # that each direction leans on one pair, not on all four.
    found = judge({"a": (1.0, 2.0), "b": (1.0, 2.0), "c": (1.0, 2.0), "d": (1.0, 2.0)},
                  {"x": (lambda a, b, c, d: a * b, 0.05), "y": (lambda a, b, c, d: c / d, 0.05)}, points=3)
    assert verdicts(found) == {"a": "not separately identified from b", "b": "not separately identified from a",
                               "c": "not separately identified from d", "d": "not separately identified from c"}
    assert sorted(d.flagged for d in found.flat) == [("a", "b"), ("c", "d")]


def test_too_few_points_cannot_be_judged():
    parameters = [Parameter("a", 0.0, 1.0), Parameter("b", 0.0, 1.0)]
    found = identifiability(parameters, [(0.0, 0.0), (1.0, 1.0)], [[0.0], [1.0]], [Target("x", 0.0, 0.1)])
    assert verdicts(found) == {"a": "cannot be judged", "b": "cannot be judged"} and not found.judged


def test_two_curved_targets_of_the_product_alone_still_do_not_separate_its_factors():
    # Neither target is a linear transform of the other and the ranges are not proportional, so the
    # straight-line slopes are not exactly parallel: the product's ridge shows as a direction moving
    # the targets far less than the best-pinned one (1.6 against 60 tolerances), not as an exact zero.
    found = judge({"a": (4.0, 8.0), "b": (1.0, 5.0)},
                  {"x": (lambda a, b: a * b, 1.0), "y": (lambda a, b: (a * b) ** 2, 20.0)})
    assert verdicts(found) == {"a": "not separately identified from b", "b": "not separately identified from a"}
    assert found.singular_values[1] < 0.1 * found.singular_values[0]
    # whereas a second target of a alone, as curved, separates them
    found = judge({"a": (4.0, 8.0), "b": (1.0, 5.0)},
                  {"x": (lambda a, b: a * b, 1.0), "y": (lambda a, b: a ** 2, 2.0)})
    assert verdicts(found) == {"a": "pinned", "b": "pinned"}
