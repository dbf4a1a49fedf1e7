"""The discharge process: from discharge-ready to departure, a graph of steps per pathway.

A step starts when every step it waits for has finished. Steps without a shared resource (a
duration in working hours, a ward round, a panel) get their finish time by calendar arithmetic,
with no simulation event. Steps that need a shared resource (staff, a placement) request it at
their start time and finish when granted plus their work. So a patient costs a few events, not
one process per step, and parallel branches need no ``AllOf``.

All of a patient's draws are made when they are admitted, one stream per step and purpose,
whether or not the step ends up used. A scenario that changes one step therefore leaves every
other step's streams untouched; patients take their draws in the order they are admitted, which
stays the same unless the scenario changes bed pressure enough to reorder admissions (and not,
for instance, when readiness is declared at another hour).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import simpy

from discharge_sim.config import Config, PlacementStep
from discharge_sim.model.assessments import ORGANISATION_OF
from discharge_sim.model.budget import AnnualBudget
from discharge_sim.model.calendar import WorkingHours
from discharge_sim.model.distributions import block_sampler
from discharge_sim.model.outcomes import death_clock, escalation_clock
from discharge_sim.model.patient import Patient
from discharge_sim.model.placements import PlacementPool, payer
from discharge_sim.model.resources import CountingResource
from discharge_sim.model.staff import StaffTeam, working_hours
from discharge_sim.model.steps import (
    DelayRunner,
    PlacementRunner,
    SessionRunner,
    StaffedRunner,
    StepRunner,
    compile_step,
    share_draws,
)
from discharge_sim.model.streams import Streams
from discharge_sim.model.variant import Variant
from discharge_sim.vocabulary import HOURS_PER_DAY


@dataclass
class PathwayPlan:
    """One pathway's step graph in topological order, as index lists."""

    steps: list[StepRunner]
    preds: list[list[int]]
    succs: list[list[int]]
    roots: list[int]
    placements: list[tuple[int, PlacementRunner]]
    """The placement steps and their positions: the only steps with per-patient pool draws."""
    waits: list[int]
    """Per step, how many steps it waits for (a patient's countdown starts from a copy)."""
    lead: list[float]
    """Per step, the hours before the expected discharge date it may begin (0: at the ready date)."""
    pathway: int = 0
    self_funder_skips: list[int] = field(default_factory=list)
    """Steps not needed by a patient whose every placement in the pathway is self-funded."""
    bouncing: list[int] = field(default_factory=list)
    """Steps whose work may come back for missing information (a ``bounce_back``)."""
    assessing: list[int] = field(default_factory=list)
    """Steps whose work assesses the patient (an ``assessment``)."""


