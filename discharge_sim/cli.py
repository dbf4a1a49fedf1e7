"""The ``discharge-sim`` command line: parse arguments, call the API, print. Nothing else.

Exit status: 0 success, 2 bad input (config, arguments, output folder), 1 internal error,
130 interrupted.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import math
import os
import platform
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from discharge_sim import __version__
from discharge_sim.analysis.attribution import SIDE_VARIANTS, removals
from discharge_sim.analysis.capacity import pool_loads
from discharge_sim.config import (
    Config,
    ConfigError,
    apply_overrides,
    config_from_dict,
    config_to_dict,
    load_config,
    read_config,
)
from discharge_sim.experiments.execution import Schedule, SchedulerError, execute, relative_precision
from discharge_sim.experiments.specification import (
    DETAIL_TABLES,
    Experiment,
    ReplicationPlan,
    Scenario,
    scenario_labels,
    shared_run_settings,
    sweep_scenarios,
)
from discharge_sim.io.outputs import Outcome, write_outputs
from discharge_sim.io.storage import (
    OutputError,
    PartialResults,
    default_out,
    write_folder,
    write_json,
    write_table,
    write_text_atomic,
)
from discharge_sim.present.progress import ProgressBar
from discharge_sim.present.text import (
    attribution_lines,
    calibration_lines,
    comparison_lines,
    dtoc_lines,
    headline_table,
    ranking_lines,
    sweep_lines,
    warmup_lines,
)

DEFAULT_CONFIG = Path("configs") / "baseline.yaml"
DEPENDENCIES = ("simpy", "numpy", "scipy", "pydantic", "pyyaml", "matplotlib", "tqdm")
"""Packages whose versions every manifest records."""
EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("allow_abbrev", False)  # options are spelled out: scripts stay unambiguous
        super().__init__(*args, **kwargs)

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
    run.add_argument("--from-manifest", type=Path, default=None, metavar="MANIFEST",
                     help="repeat the run recorded in a results folder's manifest.json: its config as run, seed, "
                     "replications and tables, byte for byte (only --out, --workers, --scheduler, --plots and "
                     "--quiet may be given with it)")
    _experiment_options(run, detail=True, out="results/<name>-<time>", plots=True)

    compare = sub.add_parser(
        "compare", help="run configs under the same seeds and compare them pairwise",
        description="Run every CONFIG with the same replication seeds (common random numbers) and "
        "report, for each metric, each config's mean and its paired difference from the first config "
        "with a 95% interval. The run settings (days, warm-up, replications, seed) of the first "
        "config apply to all, so replications pair up.")
    compare.add_argument("configs", nargs="+", type=Path, metavar="CONFIG", help="two or more YAML configs")
    _experiment_options(compare, detail=False, out="results/compare-<A>-vs-<B>-<time>", plots=True)

    sweep = sub.add_parser(
        "sweep", help="run a config over a grid of settings",
        description="Run CONFIG at every combination of the --set values, every point with the "
        "same replication seeds.")
    sweep.add_argument("config", type=Path, metavar="CONFIG", help="YAML config to vary")
    sweep.add_argument("--set", dest="settings", action="append", type=_setting, required=True,
                       metavar="KEY=VALUES",
                       help="a dotted config key and its values: KEY=v1,v2,v3 or KEY=start:stop:step "
                       "(stop included); repeat for a grid")
    _experiment_options(sweep, detail=False, out="results/sweep-<name>-<time>", plots=True)

    warmup = sub.add_parser(
        "warmup", help="suggest a warm-up period from the occupancy series (MSER-5)",
        description="Run CONFIG with no warm-up, average the daily bed occupancy and delayed-patient "
        "series over replications, and suggest the warm-up that MSER-5 finds, with a plot.")
    warmup.add_argument("config", nargs="?", type=Path, default=None, metavar="CONFIG",
                        help="YAML config (default: configs/baseline.yaml)")
    _experiment_options(warmup, detail=None, out="results/warmup-<name>-<time>")

    attribute = sub.add_parser(
        "attribute", help="split delay between hospital and social care by counterfactual runs",
        description="Run CONFIG (default configs/baseline.yaml) four ways per replication, with the same "
        "random numbers: as configured; with every hospital-owned step instant (no time, no staff); with "
        "social-care capacity unlimited (every social-care staff team and pool has room at once); with both. "
        "Report the delayed bed-days each side removes, their interaction and the Shapley split, beside the "
        "ledger's recorded split. --by step also removes one step, pool or staff team at a time and ranks them.")
    attribute.add_argument("config", nargs="?", type=Path, default=None, metavar="CONFIG",
                           help="YAML config (default: configs/baseline.yaml)")
    attribute.add_argument("--by", choices=("side", "step"), default="side",
                           help="side: the hospital/social-care split (default); step: also every step, pool "
                           "and staff team one at a time, ranked by the delay its removal takes away")
    _experiment_options(attribute, detail=False, out="results/attribute-<name>-<time>", plots=True)

    calibrate = sub.add_parser(
        "calibrate", help="fit config settings to target metric values",
        description="Fit the --vary settings of CONFIG so that the mean metrics of its runs match the "
        "targets in --target (a YAML file: targets: {metric: value or {value, tolerance}}). Grid search "
        "with refinement: each round runs every combination of --points values per setting (every point "
        "with the same seeds) and the next round searches one grid step either side of the best point. "
        "Writes calibration.csv (every point), calibration.json (the fit) and fitted.yaml (CONFIG with the "
        "fitted values, comments kept).")
    calibrate.add_argument("config", type=Path, metavar="CONFIG", help="YAML config to fit")
    calibrate.add_argument("--target", type=Path, required=True, metavar="TARGETS.yaml",
                           help="target values of metrics (columns of replications.csv)")
    calibrate.add_argument("--vary", action="append", type=_vary, required=True, metavar="KEY=LO:HI",
                           help="a dotted config key holding a number, and the range to search; repeat for more")
    calibrate.add_argument("--points", type=_positive_int, default=5, metavar="K",
                           help="grid points per setting and round, at least 4 (default 5)")
    calibrate.add_argument("--rounds", type=_positive_int, default=3, metavar="R",
                           help="rounds of refinement (default 3)")
    _experiment_options(calibrate, detail=None, out="results/calibrate-<name>-<time>")
    calibrate.add_argument("--warmup-days", type=_non_negative_float, default=None, metavar="W",
                           help="days discarded before measuring (default: run.warmup_days)")

    plot = sub.add_parser(
        "plot", help="draw the figures of a results folder",
        description="Draw every figure RESULTS_DIR has data for into RESULTS_DIR/figures, as PNG (200 dpi) and "
        "PDF, replacing any drawn before. run, compare, sweep and attribute do this themselves unless --no-plots.")
    plot.add_argument("results", type=Path, metavar="RESULTS_DIR", help="a folder written by run, compare, sweep or "
                      "attribute")
    plot.add_argument("--quiet", action="store_true", help="print nothing but errors")

    report = sub.add_parser(
        "report", help="write report.html and report.md for a results folder",
        description="Write RESULTS_DIR/report.html (self-contained: figures embedded, opens offline) and "
        "RESULTS_DIR/report.md: the question, the model in plain words, the parameters as run, results with 95% "
        "intervals, the figures with captions, assumptions and limitations, and a STRESS-DES appendix. Draws the "
        "figures first if the folder has none.")
    report.add_argument("results", type=Path, metavar="RESULTS_DIR", help="a folder written by run, compare, sweep "
                        "or attribute")
    report.add_argument("--quiet", action="store_true", help="print nothing but errors")

    validate = sub.add_parser(
        "validate", help="check the engine against queueing theory and print pass or fail per case",
        description="Run the analytic cases (Erlang B blocking of a 100-bed loss system at offered loads 85, 90 "
        "and 95; Erlang C waiting for an M/M/c bed queue; the M/M/c queue for downstream care places with 22 and "
        "25 places; a two-stage tandem with blocking solved exactly; Little's law for delayed patients in CONFIG) "
        "and print, per case, the expected value, the simulated mean with its 95%% interval and pass or fail. "
        "Writes validation.csv, validation.json, validation.md and figures/validation.png. Exit status 1 if any "
        "case fails.")
    validate.add_argument("config", nargs="?", type=Path, default=None, metavar="CONFIG",
                          help="config for the Little's-law case (default: configs/baseline.yaml)")
    validate.add_argument("--out", type=Path, default=None, metavar="DIR",
                          help="results folder to create (default: results/validation-<time>); must not exist")
    validate.add_argument("--seed", type=_non_negative_int, default=VALIDATION_SEED, metavar="S",
                          help=f"seed of every case (default {VALIDATION_SEED})")
    validate.add_argument("--quick", action="store_true",
                          help="shorter runs and fewer replications (wider intervals): a smoke test in seconds")
    validate.add_argument("--plots", action=argparse.BooleanOptionalAction, default=True,
                          help="draw figures/validation.png and .pdf (default: yes)")
    validate.add_argument("--workers", type=_positive_int, default=None, metavar="N",
                          help=f"local worker processes (default: the number of CPUs, {_cpus()})")
    validate.add_argument("--quiet", action="store_true", help="print nothing but errors")

    check = sub.add_parser("check", help="validate a config and print it as it would run",
                           description="Validate CONFIG and print it with every default filled in.")
    check.add_argument("config", type=Path, metavar="CONFIG", help="YAML config to check")
    return parser


def _experiment_options(p: argparse.ArgumentParser, detail: bool | None, out: str, plots: bool = False) -> None:
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help=f"results folder to create (default: {out}); must not exist")
    p.add_argument("--replications", type=_replications, default=None, metavar="N",
                   help="replications per config, or 'auto': add replications until the 95%% interval of "
                   "total delayed bed-days is within --target-half-width of its mean (default: run.replications)")
    p.add_argument("--target-half-width", type=_fraction, default=None, metavar="F",
                   help="with --replications auto: relative half-width to reach, e.g. 0.05 or 5%% (default 5%%)")
    p.add_argument("--min-replications", type=_positive_int, default=None, metavar="N",
                   help="with --replications auto: replications to run at least (default 5)")
    p.add_argument("--max-replications", type=_positive_int, default=None, metavar="N",
                   help="with --replications auto: replications to run at most (default 100)")
    p.add_argument("--seed", type=_non_negative_int, default=None, metavar="S",
                   help="experiment seed (default: run.seed in the config)")
    p.add_argument("--days", type=_positive_float, default=None, metavar="D",
                   help="days to simulate in total (default: run.days)")
    if detail is not None:
        p.add_argument("--warmup-days", type=_non_negative_float, default=None, metavar="W",
                       help="days discarded before measuring (default: run.warmup_days)")
        tables = "per-patient and per-delay-segment tables" if detail else \
            "per-patient, per-delay-segment and per-day occupancy tables"
        p.add_argument("--detail", action=argparse.BooleanOptionalAction, default=detail,
                       help=f"also write the {tables} (default: {'yes' if detail else 'no'})")
    if plots:
        p.add_argument("--plots", action=argparse.BooleanOptionalAction, default=True,
                       help="draw the figures into DIR/figures as PNG and PDF (default: yes; --no-plots to skip)")
    p.add_argument("--workers", type=_positive_int, default=None, metavar="N",
                   help=f"local worker processes (default: the number of CPUs, {_cpus()})")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run on a Dask distributed cluster at this scheduler address, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--resume", action="store_true",
                   help="insist on resuming an interrupted run of this command (a rerun resumes anyway)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    args.argv = argv
    if args.command is None:
        parser.print_help()
        print("discharge-sim: error: choose a command", file=sys.stderr)
        return EXIT_BAD_INPUT
    commands = {"run": cmd_run, "compare": cmd_compare, "sweep": cmd_sweep, "warmup": cmd_warmup,
                "attribute": cmd_attribute, "calibrate": cmd_calibrate, "plot": cmd_plot,
                "report": cmd_report, "check": cmd_check, "validate": cmd_validate}
    previous = signal.signal(signal.SIGTERM, _terminate)  # `kill`: stop as cleanly as Ctrl-C
    try:
        return commands[args.command](args)
    except (ConfigError, OutputError, SchedulerError, UsageError) as exc:
        print(f"discharge-sim: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Interrupted as exc:
        print(f"\ndischarge-sim: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt as exc:
        print("\ndischarge-sim: interrupted; no results were written", file=sys.stderr)
        return _interrupt_status(exc)
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        if os.environ.get("DISCHARGE_SIM_DEBUG"):
            raise
        print(f"discharge-sim: internal error: {type(exc).__name__}: {exc}\n"
              "Set DISCHARGE_SIM_DEBUG=1 for the traceback and please report it.", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        signal.signal(signal.SIGTERM, previous)


class UsageError(Exception):
    """Arguments that parse but do not make sense together."""


class Interrupted(Exception):
    """Ctrl-C or SIGTERM during an experiment: finished replications are kept for a resume."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C (exit status 143 rather than 130)."""


