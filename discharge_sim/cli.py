"""The ``discharge-sim`` command line: parse arguments, call the API, print. Nothing else.

Exit status: 0 success, 2 bad input (config, arguments, output folder), 1 internal error,
130 interrupted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from . import __version__
from .capacity import pool_loads
from .config import Config, ConfigError, config_to_dict, load_config
from .experiment import ExperimentResult
from .experiment import run as run_experiment
from .results import HEADLINE
from .storage import OutputError, write_results

DEFAULT_CONFIG = Path("configs") / "baseline.yaml"
EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="discharge-sim",
        description="Simulate delayed hospital discharge and attribute every delayed bed-hour "
        "to hospital-internal administration, social-care capacity or other causes.",
    )
    parser.add_argument("--version", action="version", version=f"discharge-sim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    run = sub.add_parser("run", help="run replications of a config and write a results folder",
                         description="Run replications of CONFIG (default configs/baseline.yaml), "
                         "write a results folder and print delayed bed-days by cause.")
    run.add_argument("config", nargs="?", type=Path, default=None, metavar="CONFIG",
                     help="YAML config (default: configs/baseline.yaml)")
    run.add_argument("--out", type=Path, default=None, metavar="DIR",
                     help="results folder to create (default: results/<name>-<time>); must not exist")
    run.add_argument("--replications", type=_positive_int, default=None, metavar="N",
                     help="replications (default: run.replications in the config)")
    run.add_argument("--seed", type=_non_negative_int, default=None, metavar="S",
                     help="experiment seed (default: run.seed in the config)")
    run.add_argument("--days", type=_positive_float, default=None, metavar="D",
                     help="days to simulate in total (default: run.days)")
    run.add_argument("--warmup-days", type=_non_negative_float, default=None, metavar="W",
                     help="days discarded before measuring (default: run.warmup_days)")
    run.add_argument("--quiet", action="store_true", help="print nothing but errors")

    check = sub.add_parser("check", help="validate a config and print it as it would run",
                           description="Validate CONFIG and print it with every default filled in.")
    check.add_argument("config", type=Path, metavar="CONFIG", help="YAML config to check")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    args.argv = argv
    if args.command is None:
        parser.print_help()
        print("discharge-sim: error: choose a command (run or check)", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        if args.command == "run":
            return cmd_run(args)
        if args.command == "check":
            return cmd_check(args)
        raise AssertionError(args.command)
    except (ConfigError, OutputError) as exc:
        print(f"discharge-sim: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("discharge-sim: interrupted; no results were written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        if os.environ.get("DISCHARGE_SIM_DEBUG"):
            raise
        print(f"discharge-sim: internal error: {type(exc).__name__}: {exc}\n"
              "Set DISCHARGE_SIM_DEBUG=1 for the traceback and please report it.", file=sys.stderr)
        return EXIT_INTERNAL


# --- commands -----------------------------------------------------------------------------

def cmd_run(args: argparse.Namespace) -> int:
    path = args.config or default_config()
    overrides: dict[str, Any] = {}
    for key, value in (("run.days", args.days), ("run.warmup_days", args.warmup_days),
                       ("run.replications", args.replications), ("run.seed", args.seed)):
        if value is not None:
            overrides[key] = value
    config = load_config(path, overrides)  # the config as run: the manifest records exactly this
    replications = config.run.replications
    seed = config.run.seed
    out = args.out or default_out(config.name)
    if out.exists():
        raise OutputError(f"{out}: already exists; choose another --out (results are never overwritten)")
    say = _printer(args.quiet)
    say(f"discharge-sim {__version__}: {config.name}, {replications} replication(s) of "
        f"{config.run.days:g} days ({config.run.warmup_days:g} warm-up), seed {seed}")
    started = datetime.now(UTC)
    clock = time.perf_counter()

    def progress(rep: Any) -> None:
        say(f"  replication {rep.replication + 1}/{replications} done "
            f"({time.perf_counter() - clock:.1f} s)")

    result = run_experiment(config, replications, seed, on_replication=progress)
    manifest = build_manifest(config, path, args.argv, started, datetime.now(UTC))
    write_results(out, result, manifest)
    say("")
    say(headline_table(result))
    say(f"\nResults: {out}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    print(f"# {args.config}: valid config {config.name!r}")
    for line in capacity_notes(config):
        print(f"# {line}")
    print(yaml.safe_dump(config_to_dict(config), sort_keys=False, width=100), end="")
    return EXIT_OK


def capacity_notes(config: Config) -> list[str]:
    """One line per pool: expected offered load against places, flagged when unstable."""
    notes = []
    for name, load in pool_loads(config).items():
        flag = "  <- at or over capacity: the queue will grow without end" if load.unstable else ""
        notes.append(f"pool {name}: {load.places} places; expected load {load.total:,.1f} places "
                     f"({load.utilisation:.0%}): community {load.community:,.1f} + hospital {load.hospital:,.1f}{flag}")
    return notes


# --- helpers -------------------------------------------------------------------------------

def default_config() -> Path:
    """configs/baseline.yaml in the working folder, else the one beside the package."""
    if DEFAULT_CONFIG.exists():
        return DEFAULT_CONFIG
    beside = Path(__file__).resolve().parent.parent / DEFAULT_CONFIG
    return beside if beside.exists() else DEFAULT_CONFIG


def default_out(name: str) -> Path:
    """results/<name>-<time>, made safe for a folder name and never an existing folder."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "run"
    stem = Path("results") / f"{safe}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    out, k = stem, 1
    while out.exists():
        k += 1
        out = stem.with_name(f"{stem.name}-{k}")
    return out


