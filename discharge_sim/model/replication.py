"""One replication of a scenario: build the SimPy model, run it, return flat records.

Patients' records leave the model in blocks as their departures become known (see
:mod:`discharge_sim.model.records`): sinks given to :func:`run_replication` accumulate what they
need from each block, and the full tables are kept only if asked for, so a replication without
them holds only the patients in the system. The result holds plain numpy arrays and name lists
only, so it pickles cheaply back from a worker process, and nothing here touches files.
"""

from __future__ import annotations

import gc
import itertools
import math
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

import numpy as np
import simpy

from discharge_sim.config import Config
from discharge_sim.model.assessments import bounce_backs, patient_assessments
from discharge_sim.model.budget import AnnualBudget
from discharge_sim.model.discharge import DischargeProcess
from discharge_sim.model.hospital import Hospital
from discharge_sim.model.ledger import QUEUE, critical_path, necessary_spans, segment_cause
from discharge_sim.model.money import replication_money
from discharge_sim.model.patient import Patient
from discharge_sim.model.placements import PlacementPool, PoolCouncils
from discharge_sim.model.records import Columns, Records, RecordSink
from discharge_sim.model.staff import working_hours
from discharge_sim.model.steps import PlacementRunner, StaffedRunner, StepRunner
from discharge_sim.model.streams import Streams
from discharge_sim.model.variant import Variant
from discharge_sim.vocabulary import ASSESSORS, DTOC_CODES, HOURS_PER_DAY, KINDS, ORGANISATIONS, OWNERS


@dataclass
class ReplicationResult:
    """Everything one replication produced, as columns of equal length per table."""

    replication: int
    seed: int
    variant: str
    horizon_hours: float
    warmup_hours: float
    beds: int
    group_names: list[str]
    step_names: list[str]
    pool_names: list[str]
    item_names: list[str]
    """What a stretch of delay can be charged to: ``step:<name>`` (its work), ``staff:<name>`` and
    ``pool:<name>`` (waiting for them) and ``budget:council_budget``; segments' ``item`` indexes it."""
    patients: dict[str, np.ndarray]
    """In patient order (empty unless the records were kept): id, group, pathway, elective,
    cancelled, arrival, admitted, clinically_ready, ready (declared), departure (NaN: not yet),
    died (while waiting: the departure is the death), escalated_at (when needs first grew, NaN:
    never) and final_pathway (the pathway left on), readmission_of (the first stay's id, -1:
    not a readmission) and readmitted_at (when this patient comes back, NaN: not by the horizon)."""
    segments: dict[str, np.ndarray]
    """In patient order, then time (empty unless the records were kept): patient, start, end,
    step, item, owner, kind, dtoc, organisation: one row per ledger segment."""
    pools_daily: dict[str, np.ndarray] = field(default_factory=dict)
    """day, then ``<pool>_in_use`` and ``<pool>_queue`` at each midnight."""
    arrived: int = 0
    """Patients who arrived before the horizon (the records' length when they are kept)."""
    kept: bool = True
    """Whether ``patients`` and ``segments`` hold every record (``run_replication(keep=True)``)."""
    events: int = 0
    """Events SimPy processed before the horizon: the engine's work, for events per second."""
    final_state: dict[str, int] = field(default_factory=dict)
    """Resource counts at the horizon, for conservation checks: beds in use, emergencies queueing,
    and per pool places in use."""
    money: dict[str, float] = field(default_factory=dict)
    """Spend in the window by payer and the council budget's record (see :mod:`discharge_sim.model.money`)."""
    turns_away: bool = False
    """Emergencies finding no free bed are turned away (hospital.when_full) rather than boarding."""
    bed_day_cost: float = math.nan
    """What a delayed bed-day costs the NHS (NaN: the config has no finance section)."""
    budget_approvals: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))
    """(time, amount committed, budget left after it) for every approval of the council's budget."""
    budget_spells: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    """(from, to) stretches in which the year's budget was spent."""
    open_bed_hours: float = math.nan
    """With hospital.bed_changes: bed-hours open in the observation window (NaN: the beds never
    change, so they are ``beds`` throughout)."""
    provider_exits: dict[str, float] = field(default_factory=dict)
    """With pools' ``exits``: residents displaced in the window and their days waiting to be re-placed."""
    delayed_area_hours: float = math.nan
    """Delayed-patient hours in beds from time 0 to the horizon, integrated event by event by the
    engine itself (see :meth:`Hospital._count_delayed`)."""
    council_names: list[str] = field(default_factory=list)
    """The home councils (config ``councils``), which the patients' ``council`` column indexes;
    empty with one council, not named (and no ``council`` column)."""


