"""Conventions without running anything: which side each item of a config counts against under
the shipped conventions and a config's own, the switches that remove a coalition of sides or bring
it to its benchmark, the plan of runs, and config errors naming the key."""

from __future__ import annotations

import pytest

from discharge_sim.analysis.attribution import (
    AS_CONFIGURED,
    attribution_plan,
    benchmark_scenario,
    removal_variant,
)
from discharge_sim.analysis.sides import MOST_PLAYERS, config_items, resolve
from discharge_sim.config import ConfigError, config_from_dict, load_config
from discharge_sim.model.distributions import Shape
from discharge_sim.vocabulary import CONVENTIONS, DAY_NAMES, SIDES, UNATTRIBUTED
from tests import toys
from tests.helpers import BASELINE

HOSPITAL_ITEMS = {"step:discharge_summary", "step:medicines", "step:therapy_assessment", "step:transport",
                  "staff:pharmacists", "staff:therapists"}
SOCIAL_CARE_CAPACITY = {"step:housing", "staff:social_workers", "pool:reablement", "pool:home_care",
                        "pool:residential_home", "pool:nursing_home", "budget:council_budget"}
SOCIAL_CARE_PROCESS = {"step:social_work_assessment", "step:care_needs_review", "step:funding_panel",
                       "step:home_support", "step:care_home"}
NHS_COMMUNITY = {"step:equipment", "step:intermediate_care_bed", "pool:intermediate_care"}


@pytest.fixture(scope="module")
def base():
    return load_config(BASELINE)


def test_the_baseline_ships_the_three_conventions_symmetric_first(base):
    assert base.attribution.conventions == list(CONVENTIONS) == ["symmetric", "owner", "dtoc"]
    keys = [item.key for item in config_items(base)]
    assert set(keys) == HOSPITAL_ITEMS | SOCIAL_CARE_CAPACITY | SOCIAL_CARE_PROCESS | NHS_COMMUNITY | {"step:family_choice"}
    assert keys[-1] == "budget:council_budget"


def test_symmetric_counts_every_item_against_its_owner(base):
    convention = resolve(base, "symmetric")
    owners = {item.key: item.owner for item in config_items(base)}
    assert convention.sides == owners
    assert convention.players == ("hospital", "social_care", "nhs_community", "patient_family")
    assert set(convention.items_of("hospital")) == HOSPITAL_ITEMS
    assert set(convention.items_of("social_care")) == SOCIAL_CARE_CAPACITY | SOCIAL_CARE_PROCESS


def test_owner_sets_the_hospital_against_social_care_capacity_only(base):
    convention = resolve(base, "owner")
    assert convention.players == ("hospital", "social_care")
    assert set(convention.items_of("hospital")) == HOSPITAL_ITEMS
    assert set(convention.items_of("social_care")) == SOCIAL_CARE_CAPACITY
    assert set(convention.items_of(UNATTRIBUTED)) == SOCIAL_CARE_PROCESS | NHS_COMMUNITY | {"step:family_choice"}
    assert "not even-handed" in convention.description


def test_dtoc_follows_the_responsible_organisation_and_leaves_reason_other_out(base):
    sides = resolve(base, "dtoc").sides
    # Hospital-internal process (reason other) was never counted.
    for key in ("step:discharge_summary", "step:medicines", "step:transport", "staff:pharmacists"):
        assert sides[key] == UNATTRIBUTED, key
    # The NHS's: hospital assessment (A), community care (C, F) and a patient's choice in an NHS bed (G).
    for key in ("step:therapy_assessment", "staff:therapists", "step:equipment", "step:intermediate_care_bed",
                "pool:intermediate_care", "step:family_choice"):
        assert sides[key] == "nhs", key
    for key in SOCIAL_CARE_CAPACITY | SOCIAL_CARE_PROCESS:
        assert sides[key] == "social_care", key
    assert resolve(base, "dtoc").players == ("social_care", "nhs")