class DischargeRun:
    """One patient's passage through their pathway's steps: the times each step began (became
    ready to start), was granted its resource, and finished; ``None`` until known."""

    __slots__ = (
        "abandoned",
        "asked",
        "bounced",
        "death_level",
        "dies_at",
        "done",
        "duration",
        "earliest",
        "ended",
        "escalates_at",
        "escalation_level",
        "finish",
        "funded",
        "funding",
        "granted",
        "held",
        "market",
        "origin",
        "patient",
        "plan",
        "pool",
        "previous",
        "remaining",
        "rework",
        "saved",
        "search",
        "since",
        "skip",
        "start",
        "u",
    )

    def __init__(self, patient: Patient, plan: PathwayPlan):
        steps = plan.steps
        n = len(steps)
        self.patient = patient
        self.plan = plan
        self.start: list[float | None] = [None] * n
        self.granted: list[float | None] = [None] * n
        self.finish: list[float | None] = [None] * n
        self.remaining = plan.waits.copy()
        self.done = 0
        # Every draw is made now, used or not, so each step's streams stay aligned across scenarios.
        # An instant step takes only its necessary hours (or less, if its work was shorter); an
        # instant placement still takes its place.
        skip: list[bool] = []
        duration: list[float] = []
        u: list[float] = []
        for step in steps:
            skip.append(step.need_u() > step.probability)
            d = step.duration()
            duration.append(d if not step.instant or d < step.necessary else step.necessary)
            u.append(step.choice_u())
        self.duration = duration
        self.u = u
        self.skip = skip
        """Per step: not needed at all, so it takes no time."""
        self.search = [0.0] * n
        """Per placement step: the time to find a provider (zero if none is needed)."""
        self.pool: list[PlacementPool | None] = [None] * n
        """Per placement step: the pool the place is in."""
        self.funded: list[float] = [False] * n
        """Per placement step: whether the pool's payer funds the place (else the person pays)."""
        self.market: dict[int, tuple[float, float, float]] | None = None
        """Per placement step in a pool whose market responds: the raw search draws, decided when
        the search starts."""
        council = patient.council
        for i, step in plan.placements:
            self.search[i], pool, self.funded[i], raws = step.draw(u[i])
            if council and self.funded[i]:  # who pays, with several councils (see placements.payer)
                self.funded[i] = payer(council, True)
            self.pool[i] = pool
            if pool.market is not None:
                if self.market is None:
                    self.market = {}
                self.market[i] = raws
        if plan.self_funder_skips and plan.placements and not any(self.funded[i] and not skip[i]
                                                                  for i, _ in plan.placements):
            for i in plan.self_funder_skips:  # a council panel or means test: not for self-funders
                skip[i] = True
        self.saved: dict[int, float] | None = None
        """Per shared assessment that followed another organisation's: the hours of work it saved."""
        self.rework: dict[int, float] | None = None
        """Per step whose work comes back for missing information: the rework's hours."""
        self.bounced: dict[int, float] | None = None
        """Per step whose work came back: when its rework began (the work's own finish)."""
        for i in plan.bouncing:  # drawn for every patient, used or not
            step = steps[i]
            back = step.bounce_u() <= step.bounce_probability  # type: ignore[misc]
            hours = step.rework()  # type: ignore[misc]
            if back and not skip[i]:
                if self.rework is None:
                    self.rework, self.bounced = {}, {}
                self.rework[i] = hours
        self.funding: dict[int, tuple[float, float]] | None = None
        """Per placement step that waited for the next year's budget: (asked, approved), approved
        infinite while still waiting."""
        self.held: list[int] = []
        """Placement steps whose place the patient holds until departure (and then their stay)."""
        self.abandoned = False
        """The patient died (or their needs changed) before every step finished: nothing more is done."""
        self.ended = math.inf
        """When the run was abandoned (infinite: it was not)."""
        self.previous: DischargeRun | None = None
        """After an escalation: the run of the pathway before (None: this is the first)."""
        self.asked: list[Any] | None = None
        """Requests still queueing (for staff, a place, or next year's budget), to withdraw if abandoned."""
        self.death_level = math.inf
        """The cumulative hazard at which the patient dies while waiting (infinite: never)."""
        self.dies_at = math.inf
        """When the patient would die while waiting, once they are ready."""
        self.escalation_level = math.inf
        """The cumulative hazard at which the patient's needs grow to the next pathway (infinite: never)."""
        self.escalates_at = math.inf
        """When the patient's needs would grow, once they are ready."""
        self.since = math.nan
        """When the patient began waiting on this pathway (their ready date, or their escalation)."""
        self.origin: DischargeRun | None = None
        """After an escalation: the run of the pathway the patient was found ready on (None: this one)."""
        self.earliest: list[float] | None = None
        """With planning ahead, per step: the earliest it may begin (see
        :class:`~discharge_sim.config.schema.Planning`); None: every step waits for the ready date."""


