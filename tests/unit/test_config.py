"""Configs without running them: the shipped ones load, overrides and overlays resolve, the
scenario library changes only what each file names, sweep grids, and errors naming the field.
(Bad configs given to the command line: tests/cli/test_bad_config.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from discharge_sim.config import (
    ConfigError,
    apply_overrides,
    config_from_dict,
    config_to_dict,
    flatten,
    load_config,
    overlay,
    read_config,
    read_yaml,
)
from discharge_sim.experiments.specification import sweep_scenarios
from tests.helpers import BASELINE, SCENARIOS, SHIPPED


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_config_loads_under_its_file_name(path: Path):
    assert load_config(path).name == path.stem


def test_the_library_has_the_scenarios():
    assert {p.stem for p in SCENARIOS} >= {"seven_day_working", "trusted_assessor", "discharge_to_assess",
                                           "more_home_care", "more_care_home_beds", "faster_hospital_admin",
                                           "council_budget_cut", "pooled_budget", "winter_surge"}


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_each_scenario_changes_only_what_it_names(path: Path):
    """(That each one runs, and what it gives, is pinned by the back tests.)"""
    written = read_yaml(path)
    assert written.pop("extends") == "../baseline.yaml"
    named = set(flatten(written))
    base = flatten(config_to_dict(load_config(BASELINE)))
    mine = flatten(config_to_dict(load_config(path)))
    differing = {k for k in set(base) | set(mine) if base.get(k) != mine.get(k)}
    # Sections the file adds (a new pool or step) bring their defaults with them.
    new = {".".join(n.split(".")[:i]) for n in named for i in range(1, n.count(".") + 1)
           if not any(b.startswith(".".join(n.split(".")[:i]) + ".") for b in base)}
    for key in differing:
        assert any(key == n or key.startswith(n + ".") or n.startswith(key + ".") for n in named) or \
            any(key.startswith(root + ".") for root in new), key
    assert "name" in differing and len(differing) >= 2


def test_overrides_are_validated_and_pathway_keys_resolve():
    config = load_config(BASELINE, {"run.days": 90, "pathways.0.transport": ["discharge_summary"]})
    assert config.run.days == 90 and config.pathways[0]["transport"] == ["discharge_summary"]
    with pytest.raises(ConfigError, match=r"run: warmup_days \(60\.0\) must be shorter than days \(30\.0\)"):
        load_config(BASELINE, {"run.days": 30})


def test_initial_residents_do_not_scale_with_places():
    """More places, same people on day 0: a capacity scenario starts with more free places."""
    base = load_config(BASELINE)
    more = load_config(BASELINE, {"pools.nursing_home.places": 700})
    assert base.pools["nursing_home"].initial_count == more.pools["nursing_home"].initial_count == 579
    fewer = load_config(BASELINE, {"pools.nursing_home.places": 500})
    assert fewer.pools["nursing_home"].initial_count == 500  # capped at places
    raw = read_yaml(BASELINE)
    del raw["pools"]["nursing_home"]["initial_residents"]
    raw = apply_overrides(raw, {"pools.nursing_home.initial_occupancy": 0.4})
    assert config_from_dict(raw).pools["nursing_home"].initial_count == 234  # a share scales with places


# --- overlays: a file that extends another -------------------------------------------------------

def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_an_overlay_changes_only_what_it_names(tmp_path):
    scenario = _write(tmp_path, "more_homes.yaml", f"""\
extends: {BASELINE}
name: more_homes
pools:
  nursing_home: {{places: 640}}
steps:
  funding_panel:
    sessions: {{days: [tue, fri]}}
""")
    base = flatten(config_to_dict(load_config(BASELINE)))
    changed = flatten(config_to_dict(load_config(scenario)))
    differing = {k for k in set(base) | set(changed) if base.get(k) != changed.get(k)}
    assert differing == {"name", "pools.nursing_home.places", "steps.funding_panel.sessions.days"}


def test_overlays_chain_merge_deeply_replace_lists_and_delete_with_null(tmp_path):
    base = _write(tmp_path, "base.yaml", "a: {b: 1, c: [1, 2], d: {e: 5}}\nkeep: 1\n")
    middle = _write(tmp_path, "middle.yaml", "extends: base.yaml\na: {c: [3]}\n")
    top = _write(tmp_path, "top.yaml", "extends: ./middle.yaml\na: {d: {f: 6}}\nkeep: ~\n")
    assert read_config(base) == {"a": {"b": 1, "c": [1, 2], "d": {"e": 5}}, "keep": 1}
    assert read_config(middle) == {"a": {"b": 1, "c": [3], "d": {"e": 5}}, "keep": 1}
    assert read_config(top) == {"a": {"b": 1, "c": [3], "d": {"e": 5, "f": 6}}}
    assert overlay({"x": {"y": 1}}, {"x": 2}) == {"x": 2}


def test_a_pool_can_switch_from_a_count_to_a_share_of_residents(tmp_path):
    scenario = _write(tmp_path, "s.yaml", f"""\
extends: {BASELINE}
pools:
  nursing_home: {{initial_residents: ~, initial_occupancy: 0.9}}
""")
    pool = load_config(scenario).pools["nursing_home"]
    assert pool.initial_residents is None and pool.initial_occupancy == 0.9


def test_a_misspelt_extends_is_an_unknown_key(tmp_path):
    with pytest.raises(ConfigError, match=r"unknown key; allowed here: .*extends"):
        load_config(_write(tmp_path, "t.yaml", f"extend: {BASELINE}\n"))


# --- finance and surges ----------------------------------------------------------------------------

@pytest.mark.parametrize("overrides, words", [
    ({"finance.council_budget.pools": ["care_homes"]}, ["finance.council_budget.pools", "care_homes"]),
    ({"finance.council_budget.pools": ["intermediate_care"]}, ["intermediate_care", "'nhs'"]),
    ({"finance.pooled_budget": {"nhs_share": 0.5}}, ["pooled_budget", "council_budget"]),
    ({"emergency.surges": [{"start_day": 10, "days": 20, "factor": 1.1},
                           {"start_day": 25, "days": 5, "factor": 1.2}]}, ["surges overlap", "day 25"]),
    ({"pools.home_care.payer": "charity"}, ["pools.home_care.payer", "charity"]),
])
def test_finance_config_errors_name_the_field(overrides, words):
    with pytest.raises(ConfigError) as err:
        load_config(BASELINE, overrides)
    for word in words:
        assert word in str(err.value)


# --- sweep grids -------------------------------------------------------------------------------------

def test_sweep_grid_is_the_full_product_in_order():
    raw = read_yaml(BASELINE)
    points = sweep_scenarios(raw, [("pools.nursing_home.places", [500, 600]),
                                   ("hospital.declaration.weekend_probability", [0.2, 0.4, 0.6])])
    assert len(points) == 6
    assert points[1].settings == (("pools.nursing_home.places", 500),
                                  ("hospital.declaration.weekend_probability", 0.4))
    assert points[5].config.pools["nursing_home"].places == 600
    assert points[5].config.hospital.declaration.weekend_probability == 0.6


def test_a_bad_sweep_value_names_the_point_and_the_field():
    raw = read_yaml(BASELINE)
    with pytest.raises(ConfigError) as info:
        sweep_scenarios(raw, [("pools.nursing_home.places", [500, -1])])
    message = str(info.value)
    assert "pools.nursing_home.places=-1" in message and "pools.nursing_home.places = -1" in message
    with pytest.raises(ConfigError, match="no such setting"):
        sweep_scenarios(raw, [("pools.no_such_pool.places", [1])])
