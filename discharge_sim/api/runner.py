"""Running an experiment into a results folder: the one path every experiment command takes.

Notes on the configs first (pools that cannot keep up, surges outside the measured days), then
the replications on this process, a local process pool or a Dask cluster, each kept on disk as it
finishes (so an interrupted run resumes), then the tables, summary, manifest and figures, written
into a folder that appears whole or not at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from discharge_sim.analysis.capacity import capacity_warnings, surge_notes
from discharge_sim.api.defaults import cpus
from discharge_sim.api.errors import Interrupted, Terminated, UsageError
from discharge_sim.api.templates import load
from discharge_sim.config import Config, apply_overrides, config_from_dict, config_to_dict
from discharge_sim.config.limits import MOST_REPLICATIONS
from discharge_sim.experiments.execution import Schedule, execute
from discharge_sim.experiments.specification import Experiment, ReplicationPlan
from discharge_sim.io.folders import read_json
from discharge_sim.io.formats import size_text
from discharge_sim.io.manifests import experiment_manifest, now
from discharge_sim.io.outputs import Outcome, detail_files, write_outputs
from discharge_sim.io.storage import PartialResults, default_out
from discharge_sim.present.progress import Progress, ProgressBar
from discharge_sim.version import __version__

Say = Callable[[str], None]
Replications = int | Literal["auto"] | None
DEFAULT_CONFIG = Path("configs") / "baseline.yaml"
RESULTS = Path("results")
FIGURE_KINDS = ("run", "compare", "sweep", "attribute")


def silent(_text: str) -> None:
    """The default ``say``: a notebook call prints nothing unless asked."""


def results_folder(parent: Path, name: str) -> Path:
    """``parent/<name>-<time>``, made safe for a folder name and never an existing folder: where a
    command puts its results unless told otherwise (the web app asks for one under its own root)."""
    return default_out(parent, name)


def default_config() -> Path:
    """configs/baseline.yaml in the working folder, else the one beside the package."""
    if DEFAULT_CONFIG.exists():
        return DEFAULT_CONFIG
    beside = Path(__file__).resolve().parent.parent.parent / DEFAULT_CONFIG
    return beside if beside.exists() else DEFAULT_CONFIG


@dataclass(frozen=True)
class Where:
    """How and where a command runs, never what it computes: the results folder, workers or a
    Dask scheduler, resume, figures, and what to tell the caller on the way."""

    out: Path | None = None
    workers: int | None = None
    scheduler: str | None = None
    resume: bool = False
    plots: bool = True
    say: Say = silent
    progress: Progress = False
    command: tuple[str, ...] = ("discharge_sim.api",)
    detail_format: str | None = None
    """How to write the per-patient and per-segment tables (``parquet`` or ``csv``); None: as the
    experiment says (Parquet, or what a manifest recorded)."""

    @property
    def worker_count(self) -> int:
        return self.workers or cpus()

    def describe(self) -> str:
        return f"on the Dask cluster at {self.scheduler}" if self.scheduler else f"on {self.worker_count} worker(s)"


@dataclass
class Results:
    """A finished experiment: its folder and what was computed, as the CLI prints it."""

    out: Path
    outcome: Outcome

    @property
    def experiment(self) -> Experiment:
        return self.outcome.experiment

    @property
    def labels(self) -> list[str]:
        return self.outcome.labels

    @property
    def summary(self) -> dict[str, dict[str, float]]:
        """The first scenario's metric summaries (mean, sd, 95% interval)."""
        return self.outcome.summaries[0]

    @property
    def summaries(self) -> dict[str, dict[str, dict[str, float]]]:
        """Every scenario's metric summaries, by label."""
        return dict(zip(self.outcome.labels, self.outcome.summaries))

    @property
    def differences(self) -> dict[str, dict[str, dict[str, float]]]:
        """Per scenario after the first: paired differences from the first, with 95% intervals."""
        return dict(zip(self.outcome.labels[1:], self.outcome.differences[1:]))

    @cached_property
    def document(self) -> dict[str, Any]:
        """summary.json as written (nulls read as NaN)."""
        return dict(read_json(self.out / "summary.json"))

    @cached_property
    def attribution(self) -> dict[str, Any]:
        """attribution.json of an ``attribute`` experiment, as written."""
        return dict(read_json(self.out / "attribution.json"))


def run_overrides(days: float | None, warmup_days: float | None, seed: int | None,
                  replications: Replications) -> dict[str, Any]:
    """The run settings a call changes, as dotted overrides."""
    overrides: dict[str, Any] = {}
    for key, value in (("run.days", days), ("run.warmup_days", warmup_days), ("run.seed", seed)):
        if value is not None:
            overrides[key] = value
    if isinstance(replications, int) and not isinstance(replications, bool):
        overrides["run.replications"] = replications
    return overrides


def as_config(config: Config | str | Path | None, overrides: Mapping[str, Any]) -> tuple[Config, str]:
    """A config (loaded from a YAML file or a workbook, or given) with run overrides applied, and how
    to name its source."""
    if isinstance(config, Config):
        changed = config_from_dict(apply_overrides(config_to_dict(config), overrides), source=config.name) \
            if overrides else config
        return changed, f"<{config.name}>"
    path = Path(config) if config is not None else default_config()
    return load(path, overrides), str(path)


