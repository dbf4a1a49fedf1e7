"""Discharge steps compiled for the engine: what each is, who owns it, and its samplers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from discharge_sim.config import DelayStep, PlacementStep, SessionStep, StaffedStep
from discharge_sim.model.calendar import SessionTimes, WorkingHours
from discharge_sim.model.distributions import Shape, sampler, uniform_sampler
from discharge_sim.model.placements import PlacementPool
from discharge_sim.model.staff import StaffTeam
from discharge_sim.model.streams import Streams
from discharge_sim.model.variant import Variant
from discharge_sim.vocabulary import DAY_NAMES, HOURS_PER_DAY

DELAY, SESSION, STAFFED, PLACEMENT = 0, 1, 2, 3
"""What a step needs: a duration only, a session (ward round, panel), staff, or a placement."""


@dataclass
class StepRunner:
    """A configured step, compiled: what it is, who owns it, and its samplers."""

    index: int
    name: str
    type: int
    owner: str
    kind: str
    dtoc_code: str
    organisation: str
    probability: float
    instant: bool
    duration: Callable[[], float]
    need_u: Callable[[], float]
    choice_u: Callable[[], float]
    funded_u: Callable[[], float] = lambda: 0.0
    search: Callable[[], float] = lambda: 0.0
    search_need_u: Callable[[], float] = lambda: 1.0
    search_probability: float = 1.0
    hours: WorkingHours | None = None
    sessions: SessionTimes | None = None
    staff: StaffTeam | None = None
    pools: list[PlacementPool] = field(default_factory=list)
    pool_cumulative: list[float] = field(default_factory=list)


def compile_step(index: int, name: str, step: Any, hours: dict[str, WorkingHours], staff: dict[str, StaffTeam],
                 pools: dict[str, PlacementPool], streams: Streams, variant: Variant) -> StepRunner:
    """Compile one configured step: its type, owner, samplers (one stream per purpose) and resources."""
    duration_cfg = getattr(step, "duration", None) or getattr(step, "handover", None)
    duration = (sampler(Shape.of(duration_cfg), streams.generator(f"step.{name}.duration"))
                if duration_cfg is not None else (lambda: 0.0))
    runner = StepRunner(
        index=index, name=name, type=DELAY, owner=step.owner, kind=step.kind,
        dtoc_code=step.dtoc_code, organisation=step.organisation, probability=step.probability,
        instant=variant.step_instant(name, step),
        duration=duration,
        need_u=uniform_sampler(streams.generator(f"step.{name}.need")),
        choice_u=uniform_sampler(streams.generator(f"step.{name}.choice")),
    )
    if isinstance(step, PlacementStep):
        runner.funded_u = uniform_sampler(streams.generator(f"step.{name}.funded"))
    if isinstance(step, DelayStep):
        runner.hours = hours[step.schedule] if step.schedule else None
    elif isinstance(step, SessionStep):
        runner.type = SESSION
        s = step.sessions
        runner.sessions = SessionTimes(
            ((DAY_NAMES.index(d) * HOURS_PER_DAY + h,
              s.weekend_probability if DAY_NAMES.index(d) >= 5 else s.weekday_probability)
             for d in s.days for h in s.hours),
            every_weeks=s.every_weeks,
        )
    elif isinstance(step, StaffedStep):
        runner.type = STAFFED
        runner.staff = staff[step.staff]
    elif isinstance(step, PlacementStep):
        runner.type = PLACEMENT
        runner.hours = hours[step.schedule] if step.schedule else None
        if step.search is not None:
            runner.search = sampler(Shape.of(step.search), streams.generator(f"step.{name}.search"))
            runner.search_need_u = uniform_sampler(streams.generator(f"step.{name}.search_need"))
            runner.search_probability = step.search_probability
        total = 0.0
        for pool_name, share in step.pools.items():
            total += share
            runner.pools.append(pools[pool_name])
            runner.pool_cumulative.append(total)
    return runner
