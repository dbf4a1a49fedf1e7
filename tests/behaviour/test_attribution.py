"""Counterfactual attribution in whole runs, under conventions: the split adds up in every
replication, a side that alone delays anyone gets all of it under every convention, swapping the
sides swaps the shares, the exact Shapley value is what its definition says for 2, 3 and 4
sides, and finer removals cover every part. (Shapley values of any game: tests/unit/test_shapley.py
and tests/property/test_attribution.py.)"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import discharge_sim as ds
from discharge_sim.analysis.attribution import AS_CONFIGURED, MEASURES, removals
from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.analysis.statistics import t_interval
from discharge_sim.config import config_from_dict
from discharge_sim.model.replication import run_replication
from discharge_sim.model.variant import Variant
from discharge_sim.vocabulary import UNATTRIBUTED
from tests import toys
from tests.helpers import same, short_baseline

SEED = 5


def split(attribution: ds.Attribution, convention: str, measure: str = "delayed_bed_days") -> list[dict[str, dict]]:
    """Per replication, attribution.csv's rows of one convention and measure, by side."""
    t = attribution.table
    out: dict[int, dict[str, dict]] = {}
    for i in range(t["side"].size):
        if t["convention"][i] == convention and t["measure"][i] == measure:
            out.setdefault(int(t["replication"][i]), {})[str(t["side"][i])] = {
                key: float(t[key][i]) for key in ("recorded", "counterfactual", "alone")}
    return [out[r] for r in sorted(out)]


def game(attribution: ds.Attribution, convention: str):
    return next(g for g in attribution.plan.games if g.convention.name == convention)


def delays(attribution: ds.Attribution, convention: str, measure: str, r: int) -> dict[frozenset[str], float]:
    """D(S): the delay of replication ``r`` with coalition S changed, from the scenario metrics."""
    return {coalition: attribution.metrics[label][r][measure] for coalition, label in game(attribution, convention).runs.items()}


def assert_adds_up(rows: dict[str, dict], players: tuple[str, ...]) -> None:
    """Shapley values plus the residual, and the recorded sides plus unattributed and necessary
    hours, make the total (to 1e-9 of it)."""
    total = rows["total"]["recorded"]
    assert rows["total"]["counterfactual"] == total
    parts = math.fsum(rows[p]["counterfactual"] for p in players) + rows["residual"]["counterfactual"]
    assert math.isclose(parts, total, rel_tol=1e-9, abs_tol=1e-9), (parts, total)
    recorded = math.fsum(rows[p]["recorded"] for p in players) + rows[UNATTRIBUTED]["recorded"] \
        + rows["necessary"]["recorded"]
    assert math.isclose(recorded, total, rel_tol=1e-9, abs_tol=1e-9), (recorded, total)


# --- the baseline ------------------------------------------------------------------------------------

def test_split_adds_up_in_every_replication_of_the_baseline():
    config = short_baseline(days=45, warmup=10)
    attribution = ds.attribute(config, replications=2, seed=SEED, conventions=["owner"])
    assert [label for label, _, _ in attribution.plan.scenarios] == [
        AS_CONFIGURED, "owner:without:hospital", "owner:without:social_care", "owner:without:hospital+social_care"]
    for measure in MEASURES:
        for r, rows in enumerate(split(attribution, "owner", measure)):
            assert list(rows) == ["hospital", "social_care", UNATTRIBUTED, "necessary", "residual", "interaction", "total"]
            assert rows["total"]["recorded"] == attribution.metrics[AS_CONFIGURED][r][measure]
            assert_adds_up(rows, ("hospital", "social_care"))
            d = delays(attribution, "owner", measure, r)
            assert rows["residual"]["counterfactual"] == pytest.approx(d[frozenset({"hospital", "social_care"})], rel=1e-12)
            # The baseline's transport takes its necessary half hour even when the hospital is removed.
            if measure == "delayed_bed_days":
                assert rows["necessary"]["recorded"] > 0
                assert rows["residual"]["counterfactual"] > 0
                # Both sides cause real delay here, and removing them never adds delay.
                assert rows["hospital"]["alone"] > 0 and rows["social_care"]["alone"] > 0


