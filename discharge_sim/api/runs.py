"""The experiment commands as Python functions: run, compare, sweep, warmup and attribute.

Each writes a results folder (``out``, or ``results/<name>-<time>``) and returns
:class:`~discharge_sim.api.runner.Results`, the objects ``discharge-sim`` prints from. Every one
runs on ``workers`` local processes (default: one per CPU) or on the Dask cluster at
``scheduler``, and picks up an interrupted run of the same experiment where it stopped
(``resume=True`` insists that there is one). ``say`` receives the notes and status lines the
command line prints; ``progress`` draws a progress bar on a terminal.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal, TypedDict, Unpack

from discharge_sim.analysis.attribution import attribution_plan, removals
from discharge_sim.api.errors import UsageError
from discharge_sim.api.runner import (
    RESULTS,
    Results,
    Say,
    Where,
    as_config,
    carry_out,
    replication_plan,
    run_overrides,
    silent,
)
from discharge_sim.config import Config, apply_overrides, config_to_dict, read_config
from discharge_sim.experiments.specification import (
    DETAIL_TABLES,
    Experiment,
    ReplicationPlan,
    Scenario,
    scenario_labels,
    shared_run_settings,
    sweep_scenarios,
)
from discharge_sim.io.manifests import recorded_run
from discharge_sim.present.progress import Progress
from discharge_sim.version import __version__
from discharge_sim.vocabulary import DETAIL_FORMATS

MOST_POINTS = 10_000
"""The most points a sweep's grid may have (the product of the numbers of values of its settings)."""
PEOPLE_PER_SECOND = 20_000
"""Roughly how many people (admissions, community referrals, first residents) one worker
simulates a second: the baseline runs at about 16,000 on a laptop core. For the size check only."""
BYTES_PER_PERSON = 4_000
"""Roughly the memory one person takes while a replication that keeps its detail tables runs (the
baseline's year needs about 2.3 kB a person at its peak, CSV encoding included). Without them a
replication holds only the people in the system, so its memory is not checked."""
DETAIL_BYTES_PER_PERSON = {"csv": 500, "parquet": 150}
"""Roughly the disk one person takes in the patients and delays tables, by format (a baseline
year: about 440 bytes as CSV, 115 as Parquet)."""
LONGEST_SECONDS = 7 * 24 * 3600.0
"""An experiment estimated to take longer than a week on its workers is refused as a mistake."""


class Options(TypedDict, total=False):
    """The options every experiment command takes, all optional: what to compute (replications and
    their rule, seed, days, warm-up) and where and how (folder, workers or Dask, resume, figures,
    messages). Defaults come from the config's ``run`` section and :class:`~discharge_sim.api.runner.Where`."""

    replications: int | Literal["auto"] | None
    """A number, or ``"auto"``: add replications until the 95% interval of total delayed bed-days is
    within ``target_half_width`` (default 5%) of its mean, from ``min_replications`` to ``max_replications``."""
    target_half_width: float | None
    min_replications: int | None
    max_replications: int | None
    seed: int | None
    days: float | None
    warmup_days: float | None
    out: str | Path | None
    """The results folder to create (default ``results/<name>-<time>``); it must not exist."""
    workers: int | None
    """Local worker processes (default: one per CPU)."""
    scheduler: str | None
    """A Dask scheduler address: run on that cluster instead of local processes."""
    resume: bool
    """Insist on resuming an interrupted run of the same experiment (a rerun resumes anyway)."""
    plots: bool
    """Draw the figures into ``out/figures`` (default yes)."""
    say: Say
    """Receives the notes and status lines the command line prints (default: nothing)."""
    progress: Progress
    """Draw a progress bar on stderr (True), or tell a function (done, total) as replications finish."""
    command: Sequence[str]
    """The command recorded in the manifest."""
    detail_format: Literal["parquet", "csv"] | None
    """The file format of the per-patient and per-segment tables (default Parquet; CSV opens in a
    spreadsheet); the other tables are always CSV."""


def run(config: Config | str | Path | None = None, *, detail: bool = True, from_manifest: str | Path | None = None,
        **options: Unpack[Options]) -> Results:
    """Replications of one config (default ``configs/baseline.yaml``) into a results folder.

    ``detail`` also keeps the per-patient and per-segment tables; ``from_manifest`` repeats the
    run a results folder's manifest.json records, byte for byte (then only the options of where
    and how may be given).
    """
    where = _where(options, "run")
    if from_manifest is not None:
        if where.detail_format is not None:
            raise UsageError("from_manifest repeats the recorded run, in the format it recorded; "
                             "detail_format cannot be given with it")
        recorded = recorded_run(Path(from_manifest))
        if recorded.written_by != __version__:
            where.say(f"note: the manifest was written by discharge-sim {recorded.written_by}; this is "
                      f"{__version__}, so results may differ")
        experiment, source = recorded.experiment, recorded.config_path
        return carry_out(_fits(experiment, where), experiment.scenarios[0].config.name, [source], where)
    loaded, source = as_config(config, _overrides(options))
    tables = tuple(DETAIL_TABLES) if detail else ("occupancy",)
    experiment = Experiment("run", (Scenario(loaded.name, loaded),), loaded.run.seed, _plan(loaded, options), tables)
    return carry_out(_fits(experiment, where), loaded.name, [source], where)