def _terminate(_signum: int, _frame: Any) -> None:
    raise Terminated


def _interrupt_status(exc: BaseException) -> int:
    return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED


# --- commands -----------------------------------------------------------------------------

def cmd_run(args: argparse.Namespace) -> int:
    if args.from_manifest is not None:
        experiment, path = _from_manifest(args)
        config = experiment.scenarios[0].config
    else:
        path = args.config or default_config()
        config = load_config(path, _run_overrides(args))  # the config as run: the manifest records exactly this
        tables = tuple(DETAIL_TABLES) if args.detail else ("occupancy",)
        experiment = Experiment("run", (Scenario(config.name, config),), config.run.seed, _plan(args, config), tables)
    outcome, out = carry_out(args, experiment, config.name, [path])
    summary = outcome.summaries[0]
    return _report(args, outcome, out,
                   headline_table(summary, config, outcome.replications) + "\n\n" + dtoc_lines(summary, config))


def cmd_attribute(args: argparse.Namespace) -> int:
    path = args.config or default_config()
    config = load_config(path, _run_overrides(args))
    variants = [Scenario(name, config, variant=variant) for name, variant in SIDE_VARIANTS]
    if args.by == "step":
        variants += [Scenario(item.label, config, variant=item.variant) for item in removals(config)]
    tables = tuple(DETAIL_TABLES) if args.detail else ()
    plan = replace(_plan(args, config), first_only=True)
    experiment = Experiment("attribute", tuple(variants), config.run.seed, plan, tables)
    outcome, out = carry_out(args, experiment, f"attribute-{config.name}", [path])
    doc = json.loads((out / "attribution.json").read_text(encoding="utf-8"))
    days = config.run.days - config.run.warmup_days
    text = attribution_lines(doc, days)
    if "by_step" in doc:
        text += "\n\n" + ranking_lines(doc["by_step"])
    text += "\n\nThe run as configured:\n" + dtoc_lines(outcome.summaries[0], config)
    return _report(args, outcome, out, text)


