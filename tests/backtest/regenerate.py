"""Rewrite the back tests' golden files from the current code.

    python -m tests.backtest.regenerate              # every shipped config
    python -m tests.backtest.regenerate baseline mmc # only these

Run it from the repository root when a change in results is deliberate, look at the diff of
``tests/backtest/golden/`` and commit it with the change. Each shipped config (``configs/*.yaml``
and ``configs/scenarios/*.yaml``) is run briefly, seeded, on one worker, without figures, by
``discharge_sim.api.run``; its small tables are stored whole and its per-patient and per-segment
tables whole for the baseline only, and as SHA-256 in ``sha256.json`` for the others. The detail
tables are written as CSV, whose bytes depend on the numbers alone (a Parquet file's bytes also
depend on the Parquet library's version; tests/behaviour/test_detail_formats.py checks that the
two formats hold the same values).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from discharge_sim import api

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
CONFIGS = HERE.parent.parent / "configs"

RUN: dict[str, Any] = {"days": 30, "warmup_days": 10, "replications": 2, "seed": 7}
"""Every config's run: 30 days, the first 10 discarded, two replications, seed 7."""
RUN_FOR = {"winter_surge": {"days": 330, "warmup_days": 300}, "winter_escalation_beds": {"days": 330, "warmup_days": 300},
           "provider_failure": {"days": 330, "warmup_days": 300}}
"""Exceptions: the winter surges and the home closing start on day 304, so their runs measure days 300 to 330."""
WHOLE = ("replications.csv", "dtoc.csv", "occupancy.csv", "summary.json")
"""Stored whole for every config."""
DETAIL = ("patients.csv", "delays.csv")
"""Stored whole for these configs, as SHA-256 in ``sha256.json`` for the others (they are large)."""
DETAIL_WHOLE_FOR = ("baseline",)
HASHES = "sha256.json"
REGENERATE = "python -m tests.backtest.regenerate"


def shipped() -> dict[str, Path]:
    """Every shipped config by file name (the names are unique across the two folders)."""
    paths = sorted(CONFIGS.glob("*.yaml")) + sorted((CONFIGS / "scenarios").glob("*.yaml"))
    found = {path.stem: path for path in paths}
    if len(found) != len(paths):
        raise RuntimeError("two shipped configs share a file name; the back tests name them by file name")
    return found


def settings(name: str) -> dict[str, Any]:
    return {**RUN, **RUN_FOR.get(name, {})}


def run(name: str, path: Path, out: Path) -> Path:
    """The back test's run of one config into ``out``; returns the results folder."""
    return api.run(path, **settings(name), detail=True, detail_format="csv", workers=1, plots=False, out=out).out


def snapshot(name: str, folder: Path) -> dict[str, bytes]:
    """What is stored of a results folder: file name -> bytes (the manifest, which records times,
    is never stored)."""
    stored = {file: (folder / file).read_bytes() for file in WHOLE}
    if name in DETAIL_WHOLE_FOR:
        stored.update({file: (folder / file).read_bytes() for file in DETAIL})
    else:
        hashes = {file: hashlib.sha256((folder / file).read_bytes()).hexdigest() for file in DETAIL}
        stored[HASHES] = (json.dumps(hashes, indent=2, sort_keys=True) + "\n").encode()
    return stored


def regenerate(names: Sequence[str]) -> list[Path]:
    """Run each config and rewrite its golden folder; returns the files written."""
    configs = shipped()
    unknown = [name for name in names if name not in configs]
    if unknown:
        raise SystemExit(f"not a shipped config: {', '.join(unknown)} (shipped: {', '.join(configs)})")
    written = []
    with tempfile.TemporaryDirectory(prefix="backtest-") as work:
        for name in names:
            stored = snapshot(name, run(name, configs[name], Path(work) / name))
            target = GOLDEN / name
            if target.exists():
                shutil.rmtree(target)
            target.mkdir(parents=True)
            for file, content in stored.items():
                (target / file).write_bytes(content)
                written.append(target / file)
                print(f"wrote {(target / file).relative_to(HERE.parent.parent)} ({len(content):,} bytes)")
    return written


def main(argv: Sequence[str] | None = None) -> int:
    names = list(sys.argv[1:] if argv is None else argv)
    if names:
        regenerate(names)
    else:
        regenerate(list(shipped()))
        for stale in sorted(p for p in GOLDEN.iterdir() if p.is_dir() and p.name not in shipped()):
            shutil.rmtree(stale)
            print(f"removed {stale.relative_to(HERE.parent.parent)} (no such shipped config)")
    total = sum(p.stat().st_size for p in GOLDEN.rglob("*") if p.is_file())
    print(f"golden files: {total:,} bytes in {GOLDEN.relative_to(HERE.parent.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