def run_replication(config: Config, replication: int = 0, seed: int | None = None,
                    variant: Variant | None = None, sinks: Sequence[RecordSink] = (),
                    keep: bool = True, step_times: bool = False) -> ReplicationResult:
    """Simulate ``config`` once; replication ``r`` under ``seed`` always gives the same result.

    Every block of finished patients' records goes to each of ``sinks``; with ``keep`` the result
    holds the full patient and segment tables too (without it, they are empty and memory stays
    bounded by the patients in the system). With ``step_times`` the patient table also has, per
    step, when it began, was granted its resource and finished (``step_started:<name>``,
    ``step_granted:<name>``, ``step_finished:<name>``; NaN where not reached or not needed) and
    whether the patient paid for their own place (``self_funder``): what a trust's extract records
    as milestones (see :mod:`discharge_sim.data.synth`).

    The cyclic garbage collector is paused from the start until the results are built: nearly
    everything a replication makes is freed by reference counting (a finished patient's cycle with
    their discharge run is cut when their record leaves), so collections would only rescan the
    live model. Before it resumes, the cycles
    that tie a finished model together are cut, so the replication is freed at once rather than at
    some later collection.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _replicate(config, replication, seed, variant, sinks, keep, step_times)
    finally:
        if collecting:
            gc.enable()


def _replicate(config: Config, replication: int, seed: int | None, variant: Variant | None,
               sinks: Sequence[RecordSink], keep: bool, step_times: bool = False) -> ReplicationResult:
    seed = config.run.seed if seed is None else seed
    variant = variant or Variant()
    streams = Streams(seed, replication)
    env = simpy.Environment()
    window = (config.warmup_hours, config.horizon_hours)
    finance = config.finance
    budgets = _budgets(env, config, variant)
    distinct = list({id(b): b for b in budgets if b is not None}.values())  # the one budget, or each council's
    budget = distinct[0] if len(distinct) == 1 and not config.councils else None  # a pool's, with one council
    pools = {
        name: PlacementPool(env, name, cfg, streams, unlimited=variant.pool_unlimited(name),
                            window=window, budget=budget if budget is not None and name in budget.pools else None,
                            admission_hours=working_hours(config.schedules[cfg.admission_schedule])
                            if cfg.admission_schedule else None,
                            councils=_pool_councils(config, name, budgets) if config.councils else None)
        for name, cfg in config.pools.items()
    }
    hospital: Hospital
    discharge = DischargeProcess(
        env, config, streams, pools, variant,
        on_departure_known=lambda patient, departure: hospital.depart_at(patient, departure), budgets=budgets,
    )
    horizon = config.horizon_hours
    items = item_names(config)
    item_index = {n: i for i, n in enumerate(items)}
    budget_step = len(discharge.step_names)
    step_names = [*discharge.step_names, *([BUDGET_STEP] if distinct else [])]
    escalation = _escalation_cause(config, len(step_names), item_index)
    if escalation is not None:
        step_names.append(ESCALATION_STEP)
    bounces = _bounce_causes(config, item_index)

    councils = bool(config.councils)
    assessing = any(step.assessment is not None for steps in (config.steps, *(s for _, s in config.step_sets()))
                    for step in steps.values())

    bouncing = any(step.bounce_back is not None for step in config.steps.values())

    def to_columns(patients: list[Patient]) -> tuple[Columns, Columns]:
        columns = _patient_columns(patients, horizon, councils, assessing, bouncing)
        if step_times:
            columns.update(_step_time_columns(patients, list(config.steps), horizon))
        return (columns,
                _ledger(patients, discharge, horizon, budget_step, item_index, escalation, bounces))

    records = Records(to_columns, sinks, keep)
    hospital = Hospital(env, config, streams, on_ready=discharge.start, on_admitted=discharge.prepare,
                        on_leave=records.leave)
    snapshots: dict[str, list[float]] = {"day": []}
    for name in pools:
        snapshots[f"{name}_in_use"] = []
        snapshots[f"{name}_queue"] = []
    if pools:
        env.process(_daily_pool_census(env, pools, snapshots))
    # Release ids a pool has taken but not yet put on SimPy's heap count as scheduled, not processed.
    events = _run(env, horizon) - sum(pool.releases.unscheduled for pool in pools.values())
    patients, segments = records.close(list(hospital.present.values()))
    hospital.present.clear()
    result = ReplicationResult(
        replication=replication,
        seed=seed,
        variant=variant.label,
        horizon_hours=horizon,
        warmup_hours=config.warmup_hours,
        beds=config.hospital.beds,
        group_names=list(config.groups),
        step_names=step_names,
        pool_names=list(pools),
        item_names=items,
        council_names=list(config.councils),
        patients=patients,
        segments=segments,
        pools_daily={k: np.asarray(v, dtype=float) for k, v in snapshots.items()},
        arrived=hospital.arrived,
        kept=keep,
        events=events,
        final_state={
            "beds_in_use": hospital.beds.count,
            "emergencies_waiting": len(hospital.beds.queue),
            **{f"{name}_in_use": pool.in_use() for name, pool in pools.items()},
        },
        # Spend is of the configured system; a counterfactual's unlimited pools hold no places.
        money=replication_money(config, pools, discharge.staff, budgets, window)
        if variant == Variant() else {},
        turns_away=config.hospital.when_full == "turn_away",
        bed_day_cost=finance.acute_bed_day_cost_gbp if finance is not None else math.nan,
        budget_approvals=np.asarray(sorted(a for b in distinct for a in b.approvals), dtype=float).reshape(-1, 3),
        budget_spells=np.asarray(sorted(s for b in distinct for s in b.spells), dtype=float).reshape(-1, 2),
        delayed_area_hours=hospital.delayed_area_until(horizon),
        open_bed_hours=_open_bed_hours(config, window) if config.hospital.bed_changes else math.nan,
        provider_exits={
            "displaced_residents": float(sum(pool.displaced for pool in pools.values())),
            "replacement_wait_days":
                sum(pool.replacement_wait_until(horizon) for pool in pools.values()) / HOURS_PER_DAY,
        } if any(cfg.exits for cfg in config.pools.values()) else {},
    )
    _release(env, hospital, discharge, pools, distinct)
    return result


def _budgets(env: simpy.Environment, config: Config, variant: Variant) -> list[AnnualBudget | None]:
    """Per council (one entry without councils), the budget approving its residents' new funded
    places: the config's one budget for all, or each council's own (none under a counterfactual
    that lifts the budget)."""
    finance = config.finance
    n = max(1, len(config.councils))
    if finance is None or variant.unlimited_budget:
        return [None] * n
    start = finance.financial_year_starts_day
    if finance.council_budget is not None:
        return [AnnualBudget(env, finance.council_budget, start)] * n
    return [AnnualBudget(env, c.budget, start) if c.budget is not None else None for c in config.councils.values()] \
        or [None]


def _pool_councils(config: Config, name: str, budgets: list[AnnualBudget | None]) -> PoolCouncils:
    """The councils of pool ``name``: each one's budget (if it covers the pool), funded share and
    share of the pool's community referrals."""
    shares = config.community_shares(name)
    cumulative = list(itertools.accumulate(shares))
    return PoolCouncils(budgets=[b if b is not None and name in b.pools else None for b in budgets],
                        funded_shares=[config.council_funded_share(c, name) for c in config.councils],
                        cumulative=cumulative)