class DischargeProcess:
    """Runs every discharge-ready patient through their pathway and reports their departure."""

    def __init__(self, env: simpy.Environment, config: Config, streams: Streams,
                 pools: dict[str, PlacementPool], variant: Variant,
                 on_departure_known: Callable[[Patient, float], None],
                 budgets: list[AnnualBudget | None] | None = None):
        self.env = env
        self._on_departure_known = on_departure_known
        self.step_names = list(config.steps)
        hours = {name: working_hours(w) for name, w in config.schedules.items()}
        self.staff: dict[str, StaffTeam] = {}
        for name, s in config.staff.items():
            code, organisation = config.staff_cause(name)
            team = self.staff[name] = StaffTeam(name, s.owner, organisation, code, hours[s.schedule],
                                                variant.staff_unlimited(name), CountingResource(env, s.count))
            if (s.absence_rate > 0 or s.varies) and not team.unlimited:
                rng = streams.generator(f"staff.{name}.absence") if s.absence_rate > 0 else None
                env.process(team.roster(env, s.rostered, s.absence_rate, rng))
        self._self_funders_skip = {name: step.self_funders_skip for name, step in config.steps.items()}
        self.runners: dict[str, StepRunner] = {}
        for index, (name, step) in enumerate(config.steps.items()):
            self.runners[name] = compile_step(index, name, step, hours, self.staff, pools, streams, variant)
        escalated: dict[str, StepRunner] = {}
        if config.deconditioning is not None:  # the steps of a pathway escalated to draw from streams of their own
            for index, (name, step) in enumerate(config.steps.items()):
                escalated[name] = compile_step(index, name, step, hours, self.staff, pools, streams, variant,
                                               suffix=".escalated")
        planning = config.planning
        self._planning = planning if planning is not None and planning.active else None
        self._lead: dict[str, float] = {}
        if self._planning is not None:
            self._lead = {n: h for n, h in self._planning.lead_hours.items() if h > 0}
            error_rng = streams.generator("planning.expected_date_error")
            self._edd_error = block_sampler(lambda n: error_rng.standard_normal(n))
        self._deaths = death_clock(config.deaths, streams) if config.deaths is not None else None
        self._escalation = (escalation_clock(config.deconditioning, streams)
                            if config.deconditioning is not None else None)
        self._escalating = self._escalation is not None and not variant.no_deconditioning
        """Needs may grow (the clock's draws are made all the same when a counterfactual stops them)."""
        self._horizon = config.horizon_hours
        self._withdrawable = self._deaths is not None or self._escalating
        """Whether a run may be abandoned, so its queued requests are kept to withdraw them."""
        self.plans = {p: self._compile_plan(graph, p, self.runners) for p, graph in config.pathways.items()}
        self._escalated_plans = {p: self._compile_plan(graph, p, escalated) for p, graph in config.pathways.items()
                                 } if escalated else {}
        """The pathways' plans for patients who reach them by an escalation (their own streams, so an
        escalation draws nothing that later admissions would have)."""
        self._council_plans = [self.plans]
        """Per home council (their position in ``councils``), the pathways' plans its residents follow."""
        self._council_escalated = [self._escalated_plans]
        if config.councils:
            self._council_plans, self._council_escalated = [], []
            for council in config.councils:
                own = self._council_runners(config, council, self.runners, "", hours, pools, streams, variant)
                self._council_plans.append(self.plans if own is self.runners else
                                           {p: self._compile_plan(g, p, own) for p, g in config.pathways.items()})
                if escalated:
                    own = self._council_runners(config, council, escalated, ".escalated", hours, pools, streams,
                                                variant)
                    self._council_escalated.append(
                        self._escalated_plans if own is escalated else
                        {p: self._compile_plan(g, p, own) for p, g in config.pathways.items()})
                else:
                    self._council_escalated.append({})
        every = budgets or []
        for k, budget in enumerate(every):  # a stricter panel while a council rations
            rationing = budget.rationing if budget is not None else None
            if rationing is None or rationing.panel_step is None or rationing.panel_factor >= 1.0:
                continue
            for plans in (self._council_plans[k], self._council_escalated[k]):
                for plan in plans.values():
                    for runner in plan.steps:
                        if runner.name == rationing.panel_step and isinstance(runner, SessionRunner):
                            if runner.rationed is None:  # by council: a runner may serve several
                                runner.rationed = [None] * len(every)
                                runner.budget = [None] * len(every)
                            runner.rationed[k] = runner.sessions.scaled(rationing.panel_factor)
                            runner.budget[k] = budget
                            runner.decides_late = True
        if self._escalation is not None:
            again = streams.generator("deconditioning.again")
            self._escalation_again = block_sampler(lambda n: again.exponential(1.0, n))

    def _council_runners(self, config: Config, council: str, runners: dict[str, StepRunner], suffix: str,
                         hours: dict[str, WorkingHours], pools: dict[str, PlacementPool], streams: Streams,
                         variant: Variant) -> dict[str, StepRunner]:
        """The steps as ``council``'s residents go through them (see :meth:`Config.council_steps`):
        ``runners`` themselves where nothing differs, else each differing step compiled with streams
        of its own (``.council.<name>``), sharing the draws that are the same (see
        :func:`~discharge_sim.model.steps.share_draws`)."""
        steps = config.council_steps(council)
        own: dict[str, StepRunner] = {}
        for index, (name, step) in enumerate(steps.items()):
            base = runners[name]
            shares = [config.council_funded_share(council, p) for p in step.pools
                      ] if isinstance(step, PlacementStep) else []
            if step is config.steps[name] and (not shares or shares == base.funded_shares):  # type: ignore[attr-defined]
                own[name] = base
                continue
            runner = compile_step(index, name, step, hours, self.staff, pools, streams, variant,
                                  suffix=f"{suffix}.council.{council}", council=council)
            if isinstance(runner, PlacementRunner):
                runner.funded_shares = shares
            own[name] = share_draws(runner, step, base, config.steps[name])
        return runners if all(own[n] is runners[n] for n in runners) else own

    def _compile_plan(self, graph: dict[str, list[str]], pathway: int, runners: dict[str, StepRunner]) -> PathwayPlan:
        order: list[str] = []
        placed: set[str] = set()
        while len(order) < len(graph):
            for name, after in graph.items():  # config order among steps that are ready
                if name not in placed and all(a in placed for a in after):
                    order.append(name)
                    placed.add(name)
                    break
        position = {name: i for i, name in enumerate(order)}
        preds = [[position[a] for a in graph[name]] for name in order]
        succs: list[list[int]] = [[] for _ in order]
        for i, ps in enumerate(preds):
            for p in ps:
                succs[p].append(i)
        steps = [runners[name] for name in order]
        return PathwayPlan(
            steps=steps,
            preds=preds,
            succs=succs,
            roots=[i for i, ps in enumerate(preds) if not ps],
            placements=[(i, step) for i, step in enumerate(steps) if isinstance(step, PlacementRunner)],
            waits=[len(p) for p in preds],
            lead=[self._lead.get(name, 0.0) for name in order],
            pathway=pathway,
            self_funder_skips=[i for i, name in enumerate(order) if self._self_funders_skip[name]],
            bouncing=[i for i, step in enumerate(steps) if step.bounce_u is not None],
            assessing=[i for i, step in enumerate(steps) if step.assessor >= 0],
        )

    def release(self) -> None:
        """Forget the departure callback and the staff teams' waiting requests (the end of a run)."""
        self._on_departure_known = _nothing
        for team in self.staff.values():
            team.resource.queue.clear()

    def prepare(self, patient: Patient) -> None:
        """The patient is admitted now: draw their step values (see the module's docstring); with
        planning ahead, set their expected discharge date and begin their pathway's first steps."""
        plan = self._council_plans[patient.council][patient.pathway]
        run = patient.discharge = DischargeRun(patient, plan) if plan.steps else None
        if self._deaths is not None:
            level = self._deaths.level()  # drawn for every patient, so draws stay in step
            if run is not None:
                run.death_level = level
        if self._escalation is not None:
            level = self._escalation.level()
            if run is not None:
                run.escalation_level = level
        if self._planning is not None:
            self._plan_ahead(patient, run)

    def _plan_ahead(self, patient: Patient, run: DischargeRun | None) -> None:
        """Set the expected discharge date (EDD) and each step's earliest start, and begin the
        root steps at theirs (the error is drawn for every patient, so draws stay in step)."""
        planning = self._planning
        assert planning is not None
        z = self._edd_error()
        if run is None:
            return
        ready = patient.ready
        edd = ready + (planning.error_mean_days + planning.error_sd_days * z) * HOURS_PER_DAY
        set_at = patient.admitted + planning.set_after_admission_hours
        run.earliest = [ready if lead <= 0 else min(ready, max(set_at, edd - lead)) for lead in run.plan.lead]
        self._watch(run, ready)  # deaths and escalations start from the ready date, as without planning
        for i in run.plan.roots:
            self._begin(run, i, run.earliest[i])

    def start(self, patient: Patient) -> None:
        """The patient is found ready now: begin the root steps of their pathway (with planning
        ahead, they have begun already)."""
        if self._planning is not None and patient.departure == patient.departure:
            return  # planned ahead and done already (the record, and its run, may be gone)
        run = patient.discharge
        if run is None:  # nothing to wait for: leave now, no delay to record
            self._on_departure_known(patient, patient.ready)
            return
        if run.since == run.since:
            return  # begun already: planned ahead at admission (and perhaps escalated since)
        self._watch(run, patient.ready)
        for i in run.plan.roots:
            self._begin(run, i, patient.ready)

    def _watch(self, run: DischargeRun, since: float) -> None:
        """From ``since`` (the ready date) the patient waits at their pathway's hazards."""
        run.since = since
        if self._deaths is not None:
            self._watch_death(run, since)
        if self._escalating:
            self._watch_escalation(run, since)

    def _watch_death(self, run: DischargeRun, since: float) -> None:
        """From ``since`` the patient waits at their pathway's hazard of death."""
        assert self._deaths is not None
        run.dies_at = self._due_at(self._deaths.time(run.death_level, run.plan.pathway, since), run, self._death_due)

    def _watch_escalation(self, run: DischargeRun, since: float) -> None:
        """From ``since`` the patient's needs may grow, at their pathway's hazard."""
        assert self._escalation is not None
        run.escalates_at = self._due_at(self._escalation.time(run.escalation_level, run.plan.pathway, since), run,
                                        self._escalation_due)

    def _due_at(self, t: float, run: DischargeRun, due: Callable[[DischargeRun], None]) -> float:
        """If ``t`` falls before the horizon, check then (``due``) whether the patient still waits."""
        if t < self._horizon:
            self.env.timeout(t - self.env.now).callbacks.append(lambda _ev: due(run))
        return t

    def _escalation_due(self, run: DischargeRun) -> None:
        """The patient's needs grow now, if their steps are not all done."""
        if not run.abandoned and run.done < len(run.plan.steps):
            self._escalate(run, self.env.now)

    def _escalate(self, run: DischargeRun, t: float) -> None:
        """At ``t`` (now or later) the patient needs the next pathway: what was under way for the
        old one stops (as for a death), and the new pathway's steps start afresh, with new draws."""
        self._abandon(run, t)
        patient = run.patient
        if patient.escalated_at != patient.escalated_at:  # NaN: the first escalation
            patient.escalated_at = t
        pathway = run.plan.pathway + 1
        patient.final_pathway = pathway
        plan = self._council_escalated[patient.council][pathway]
        new = DischargeRun(patient, plan)
        new.origin = run.origin or run
        new.previous = run
        patient.discharge = new
        if self._deaths is not None:  # the hazard of death to go carries over
            spent = self._deaths.hazard(run.plan.pathway) * (t - run.since)
            new.death_level = max(run.death_level - spent, 0.0)
        new.escalation_level = self._escalation_again()
        self._watch(new, t)
        if not plan.steps:
            self._complete(new)
            return
        for i in plan.roots:
            self._begin(new, i, t)

    def _death_due(self, run: DischargeRun) -> None:
        """The patient's time of death: if their steps are not all done, they die now."""
        if not run.abandoned and run.done < len(run.plan.steps):
            self._die(run, self.env.now)

    def _die(self, run: DischargeRun, t: float) -> None:
        """The patient dies at ``t`` (now or later): their bed is freed then, places they were
        given are freed then without their stay, and nothing they still wait for goes ahead."""
        patient = run.patient
        patient.died = True
        self._abandon(run, t)
        self._on_departure_known(patient, t)

    def _abandon(self, run: DischargeRun, t: float) -> None:
        """Nothing more is done for this run: withdraw what it still queues for, and give back the
        places it holds at ``t`` (work under way finishes)."""
        run.abandoned = True
        run.ended = t
        for asked in run.asked or ():
            if isinstance(asked, tuple):
                budget, funded = asked
                budget.withdraw(funded)
            elif not asked.triggered:
                asked.cancel()
        for i in run.held:
            pool = run.pool[i]
            assert pool is not None
            pool.release_at(t, run.funded[i], resident_from=math.inf)  # given back unused
        run.held = []

    def _begin_now(self, run: DischargeRun, i: int, t: float) -> None:
        """Step ``i``, deferred to its start ``t`` (now), begins unless the run was abandoned since."""
        if not run.abandoned:
            self._begin(run, i, t)

    def _begin(self, run: DischargeRun, i: int, t: float) -> None:
        """Step ``i`` begins at ``t`` (now or later): finish it by calendar arithmetic, or ask for
        its resource, as its runner's class says."""
        step = run.plan.steps[i]
        run.start[i] = t  # known now: the ledger needs it even if the step is unfinished at the horizon
        if (step.shares or step.decides_late) and t > self.env.now and not run.skip[i]:
            # What it does depends on the state when it begins (another organisation's assessment
            # finished by then; the budget rationing by then): decide it then.
            self.env.timeout(t - self.env.now).callbacks.append(lambda _ev: self._begin_now(run, i, t))
            return
        if run.skip[i]:
            self._finish(run, i, t, t, t)
        elif step.instant and not isinstance(step, PlacementRunner):  # its necessary hours, no staff
            self._finish(run, i, t, t, t + run.duration[i])
        elif isinstance(step, DelayRunner):
            hours = step.hours
            d = self._work(run, i, t) if step.shares else run.duration[i]
            self._finish(run, i, t, t, hours.advance(t, d) if hours is not None else t + d)
        elif isinstance(step, SessionRunner):
            sessions = step.sessions
            if step.rationed is not None:  # a stricter panel while the patient's council rations
                budget = step.budget[run.patient.council]
                stricter = step.rationed[run.patient.council]
                if budget is not None and budget.spent and stricter is not None:
                    sessions = stricter
            self._finish(run, i, t, t, sessions.first_success(t, run.u[i]))
        elif isinstance(step, StaffedRunner):
            if step.staff.unlimited:  # no queue
                self._granted(run, i, t, t, held=False)
            else:
                self._ask_at(run, i, t, t)
        elif isinstance(step, PlacementRunner):
            pool = run.pool[i]
            assert pool is not None
            if pool.unlimited:  # no queue, and no search for a provider either
                self._granted(run, i, t, t, held=False)
            elif run.market is not None and i in run.market:  # the search depends on the market then
                if t > self.env.now:
                    self.env.timeout(t - self.env.now).callbacks.append(lambda _ev: self._search(run, i, t))
                else:
                    self._search(run, i, t)
            else:  # ask for the place once a provider has been found
                self._ask_at(run, i, t, t + run.search[i])
        else:
            raise TypeError(f"step {step.name!r}: no rule to run a {type(step).__name__}")

    def _search(self, run: DischargeRun, i: int, t: float) -> None:
        """The search for a provider starts now (``t``), in a market whose state sets its chance
        and length (see :class:`~discharge_sim.config.schema.Market`)."""
        if run.abandoned:
            return
        raw, need_u, cap = run.market[i]  # type: ignore[index]
        pool = run.pool[i]
        assert pool is not None
        budget = pool.budget_for(run.patient.council)
        m = pool.market_factor(budget.fee_factor() if run.funded[i] and budget is not None else 1.0)
        step = run.plan.steps[i]
        assert isinstance(step, PlacementRunner)
        needed = need_u <= 1.0 - (1.0 - step.search_probability) ** m
        search = run.search[i] = min(raw * m if needed else 0.0, cap)
        self._ask_at(run, i, t, t + search)

    def _ask_at(self, run: DischargeRun, i: int, t: float, at: float) -> None:
        """Ask for step ``i``'s resource at time ``at``, now or later; the step began at ``t``."""
        if at > self.env.now:
            self.env.timeout(at - self.env.now).callbacks.append(lambda _ev: self._ask(run, i, t, at))
        else:
            self._ask(run, i, t, at)

    def _ask(self, run: DischargeRun, i: int, t: float, at: float) -> None:
        """At ``at``, a funded place under the council's budget needs its approval; then ask for
        the resource."""
        if run.abandoned:
            return
        pool = run.pool[i]
        budget = pool.budget_for(run.patient.council) if pool is not None else None
        share = budget.offer() if budget is not None and run.funded[i] else 1.0
        if budget is not None and run.funded[i] and not budget.approve(pool.commitment * share):  # type: ignore[union-attr]
            if budget.waits:
                if run.funding is None:
                    run.funding = {}
                run.funding[i] = (at, math.inf)  # until the new year's budget funds it
                funded = lambda: self._funded(run, i, t, at)  # noqa: E731
                budget.wait(pool.commitment, funded)  # type: ignore[union-attr]
                if self._withdrawable:
                    run.asked = [*(run.asked or ()), (budget, funded)]
                return
            run.funded[i] = False  # tighter eligibility: the patient arranges and pays
            pool.refuse()  # type: ignore[union-attr]
        elif share != 1.0:  # approved while the council rations: a smaller package at a frozen fee
            run.funded[i] = payer(run.patient.council, share)
        self._request(run, i, t, at)

    def _funded(self, run: DischargeRun, i: int, t: float, at: float) -> None:
        """The new financial year's budget funds step ``i``, which has waited since ``at``."""
        now = self.env.now
        run.funding[i] = (at, now)  # type: ignore[index]
        self._request(run, i, t, now)

    def _request(self, run: DischargeRun, i: int, t: float, at: float) -> None:
        """Ask for step ``i``'s resource at time ``at``; the step began at ``t``."""
        step = run.plan.steps[i]
        resource = step.staff.resource if isinstance(step, StaffedRunner) else run.pool[i].resource  # type: ignore[union-attr]
        if resource.try_take():
            # max(): the clock reached ``at`` through a timeout of (at - now), which may round below it.
            self._granted(run, i, t, max(at, self.env.now), held=True)
        else:
            request = resource.request()
            request.callbacks.append(lambda _ev: self._granted(run, i, t, max(at, self.env.now), held=True))
            pool = run.pool[i]
            if pool is not None and pool.hospital_priority:
                pool.before_community(request)
            if self._withdrawable:
                run.asked = [*(run.asked or ()), request]

    def _granted(self, run: DischargeRun, i: int, t: float, g: float, held: bool) -> None:
        """Step ``i`` has its resource from ``g`` (``held``: a unit taken, to give back)."""
        step = run.plan.steps[i]
        if run.abandoned:  # granted as the patient died: give the unit straight back
            if held:
                (step.staff.resource if isinstance(step, StaffedRunner) else run.pool[i].resource).free()  # type: ignore[union-attr]
            return
        if step.shares and not step.instant:
            self._work(run, i, g)
        if isinstance(step, StaffedRunner):
            staff = step.staff
            f = staff.hours.advance(g, run.duration[i])
            if held:
                if f > g:
                    self.env.timeout(f - g).callbacks.append(staff.resource.free)
                else:
                    staff.resource.free()
        elif isinstance(step, PlacementRunner):
            hours = step.hours
            f = g + run.duration[i] if hours is None or step.instant else hours.advance(g, run.duration[i])
            admitting = run.pool[i].admission_hours  # type: ignore[union-attr]
            if admitting is not None and not step.instant:  # the provider takes patients in its own hours,
                f = admitting.next_open(max(f, run.patient.ready))  # and only once they are ready
            if held:
                run.held.append(i)
                run.pool[i].taken(g, run.funded[i])  # type: ignore[union-attr]
        else:
            raise TypeError(f"step {step.name!r}: a {type(step).__name__} holds no resource")
        self._finish(run, i, t, g, f)

    def _work(self, run: DischargeRun, i: int, g: float) -> float:
        """The work of step ``i``, a shared assessment beginning at ``g``: where an assessment by
        another organisation finished by then, the assessor need not ask again what it asked, so
        the work is shorter by its repeated share (the hours saved are kept in ``run.saved``)."""
        step = run.plan.steps[i]
        mine = ORGANISATION_OF[step.assessor]
        r: DischargeRun | None = run
        while r is not None:
            for j, other in enumerate(r.plan.steps):
                f = r.finish[j]
                if (other.assessor >= 0 and not r.skip[j] and f is not None and f <= g
                        and ORGANISATION_OF[other.assessor] != mine and (r is run or r.granted[j] < r.ended)):  # type: ignore[operator]
                    saved = run.duration[i] * step.repeated_share
                    run.duration[i] -= saved
                    if run.saved is None:
                        run.saved = {}
                    run.saved[i] = saved
                    return run.duration[i]
            r = r.previous
        return run.duration[i]

    def _finish(self, run: DischargeRun, i: int, s: float, g: float, f: float) -> None:
        if run.rework is not None and i in run.rework:  # the work comes back: rework, then done
            step = run.plan.steps[i]
            run.bounced[i] = f  # type: ignore[index]
            hours = step.rework_hours
            f = hours.advance(f, run.rework[i]) if hours is not None else f + run.rework[i]
        run.start[i] = s
        run.granted[i] = g
        run.finish[i] = f
        run.done += 1
        plan = run.plan
        if run.done == len(plan.steps):  # the last step: nothing left to begin
            self._complete(run)
            return
        remaining = run.remaining
        earliest = run.earliest
        for j in plan.succs[i]:
            left = remaining[j] - 1
            remaining[j] = left
            if left == 0:
                preds = plan.preds[j]
                if len(preds) == 1:  # i was the only step j waited for
                    t = f
                else:  # steps finish out of time order, so take the latest finish
                    finish = run.finish
                    t = max([finish[p] for p in preds])  # type: ignore[type-var,assignment]
                self._begin(run, j, t if earliest is None or earliest[j] <= t else earliest[j])

    def _complete(self, run: DischargeRun) -> None:
        patient = run.patient
        departure: float = max((f for f in run.finish if f is not None), default=run.since)
        if departure < patient.ready:  # work planned ahead finished early: the patient still waits to be ready
            departure = patient.ready
        # Dies, or needs grow, before the last step is done (and before the horizon: after it, the
        # patient is simply still in hospital).
        horizon = self._horizon
        if run.dies_at < departure and run.dies_at <= run.escalates_at and run.dies_at < horizon:
            self._die(run, run.dies_at)
            return
        if run.escalates_at < departure and run.escalates_at < horizon:
            self._escalate(run, run.escalates_at)
            return
        for i in run.held:
            pool = run.pool[i]
            assert pool is not None
            pool.release_at(departure + pool.stay(), run.funded[i], resident_from=departure)
        self._on_departure_known(patient, departure)


def _nothing(_patient: Patient, _departure: float) -> None:
    """The departure callback of a finished run."""