def compare(configs: Sequence[Config | str | Path], *, labels: Sequence[str] | None = None, detail: bool = False,
            **options: Unpack[Options]) -> Results:
    """Two or more configs under the same replication seeds (common random numbers), each compared
    with the first by paired differences. The first config's run settings apply to all; ``labels``
    default to the config names (file names where two clash)."""
    if len(configs) < 2:
        raise UsageError("compare needs at least two configs")
    where = _where(options, "compare")
    loaded = [as_config(c, _overrides(options)) for c in configs]
    paired, notes = shared_run_settings([c for c, _ in loaded])
    stems = [Path(source).stem if not isinstance(c, Config) else c.name for c, (_, source) in zip(configs, loaded)]
    if labels is None:
        labels = scenario_labels([c.name for c in paired], stems)
    elif len(labels) != len(paired) or len(set(labels)) != len(labels):
        raise UsageError("labels must be one distinct label per config")
    scenarios = tuple(Scenario(label, cfg) for label, cfg in zip(labels, paired))
    tables = tuple(DETAIL_TABLES) if detail else ("occupancy",)  # daily series for the board pack's charts
    experiment = Experiment("compare", scenarios, paired[0].run.seed, _plan(paired[0], options), tables)
    _fits(experiment, where)
    for note in notes:
        where.say(f"note: {note}")
    return carry_out(experiment, "compare-" + "-vs-".join(labels)[:80], [source for _, source in loaded], where)


def sweep(config: Config | str | Path, settings: Sequence[tuple[str, Sequence[Any]]], *, detail: bool = False,
          **options: Unpack[Options]) -> Results:
    """A config at every combination of ``settings`` (dotted key, values), every point under the
    same replication seeds."""
    keys = [key for key, _ in settings]
    given = {"run.days": options.get("days"), "run.warmup_days": options.get("warmup_days")}
    for key in keys:
        if key in ("run.seed", "run.replications"):
            raise UsageError(f"--set {key}: use --{key.split('.')[1]} instead; every sweep point shares it")
        if keys.count(key) > 1:
            raise UsageError(f"--set {key}: given more than once; list all its values in one --set")
        if given.get(key) is not None:
            option = "--" + key.split(".")[1].replace("_", "-")
            raise UsageError(f"--set {key} and {option} both set it; use one")
    where = _where(options, "sweep")
    points = math.prod(len(values) for _, values in settings)
    if points > MOST_POINTS:
        raise UsageError(f"--set: {' x '.join(str(len(values)) for _, values in settings)} = {points:,} grid points; "
                         f"at most {MOST_POINTS:,}: give fewer values, or sweep the settings one or two at a time")
    if isinstance(config, Config):
        raw, source = config_to_dict(config), f"<{config.name}>"
    else:
        raw, source = read_config(config), str(config)
    scenarios = sweep_scenarios(apply_overrides(raw, _overrides(options)), settings, source=source)
    first = scenarios[0].config
    tables = tuple(DETAIL_TABLES) if detail else ()
    experiment = Experiment("sweep", tuple(scenarios), first.run.seed, _plan(first, options), tables)
    return carry_out(_fits(experiment, where), f"sweep-{first.name}", [source], where)


def warmup(config: Config | str | Path | None = None, **options: Unpack[Options]) -> Results:
    """Run with no warm-up and suggest one by MSER-5 on the daily occupancy and delayed-patient
    series; the suggestion is ``results.document["warmup"]`` and the figure ``figures/warmup.png``."""
    if options.get("warmup_days") is not None:
        raise UsageError("warmup runs with no warm-up to find one; warmup_days cannot be given")
    where = _where(options, "warmup")
    configured, _ = as_config(config, {})
    loaded, source = as_config(config, {**_overrides(options), "run.warmup_days": 0.0})
    experiment = Experiment("warmup", (Scenario(loaded.name, loaded),), loaded.run.seed, _plan(loaded, options),
                            ("occupancy",))
    return carry_out(_fits(experiment, where), f"warmup-{loaded.name}", [source], where,
                     configured_warmup=configured.run.warmup_days)


