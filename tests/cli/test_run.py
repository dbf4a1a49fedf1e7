"""discharge-sim run: what it prints, the files it writes, where, and --replications auto."""

from __future__ import annotations

import json

import pytest

from discharge_sim.analysis.statistics import t_interval
from discharge_sim.cli import main
from tests.helpers import BASELINE, files, rows

SHORT = ["--days", "40", "--warmup-days", "10", "--replications", "2", "--seed", "3", "--workers", "1", "--no-plots"]


def test_run_prints_the_split_and_writes_every_file_without_a_progress_bar(tmp_path, capsys):
    out = tmp_path / "res"
    assert main(["run", *SHORT, "--out", str(out)]) == 0
    printed, err = capsys.readouterr()
    assert "\r" not in err and "rep/s" not in err  # no progress bar when not on a terminal
    for label in ("Hospital-internal", "Social-care capacity", "Total delayed bed-days", "Mean bed occupancy",
                  "Cancelled elective admissions", f"Results: {out}"):
        assert label in printed
    for name in ("manifest.json", "summary.json", "replications.csv", "patients.parquet", "delays.parquet",
                 "occupancy.csv", "dtoc.csv"):
        assert (out / name).stat().st_size > 0, name
    assert not (out / "figures").exists()  # --no-plots
    summary = json.loads((out / "summary.json").read_text())
    reps = rows(out / "replications.csv")
    assert [r["replication"] for r in reps] == ["0", "1"]
    # The summary is the mean of the per-replication rows, and the printed total is that mean.
    values = [float(r["delayed_bed_days"]) for r in reps]
    assert summary["metrics"]["delayed_bed_days"]["mean"] == pytest.approx(sum(values) / 2, rel=1e-12)
    assert f"{summary['metrics']['delayed_bed_days']['mean']:,.0f}" in printed
    assert not list(tmp_path.glob(".*partial*"))


@pytest.mark.slow
def test_default_results_folder_is_named_after_the_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(BASELINE), *SHORT, "--quiet"]) == 0
    assert main(["attribute", str(BASELINE), *SHORT, "--convention", "owner", "--quiet"]) == 0
    made = sorted(p.name for p in (tmp_path / "results").iterdir())
    assert len(made) == 2
    assert made[0].startswith("attribute-baseline-") and made[1].startswith("baseline-"), made


AUTO = ["run", "--days", "40", "--warmup-days", "10", "--seed", "3", "--no-plots", "--replications", "auto"]


@pytest.mark.slow
def test_auto_replications_stop_at_the_first_precise_prefix_whatever_the_workers(tmp_path, capsys):
    args = [*AUTO, "--target-half-width", "10%", "--min-replications", "3", "--max-replications", "12"]
    assert main([*args, "--quiet", "--workers", "2", "--out", str(tmp_path / "a")]) == 0
    assert main([*args, "--workers", "1", "--out", str(tmp_path / "b")]) == 0
    printed = capsys.readouterr().out
    assert files(tmp_path / "a") == files(tmp_path / "b")  # n never depends on the workers
    summary = json.loads((tmp_path / "b" / "summary.json").read_text())
    n = summary["replications"]
    assert summary["replication_rule"] == "target" and 3 < n < 12
    totals = [float(r["delayed_bed_days"]) for r in rows(tmp_path / "b" / "replications.csv")]
    assert len(totals) == n
    relative = [t_interval(totals[:k])["half_width"] / t_interval(totals[:k])["mean"] for k in (n - 1, n)]
    assert relative[0] > 0.10 >= relative[1]  # one replication fewer was not precise enough
    assert "chosen automatically" in printed


def test_auto_replications_stop_at_the_cap(tmp_path, capsys):
    assert main([*AUTO, "--target-half-width", "0.0001", "--min-replications", "2", "--max-replications", "3",
                 "--workers", "1", "--out", str(tmp_path / "a")]) == 0
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["replication_rule"] == "cap" and summary["replications"] == 3
    assert "Replications: 3, the cap" in capsys.readouterr().out