def _open_bed_hours(config: Config, window: tuple[float, float]) -> float:
    """Bed-hours open in ``window``, from the beds open at each change."""
    lo, hi = window
    steps = config.hospital.open_beds()
    total = 0.0
    for (day, beds), (after, _) in zip(steps, [*steps[1:], (math.inf, 0)], strict=True):
        a, b = max(day * HOURS_PER_DAY, lo), min(after * HOURS_PER_DAY, hi)
        if b > a:
            total += beds * (b - a)
    return total


def _release(env: simpy.Environment, hospital: Hospital, discharge: DischargeProcess,
             pools: dict[str, PlacementPool], budgets: list[AnnualBudget]) -> None:
    """Cut the cycles of a finished model (a patient and their discharge run point at each other;
    the hospital and the discharge process call each other; scheduled events hold callbacks into
    both), so reference counting frees it whole."""
    hospital.on_ready = hospital.on_admitted = hospital.on_leave = None  # type: ignore[assignment]
    discharge.release()
    hospital.beds.queue.clear()
    if hospital.waiting_list is not None:
        hospital.waiting_list.clear()
    for pool in pools.values():
        pool.resource.queue.clear()
    for budget in budgets:
        budget.release()
    for *_, event in env._queue:  # a waiting process and the event it waits for hold each other
        if event.callbacks:
            event.callbacks.clear()
    env._queue.clear()


