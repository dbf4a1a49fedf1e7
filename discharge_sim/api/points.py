"""Points of a design run as the scenarios of one resumable store: the execution every command
that runs many settings shares (sensitivity, uncertainty, calibrate's rounds).

A command runs in stages (calibrate's rounds, screening then Sobol); stage ``k`` keeps its
points under scenario numbers from ``k * STAGE_STRIDE``, so one store holds every stage and an
interrupted command resumes where it stopped: stages already run are read back, and decide the
next stage as they did, because the same seed gives the same numbers. Every point runs the same
replications under the same seed (common random numbers); how many comes from the replication
plan, fixed or the auto rule, the same number for every point of a stage.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.api.errors import UsageError
from discharge_sim.api.runner import RESULTS, Say, Where, interrupted
from discharge_sim.config import Config, ConfigError, RunSettings, apply_overrides, config_from_dict
from discharge_sim.experiments.execution import Encoder, Finished, Schedule, execute
from discharge_sim.experiments.specification import Experiment, ReplicationPlan, Scenario
from discharge_sim.io.manifests import now
from discharge_sim.io.storage import PartialResults
from discharge_sim.model.replication import run_replication
from discharge_sim.present.progress import Progress, ProgressBar

STAGE_STRIDE = 10_000
"""Scenario numbers per stage: no stage runs more points."""

Rows = list[list[dict[str, float]]]
"""Per point, one dict of metrics per replication."""


@contextmanager
def point_store(fingerprint: str, where: Where, name: str, say: Say) -> Iterator[PartialResults]:
    """The command's resumable store, ``name``-<time> under results/ unless ``where.out`` says
    otherwise, resumed (and said so) where an interrupted run of the same command stopped; Ctrl-C
    inside stops the command keeping what was done, as every command does."""
    header = {"started": now(), "command": list(where.command)}
    with PartialResults.open(fingerprint, where.out, RESULTS, name, header, resume=where.resume) as store:
        if store.resumed:
            say(f"resuming: {len(store.done())} replication(s) already finished in {store.work}")
        try:
            yield store
        except KeyboardInterrupt as exc:
            raise interrupted(exc, store) from None


class StageSink:
    """One stage's view of a command's store: its scenarios shifted by the stage's offset."""

    def __init__(self, store: PartialResults, stage: int):
        self.store = store
        self.offset = stage * STAGE_STRIDE

    def done(self) -> dict[tuple[int, int], dict[str, float]]:
        return {(s - self.offset, r): m for (s, r), m in self.store.done().items()
                if self.offset <= s < self.offset + STAGE_STRIDE}

    def save(self, finished: Finished) -> None:
        record = replace(finished.record, scenario=finished.record.scenario + self.offset)
        self.store.save(replace(finished, record=record))

    @property
    def encode(self) -> Encoder:
        return self.store.encode


@dataclass(frozen=True)
class StageRuns:
    """A stage's results: every point's replications, and how their number was chosen."""

    rows: Rows
    replications: int
    rule: str
    """fixed, target (the auto rule's precision met) or cap (its maximum reached)."""


def check_points(points: int, what: str) -> None:
    """A stage holds at most STAGE_STRIDE points: refuse a larger design before anything runs."""
    if points > STAGE_STRIDE:
        raise UsageError(f"{what}: {points:,} points; at most {STAGE_STRIDE:,} in one design")


def point_configs(raw: Mapping[str, Any], points: Sequence[Mapping[str, Any]], source: str, what: str) -> list[Config]:
    """A config per point (``raw`` with the point's overrides); a bad point names itself."""
    configs = []
    for i, overrides in enumerate(points):
        try:
            configs.append(config_from_dict(apply_overrides(raw, dict(overrides)), source=f"{source}, {what} {i + 1}"))
        except ConfigError as exc:
            shown = ", ".join(f"{k}={v}" for k, v in overrides.items())
            raise ConfigError(f"{what} {i + 1} ({shown}): {exc}") from None
    return configs


def run_stage(store: PartialResults, stage: int, configs: Sequence[Config], seed: int, plan: ReplicationPlan,
              workers: int, scheduler: str | None, progress: Progress) -> StageRuns:
    """Run (or read back) every point of one stage."""
    check_points(len(configs), f"stage {stage + 1}")
    scenarios = tuple(Scenario(f"point {i + 1}", config) for i, config in enumerate(configs))
    experiment = Experiment("sweep", scenarios, seed, plan)
    sink = StageSink(store, stage)
    schedule = Schedule(len(scenarios), plan, sink.done())
    bar = ProgressBar(plan.most * len(scenarios), schedule.already_done, progress)
    try:
        execute(experiment, sink, workers, scheduler, bar.update, schedule)
    finally:
        bar.close()
    assert schedule.final is not None
    done = sink.done()
    rows = [[dict(done[i, r]) for r in range(schedule.final)] for i in range(len(scenarios))]
    return StageRuns(rows, schedule.final, schedule.reason)


def known_metrics(config: Config) -> list[str]:
    """The metrics a run of ``config`` gives (the columns of replications.csv), from a day's run."""
    probe = config.model_copy(update={"run": RunSettings(days=1.0)})
    return list(replication_metrics(run_replication(probe, 0, 0)))