@pytest.mark.slow
def test_split_adds_up_under_every_shipped_convention_of_the_baseline():
    config = short_baseline(days=45, warmup=10)
    attribution = ds.attribute(config, replications=2, seed=SEED)
    assert [g.convention.name for g in attribution.plan.games] == ["symmetric", "owner", "dtoc"]
    assert game(attribution, "symmetric").players == ("hospital", "social_care", "nhs_community", "patient_family")
    assert game(attribution, "dtoc").players == ("social_care", "nhs")
    # Runs shared by conventions are run once: 16 + 2 + 2 distinct runs, not 16 + 4 + 4.
    assert len(attribution.plan.scenarios) == 20
    for g in attribution.plan.games:
        for measure in MEASURES:
            for rows in split(attribution, g.convention.name, measure):
                assert_adds_up(rows, g.players)


# --- shares that must vanish ------------------------------------------------------------------------

@pytest.mark.slow
def test_social_care_capacity_gets_nothing_when_it_is_already_unlimited():
    overrides = {f"pools.{p}.places": 100_000 for p in ("reablement", "home_care", "residential_home", "nursing_home")}
    overrides.update({"steps.home_support.search_probability": 0.0, "steps.care_home.search_probability": 0.0,
                      "steps.housing.probability": 0.0, "staff.social_workers.count": 1000,
                      "finance.council_budget": None})
    attribution = ds.attribute(short_baseline(days=90, warmup=20, **overrides), replications=3, seed=SEED,
                               conventions=["owner"])
    for rows in split(attribution, "owner"):
        total = rows["total"]["recorded"]
        assert total > 0
        assert abs(rows["social_care"]["counterfactual"]) <= 1e-9 * total, rows
        assert rows["social_care"]["recorded"] <= 1e-9 * total
        assert rows["hospital"]["counterfactual"] > 0


@pytest.mark.slow
def test_the_hospital_gets_nothing_when_its_steps_are_never_needed():
    hospital_steps = ("discharge_summary", "medicines", "therapy_assessment", "transport")
    overrides = {f"steps.{s}.probability": 0.0 for s in hospital_steps}
    attribution = ds.attribute(short_baseline(days=90, warmup=20, **overrides), replications=3, seed=SEED,
                               conventions=["symmetric", "owner"])
    for convention in ("symmetric", "owner"):
        for rows in split(attribution, convention):
            assert rows["total"]["recorded"] > 0
            assert rows["hospital"]["counterfactual"] == 0.0 and rows["hospital"]["recorded"] == 0.0, rows
            assert rows["necessary"]["recorded"] == 0.0  # transport is never needed either


# --- a side that alone delays anyone gets all of it --------------------------------------------------

HOSPITAL_ONLY = toys.ward(
    {"summary": toys.delay("hospital", toys.lognormal(20), code="A"),
     "meds": toys.staffed("hospital", "pharmacists", toys.exponential(3), code="A"),
     "round": toys.session("hospital", [10], code="A")},
    {"summary": [], "meds": [], "round": ["summary"]},
    staff={"pharmacists": toys.team("hospital", 1)})
"""Hospital steps only: work, a queue for one pharmacist and a daily ward round, coded A (as the
DToC statistic leaves reason 'other' out)."""

SOCIAL_CARE_CAPACITY_ONLY = toys.ward(
    {"home": toys.placement("social_care", {"care_home": 1.0}, "Di", search=toys.lognormal(24), search_probability=0.5),
     "housing": toys.delay("social_care", toys.lognormal(40), kind="capacity", code="I", probability=0.3)},
    {"home": [], "housing": []},
    pools={"care_home": toys.pool("social_care", "Di", places=6, stay_days=3.0, referrals=0.5)})
"""Social-care capacity only: a search for a care home and a queue for its places, and housing."""

SOCIAL_CARE_ONLY = toys.ward(
    {"assessment": toys.staffed("social_care", "social_workers", toys.lognormal(6), code="A"),
     "panel": toys.session("social_care", [14], code="B", days=["tue", "fri"]),
     "home": toys.placement("social_care", {"care_home": 1.0}, "Di", search=toys.lognormal(24),
                            search_probability=0.5, handover=toys.lognormal(5))},
    {"assessment": [], "panel": ["assessment"], "home": ["panel"]},
    staff={"social_workers": toys.team("social_care", 1)},
    pools={"care_home": toys.pool("social_care", "Di", places=6, stay_days=3.0, referrals=0.5)})