BUDGET_STEP = "council_budget"
"""The step name under which waiting for next year's council budget appears in the ledger."""
BUDGET_ITEM = f"budget:{BUDGET_STEP}"
ESCALATION_STEP = "deconditioning"
"""The step name under which the time after a patient's needs grew appears in the ledger."""
ESCALATION_ITEM = f"escalation:{ESCALATION_STEP}"
BOUNCE_ITEM = "bounce:"
"""The prefix of the item a step's rework after a bounce-back is charged to (``bounce:<step>``)."""


def item_names(config: Config) -> list[str]:
    """Everything a stretch of delay can be charged to, in a fixed order: every step (its work),
    staff team and pool (waiting for it), the council's budget if it has one, the time after
    an escalation if needs can grow, and each step's rework after its work came back."""
    budget = config.has_council_budget
    return [*(f"step:{n}" for n in config.steps), *(f"staff:{n}" for n in config.staff),
            *(f"pool:{n}" for n in config.pools), *([BUDGET_ITEM] if budget else []),
            *([ESCALATION_ITEM] if config.deconditioning is not None else []),
            *(f"{BOUNCE_ITEM}{n}" for n, step in config.steps.items() if step.bounce_back is not None)]


def _run(env: simpy.Environment, until: float) -> int:
    """``env.run(until=...)`` to time ``until``; returns the number of events processed (the
    collector is paused by the caller).

    The run stops at a timeout of ``until`` scheduled now, after the model's start-up events: a
    start-up event falling exactly at ``until`` (the first financial year starting at the
    horizon) is processed before the stop, as it always has been. A number as ``until`` would
    stop before it, and could change the state at the horizon.

    The count costs nothing per event: SimPy numbers every event it schedules, so the events
    processed are those numbered (the environment's next event id) less those still scheduled,
    less the stop itself (processed, then put back on the schedule when the run stops).
    """
    env.run(until=env.timeout(until))
    return next(env._eid) - len(env._queue) - 1


def _daily_pool_census(env: simpy.Environment, pools: dict[str, PlacementPool],
                       out: dict[str, list[float]]) -> Generator[simpy.events.Event, Any, None]:
    day = 0
    while True:
        out["day"].append(day)
        for name, pool in pools.items():
            out[f"{name}_in_use"].append(pool.in_use())
            out[f"{name}_queue"].append(pool.queue_length())
        day += 1
        yield env.timeout(day * HOURS_PER_DAY - env.now)


def _patient_columns(patients: list[Patient], horizon: float, councils: bool = False,
                     assessing: bool = False, bouncing: bool = False) -> dict[str, np.ndarray]:
    """Columns of the patient records; a departure (or escalation, or return) at or after the
    horizon is NaN (still in bed: the simulation stops before processing events at the horizon).
    With named ``councils``, each patient's home council too; with steps that assess, the
    assessments, and with steps that may come back for missing information, how many did (see
    :mod:`~discharge_sim.model.assessments`)."""
    n = len(patients)

    def column(name: str, dtype: Any) -> np.ndarray:
        return np.fromiter(map(attrgetter(name), patients), dtype=dtype, count=n)

    def before_horizon(name: str) -> np.ndarray:
        values = column(name, float)
        values[values >= horizon] = math.nan
        return values

    return {
        "id": column("id", np.int64),
        "group": column("group", np.int16),
        "pathway": column("pathway", np.int8),
        "elective": column("elective", bool),
        "cancelled": column("cancelled", bool),
        "arrival": column("arrival", float),
        "admitted": column("admitted", float),
        "clinically_ready": column("clinically_ready", float),
        "first_round": column("first_round", float),
        "ready": column("ready", float),
        "departure": before_horizon("departure"),
        "died": column("died", bool),
        "escalated_at": before_horizon("escalated_at"),
        "final_pathway": column("final_pathway", np.int8),
        "readmission_of": column("readmission_of", np.int64),
        "readmitted_at": before_horizon("readmitted_at"),
        **({"council": column("council", np.int16)} if councils else {}),
        **(_assessment_columns(patients, horizon) if assessing else {}),
        **({"bounce_backs": np.fromiter((bounce_backs(p.discharge, horizon) for p in patients), dtype=np.int16,
                                        count=n)} if bouncing else {}),
    }


