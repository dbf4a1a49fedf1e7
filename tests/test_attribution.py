"""Counterfactual attribution: the Shapley split adds up, and it gives each side what it causes."""

from __future__ import annotations

import csv
import itertools
import json
import math
from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from discharge_sim.analysis.attribution import (
    AS_CONFIGURED,
    BOTH,
    HOSPITAL,
    SIDE_VARIANTS,
    SOCIAL_CARE,
    attribution_rows,
    removals,
    replication_attribution,
)
from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.analysis.statistics import t_interval
from discharge_sim.cli import main
from discharge_sim.config import config_from_dict
from discharge_sim.experiments.specification import Task, simulate
from discharge_sim.model.replication import run_replication
from discharge_sim.model.variant import Variant

from .conftest import short_baseline

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


# --- the identity ---------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=4, max_size=4))
def test_shapley_shares_and_residual_add_up_to_the_total(values):
    total, hospital_gone, social_gone, both_gone = values
    runs = {AS_CONFIGURED: total, HOSPITAL: hospital_gone, SOCIAL_CARE: social_gone, BOTH: both_gone}
    row = replication_attribution({k: {"delayed_bed_days": v, "delayed_bed_days_hospital": 0.0,
                                       "delayed_bed_days_social_care_capacity": 0.0} for k, v in runs.items()})
    # In exact arithmetic the identity holds for the formulas used...
    f = {k: Fraction(v) for k, v in runs.items()}
    shapley_h = Fraction(1, 2) * ((f[AS_CONFIGURED] - f[HOSPITAL]) + (f[SOCIAL_CARE] - f[BOTH]))
    shapley_s = Fraction(1, 2) * ((f[AS_CONFIGURED] - f[SOCIAL_CARE]) + (f[HOSPITAL] - f[BOTH]))
    assert shapley_h + shapley_s + f[BOTH] == f[AS_CONFIGURED]
    # ...and in floating point to rounding.
    assert math.isclose(row["shapley_hospital"] + row["shapley_social_care"] + row["residual"], total,
                        rel_tol=1e-12, abs_tol=1e-6)
    assert math.isclose(row["both_removed"], row["hospital_removed"] + row["social_care_removed"] + row["interaction"],
                        rel_tol=1e-12, abs_tol=1e-6)


def test_split_adds_up_in_every_replication_of_the_baseline():
    rows, by_variant = side_rows(short_baseline(days=90, warmup=20), reps=2)
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

def test_social_care_share_is_zero_when_its_capacity_is_already_unlimited():
    overrides = {f"pools.{p}.places": 100_000 for p in ("reablement", "home_care", "intermediate_care",
                                                        "residential_home", "nursing_home")}
    overrides.update({"steps.home_support.search_probability": 0.0, "steps.care_home.search_probability": 0.0,
                      "steps.housing.probability": 0.0, "staff.social_workers.count": 1000})
    rows, _ = side_rows(short_baseline(days=90, warmup=20, **overrides), reps=3)
    totals = [row["total"] for row in rows]
    for row in rows:
        assert abs(row["shapley_social_care"]) <= 1e-9 * row["total"], row
        assert row["ledger_social_care"] <= 1e-9 * row["total"]
    assert min(totals) > 0


def test_hospital_share_is_zero_when_its_steps_are_already_instant():
    hospital_steps = ("senior_review", "discharge_summary", "medicines", "therapy_assessment", "transport")
    overrides = {f"steps.{s}.probability": 0.0 for s in hospital_steps}
    rows, _ = side_rows(short_baseline(days=90, warmup=20, **overrides), reps=3)
    for row in rows:
        assert abs(row["shapley_hospital"]) <= 1e-9 * row["total"], row
        assert row["ledger_hospital"] == 0.0
        assert row["total"] > 0


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


def test_attribute_cli_writes_the_split_and_the_ranking(tmp_path, capsys):
    out = tmp_path / "att"
    status = main(["attribute", "--days", "60", "--warmup-days", "15", "--replications", "2", "--by", "step",
                   "--workers", "1", "--out", str(out)])
    assert status == 0
    text = capsys.readouterr().out
    assert "Hospital-internal" in text and "What to fix first" in text
    for name in ("attribution.csv", "attribution.json", "attribution_steps.csv", "replications.csv", "dtoc.csv",
                 "summary.json", "manifest.json"):
        assert (out / name).exists(), name
    with (out / "attribution.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2
    for row in rows:
        parts = float(row["shapley_hospital"]) + float(row["shapley_social_care"]) + float(row["residual"])
        assert math.isclose(parts, float(row["total"]), rel_tol=1e-12)
    doc = json.loads((out / "attribution.json").read_text())
    assert [r["side"] for r in doc["table"]] == ["hospital", "social_care", "rest", "total"]
    ranked = doc["by_step"]
    assert [r["rank"] for r in ranked] == list(range(1, len(ranked) + 1))
    assert all(a["removed"] >= b["removed"] for a, b in itertools.pairwise(ranked))
    with (out / "replications.csv").open() as f:
        variants = {row["variant"] for row in csv.DictReader(f)}
    assert {AS_CONFIGURED, HOSPITAL, SOCIAL_CARE, BOTH} <= variants
    assert len(variants) == 4 + len(ranked)


def test_the_api_gives_the_same_split_as_the_command(tmp_path):
    import discharge_sim as ds

    config = short_baseline(days=60, warmup=15)
    split = ds.attribute(config, replications=2)
    out = tmp_path / "att"
    assert main(["attribute", "--days", "60", "--warmup-days", "15", "--replications", "2", "--workers", "2",
                 "--out", str(out), "--quiet"]) == 0
    with (out / "attribution.csv").open() as f:
        rows = list(csv.DictReader(f))
    for api, cli in zip(split.rows, rows, strict=True):
        for key in ("total", "shapley_hospital", "shapley_social_care", "residual", "interaction"):
            assert repr(api[key]) == cli[key]  # parallel workers give the same bytes as in-process
