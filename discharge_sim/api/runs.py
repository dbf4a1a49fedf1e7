"""The experiment commands as Python functions: run, compare, sweep, warmup and attribute.

Each writes a results folder (``out``, or ``results/<name>-<time>``) and returns
:class:`~discharge_sim.api.runner.Results`, the objects ``discharge-sim`` prints from. Every one
runs on ``workers`` local processes (default: one per CPU) or on the Dask cluster at
``scheduler``, and picks up an interrupted run of the same experiment where it stopped
(``resume=True`` insists that there is one). ``say`` receives the notes and status lines the
command line prints; ``progress`` draws a progress bar on a terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from discharge_sim.analysis.attribution import SIDE_VARIANTS, removals
from discharge_sim.api.errors import UsageError
from discharge_sim.api.runner import (
    Replications,
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
    Scenario,
    scenario_labels,
    shared_run_settings,
    sweep_scenarios,
)
from discharge_sim.io.manifests import recorded_run
from discharge_sim.version import __version__


def run(config: Config | str | Path | None = None, *, replications: Replications = None, seed: int | None = None,
        days: float | None = None, warmup_days: float | None = None, detail: bool = True,
        target_half_width: float | None = None, min_replications: int | None = None,
        max_replications: int | None = None, from_manifest: str | Path | None = None,
        out: str | Path | None = None, workers: int | None = None, scheduler: str | None = None,
        resume: bool = False, plots: bool = True, say: Say = silent, progress: bool = False,
        command: Sequence[str] = ("discharge_sim.api.run",)) -> Results:
    """Replications of one config (default ``configs/baseline.yaml``) into a results folder.

    ``replications`` is a number or ``"auto"`` (until the 95% interval of total delayed bed-days is
    within ``target_half_width`` of its mean); ``seed``, ``days`` and ``warmup_days`` override the
    config's run settings; ``detail`` also keeps the per-patient and per-segment tables.
    ``from_manifest`` repeats the run a results folder's manifest.json records, byte for byte.
    """
    where = _where(out, workers, scheduler, resume, plots, say, progress, command)
    if from_manifest is not None:
        recorded = recorded_run(Path(from_manifest))
        if recorded.written_by != __version__:
            say(f"note: the manifest was written by discharge-sim {recorded.written_by}; this is {__version__}, "
                "so results may differ")
        experiment, source = recorded.experiment, recorded.config_path
        return carry_out(experiment, experiment.scenarios[0].config.name, [source], where)
    loaded, source = as_config(config, run_overrides(days, warmup_days, seed, replications))
    plan = replication_plan(loaded, replications, target_half_width, min_replications, max_replications)
    tables = tuple(DETAIL_TABLES) if detail else ("occupancy",)
    experiment = Experiment("run", (Scenario(loaded.name, loaded),), loaded.run.seed, plan, tables)
    return carry_out(experiment, loaded.name, [source], where)


def compare(configs: Sequence[Config | str | Path], *, labels: Sequence[str] | None = None,
            replications: Replications = None, seed: int | None = None, days: float | None = None,
            warmup_days: float | None = None, detail: bool = False, target_half_width: float | None = None,
            min_replications: int | None = None, max_replications: int | None = None,
            out: str | Path | None = None, workers: int | None = None, scheduler: str | None = None,
            resume: bool = False, plots: bool = True, say: Say = silent, progress: bool = False,
            command: Sequence[str] = ("discharge_sim.api.compare",)) -> Results:
    """Two or more configs under the same replication seeds (common random numbers), each compared
    with the first by paired differences. The first config's run settings apply to all."""
    if len(configs) < 2:
        raise UsageError("compare needs at least two configs")
    where = _where(out, workers, scheduler, resume, plots, say, progress, command)
    overrides = run_overrides(days, warmup_days, seed, replications)
    loaded = [as_config(c, overrides) for c in configs]
    paired, notes = shared_run_settings([c for c, _ in loaded])
    stems = [Path(source).stem if not isinstance(c, Config) else c.name for c, (_, source) in zip(configs, loaded)]
    if labels is None:
        labels = scenario_labels([c.name for c in paired], stems)
    elif len(labels) != len(paired) or len(set(labels)) != len(labels):
        raise UsageError("labels must be one distinct label per config")
    scenarios = tuple(Scenario(label, cfg) for label, cfg in zip(labels, paired))
    tables = tuple(DETAIL_TABLES) if detail else ()
    plan = replication_plan(paired[0], replications, target_half_width, min_replications, max_replications)
    experiment = Experiment("compare", scenarios, paired[0].run.seed, plan, tables)
    for note in notes:
        say(f"note: {note}")
    return carry_out(experiment, "compare-" + "-vs-".join(labels)[:80], [source for _, source in loaded], where)