"""Social-care process and capacity: an assessment by one social worker, a panel twice a week and
a care-home placement with its handover."""

NHS_COMMUNITY_ONLY = toys.ward(
    {"rehab": toys.placement("nhs_community", {"community_beds": 1.0}, "C", search=toys.lognormal(30),
                             search_probability=0.6),
     "equipment": toys.delay("nhs_community", toys.lognormal(30), kind="capacity", code="F", probability=0.5)},
    {"rehab": [], "equipment": []},
    pools={"community_beds": toys.pool("nhs_community", "C", places=6, stay_days=3.0, referrals=0.3)})

PATIENT_FAMILY_ONLY = toys.ward(
    {"choice": toys.delay("patient_family", toys.lognormal(48), code="G")}, {"choice": []})

ONE_SIDE = {
    # config: the side each convention counts all the delay against (None: against no side)
    "hospital": (HOSPITAL_ONLY, {"symmetric": "hospital", "owner": "hospital", "dtoc": "nhs"}),
    "social care capacity": (SOCIAL_CARE_CAPACITY_ONLY,
                             {"symmetric": "social_care", "owner": "social_care", "dtoc": "social_care"}),
    "social care": (SOCIAL_CARE_ONLY, {"symmetric": "social_care", "dtoc": "social_care"}),
    "NHS community": (NHS_COMMUNITY_ONLY, {"symmetric": "nhs_community", "owner": None, "dtoc": "nhs"}),
    "patient or family": (PATIENT_FAMILY_ONLY, {"symmetric": "patient_family", "owner": None, "dtoc": "nhs"}),
}


@pytest.mark.parametrize("case", ONE_SIDE)
def test_a_side_that_alone_delays_anyone_gets_all_of_it_under_every_convention(case):
    raw, expected = ONE_SIDE[case]
    attribution = ds.attribute(config_from_dict(raw), replications=3, seed=SEED, conventions=list(expected))
    for convention, side in expected.items():
        for measure in MEASURES:
            per_rep = split(attribution, convention, measure)
            summary = attribution.sides(convention, measure)
            for rows in per_rep:
                total = rows["total"]["recorded"]
                assert total > 0, (convention, measure)
                if side is None:  # the convention counts these items against no side: nothing to remove
                    assert game(attribution, convention).players == ()
                    assert rows[UNATTRIBUTED]["recorded"] == pytest.approx(total, rel=1e-12)
                    assert rows["residual"]["counterfactual"] == total
                    continue
                assert game(attribution, convention).players == (side,)
                assert rows[side]["recorded"] == pytest.approx(total, rel=1e-12)
                assert rows[side]["counterfactual"] == pytest.approx(total, rel=1e-12)
                assert rows[side]["alone"] == pytest.approx(total, rel=1e-12)
                assert rows["residual"]["counterfactual"] == pytest.approx(0.0, abs=1e-9 * total)
            if side is not None:
                for share in ("recorded_share", "counterfactual_share"):
                    assert summary[side][share]["mean"] == pytest.approx(1.0, rel=1e-12), (convention, measure, share)
                assert summary[UNATTRIBUTED]["recorded_share"]["mean"] == pytest.approx(0.0, abs=1e-12)


def test_the_owner_convention_leaves_social_care_process_unattributed():
    """Social care's own process (assessment, panel, handover) counts against no side under
    ``owner``; its capacity (the social worker's queue, the places) against social care."""
    attribution = ds.attribute(config_from_dict(SOCIAL_CARE_ONLY), replications=3, seed=SEED, conventions=["owner"])
    summary = attribution.sides("owner")
    recorded = summary["social_care"]["recorded_share"]["mean"]
    unattributed = summary[UNATTRIBUTED]["recorded_share"]["mean"]
    assert 0 < recorded < 1 and 0 < unattributed < 1
    assert recorded + unattributed == pytest.approx(1.0, rel=1e-12)
    for rows in split(attribution, "owner"):
        # What is left with social-care capacity removed is social care's own process.
        assert rows["residual"]["counterfactual"] > 0
        assert_adds_up(rows, ("social_care",))


# --- symmetry ------------------------------------------------------------------------------------------