def test_a_custom_convention_starts_from_its_base_and_single_items_win(base):
    config = load_config(BASELINE, {"attribution.custom": {"mine": {
        "base": "owner", "description": "social care's process on its side too",
        "owners": {"social_care.process": "social_care", "nhs_community": "hospital"},
        "steps": {"transport": "patient_family", "funding_panel": "unattributed"},
        "staff": {"therapists": "other"}, "pools": {"intermediate_care": "social_care"}}}})
    convention = resolve(config, "mine")
    assert convention.description == "social care's process on its side too"
    sides = convention.sides
    assert sides["step:social_work_assessment"] == "social_care"   # owner.kind
    assert sides["step:equipment"] == "hospital"                   # owner
    assert sides["pool:intermediate_care"] == "social_care"        # the single item wins over its owner's
    assert sides["step:transport"] == "patient_family" and sides["step:funding_panel"] == UNATTRIBUTED
    assert sides["staff:therapists"] == "other"
    assert sides["step:family_choice"] == UNATTRIBUTED             # as the base says
    assert convention.players == ("hospital", "social_care", "patient_family", "other")
    assert resolve(config, "mine").players == tuple(s for s in SIDES if s in convention.players)


def test_a_side_owning_only_items_no_pathway_reaches_is_not_a_player():
    raw = toys.ward({"used": toys.delay("hospital", toys.fixed(5)), "unused": toys.delay("social_care", toys.fixed(5))},
                    {"used": []})
    config = config_from_dict(raw)
    assert resolve(config, "symmetric").sides["step:unused"] == "social_care"
    assert resolve(config, "symmetric").players == ("hospital",)


def test_at_most_six_sides_are_set_against_each_other():
    steps = {f"s{i}": toys.delay("hospital", toys.fixed(1)) for i in range(7)}
    raw = toys.ward(steps, {name: [] for name in steps},
                    attribution={"conventions": ["symmetric"],
                                 "custom": {"seven": {"steps": dict(zip(steps, SIDES, strict=True))}}})
    config = config_from_dict(raw)
    assert len(SIDES) == 7 == MOST_PLAYERS + 1
    with pytest.raises(ValueError, match=r"sets 7 sides against each other .* at most 6"):
        resolve(config, "seven")


def test_an_unknown_convention_is_refused_naming_the_known_ones(base):
    with pytest.raises(ValueError, match="unknown convention 'fair'; known: symmetric, owner, dtoc"):
        resolve(base, "fair")
    with pytest.raises(ValueError, match="unknown convention 'fair'"):
        attribution_plan(base, ["symmetric", "fair"])
    with pytest.raises(ValueError, match="against 'perfection': removal or benchmark"):
        attribution_plan(base, ["owner"], against="perfection")


# --- the switches and the plan -------------------------------------------------------------------------

def test_removing_a_side_removes_exactly_its_items(base):
    hospital = removal_variant(resolve(base, "owner"), frozenset({"hospital"}))
    assert hospital.instant_steps == {"discharge_summary", "medicines", "therapy_assessment", "transport"}
    assert hospital.unlimited_staff == {"pharmacists", "therapists"}
    assert not hospital.unlimited_pools and not hospital.unlimited_budget
    social = removal_variant(resolve(base, "owner"), frozenset({"social_care"}))
    assert social.instant_steps == {"housing"}  # a shortage modelled as a duration is capacity
    assert social.unlimited_pools == {"reablement", "home_care", "residential_home", "nursing_home"}
    assert social.unlimited_staff == {"social_workers"} and social.unlimited_budget
    symmetric = removal_variant(resolve(base, "symmetric"), frozenset({"social_care"}))
    assert symmetric.instant_steps == {s.split(":")[1] for s in SOCIAL_CARE_PROCESS} | {"housing"}
    both = removal_variant(resolve(base, "owner"), frozenset({"hospital", "social_care"}))
    assert both == hospital.merge(social)
    assert removal_variant(resolve(base, "owner"), frozenset()) == type(both)()