def attribute(config: Config | str | Path | None = None, *, conventions: Sequence[str] | None = None,
              against: str = "removal", by_step: bool = False, detail: bool = False,
              **options: Unpack[Options]) -> Results:
    """The counterfactual split, under each convention (default: the config's
    ``attribution.conventions``): every replication as configured and with every coalition of the
    convention's sides removed (``against="removal"``) or brought to the config's benchmark
    (``against="benchmark"``), under common random numbers, split by exact Shapley values; with
    ``by_step``, also each step, pool and staff team removed alone. ``results.attribution`` holds
    attribution.json. With ``replications="auto"``, precision is judged on the run as configured."""
    where = _where(options, "attribute")
    loaded, source = as_config(config, _overrides(options))
    names = tuple(conventions) if conventions else tuple(loaded.attribution.conventions)
    try:
        plan = attribution_plan(loaded, names, against)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if against == "benchmark" and not any(game.players for game in plan.games):
        raise UsageError(f"{source}: attribution.benchmark declares no benchmark for any side that owns "
                         "something; say what performing well means for each side (see the docs, "
                         "'Conventions and benchmarks')")
    variants = [Scenario(label, cfg, variant=variant) for label, cfg, variant in plan.scenarios]
    if by_step:
        variants += [Scenario(item.label, loaded, variant=item.variant) for item in removals(loaded)]
    tables = tuple(DETAIL_TABLES) if detail else ()
    experiment = Experiment("attribute", tuple(variants), loaded.run.seed,
                            replace(_plan(loaded, options), first_only=True), tables,
                            attribution=(names, against))
    return carry_out(_fits(experiment, where), f"attribute-{loaded.name}", [source], where)


def _fits(experiment: Experiment, where: Where) -> Experiment:
    """``experiment``, if it fits: refused (before anything is written) when, by a rough estimate
    from its configs, the replications running at once would need more memory than this machine
    has, its detail tables more disk than is free, or it would run for more than a week."""
    people = [s.config.people_per_replication for s in experiment.scenarios]
    replications = experiment.plan.most
    total = sum(people) * replications
    tasks = len(experiment.scenarios) * replications
    smaller = "shorten --days (run.days) or lower the admissions a day"
    detail = bool({"patients", "delays"} & set(experiment.tables))
    if where.scheduler is None:  # on a Dask cluster, the workers' machines are not known here
        at_once = min(where.worker_count, tasks)
        memory = max(people) * BYTES_PER_PERSON * at_once
        physical = _physical_memory()
        if detail and physical is not None and memory > physical:
            together = f", and {at_once} at once on {at_once} workers {_gigabytes(memory)}" if at_once > 1 else ""
            raise UsageError(
                f"too big for this machine: one replication simulates about {max(people):,.0f} people, which needs "
                f"about {_gigabytes(memory / at_once)} of memory{together}; this machine has {_gigabytes(physical)}. "
                f"{smaller.capitalize()}" + (", or use fewer --workers" if at_once > 1 else ""))
        seconds = total / PEOPLE_PER_SECOND / at_once
        if seconds > LONGEST_SECONDS:
            raise UsageError(
                f"too long to run: about {total:,.0f} people in all ({len(experiment.scenarios)} scenario(s) x "
                f"{replications:,} replication(s) x about {sum(people) / len(people):,.0f} each) would take roughly "
                f"{seconds / 86400:,.0f} days on {at_once} worker(s), more than a week. Run fewer --replications, "
                f"{smaller}, or run on a cluster with --scheduler")
    if detail:
        need = total * DETAIL_BYTES_PER_PERSON[where.detail_format or experiment.detail_format]
        free = _free_disk((where.out or RESULTS).absolute())
        if free is not None and need > free:
            raise UsageError(
                f"too big for the disk: the per-patient tables of about {total:,.0f} people would take about "
                f"{_gigabytes(need)}, and only {_gigabytes(free)} is free there. Leave them out with --no-detail "
                f"(detail=False), run fewer --replications, or {smaller}")
    return experiment


def _physical_memory() -> int | None:
    """This machine's memory in bytes, where the system says (Linux and most Unix), else None."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not a Unix
        return None


def _free_disk(folder: Path) -> int | None:
    """Free bytes on the disk that would hold ``folder`` (its nearest existing parent's)."""
    for parent in (folder, *folder.parents):
        if parent.exists():
            try:
                return shutil.disk_usage(parent).free
            except OSError:
                return None
    return None


def _gigabytes(size: float) -> str:
    return f"{size / 1e9:,.1f} GB" if size < 1e12 else f"{size / 1e12:,.1f} TB"


def _overrides(options: Options) -> dict[str, Any]:
    return run_overrides(options.get("days"), options.get("warmup_days"), options.get("seed"),
                         options.get("replications"))


def _plan(config: Config, options: Options) -> ReplicationPlan:
    return replication_plan(config, options.get("replications"), options.get("target_half_width"),
                            options.get("min_replications"), options.get("max_replications"))


def _where(options: Options, command: str) -> Where:
    workers = options.get("workers")
    if workers is not None and workers < 1:
        raise UsageError(f"workers {workers}: at least 1")
    out = options.get("out")
    return Where(out=Path(out) if out is not None else None, workers=workers, scheduler=options.get("scheduler"),
                 resume=options.get("resume", False), plots=options.get("plots", True),
                 say=options.get("say", silent), progress=options.get("progress", False),
                 command=tuple(options.get("command", (f"discharge_sim.api.{command}",))),
                 detail_format=_detail_format(options.get("detail_format")))


def _detail_format(chosen: str | None) -> str | None:
    if chosen is not None and chosen not in DETAIL_FORMATS:
        raise UsageError(f"detail_format {chosen!r}: one of {', '.join(map(repr, DETAIL_FORMATS))}")
    return chosen
