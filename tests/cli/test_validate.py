"""discharge-sim validate: exit status, what it prints and the files it writes. The cases here are
cut to two short ones; every case at --quick length runs in tests/api/test_commands.py."""

from __future__ import annotations

import csv
import json
from dataclasses import replace

import pytest

from discharge_sim.api import validation as api_validation
from discharge_sim.cli import main
from discharge_sim.experiments import validation
from tests.helpers import BASELINE


@pytest.fixture
def two_short_cases(monkeypatch):
    """Erlang B at an offered load of 85 with three replications, and Little's law in the given config."""
    real = validation.cases

    def short(config, quick=False):
        chosen = real(config, quick=True)
        return [replace(chosen[0], replications=3), next(c for c in chosen if c.name == "littles_law")]

    monkeypatch.setattr(api_validation, "cases", short)


def test_validate_prints_pass_per_case_and_writes_its_files(tmp_path, capsys, two_short_cases):
    config = tmp_path / "short.yaml"
    config.write_text(f"extends: {BASELINE}\nrun: {{days: 40, warmup_days: 10}}\n")
    out = tmp_path / "v"
    assert main(["validate", str(config), "--quick", "--workers", "2", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "2 of 2 case(s) pass" in printed and "FAIL" not in printed
    with (out / "validation.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert [r["case"] for r in rows] == ["erlang_b_85", "littles_law"] and all(r["passed"] == "pass" for r in rows)
    doc = json.loads((out / "validation.json").read_text())
    assert [c["case"] for c in doc["cases"]] == ["erlang_b_85", "littles_law"]
    text = (out / "validation.md").read_text()
    assert "Erlang B" in text and "Bonferroni" in text
    assert (out / "figures" / "validation.png").stat().st_size > 5_000
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "validate" and manifest["quick"] is True and manifest["dependencies"]["simpy"]
    assert manifest["little_config"]["run"]["days"] == 40  # Little's law in the config given


def test_validate_exits_1_when_a_case_fails(tmp_path, monkeypatch, capsys):
    real = validation.cases

    def wrong(config, quick=False):
        case = real(config, quick=True)[0]
        return [replace(case, expected=case.expected * 3, replications=3)]

    monkeypatch.setattr(api_validation, "cases", wrong)
    out = tmp_path / "v"
    assert main(["validate", "--workers", "1", "--no-plots", "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "FAIL" in printed and "FAILED: erlang_b_85" in printed
    assert (out / "validation.csv").exists() and not (out / "figures").exists()  # the evidence is written all the same


def test_every_case_of_the_full_run_is_a_config_within_the_limits():
    """The full run builds every case's config (the quick one is smaller): none may be refused."""
    from discharge_sim.config import load_config

    full = validation.cases(load_config(BASELINE), quick=False)
    assert len(full) == 9
    assert {case.name for case in full} == {case.name for case in validation.cases(load_config(BASELINE), quick=True)}
