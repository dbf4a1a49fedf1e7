"""discharge-sim check: the config as it would run, pool loads, and notes on surges and keys."""

from __future__ import annotations

import yaml

from discharge_sim.cli import main
from discharge_sim.config import read_yaml
from tests.helpers import BASELINE, MMC


def test_check_prints_the_resolved_config_with_defaults(capsys):
    assert main(["check", str(MMC)]) == 0
    resolved = yaml.safe_load(capsys.readouterr().out)
    assert resolved["name"] == "mmc"
    assert resolved["emergency"]["hour_of_day_profile"] == [1.0] * 24  # default filled in


def test_check_prints_an_overlay_resolved(tmp_path, capsys):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"extends: {BASELINE}\nname: s\nhospital: {{beds: 620}}\n")
    assert main(["check", str(scenario)]) == 0
    resolved = yaml.safe_load(capsys.readouterr().out)
    assert resolved["name"] == "s" and resolved["hospital"]["beds"] == 620 and "extends" not in resolved
    baseline_pools = read_yaml(BASELINE)["pools"]
    assert set(resolved["pools"]) == set(baseline_pools)  # the rest comes from the baseline
    assert resolved["pools"]["nursing_home"]["places"] == baseline_pools["nursing_home"]["places"]


def test_check_estimates_pool_loads(capsys):
    assert main(["check", str(BASELINE)]) == 0
    out = capsys.readouterr().out
    assert "pool nursing_home:" in out and "community" in out and "hospital" in out


def test_check_flags_an_overloaded_pool(tmp_path, capsys):
    raw = read_yaml(BASELINE)
    raw["pools"]["nursing_home"]["places"] = 100
    path = tmp_path / "tight.yaml"
    path.write_text(yaml.safe_dump(raw))
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "pool nursing_home: 100 places" in out and "over capacity" in out


def test_check_notes_a_surge_outside_the_measured_days(tmp_path, capsys):
    path = tmp_path / "late.yaml"
    path.write_text(f"extends: {BASELINE}\nrun: {{days: 120, warmup_days: 30}}\n"
                    "emergency: {surges: [{start_day: 304, days: 84, factor: 1.1}]}\n")
    assert main(["check", str(path)]) == 0
    assert "the surge on days 304-388 lies outside the measured days 30-120" in capsys.readouterr().out


def test_an_unknown_step_key_is_explained_by_the_steps_type(tmp_path, capsys):
    path = tmp_path / "odd.yaml"
    path.write_text(f"extends: {BASELINE}\nsteps: {{medicines: {{sessions: {{every_weeks: 2}}}}}}\n")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "steps.medicines.sessions: unknown key for a staffed step (sessions belongs to session steps)" in err
    assert "allowed here: assessment, bounce_back, dtoc_code, dtoc_organisation, duration, kind, necessary_hours, owner, probability, self_funders_skip, staff, type" in err


def test_check_lists_each_conventions_sides_item_by_item_and_the_benchmarks(tmp_path, capsys):
    assert main(["check", str(BASELINE)]) == 0
    notes = [line for line in capsys.readouterr().out.splitlines() if line.startswith("# convention ")]
    assert [line.split()[2] for line in notes] == ["symmetric", "owner", "dtoc"]
    owner = notes[1]
    assert "hospital: step:discharge_summary, step:medicines, step:therapy_assessment, step:transport" in owner
    assert "social_care: step:housing, staff:social_workers" in owner and "unattributed: step:equipment" in owner
    assert "unattributed: step:discharge_summary, step:medicines, step:transport, staff:pharmacists" in notes[2]
    path = tmp_path / "mine.yaml"
    path.write_text(f"extends: {BASELINE}\nattribution:\n  conventions: [mine]\n  benchmark: ~\n"
                    "  custom: {mine: {base: owner, owners: {social_care.process: social_care}}}\n")
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    (mine,) = [line for line in out.splitlines() if line.startswith("# convention ")]
    assert mine.startswith("# convention mine") and "step:social_work_assessment" in mine.split("unattributed:")[0]
    assert "# benchmark for" not in out


def test_check_counts_a_pools_places_after_providers_leave(capsys):
    from tests.helpers import CONFIGS

    assert main(["check", str(CONFIGS / "scenarios" / "provider_failure.yaml")]) == 0
    out = capsys.readouterr().out
    assert "# pool nursing_home: 525 places (after providers leave); expected load" in out
    assert "# pool residential_home:" in out and "after providers leave" not in out.split("# pool residential_home:")[1].split("\n")[0]
