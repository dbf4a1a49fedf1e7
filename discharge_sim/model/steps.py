"""Discharge steps compiled for the engine: one class per step type, holding who owns the step,
its samplers and what it needs (working hours, sessions, a staff team or placement pools).

Every step draws from its own streams, one per purpose (``step.<name>.<purpose>``), so the
order in which a patient's steps draw does not matter; each stream is drawn once per patient.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from discharge_sim.config import DelayStep, PlacementStep, SessionSettings, SessionStep, StaffedStep
from discharge_sim.model.calendar import SessionTimes, WorkingHours
from discharge_sim.model.distributions import Shape, pick, sampler, uniform_sampler
from discharge_sim.model.placements import PlacementPool
from discharge_sim.model.staff import StaffTeam
from discharge_sim.model.streams import Streams
from discharge_sim.model.variant import Variant
from discharge_sim.vocabulary import DAY_NAMES, HOURS_PER_DAY

Sampler = Callable[[], float]


@dataclass(slots=True)
class StepRunner:
    """What every step has: its position in the config, owner and codes, the chance it is needed,
    whether a counterfactual makes it instant, and its samplers: the duration of its work, the
    uniform deciding whether it is needed, and the uniform for its choice (a session's outcome,
    a placement's pool)."""

    index: int
    name: str
    owner: str
    kind: str
    dtoc_code: str
    organisation: str
    probability: float
    instant: bool
    necessary: float
    """The unavoidable minimum of the work, in hours (all an instant step takes)."""
    duration: Sampler
    need_u: Sampler
    choice_u: Sampler


@dataclass(slots=True)
class DelayRunner(StepRunner):
    """Work with no shared resource, progressing in working ``hours`` (None: round the clock)."""

    hours: WorkingHours | None


@dataclass(slots=True)
class SessionRunner(StepRunner):
    """Waiting for a recurring session (a ward round, a funding panel) that deals with the case."""

    sessions: SessionTimes


@dataclass(slots=True)
class StaffedRunner(StepRunner):
    """Work done by one member of a staff team, in the team's working hours."""

    staff: StaffTeam


@dataclass(slots=True)
class PlacementRunner(StepRunner):
    """A place in one of ``pools`` (chosen by cumulative share), found after a search for a
    provider if one is needed, then a handover (``duration``) in working ``hours`` (None: round
    the clock)."""

    hours: WorkingHours | None
    pools: list[PlacementPool]
    pool_cumulative: list[float]
    funded_u: Sampler
    """Uniform deciding whether the pool's payer funds the place."""
    search: Sampler
    """Time to find a provider (zero if the step has no search)."""
    search_need_u: Sampler
    search_probability: float
    search_caps: list[float]
    """Per pool, the longest a search may take (a benchmark; infinite as configured)."""
    funded_shares: list[float]
    """Per pool, the chance its payer funds the place (the rest pay for themselves)."""
    self_funder_search: Sampler | None = None
    """The search of a person paying for their own place (None: the same as anyone's)."""

    def draw(self, u: float) -> tuple[float, PlacementPool, bool, tuple[float, float, float]]:
        """One patient's search time, pool (chosen by ``u``) and whether the place is funded, with
        the raw draws behind the search (its length, the uniform deciding whether one is needed,
        the cap): a pool whose market responds decides the search from them when it starts. The
        search draws are made whether or not a search is needed."""
        raw = self.search()
        own = self.self_funder_search() if self.self_funder_search is not None else raw
        need_u = self.search_need_u()
        chosen = pick(self.pool_cumulative, u)
        pool = self.pools[chosen]
        funded = self.funded_u() <= self.funded_shares[chosen]
        if not funded:
            raw = own
        cap = self.search_caps[chosen]
        return min(raw if need_u <= self.search_probability else 0.0, cap), pool, funded, (raw, need_u, cap)


def session_times(s: SessionSettings) -> SessionTimes:
    """The configured sessions (days, hours, chances on weekdays and at weekends) on the clock."""
    return SessionTimes(
        ((DAY_NAMES.index(d) * HOURS_PER_DAY + h,
          s.weekend_probability if DAY_NAMES.index(d) >= 5 else s.weekday_probability)
         for d in s.days for h in s.hours),
        every_weeks=s.every_weeks,
    )


def compile_step(index: int, name: str, step: Any, hours: dict[str, WorkingHours], staff: dict[str, StaffTeam],
                 pools: dict[str, PlacementPool], streams: Streams, variant: Variant, suffix: str = "") -> StepRunner:
    """Compile one configured step into the runner of its type, with one stream per purpose
    (``step.<name>.<purpose>``, then ``suffix``: the same step's draws for another use)."""
    def stream(purpose: str) -> np.random.Generator:
        return streams.generator(f"step.{name}.{purpose}{suffix}")

    duration_cfg = getattr(step, "duration", None) or getattr(step, "handover", None)
    common: dict[str, Any] = {
        "index": index, "name": name, "owner": step.owner, "kind": step.kind, "dtoc_code": step.dtoc_code,
        "organisation": step.organisation, "probability": step.probability,
        "instant": variant.step_instant(name),
        "necessary": step.necessary_hours,
        "duration": _capped(sampler(Shape.of(duration_cfg), stream("duration")), variant.duration_cap(name))
        if duration_cfg is not None else _zero,
        "need_u": uniform_sampler(stream("need")),
        "choice_u": uniform_sampler(stream("choice")),
    }
    if isinstance(step, DelayStep):
        return DelayRunner(**common, hours=hours[step.schedule] if step.schedule else None)
    if isinstance(step, SessionStep):
        return SessionRunner(**common, sessions=session_times(step.sessions))
    if isinstance(step, StaffedStep):
        return StaffedRunner(**common, staff=staff[step.staff])
    if isinstance(step, PlacementStep):
        search = step.search
        caps = variant.search_cap(name)
        return PlacementRunner(
            **common,
            hours=hours[step.schedule] if step.schedule else None,
            pools=[pools[p] for p in step.pools],
            pool_cumulative=_cumulative(step.pools.values()),
            funded_u=uniform_sampler(stream("funded")),
            search=sampler(Shape.of(search), stream("search")) if search is not None else _zero,
            search_caps=[caps.get(p, math.inf) for p in step.pools],
            funded_shares=[pools[p].funded_share for p in step.pools],
            search_need_u=uniform_sampler(stream("search_need")) if search is not None else _one,
            search_probability=step.search_probability if search is not None else 1.0,
            self_funder_search=sampler(Shape.of(step.self_funder_search), stream("self_funder_search"))
            if step.self_funder_search is not None else None,
        )
    raise TypeError(f"step {name!r}: unknown step type {type(step).__name__}")


def share_draws(runner: StepRunner, cfg: Any, base: StepRunner, base_cfg: Any) -> StepRunner:
    """``runner`` (a council's version of a step, compiled from ``cfg`` with streams of its own)
    drawing from the ``base`` step's samplers wherever the draw is the same: every uniform, and
    each duration whose setting is the same. A patient's draws then come from the same streams
    whatever their council, in admission order, so councils that differ only in name give the
    results one council does, and scenarios that change one council keep the others' draws."""
    runner.need_u = base.need_u
    runner.choice_u = base.choice_u
    work = getattr(cfg, "duration", None) or getattr(cfg, "handover", None)
    if work == (getattr(base_cfg, "duration", None) or getattr(base_cfg, "handover", None)):
        runner.duration = base.duration
    if isinstance(runner, PlacementRunner) and isinstance(base, PlacementRunner):
        runner.funded_u = base.funded_u
        if cfg.search == base_cfg.search:
            runner.search = base.search
        if (cfg.search is None) == (base_cfg.search is None):
            runner.search_need_u = base.search_need_u
        if cfg.self_funder_search == base_cfg.self_funder_search:
            runner.self_funder_search = base.self_funder_search
    return runner


def _capped(draw: Sampler, cap: float | None) -> Sampler:
    """``draw`` cut at ``cap`` hours (a benchmark); the draw is made all the same."""
    if cap is None:
        return draw
    return lambda: min(draw(), cap)


def _cumulative(shares: Iterable[float]) -> list[float]:
    """Running totals of ``shares``, added in order (as the pool choice compares against them)."""
    out: list[float] = []
    total = 0.0
    for share in shares:
        total += share
        out.append(total)
    return out


def _zero() -> float:
    return 0.0


def _one() -> float:
    return 1.0
