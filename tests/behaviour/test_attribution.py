"""Counterfactual attribution in whole runs: the split adds up in every replication, shares vanish
where they must, swapping the sides swaps the shares, and finer removals cover every part.
(The Shapley identity for any four totals: tests/property/test_attribution.py.)"""

from __future__ import annotations

import math

import numpy as np
import pytest

from discharge_sim.analysis.attribution import (
    AS_CONFIGURED,
    BOTH,
    SIDE_VARIANTS,
    attribution_rows,
    removals,
)
from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.analysis.statistics import t_interval
from discharge_sim.config import config_from_dict
from discharge_sim.experiments.specification import Task, simulate
from discharge_sim.model.replication import run_replication
from discharge_sim.model.variant import Variant
from tests.helpers import short_baseline

SEED = 5


def side_rows(config, reps, seed=SEED):
    """The four runs of each replication, as attribution rows."""
    by_variant = {name: [simulate(Task(0, r, config, seed, variant=variant)).metrics for r in range(reps)]
                  for name, variant in SIDE_VARIANTS}
    return attribution_rows(by_variant), by_variant


def toy(x_owner: str, x_kind: str, y_owner: str, y_kind: str, x_mean: float = 20.0, y_mean: float = 30.0,
        days: float = 60.0) -> dict:
    """A small ward: every patient waits for two steps in parallel, ``x`` and ``y``."""
    def step(owner, kind, mean):
        return {"type": "delay", "owner": owner, "kind": kind, "dtoc_code": "other",
                "duration": {"distribution": "exponential", "mean_hours": mean}}

    return {
        "name": "toy",
        "run": {"days": days, "warmup_days": 10, "replications": 4, "seed": 3},
        "hospital": {"beds": 30},
        "emergency": {"admissions_per_day": 8},
        "groups": {"all": {"emergency_share": 1.0,
                           "length_of_stay": {"distribution": "exponential", "mean_days": 2.5},
                           "pathway_mix": {0: 1.0}}},
        "steps": {"x": step(x_owner, x_kind, x_mean), "y": step(y_owner, y_kind, y_mean)},
        "pathways": {0: {"x": [], "y": []}},
    }


def test_split_adds_up_in_every_replication_of_the_baseline():
    rows, by_variant = side_rows(short_baseline(days=60, warmup=15), reps=2)
    for r, row in enumerate(rows):
        total = by_variant[AS_CONFIGURED][r]["delayed_bed_days"]
        assert row["total"] == total
        assert math.isclose(row["shapley_hospital"] + row["shapley_social_care"] + row["residual"], total, rel_tol=1e-12)
        assert math.isclose(row["ledger_hospital"] + row["ledger_social_care"] + row["ledger_rest"], total, rel_tol=1e-12)
        assert row["residual"] == by_variant[BOTH][r]["delayed_bed_days"]
        # Both sides cause real delay here, and removing them never adds delay.
        assert row["hospital_removed"] > 0 and row["social_care_removed"] > 0
        assert row["both_removed"] >= max(row["hospital_removed"], row["social_care_removed"]) * 0.99


# --- shares that must vanish ------------------------------------------------------------------

@pytest.mark.slow
def test_social_care_share_is_zero_when_its_capacity_is_already_unlimited():
    overrides = {f"pools.{p}.places": 100_000 for p in ("reablement", "home_care", "intermediate_care",
                                                        "residential_home", "nursing_home")}
    overrides.update({"steps.home_support.search_probability": 0.0, "steps.care_home.search_probability": 0.0,
                      "steps.housing.probability": 0.0, "staff.social_workers.count": 1000})
    rows, _ = side_rows(short_baseline(days=90, warmup=20, **overrides), reps=3)
    for row in rows:
        assert row["total"] > 0
        assert abs(row["shapley_social_care"]) <= 1e-9 * row["total"], row
        assert row["ledger_social_care"] <= 1e-9 * row["total"]


@pytest.mark.slow
def test_hospital_share_is_zero_when_its_steps_are_already_instant():
    hospital_steps = ("senior_review", "discharge_summary", "medicines", "therapy_assessment", "transport")
    overrides = {f"steps.{s}.probability": 0.0 for s in hospital_steps}
    rows, _ = side_rows(short_baseline(days=90, warmup=20, **overrides), reps=3)
    for row in rows:
        assert row["total"] > 0
        assert abs(row["shapley_hospital"]) <= 1e-9 * row["total"], row
        assert row["ledger_hospital"] == 0.0


# --- symmetry -----------------------------------------------------------------------------------

def test_swapping_the_sides_roles_swaps_their_shapley_shares_exactly():
    a = config_from_dict(toy("hospital", "process", "social_care", "capacity"))
    b = config_from_dict(toy("social_care", "capacity", "hospital", "process"))
    rows_a, _ = side_rows(a, reps=3)
    rows_b, _ = side_rows(b, reps=3)
    for ra, rb in zip(rows_a, rows_b, strict=True):
        assert ra["total"] == rb["total"]
        assert ra["shapley_hospital"] == rb["shapley_social_care"]
        assert ra["shapley_social_care"] == rb["shapley_hospital"]
        assert ra["interaction"] == rb["interaction"]
        assert ra["shapley_hospital"] != ra["shapley_social_care"]  # the toy is not symmetric itself


def test_a_symmetric_toy_splits_evenly_within_noise():
    config = config_from_dict(toy("hospital", "process", "social_care", "capacity", x_mean=25.0, y_mean=25.0))
    rows, _ = side_rows(config, reps=12)
    gap = t_interval([row["shapley_hospital"] - row["shapley_social_care"] for row in rows])
    assert gap["ci_low"] <= 0 <= gap["ci_high"], gap
    # Two parallel waits: the longer one decides, so each side removed alone takes away less than
    # its share of what both remove together: a positive interaction.
    assert np.mean([row["interaction"] for row in rows]) > 0


# --- finer counterfactuals ----------------------------------------------------------------------

def test_removals_cover_every_step_pool_and_staff_team():
    config = short_baseline()
    labels = [item.label for item in removals(config)]
    used = {s for graph in config.pathways.values() for s in graph}
    assert "step:intermediate_care_bed" not in labels  # a placement with no handover: nothing of its own
    for name in used - {"intermediate_care_bed"}:
        assert f"step:{name}" in labels
    for name in config.pools:
        assert f"pool:{name}" in labels
    for name in config.staff:
        assert f"staff:{name}" in labels
    assert len(labels) == len(set(labels))


def test_an_instant_placement_still_takes_its_place():
    config = short_baseline(days=90, warmup=20)
    base = run_replication(config, 0, seed=2)
    instant = run_replication(config, 0, seed=2, variant=Variant(instant_steps=frozenset({"care_home"})))
    m_base, m_instant = replication_metrics(base), replication_metrics(instant)
    # The handover is gone, but people still search and wait for care-home places.
    assert m_instant["delayed_bed_days_dtoc_Dii"] > 0
    assert m_instant["delayed_bed_days_step_care_home"] < m_base["delayed_bed_days_step_care_home"]
