"""Discharge steps compiled for the engine: one class per step type, holding who owns the step,
its samplers and what it needs (working hours, sessions, a staff team or placement pools).

Every step draws from its own streams, one per purpose (``step.<name>.<purpose>``), so the
order in which a patient's steps draw does not matter; each stream is drawn once per patient.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from discharge_sim.config import DelayStep, PlacementStep, SessionSettings, SessionStep, StaffedStep
from discharge_sim.model.calendar import SessionTimes, WorkingHours
from discharge_sim.model.distributions import Shape, pick, sampler, uniform_sampler
from discharge_sim.model.placements import PlacementPool
from discharge_sim.model.staff import StaffTeam
from discharge_sim.model.streams import Streams
from discharge_sim.model.variant import Variant
from discharge_sim.vocabulary import ASSESSORS, DAY_NAMES, HOURS_PER_DAY

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
    assessor: int = field(default=-1, kw_only=True)
    """The step's work assesses the patient: who does it, by position in ``ASSESSORS`` (-1: not an assessment)."""
    repeated_share: float = field(default=0.0, kw_only=True)
    """Of an assessment's work, the share repeating an earlier assessment by another organisation."""
    shares: bool = field(default=False, kw_only=True)
    """A shared assessment: it does not repeat what another organisation's earlier one asked."""
    decides_late: bool = field(default=False, kw_only=True)
    """What the step does depends on the state when it begins (a panel that is stricter while the
    council rations): a step begun ahead of time waits for its start to decide."""
    bounce_probability: float = field(default=0.0, kw_only=True)
    """The chance the step's work comes back for missing information (0 under a counterfactual
    without bounce-backs; the draws are made all the same)."""
    bounce_u: Sampler | None = field(default=None, kw_only=True)
    """Uniform deciding whether it comes back (None: the step has no ``bounce_back``)."""
    rework: Sampler | None = field(default=None, kw_only=True)
    """The rework's length, in hours of ``rework_hours``."""
    rework_hours: WorkingHours | None = field(default=None, kw_only=True)
    """The hours the rework progresses in (None: round the clock)."""


@dataclass(slots=True)
class DelayRunner(StepRunner):
    """Work with no shared resource, progressing in working ``hours`` (None: round the clock)."""

    hours: WorkingHours | None


@dataclass(slots=True)
class SessionRunner(StepRunner):
    """Waiting for a recurring session (a ward round, a funding panel) that deals with the case."""

    sessions: SessionTimes
    rationed: list[SessionTimes | None] | None = field(default=None, kw_only=True)
    """Per council, the sessions of a stricter panel, for cases reaching it while their council's
    budget rations (None: never)."""
    budget: Any = field(default=None, kw_only=True)
    """Per council, the :class:`~discharge_sim.model.budget.AnnualBudget` whose rationing makes the
    panel stricter for its residents (None: none)."""


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
        if own != own:  # NaN: this council's self-funders search as anyone does
            own = raw
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
                 pools: dict[str, PlacementPool], streams: Streams, variant: Variant, suffix: str = "",
                 council: str | None = None) -> StepRunner:
    """Compile one configured step into the runner of its type, with one stream per purpose
    (``step.<name>.<purpose>``, then ``suffix``: the same step's draws for another use). For a
    council's own version of the step, a benchmark's caps for ``<name>@<council>`` come first."""
    def stream(purpose: str) -> np.random.Generator:
        return streams.generator(f"step.{name}.{purpose}{suffix}")

    duration_cfg = step.work
    common: dict[str, Any] = {
        "index": index, "name": name, "owner": step.owner, "kind": step.kind, "dtoc_code": step.dtoc_code,
        "organisation": step.organisation, "probability": step.probability,
        "instant": variant.step_instant(name),
        "necessary": step.necessary_hours,
        "duration": _capped(sampler(Shape.of(duration_cfg), stream("duration")), _cap(variant, name, council))
        if duration_cfg is not None else _zero,
        "need_u": uniform_sampler(stream("need")),
        "choice_u": uniform_sampler(stream("choice")),
    }
    if step.assessment is not None:
        common["assessor"] = ASSESSORS.index(step.assessment.by)
        common["repeated_share"] = step.assessment.repeated_share
        common["shares"] = step.assessment.shared and step.assessment.repeated_share > 0
    bounce = step.bounce_back
    if bounce is not None:
        common["bounce_probability"] = bounce.probability if variant.bounces(name) else 0.0
        common["bounce_u"] = uniform_sampler(stream("bounce"))
        common["rework"] = sampler(Shape.of(bounce.rework), stream("rework"))
    if isinstance(step, DelayStep):
        runner: StepRunner = DelayRunner(**common, hours=hours[step.schedule] if step.schedule else None)
    elif isinstance(step, SessionStep):
        runner = SessionRunner(**common, sessions=session_times(step.sessions))
    elif isinstance(step, StaffedStep):
        runner = StaffedRunner(**common, staff=staff[step.staff])
    elif isinstance(step, PlacementStep):
        runner = _placement(step, name, common, hours, pools, stream, variant, council)
    else:
        raise TypeError(f"step {name!r}: unknown step type {type(step).__name__}")
    if bounce is not None:  # its own hours, else the hours the step's work progresses in
        runner.rework_hours = hours[bounce.schedule] if bounce.schedule else (
            runner.staff.hours if isinstance(runner, StaffedRunner) else getattr(runner, "hours", None))
    return runner


