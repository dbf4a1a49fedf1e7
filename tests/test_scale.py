"""Experiments from the command line: compare, sweep, warmup; one worker, two workers and Dask
give the same bytes; a killed run resumes to the same files; --replications auto."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from discharge_sim.cli import main
from discharge_sim.config import read_yaml

from .conftest import BASELINE

SHORT = ["--days", "40", "--warmup-days", "10", "--seed", "3", "--no-plots", "--quiet"]


def _files(folder: Path) -> dict[str, bytes]:
    """Every result file but the manifest (which records times, workers and the command)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "manifest.json"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open() as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def more_places(tmp_path_factory) -> Path:
    raw = read_yaml(BASELINE)
    raw["name"] = "more_places"
    raw["pools"]["nursing_home"]["places"] += 80
    path = tmp_path_factory.mktemp("configs") / "more_places.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_compare_writes_paired_differences(tmp_path, more_places, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", str(BASELINE), str(more_places), *SHORT[:-1], "--replications", "3",
                 "--workers", "1", "--out", str(out)]) == 0
    assert {"compare.csv", "summary.json", "replications.csv", "manifest.json"} <= set(os.listdir(out))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["configs"] == ["baseline", "more_places"] and summary["baseline"] == "baseline"
    reps = _rows(out / "replications.csv")
    assert [(r["config"], r["replication"]) for r in reps] == [
        (c, str(i)) for c in ("baseline", "more_places") for i in range(3)]
    # The difference is the mean of the per-replication differences, as compare.csv states it.
    diffs = [float(b["delayed_bed_days"]) - float(a["delayed_bed_days"]) for a, b in zip(reps[:3], reps[3:])]
    stated = summary["differences"]["more_places"]["delayed_bed_days"]
    assert stated["mean"] == pytest.approx(sum(diffs) / 3, rel=1e-12, abs=1e-9)
    row = next(r for r in _rows(out / "compare.csv")
               if r["metric"] == "delayed_bed_days" and r["config"] == "more_places")
    assert float(row["difference"]) == pytest.approx(stated["mean"], rel=1e-12, abs=1e-9)
    assert row["difference_excludes_zero"] in ("yes", "no")
    printed = capsys.readouterr().out
    assert "difference more_places" in printed


def test_compare_of_a_config_with_itself_shows_no_difference(tmp_path):
    out = tmp_path / "same"
    assert main(["compare", str(BASELINE), str(BASELINE), *SHORT, "--replications", "2",
                 "--workers", "1", "--out", str(out)]) == 0
    for row in _rows(out / "compare.csv"):
        if row["difference"]:
            assert float(row["difference"]) == 0.0 and row["difference_excludes_zero"] == "no", row


def test_compare_needs_two_configs(tmp_path, capsys):
    assert main(["compare", str(BASELINE), "--out", str(tmp_path / "x")]) == 2
    assert "at least two configs" in capsys.readouterr().err


def test_sweep_writes_a_row_per_point_and_replication(tmp_path):
    out = tmp_path / "sweep"
    assert main(["sweep", str(BASELINE), "--set", "pools.nursing_home.places=500:560:30",
                 "--set", "steps.senior_review.sessions.weekend_probability=0.3,0.6",
                 *SHORT, "--replications", "2", "--workers", "1", "--out", str(out)]) == 0
    reps = _rows(out / "replications.csv")
    points = _rows(out / "points.csv")
    assert len(points) == 6 and len(reps) == 12
    assert [p["pools.nursing_home.places"] for p in points] == ["500", "500", "530", "530", "560", "560"]
    # Every point runs the same replication seeds: the arrivals are identical across points.
    arrivals = {(r["replication"], r["emergency_arrivals"]) for r in reps}
    assert len(arrivals) == 2
    mean = sum(float(r["delayed_bed_days"]) for r in reps[:2]) / 2
    assert float(points[0]["delayed_bed_days_mean"]) == pytest.approx(mean, rel=1e-12)
    assert not (out / "patients.csv").exists()  # detail tables only with --detail