def test_the_plan_runs_every_coalition_once_and_shares_runs_between_conventions(base):
    plan = attribution_plan(base)
    labels = [label for label, _, _ in plan.scenarios]
    assert labels[0] == AS_CONFIGURED and len(labels) == len(set(labels))
    symmetric, owner, dtoc = plan.games
    assert len(symmetric.runs) == 16 and len(owner.runs) == 4 and len(dtoc.runs) == 4
    # owner's hospital is symmetric's hospital: the same switches, run once.
    assert owner.runs[frozenset({"hospital"})] == symmetric.runs[frozenset({"hospital"})] == "symmetric:without:hospital"
    assert owner.runs[frozenset({"social_care"})] == "owner:without:social_care"
    variants = [variant for _, _, variant in plan.scenarios]
    assert len(variants) == len(set(variants)) == 20
    for game in plan.games:
        for coalition, label in game.runs.items():
            scenario = next(v for name, _, v in plan.scenarios if name == label)
            assert scenario == removal_variant(game.convention, coalition)


def test_a_benchmark_brings_a_side_to_what_good_peers_achieve(base):
    convention = resolve(base, "symmetric")
    bench = base.attribution.benchmark["social_care"]
    config, variant = benchmark_scenario(base, convention, frozenset({"social_care"}))
    assert not variant.instant_steps and not variant.unlimited_pools and not variant.unlimited_staff
    # Sessions every day, at the weekday chance.
    panel = config.steps["funding_panel"].sessions
    assert panel.days == list(DAY_NAMES) and panel.weekend_probability == panel.weekday_probability == 0.85
    # Durations capped at the quantile, for social care's steps only.
    caps = dict(variant.duration_caps)
    assert set(caps) == {"social_work_assessment", "care_needs_review", "home_support", "housing", "care_home"}
    for name, cap in caps.items():
        step = base.steps[name]
        work = getattr(step, "duration", None) or step.handover
        assert cap == Shape.of(work).quantile(bench.duration_quantile)
    searches = {(s, p): h for s, p, h in variant.search_caps}
    assert searches[("care_home", "nursing_home")] == Shape.of(base.steps["care_home"].search).quantile(0.25)
    assert {p for _, p in searches} == {"reablement", "home_care", "residential_home", "nursing_home"}
    # Places for the offered load to be 85% of them, never fewer than configured; not the NHS's pool.
    for name, pool in config.pools.items():
        assert pool.places >= base.pools[name].places
    assert config.pools["nursing_home"].places > base.pools["nursing_home"].places
    assert config.pools["intermediate_care"] == base.pools["intermediate_care"]
    assert config.staff == base.staff and config.hospital == base.hospital


def test_a_benchmark_plan_leaves_out_sides_with_no_benchmark():
    config = load_config(BASELINE, {"attribution.benchmark": {"hospital": {"duration_quantile": 0.5}}})
    (game,) = attribution_plan(config, ["symmetric"], against="benchmark").games
    assert game.players == ("hospital",) and game.left_out == ("social_care", "nhs_community", "patient_family")
    assert game.runs[frozenset({"hospital"})] == "symmetric:benchmark:hospital"
    none = load_config(BASELINE, {"attribution.benchmark": {}})
    (empty,) = attribution_plan(none, ["symmetric"], against="benchmark").games
    assert empty.players == () and list(empty.runs) == [frozenset()]


# --- config errors naming the key ---------------------------------------------------------------------------

