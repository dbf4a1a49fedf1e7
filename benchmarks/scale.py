"""Benchmark of experiment execution at scale: parallel speed-up and memory against replications.

    pip install -e ".[bench]" && python benchmarks/scale.py [--json PATH] [--quick]

Every case runs the real command line (``python -m discharge_sim run configs/baseline.yaml``) in a
subprocess, into a fresh temporary results folder that is deleted afterwards. It measures:
  * what this machine allows: two independent 1-worker runs of half the replications each, side
    by side (no pool, no scheduler): their wall time against the 1-worker run is the ceiling any
    parallel run can reach here (on a shared virtual machine it is often well below 2x);
  * 2 local worker processes against that ceiling (target: at least 95% of its speed, that is the
    side-by-side wall time over the pool's, round by round): replications are independent, so
    the process pool should lose only its start-up;
  * a 2-worker Dask cluster on loopback against the same ceiling (target at least 90%): the same
    work sent through a scheduler, with its extra serialisation and network hops (the cluster is
    started before the clock and is not part of the timed run);
  * that all three runs write byte-identical replications.csv and summary.json, as the results
    must not depend on how or where replications ran;
Timings on a shared machine are noisy, so the three set-ups run in alternation for several rounds
(--rounds, default 3) and the medians are compared.
  * peak resident memory of a 1-worker run for few and for many replications (target: less than
    20% apart): finished replications stream to disk and are assembled file to file, so memory
    should stay flat however many replications an experiment has.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "configs" / "baseline.yaml"
COMPARED = ("replications.csv", "summary.json")


class RunFailed(Exception):
    """The CLI exited with an error."""


def run_cli(extra: list[str]) -> tuple[float, dict[str, bytes]]:
    """Wall seconds of one ``run`` of the baseline into a fresh folder, and the bytes of COMPARED."""
    parent = Path(tempfile.mkdtemp(prefix="discharge-sim-scale-"))
    out = parent / "out"  # --out must not exist yet; its .partial work folder goes beside it, in parent
    command = [sys.executable, "-m", "discharge_sim", "run", str(CONFIG), "--no-detail", "--quiet",
               "--out", str(out), *extra]
    try:
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if done.returncode != 0:
            raise RunFailed(f"exit status {done.returncode}: {' '.join(command)}\n{done.stderr}")
        return wall, {name: (out / name).read_bytes() for name in COMPARED}
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def measure_rss(cli_args: list[str]) -> None:
    """Helper mode: run the CLI once as our only child and print its peak RSS in KiB.

    Why a helper: RUSAGE_CHILDREN's ru_maxrss is the largest peak of any child waited for so far,
    so each case needs a fresh process with exactly one child. And on Linux a child's ru_maxrss
    starts from its parent's RSS at the fork/exec (a 300 MiB parent makes ``true`` report 314 MiB),
    so the helper must stay small: it imports only the standard library (a floor of ~14 MiB, far
    below the CLI's), whereas the benchmark process itself grows once it has imported Dask.
    With --workers 1 the CLI runs every replication in its own process (no pool), so the child's
    peak is the whole run's peak.
    """
    parent = Path(tempfile.mkdtemp(prefix="discharge-sim-rss-"))
    try:
        command = [sys.executable, "-m", "discharge_sim", *cli_args, "--out", str(parent / "out")]
        code = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL).returncode
    finally:
        shutil.rmtree(parent, ignore_errors=True)
    if code != 0:
        raise SystemExit(code)
    print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)  # KiB on Linux


def peak_rss_mib(replications: int, extra: list[str]) -> float:
    """Peak RSS of a 1-worker run of ``replications``, measured in a fresh helper process."""
    cli = ["run", str(CONFIG), "--no-detail", "--quiet", "--workers", "1", "--replications", str(replications), *extra]
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--measure-rss", *cli],
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"memory run of {replications} replications failed ({done.returncode}):\n{done.stderr}")
    return int(done.stdout.split()[-1]) / 1024


def side_by_side(replications: int, extra: list[str]) -> float:
    """Wall seconds of two independent 1-worker runs of half the replications each, started together."""
    parents = [Path(tempfile.mkdtemp(prefix="discharge-sim-scale-")) for _ in range(2)]
    half = [replications // 2, replications - replications // 2]
    try:
        start = time.perf_counter()
        processes = [subprocess.Popen([sys.executable, "-m", "discharge_sim", "run", str(CONFIG), "--no-detail",
                                       "--quiet", "--workers", "1", "--replications", str(n), "--out",
                                       str(parent / "out"), *extra], cwd=ROOT, stderr=subprocess.PIPE)
                     for parent, n in zip(parents, half)]
        for process in processes:
            _, err = process.communicate()
            if process.returncode != 0:
                raise RunFailed(f"exit status {process.returncode}: side-by-side run\n{err.decode()}")
        return time.perf_counter() - start
    finally:
        for parent in parents:
            shutil.rmtree(parent, ignore_errors=True)


def positive(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number of at least 1")
    return int(text)


def pair(text: str) -> tuple[int, int]:
    """``FEW,MANY`` -> (few, many), both whole numbers of at least 1."""
    parts = text.split(",")
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"{text!r}: expected two whole numbers, such as 10,200")
    return positive(parts[0]), positive(parts[1])


def machine() -> dict[str, Any]:
    return {"cpus": len(os.sched_getaffinity(0)), "python": platform.python_version(), "platform": platform.platform()}


def main() -> None:
    if sys.argv[1:2] == ["--measure-rss"]:  # internal helper mode; see measure_rss
        measure_rss(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replications", type=positive, default=8, metavar="N",
                        help="replications for the speed-ups (default 8)")
    parser.add_argument("--memory-replications", type=pair, default=(10, 200), metavar="FEW,MANY",
                        help="replications of the two memory runs (default 10,200; 200 take ~8 min on 1 worker)")
    parser.add_argument("--rounds", type=positive, default=3, metavar="K",
                        help="rounds of the alternating speed runs; medians are reported (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: 2 replications, memory 2,4, --days 60 --warmup-days 10")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args()
    reps = 2 if args.quick else args.replications
    few, many = (2, 4) if args.quick else args.memory_replications
    extra = ["--days", "60", "--warmup-days", "10"] if args.quick else []

    info = machine()
    print(f"machine: {info['cpus']} CPU(s) available, Python {info['python']}, {info['platform']}")
    print(f"config: {CONFIG.relative_to(ROOT)}{' ' + ' '.join(extra) if extra else ''}, --no-detail"
          + (" (quick smoke test: timings mean nothing)" if args.quick else ""))
    print()

    from dask.distributed import LocalCluster

    rounds = 1 if args.quick else args.rounds
    times: dict[str, list[float]] = {"one": [], "two": [], "dask": [], "ceiling": []}
    same_two = same_dask = True
    # The cluster is started (and its workers warmed by the first round) outside every clock.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0") as cluster:
        for _ in range(rounds):
            wall, one_files = run_cli(["--replications", str(reps), "--workers", "1", *extra])
            times["one"].append(wall)
            wall, files = run_cli(["--replications", str(reps), "--workers", "2", *extra])
            times["two"].append(wall)
            same_two &= files == one_files
            wall, files = run_cli(["--replications", str(reps), "--scheduler", cluster.scheduler_address, *extra])
            times["dask"].append(wall)
            same_dask &= files == one_files
            times["ceiling"].append(side_by_side(reps, extra))
    one, two, dask, ceiling = (statistics.median(times[k]) for k in ("one", "two", "dask", "ceiling"))
    # Efficiency against two independent runs side by side, round by round (the same machine state).
    efficiency = {k: statistics.median(c / t for c, t in zip(times["ceiling"], times[k], strict=True))
                  for k in ("two", "dask")}
    print(f"{reps} replications, median of {rounds} round(s) {'wall s':>8s} {'speed-up':>9s} "
          f"{'of side by side':>16s} {'target':>7s} {'met':>4s}  same {' and '.join(COMPARED)} as 1 worker")
    print(f"  {'1 local worker':36s} {one:8.2f}")
    for key, name, wall, target, same in (("two", "2 local workers", two, 0.95, same_two),
                                          ("dask", "Dask, 2 workers on loopback", dask, 0.90, same_dask)):
        print(f"  {name:36s} {wall:8.2f} {one / wall:8.2f}x {efficiency[key]:15.1%} {f'>= {target:.0%}':>7s} "
              f"{'yes' if efficiency[key] >= target else 'no':>4s}  {'yes' if same else 'NO'}")
    print(f"  {'machine ceiling: 2 runs side by side':36s} {ceiling:8.2f} {one / ceiling:8.2f}x")
    print("  (all rounds, s: " + "; ".join(f"{k} " + ", ".join(f"{t:.2f}" for t in v) for k, v in times.items())
          + ")")
    print()

    peak_few, peak_many = peak_rss_mib(few, extra), peak_rss_mib(many, extra)
    growth = (peak_many - peak_few) / peak_few
    print(f"peak RSS of the CLI, 1 worker{'':9s} {'MiB':>8s}")
    print(f"  {few:>4d} replications{'':19s} {peak_few:8.1f}")
    print(f"  {many:>4d} replications{'':19s} {peak_many:8.1f}")
    print(f"  relative difference{'':18s} {growth:+8.1%}  target < 20%  met: {'yes' if abs(growth) < 0.2 else 'no'}")

    if args.json:
        figures = {
            "machine": info,
            "quick": args.quick,
            "speedup": {
                "replications": reps,
                "rounds": rounds,
                "wall_seconds": {"workers_1": one, "workers_2": two, "dask_2": dask, "side_by_side": ceiling},
                "all_rounds": times,
                "workers_2": {"speedup": one / two, "of_side_by_side": efficiency["two"], "target": 0.95,
                              "identical": same_two},
                "dask_2": {"speedup": one / dask, "of_side_by_side": efficiency["dask"], "target": 0.90,
                           "identical": same_dask},
                "machine_ceiling": one / ceiling,
            },
            "memory": {"replications": [few, many], "peak_rss_mib": [peak_few, peak_many],
                       "relative_difference": growth, "target": 0.2},
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    try:
        main()
    except RunFailed as exc:
        sys.exit(f"discharge-sim failed, {exc}")