def _placement(step: PlacementStep, name: str, common: dict[str, Any], hours: dict[str, WorkingHours],
               pools: dict[str, PlacementPool], stream: Callable[[str], np.random.Generator],
               variant: Variant, council: str | None) -> PlacementRunner:
    """A placement step's runner: its pools, search and funding draws."""
    search = step.search
    caps = {**variant.search_cap(name), **(variant.search_cap(f"{name}@{council}") if council else {})}
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


def share_draws(runner: StepRunner, cfg: Any, base: StepRunner, base_cfg: Any) -> StepRunner:
    """``runner`` (a council's version of a step, compiled from ``cfg`` with streams of its own)
    drawing from the ``base`` step's samplers wherever the draw is the same: every uniform, and
    each duration whose setting is the same. A patient's draws then come from the same streams
    whatever their council, in admission order, so councils that differ only in name give the
    results one council does, and scenarios that change one council keep the others' draws."""
    runner.need_u = base.need_u
    runner.choice_u = base.choice_u
    runner.bounce_u, runner.rework = base.bounce_u, base.rework  # a council changes only a bounce-back's chance
    same = cfg.work == base_cfg.work
    runner.duration = base.duration if same else _alongside(base.duration, runner.duration)
    if isinstance(runner, PlacementRunner) and isinstance(base, PlacementRunner):
        runner.funded_u = base.funded_u
        runner.search = base.search if cfg.search == base_cfg.search else _alongside(base.search, runner.search)
        runner.search_need_u = (base.search_need_u if (cfg.search is None) == (base_cfg.search is None)
                                else _alongside(base.search_need_u, runner.search_need_u))
        if cfg.self_funder_search == base_cfg.self_funder_search:
            runner.self_funder_search = base.self_funder_search
        elif base.self_funder_search is not None:  # the config's is drawn, and this council's used (if it has one)
            runner.self_funder_search = _alongside(base.self_funder_search, runner.self_funder_search or _nan)
    return runner


def _alongside(base: Sampler, own: Sampler) -> Sampler:
    """``own``'s draw, after taking (and dropping) ``base``'s: the config's stream is drawn for every
    patient whatever their council's own setting, so the other councils' residents keep their
    draws when one council's setting changes."""
    def draw() -> float:
        base()
        return own()

    return draw


def _nan() -> float:
    """No draw of a council's own (a self-funder's search: the same as anyone's)."""
    return math.nan


def _cap(variant: Variant, name: str, council: str | None) -> float | None:
    """A benchmark's cap on the step's durations: the council's own (``<name>@<council>``), else the step's."""
    own = variant.duration_cap(f"{name}@{council}") if council else None
    return own if own is not None else variant.duration_cap(name)


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