def _step_time_columns(patients: list[Patient], names: list[str], horizon: float) -> dict[str, np.ndarray]:
    """Per step, when each patient's (last pathway's) step began, was granted and finished, and
    whether they paid for their own place (see :func:`run_replication`)."""
    n = len(patients)
    out = {f"step_{what}:{name}": np.full(n, math.nan) for name in names for what in ("started", "granted", "finished")}
    self_funder = np.zeros(n, dtype=bool)
    for k, patient in enumerate(patients):
        run = patient.discharge
        if run is None:
            continue
        for i, step in enumerate(run.plan.steps):
            if run.skip[i]:
                continue
            for what, times in (("started", run.start), ("granted", run.granted), ("finished", run.finish)):
                t = times[i]
                if t is not None and t < horizon and t <= run.ended:
                    out[f"step_{what}:{step.name}"][k] = t
        self_funder[k] = any(not run.skip[i] and not run.funded[i] for i, _ in run.plan.placements)
    out["self_funder"] = self_funder
    return out


def _assessment_columns(patients: list[Patient], horizon: float) -> dict[str, np.ndarray]:
    """``assessments_<assessor>``, ``repeated_assessment_hours``, ``assessing_organisations`` and
    ``shared_assessment_hours_saved``."""
    counts = np.zeros((len(patients), len(ASSESSORS)), dtype=np.int16)
    repeated = np.zeros(len(patients))
    saved = np.zeros(len(patients))
    organisations = np.zeros(len(patients), dtype=np.int8)
    for k, patient in enumerate(patients):
        run = patient.discharge
        if run is not None and (run.plan.assessing or run.previous is not None):  # else nobody assessed them
            row, repeated[k], organisations[k], saved[k] = patient_assessments(run, horizon)
            counts[k] = row
    return {**{f"assessments_{a}": counts[:, j] for j, a in enumerate(ASSESSORS)},
            "repeated_assessment_hours": repeated, "assessing_organisations": organisations,
            "shared_assessment_hours_saved": saved}


def _cause(step: StepRunner, pool: PlacementPool | None, queueing: bool, items: dict[str, int]) -> tuple[int, ...]:
    """(step, item, owner, kind, dtoc code, organisation) indices of a segment of ``step``'s queue
    or work, for a patient placed in ``pool`` (see :func:`~discharge_sim.model.ledger.segment_cause`)."""
    owner, kind, code, org = segment_cause(step, pool, queueing)
    if not queueing:
        item = step.index
    elif isinstance(step, StaffedRunner):
        item = items[f"staff:{step.staff.name}"]
    elif isinstance(step, PlacementRunner) and pool is not None:
        item = items[f"pool:{pool.name}"]
    else:
        item = step.index
    return (step.index, item, OWNERS.index(owner), KINDS.index(kind), DTOC_CODES.index(code),
            ORGANISATIONS.index(org))


def _escalation_cause(config: Config, step: int, items: dict[str, int]) -> tuple[int, ...] | None:
    """(step, item, owner, kind, dtoc code, organisation) indices of the time after an escalation,
    as config ``deconditioning`` declares them (None: needs never grow)."""
    cfg = config.deconditioning
    if cfg is None:
        return None
    return (step, items[ESCALATION_ITEM], OWNERS.index(cfg.owner), KINDS.index(cfg.kind),
            DTOC_CODES.index(cfg.dtoc_code), ORGANISATIONS.index(cfg.organisation))


def _bounce_causes(config: Config, items: dict[str, int]) -> dict[str, tuple[int, ...]]:
    """Per step with a ``bounce_back``: (step, item, owner, kind, dtoc code, organisation) indices of
    its rework, as the config declares them."""
    out: dict[str, tuple[int, ...]] = {}
    for index, (name, step) in enumerate(config.steps.items()):
        b = step.bounce_back
        if b is not None:
            out[name] = (index, items[f"{BOUNCE_ITEM}{name}"], OWNERS.index(b.owner), KINDS.index(b.kind),
                         DTOC_CODES.index(b.dtoc_code), ORGANISATIONS.index(b.organisation))
    return out