def sweep(config: Config | str | Path, settings: Sequence[tuple[str, Sequence[Any]]], *,
          replications: Replications = None, seed: int | None = None, days: float | None = None,
          warmup_days: float | None = None, detail: bool = False, target_half_width: float | None = None,
          min_replications: int | None = None, max_replications: int | None = None,
          out: str | Path | None = None, workers: int | None = None, scheduler: str | None = None,
          resume: bool = False, plots: bool = True, say: Say = silent, progress: bool = False,
          command: Sequence[str] = ("discharge_sim.api.sweep",)) -> Results:
    """A config at every combination of ``settings`` (dotted key, values), every point under the
    same replication seeds."""
    keys = [key for key, _ in settings]
    given = {"run.days": days, "run.warmup_days": warmup_days}
    for key in keys:
        if key in ("run.seed", "run.replications"):
            raise UsageError(f"--set {key}: use --{key.split('.')[1]} instead; every sweep point shares it")
        if keys.count(key) > 1:
            raise UsageError(f"--set {key}: given more than once; list all its values in one --set")
        if given.get(key) is not None:
            option = "--" + key.split(".")[1].replace("_", "-")
            raise UsageError(f"--set {key} and {option} both set it; use one")
    where = _where(out, workers, scheduler, resume, plots, say, progress, command)
    overrides = run_overrides(days, warmup_days, seed, replications)
    if isinstance(config, Config):
        raw, source = config_to_dict(config), f"<{config.name}>"
    else:
        raw, source = read_config(config), str(config)
    scenarios = sweep_scenarios(apply_overrides(raw, overrides), settings, source=source)
    first = scenarios[0].config
    tables = tuple(DETAIL_TABLES) if detail else ()
    plan = replication_plan(first, replications, target_half_width, min_replications, max_replications)
    experiment = Experiment("sweep", tuple(scenarios), first.run.seed, plan, tables)
    return carry_out(experiment, f"sweep-{first.name}", [source], where)


def warmup(config: Config | str | Path | None = None, *, replications: Replications = None, seed: int | None = None,
           days: float | None = None, target_half_width: float | None = None, min_replications: int | None = None,
           max_replications: int | None = None, out: str | Path | None = None, workers: int | None = None,
           scheduler: str | None = None, resume: bool = False, say: Say = silent, progress: bool = False,
           command: Sequence[str] = ("discharge_sim.api.warmup",)) -> Results:
    """Run with no warm-up and suggest one by MSER-5 on the daily occupancy and delayed-patient
    series; the suggestion is ``results.document["warmup"]``."""
    where = _where(out, workers, scheduler, resume, True, say, progress, command)
    configured, _ = as_config(config, {})
    loaded, source = as_config(config, {**run_overrides(days, None, seed, replications), "run.warmup_days": 0.0})
    plan = replication_plan(loaded, replications, target_half_width, min_replications, max_replications)
    experiment = Experiment("warmup", (Scenario(loaded.name, loaded),), loaded.run.seed, plan, ("occupancy",))
    return carry_out(experiment, f"warmup-{loaded.name}", [source], where,
                     configured_warmup=configured.run.warmup_days)


def attribute(config: Config | str | Path | None = None, *, by_step: bool = False,
              replications: Replications = None, seed: int | None = None, days: float | None = None,
              warmup_days: float | None = None, detail: bool = False, target_half_width: float | None = None,
              min_replications: int | None = None, max_replications: int | None = None,
              out: str | Path | None = None, workers: int | None = None, scheduler: str | None = None,
              resume: bool = False, plots: bool = True, say: Say = silent, progress: bool = False,
              command: Sequence[str] = ("discharge_sim.api.attribute",)) -> Results:
    """The counterfactual split: every replication as configured, with hospital steps instant, with
    social-care capacity unlimited and with both (and, ``by_step``, each step, pool and staff team
    removed alone), under common random numbers. ``results.attribution`` holds attribution.json."""
    where = _where(out, workers, scheduler, resume, plots, say, progress, command)
    loaded, source = as_config(config, run_overrides(days, warmup_days, seed, replications))
    variants = [Scenario(name, loaded, variant=variant) for name, variant in SIDE_VARIANTS]
    if by_step:
        variants += [Scenario(item.label, loaded, variant=item.variant) for item in removals(loaded)]
    tables = tuple(DETAIL_TABLES) if detail else ()
    plan = replace(replication_plan(loaded, replications, target_half_width, min_replications, max_replications),
                   first_only=True)
    experiment = Experiment("attribute", tuple(variants), loaded.run.seed, plan, tables)
    return carry_out(experiment, f"attribute-{loaded.name}", [source], where)


def _where(out: str | Path | None, workers: int | None, scheduler: str | None, resume: bool, plots: bool,
           say: Say, progress: bool, command: Sequence[str]) -> Where:
    if workers is not None and workers < 1:
        raise UsageError(f"workers {workers}: at least 1")
    return Where(Path(out) if out is not None else None, workers, scheduler, resume, plots, say, progress,
                 tuple(command))
