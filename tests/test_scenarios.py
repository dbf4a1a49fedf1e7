"""The scenario library: each file extends the baseline, changes only what it names, and runs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.cli import main
from discharge_sim.config import (
    apply_overrides,
    config_from_dict,
    config_to_dict,
    flatten,
    load_config,
    read_yaml,
)
from discharge_sim.model.replication import run_replication
from discharge_sim.vocabulary import OWNERS

from .conftest import BASELINE, ROOT

SCENARIOS = sorted((ROOT / "configs" / "scenarios").glob("*.yaml"))
SHORT = {"run.days": 40, "run.warmup_days": 10}


def test_the_library_has_the_scenarios():
    assert {p.stem for p in SCENARIOS} >= {"seven_day_working", "trusted_assessor", "discharge_to_assess",
                                           "more_home_care", "more_care_home_beds", "faster_hospital_admin",
                                           "council_budget_cut", "pooled_budget", "winter_surge"}


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_each_scenario_changes_only_what_it_names_and_runs(path: Path):
    written = read_yaml(path)
    assert written.pop("extends") == "../baseline.yaml"
    named = set(flatten(written))
    base = flatten(config_to_dict(load_config(BASELINE)))
    config = load_config(path)
    mine = flatten(config_to_dict(config))
    differing = {k for k in set(base) | set(mine) if base.get(k) != mine.get(k)}
    # Sections the file adds (a new pool or step) bring their defaults with them.
    new = {".".join(n.split(".")[:i]) for n in named for i in range(1, n.count(".") + 1)
           if not any(b.startswith(".".join(n.split(".")[:i]) + ".") for b in base)}
    for key in differing:
        assert any(key == n or key.startswith(n + ".") or n.startswith(key + ".") for n in named) or \
            any(key.startswith(root + ".") for root in new), key
    assert "name" in differing and len(differing) >= 2
    short = config_from_dict(apply_overrides(config_to_dict(config), SHORT))
    m = replication_metrics(run_replication(short, 0, seed=1))
    assert m["discharges"] > 0 and m["delayed_bed_days"] > 0


def _weekend_hospital_days(config, reps=3):
    """Hospital-internal delayed bed-days of patients found fit on a Friday to Sunday, per replication."""
    out = []
    hospital = OWNERS.index("hospital")
    for r in range(reps):
        result = run_replication(config, r, seed=17)
        ready = result.patients["ready"]
        s = result.segments
        weekday = (np.floor(ready[s["patient"]] / 24) % 7).astype(int)
        chosen = (s["owner"] == hospital) & np.isin(weekday, (4, 5, 6)) & (s["start"] >= result.warmup_hours)
        out.append(float((s["end"][chosen] - s["start"][chosen]).sum() / 24))
    return np.asarray(out)


def test_seven_day_working_lowers_weekend_hospital_delay():
    overrides = {"run.days": 120, "run.warmup_days": 30}
    base = config_from_dict(apply_overrides(config_to_dict(load_config(BASELINE)), overrides))
    seven = config_from_dict(apply_overrides(
        config_to_dict(load_config(ROOT / "configs" / "scenarios" / "seven_day_working.yaml")), overrides))
    before, after = _weekend_hospital_days(base), _weekend_hospital_days(seven)
    assert np.all(after < before), (before, after)  # paired replication by replication
    assert after.mean() < 0.9 * before.mean()


def test_compare_of_the_whole_library_gives_the_policy_page(tmp_path, capsys):
    out = tmp_path / "policy"
    assert main(["compare", str(BASELINE), *map(str, SCENARIOS), "--days", "40", "--warmup-days", "10",
                 "--replications", "2", "--seed", "3", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Policy comparison against 'baseline'" in printed and "per bed-day avoided" in printed
    with (out / "policy.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert [r["scenario"] for r in rows] == [p.stem for p in SCENARIOS]
    summary = json.loads((out / "summary.json").read_text())
    for row in rows:
        d = summary["differences"][row["scenario"]]
        for key in ("delayed_bed_days_hospital", "delayed_bed_days_social_care", "boarding_hours",
                    "cancelled_electives", "delayed_bed_day_cost_gbp", "council_spend_gbp"):
            assert float(row[f"{key}_difference"]) == pytest.approx(d[key]["mean"], rel=1e-9, abs=1e-6)
    figures = json.loads((out / "figures" / "figures.json").read_text())
    assert figures[0]["name"] == "policy" and (out / "figures" / "policy.png").stat().st_size > 10_000
