"""Benchmark of the sensitivity and uncertainty commands: wall time of the baseline's default runs
on 2 local workers and on a 2-worker Dask cluster.

    pip install -e ".[bench]" && python benchmarks/assumptions.py [--only uncertainty] [--quick] [--json PATH]

Each case runs the real command line (``python -m discharge_sim uncertainty``, ``... sensitivity``)
with its defaults in a subprocess, into a fresh temporary folder deleted afterwards, and reports
its wall time, the replications it ran (the auto rule decides how many a point) and their rate.
Beside them, in the same session, a plain ``run`` of the baseline on the same 2 workers gives the
rate of replications with no design around them: the commands should lose little to it, as their
points are replications like any other. The two backends must write the same results (the JSON
document, its wall time aside), as where replications run never changes a number. The default
uncertainty run is designed to finish in under 20 minutes on 2 cores.

--quick shortens the runs (60 days) and the designs, as a smoke test: its timings mean nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "configs" / "baseline.yaml"
DOCUMENTS = {"uncertainty": "uncertainty.json", "sensitivity": "sensitivity.json"}
QUICK = {"uncertainty": ["--points", "8"], "sensitivity": ["--trajectories", "2", "--top", "2", "--samples", "4"]}
TARGETS = {"uncertainty": ["--targets", str(ROOT / "configs" / "targets" / "discharge_ready_2024_25.yaml")]}
"""The uncertainty run matches its points to England's 2024/25 figures: history matching costs no
run, and gives the answer given the national figures beside the prior range."""
SHORT = ["--days", "60", "--warmup-days", "10"]
TARGET_SECONDS = {"uncertainty": 20 * 60}


class RunFailed(Exception):
    """The CLI exited with an error."""


def run_cli(command: str, extra: list[str], keep: Path | None = None) -> tuple[float, dict[str, Any]]:
    """Wall seconds of one command into a fresh folder, and its JSON document (or summary); the
    folder is moved to ``keep`` if given."""
    parent = Path(tempfile.mkdtemp(prefix="discharge-sim-assumptions-"))
    out = parent / "out"
    argv = [sys.executable, "-m", "discharge_sim", command, str(CONFIG), "--quiet", "--out", str(out), *extra]
    try:
        start = time.perf_counter()
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if done.returncode != 0:
            raise RunFailed(f"{' '.join(argv[2:])}: exit {done.returncode}\n{done.stderr[-2000:]}")
        name = DOCUMENTS.get(command, "summary.json")
        document = json.loads((out / name).read_text(encoding="utf-8"))
        if keep is not None:
            shutil.rmtree(keep, ignore_errors=True)
            shutil.move(out, keep)
        return wall, document
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def replications(command: str, document: dict[str, Any]) -> int:
    """Replications a command ran: every point's, every stage's."""
    if command == "uncertainty":
        return int(document["points"] * document["replications"])
    if command == "sensitivity":
        return int(sum(document[s]["points"] * document[s]["replications"] for s in ("morris", "sobol")))
    return int(document["replications"])


def same_results(a: dict[str, Any], b: dict[str, Any]) -> bool:
    a, b = dict(a), dict(b)
    a.pop("wall_seconds", None), b.pop("wall_seconds", None)
    return a == b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=tuple(DOCUMENTS), default=None, help="time one command only")
    parser.add_argument("--no-dask", action="store_true", help="time the local workers only")
    parser.add_argument("--quick", action="store_true", help="short runs and designs: a smoke test")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH", help="also write the figures as JSON")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="keep the results folders of the local runs in DIR/<command>")
    args = parser.parse_args()
    commands = [args.only] if args.only else list(DOCUMENTS)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    print(f"machine: {len(os.sched_getaffinity(0))} CPU(s), Python {platform.python_version()}, "
          f"{platform.platform()}")
    print(f"config: {CONFIG.relative_to(ROOT)}, each command's defaults"
          + (" (quick smoke test: timings mean nothing)" if args.quick else ""))

    figures: dict[str, Any] = {"quick": args.quick}
    plain_reps = 4 if args.quick else 20
    wall, _ = run_cli("run", ["--replications", str(plain_reps), "--workers", "2", "--no-detail",
                                    "--no-plots", *(SHORT if args.quick else [])])
    plain_rate = plain_reps / wall
    figures["plain_run"] = {"replications": plain_reps, "wall_seconds": wall, "per_second": plain_rate}
    print(f"\nplain run of {plain_reps} replications on 2 workers: {wall:.1f} s, {plain_rate:.2f} replications/s")

    backends: list[tuple[str, list[str]]] = [("2 local workers", ["--workers", "2"])]
    cluster = None
    if not args.no_dask:
        from dask.distributed import LocalCluster

        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=":0")
        backends.append(("Dask, 2 workers on loopback", ["--scheduler", cluster.scheduler_address]))
    try:
        for command in commands:
            quick = [*QUICK[command], *SHORT, "--replications", "2"] if args.quick else []
            extra = [*TARGETS.get(command, []), *quick]
            print(f"\n{command} (defaults{': ' + ' '.join(extra) if extra else ''})")
            print(f"  {'backend':30s} {'wall':>10s} {'replications':>13s} {'per s':>7s} {'of plain':>9s}  same")
            first: dict[str, Any] | None = None
            figures[command] = {}
            for name, where in backends:
                keep = args.keep / command if args.keep is not None and first is None else None
                wall, document = run_cli(command, [*where, *extra], keep)
                n = replications(command, document)
                rate = n / wall
                same = first is None or same_results(first, document)
                first = first or document
                print(f"  {name:30s} {wall / 60:8.1f} m {n:13d} {rate:7.2f} {rate / plain_rate:8.0%}  "
                      f"{'yes' if same else 'NO'}")
                figures[command][name] = {"wall_seconds": wall, "replications": n, "per_second": rate,
                                          "of_plain_rate": rate / plain_rate, "same_results": same}
            target = TARGET_SECONDS.get(command)
            if target and not args.quick:
                local = figures[command]["2 local workers"]["wall_seconds"]
                print(f"  target: under {target / 60:.0f} minutes on 2 cores: {'met' if local < target else 'NOT met'}")
    finally:
        if cluster is not None:
            cluster.close()
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    try:
        main()
    except RunFailed as exc:
        sys.exit(f"discharge-sim failed, {exc}")
