"""Benchmark of model size: cost per patient and peak memory of one replication as the model grows.

    pip install -e . && python benchmarks/size.py [--quick] [--json PATH]

The shipped baseline (configs/baseline.yaml: 600 beds and one council's care market) is scaled by
a factor k: beds, emergency and elective admissions, every staff team, every pool's places, first
residents and community referrals, and the council's annual budget are all multiplied by k (see
``scaled_overrides``), so the scaled model is k baseline hospitals' worth of demand and capacity
in one model, at the same loads. The cases are
  * k = 1, the baseline itself;
  * k = 10, a whole region: ten baseline hospitals' worth of beds and care places in one model;
  * national: k such that there are 100,000 beds (k = 166.67), about England's general and acute
    beds.
Each case is one replication of one simulated year after the baseline's own warm-up (run.days =
warm-up + 365), without detail tables: ``discharge_sim.experiments.specification.measure``, as the
command line's ``run --no-detail`` calls it. It measures:
  * cost per patient (wall seconds of ``measure`` / patients admitted, in microseconds) at 10x
    against 1x (target at most 1.1x): the engine's work per patient should not depend on how many
    others are in the model. SimPy's event heap does grow with the model (an O(log n) push and
    pop), so some growth is expected. For SimPy's own growth, bare SimPy is timed beside each case
    with the same number of beds, 95% load and the 5-day exponential stays of configs/mmc.yaml,
    the collector paused as the engine does: the textbook M/M/c of benchmarks/run.py (whose
    ``simpy.Resource`` keeps its users in a list, so a release costs O(beds); skipped above
    BARE_MOST_BEDS beds, where it would take hours, with an estimate printed instead), and the same
    arrivals and stays with no Resource at all (M/M/inf: each patient one timeout), whose growth
    is that of the event heap alone. The engine's heap holds more than the beds: every pool's
    residents wait on it too, so it is several times the bare queues';
  * peak resident memory at 10x against 1x (target at most 1.5x): without detail tables a finished
    patient's record is folded into the metrics and dropped, so memory should follow the people in
    the model at one time (beds and places), not everyone the year admits; the floor (Python,
    NumPy, SimPy, pydantic and the package, a few tens of MiB) is included, as a user sees it;
  * peak memory of the national case (target at most 4 GiB) and its wall time;
  * occupancy and delayed bed-days per 600 beds, so a reader can see that the scaled model behaves
    like the baseline (occupancy should be about the same at every k; larger pools and teams at
    the same load queue less, so delay per bed may fall a little as k grows).
Each case runs in a fresh Python process started from this small process, which imports only the
standard library, so a case's peak (its own RUSAGE_SELF ru_maxrss) is its alone: on Linux a
process's ru_maxrss can start from its parent's RSS at the fork, and a parent that had run other
cases would inflate it. Timings are single runs on a possibly shared machine (--repeats takes the
best of several); misses of a target are reported, not failures: the script exits 0 unless a case
fails to run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from discharge_sim.config import Config

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "configs" / "baseline.yaml"
MMC = ROOT / "configs" / "mmc.yaml"
NATIONAL_BEDS = 100_000
MEASURED_DAYS = 365.0
QUICK_DAYS = 120.0
MMC_LOAD = 0.95
"""Offered load of the bare M/M/c, as in configs/mmc.yaml and ``benchmarks/run.py --beds``."""
QUEUES = {"mmc": "M/M/c", "mminf": "M/M/inf"}
"""The bare-SimPy queues: the textbook M/M/c, and the same arrivals and stays with no Resource."""
BARE_MOST_BEDS = 10_000
"""Largest bare-SimPy M/M/c run: its release is O(beds), so 100,000 beds would take hours."""
TARGETS = {"per_patient_10x": 1.1, "memory_10x": 1.5, "national_gib": 4.0}


# --- scaling -----------------------------------------------------------------------------------

def scaled_overrides(config: Config, factor: float) -> dict[str, Any]:
    """Dotted overrides (for ``load_config``) that make ``config`` ``factor`` times as large.

    Multiplied by ``factor`` are what count people, places or money in total: hospital.beds,
    emergency.admissions_per_day, every elective.admissions_per_weekday, every staff team's count,
    every pool's places, initial_residents (where given) and community_referrals_per_day, and
    finance.council_budget.annual_gbp (where there is one). Whole numbers are rounded, and beds,
    staff and places kept at least 1. Rates per unit (lengths of stay, shares, probabilities,
    costs per bed-day, per place-week or per staff-hour, initial_occupancy) are left as they are,
    so every resource carries the same load as in ``config``.
    """
    def whole(value: float, least: int = 0) -> int:
        return max(least, round(value * factor))

    out: dict[str, Any] = {
        "hospital.beds": whole(config.hospital.beds, 1),
        "emergency.admissions_per_day": config.emergency.admissions_per_day * factor,
    }
    for day, count in config.elective.admissions_per_weekday.items():
        out[f"elective.admissions_per_weekday.{day}"] = whole(count)
    for name, staff in config.staff.items():
        out[f"staff.{name}.count"] = whole(staff.count, 1)
    for name, pool in config.pools.items():
        out[f"pools.{name}.places"] = whole(pool.places, 1)
        out[f"pools.{name}.community_referrals_per_day"] = pool.community_referrals_per_day * factor
        if pool.initial_residents is not None:
            out[f"pools.{name}.initial_residents"] = whole(pool.initial_residents)
    if config.finance is not None and config.finance.council_budget is not None:
        out["finance.council_budget.annual_gbp"] = config.finance.council_budget.annual_gbp * factor
    return out


# --- the child processes -----------------------------------------------------------------------

def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child_model(factor: str, days: float | None) -> dict[str, Any]:
    """Child mode: one replication of the baseline scaled by ``factor`` (a number, or ``national``
    for NATIONAL_BEDS beds); its figures as a dict.

    ``days``: the whole run's length; None for the baseline's warm-up and then MEASURED_DAYS."""
    import gc

    sys.path.insert(0, str(ROOT))
    from discharge_sim.config import load_config
    from discharge_sim.experiments.specification import measure

    base = load_config(CONFIG)
    k = NATIONAL_BEDS / base.hospital.beds if factor == "national" else float(factor)
    overrides = scaled_overrides(base, k)
    overrides["run.days"] = base.run.warmup_days + MEASURED_DAYS if days is None else days
    config = load_config(CONFIG, overrides)
    gc.collect()
    floor = peak_rss_mib()
    start = time.perf_counter()
    measured = measure(config, 0, config.run.seed)
    wall = time.perf_counter() - start
    result, metrics = measured.result, measured.metrics
    in_model = sum(n for key, n in result.final_state.items() if key.endswith("_in_use"))  # beds and places
    return {
        "factor": k,
        "beds": config.hospital.beds,
        "places": sum(pool.places for pool in config.pools.values()),
        "days": config.run.days,
        "warmup_days": config.run.warmup_days,
        "wall_seconds": wall,
        "patients": result.arrived,
        "events": result.events,
        "in_model_at_end": in_model,
        "floor_rss_mib": floor,
        "peak_rss_mib": peak_rss_mib(),
        "occupancy": metrics["occupancy"],
        "delayed_bed_days": metrics["delayed_bed_days"],
        "delayed_bed_days_per_600_beds": metrics["delayed_bed_days"] * 600 / config.hospital.beds,
        "delayed_share_of_occupied_bed_days": metrics["delayed_share_of_occupied_bed_days"],
    }


def child_bare(queue: str, beds: int, days: float, seed: int = 1) -> dict[str, Any]:
    """Child mode: bare SimPy with ``beds`` beds at MMC_LOAD with configs/mmc.yaml's stays, for
    ``days``, with the collector paused. ``queue``: ``mmc``, the textbook M/M/c of benchmarks/run.py
    (``with beds.request()``); ``mminf``, the same arrivals and stays with no Resource."""
    import gc

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from run import bare_simpy_mmc  # the textbook queue the engine's own benchmark uses

    from discharge_sim.config import load_config

    mmc = load_config(MMC)
    stay = mmc.groups["all"].length_of_stay.mean_in_hours
    per_hour = beds * MMC_LOAD / stay
    until = days * 24.0

    gc.collect()
    floor = peak_rss_mib()
    gc.disable()
    start = time.perf_counter()
    patients, events = bare_simpy_mmc(beds, per_hour, stay, until, seed, queued=queue == "mmc")
    wall = time.perf_counter() - start
    gc.enable()
    return {"queue": queue, "beds": beds, "days": days, "admissions_per_day": per_hour * 24,
            "mean_stay_days": stay / 24, "wall_seconds": wall, "patients": patients, "events": events,
            "floor_rss_mib": floor, "peak_rss_mib": peak_rss_mib()}


# --- the parent --------------------------------------------------------------------------------

class CaseFailed(Exception):
    """A child process exited with an error or printed no figures."""


def run_child(args: list[str]) -> dict[str, Any]:
    """Run this script in child mode in a fresh process; the figures it prints (one JSON line)."""
    command = [sys.executable, str(Path(__file__).resolve()), *args]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise CaseFailed(f"exit status {done.returncode}: {' '.join(args)}\n{done.stderr.strip()}")
    return json.loads(lines[-1])


def best(repeats: int, args: list[str]) -> dict[str, Any]:
    """The run with the least wall time of ``repeats`` fresh children, with the highest peak among them."""
    runs = [run_child(args) for _ in range(repeats)]
    chosen = dict(min(runs, key=lambda r: r["wall_seconds"]))
    chosen["peak_rss_mib"] = max(r["peak_rss_mib"] for r in runs)
    chosen["all_wall_seconds"] = [r["wall_seconds"] for r in runs]
    return chosen


def per_patient_us(run: dict[str, Any]) -> float:
    return run["wall_seconds"] / run["patients"] * 1e6 if run["patients"] else float("nan")


def verdict(value: float, target: float) -> str:
    return "PASS" if value <= target else "MISS"


def positive(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number of at least 1")
    return int(text)


def machine() -> dict[str, Any]:
    return {"cpus": len(os.sched_getaffinity(0)), "python": platform.python_version(), "platform": platform.platform()}


def main() -> int:
    if sys.argv[1:2] == ["--child"]:  # internal child modes; see the module docstring
        what, *rest = sys.argv[2:]
        if what == "model":
            figures = child_model(rest[0], float(rest[1]) if rest[1] != "-" else None)
        else:
            figures = child_bare(rest[0], int(rest[1]), float(rest[2]))
        print(json.dumps(figures))
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke test: k = 1 and 10 only, {QUICK_DAYS:g} simulated days in all, no national case")
    parser.add_argument("--repeats", type=positive, default=1, metavar="N",
                        help="fresh runs of each case; the quickest is reported (default 1)")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare-SimPy runs")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args()

    # (label, factor as the child reads it); the child works out the national factor from the config.
    cases: list[tuple[str, str]] = [("1x", "1"), ("10x (region)", "10")]
    if not args.quick:
        cases.append(("national", "national"))
    days = repr(QUICK_DAYS) if args.quick else "-"

    info = machine()
    print(f"machine: {info['cpus']} CPU(s) available, Python {info['python']}, {info['platform']}")
    length = f"{QUICK_DAYS:g} simulated days in all" if args.quick else "the warm-up, then one simulated year"
    print(f"config: {CONFIG.relative_to(ROOT)} scaled by k; one replication of {length}, no detail tables"
          + (f"; best of {args.repeats}" if args.repeats > 1 else "")
          + (" (quick smoke test: timings mean little)" if args.quick else ""))
    print()

    runs: dict[str, dict[str, Any]] = {}
    bare: dict[str, dict[str, Any]] = {}
    skipped: dict[str, int] = {}
    skipped_estimate: dict[str, dict[str, float]] = {}
    failed: list[str] = []

    def attempt(name: str, child: list[str]) -> dict[str, Any] | None:
        try:
            return best(args.repeats, child)
        except CaseFailed as exc:
            failed.append(f"{name}: {exc}")
            print(f"{name}: FAILED\n{exc}\n", file=sys.stderr)
            return None

    clock = time.perf_counter()
    for label, factor in cases:
        run = attempt(label, ["--child", "model", factor, days])
        if run is None:
            continue
        runs[label] = run
        if args.no_bare:
            continue
        for queue in QUEUES:
            if queue == "mmc" and run["beds"] > BARE_MOST_BEDS:
                skipped[label] = run["beds"]
                continue
            found = attempt(f"{label} bare SimPy {QUEUES[queue]}",
                            ["--child", "bare", queue, str(run["beds"]), repr(run["days"])])
            if found is not None:
                bare[f"{label} {queue}"] = found
    total = time.perf_counter() - clock

    if runs:
        print(f"{'discharge-sim':14s} {'k':>7s} {'beds':>7s} {'places':>7s} {'wall s':>8s} {'patients':>10s} "
              f"{'events':>11s} {'ev/pt':>6s} {'events/s':>9s} {'us/pt':>7s} {'in model':>9s} {'peak MiB':>9s} "
              f"{'floor':>6s} {'occup':>6s} {'delayed bd/600 beds':>19s}")
        for label, run in runs.items():
            print(f"{label:14s} {run['factor']:7.2f} {run['beds']:7,d} {run['places']:7,d} "
                  f"{run['wall_seconds']:8.2f} {run['patients']:10,d} {run['events']:11,d} "
                  f"{run['events'] / run['patients']:6.2f} {run['events'] / run['wall_seconds']:9,.0f} "
                  f"{per_patient_us(run):7.2f} {run['in_model_at_end']:9,d} {run['peak_rss_mib']:9.1f} "
                  f"{run['floor_rss_mib']:6.1f} {run['occupancy']:6.1%} "
                  f"{run['delayed_bed_days_per_600_beds']:19,.0f}")
        print("  (in model: people in beds and places at the end; floor: peak MiB before the run, after imports)")
    if bare or skipped:
        print()
        print(f"{'bare SimPy':22s} {'beds':>7s} {'wall s':>16s} {'patients':>10s} {'events':>11s} "
              f"{'ev/pt':>6s} {'events/s':>9s} {'us/pt':>7s} {'':9s} {'peak MiB':>9s} {'floor':>6s}")
        for name, run in bare.items():
            label, queue = name.rsplit(" ", 1)
            print(f"{label + ' ' + QUEUES[queue]:22s} {run['beds']:7,d} "
                  f"{run['wall_seconds']:16.2f} {run['patients']:10,d} {run['events']:11,d} "
                  f"{run['events'] / run['patients']:6.2f} {run['events'] / run['wall_seconds']:9,.0f} "
                  f"{per_patient_us(run):7.2f} {'':9s} {run['peak_rss_mib']:9.1f} {run['floor_rss_mib']:6.1f}")
        print(f"  (load {MMC_LOAD:.0%}, the exponential stays of configs/mmc.yaml, the same simulated days as each "
              "case, collector paused; M/M/inf: the same arrivals and stays, no Resource)")
        for label, beds in skipped.items():
            note = f"  {label} M/M/c skipped: SimPy's Resource releases a bed in O(beds)"
            low, high = bare.get("1x mmc"), bare.get("10x (region) mmc")
            if low and high and high["beds"] > low["beds"]:
                slope = (per_patient_us(high) - per_patient_us(low)) / (high["beds"] - low["beds"])
                us = per_patient_us(low) + slope * (beds - low["beds"])
                patients = MMC_LOAD * beds / high["mean_stay_days"] * runs[label]["days"]
                note += (f"; extrapolated from 1x and 10x, {beds:,d} beds would take about {us:,.0f} us a patient, "
                         f"{us * patients / 3.6e9:.1f} h")
                skipped_estimate[label] = {"us_per_patient": us, "hours": us * patients / 3.6e9}
            print(note)

    print()
    figures: dict[str, Any] = {"machine": info, "quick": args.quick, "repeats": args.repeats,
                               "cases": runs, "bare_simpy": bare, "bare_simpy_mmc_skipped": skipped_estimate,
                               "benchmark_seconds": total, "failed": failed}
    one, ten = runs.get("1x"), runs.get("10x (region)")
    ratios: dict[str, Any] = {}
    if one and ten:
        cost = per_patient_us(ten) / per_patient_us(one)
        memory = ten["peak_rss_mib"] / one["peak_rss_mib"]
        ratios["per_patient_10x_over_1x"] = cost
        ratios["peak_memory_10x_over_1x"] = memory
        growth = {queue: per_patient_us(bare[f"10x (region) {queue}"]) / per_patient_us(bare[f"1x {queue}"])
                  for queue in QUEUES if f"1x {queue}" in bare and f"10x (region) {queue}" in bare}
        for queue, ratio in growth.items():
            ratios[f"bare_simpy_{queue}_per_patient_10x_over_1x"] = ratio
        print(f"{'target':44s} {'value':>10s} {'target':>10s}")
        print(f"{'cost per patient, 10x / 1x':44s} {cost:9.2f}x {'<= 1.1x':>10s}  "
              f"{verdict(cost, TARGETS['per_patient_10x'])}"
              + (("  (bare SimPy: " + ", ".join(f"{QUEUES[q]} {r:.2f}x" for q, r in growth.items()) + ")")
                 if growth else ""))
        print(f"{'peak memory, 10x / 1x':44s} {memory:9.2f}x {'<= 1.5x':>10s}  "
              f"{verdict(memory, TARGETS['memory_10x'])}")
    national = runs.get("national")
    if national:
        gib = national["peak_rss_mib"] / 1024
        ratios["national_peak_gib"] = gib
        ratios["national_wall_seconds"] = national["wall_seconds"]
        print(f"{'peak memory, national':44s} {gib:6.2f} GiB {'<= 4 GiB':>10s}  "
              f"{verdict(gib, TARGETS['national_gib'])}")
        print(f"{'wall time, national (one replication)':44s} {national['wall_seconds']:8.1f} s")
    figures["ratios"] = ratios
    figures["targets"] = TARGETS
    print(f"\nall cases, including start-up of each process: {total:.1f} s")
    if failed:
        print(f"{len(failed)} run(s) failed: " + "; ".join(f.splitlines()[0] for f in failed))

    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