@pytest.mark.parametrize(("attribution", "words"), [
    ({"conventions": ["symmetric", "fair"]},
     ["attribution", "conventions", "unknown convention 'fair'", "known: symmetric, owner, dtoc"]),
    ({"conventions": ["owner", "owner"]}, ["attribution", "conventions", "each convention once"]),
    ({"conventions": []}, ["attribution.conventions"]),
    ({"custom": {"dtoc": {"base": "symmetric"}}}, ["attribution", "custom convention 'dtoc'", "shipped"]),
    ({"custom": {"My-Way": {}}}, ["attribution", "custom convention 'My-Way'", "lower-case"]),
    ({"custom": {"mine": {"base": "fair"}}}, ["attribution.custom.mine.base", "'fair'"]),
    ({"custom": {"mine": {"steps": {"senior_review": "hospital"}}}},
     ["attribution.custom.mine.steps", "unknown step 'senior_review'", "discharge_summary"]),
    ({"custom": {"mine": {"staff": {"robots": "hospital"}}}},
     ["attribution.custom.mine.staff", "unknown staff team 'robots'", "pharmacists"]),
    ({"custom": {"mine": {"pools": {"hotel": "social_care"}}}},
     ["attribution.custom.mine.pools", "unknown pool 'hotel'", "nursing_home"]),
    ({"custom": {"mine": {"owners": {"council": "hospital"}}}},
     ["attribution.custom.mine.owners", "'council' is not an owner"]),
    ({"custom": {"mine": {"owners": {"social_care.necessary": "hospital"}}}},
     ["attribution.custom.mine.owners", "'social_care.necessary'", "kind process or capacity"]),
    ({"custom": {"mine": {"steps": {"transport": "council"}}}}, ["attribution.custom.mine.steps.transport", "'council'"]),
    ({"custom": {"mine": {"colour": "red"}}}, ["attribution.custom.mine.colour", "unknown key"]),
    ({"benchmark": {"unattributed": {"duration_quantile": 0.5}}}, ["attribution", "benchmark", "'unattributed'"]),
    ({"benchmark": {"council": {"duration_quantile": 0.5}}}, ["attribution.benchmark", "council"]),
    ({"benchmark": {"hospital": {"duration_quantile": 0.0}}}, ["attribution.benchmark.hospital.duration_quantile"]),
    ({"benchmark": {"hospital": {"occupancy": 1.2}}}, ["attribution.benchmark.hospital.occupancy"]),
], ids=["unknown convention", "twice", "none", "custom named as shipped", "custom name", "unknown base",
        "unknown step", "unknown staff", "unknown pool", "bad owner", "bad owner kind", "bad side", "unknown key",
        "benchmark for unattributed", "benchmark for no side", "quantile 0", "occupancy above 1"])
def test_attribution_errors_name_the_key(attribution, words):
    with pytest.raises(ConfigError) as err:
        load_config(BASELINE, {f"attribution.{k}": v for k, v in attribution.items()})
    message = str(err.value)
    for word in words:
        assert word in message, (word, message)


def test_a_custom_council_budget_needs_a_budget():
    with pytest.raises(ConfigError, match=r"attribution\.custom\.mine\.council_budget: this config has no "
                                          r"finance\.council_budget"):
        load_config(BASELINE, {"finance.council_budget": None, "attribution.custom": {"mine": {"council_budget": "hospital"}}})
    config = load_config(BASELINE, {"attribution.custom": {"mine": {"council_budget": "hospital"}},
                                    "attribution.conventions": ["mine", "symmetric"]})
    assert resolve(config, "mine").sides["budget:council_budget"] == "hospital"
    assert [g.convention.name for g in attribution_plan(config).games] == ["mine", "symmetric"]


def test_sessions_every_day_means_every_week_too():
    raw = toys.ward({"panel": toys.session("social_care", [14], code="B", days=["tue"])}, {"panel": []},
                    attribution={"benchmark": {"social_care": {"sessions_every_day": True}}})
    raw["steps"]["panel"]["sessions"].update(every_weeks=2, weekday_probability=0.8, weekend_probability=0.0)
    config = config_from_dict(raw)
    benchmarked, _ = benchmark_scenario(config, resolve(config, "symmetric"), frozenset({"social_care"}))
    sessions = benchmarked.steps["panel"].sessions
    assert sessions.days == list(DAY_NAMES) and sessions.weekend_probability == 0.8
    assert sessions.every_weeks == 1
