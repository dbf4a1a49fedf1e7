"""The ``discharge-sim`` command line: parse arguments, call the API, print. Nothing else.

Every command is a function of :mod:`discharge_sim.api`; this module turns options into its
arguments and what it returns into text. Exit status: 0 success, 2 bad input (config, arguments,
output folder), 1 internal error (or a failed validation case), 130 interrupted, 143 terminated.

Building the parser needs only light modules (the limits and defaults it shows), so that ``--help``
and ``--version`` answer at once; a command imports the API, and with it the simulation, when it runs.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from discharge_sim.api.defaults import VALIDATION_SEED, cpus
from discharge_sim.api.errors import Interrupted, Terminated, UsageError
from discharge_sim.config.limits import (
    MOST_DAYS,
    MOST_REPLICATIONS,
    MOST_SAMPLE_POINTS,
    MOST_SAMPLES,
    MOST_TRAJECTORIES,
    SEED_LIMIT,
)
from discharge_sim.version import __version__
from discharge_sim.vocabulary import DETAIL_FORMATS

if TYPE_CHECKING:
    from discharge_sim.api.runner import Results

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143
MOST_POINTS = 100
"""The most grid points per setting and round of calibrate, and the most rounds."""
AUTO_FOR_POINTS = (3, 8)
"""The auto rule's least and most replications a point, for commands that run many points."""
MOST_ROWS_SHOWN = 20
"""Rows left out that fit prints; the rest are in the fit's excluded_rows.csv."""
MOST_SWEEP_VALUES = 10_000
"""The most values one --set may list or step through."""
APP_PORT = 8501
"""The web app's port unless --port says otherwise (Streamlit's own default)."""
APP_HOST = "127.0.0.1"
"""The only address the web app listens on: this machine."""
APP_MODULE = "discharge_sim.app"
"""Run as ``python -m`` to serve the web app; the command line names it, and does not import it."""


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

    run = _command(sub, "run", "run replications of a config and write a results folder",
        """Run replications of CONFIG (default configs/baseline.yaml), write a results folder and print delayed
        bed-days by cause.""",
        config="YAML config (default: configs/baseline.yaml)", nargs="?")
    run.add_argument("--from-manifest", type=Path, default=None, metavar="MANIFEST",
                     help="repeat the run recorded in a results folder's manifest.json: its config as run, seed, "
                     "replications and tables, byte for byte (only --out, --workers, --scheduler, --plots and "
                     "--quiet may be given with it)")
    _experiment_options(run, detail=True, out="results/<name>-<time>", plots=True)

    compare = _command(sub, "compare", "run configs under the same seeds and compare them pairwise",
        """Run every CONFIG with the same replication seeds (common random numbers) and report, for each
        metric, each config's mean and its paired difference from the first config with a 95% interval. The
        run settings (days, warm-up, replications, seed) of the first config apply to all, so replications
        pair up.""",
        config="two or more YAML configs", nargs="+")
    _experiment_options(compare, detail=False, out="results/compare-<A>-vs-<B>-<time>", plots=True)

    sweep = _command(sub, "sweep", "run a config over a grid of settings",
        """Run CONFIG at every combination of the --set values, every point with the same replication seeds.""",
        config="YAML config to vary")
    sweep.add_argument("--set", dest="settings", action="append", type=_setting, required=True,
                       metavar="KEY=VALUES",
                       help="a dotted config key and its values: KEY=v1,v2,v3 or KEY=start:stop:step "
                       "(stop included); repeat for a grid")
    _experiment_options(sweep, detail=False, out="results/sweep-<name>-<time>", plots=True)

    warmup = _command(sub, "warmup", "suggest a warm-up period from the occupancy series (MSER-5)",
        """Run CONFIG with no warm-up, average the daily bed occupancy and delayed-patient series over
        replications, and suggest the warm-up that MSER-5 finds, with a plot.""",
        config="YAML config (default: configs/baseline.yaml)", nargs="?")
    _experiment_options(warmup, detail=None, out="results/warmup-<name>-<time>")

    attribute = _command(sub, "attribute", "split delay between the sides by counterfactual runs, by convention",
        """Run CONFIG (default configs/baseline.yaml) as configured and, for every convention
        (attribution.conventions in the config, or --convention), once for every combination of its
        sides with those sides removed (their steps instant but for their necessary hours, their staff
        teams, places and budget unlimited) or, with --against benchmark, brought to the benchmark the
        config declares (what good peers achieve), all with the same random numbers. Each side's share
        is its exact Shapley value, reported beside the ledger's recorded split under the same
        convention, for all delayed hours and for days after the discharge-ready date. --by step also
        removes one step, pool or staff team at a time and ranks them.""",
        config="YAML config (default: configs/baseline.yaml)", nargs="?")
    attribute.add_argument("--convention", action="append", metavar="NAME",
                           help="a convention to split under: symmetric, owner, dtoc or one of the config's own "
                           "(attribution.custom); repeat for several (default: the config's attribution.conventions)")
    attribute.add_argument("--against", choices=("removal", "benchmark"), default="removal",
                           help="removal: each side's items removed (default); benchmark: brought to the "
                           "config's attribution.benchmark")
    attribute.add_argument("--by", choices=("side", "step"), default="side",
                           help="side: the split between the sides (default); step: also every step, pool "
                           "and staff team one at a time, ranked by the delay its removal takes away")
    _experiment_options(attribute, detail=False, out="results/attribute-<name>-<time>", plots=True)

    calibrate = _command(sub, "calibrate", "fit config settings to target metric values",
        """Fit the --vary settings of CONFIG so that the mean metrics of its runs match the targets in --target
        (a YAML file: targets: {metric: value or {value, tolerance}}). Grid search with refinement: each
        round runs every combination of --points values per setting (every point with the same seeds) and
        the next round searches one grid step either side of the best point. Writes calibration.csv (every
        point), calibration.json (the fit) and fitted.yaml (CONFIG with the fitted values, comments kept).""",
        config="YAML config to fit")
    calibrate.add_argument("--target", type=Path, required=True, metavar="TARGETS.yaml",
                           help="target values of metrics (columns of replications.csv)")
    calibrate.add_argument("--vary", action="append", type=_vary, required=True, metavar="KEY=LO:HI",
                           help="a dotted config key holding a number, and the range to search; repeat for more")
    calibrate.add_argument("--points", type=_at_most(MOST_POINTS), default=5, metavar="K",
                           help=f"grid points per setting and round, at least 4 and at most {MOST_POINTS} (default 5)")
    calibrate.add_argument("--rounds", type=_at_most(MOST_POINTS), default=3, metavar="R",
                           help=f"rounds of refinement, at most {MOST_POINTS} (default 3)")
    _experiment_options(calibrate, detail=None, out="results/calibrate-<name>-<time>")
    calibrate.add_argument("--warmup-days", type=_warmup_days, default=None, metavar="W",
                           help="days discarded before measuring (default: run.warmup_days)")

    sensitivity = _command(sub, "sensitivity", "how far each declared assumption moves the answer",
        """Vary the settings CONFIG declares uncertain (its uncertainty: section), each over its declared range
        or distribution: Morris screening of every one (--trajectories paths through 4 levels), then first-order
        and total Sobol indices of the --top most influential (--samples base samples; every other setting at
        CONFIG's own value). Followed at every point, under common random numbers: each side's share and
        delayed bed-days under --convention, their difference, all delayed bed-days, the share of discharges
        delayed and boarding hours. Writes sensitivity.json, morris.csv, sobol.csv, the points of both designs
        and figures (a tornado chart and Sobol bars).""",
        config="YAML config or workbook (default: configs/baseline.yaml)", nargs="?")
    _assumption_options(sensitivity)
    sensitivity.add_argument("--trajectories", type=_at_most(MOST_TRAJECTORIES), default=10, metavar="R",
                             help=f"Morris paths, each one step per setting, from 2 to {MOST_TRAJECTORIES} "
                             "(default 10)")
    sensitivity.add_argument("--top", type=_positive_int, default=None, metavar="K",
                             help="settings given Sobol indices: the K with the largest Morris mu* on either "
                             "side's share or all delayed bed-days (default 4, or every setting if fewer)")
    sensitivity.add_argument("--samples", type=_at_most(MOST_SAMPLES), default=32, metavar="N",
                             help="Sobol base samples, a power of 2; the design runs N x (K + 2) points (default 32)")
    _experiment_options(sensitivity, detail=None, out="results/sensitivity-<name>-<time>", plots=True,
                        auto=AUTO_FOR_POINTS)
    sensitivity.add_argument("--warmup-days", type=_warmup_days, default=None, metavar="W",
                             help="days discarded before measuring (default: run.warmup_days)")

    uncertainty = _command(sub, "uncertainty", "the answer over plausible assumptions (probabilistic sensitivity)",
        """Run a Latin hypercube of --points points over the settings CONFIG declares uncertain (its uncertainty:
        section), every point under the same seeds, and report the distribution of the answer: each side's share
        of delayed bed-days (median and 90% range), how many of the points have each side's delay the larger,
        the settings that drive the split and the values at which its majority changes side. With
        --targets (a calibrate targets file), the same over the points whose outputs match every target within
        tolerance (history matching), beside the range over all points. Writes uncertainty.json, points.csv and
        figures.""",
        config="YAML config or workbook (default: configs/baseline.yaml)", nargs="?")
    _assumption_options(uncertainty)
    uncertainty.add_argument("--points", type=_at_most(MOST_SAMPLE_POINTS), default=128, metavar="N",
                             help=f"points of the sample, from 2 to {MOST_SAMPLE_POINTS} (default 128)")
    uncertainty.add_argument("--targets", type=Path, default=None, metavar="TARGETS.yaml",
                             help="keep only the points whose mean metrics match these targets (as for calibrate)")
    uncertainty.add_argument("--cutoff", type=_positive_float, default=None, metavar="C",
                             help="with --targets: a point is kept if every target's |mean - value| / "
                             "sqrt(tolerance^2 + se^2) is at most C (default 1: within tolerance)")
    _experiment_options(uncertainty, detail=None, out="results/uncertainty-<name>-<time>", plots=True,
                        auto=AUTO_FOR_POINTS)
    uncertainty.add_argument("--warmup-days", type=_warmup_days, default=None, metavar="W",
                             help="days discarded before measuring (default: run.warmup_days)")

    _folder_command(sub, "plot", "draw the figures of a results folder",
        """Draw every figure RESULTS_DIR has data for into RESULTS_DIR/figures, as PNG (200 dpi) and PDF,
        replacing any drawn before. run, compare, sweep and attribute do this themselves unless --no-plots.""")
    _folder_command(sub, "report", "write report.html and report.md for a results folder",
        """Write RESULTS_DIR/report.html (self-contained: figures embedded, opens offline) and
        RESULTS_DIR/report.md: the question, the model in plain words, the parameters as run, results with
        95% intervals, the figures with captions, assumptions and limitations, and a STRESS-DES appendix.
        Draws the figures first if the folder has none.""")

    _folder_command(sub, "pack", "write a board pack (HTML and A4 PDF) for a results folder",
        """Write RESULTS_DIR/board-pack.html (fits any screen; wide tables scroll) and RESULTS_DIR/board-pack.pdf
        (A4 portrait, a one-page summary per scenario first): the question, the answer under each attribution
        convention with 95% intervals, what to fix first, the policy table (money in thousands and millions),
        the measures boards see (patients with no criteria to reside, 7, 14 and 21+ day stays, weekend and
        before-noon discharges, delay bands, daily demand for each pathway's places against capacity), XmR
        control charts of the daily series (Making Data Count), the limitations and a STRESS-DES appendix.
        Every number is read from the folder's files.""")
    pack_parser = sub.choices["pack"]
    pack_parser.add_argument("--uncertainty", type=Path, default=None, metavar="DIR",
                             help="a folder written by discharge-sim uncertainty: add the range of the answer over "
                                  "its assumption sets")
    pack_parser.add_argument("--observed", type=Path, default=None, metavar="DIR",
                             help="a folder written by discharge-sim fit: chart the extract's observed daily series "
                                  "beside the simulated ones")

    validate = _command(sub, "validate", "check the engine against queueing theory and print pass or fail per case",
        """Run the analytic cases (Erlang B blocking of a 100-bed loss system at offered loads 85, 90 and 95;
        Erlang C waiting for an M/M/c bed queue; the M/M/c queue for downstream care places with 22 and 25
        places; a two-stage tandem with blocking solved exactly; Little's law for delayed patients in
        CONFIG) and print, per case, the expected value, the simulated mean with its 95% interval and pass
        or fail. Writes validation.csv, validation.json, validation.md and figures/validation.png. Exit
        status 1 if any case fails.""",
        config="config for the Little's-law case (default: configs/baseline.yaml)", nargs="?")
    validate.add_argument("--out", type=Path, default=None, metavar="DIR",
                          help="results folder to create (default: results/validation-<time>); must not exist")
    validate.add_argument("--seed", type=_seed, default=VALIDATION_SEED, metavar="S",
                          help=f"seed of every case (default {VALIDATION_SEED})")
    validate.add_argument("--quick", action="store_true",
                          help="shorter runs and fewer replications (wider intervals): a smoke test in seconds")
    validate.add_argument("--plots", action=argparse.BooleanOptionalAction, default=True,
                          help="draw figures/validation.png and .pdf (default: yes)")
    validate.add_argument("--workers", type=_positive_int, default=None, metavar="N",
                          help=f"local worker processes (default: the number of CPUs, {cpus()})")
    validate.add_argument("--quiet", action="store_true", help="print nothing but errors")

    targets = sub.add_parser("targets", help="turn NHS England's published discharge tables into calibration targets",
        description="""Read a trust's rows (and, with --council, a council's) of NHS England's monthly Discharge
        Ready Date publication (discharges, delays by length band, bed days lost) and of the acute discharge
        situation report (patients no longer meeting the criteria to reside, and reasons for delay), sum them over
        the months chosen and write a targets file for calibrate: {metric: {value, tolerance}}, with comments naming
        the files, rows and months read, the tolerance rule and every measure left out (a suppressed or missing
        cell) or not used (no metric of the model measures it).""")
    targets.add_argument("files", nargs="+", type=Path, metavar="FILE",
                         help="published files: Discharge Ready Date monthly CSV, acute discharge sitrep workbook "
                         "(.xlsx) or a sheet of it saved as CSV")
    targets.add_argument("--trust", default=None, metavar="CODE",
                         help="the trust's ODS code, e.g. RXX (its rows of both publications)")
    targets.add_argument("--council", default=None, metavar="CODE",
                         help="a council's local-authority code or name: with --trust, that council's residents "
                         "discharged by the trust; alone, the council's residents from every trust")
    targets.add_argument("--from", dest="first", type=_month, default=None, metavar="YYYY-MM",
                         help="first month to read (default: the earliest in the files)")
    targets.add_argument("--to", dest="last", type=_month, default=None, metavar="YYYY-MM",
                         help="last month to read (default: the latest in the files)")
    targets.add_argument("--reason-shares", action="store_true",
                         help="also write dtoc_share_<code> targets from the sitrep's reasons for delay (published "
                         "for stays of 14 days or more only, so off by default)")
    targets.add_argument("--as-council", default=None, metavar="NAME",
                         help="name every target as the model's metric of this home council (council.NAME.<metric>), "
                         "for a config with several councils")
    targets.add_argument("--out", type=Path, required=True, metavar="TARGETS.yaml",
                         help="the targets file to write; must not exist unless --force")
    targets.add_argument("--force", action="store_true", help="replace --out if it exists")
    targets.add_argument("--quiet", action="store_true", help="print nothing but errors")

    fit = sub.add_parser("fit", help="fit a config to a trust's patient-level extract",
        description="""Read EXTRACT (CSV, Excel or Parquet, one row per admission: see docs/how-to/fit-from-data.md),
        check every row (rows that break a rule are left out and listed, never guessed) and fit a config on top of
        --base: emergency arrivals by hour, weekday and month, electives by weekday, each group's shares, acute
        stays (lognormal, gamma, Weibull or empirical, censored for patients not yet ready, chosen by AIC) and
        pathway mixes, self-funder shares, home councils' shares, and waits for places from milestones or delay
        reasons. Writes a folder: fitted.yaml (comments say what was fitted from how many rows), fit.md and
        fit.json (the fits, AICs, QQ plots, what was left at the base's values) and excluded_rows.csv (row
        numbers and reasons, never values). Counts are shown under NHS disclosure control (under 5 suppressed).""")
    fit.add_argument("extract", type=Path, metavar="EXTRACT", help="the extract file (.csv, .xlsx or .parquet)")
    fit.add_argument("--base", type=Path, default=None, metavar="CONFIG",
                     help="config for what the extract cannot tell (default: configs/baseline.yaml)")
    fit.add_argument("--extract-end", type=_datetime, default=None, metavar="DATETIME",
                     help="when the extract was taken, e.g. 2025-04-01 or 2025-04-01 08:00: patients with no ready or "
                     "discharge time were still waiting then (default: the latest time in the extract)")
    fit.add_argument("--out", type=Path, default=None, metavar="DIR",
                     help="folder to create (default: results/fit-<name>-<time>); must not exist")
    fit.add_argument("--holdout-months", type=_at_most(120), default=0, metavar="N",
                     help="fit on the months before the last N and simulate those N to compare with what was "
                     "observed (default 0: fit on every month)")
    fit.add_argument("--replications", type=_positive_int, default=None, metavar="N",
                     help="with --holdout-months: replications of the held-out months (default: run.replications of "
                     "--base)")
    fit.add_argument("--seed", type=_seed, default=None, metavar="S",
                     help="with --holdout-months: seed of the simulation (default: run.seed of --base)")
    fit.add_argument("--workers", type=_positive_int, default=None, metavar="N",
                     help=f"local worker processes for the simulations (default: the number of CPUs, {cpus()})")
    fit.add_argument("--correct-waits", action=argparse.BooleanOptionalAction, default=True,
                     help="correct the waits fitted for what the model adds to them itself (queues, handovers, "
                     "steps without a milestone) by simulating the fitted config and fitting its runs the same way "
                     "(default: yes; no: the direct fit, faster)")
    fit.add_argument("--plots", action=argparse.BooleanOptionalAction, default=True,
                     help="draw the QQ plots, and the held-out months' figure (default: yes)")
    fit.add_argument("--quiet", action="store_true", help="print nothing but errors")

    synth = sub.add_parser("synth", help="write a simulated run of a config as an extract",
        description="""Simulate CONFIG (default configs/baseline.yaml) once and write every admission after the
        warm-up as a row of an extract in the schema fit reads, taken at the run's end: so the schema can be seen
        working, and fit checked against a config whose answer is known.""")
    synth.add_argument("config", nargs="?", type=Path, default=None, metavar="CONFIG",
                       help="YAML config (default: configs/baseline.yaml)")
    synth.add_argument("--out", type=Path, required=True, metavar="FILE",
                       help="the extract to write (.csv, .xlsx or .parquet); must not exist unless --force")
    synth.add_argument("--start", type=_date, default=None, metavar="YYYY-MM-DD",
                       help="the extract's first day (default: 2024-04-01)")
    synth.add_argument("--seed", type=_seed, default=None, metavar="S", help="seed (default: run.seed in the config)")
    synth.add_argument("--milestones", action=argparse.BooleanOptionalAction, default=True,
                       help="write the milestone columns (default: yes)")
    synth.add_argument("--force", action="store_true", help="replace --out if it exists")
    synth.add_argument("--quiet", action="store_true", help="print nothing but errors")

    _command(sub, "check", "validate a config and print it as it would run",
        """Validate CONFIG and print it with every default filled in.""",
        config="YAML config (or workbook) to check")

    template = _command(sub, "template", "write a config as an Excel workbook, or read a filled workbook back",
        """With --xlsx: write CONFIG (default configs/baseline.yaml, as resolved: an overlay with its base) as
        an Excel workbook to fill in: a README sheet, then one sheet per config section, with each setting's
        unit and allowed values in the headers. With --from-xlsx: read a filled workbook back, validate it and
        write it as a YAML config (--out) or print it. A workbook read back unchanged gives the same config,
        value for value. run, compare, warmup, attribute, validate and check also take a workbook as CONFIG.
        With --extract: write an empty patient-level extract, in the schema fit reads, to fill in.""",
        config="YAML config (or workbook) to write as a workbook (default: configs/baseline.yaml)", nargs="?")
    way = template.add_mutually_exclusive_group(required=True)
    way.add_argument("--xlsx", type=Path, default=None, metavar="OUT.xlsx",
                     help="write CONFIG as a workbook to this file")
    way.add_argument("--from-xlsx", type=Path, default=None, metavar="IN.xlsx",
                     help="read this filled workbook back as a config")
    way.add_argument("--extract", type=Path, default=None, metavar="OUT",
                     help="write an empty patient-level extract for fit to this .csv or .xlsx file: the columns "
                     "and three made-up rows to overwrite (.xlsx: and a sheet saying what each column holds)")
    template.add_argument("--out", type=Path, default=None, metavar="CONFIG.yaml",
                          help="with --from-xlsx: write the config to this YAML file (default: print it)")
    template.add_argument("--force", action="store_true",
                          help="replace the file written (OUT.xlsx or --out) if it exists")

    app = sub.add_parser("app", help="open the web app: every step in a browser, on this computer only",
        description="""Start the web app and print its address, to open in a browser on this computer: choose a
        shipped config, upload one (YAML or a workbook) or fit one to a patient-level extract, edit its settings in
        tables that show each setting's unit and allowed values, pick scenarios to compare, run with a progress
        bar, see the figures and each side's share of the delay, and download the config, the results folder and
        the board pack. The app listens on 127.0.0.1 only, so no other machine can reach it, and sends nothing
        anywhere. It runs until stopped with Ctrl-C.""")
    app.add_argument("--port", type=_port, default=APP_PORT, metavar="N",
                     help=f"the port the app listens on, from 1024 to 65535 (default {APP_PORT})")
    app.add_argument("--results", type=Path, default=Path("results"), metavar="DIR",
                     help="the folder the app writes results folders into (default: results in the current "
                     "folder); created when first needed")
    return parser