def build_manifest(config: Config, path: Path, argv: Sequence[str],
                   started: datetime, finished: datetime) -> dict[str, Any]:
    as_run = config_to_dict(config)
    return {
        "tool": "discharge-sim",
        "version": __version__,
        "command": ["discharge-sim", *argv],
        "config_path": str(path),
        "config_name": config.name,
        "seed": config.run.seed,
        "replications": config.run.replications,
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "dependencies": {name: _version(name) for name in ("simpy", "numpy", "scipy", "pydantic", "pyyaml")},
        "config_sha256": config_hash(as_run),
        "config": as_run,
    }


def config_hash(as_run: dict[str, Any]) -> str:
    """SHA-256 of the config as run (canonical JSON): equal hashes, equal scenarios."""
    text = json.dumps(as_run, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def headline_table(result: ExperimentResult) -> str:
    """Delayed bed-days by cause with 95% intervals, and the knock-on effects."""
    s = result.summary
    n = len(result.replications)
    days = result.config.run.days - result.config.run.warmup_days
    total = s["delayed_bed_days"]["mean"]
    late_total = s["delayed_bed_days_after_ready_day"]["mean"]
    lines = [
        f"Delayed bed-days over the {days:g} measured days: mean of {n} replication(s), with 95% interval.",
        "'All delayed hours' counts every hour from discharge-ready to departure, same-day hours included;",
        "'after the ready day' counts only hours after midnight of the ready date, as national figures do.",
        "",
        f"  {'cause':54s} {'all delayed hours':>17s} {'95% interval':>20s} {'share':>6s}"
        f"  {'after the ready day':>19s} {'share':>6s}",
    ]
    for key, label in HEADLINE:
        m = s[key]
        late = s[key.replace("delayed_bed_days", "delayed_bed_days_after_ready_day", 1)]["mean"]
        if key == "delayed_bed_days":
            lines.append("  " + "-" * 128)
        lines.append(
            f"  {label:54s} {m['mean']:17,.0f} {_interval(m):>20s} {_share(m['mean'], total):>6s}"
            f"  {late:19,.0f} {_share(late, late_total):>6s}"
        )
    lines.append("")
    for key, label, fmt in (
        ("occupancy", "Mean bed occupancy", "{:.1%}"),
        ("mean_delayed_beds", "Beds held by delayed patients (mean)", "{:,.1f}"),
        ("delayed_discharge_share", "Discharges leaving after their ready date", "{:.1%}"),
        ("mean_delay_days_of_delayed", "Mean delay of those, in days past the ready date", "{:.2f}"),
        ("boarding_hours", "Emergency hours waiting for a bed (total over the period)", "{:,.0f}"),
        ("cancelled_electives", "Cancelled elective admissions (total over the period)", "{:,.0f}"),
    ):
        m = s[key]
        interval = "" if m["n"] < 2 or m["ci_low"] != m["ci_low"] else \
            f"  ({fmt.format(m['ci_low'])} to {fmt.format(m['ci_high'])})"
        lines.append(f"  {label:58s} {fmt.format(m['mean']):>10s}{interval}")
    prefix = "delayed_bed_days_step_"
    steps = sorted(((v["mean"], k[len(prefix):]) for k, v in s.items() if k.startswith(prefix)), reverse=True)[:5]
    if steps and total:
        lines.append("")
        lines.append("  Steps holding the most delayed bed-days: " + ", ".join(
            f"{name} {value:,.0f} ({_share(value, total).strip()})" for value, name in steps
        ))
    return "\n".join(lines)


def _share(part: float, whole: float) -> str:
    return f"{part / whole * 100:5.1f}%" if whole else "     -"


def _interval(m: dict[str, float]) -> str:
    if m["n"] < 2 or m["ci_low"] != m["ci_low"]:
        return "(one replication)"
    return f"{m['ci_low']:,.0f} to {m['ci_high']:,.0f}"


def _printer(quiet: bool) -> Any:
    def say(text: str) -> None:
        if not quiet:
            print(text, flush=True)

    return say


def _positive_int(text: str) -> int:
    value = _number(text, int)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be a whole number of at least 1")
    return value


def _non_negative_int(text: str) -> int:
    value = _number(text, int)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a whole number of at least 0")
    return value


def _positive_float(text: str) -> float:
    value = _number(text, float)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a number greater than 0")
    return value


def _non_negative_float(text: str) -> float:
    value = _number(text, float)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a number of at least 0")
    return value


def _number(text: str, kind: type) -> Any:
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a {'whole ' if kind is int else ''}number") from None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