def cmd_compare(args: argparse.Namespace) -> int:
    if len(args.configs) < 2:
        raise UsageError("compare needs at least two configs")
    configs = [load_config(path, _run_overrides(args)) for path in args.configs]
    configs, notes = shared_run_settings(configs)
    labels = scenario_labels([c.name for c in configs], [p.stem for p in args.configs])
    scenarios = tuple(Scenario(label, cfg) for label, cfg in zip(labels, configs))
    tables = tuple(DETAIL_TABLES) if args.detail else ()
    experiment = Experiment("compare", scenarios, configs[0].run.seed, _plan(args, configs[0]), tables)
    say = _printer(args.quiet)
    for note in notes:
        say(f"note: {note}")
    outcome, out = carry_out(args, experiment, "compare-" + "-vs-".join(labels)[:80], args.configs)
    return _report(args, outcome, out, comparison_lines(outcome))


def cmd_sweep(args: argparse.Namespace) -> int:
    keys = [key for key, _ in args.settings]
    for key in keys:
        if key in ("run.seed", "run.replications"):
            raise UsageError(f"--set {key}: use --{key.split('.')[1]} instead; every sweep point shares it")
        if keys.count(key) > 1:
            raise UsageError(f"--set {key}: given more than once; list all its values in one --set")
        option = {"run.days": "--days", "run.warmup_days": "--warmup-days"}.get(key)
        if option and getattr(args, option[2:].replace("-", "_")) is not None:
            raise UsageError(f"--set {key} and {option} both set it; use one")
    raw = apply_overrides(read_config(args.config), _run_overrides(args))
    scenarios = sweep_scenarios(raw, args.settings, source=str(args.config))
    config = scenarios[0].config
    tables = tuple(DETAIL_TABLES) if args.detail else ()
    experiment = Experiment("sweep", tuple(scenarios), config.run.seed, _plan(args, config), tables)
    outcome, out = carry_out(args, experiment, f"sweep-{config.name}", [args.config])
    return _report(args, outcome, out, sweep_lines(outcome))


