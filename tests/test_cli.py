"""The command line as a user meets it: help, exit statuses, output, nothing half-written."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from discharge_sim.api import runner
from discharge_sim.cli import main

SHORT = ["--days", "40", "--warmup-days", "10", "--replications", "2", "--seed", "3", "--workers", "1", "--no-plots"]


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["check", "--help"]])
def test_help_on_every_command(args, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "usage: discharge-sim" in out


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


@pytest.mark.parametrize("bad", [["--replications", "0"], ["--days", "abc"], ["--seed", "-1"], ["--warmup-days", "-2"]])
def test_bad_arguments_exit_2(bad, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["run", *bad, "--out", str(tmp_path / "x")])
    assert exit_info.value.code == 2
    assert "error" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_run_prints_the_split_and_writes_every_file(tmp_path, capsys):
    out = tmp_path / "res"
    assert main(["run", *SHORT, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    for label in ("Hospital-internal", "Social-care capacity", "Total delayed bed-days", "Mean bed occupancy",
                  "Cancelled elective admissions", f"Results: {out}"):
        assert label in printed
    for name in ("manifest.json", "summary.json", "replications.csv", "patients.csv", "delays.csv", "occupancy.csv"):
        assert (out / name).stat().st_size > 0, name
    summary = json.loads((out / "summary.json").read_text())
    with (out / "replications.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2
    # The summary is the mean of the per-replication rows, and the printed total is that mean.
    values = [float(r["delayed_bed_days"]) for r in rows]
    assert summary["metrics"]["delayed_bed_days"]["mean"] == pytest.approx(sum(values) / 2, rel=1e-12)
    assert f"{summary['metrics']['delayed_bed_days']['mean']:,.0f}" in printed
    assert not list(tmp_path.glob(".*partial*"))


def test_internal_error_exits_1_without_traceback(tmp_path, capsys, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(runner, "execute", broken)
    assert main(["run", *SHORT, "--out", str(tmp_path / "r")]) == 1
    err = capsys.readouterr().err
    assert "internal error" in err and "boom" in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()


def test_interrupt_before_any_replication_exits_130_and_leaves_nothing(tmp_path, capsys, monkeypatch):
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "execute", interrupted)
    assert main(["run", *SHORT, "--out", str(tmp_path / "r")]) == 130
    err = capsys.readouterr().err
    assert "interrupted before any replication finished" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # finished replications are kept (tests/test_scale.py); none here


def test_module_entry_point_and_console_script(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nhospital: {beds: 0}\n")
    for command in ([sys.executable, "-m", "discharge_sim"], ["discharge-sim"]):
        done = subprocess.run([*command, "check", str(bad)], capture_output=True, text=True, check=False)
        assert done.returncode == 2
        assert "hospital.beds = 0" in done.stderr and "Traceback" not in done.stderr
    version = subprocess.run([sys.executable, "-m", "discharge_sim", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and "discharge-sim" in version.stdout


def test_check_estimates_pool_loads(capsys):
    from .conftest import BASELINE

    assert main(["check", str(BASELINE)]) == 0
    out = capsys.readouterr().out
    assert "pool nursing_home:" in out and "community" in out and "hospital" in out


def test_check_flags_an_overloaded_pool(tmp_path, capsys):
    import yaml

    from discharge_sim.config import read_yaml

    from .conftest import BASELINE

    raw = read_yaml(BASELINE)
    raw["pools"]["nursing_home"]["places"] = 100
    path = tmp_path / "tight.yaml"
    path.write_text(yaml.safe_dump(raw))
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "pool nursing_home: 100 places" in out and "over capacity" in out


def test_manifest_has_config_hash(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["run", *SHORT, "--quiet", "--out", str(a)]) == 0
    assert main(["run", *SHORT, "--quiet", "--seed", "4", "--out", str(b)]) == 0
    ha = json.loads((a / "manifest.json").read_text())["config_sha256"]
    hb = json.loads((b / "manifest.json").read_text())["config_sha256"]
    assert len(ha) == 64 and ha != hb  # the seed is part of the config as run


def test_default_results_folder_is_named_after_the_config(tmp_path, monkeypatch):
    from .conftest import BASELINE

    monkeypatch.chdir(tmp_path)
    assert main(["run", str(BASELINE), *SHORT, "--quiet"]) == 0
    assert main(["attribute", str(BASELINE), *SHORT, "--quiet"]) == 0
    made = sorted(p.name for p in (tmp_path / "results").iterdir())
    assert len(made) == 2
    assert made[0].startswith("attribute-baseline-") and made[1].startswith("baseline-"), made