def parallel(x_owner: str, x_kind: str, y_owner: str, y_kind: str, x: dict, y: dict, y_first: bool = False,
             **ward) -> dict:
    """Every patient waits for two steps in parallel, ``x`` and ``y`` (in the pathway in that order,
    or ``y`` first)."""
    return toys.ward({"x": toys.delay(x_owner, x, kind=x_kind), "y": toys.delay(y_owner, y, kind=y_kind)},
                     {"y": [], "x": []} if y_first else {"x": [], "y": []}, **ward)


def test_swapping_the_sides_roles_swaps_their_shapley_shares_exactly():
    a = config_from_dict(parallel("hospital", "process", "social_care", "capacity", toys.exponential(20),
                                  toys.exponential(30)))
    b = config_from_dict(parallel("social_care", "capacity", "hospital", "process", toys.exponential(20),
                                  toys.exponential(30)))
    for convention in ("symmetric", "owner"):
        rows_a = split(ds.attribute(a, replications=3, seed=SEED, conventions=[convention]), convention)
        rows_b = split(ds.attribute(b, replications=3, seed=SEED, conventions=[convention]), convention)
        for ra, rb in zip(rows_a, rows_b, strict=True):
            assert same(ra["total"], rb["total"])
            for column in ("recorded", "counterfactual", "alone"):
                assert ra["hospital"][column] == rb["social_care"][column]
                assert ra["social_care"][column] == rb["hospital"][column]
            assert same(ra["interaction"], rb["interaction"])
            assert ra["hospital"]["counterfactual"] != ra["social_care"]["counterfactual"]  # not symmetric itself


def test_swapping_fixed_durations_between_a_hospital_and_a_council_step_swaps_their_shares_exactly():
    """Fixed durations: every patient's two waits swap, so the sides' splits swap exactly. (The
    steps' order in the pathway swaps too: patients still waiting at the horizon are charged to the
    step later in that order, see discharge_sim.model.ledger.)"""
    a = config_from_dict(parallel("hospital", "process", "social_care", "process", toys.fixed(20), toys.fixed(30)))
    b = config_from_dict(parallel("hospital", "process", "social_care", "process", toys.fixed(30), toys.fixed(20),
                                  y_first=True))
    rows_a = split(ds.attribute(a, replications=3, seed=SEED, conventions=["symmetric"]), "symmetric")
    rows_b = split(ds.attribute(b, replications=3, seed=SEED, conventions=["symmetric"]), "symmetric")
    for ra, rb in zip(rows_a, rows_b, strict=True):
        assert same(ra["total"], rb["total"])
        for column in ("recorded", "counterfactual", "alone"):
            assert ra["hospital"][column] == pytest.approx(rb["social_care"][column], rel=1e-12)
            assert ra["social_care"][column] == pytest.approx(rb["hospital"][column], rel=1e-12)
        # The longer wait holds every bed; removing the shorter alone takes nothing away.
        assert ra["hospital"]["alone"] == 0.0 and ra["hospital"]["recorded"] == 0.0
        assert ra["hospital"]["counterfactual"] > 0  # but Shapley gives it half of what both take away


def test_swapping_durations_between_a_hospital_and_a_council_step_swaps_their_shares_within_intervals():
    """Random durations: the configs differ only in which side's step has which distribution, so
    the hospital's share in one is the council's in the other, within the paired interval."""
    ward = {"days": 30, "warmup": 5, "admissions": 12}
    a = config_from_dict(parallel("hospital", "process", "social_care", "process", toys.lognormal(20, 15),
                                  toys.lognormal(30, 20), **ward))
    b = config_from_dict(parallel("hospital", "process", "social_care", "process", toys.lognormal(30, 20),
                                  toys.lognormal(20, 15), **ward))
    reps = 10
    rows_a = split(ds.attribute(a, replications=reps, seed=SEED, conventions=["symmetric"]), "symmetric")
    rows_b = split(ds.attribute(b, replications=reps, seed=SEED, conventions=["symmetric"]), "symmetric")

    def share(rows, side):
        return rows[side]["counterfactual"] / rows["total"]["counterfactual"]

    for mine, theirs in (("hospital", "social_care"), ("social_care", "hospital")):
        gap = t_interval([share(ra, mine) - share(rb, theirs) for ra, rb in zip(rows_a, rows_b, strict=True)])
        assert gap["ci_low"] <= 0 <= gap["ci_high"], (mine, gap)
    # The test can tell: within one config the two sides' shares differ clearly.
    inside = t_interval([share(ra, "social_care") - share(ra, "hospital") for ra in rows_a])
    assert inside["ci_low"] > 0.1, inside


