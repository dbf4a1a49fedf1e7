"""Benchmark of fitting a config to an extract: wall time and peak memory against rows.

    pip install -e . && python benchmarks/fit.py [--json PATH] [--quick]

Writes synthetic extracts of the baseline (``discharge-sim synth``) covering one, two and four
years (about 25,000, 50,000 and 100,000 admissions) and times ``discharge-sim fit`` on each, run
in a subprocess as a user runs it, with the waits corrected by simulation (the default) and
without (the direct fit). Beside them, in the same run, the floor any fit must pay: reading the
CSV with pandas alone. Each figure is the best of ``--repeats`` runs; the growth with rows is the
ratio of the largest extract's time to the smallest's over the ratio of their rows (1: linear).
The target: under a minute for 100,000 admissions on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEARS = (1, 2, 4)
SECONDS_TARGET = 60.0


WATCH = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(done.returncode)")
"""Runs a command and prints its peak resident memory (KiB): a fresh process per command, so the
figure is that command's alone."""


def timed(argv: list[str]) -> tuple[float, float]:
    """(wall seconds, peak resident MiB) of a command run in a subprocess."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", WATCH, *argv], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr}")
    return wall, int(done.stdout.strip().splitlines()[-1]) / 1024.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    parser.add_argument("--repeats", type=int, default=2, help="runs per case, best kept (default 2)")
    parser.add_argument("--quick", action="store_true", help="a 60-day extract only, once: a smoke test")
    args = parser.parse_args()
    years = (60 / 365,) if args.quick else YEARS
    repeats = 1 if args.quick else args.repeats
    rows_out = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for y in years:
            config = folder / f"years{y:g}.yaml"
            days = round(60 + 365 * y)
            config.write_text(f"extends: {ROOT / 'configs' / 'baseline.yaml'}\nrun: {{days: {days}}}\n",
                              encoding="utf-8")
            extract = folder / f"extract{y:g}.csv"
            subprocess.run([sys.executable, "-m", "discharge_sim", "synth", str(config), "--out", str(extract),
                            "--quiet"], cwd=ROOT, check=True)
            rows = sum(1 for _ in extract.open(encoding="utf-8")) - 1
            read = min(timed([sys.executable, "-c", f"import pandas; pandas.read_csv({str(extract)!r}, dtype=str)"])[0]
                       for _ in range(repeats))
            figures = {"rows": rows, "read_csv_s": read}
            for label, extra in (("fit_s", []), ("direct_fit_s", ["--no-correct-waits"])):
                best, peak = float("inf"), 0.0
                for k in range(repeats):
                    out = folder / f"fit{y:g}-{label}-{k}"
                    wall, mib = timed([sys.executable, "-m", "discharge_sim", "fit", str(extract), "--out", str(out),
                                       "--quiet", *extra])
                    best, peak = min(best, wall), max(peak, mib)
                figures[label] = best
                figures[label.replace("_s", "_peak_mib")] = peak
            rows_out.append(figures)
            print(f"{rows:>8,} rows: fit {figures['fit_s']:6.1f} s (direct {figures['direct_fit_s']:5.1f} s; "
                  f"reading the CSV alone {read:4.1f} s), peak {figures['fit_peak_mib']:,.0f} MiB", flush=True)
    first, last = rows_out[0], rows_out[-1]
    if len(rows_out) > 1:
        growth = (last["fit_s"] / first["fit_s"]) / (last["rows"] / first["rows"])
        print(f"growth: time x{last['fit_s'] / first['fit_s']:.2f} for rows x{last['rows'] / first['rows']:.2f} "
              f"({growth:.2f} of linear)")
        print(f"target: {last['rows']:,} rows in under {SECONDS_TARGET:g} s: "
              f"{'met' if last['fit_s'] < SECONDS_TARGET else 'NOT met'} ({last['fit_s']:.1f} s)")
    if args.json is not None:
        args.json.write_text(json.dumps({"cases": rows_out}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