def replication_plan(config: Config, replications: Replications, target_half_width: float | None = None,
                     min_replications: int | None = None, max_replications: int | None = None) -> ReplicationPlan:
    """Fixed replications (from the config, or given), or ``auto``: until the precision target."""
    rule = {"--target-half-width": target_half_width, "--min-replications": min_replications,
            "--max-replications": max_replications}
    if replications != "auto":
        given = [name for name, value in rule.items() if value is not None]
        if given:
            raise UsageError(f"{', '.join(given)}: only with --replications auto")
        return ReplicationPlan(fixed=config.run.replications)
    for name, value in (("--min-replications", min_replications), ("--max-replications", max_replications)):
        if value is not None and not 1 <= value <= MOST_REPLICATIONS:
            raise UsageError(f"{name} {value}: a whole number from 1 to {MOST_REPLICATIONS:,}")
    if target_half_width is not None and not 0 < target_half_width < 1:
        raise UsageError(f"--target-half-width {target_half_width}: a fraction between 0 and 1, such as 0.05")
    auto = ReplicationPlan(fixed=None)
    plan = ReplicationPlan(fixed=None, target=target_half_width or auto.target,
                           minimum=max(2, min_replications or auto.minimum),
                           maximum=max_replications or auto.maximum)
    if plan.minimum > plan.maximum:
        raise UsageError(f"--min-replications {plan.minimum} is more than --max-replications {plan.maximum}")
    return plan


def config_notes(experiment: Experiment) -> list[str]:
    """Beds near or at capacity, pools that cannot keep up and surges outside the measured days, per
    distinct config."""
    notes = []
    seen: set[int] = set()
    for scenario in experiment.scenarios:
        if id(scenario.config) in seen:  # attribute: one config under several variants
            continue
        seen.add(id(scenario.config))
        named = len(experiment.scenarios) > 1 and experiment.kind != "attribute"
        where = f"{scenario.label}: " if named else ""
        notes += [f"{where}{note}" for note in [*capacity_warnings(scenario.config), *surge_notes(scenario.config)]]
    return notes


def carry_out(experiment: Experiment, name: str, paths: Sequence[str], where: Where,
              configured_warmup: float | None = None) -> Results:
    """Run (or resume) ``experiment`` into a results folder; return its outcome and the folder."""
    say = where.say
    for note in config_notes(experiment):
        say(f"note: {note}")
    workers = where.worker_count
    if where.detail_format is not None:
        experiment = replace(experiment, detail_format=where.detail_format)
    fingerprint = experiment.fingerprint(__version__)
    job = {"started": now(), "command": list(where.command)}
    with PartialResults.open(fingerprint, where.out, RESULTS, name, job, resume=where.resume,
                             detail_format=experiment.detail_format) as store:
        for work, final in store.removed:
            say(f"note: removed {work}, the work folder of an earlier run that had finished into {final} "
                "(it was stopped before it could remove it)")
        schedule = Schedule(len(experiment.scenarios), experiment.plan, store.done())
        n_scenarios = len(experiment.scenarios)
        say(f"discharge-sim {__version__}: {experiment.kind} of {n_scenarios} scenario(s), "
            f"{experiment.plan.describe()}, seed {experiment.seed}, {where.describe()}")
        if store.resumed:
            say(f"resuming: {schedule.already_done} replication(s) already finished in {store.work}")
        bar = ProgressBar(experiment.plan.most * n_scenarios, schedule.already_done, where.progress)
        clock = time.perf_counter()
        try:
            execute(experiment, store, workers, where.scheduler, bar.update, schedule)
        except KeyboardInterrupt as exc:
            bar.close()
            raise interrupted(exc, store) from None
        bar.close()
        assert schedule.final is not None
        outcome = Outcome.collect(experiment, store, schedule.final, schedule.reason)
        manifest = experiment_manifest(experiment, paths, where.command, store, outcome,
                                       time.perf_counter() - clock, workers, where.scheduler)

        def write(folder: Path) -> None:
            write_outputs(folder, outcome, store, manifest, configured_warmup)
            if experiment.kind == "warmup":
                from discharge_sim.present.figures import draw_warmup  # matplotlib: only when drawn

                draw_warmup(folder)
            elif where.plots and experiment.kind in FIGURE_KINDS:
                from discharge_sim.present.figures import draw_all

                draw_all(folder)

        try:
            store.finish(write)
        except KeyboardInterrupt as exc:
            raise interrupted(exc, store) from None
    written = detail_files(store.out, experiment)
    if written:
        skip = "--no-detail" if where.command[:1] == ("discharge-sim",) else "detail=False"
        say(f"Detail tables: {', '.join(f'{file} {size_text(size)}' for file, size in written)} ({skip} to skip)")
    return Results(store.out, outcome)


def interrupted(exc: BaseException, store: PartialResults) -> Exception:
    """Ctrl-C or SIGTERM during an experiment: say what was kept and how to resume."""
    terminated = isinstance(exc, Terminated)
    kept = len(store.done())
    if not kept and not store.resumed:
        return Interrupted("interrupted before any replication finished; no results were written", terminated)
    return Interrupted(f"interrupted; {kept} finished replication(s) kept in {store.work}. "
                       "Run the same command again to resume.", terminated)
