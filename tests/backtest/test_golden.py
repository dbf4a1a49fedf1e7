"""Back tests: a short seeded run of every shipped config gives exactly the stored result files.

Any change in results, however small, fails here and has to be made deliberately: regenerate the
golden files (``python -m tests.backtest.regenerate [CONFIG ...]``), look at their diff and commit
it with the change. How the runs are made and what is stored: tests/backtest/regenerate.py.
"""

from __future__ import annotations

import csv
import json

import pytest

from discharge_sim.config import load_config
from discharge_sim.io.folders import read_json
from tests.backtest.regenerate import GOLDEN, HASHES, REGENERATE, RUN_FOR, run, shipped, snapshot

CONFIGS = shipped()


def test_every_shipped_config_has_golden_files_and_no_other_does():
    stored = {p.name for p in GOLDEN.iterdir() if p.is_dir()}
    assert stored == set(CONFIGS), (f"golden folders {sorted(stored - set(CONFIGS))} have no config and configs "
                                    f"{sorted(set(CONFIGS) - stored)} no golden folder; run: {REGENERATE}")


def _first_difference(name: str, file: str, golden: bytes, now: bytes) -> str:
    """Where a result file first differs from its golden copy, and what to do about it."""
    redo = f"If the change is deliberate, regenerate with: {REGENERATE} {name}"
    if file == HASHES:
        was, becomes = json.loads(golden), json.loads(now)
        changed = sorted(k for k in set(was) | set(becomes) if was.get(k) != becomes.get(k))
        return (f"{name}: {', '.join(changed)} differ from the SHA-256 stored in "
                f"tests/backtest/golden/{name}/{HASHES} (the tables themselves are not stored). {redo}")
    old, new = golden.decode().splitlines(), now.decode().splitlines()
    line = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    was = old[line] if line < len(old) else "<end of file>"
    becomes = new[line] if line < len(new) else "<end of file>"
    where = f"line {line + 1}"
    if file.endswith(".csv") and 0 < line < min(len(old), len(new)):
        header, a, b = (next(csv.reader([text])) for text in (old[0], was, becomes))
        column = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        name_of = header[column] if column < len(header) else f"#{column + 1}"
        where += f", column {name_of!r} ({a[column] if column < len(a) else '-'} stored, " \
                 f"{b[column] if column < len(b) else '-'} now)"
    return (f"{name}: tests/backtest/golden/{name}/{file} differs from this run's {file} first at {where}; "
            f"{len(old)} lines stored, {len(new)} now\n  golden: {was[:300]}\n  now:    {becomes[:300]}\n{redo}")


@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.slow) if name in RUN_FOR else name
                                  for name in CONFIGS])  # the long runs (330 days) are slow tests
def test_results_equal_the_golden_files(name, tmp_path):
    folder = GOLDEN / name
    assert folder.is_dir(), f"{name}: no golden files; run: {REGENERATE} {name}"
    now = snapshot(name, run(name, CONFIGS[name], tmp_path / name))
    stored = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert set(stored) == set(now), f"{name}: golden files {sorted(stored)}, this run {sorted(now)}; run: {REGENERATE} {name}"
    for file, golden in stored.items():
        assert now[file] == golden, _first_difference(name, file, golden, now[file])
    # The stored run is not a degenerate one: people were discharged, and delayed if there are steps to wait for.
    metrics = read_json(folder / "summary.json")["metrics"]
    assert metrics["discharges"]["mean"] > 0
    assert (metrics["delayed_bed_days"]["mean"] > 0) == bool(load_config(CONFIGS[name]).steps)