def _ledger(patients: list[Patient], discharge: DischargeProcess, horizon: float, budget_step: int,
            items: dict[str, int], escalation: tuple[int, ...] | None = None,
            bounces: dict[str, tuple[int, ...]] | None = None) -> dict[str, np.ndarray]:
    """Attribute every delayed hour up to the horizon (see :mod:`discharge_sim.model.ledger`).

    Within a placement step's wait, the stretch spent waiting for the next financial year's
    council budget is its own segment: social-care capacity, DToC reason B (public funding),
    under the step name ``council_budget`` (index ``budget_step``) and the item
    ``budget:council_budget``. The last ``necessary_hours`` of a step's work are its own segment
    of kind ``necessary``. After a patient's needs grew (config ``deconditioning``), the stretch
    from the escalation to departure is one segment of the escalation's own cause (``escalation``),
    and the steps of the pathway they were found ready on are followed up to the escalation. A
    step's work that came back for missing information is followed by its rework, charged to the
    step's ``bounce:<step>`` item with the cause its ``bounce_back`` declares (``bounces``).
    """
    bounces = bounces or {}
    budget = (budget_step, items.get(BUDGET_ITEM, -1), OWNERS.index("social_care"), KINDS.index("capacity"),
              DTOC_CODES.index("B"), ORGANISATIONS.index("social_care"))
    necessary_kind = KINDS.index("necessary")
    causes: dict[tuple[int, str | None, bool], tuple[int, ...]] = {}  # by id(step): runners live as long as this
    rows: list[tuple[Any, ...]] = []
    append = rows.append
    for patient in patients:
        run = patient.discharge
        if run is None or not patient.ready < horizon:
            continue
        departure = patient.departure
        end = departure if departure < horizon else horizon  # NaN compares False: horizon
        pid = patient.id
        escalated = patient.escalated_at
        after = None
        if escalated == escalated:  # needs grew (NaN: never): follow the pathway found ready on
            run = run.origin
            assert run is not None
            if escalated < end:
                after = (pid, escalated, end, *escalation)  # type: ignore[misc]
                end = escalated
        steps = run.plan.steps
        for start, end_, index, part in critical_path(
            patient.ready, end, run.start, run.granted, run.finish, run.plan.preds
        ):
            step = steps[index]
            queueing = part == QUEUE
            pool = run.pool[index]
            key = (id(step), pool.name if pool is not None else None, queueing)  # a council's step may differ
            cause = causes.get(key)
            if cause is None:
                cause = causes[key] = _cause(step, pool, queueing, items)
            if not queueing:
                finish = run.finish[index]
                rework = None
                back = run.bounced.get(index) if run.bounced is not None else None
                if back is not None:  # the work came back for missing information: then the rework
                    if end_ > back:
                        rework = (pid, max(back, start), end_, *bounces[step.name])
                        end_ = max(back, start)
                    finish = back
                if end_ <= start:  # nothing of the work itself after the ready date
                    if rework is not None:
                        append(rework)
                    continue
                if step.necessary > 0 and finish is not None:  # the unavoidable last hours of the work
                    necessary = (*cause[:3], necessary_kind, *cause[4:])
                    at = start
                    for a, b in necessary_spans(step, finish):
                        a, b = max(a, start), min(b, end_)
                        if b <= a:
                            continue
                        if a > at:
                            append((pid, at, a, *cause))
                        append((pid, a, b, *necessary))
                        at = b
                    if end_ > at:
                        append((pid, at, end_, *cause))
                else:
                    append((pid, start, end_, *cause))
                if rework is not None:
                    append(rework)
                continue
            waited = run.funding.get(index) if run.funding is not None else None
            if waited is None:
                append((pid, start, end_, *cause))
                continue
            a = min(max(waited[0], start), end_)
            b = min(max(waited[1], start), end_)
            for lo, hi, c in ((start, a, cause), (a, b, budget), (b, end_, cause)):
                if hi > lo:
                    append((pid, lo, hi, *c))
        if after is not None:
            append(after)
    columns = list(zip(*rows)) if rows else [()] * 9
    return {
        "patient": np.asarray(columns[0], dtype=np.int64),
        "start": np.asarray(columns[1], dtype=float),
        "end": np.asarray(columns[2], dtype=float),
        "step": np.asarray(columns[3], dtype=np.int16),
        "item": np.asarray(columns[4], dtype=np.int16),
        "owner": np.asarray(columns[5], dtype=np.int8),
        "kind": np.asarray(columns[6], dtype=np.int8),
        "dtoc": np.asarray(columns[7], dtype=np.int8),
        "organisation": np.asarray(columns[8], dtype=np.int8),
    }
