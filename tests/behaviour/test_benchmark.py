"""Sides brought to a benchmark instead of removed: a cap on a step's work or a search cuts each
draw at the cap and leaves every other draw alone, and in a config where doing better never
delays anyone, no coalition at its benchmark has more delay than as configured. (The quantiles
themselves: tests/unit/test_distributions.py; the scenario a benchmark makes: tests/unit/test_sides.py.)"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import discharge_sim as ds
from discharge_sim.analysis.attribution import AS_CONFIGURED, benchmark_scenario
from discharge_sim.analysis.sides import resolve
from discharge_sim.config import Config, config_from_dict
from discharge_sim.model.replication import run_replication
from discharge_sim.model.variant import Variant
from tests import toys


def paired_delays(config: Config, variant: Variant) -> tuple[np.ndarray, np.ndarray]:
    """Departure minus ready as configured and with ``variant``, for the patients who left in both."""
    before = run_replication(config, 0, seed=8).patients
    after = run_replication(config, 0, seed=8, variant=variant).patients
    n = min(before["id"].size, after["id"].size)
    np.testing.assert_array_equal(before["ready"][:n], after["ready"][:n])  # the same patients
    delay_before = before["departure"][:n] - before["ready"][:n]
    delay_after = after["departure"][:n] - after["ready"][:n]
    left = ~np.isnan(delay_before) & ~np.isnan(delay_after)
    assert left.sum() > 200
    return delay_before[left], delay_after[left]


@pytest.mark.parametrize(("step", "cap"), [
    (toys.delay("hospital", toys.lognormal(10, 8)), 6.0),
    (toys.staffed("hospital", "team", toys.lognormal(10, 8)), 12.0),
    (toys.placement("social_care", {"homes": 1.0}, "E", handover=toys.lognormal(10, 8)), 4.0),
], ids=["delay", "staffed", "placement handover"])
def test_a_duration_cap_cuts_each_draw_at_the_cap(step, cap):
    config = toys.config({"x": step}, {"x": []}, staff={"team": toys.team("hospital", 100)},
                         pools={"homes": toys.pool("social_care", "E", places=1000)})
    before, after = paired_delays(config, Variant(duration_caps=frozenset({("x", cap)})))
    assert (before > cap).any() and (before < cap).any()
    assert after.max() <= cap + 1e-9  # round the clock with no queue: the delay is the work
    np.testing.assert_allclose(after, np.minimum(before, cap), rtol=0, atol=1e-9)  # the same draws, cut


def test_a_search_cap_cuts_each_search_at_the_cap():
    config = toys.config({"x": toys.placement("social_care", {"homes": 0.5, "flats": 0.5}, "E", search=toys.lognormal(30, 20))},
                         {"x": []}, pools={"homes": toys.pool("social_care", "E", places=1000),
                                           "flats": toys.pool("social_care", "E", places=1000)})
    before, after = paired_delays(config, Variant(search_caps=frozenset({("x", "homes", 20.0)})))
    assert after.max() > 20.0  # searches for a flat are not capped
    # Each patient's search is the same draw, cut at 20 hours if they went to a home.
    cut = after < before - 1e-9
    assert cut.any() and np.allclose(after[cut], 20.0)
    np.testing.assert_allclose(after[~cut], before[~cut], rtol=0, atol=1e-9)


MONOTONE = toys.ward(
    {"summary": toys.delay("hospital", toys.lognormal(10), code="A"),
     "round": toys.session("hospital", [11], code="A", days=["mon", "tue", "wed", "thu", "fri"]),
     "panel": toys.session("social_care", [14], code="B", days=["tue"]),
     "home": toys.placement("social_care", {"homes": 1.0}, "E", search=toys.lognormal(40), search_probability=0.6,
                            handover=toys.lognormal(6)),
     "housing": toys.delay("social_care", toys.lognormal(50), kind="capacity", code="I", probability=0.2),
     "rehab": toys.delay("nhs_community", toys.lognormal(30), kind="capacity", code="C", probability=0.4),
     "choice": toys.delay("patient_family", toys.lognormal(40), code="G", probability=0.3)},
    {"summary": [], "round": ["summary"], "panel": [], "home": ["panel"], "housing": [], "rehab": ["round"],
     "choice": []},
    pools={"homes": toys.pool("social_care", "E", places=1000)},
    attribution={"conventions": ["symmetric"], "benchmark": {
        "hospital": {"sessions_every_day": True, "duration_quantile": 0.25},
        "social_care": {"sessions_every_day": True, "duration_quantile": 0.5, "search_quantile": 0.25},
        "nhs_community": {"duration_quantile": 0.25}}})
"""A config where doing better never delays anyone: steps with no queue (ample places), so each
patient's departure only falls when a step of theirs is quicker or a session comes sooner."""


def test_no_coalition_at_its_benchmark_has_more_delay_than_as_configured():
    config = config_from_dict(MONOTONE)
    attribution = ds.attribute(config, replications=3, seed=8, against="benchmark")
    (game,) = attribution.plan.games
    assert game.against == "benchmark"
    assert game.players == ("hospital", "social_care", "nhs_community") and game.left_out == ("patient_family",)
    for measure in ("delayed_bed_days", "delayed_bed_days_after_ready_day"):
        for r in range(3):
            d = {c: attribution.metrics[label][r][measure] for c, label in game.runs.items()}
            assert d[frozenset()] == attribution.metrics[AS_CONFIGURED][r][measure]
            for coalition, delay in d.items():
                assert delay <= d[frozenset()] + 1e-9, (coalition, measure)
                for side in game.players:  # and adding a side to a coalition never adds delay
                    assert d[coalition | {side}] <= delay + 1e-9, (coalition, side, measure)
            everything = d[frozenset(game.players)]
            assert everything < d[frozenset()]
            assert everything > 0  # a benchmark is not perfection: good peers still take some time
    split = attribution.sides("symmetric")
    for side in game.players:
        assert split[side]["alone"]["mean"] > 0 and split[side]["counterfactual"]["mean"] > 0
    # The side without a benchmark keeps its own recorded row (never changed, so no counterfactual);
    # under symmetric nothing is unattributed, and the recorded rows still add up to the total.
    left = split["patient_family"]
    assert left["recorded"]["mean"] > 0 and np.isnan(left["counterfactual"]["mean"])
    assert split["unattributed"]["recorded"]["mean"] == 0.0
    recorded = sum(split[s]["recorded"]["mean"] for s in (*game.players, *game.left_out, "unattributed", "necessary"))
    assert recorded == pytest.approx(split["total"]["recorded"]["mean"], rel=1e-12)


def test_each_patient_is_discharged_no_later_at_the_benchmark():
    config = config_from_dict(MONOTONE)
    convention = resolve(config, "symmetric")
    players = ("hospital", "social_care", "nhs_community")
    base = run_replication(config, 0, seed=8).patients["departure"]
    for size in (1, 3):
        for coalition in itertools.combinations(players, size):
            cfg, variant = benchmark_scenario(config, convention, frozenset(coalition))
            after = run_replication(cfg, 0, seed=8, variant=variant).patients["departure"]
            both = ~np.isnan(base) & ~np.isnan(after)
            assert both.sum() > 200
            assert np.all(after[both] <= base[both] + 1e-9), coalition
            assert np.any(after[both] < base[both] - 1e-9), coalition