def test_a_symmetric_toy_splits_evenly_within_noise():
    config = config_from_dict(parallel("hospital", "process", "social_care", "capacity", toys.exponential(25),
                                       toys.exponential(25)))
    rows = split(ds.attribute(config, replications=12, seed=SEED, conventions=["symmetric"]), "symmetric")
    gap = t_interval([row["hospital"]["counterfactual"] - row["social_care"]["counterfactual"] for row in rows])
    assert gap["ci_low"] <= 0 <= gap["ci_high"], gap
    # Two parallel waits: the longer one decides, so each side removed alone takes away less than
    # its share of what both remove together: a positive interaction.
    assert np.mean([row["interaction"]["counterfactual"] for row in rows]) > 0


# --- exact Shapley for 2, 3 and 4 sides ------------------------------------------------------------------

FOUR_SIDES = toys.ward(
    {"summary": toys.delay("hospital", toys.lognormal(10), code="A"),
     "home": toys.placement("social_care", {"care_home": 1.0}, "Di", search=toys.lognormal(20), search_probability=0.5),
     "rehab": toys.delay("nhs_community", toys.lognormal(15), kind="capacity", code="C", probability=0.6),
     "choice": toys.delay("patient_family", toys.lognormal(25), code="G", probability=0.4),
     "transport": toys.delay("hospital", toys.lognormal(3), necessary_hours=1.0)},
    {"summary": [], "home": [], "rehab": ["summary"], "choice": [], "transport": ["home", "rehab", "choice"]},
    pools={"care_home": toys.pool("social_care", "Di", places=8, stay_days=3.0, referrals=0.5)},
    attribution={"conventions": ["symmetric", "three", "owner"],
                 "custom": {"three": {"base": "symmetric", "owners": {"patient_family": "nhs_community"}}}})
"""Four owners' steps; ``symmetric`` sets 4 sides against each other, ``three`` (patient or family
counted with NHS community care) 3, and ``owner`` 2 (hospital and social-care capacity)."""


def permutation_shapley(players: tuple[str, ...], value: dict[frozenset[str], float]) -> dict[str, float]:
    """Shapley values by their definition: each player's marginal value averaged over all n! orders."""
    orders = list(itertools.permutations(players))
    out = dict.fromkeys(players, 0.0)
    for order in orders:
        before: frozenset[str] = frozenset()
        for player in order:
            out[player] += (value[before | {player}] - value[before]) / len(orders)
            before = before | {player}
    return out


@pytest.fixture(scope="module")
def four_sides() -> ds.Attribution:
    return ds.attribute(config_from_dict(FOUR_SIDES), replications=3, seed=SEED)


@pytest.mark.parametrize(("convention", "players"), [
    ("symmetric", ("hospital", "social_care", "nhs_community", "patient_family")),
    ("three", ("hospital", "social_care", "nhs_community")),
    ("owner", ("hospital", "social_care")),
])
def test_shapley_values_and_residual_make_the_total_for_two_three_and_four_sides(four_sides, convention, players):
    g = game(four_sides, convention)
    assert g.players == players and len(g.runs) == 2 ** len(players)
    for measure in MEASURES:
        for r, rows in enumerate(split(four_sides, convention, measure)):
            assert_adds_up(rows, players)
            d = delays(four_sides, convention, measure, r)
            value = {coalition: d[frozenset()] - delay for coalition, delay in d.items()}
            expected = permutation_shapley(players, value)
            for side in players:
                assert rows[side]["counterfactual"] == pytest.approx(expected[side], rel=1e-9, abs=1e-9)
                assert rows[side]["alone"] == pytest.approx(value[frozenset({side})], rel=1e-12, abs=1e-12)
            everything = frozenset(players)
            assert rows["residual"]["counterfactual"] == pytest.approx(d[everything], rel=1e-12)
            assert rows["interaction"]["counterfactual"] == pytest.approx(
                value[everything] - sum(value[frozenset({p})] for p in players), rel=1e-9, abs=1e-9)