def cmd_warmup(args: argparse.Namespace) -> int:
    path = args.config or default_config()
    configured = load_config(path)
    config = load_config(path, {**_run_overrides(args), "run.warmup_days": 0.0})
    experiment = Experiment("warmup", (Scenario(config.name, config),), config.run.seed,
                            _plan(args, config), ("occupancy",))
    _, out = carry_out(args, experiment, f"warmup-{config.name}", [path], configured_warmup=configured.run.warmup_days)
    say = _printer(args.quiet)
    say("")
    say(warmup_lines(json.loads((out / "summary.json").read_text(encoding="utf-8"))["warmup"]))
    say(f"\nResults and plot: {out}")
    return EXIT_OK


def cmd_calibrate(args: argparse.Namespace) -> int:
    from discharge_sim.api.calibrate import CalibrationJob
    from discharge_sim.experiments.calibration import MIN_POINTS

    if args.replications == "auto":
        raise UsageError("calibrate: --replications must be a number; every grid point runs the same replications")
    if args.points < MIN_POINTS:
        raise UsageError(f"--points {args.points}: at least {MIN_POINTS}, so that each round narrows the search")
    for key, _, _ in args.vary:
        if key.startswith("run."):
            raise UsageError(f"--vary {key}: run settings are not calibrated; use --days, --warmup-days, "
                             "--replications or --seed")
    raw = apply_overrides(read_config(args.config), _run_overrides(args))
    job = CalibrationJob.prepare(args.config, raw, args.target, args.vary, args.points, args.rounds)
    _plan(args, job.base)  # refuses the precision options of --replications auto
    say = _printer(args.quiet)
    workers = args.workers or _cpus()
    where = _where(args, workers)
    say(f"discharge-sim {__version__}: calibrate {job.base.name}: {len(job.parameters)} setting(s), "
        f"{args.rounds} round(s) of up to {job.points_per_round} point(s), {job.replications} replication(s) "
        f"each, seed {job.seed}, {where}")
    fingerprint = job.fingerprint(__version__)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    header = {"started": started, "command": ["discharge-sim", *args.argv]}
    with PartialResults.open(fingerprint, args.out, Path("results"), f"calibrate-{job.base.name}", header,
                             resume=args.resume) as store:
        if store.resumed:
            say(f"resuming: {len(store.done())} replication(s) already finished in {store.work}")
        try:
            job.search(store, workers, args.scheduler, say, progress=ProgressBar.wanted(args.quiet))
        except KeyboardInterrupt as exc:
            raise _interrupted(exc, store) from None
        manifest = {
            **_tool(args), "kind": "calibrate", "config_path": str(args.config), "targets_path": str(args.target),
            "seed": job.seed, "replications": job.replications, **_when_and_where(args, store, workers),
            "calibration_sha256": fingerprint,
        }
        store.finish(lambda folder: job.write(folder, manifest))
    say("")
    say(calibration_lines(job.document()))
    say(f"\nResults and fitted config: {store.out}")
    return EXIT_OK


