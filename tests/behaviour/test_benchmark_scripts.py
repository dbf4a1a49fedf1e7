"""The benchmark scripts run with one command and report what they promise: the engine against
bare SimPy, and cost and memory against model size (figures are not judged here: timings belong
to benchmarks, not tests). The size benchmark's scaling multiplies every capacity and demand."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from discharge_sim.config import load_config
from tests.helpers import BASELINE

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from size import scaled_overrides  # noqa: E402


def test_scaling_multiplies_capacity_and_demand_alike():
    base = load_config(BASELINE)
    scaled = load_config(BASELINE, scaled_overrides(base, 10.0))
    assert scaled.hospital.beds == 10 * base.hospital.beds
    assert scaled.emergency.admissions_per_day == pytest.approx(10 * base.emergency.admissions_per_day)
    for name, pool in base.pools.items():
        assert scaled.pools[name].places == 10 * pool.places, name
        assert scaled.pools[name].community_referrals_per_day == pytest.approx(10 * pool.community_referrals_per_day)
    for name, team in base.staff.items():
        assert scaled.staff[name].count == 10 * team.count, name


@pytest.mark.slow
def test_the_size_benchmark_reports_cost_and_memory_by_size(tmp_path):
    out = tmp_path / "size.json"
    done = subprocess.run([sys.executable, "benchmarks/size.py", "--quick", "--no-bare", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text())
    one, ten = figures["cases"]["1x"], figures["cases"]["10x (region)"]
    assert ten["beds"] == 10 * one["beds"] and ten["patients"] > 9 * one["patients"]
    assert abs(ten["occupancy"] - one["occupancy"]) < 0.05  # the scaled model runs at the same load
    assert figures["ratios"]["peak_memory_10x_over_1x"] > 0 and not figures["failed"]
    assert "cost per patient, 10x / 1x" in done.stdout


@pytest.mark.slow
def test_the_engine_benchmark_runs_against_bare_simpy():
    done = subprocess.run([sys.executable, "benchmarks/run.py", "--repeats", "1", "--mmc-days", "30"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for line in ("bare SimPy M/M/c", "discharge-sim mmc config", "discharge-sim baseline, 1 year", "vs bare SimPy"):
        assert line in done.stdout


@pytest.mark.slow
def test_the_assumptions_benchmark_times_a_command_against_a_plain_run(tmp_path):
    # Local workers only: the Dask cluster's start-up would double the test (scale.py's test and the
    # execution tests check that Dask gives the same results).
    out = tmp_path / "assumptions.json"
    done = subprocess.run([sys.executable, "benchmarks/assumptions.py", "--quick", "--only", "uncertainty",
                           "--no-dask", "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text())["uncertainty"]
    assert set(figures) == {"2 local workers"}
    case = figures["2 local workers"]
    assert case["replications"] == 8 * 2 and case["same_results"] and case["wall_seconds"] > 0
    assert "plain run of 4 replications on 2 workers" in done.stdout
