"""discharge-sim validate: the queueing formulas, the pass rule, the command's files and exit
status; and run --from-manifest reproducing a run byte for byte."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import replace
from pathlib import Path

import pytest

from discharge_sim.analysis.theory import erlang_b, erlang_c, mmc_mean_wait, tandem_with_blocking
from discharge_sim.api import validation as api_validation
from discharge_sim.cli import main
from discharge_sim.config import load_config
from discharge_sim.experiments import validation
from discharge_sim.experiments.validation import Case, judge

from .conftest import BASELINE


def test_formulas_give_known_values():
    assert erlang_b(2, 1.0) == pytest.approx(0.2)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    # The values the issue quotes: one ready patient a day, 20-day care, 22 and 25 places.
    assert mmc_mean_wait(22, 1.0, 1 / 20) == pytest.approx(5.68, abs=0.005)
    assert mmc_mean_wait(25, 1.0, 1 / 20) == pytest.approx(0.836, abs=0.0005)


def test_tandem_reduces_to_erlang_b_without_blocking_and_blocks_more_with_fewer_places():
    roomy = tandem_with_blocking(2.0, 0.25, 10, 0.5, 60)
    assert roomy["turned_away"] == pytest.approx(erlang_b(10, 8.0), abs=1e-12)
    assert roomy["mean_blocked"] == pytest.approx(0.0, abs=1e-9)
    tight = [tandem_with_blocking(2.0, 0.25, 10, 0.5, places) for places in (6, 4, 2)]
    assert tight[0]["mean_blocked"] < tight[1]["mean_blocked"] < tight[2]["mean_blocked"]
    assert tight[0]["turned_away"] < tight[1]["turned_away"] < tight[2]["turned_away"]
    # Little's law inside the chain: mean delay x admitted rate = mean blocked.
    t = tight[1]
    assert t["mean_delay"] * 2.0 * (1 - t["turned_away"]) == pytest.approx(t["mean_blocked"])


def _case(expected, rule="interval"):
    config = load_config(BASELINE)
    return Case("c", "a quantity", "a source", expected, config, "delayed_beds", 5, rule=rule)


def test_judge_passes_a_value_inside_the_adjusted_interval_only():
    values = [1.0, 1.1, 0.9, 1.05, 0.95]
    assert judge(_case(1.0), values, 8)["passed"]
    assert not judge(_case(1.5), values, 8)["passed"]
    row = judge(_case(1.0), values, 8)
    assert row["pass_low"] < row["ci_low"] < row["ci_high"] < row["pass_high"]  # Bonferroni widens it
    assert judge(_case(1.0, "exact"), [1.0, 1.0 + 1e-9], 8)["passed"]
    assert not judge(_case(1.0, "exact"), [1.0, 1.001], 8)["passed"]
    assert not judge(_case(1.0), [math.nan] * 5, 8)["passed"]


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("validate") / "v"
    status = main(["validate", "--quick", "--workers", "2", "--out", str(out), "--quiet"])
    return status, out


def test_validate_quick_passes_every_case_and_writes_its_files(quick):
    status, out = quick
    assert status == 0
    with (out / "validation.csv").open() as f:
        rows = list(csv.DictReader(f))
    names = [r["case"] for r in rows]
    assert names == ["erlang_b_85", "erlang_b_90", "erlang_b_95", "erlang_c_beds", "mmc_care_places_22",
                     "mmc_care_places_25", "tandem_turned_away", "tandem_blocked_beds", "littles_law"]
    assert all(r["passed"] == "pass" for r in rows)
    doc = json.loads((out / "validation.json").read_text())
    assert [c["case"] for c in doc["cases"]] == names
    text = (out / "validation.md").read_text()
    assert "Erlang B" in text and "Bonferroni" in text
    assert (out / "figures" / "validation.png").stat().st_size > 5_000
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "validate" and manifest["dependencies"]["simpy"]


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
    assert (out / "validation.csv").exists()  # the evidence is written all the same


def test_validate_refuses_an_existing_folder(tmp_path, capsys):
    assert main(["validate", "--quick", "--out", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err


# --- reproducing a run from its manifest ---------------------------------------------------------

def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "manifest.json"}


def test_run_from_manifest_reproduces_the_run_byte_for_byte(tmp_path):
    first = tmp_path / "first"
    assert main(["run", str(BASELINE), "--days", "45", "--warmup-days", "10", "--replications", "2", "--seed", "11",
                 "--no-detail", "--no-plots", "--workers", "2", "--quiet", "--out", str(first)]) == 0
    manifest = json.loads((first / "manifest.json").read_text())
    assert manifest["seed"] == 11 and manifest["version"] and manifest["config_sha256"]
    assert {"simpy", "numpy", "pydantic"} <= set(manifest["dependencies"])
    again = tmp_path / "again"
    assert main(["run", "--from-manifest", str(first / "manifest.json"), "--no-plots", "--workers", "1", "--quiet",
                 "--out", str(again)]) == 0
    assert _files(again) == _files(first)
    repeated = json.loads((again / "manifest.json").read_text())
    assert repeated["config_sha256"] == manifest["config_sha256"] and repeated["tables"] == manifest["tables"]


def test_from_manifest_refuses_other_options_and_edited_manifests(tmp_path, capsys):
    first = tmp_path / "first"
    assert main(["run", str(BASELINE), "--days", "20", "--warmup-days", "5", "--replications", "1",
                 "--no-plots", "--quiet", "--out", str(first)]) == 0
    path = first / "manifest.json"
    assert main(["run", "--from-manifest", str(path), "--seed", "3", "--out", str(tmp_path / "x")]) == 2
    assert "--seed cannot be given with it" in capsys.readouterr().err
    edited = json.loads(path.read_text())
    edited["config"]["hospital"]["beds"] = 10
    bad = tmp_path / "edited.json"
    bad.write_text(json.dumps(edited))
    assert main(["run", "--from-manifest", str(bad), "--out", str(tmp_path / "y")]) == 2
    assert "has been edited" in capsys.readouterr().err
    reseeded = json.loads(path.read_text())
    reseeded["seed"] = 5
    bad.write_text(json.dumps(reseeded))
    assert main(["run", "--from-manifest", str(bad), "--out", str(tmp_path / "y")]) == 2
    assert "experiment_sha256" in capsys.readouterr().err
    reseeded["seed"] = -3
    bad.write_text(json.dumps(reseeded))
    assert main(["run", "--from-manifest", str(bad), "--out", str(tmp_path / "y")]) == 2
    assert "seed -3 is not a non-negative integer" in capsys.readouterr().err
    del reseeded["config"]
    bad.write_text(json.dumps(reseeded))
    assert main(["run", "--from-manifest", str(bad), "--out", str(tmp_path / "y")]) == 2
    assert "it has no 'config'" in capsys.readouterr().err
    for given, words in ((["--from-manifest", str(path), "--no-detail"], "--no-detail cannot be given"),
                         (["--from-manifest", str(first)], "give the manifest.json inside it"),
                         (["--from-manifest", str(first / "occupancy.csv")], "not a JSON file")):
        assert main(["run", *given, "--out", str(tmp_path / "z")]) == 2
        assert words in capsys.readouterr().err
    binary = tmp_path / "binary.json"
    binary.write_bytes(bytes([0x89, 0x50, 0x4E, 0x47, 0xFF]))
    assert main(["run", "--from-manifest", str(binary), "--out", str(tmp_path / "z")]) == 2
    assert "not a text file" in capsys.readouterr().err
    assert not any((tmp_path / name).exists() for name in ("x", "y", "z"))


def test_littles_law_case_catches_departures_recorded_wrongly(monkeypatch):
    """The engine's own count of delayed patients is independent of the recorded departure times:
    record them wrong and the case fails."""
    from discharge_sim.model.hospital import Hospital

    config = load_config(BASELINE, {"run.days": 30, "run.warmup_days": 5})
    case = next(c for c in validation.cases(config, quick=True) if c.name == "littles_law")
    assert validation.simulate_case(case, 8, 0, 1) == pytest.approx(1.0, abs=1e-9)
    original = Hospital.depart_at

    def late(self, patient, departure):
        original(self, patient, departure)
        patient.departure = departure + 2.0  # the bed is freed on time; the record says two hours later

    monkeypatch.setattr(Hospital, "depart_at", late)
    ratio = validation.simulate_case(case, 8, 0, 1)
    assert not judge(case, [ratio], 8)["passed"]


def test_interrupt_latch_defers_and_restores_handlers_and_leaves_ignored_signals_alone():
    import signal as sig

    from discharge_sim.experiments.execution import InterruptLatch

    before = sig.getsignal(sig.SIGINT)
    with InterruptLatch() as latch:
        assert sig.getsignal(sig.SIGINT) == latch._note
        latch._note(sig.SIGINT, None)  # as if Ctrl-C arrived: nothing is raised yet
        with pytest.raises(KeyboardInterrupt):
            latch.check()
        latch.check()  # once only
    assert sig.getsignal(sig.SIGINT) is before
    previous = sig.signal(sig.SIGINT, sig.SIG_IGN)
    try:
        with InterruptLatch():
            assert sig.getsignal(sig.SIGINT) is sig.SIG_IGN  # an ignored Ctrl-C stays ignored
    finally:
        sig.signal(sig.SIGINT, previous)


def test_from_manifest_refuses_an_edit_hidden_behind_another_version(tmp_path, capsys):
    first = tmp_path / "first"
    assert main(["run", str(BASELINE), "--days", "20", "--warmup-days", "5", "--replications", "1",
                 "--no-plots", "--quiet", "--out", str(first)]) == 0
    edited = json.loads((first / "manifest.json").read_text())
    edited["version"], edited["seed"] = "0.0.9", 5
    bad = tmp_path / "older.json"
    bad.write_text(json.dumps(edited))
    assert main(["run", "--from-manifest", str(bad), "--out", str(tmp_path / "x")]) == 2
    assert "has been edited" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:  # options are never abbreviated: --det is not --detail
        main(["run", "--from-manifest", str(first / "manifest.json"), "--det", "--out", str(tmp_path / "y")])
    assert stopped.value.code == 2
    assert "unrecognized arguments: --det" in capsys.readouterr().err
