"""Configs that extend another: a scenario file holds only what it changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from discharge_sim.cli import main
from discharge_sim.config import ConfigError, config_to_dict, flatten, load_config, overlay, read_config

from .conftest import BASELINE


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_an_overlay_changes_only_what_it_names(tmp_path):
    scenario = write(tmp_path, "more_homes.yaml", f"""\
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
    base = write(tmp_path, "base.yaml", "a: {b: 1, c: [1, 2], d: {e: 5}}\nkeep: 1\n")
    middle = write(tmp_path, "middle.yaml", "extends: base.yaml\na: {c: [3]}\n")
    top = write(tmp_path, "top.yaml", "extends: ./middle.yaml\na: {d: {f: 6}}\nkeep: ~\n")
    assert read_config(base) == {"a": {"b": 1, "c": [1, 2], "d": {"e": 5}}, "keep": 1}
    assert read_config(middle) == {"a": {"b": 1, "c": [3], "d": {"e": 5}}, "keep": 1}
    assert read_config(top) == {"a": {"b": 1, "c": [3], "d": {"e": 5, "f": 6}}}
    assert overlay({"x": {"y": 1}}, {"x": 2}) == {"x": 2}


def test_a_pool_can_switch_from_a_count_to_a_share_of_residents(tmp_path):
    scenario = write(tmp_path, "s.yaml", f"""\
extends: {BASELINE}
pools:
  nursing_home: {{initial_residents: ~, initial_occupancy: 0.9}}
""")
    pool = load_config(scenario).pools["nursing_home"]
    assert pool.initial_residents is None and pool.initial_occupancy == 0.9


@pytest.mark.parametrize(("text", "message"), [
    ("extends: nowhere.yaml\nname: x\n", "extends: nowhere.yaml: no such config file"),
    ("extends: loop.yaml\nname: x\n", "extend each other in a circle"),
    ("extends: [a, b]\nname: x\n", "extends = ['a', 'b']: expected the path"),
    (f"extends: {BASELINE}\nhospital: {{beds: -1}}\n", "hospital.beds = -1"),
])
def test_bad_overlays_exit_2_naming_the_problem(tmp_path, capsys, text, message):
    path = write(tmp_path, "loop.yaml", text)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_check_prints_the_overlay_resolved(tmp_path, capsys):
    scenario = write(tmp_path, "s.yaml", f"extends: {BASELINE}\nname: s\nhospital: {{beds: 620}}\n")
    assert main(["check", str(scenario)]) == 0
    out = capsys.readouterr().out
    assert "beds: 620" in out and "name: s" in out and "extends" not in out.split("\n", 3)[-1]
    with pytest.raises(ConfigError, match=r"unknown key; allowed here: .*extends"):
        load_config(write(tmp_path, "t.yaml", f"extend: {BASELINE}\n"))