@pytest.mark.parametrize("bad, message", [
    (["--set", "pools.nursing_home.places=500,-3"], "pools.nursing_home.places=-3"),
    (["--set", "run.seed=1,2"], "use --seed"),
    (["--set", "hospital.beds=1,2", "--set", "hospital.beds=3"], "more than once"),
    (["--set", "hospital.beds=10:5:1"], "stop >= start"),
    (["--set", "hospital.beds"], "KEY=v1,v2"),
])
def test_bad_sweep_settings_exit_2(bad, message, tmp_path, capsys):
    assert _status(["sweep", str(BASELINE), *bad, *SHORT, "--out", str(tmp_path / "x")]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def _status(argv: list[str]) -> int:
    """main's exit status, whether returned or raised by argument parsing."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


def test_sweep_detail_tables_carry_the_point(tmp_path):
    out = tmp_path / "d"
    assert main(["sweep", str(BASELINE), "--set", "hospital.beds=580,620", *SHORT, "--replications", "1",
                 "--workers", "1", "--detail", "--out", str(out)]) == 0
    for table in ("patients", "delays", "occupancy"):
        rows = _rows(out / f"{table}.csv")
        assert {r["point"] for r in rows} == {"0", "1"}, table


def test_same_seed_same_bytes_with_one_worker_two_workers_and_dask(tmp_path, more_places):
    distributed = pytest.importorskip("dask.distributed")
    args = ["compare", str(BASELINE), str(more_places), *SHORT, "--replications", "3", "--detail", "--plots"]
    assert main([*args, "--workers", "1", "--out", str(tmp_path / "one")]) == 0
    assert main([*args, "--workers", "2", "--out", str(tmp_path / "two")]) == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        assert main([*args, "--scheduler", cluster.scheduler_address, "--out", str(tmp_path / "dask")]) == 0
    one = _files(tmp_path / "one")
    assert {"compare.csv", "patients.csv", "delays.csv", "occupancy.csv", "figures/delay_causes.png",
            "figures/patient_timeline.pdf"} <= set(one)
    assert one == _files(tmp_path / "two")
    assert one == _files(tmp_path / "dask")
    manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text())
    assert manifest["execution"] == {"scheduler": manifest["command"][-3]}


def test_unreachable_scheduler_is_bad_input(tmp_path, capsys):
    pytest.importorskip("dask.distributed")
    assert main(["run", *SHORT, "--replications", "1", "--scheduler", "tcp://127.0.0.1:9",
                 "--out", str(tmp_path / "x")]) == 2
    assert "cannot reach the Dask scheduler" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # not even the hidden folder: nothing ran


# --- interrupted runs -----------------------------------------------------------------------------

RESUMABLE = ["run", "--days", "60", "--warmup-days", "10", "--replications", "6", "--seed", "5", "--quiet"]


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "discharge_sim", *args]


def _start_and_stop(out: Path, sig: int, workers: str) -> subprocess.CompletedProcess[str]:
    """Start a run in a subprocess, send ``sig`` once its first replication is on disk."""
    process = subprocess.Popen(_cli(*RESUMABLE, "--workers", workers, "--out", str(out)),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(out.parent.glob(f".{out.name}-*.partial/parts/s*")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    process.send_signal(sig)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("whole") / "r"
    assert main([*RESUMABLE, "--workers", "1", "--out", str(out)]) == 0
    return _files(out)


@pytest.mark.parametrize("sig, workers", [(signal.SIGKILL, "1"), (signal.SIGINT, "2")])
def test_killed_run_resumes_to_the_same_files(sig, workers, tmp_path, uninterrupted):
    out = tmp_path / "r"
    stopped = _start_and_stop(out, sig, workers)
    if sig == signal.SIGINT:
        assert stopped.returncode == 130, stopped.stderr
        assert "Run the same command again to resume" in stopped.stderr and "Traceback" not in stopped.stderr
    else:
        assert stopped.returncode == -signal.SIGKILL
    assert not out.exists()
    (partial,) = tmp_path.glob(".r-*.partial")
    kept = sorted(p.name for p in (partial / "parts").iterdir() if not p.name.startswith("."))
    assert 1 <= len(kept) < 6, kept

    resumed = subprocess.run(_cli(*RESUMABLE, "--workers", "1", "--out", str(out)),
                             capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert _files(out) == uninterrupted
    assert json.loads((out / "manifest.json").read_text())["resumed"] is True
    assert not partial.exists()


def test_resume_flag_needs_something_to_resume(tmp_path, capsys):
    assert main([*RESUMABLE, "--resume", "--out", str(tmp_path / "r")]) == 2
    assert "nothing to resume" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# --- replications: auto, progress ----------------------------------------------------------------

def test_auto_replications_meet_the_target_and_say_so(tmp_path, capsys):
    args = ["run", *SHORT[:-1], "--replications", "auto", "--target-half-width", "10%", "--min-replications", "3",
            "--max-replications", "12"]
    assert main([*args, "--quiet", "--workers", "2", "--out", str(tmp_path / "a")]) == 0
    assert main([*args, "--workers", "1", "--out", str(tmp_path / "b")]) == 0
    printed = capsys.readouterr().out
    summary = json.loads((tmp_path / "b" / "summary.json").read_text())
    n = summary["replications"]
    assert 3 <= n <= 12
    assert _files(tmp_path / "a") == _files(tmp_path / "b")  # n never depends on the workers
    m = summary["metrics"]["delayed_bed_days"]
    if summary["replication_rule"] == "target":
        assert m["half_width"] <= 0.10 * m["mean"]
        assert "chosen automatically" in printed
    else:
        assert n == 12 and "the cap" in printed


def test_auto_replications_stop_at_the_cap(tmp_path, capsys):
    assert main(["run", *SHORT[:-1], "--replications", "auto", "--target-half-width", "0.0001",
                 "--min-replications", "2", "--max-replications", "3", "--workers", "1",
                 "--out", str(tmp_path / "a")]) == 0
    assert json.loads((tmp_path / "a" / "summary.json").read_text())["replication_rule"] == "cap"
    assert "Replications: 3, the cap" in capsys.readouterr().out


def test_no_progress_bar_when_not_a_terminal(tmp_path, capsys):
    assert main(["run", *SHORT[:-1], "--replications", "2", "--workers", "1", "--out", str(tmp_path / "a")]) == 0
    err = capsys.readouterr().err
    assert "\r" not in err and "rep/s" not in err


def test_warmup_suggests_a_period_with_a_plot(tmp_path, capsys):
    out = tmp_path / "w"
    assert main(["warmup", "--days", "150", "--replications", "2", "--workers", "1", "--seed", "2",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    w = json.loads((out / "summary.json").read_text())["warmup"]
    assert w["configured_warmup_days"] == 60 and w["days"] == 150
    # The model starts with empty beds: the occupancy series has a real transient to cut.
    assert 10 <= w["suggested_warmup_days"] <= 75
    assert w["suggested_warmup_days"] == max(s["truncation_days"] for s in w["series"])
    assert f"Suggested warm-up: {w['suggested_warmup_days']:g} days" in printed
    for name in ("figures/warmup.png", "figures/warmup.pdf", "warmup.csv", "occupancy.csv"):
        assert (out / name).stat().st_size > 0, name
    assert len(_rows(out / "warmup.csv")) == 150


def test_progress_bar_counts_replications_and_shrinks_to_the_auto_total(capsys):
    from discharge_sim.experiments.execution import Schedule
    from discharge_sim.experiments.specification import ReplicationPlan, ReplicationRecord
    from discharge_sim.present.progress import ProgressBar

    plan = ReplicationPlan(fixed=None, target=0.5, minimum=2, maximum=10)
    schedule = Schedule(1, plan, done={})
    bar = ProgressBar(total=10, done=0, enabled=True)
    for r in range(2):
        assert schedule.next() == (0, r)
        record = ReplicationRecord(0, r, 1, {"delayed_bed_days": 100.0 + r})
        schedule.record(0, r, record.metrics)
        bar.update(schedule, record)
    assert schedule.final == 2 and bar.bar.n == 2 and bar.bar.total == 2
    bar.close()
    err = capsys.readouterr().err
    assert "2/2" in err and "rep" in err


def test_precision_options_need_auto(tmp_path, capsys):
    assert main(["run", *SHORT, "--replications", "2", "--target-half-width", "3%", "--out", str(tmp_path / "x")]) == 2
    assert "only with --replications auto" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_warmup_runs_shorter_than_the_configured_warmup(tmp_path):
    assert main(["warmup", "--days", "40", "--replications", "1", "--workers", "1", "--quiet",
                 "--out", str(tmp_path / "w")]) == 0
    assert json.loads((tmp_path / "w" / "summary.json").read_text())["warmup"]["configured_warmup_days"] == 60
