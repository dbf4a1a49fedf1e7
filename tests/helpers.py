"""Plain helpers shared by the test folders (fixtures are in ``tests/conftest.py``)."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from discharge_sim.cli import main
from discharge_sim.config import Config, apply_overrides, config_from_dict, load_config, read_yaml
from discharge_sim.experiments.execution import Schedule

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ROOT / "configs"
BASELINE = CONFIGS / "baseline.yaml"
MMC = CONFIGS / "mmc.yaml"
SCENARIOS = sorted((CONFIGS / "scenarios").glob("*.yaml"))
SHIPPED = sorted(CONFIGS.glob("*.yaml")) + SCENARIOS
"""Every shipped config: the top-level ones and the scenario library."""


TOY = """\
# a toy ward for calibration tests
name: toy   # comment kept
run: {days: 60, warmup_days: 10, replications: 3, seed: 7}
hospital: {beds: 40}
emergency: {admissions_per_day: 8}
groups:
  all:
    emergency_share: 1.0
    length_of_stay: {distribution: exponential, mean_days: 2.5}
    pathway_mix: {0: 1.0}
steps:
  wait:
    type: delay
    owner: hospital
    kind: process
    dtoc_code: other
    probability: 0.5     # fitted below
    duration: {distribution: fixed, mean_hours: 30}
pathways:
  0: {wait: []}
"""
"""A small ward whose one step's probability decides the delayed share (calibration tests)."""


def baseline(**overrides: Any) -> Config:
    """The shipped baseline with dotted overrides (``run__days=120`` style keys use dots)."""
    raw = read_yaml(BASELINE)
    return config_from_dict(apply_overrides(raw, {k.replace("__", "."): v for k, v in overrides.items()}))


def short_baseline(days: float = 150, warmup: float = 30, **overrides: Any) -> Config:
    return baseline(run__days=days, run__warmup_days=warmup, **overrides)


def finance_config(**overrides: Any) -> Config:
    """The baseline over 150 days (20 of warm-up), its financial year starting on day 30, with dotted overrides."""
    return load_config(BASELINE, {"run.days": 150, "run.warmup_days": 20, "finance.financial_year_starts_day": 30,
                                  **overrides})


def drain(schedule: Schedule, values: dict[tuple[int, int], float], order: int | None = None) -> list[tuple[int, int]]:
    """Feed the schedule values for whatever it asks, finishing tasks in ``order`` (a shuffle key)."""
    ran, pending = [], []
    rng = np.random.default_rng(order)
    while not schedule.complete:
        while len(pending) < 4 and (job := schedule.next()) is not None:
            pending.append(job)
        pick = pending.pop(int(rng.integers(len(pending))) if order is not None else 0)
        ran.append(pick)
        schedule.record(*pick, {"delayed_bed_days": values[pick]})
    return ran


def status(argv: Sequence[str]) -> int:
    """The command line's exit status, whether ``main`` returns it or argument parsing raises it."""
    try:
        return main(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)


def files(folder: Path) -> dict[str, bytes]:
    """Every file of a results folder but the manifest (which records times, workers and the command)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "manifest.json"}


def rows(path: Path) -> list[dict[str, str]]:
    """A table's rows as the CSV text would give them; a Parquet table (``patients.parquet``) is
    read and its cells written as the CSV writer writes them (floats round-trip, nulls empty)."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path).to_pylist()
        return [{k: _cell(v) for k, v in row.items()} for row in table]
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def max_concurrent(starts: np.ndarray, ends: np.ndarray) -> int:
    """Peak number of open [start, end) intervals; an end frees its unit before a start at the same time."""
    times = np.concatenate([ends, starts])
    deltas = np.concatenate([-np.ones(ends.size), np.ones(starts.size)])
    order = np.lexsort((deltas, times))
    return int(np.max(np.cumsum(deltas[order]))) if times.size else 0


def same(a: Any, b: Any) -> bool:
    """Exact equality of nested numbers, with NaN equal to NaN (a one-replication interval)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)


def assert_ledger_tiles(r: Any, at_least: int = 1) -> None:
    """Patient by patient: the first segment starts at ready, the last ends at departure (or the
    horizon), with no gap and no overlap; and only patients with a delay have segments."""
    s = r.segments
    order = np.lexsort((s["start"], s["patient"]))
    s = {k: v[order] for k, v in s.items()}
    p = r.patients
    horizon = r.horizon_hours
    patients, first = np.unique(s["patient"], return_index=True)
    bounds = [*list(first), s["patient"].size]
    for k, pid in enumerate(patients):
        lo, hi = bounds[k], bounds[k + 1]
        starts, ends = s["start"][lo:hi], s["end"][lo:hi]
        ready = p["ready"][pid]
        departure = p["departure"][pid]
        end = departure if not math.isnan(departure) else horizon
        assert starts[0] == ready  # exactly, not approximately
        assert ends[-1] == end
        assert np.all(starts[1:] == ends[:-1])  # no gap, no overlap
        assert np.all(ends > starts)
        assert math.isclose(math.fsum(ends - starts), end - ready, rel_tol=1e-12, abs_tol=1e-9)
    # Every patient with a delay has segments, and nobody else has any.
    delayed = ~np.isnan(p["ready"]) & (p["ready"] < horizon)
    dep = np.where(np.isnan(p["departure"]), horizon, p["departure"])
    has_delay = delayed & (dep > p["ready"])
    assert set(patients.tolist()) == set(np.flatnonzero(has_delay).tolist())
    assert patients.size >= at_least