def test_with_two_sides_the_shapley_value_is_the_two_player_formula(four_sides):
    for measure in MEASURES:
        for r, rows in enumerate(split(four_sides, "owner", measure)):
            d = delays(four_sides, "owner", measure, r)
            v = {coalition: d[frozenset()] - delay for coalition, delay in d.items()}
            h, s, hs = frozenset({"hospital"}), frozenset({"social_care"}), frozenset({"hospital", "social_care"})
            assert rows["hospital"]["counterfactual"] == pytest.approx((v[h] + v[hs] - v[s]) / 2, rel=1e-12, abs=1e-12)
            assert rows["social_care"]["counterfactual"] == pytest.approx((v[s] + v[hs] - v[h]) / 2, rel=1e-12, abs=1e-12)


def test_the_residual_keeps_the_necessary_hours(four_sides):
    """With every side removed, transport still takes its necessary hour: the residual of the
    symmetric split is exactly the necessary hours, and they are recorded apart."""
    for r, rows in enumerate(split(four_sides, "symmetric")):
        assert rows["necessary"]["recorded"] > 0
        assert rows[UNATTRIBUTED]["recorded"] == 0.0
        everything = game(four_sides, "symmetric").runs[frozenset(("hospital", "social_care", "nhs_community",
                                                                    "patient_family"))]
        m = four_sides.metrics[everything][r]
        assert m["delayed_bed_days"] == pytest.approx(m["delayed_bed_days_kind_necessary"], rel=1e-12)
        assert rows["residual"]["counterfactual"] == pytest.approx(m["delayed_bed_days"], rel=1e-12)


# --- finer counterfactuals ----------------------------------------------------------------------------

def test_removals_cover_every_step_pool_staff_team_and_the_budget():
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
    assert labels[-1] == "budget:council_budget"
    assert len(labels) == len(set(labels))


def test_an_instant_placement_still_takes_its_place():
    config = short_baseline(days=90, warmup=20)
    base = run_replication(config, 0, seed=2)
    instant = run_replication(config, 0, seed=2, variant=Variant(instant_steps=frozenset({"care_home"})))
    m_base, m_instant = replication_metrics(base), replication_metrics(instant)
    # The handover is gone, but people still search and wait for care-home places.
    assert m_instant["delayed_bed_days_dtoc_Dii"] > 0
    assert m_instant["delayed_bed_days_step_care_home"] < m_base["delayed_bed_days_step_care_home"]
    assert m_instant["delayed_bed_days_item_step_care_home"] == 0.0  # its own work is gone
    assert m_instant["delayed_bed_days_item_pool_nursing_home"] > 0


# --- the dtoc convention and the ledger's reason codes ----------------------------------------------------

def dtoc_unattributed(config) -> tuple[float, float]:
    """Under ``dtoc``: the bed-days recorded against no side plus the necessary hours, and the
    bed-days the ledger codes ``other`` (which the statistic never counted)."""
    m = replication_metrics(run_replication(config, 0, seed=3))
    rows = ds.attribute(config, replications=1, seed=3, conventions=["dtoc"]).sides("dtoc")
    unattributed = rows[UNATTRIBUTED]["recorded"]["mean"] + rows["necessary"]["recorded"]["mean"]
    return unattributed, m["delayed_bed_days_dtoc_other"]


def test_under_dtoc_what_no_side_answers_for_is_what_the_ledger_codes_other():
    unattributed, other = dtoc_unattributed(short_baseline(days=40, warmup=10))
    assert other > 0 and unattributed == pytest.approx(other, rel=1e-9)


def test_under_dtoc_a_team_shared_by_steps_of_two_reasons_follows_the_ledger():
    config = toys.config({"summary": toys.staffed("hospital", "coordinators", toys.lognormal(3), code="other"),
                          "therapy": toys.staffed("hospital", "coordinators", toys.lognormal(3), code="A")},
                         {"summary": [], "therapy": ["summary"]}, staff={"coordinators": toys.team("hospital", 1)})
    unattributed, other = dtoc_unattributed(config)
    assert unattributed == pytest.approx(other, rel=1e-9)