def _command(sub: Any, name: str, summary: str, description: str, config: str, nargs: str | None = None) -> Any:
    """A command that takes one config (``nargs="?"``: the baseline by default) or several (``"+"``)."""
    command = sub.add_parser(name, help=summary, description=description)
    if nargs == "?":
        command.add_argument("config", nargs="?", type=Path, default=None, metavar="CONFIG", help=config)
    elif nargs == "+":
        command.add_argument("configs", nargs="+", type=Path, metavar="CONFIG", help=config)
    else:
        command.add_argument("config", type=Path, metavar="CONFIG", help=config)
    return command


def _folder_command(sub: Any, name: str, summary: str, description: str) -> None:
    """A command that works on a results folder already written."""
    folder = sub.add_parser(name, help=summary, description=description)
    folder.add_argument("results", type=Path, metavar="RESULTS_DIR",
                        help="a folder written by run, compare, sweep or attribute")
    folder.add_argument("--quiet", action="store_true", help="print nothing but errors")


def _experiment_options(p: argparse.ArgumentParser, detail: bool | None, out: str, plots: bool = False,
                        auto: tuple[int, int] | None = None) -> None:
    """The options every experiment command shares. ``auto``: the command runs many points and
    defaults to the auto rule from ``auto[0]`` to ``auto[1]`` replications a point."""
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help=f"results folder to create (default: {out}); must not exist")
    each, default = ("point", f"auto, from {auto[0]} to {auto[1]}") if auto else ("config", "run.replications")
    least, most = auto or (5, 100)
    p.add_argument("--replications", type=_replications, default=None, metavar="N",
                   help=f"replications per {each}, or 'auto': add replications until the 95%% interval of "
                   f"total delayed bed-days is within --target-half-width of its mean (default: {default})")
    p.add_argument("--target-half-width", type=_fraction, default=None, metavar="F",
                   help="with --replications auto: relative half-width to reach, e.g. 0.05 or 5%% "
                   f"(default {'10' if auto else '5'}%%)")
    p.add_argument("--min-replications", type=_at_most(MOST_REPLICATIONS), default=None, metavar="N",
                   help=f"with --replications auto: replications to run at least (default {least})")
    p.add_argument("--max-replications", type=_at_most(MOST_REPLICATIONS), default=None, metavar="N",
                   help=f"with --replications auto: replications to run at most (default {most})")
    p.add_argument("--seed", type=_seed, default=None, metavar="S",
                   help="experiment seed (default: run.seed in the config)")
    p.add_argument("--days", type=_days, default=None, metavar="D",
                   help="days to simulate in total (default: run.days)")
    if detail is not None:
        p.add_argument("--warmup-days", type=_warmup_days, default=None, metavar="W",
                       help="days discarded before measuring (default: run.warmup_days)")
        tables = "per-patient and per-delay-segment tables" if detail else \
            "per-patient, per-delay-segment and per-day occupancy tables"
        p.add_argument("--detail", action=argparse.BooleanOptionalAction, default=detail,
                       help=f"also write the {tables} (default: {'yes' if detail else 'no'})")
        p.add_argument("--detail-format", choices=DETAIL_FORMATS, default=None,
                       help="file format of the per-patient and per-delay-segment tables: parquet (compressed, "
                       "typed, read column by column) or csv (opens in a spreadsheet); default parquet")
    if plots:
        p.add_argument("--plots", action=argparse.BooleanOptionalAction, default=True,
                       help="draw the figures into DIR/figures as PNG and PDF (default: yes; --no-plots to skip)")
    p.add_argument("--workers", type=_positive_int, default=None, metavar="N",
                   help=f"local worker processes (default: the number of CPUs, {cpus()})")
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
    # pyarrow's default allocator keeps freed memory for reuse; a command encodes a few tables per
    # replication, so the system's allocator peaks lower (the quick start: 283 instead of 329 MiB).
    # Read when pyarrow is first imported, here and in worker processes; a user's own choice stands.
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    bad_input = _bad_input()
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "run": cmd_run, "compare": cmd_compare, "sweep": cmd_sweep, "warmup": cmd_warmup,
        "attribute": cmd_attribute, "calibrate": cmd_calibrate, "sensitivity": cmd_sensitivity,
        "uncertainty": cmd_uncertainty, "plot": cmd_plot, "report": cmd_report, "pack": cmd_pack,
        "check": cmd_check, "validate": cmd_validate, "targets": cmd_targets, "fit": cmd_fit,
        "synth": cmd_synth, "template": cmd_template, "app": cmd_app,
    }
    previous = signal.signal(signal.SIGTERM, _terminate)  # `kill`: stop as cleanly as Ctrl-C
    try:
        return commands[args.command](args)
    except bad_input as exc:
        print(f"discharge-sim: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Interrupted as exc:
        print(f"\ndischarge-sim: {exc}", file=sys.stderr)
        return EXIT_TERMINATED if exc.terminated else EXIT_INTERRUPTED
    except KeyboardInterrupt as exc:
        print("\ndischarge-sim: interrupted; no results were written", file=sys.stderr)
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
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


def _bad_input() -> tuple[type[Exception], ...]:
    """What the commands raise for bad input (exit status 2). Imported once a command has been
    chosen: the modules that raise them bring in the simulation."""
    from discharge_sim.config import ConfigError
    from discharge_sim.data.extract import ExtractError
    from discharge_sim.experiments.execution import SchedulerError
    from discharge_sim.io.manifests import ManifestError
    from discharge_sim.io.storage import OutputError

    return ConfigError, OutputError, SchedulerError, ManifestError, UsageError, ExtractError


def _terminate(_signum: int, _frame: Any) -> None:
    raise Terminated


# --- commands: options in, API call, text out ------------------------------------------------
# Each imports the API and the text it prints when it runs, not when the command line starts.

def cmd_run(args: argparse.Namespace) -> int:
    from discharge_sim import api
    from discharge_sim.present.answer import recorded_answer
    from discharge_sim.present.text import dtoc_lines, headline_table

    if args.from_manifest is not None:
        _only_repeatable(args)
        results = api.run(from_manifest=args.from_manifest, **_where(args))
    else:
        results = api.run(args.config, **_experiment(args), detail=args.detail, **_where(args))
    config = results.experiment.scenarios[0].config
    return _finish(args, results, "\n".join(recorded_answer(results.document, config)) + "\n\n"
                   + headline_table(results.summary, config, results.outcome.replications) + "\n\n"
                   + dtoc_lines(results.summary, config))


def cmd_attribute(args: argparse.Namespace) -> int:
    from discharge_sim import api
    from discharge_sim.present.answer import attribution_lines
    from discharge_sim.present.text import dtoc_lines, ranking_lines

    results = api.attribute(args.config, conventions=args.convention, against=args.against,
                            by_step=args.by == "step", **_experiment(args), detail=args.detail, **_where(args))
    config = results.experiment.scenarios[0].config
    doc = results.attribution
    summary = results.summary
    text = attribution_lines(doc, summary.get("pre_declaration_bed_days", {}).get("mean"),
                             summary.get("pre_declaration_missed_round_bed_days", {}).get("mean"))
    if "by_step" in doc:
        text += "\n\n" + ranking_lines(doc["by_step"])
    text += "\n\nThe run as configured:\n" + dtoc_lines(results.summary, config)
    return _finish(args, results, text)


def cmd_compare(args: argparse.Namespace) -> int:
    from discharge_sim import api
    from discharge_sim.present.text import comparison_lines

    results = api.compare(args.configs, **_experiment(args), detail=args.detail, **_where(args))
    return _finish(args, results, comparison_lines(results.outcome))


def cmd_sweep(args: argparse.Namespace) -> int:
    from discharge_sim import api
    from discharge_sim.present.text import sweep_lines

    results = api.sweep(args.config, args.settings, **_experiment(args), detail=args.detail, **_where(args))
    return _finish(args, results, sweep_lines(results.outcome))


def cmd_warmup(args: argparse.Namespace) -> int:
    from discharge_sim import api
    from discharge_sim.present.text import warmup_lines

    where = _where(args)
    del where["plots"]
    results = api.warmup(args.config, **_experiment(args, warmup=False), **where)
    say = _printer(args.quiet)
    say("")
    say(warmup_lines(results.document["warmup"]))
    say(f"\nResults and plot: {results.out}")
    return EXIT_OK


def cmd_calibrate(args: argparse.Namespace) -> int:
    from discharge_sim import api
    from discharge_sim.experiments.calibration import MIN_POINTS
    from discharge_sim.present.text import calibration_lines

    if args.replications == "auto":
        raise UsageError("calibrate: --replications must be a number; every grid point runs the same replications")
    if args.points < MIN_POINTS:
        raise UsageError(f"--points {args.points}: at least {MIN_POINTS}, so that each round narrows the search")
    _no_precision_options(args)
    where = _where(args)
    del where["plots"]
    calibrated = api.calibrate(args.config, args.target, args.vary, points=args.points, rounds=args.rounds,
                               replications=args.replications, seed=args.seed, days=args.days,
                               warmup_days=args.warmup_days, **where)
    say = _printer(args.quiet)
    say("")
    say(calibration_lines(calibrated.document))
    say(f"\nResults and fitted config: {calibrated.out}")
    return EXIT_OK


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from discharge_sim import api
    from discharge_sim.present.assumption_text import sensitivity_lines

    return _assumptions(args, api.sensitivity, sensitivity_lines, trajectories=args.trajectories, top=args.top,
                        samples=args.samples)


def cmd_uncertainty(args: argparse.Namespace) -> int:
    from discharge_sim import api
    from discharge_sim.present.assumption_text import uncertainty_lines

    return _assumptions(args, api.uncertainty, uncertainty_lines, points=args.points, targets=args.targets,
                        cutoff=args.cutoff)


def _assumptions(args: argparse.Namespace, command: Callable[..., Any], lines: Callable[[dict[str, Any]], str],
                 **chosen: Any) -> int:
    """Run sensitivity or uncertainty with the options every experiment takes, and print what it found."""
    if args.replications != "auto" and args.replications is not None:
        _no_precision_options(args)
    done = command(args.config, convention=args.convention, **chosen, **_experiment(args), **_where(args))
    say = _printer(args.quiet)
    say("")
    say(lines(done.document))
    say(f"\nResults: {done.out}")
    return EXIT_OK


def _assumption_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--convention", default=None, metavar="NAME",
                   help="the convention deciding each side's delay: symmetric, owner, dtoc or one of the config's "
                   "own (default: the first of the config's attribution.conventions)")


