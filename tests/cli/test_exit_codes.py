"""Exit statuses as a user meets them: 0 done, 2 bad input (with a message and nothing written),
1 an internal error (no traceback), 130 interrupted; the module and the console script."""

from __future__ import annotations

import subprocess
import sys

import pytest

from discharge_sim.api import runner
from discharge_sim.cli import main
from tests.helpers import BASELINE, status

SHORT = ["--days", "40", "--warmup-days", "10", "--replications", "2", "--seed", "3", "--workers", "1", "--no-plots"]


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    captured = capsys.readouterr()
    assert "COMMAND" in captured.out and "choose a command" in captured.err


USAGE_ERRORS = {
    "replications 0": (["run", "--replications", "0"], "--replications: '0' must be a whole number of at least 1"),
    "days not a number": (["run", "--days", "abc"], "--days: 'abc' is not a number"),
    "negative seed": (["run", "--seed", "-1"], "--seed: '-1' must be a whole number of at least 0"),
    "negative warm-up": (["run", "--warmup-days", "-2"], "--warmup-days: '-2' must be a number of at least 0"),
    "precision without auto": (["run", "--replications", "2", "--target-half-width", "3%"],
                               "only with --replications auto"),
    "nothing to resume": (["run", "--days", "60", "--warmup-days", "10", "--replications", "6", "--resume"],
                          "nothing to resume"),
    "compare one config": (["compare", str(BASELINE)], "at least two configs"),
    "sweep bad value": (["sweep", str(BASELINE), "--set", "pools.nursing_home.places=500,-3"],
                        "pools.nursing_home.places=-3"),
    "sweep the seed": (["sweep", str(BASELINE), "--set", "run.seed=1,2"], "use --seed"),
    "sweep a key twice": (["sweep", str(BASELINE), "--set", "hospital.beds=1,2", "--set", "hospital.beds=3"],
                          "more than once"),
    "sweep a backwards range": (["sweep", str(BASELINE), "--set", "hospital.beds=10:5:1"], "stop >= start"),
    "sweep no values": (["sweep", str(BASELINE), "--set", "hospital.beds"], "KEY=v1,v2"),
}


@pytest.mark.parametrize("case", USAGE_ERRORS)
def test_usage_errors_exit_2_with_a_message_and_write_nothing(case, tmp_path, capsys):
    argv, message = USAGE_ERRORS[case]
    assert status([*argv, "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert message in err and "error" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [["run", *SHORT], ["validate", "--quick", "--workers", "1"]], ids=["run", "validate"])
def test_an_existing_output_folder_is_refused_and_kept(argv, tmp_path, capsys):
    out = tmp_path / "done"
    out.mkdir()
    (out / "keep.txt").write_text("precious")
    assert main([*argv, "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["keep.txt"] and (out / "keep.txt").read_text() == "precious"


def test_internal_error_exits_1_without_traceback(tmp_path, capsys, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(runner, "execute", broken)
    assert main(["run", *SHORT, "--out", str(tmp_path / "r")]) == 1
    err = capsys.readouterr().err
    assert "internal error" in err and "boom" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_interrupt_before_any_replication_exits_130_and_leaves_nothing(tmp_path, capsys, monkeypatch):
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "execute", interrupted)
    assert main(["run", *SHORT, "--out", str(tmp_path / "r")]) == 130
    err = capsys.readouterr().err
    assert "interrupted before any replication finished" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # finished replications are kept (tests/cli/test_resume.py); none here


def test_module_entry_point_and_console_script(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nhospital: {beds: 0}\n")
    for command in ([sys.executable, "-m", "discharge_sim"], ["discharge-sim"]):
        done = subprocess.run([*command, "check", str(bad)], capture_output=True, text=True, check=False, timeout=120)
        assert done.returncode == 2
        assert "hospital.beds = 0" in done.stderr and "Traceback" not in done.stderr
    version = subprocess.run([sys.executable, "-m", "discharge_sim", "--version"], capture_output=True, text=True,
                             timeout=120)
    assert version.returncode == 0 and "discharge-sim" in version.stdout


@pytest.mark.slow
def test_unreachable_scheduler_is_bad_input(tmp_path, capsys):
    pytest.importorskip("dask.distributed")
    assert main(["run", *SHORT, "--replications", "1", "--scheduler", "tcp://127.0.0.1:9",
                 "--out", str(tmp_path / "x")]) == 2
    assert "cannot reach the Dask scheduler" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # not even the hidden folder: nothing ran