def _report(args: argparse.Namespace, outcome: Outcome, out: Path, table: str) -> int:
    """The closing lines of run, compare and sweep: the table, how many replications, where."""
    say = _printer(args.quiet)
    say("")
    say(table)
    say(f"\n{_rule_note(outcome)}")
    say(f"Results: {out}")
    return EXIT_OK


def cmd_plot(args: argparse.Namespace) -> int:
    from discharge_sim.present.figures import draw_all  # matplotlib: imported only when figures are drawn

    with _reading(args.results):
        drawn = draw_all(args.results)
    say = _printer(args.quiet)
    for figure in drawn:
        say(f"{args.results / 'figures' / figure.name}.png (and .pdf): {figure.title}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from discharge_sim.present.report import write_report  # matplotlib (for missing figures): imported only when needed

    with _reading(args.results):
        md, page = write_report(args.results)
    _printer(args.quiet)(f"Report: {page} (self-contained) and {md}")
    return EXIT_OK


@contextmanager
def _reading(folder: Path) -> Iterator[None]:
    """Results files missing a key or holding the wrong shape are bad input, not an internal error."""
    try:
        yield
    except (KeyError, TypeError, IndexError) as exc:
        raise OutputError(f"{folder}: the results files are incomplete or damaged ({exc!r} missing or "
                          "wrong); rerun the experiment") from None


def cmd_check(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    print(f"# {args.config}: valid config {config.name!r}")
    for line in [*capacity_notes(config), *surge_notes(config)]:
        print(f"# {line}")
    print(yaml.safe_dump(config_to_dict(config), sort_keys=False, width=100), end="")
    return EXIT_OK


VALIDATION_SEED = 20240401
REPEATABLE = {"out", "workers", "scheduler", "plots", "quiet"}
"""Options that may go with --from-manifest: they change where and how, never what, is computed."""


def _from_manifest(args: argparse.Namespace) -> tuple[Experiment, Path]:
    """The experiment a run's manifest.json records, checked against its own hashes."""
    given = [f"--{k.replace('_', '-')}" for k, v in vars(args).items()
             if k not in REPEATABLE | {"from_manifest", "command", "argv", "detail", "resume", "config"}
             and v is not None]
    given += [flag for flag in ("--detail", "--no-detail") if flag in args.argv]
    if args.config is not None:
        given.insert(0, "CONFIG")
    if given:
        raise UsageError(f"--from-manifest repeats the recorded run; {', '.join(given)} cannot be given with it")
    path = args.from_manifest
    where = f"--from-manifest {path}"
    if path.is_dir():
        raise UsageError(f"{where}: a folder; give the manifest.json inside it ({path / 'manifest.json'})")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{where}: cannot read it ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{where}: not a text file; give a results folder's manifest.json") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{where}: not a JSON file ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(manifest, dict) or manifest.get("kind") != "run":
        kind = manifest.get("kind") if isinstance(manifest, dict) else None
        raise UsageError(f"{where}: not the manifest of a run (kind {kind!r}); give the manifest.json of a folder "
                         "written by discharge-sim run")
    missing = [key for key in ("config", "config_sha256", "seed", "tables", "plan", "experiment_sha256")
               if key not in manifest]
    if missing:
        raise UsageError(f"{where}: it has no {', '.join(map(repr, missing))}; it is damaged, or was written by an "
                         "older discharge-sim that did not record enough to repeat the run")
    if config_hash(manifest["config"]) != manifest["config_sha256"]:
        raise UsageError(f"{where}: its config does not match its config_sha256; the manifest has been edited")
    config = config_from_dict(manifest["config"], source=f"{path}: config")
    try:
        seed, tables = manifest["seed"], tuple(manifest["tables"])
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise ValueError(f"seed {seed!r} is not a non-negative integer")
        if not set(tables) <= set(DETAIL_TABLES):
            raise ValueError(f"tables {list(tables)!r} are not among {', '.join(DETAIL_TABLES)}")
        plan = ReplicationPlan(**manifest["plan"])
    except (TypeError, ValueError) as exc:
        raise UsageError(f"{where}: {exc}; the manifest is damaged or has been edited") from None
    experiment = Experiment("run", (Scenario(config.name, config),), seed, plan, tables)
    written_by = str(manifest.get("version"))
    if experiment.fingerprint(written_by) != manifest["experiment_sha256"]:
        raise UsageError(f"{where}: its seed, replication plan, tables or version do not match its "
                         "experiment_sha256; the manifest has been edited")
    if written_by != __version__:
        _printer(args.quiet)(f"note: the manifest was written by discharge-sim {written_by}; this is "
                             f"{__version__}, so results may differ")
    return experiment, Path(manifest.get("config_path", path))


def cmd_validate(args: argparse.Namespace) -> int:
    from discharge_sim.experiments.validation import (
        cases,
        csv_columns,
        judge,
        markdown,
        shared_runs,
        simulate_cases,
        table_lines,
    )

    config = load_config(args.config or default_config())
    chosen = cases(config, quick=args.quick)
    out = args.out or default_out(Path("results"), "validation")
    if out.exists():
        raise OutputError(f"{out}: already exists; choose another --out (results are never overwritten)")
    say = _printer(args.quiet)
    workers = args.workers or _cpus()
    groups = shared_runs(chosen)
    tasks = [(g, r) for g, group in enumerate(groups) for r in range(chosen[group[0]].replications)]
    say(f"discharge-sim {__version__}: validate, {len(chosen)} case(s), {len(tasks)} replication(s), seed "
        f"{args.seed}, on {workers} worker(s)")
    started = datetime.now(UTC).isoformat(timespec="seconds")
    clock = time.perf_counter()
    values: list[list[float]] = [[math.nan] * case.replications for case in chosen]

    def keep(g: int, r: int, measured: list[float]) -> None:
        for i, value in zip(groups[g], measured, strict=True):
            values[i][r] = value
        bar.step()

    def arguments(g: int, r: int) -> tuple[list[Any], int, int, int]:
        """simulate_cases' arguments for replication r of group g (its streams are its first case's)."""
        return [chosen[i] for i in groups[g]], groups[g][0], r, args.seed

    bar = ProgressBar(len(tasks), 0, ProgressBar.wanted(args.quiet))
    if workers > 1:
        from discharge_sim.experiments.execution import ProcessPool

        runner = ProcessPool(workers)
        try:
            futures = {runner.call(simulate_cases, *arguments(g, r)): (g, r) for g, r in tasks}
            pending = set(futures)
            while pending:
                for future in runner.wait(pending):
                    pending.discard(future)
                    keep(*futures[future], future.result())
        except BaseException:  # Ctrl-C: stop the cases under way and drop the queued ones
            runner.cancel()
            raise
        finally:
            runner.close()
    else:
        for g, r in tasks:
            keep(g, r, simulate_cases(*arguments(g, r)))
    bar.close()
    n_interval = sum(1 for case in chosen if case.rule == "interval")
    rows = [judge(case, v, n_interval) for case, v in zip(chosen, values, strict=True)]
    manifest = {**_tool(args), "kind": "validate", "seed": args.seed, "quick": args.quick,
                "little_config": config_to_dict(config), "started": started,
                "finished": datetime.now(UTC).isoformat(timespec="seconds"),
                "wall_seconds": round(time.perf_counter() - clock, 3), "execution": {"workers": workers},
                **_software()}

    def write(folder: Path) -> None:
        write_table(folder / "validation.csv", csv_columns(rows))
        write_json(folder / "validation.json", {"seed": args.seed, "cases": rows})
        write_text_atomic(folder / "validation.md", markdown(rows, args.seed, __version__, args.quick))
        write_json(folder / "manifest.json", manifest)
        if args.plots:
            from discharge_sim.present.charts import save_figure, validation_figure

            save_figure(validation_figure(rows, "Simulated against known values"), folder / "figures", "validation")

    write_folder(out, write)
    failed = [row["case"] for row in rows if not row["passed"]]
    say("")
    say(table_lines(rows))
    say("")
    say(f"{len(rows) - len(failed)} of {len(rows)} case(s) pass" + (f"; FAILED: {', '.join(failed)}" if failed else "")
        + f". Results: {out}")
    return EXIT_INTERNAL if failed else EXIT_OK


def carry_out(args: argparse.Namespace, experiment: Experiment, name: str, paths: Sequence[Path],
              configured_warmup: float | None = None) -> tuple[Outcome, Path]:
    """Run (or resume) ``experiment`` into a results folder; return its outcome and the folder."""
    say = _printer(args.quiet)
    workers = args.workers or _cpus()
    seen: set[int] = set()
    for scenario in experiment.scenarios:
        if id(scenario.config) in seen:  # attribute: one config under several variants
            continue
        seen.add(id(scenario.config))
        named = len(experiment.scenarios) > 1 and experiment.kind != "attribute"
        where = f"{scenario.label}: " if named else ""
        for pool, load in pool_loads(scenario.config).items():  # not `name`: that is the folder's name
            if load.unstable:
                say(f"note: {where}pool {pool} has {load.places} places for an expected load of "
                    f"{load.total:,.1f}: its queue will grow for as long as the run lasts")
        for note in surge_notes(scenario.config):
            say(f"note: {where}{note}")
    fingerprint = experiment.fingerprint(__version__)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    job = {"started": started, "command": ["discharge-sim", *args.argv]}
    with PartialResults.open(fingerprint, args.out, Path("results"), name, job, resume=args.resume) as store:
        schedule = Schedule(len(experiment.scenarios), experiment.plan, store.done())
        n_scenarios = len(experiment.scenarios)
        where = _where(args, workers)
        say(f"discharge-sim {__version__}: {experiment.kind} of {n_scenarios} scenario(s), "
            f"{experiment.plan.describe()}, seed {experiment.seed}, {where}")
        if store.resumed:
            say(f"resuming: {schedule.already_done} replication(s) already finished in {store.work}")
        bar = ProgressBar(experiment.plan.most * n_scenarios, schedule.already_done, ProgressBar.wanted(args.quiet))
        clock = time.perf_counter()
        try:
            execute(experiment, store, workers, args.scheduler, bar.update, schedule)
        except KeyboardInterrupt as exc:
            bar.close()
            raise _interrupted(exc, store) from None
        bar.close()
        assert schedule.final is not None
        outcome = Outcome.collect(experiment, store, schedule.final, schedule.reason)
        manifest = build_manifest(experiment, paths, args, store, outcome,
                                  wall_seconds=time.perf_counter() - clock, workers=workers)
        plots = getattr(args, "plots", False)
        store.finish(lambda folder: write_outputs(folder, outcome, store, manifest, configured_warmup, plots))
    return outcome, store.out


def _run_overrides(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for key, value in (("run.days", args.days), ("run.warmup_days", getattr(args, "warmup_days", None)),
                       ("run.seed", args.seed)):
        if value is not None:
            overrides[key] = value
    if isinstance(args.replications, int):
        overrides["run.replications"] = args.replications
    return overrides


def _plan(args: argparse.Namespace, config: Config) -> ReplicationPlan:
    rule = {"--target-half-width": args.target_half_width, "--min-replications": args.min_replications,
            "--max-replications": args.max_replications}
    if args.replications != "auto":
        given = [name for name, value in rule.items() if value is not None]
        if given:
            raise UsageError(f"{', '.join(given)}: only with --replications auto")
        return ReplicationPlan(fixed=config.run.replications)
    auto = ReplicationPlan(fixed=None)
    plan = ReplicationPlan(fixed=None, target=args.target_half_width or auto.target,
                           minimum=max(2, args.min_replications or auto.minimum),
                           maximum=args.max_replications or auto.maximum)
    if plan.minimum > plan.maximum:
        raise UsageError(f"--min-replications {plan.minimum} is more than --max-replications {plan.maximum}")
    return plan


def surge_notes(config: Config) -> list[str]:
    """A surge that misses the measured window, wholly or in part, changes nothing or less than meant."""
    lo, hi = config.run.warmup_days, config.run.days
    notes = []
    for surge in config.emergency.surges:
        start, end = surge.start_day, surge.start_day + surge.days
        span = f"the surge on days {start:g}-{end:g}"
        if start >= hi or end <= lo:
            notes.append(f"{span} lies outside the measured days {lo:g}-{hi:g}: it changes nothing measured")
        elif start < lo or end > hi:
            notes.append(f"{span} runs outside the measured days {lo:g}-{hi:g}: only part of it is measured")
    return notes


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


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def build_manifest(experiment: Experiment, paths: Sequence[Path], args: argparse.Namespace,
                   store: PartialResults, outcome: Outcome, wall_seconds: float, workers: int) -> dict[str, Any]:
    """Provenance: what ran (configs as run, seed, plan), with what, where and when."""
    scenarios: list[dict[str, Any]] = []
    for s in experiment.scenarios:
        as_run = config_to_dict(s.config)
        scenarios.append({"label": s.label, "settings": dict(s.settings), "config_sha256": config_hash(as_run),
                          "config": as_run})
    manifest: dict[str, Any] = {
        **_tool(args),
        "kind": experiment.kind,
        "config_paths": [str(p) for p in paths],
        "seed": experiment.seed,
        "replications": outcome.replications,
        "replication_rule": outcome.rule,
        **_when_and_where(args, store, workers),
        "wall_seconds_this_session": round(wall_seconds, 3),
        "experiment_sha256": experiment.fingerprint(__version__),
        "tables": list(experiment.tables),
        "plan": dataclasses.asdict(experiment.plan),
    }
    if len(scenarios) == 1:
        only = scenarios[0]
        manifest.update(config_path=str(paths[0]), config_name=only["config"]["name"],
                        config_sha256=only["config_sha256"], config=only["config"])
    else:
        manifest["scenarios"] = scenarios
    return manifest


def _where(args: argparse.Namespace, workers: int) -> str:
    return f"on the Dask cluster at {args.scheduler}" if args.scheduler else f"on {workers} worker(s)"


def _tool(args: argparse.Namespace) -> dict[str, Any]:
    return {"tool": "discharge-sim", "version": __version__, "command": ["discharge-sim", *args.argv]}


def _when_and_where(args: argparse.Namespace, store: PartialResults, workers: int) -> dict[str, Any]:
    """The manifest's record of when and on what a results folder was made."""
    return {
        "started": store.job.get("started"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "resumed": store.resumed,
        "execution": {"scheduler": args.scheduler} if args.scheduler else {"workers": workers},
        **_software(),
    }


def _software() -> dict[str, Any]:
    """The Python and package versions a manifest records."""
    return {"python": platform.python_version(), "dependencies": {name: _version(name) for name in DEPENDENCIES}}


def _interrupted(exc: BaseException, store: PartialResults) -> Interrupted:
    """Ctrl-C or SIGTERM during an experiment: say what was kept and how to resume."""
    kept = len(store.done())
    if not kept and not store.resumed:
        return Interrupted("interrupted before any replication finished; no results were written",
                           _interrupt_status(exc))
    return Interrupted(f"interrupted; {kept} finished replication(s) kept in {store.work}. "
                       "Run the same command again to resume.", _interrupt_status(exc))


def config_hash(as_run: dict[str, Any]) -> str:
    """SHA-256 of the config as run (canonical JSON): equal hashes, equal scenarios."""
    text = json.dumps(as_run, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _printer(quiet: bool) -> Any:
    def say(text: str) -> None:
        if not quiet:
            print(text, flush=True)

    return say


def _rule_note(outcome: Outcome) -> str:
    plan = outcome.experiment.plan
    if outcome.rule == "fixed":
        return f"Replications: {outcome.replications} (fixed)."
    judged = outcome.summaries[:1] if plan.first_only else outcome.summaries
    worst = max(relative_precision(s.get(plan.metric, {})) for s in judged)
    if outcome.rule == "target":
        return (f"Replications: {outcome.replications}, chosen automatically: the 95% interval of {plan.metric} is "
                f"within ±{worst:.1%} of the mean (target ±{plan.target:.1%}).")
    return (f"Replications: {outcome.replications}, the cap (--max-replications): the 95% interval of "
            f"{plan.metric} is ±{worst:.1%} of the mean, short of the target ±{plan.target:.1%}.")


def _replications(text: str) -> int | str:
    return "auto" if text.strip().lower() == "auto" else _positive_int(text)


def _vary(text: str) -> tuple[str, float, float]:
    """``key=lo:hi`` -> (key, lo, hi)."""
    key, sep, spec = text.partition("=")
    parts = spec.split(":")
    if not sep or not key.strip() or len(parts) != 2:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected KEY=LOW:HIGH, e.g. steps.care_home.search_probability=0.5:0.9")
    low, high = (_number(p.strip(), float) for p in parts)
    return key.strip(), low, high


def _fraction(text: str) -> float:
    value = _number(text.strip().rstrip("%"), float) / (100 if text.strip().endswith("%") else 1)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be a fraction between 0 and 1, such as 0.05 or 5%")
    return float(value)


def _setting(text: str) -> tuple[str, list[Any]]:
    """``key=v1,v2`` or ``key=start:stop:step`` (stop included) -> (key, values)."""
    key, sep, spec = text.partition("=")
    key, spec = key.strip(), spec.strip()
    if not sep or not key or not spec:
        raise argparse.ArgumentTypeError(f"{text!r}: expected KEY=v1,v2,... or KEY=start:stop:step")
    if "," not in spec and spec.count(":") == 2:
        return key, _range(text, *spec.split(":"))
    values = [_scalar(v.strip()) for v in spec.split(",")]
    if any(v == "" for v in values):
        raise argparse.ArgumentTypeError(f"{text!r}: an empty value in the list")
    return key, values


def _range(text: str, *parts: str) -> list[Any]:
    numbers = [_scalar(p.strip()) for p in parts]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in numbers):
        raise argparse.ArgumentTypeError(f"{text!r}: start:stop:step must be three numbers")
    start, stop, step = numbers
    if not step > 0 or stop < start:
        raise argparse.ArgumentTypeError(f"{text!r}: needs step > 0 and stop >= start")
    count = (math.floor((stop - start) / step + 1e-9)) + 1
    if count > 10_000:
        raise argparse.ArgumentTypeError(f"{text!r}: {count} values; at most 10,000")
    if all(isinstance(v, int) for v in numbers):
        return [start + i * step for i in range(count)]
    return [round(start + i * step, 10) for i in range(count)]


def _scalar(text: str) -> Any:
    """A command-line value as YAML would read it, with 1e3-style numbers read as numbers."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return yaml.safe_load(text) if text else ""


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