def cmd_plot(args: argparse.Namespace) -> int:
    from discharge_sim import api

    drawn = api.plot(args.results)
    say = _printer(args.quiet)
    for figure in drawn:
        say(f"{args.results / 'figures' / figure.name}.png (and .pdf): {figure.title}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from discharge_sim import api

    md, page = api.report(args.results)
    _printer(args.quiet)(f"Report: {page} (self-contained) and {md}")
    return EXIT_OK


def cmd_pack(args: argparse.Namespace) -> int:
    from discharge_sim import api

    made = api.pack(args.results, uncertainty=args.uncertainty, observed=args.observed)
    say = _printer(args.quiet)
    say(f"Board pack: {made.html} (fits any screen) and {made.pdf} (A4)")
    for note in made.notes:
        say(f"note: {note}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from discharge_sim import api

    checked = api.check(args.config)
    print(f"# {args.config}: valid config {checked.config.name!r}")
    for line in checked.notes:
        print(f"# {line}")
    print(checked.text, end="")
    return EXIT_OK


def cmd_targets(args: argparse.Namespace) -> int:
    from discharge_sim import api

    written = api.targets_from_published(args.files, trust=args.trust, council=args.council,
                                         months=(args.first, args.last), out=args.out, force=args.force,
                                         reason_shares=args.reason_shares, as_council=args.as_council)
    say = _printer(args.quiet)
    for metric, (value, tolerance) in written.values.items():
        say(f"{metric}: {value:.4g} ± {tolerance:.2g}")
    for item in dict.fromkeys(written.targets.left_out):
        say(f"left out: {item}")
    months = written.targets.months
    say(f"Targets for {months[0]} to {months[-1]} ({len(months)} month(s)): {written.out}")
    return EXIT_OK


def cmd_fit(args: argparse.Namespace) -> int:
    from discharge_sim import api
    from discharge_sim.data.privacy import shown_count
    from discharge_sim.present.fit_report import holdout_table

    if args.holdout_months == 0 and (args.replications is not None or args.seed is not None):
        raise UsageError("--replications and --seed go with --holdout-months (they set the held-out simulation)")
    fitted = api.fit(args.extract, base=args.base, out=args.out, end=args.extract_end, plots=args.plots,
                     holdout_months=args.holdout_months, replications=args.replications, seed=args.seed,
                     progress=_progress(args.quiet), correct_waits=args.correct_waits, workers=args.workers)
    say = _printer(args.quiet)
    read = fitted.read
    problems = read.problems
    say(f"{read.source}: {shown_count(len(read.extract))} admissions used of {shown_count(read.extract.source_rows)} "
        "rows (counts rounded to 5; under 5 shown as <5)")
    for p in sorted(problems.rows, key=lambda p: p.row)[:MOST_ROWS_SHOWN]:
        value = f" ({p.value!r})" if p.value else ""
        say(f"  row {p.row}: {p.column}{value}: {p.reason}; left out")
    if len(problems.rows) > MOST_ROWS_SHOWN:
        say(f"  ... every row left out is in {fitted.out / 'excluded_rows.csv'}")
    for reason, n in sorted(problems.unknown_reasons.items()):
        say(f"  delay reason {reason!r} ({shown_count(n)} rows) is not in the reason table: the rows are kept, their "
            "delays of no known reason")
    for item in fitted.fit.fitted:
        say(f"fitted {item.key}: {item.how}")
    for left in fitted.fit.left:
        say(f"left {left.key}: {left.why}")
    if fitted.holdout is not None:
        say("")
        say(holdout_table(fitted.holdout))
    say(f"Fitted config: {fitted.config_path}; report: {fitted.out / 'fit.md'}")
    return EXIT_OK


def cmd_synth(args: argparse.Namespace) -> int:
    from discharge_sim import api

    kwargs = {"start": args.start} if args.start is not None else {}
    path = api.synth(args.config, out=args.out, seed=args.seed, milestones=args.milestones, force=args.force,
                     **kwargs)
    _printer(args.quiet)(f"Synthetic extract: {path}")
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from discharge_sim import api

    if args.extract is not None:
        if args.config is not None or args.out is not None:
            raise UsageError("--extract writes the extract's template only; CONFIG and --out cannot be given with it")
        written = api.extract_template(args.extract, force=args.force)
        print(f"Wrote {written}: the extract's columns and three made-up rows to overwrite")
        return EXIT_OK
    if args.xlsx is not None:
        if args.out is not None:
            raise UsageError("--out goes with --from-xlsx; with --xlsx, the workbook is written to OUT.xlsx")
        written = api.template(args.config, xlsx=args.xlsx, force=args.force)
        print(f"Wrote {written}: {args.config or api.default_config()} as a workbook (README sheet first)")
        return EXIT_OK
    if args.config is not None:
        raise UsageError("--from-xlsx reads the workbook only; CONFIG cannot be given with it")
    config = api.from_workbook(args.from_xlsx)
    if args.out is None:
        print(f"# {args.from_xlsx}: valid config {config.name!r}")
        print(api.config_text(config), end="")
        return EXIT_OK
    written = api.write_config(config, args.out, force=args.force, source=str(args.from_xlsx))
    print(f"Wrote {written}: valid config {config.name!r} read from {args.from_xlsx}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from discharge_sim import api
    from discharge_sim.present.validation import table_lines

    validation = api.validate(args.config, seed=args.seed, quick=args.quick, out=args.out, workers=args.workers,
                              plots=args.plots, say=_printer(args.quiet), progress=_progress(args.quiet),
                              command=("discharge-sim", *args.argv))
    rows, failed = validation.rows, validation.failed
    say = _printer(args.quiet)
    say("")
    say(table_lines(rows))
    say("")
    say(f"{len(rows) - len(failed)} of {len(rows)} case(s) pass" + (f"; FAILED: {', '.join(failed)}" if failed else "")
        + f". Results: {validation.out}")
    return EXIT_INTERNAL if failed else EXIT_OK


def cmd_app(args: argparse.Namespace) -> int:
    import socket
    import subprocess

    results: Path = args.results
    if results.exists() and not results.is_dir():
        raise UsageError(f"--results {results}: a file is there, not a folder; give the folder to write results into")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((APP_HOST, args.port))
        except OSError:
            raise UsageError(f"--port {args.port}: another program (perhaps the app, started before) is listening on "
                             f"it; stop that one, or choose another port, e.g. --port {args.port + 1}") from None
    print(f"discharge-sim app: open http://{APP_HOST}:{args.port} in a browser on this computer. It runs here "
          f"only, and your data never leaves this computer. Results go under {results}. Ctrl-C stops it.",
          flush=True)
    server = subprocess.Popen([sys.executable, "-m", APP_MODULE, "--port", str(args.port), "--results", str(results)])
    try:
        return server.wait()
    except KeyboardInterrupt as exc:  # Ctrl-C (the server had it too) or SIGTERM: stop the server, then stop
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        print("\ndischarge-sim app: stopped", file=sys.stderr)
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_OK


# --- options to arguments ----------------------------------------------------------------------

REPEATABLE = {"out", "workers", "scheduler", "plots", "quiet"}
"""Options that may go with --from-manifest: they change where and how, never what, is computed."""


def _only_repeatable(args: argparse.Namespace) -> None:
    """--from-manifest repeats the recorded run: options that would change it are refused."""
    given = [f"--{k.replace('_', '-')}" for k, v in vars(args).items()
             if k not in REPEATABLE | {"from_manifest", "command", "argv", "detail", "resume", "config"}
             and v is not None]
    given += [flag for flag in ("--detail", "--no-detail") if flag in args.argv]
    if args.config is not None:
        given.insert(0, "CONFIG")
    if given:
        raise UsageError(f"--from-manifest repeats the recorded run; {', '.join(given)} cannot be given with it")


def _experiment(args: argparse.Namespace, warmup: bool = True) -> dict[str, Any]:
    """What to compute: replications and their rule, seed, days and (where the command has it) warm-up."""
    chosen = {"replications": args.replications, "seed": args.seed, "days": args.days,
              "target_half_width": args.target_half_width, "min_replications": args.min_replications,
              "max_replications": args.max_replications}
    if warmup:
        chosen["warmup_days"] = args.warmup_days
    return chosen


def _no_precision_options(args: argparse.Namespace) -> None:
    given = [name for name, value in (("--target-half-width", args.target_half_width),
                                      ("--min-replications", args.min_replications),
                                      ("--max-replications", args.max_replications)) if value is not None]
    if given:
        raise UsageError(f"{', '.join(given)}: only with --replications auto")


def _where(args: argparse.Namespace) -> dict[str, Any]:
    """Where and how to run: never what is computed."""
    where = {"out": args.out, "workers": args.workers, "scheduler": args.scheduler, "resume": args.resume,
             "plots": getattr(args, "plots", False), "say": _printer(args.quiet), "progress": _progress(args.quiet),
             "command": ("discharge-sim", *args.argv)}
    if getattr(args, "detail_format", None) is not None:
        where["detail_format"] = args.detail_format
    return where


def _finish(args: argparse.Namespace, results: Results, table: str) -> int:
    """The closing lines of an experiment: the table, how many replications, where."""
    from discharge_sim.present.text import replication_note

    say = _printer(args.quiet)
    say("")
    say(table)
    say(f"\n{replication_note(results.outcome)}")
    say(f"Results: {results.out}")
    return EXIT_OK


def _printer(quiet: bool) -> Callable[[str], None]:
    def say(text: str) -> None:
        if not quiet:
            print(text, flush=True)

    return say


def _progress(quiet: bool) -> bool:
    """A progress bar only on a terminal, and not when asked to be quiet."""
    return not quiet and sys.stderr.isatty()


def _replications(text: str) -> int | str:
    return "auto" if text.strip().lower() == "auto" else _whole(text, 1, MOST_REPLICATIONS)


def _vary(text: str) -> tuple[str, float, float]:
    """``key=lo:hi`` -> (key, lo, hi)."""
    key, sep, spec = text.partition("=")
    parts = spec.split(":")
    if not sep or not key.strip() or len(parts) != 2:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected KEY=LOW:HIGH, e.g. steps.care_home.search_probability=0.5:0.9")
    low, high = (_number(p.strip(), float) for p in parts)
    if not (math.isfinite(low) and math.isfinite(high)):
        raise argparse.ArgumentTypeError(f"{text!r}: LOW and HIGH must be finite numbers")
    return key.strip(), low, high


def _month(text: str) -> str:
    """A month written YYYY-MM."""
    import re

    if not re.fullmatch(r"(19|20)\d\d-(0[1-9]|1[0-2])", text.strip()):
        raise argparse.ArgumentTypeError(f"{_cut(text)}: a month is written YYYY-MM, e.g. 2024-04")
    return text.strip()


def _date(text: str) -> date:
    """A date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{_cut(text)}: a date is written YYYY-MM-DD, e.g. 2024-04-01") from None


def _datetime(text: str) -> datetime:
    """A date, or a date and time: YYYY-MM-DD[ HH:MM], or day first as an extract may be, DD/MM/YYYY[ HH:MM]."""
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        pass
    for fmt in ("%d/%m/%Y %H:%M", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"{_cut(text)}: write a date and time as YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM "
                                     "(or the date alone), e.g. 2025-04-01 08:00")


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
    parts = spec.split(",")
    if len(parts) > MOST_SWEEP_VALUES:
        raise argparse.ArgumentTypeError(f"{_cut(text)}: {len(parts):,} values; at most {MOST_SWEEP_VALUES:,}")
    values = [_scalar(text, v.strip()) for v in parts]
    if any(v == "" for v in values):
        raise argparse.ArgumentTypeError(f"{_cut(text)}: an empty value in the list")
    return key, values


def _range(text: str, *parts: str) -> list[Any]:
    numbers = [_scalar(text, p.strip()) for p in parts]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in numbers):
        raise argparse.ArgumentTypeError(f"{_cut(text)}: start:stop:step must be three finite numbers")
    start, stop, step = numbers
    if not step > 0 or stop < start:
        raise argparse.ArgumentTypeError(f"{_cut(text)}: needs step > 0 and stop >= start")
    steps = (stop - start) / step + 1e-9
    if not steps < MOST_SWEEP_VALUES:
        raise argparse.ArgumentTypeError(f"{_cut(text)}: more than {MOST_SWEEP_VALUES:,} values; "
                                         f"at most {MOST_SWEEP_VALUES:,} (use a larger step)")
    count = math.floor(steps) + 1
    if all(isinstance(v, int) for v in numbers):
        return [start + i * step for i in range(count)]
    return [round(start + i * step, 10) for i in range(count)]


def _scalar(text: str, value: str) -> Any:
    """A value of ``--set text`` as YAML would read it, with 1e3-style numbers read as numbers."""
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    if not value:
        return ""
    import yaml  # only for a value that is not a number

    try:
        return yaml.safe_load(value)
    except (yaml.YAMLError, RecursionError) as exc:
        problem = getattr(exc, "problem", None) or "nested too deeply"
        raise argparse.ArgumentTypeError(f"{_cut(text)}: the value {_cut(value, 40)} is not valid YAML ({problem}); "
                                         "give numbers or words, e.g. KEY=1,2,3 or KEY=start:stop:step") from None


def _cut(text: str, width: int = 80) -> str:
    """``repr(text)``, shortened to ``width`` characters for a message."""
    shown = repr(text)
    return shown if len(shown) <= width else shown[:width - 4] + "...'"


def _whole(text: str, least: int, most: int | None = None) -> int:
    """A whole number from ``least`` to ``most`` (if given); 1e3-style numbers are read if they are whole."""
    try:
        value = int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not (math.isfinite(number) and number == int(number)):
            raise argparse.ArgumentTypeError(f"{_cut(text)} is not a whole number") from None
        value = int(number)
    if value < least or (most is not None and value > most):
        most_words = "" if most is None else (f" and less than 2^63 ({SEED_LIMIT:,})" if most == SEED_LIMIT - 1
                                              else f" and at most {most:,}")
        raise argparse.ArgumentTypeError(f"{_cut(text)} must be a whole number of at least {least:,}{most_words}")
    return value


def _at_most(most: int) -> Callable[[str], int]:
    """A whole number from 1 to ``most``."""
    def parse(text: str) -> int:
        return _whole(text, 1, most)

    return parse


def _port(text: str) -> int:
    """A port a user's program may listen on: 1024 to 65535 (lower ones need an administrator)."""
    return _whole(text, 1024, 65535)


def _positive_int(text: str) -> int:
    return _whole(text, 1)


def _positive_float(text: str) -> float:
    value = _number(text, float)
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{_cut(text)} must be a number greater than 0")
    return value


def _seed(text: str) -> int:
    """A seed: 0 to 2^63 - 1, as the results tables store it in a 64-bit integer."""
    return _whole(text, 0, SEED_LIMIT - 1)


def _days(text: str) -> float:
    value = _number(text, float)
    if not 0 < value <= MOST_DAYS:
        raise argparse.ArgumentTypeError(f"{_cut(text)} must be a number greater than 0 and at most {MOST_DAYS:,} "
                                         "(100 years)")
    return value


def _warmup_days(text: str) -> float:
    value = _number(text, float)
    if not 0 <= value <= MOST_DAYS:
        raise argparse.ArgumentTypeError(f"{_cut(text)} must be a number of at least 0 and at most {MOST_DAYS:,} "
                                         "(100 years)")
    return value


def _number(text: str, kind: type) -> Any:
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{_cut(text)} is not a {'whole ' if kind is int else ''}number") from None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
