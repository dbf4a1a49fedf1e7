"""The delay ledger: every delayed bed-hour gets exactly one cause.

The delay of a patient is the interval [discharge-ready, departure). Walking back from departure,
the step that finished last among those the departure waited for (the critical path) owns that
stretch. Within a step, time waiting for a resource (for a placement, searching for a provider
and then queueing for the place) is a *capacity* segment of the resource's owner; the work is a
segment of the step's owner: *process* for a step that uses a resource (staff, a placement), the
step's declared kind for a step without one (a modelled delay such as waiting for housing may be
declared capacity). Because every step starts exactly when its last predecessor finished, the
segments tile the interval with no gap and no overlap: their boundaries are the same
floating-point numbers.

Patients still in hospital at the end of the run are cut at the horizon: steps under way then are
taken to finish at the horizon, and ties go to the step later in the pathway's order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from discharge_sim.model.calendar import WorkingHours
from discharge_sim.model.steps import DelayRunner, PlacementRunner, StaffedRunner, StepRunner

if TYPE_CHECKING:
    from discharge_sim.model.placements import PlacementPool

QUEUE, WORK = 0, 1


Segment = tuple[float, float, int, int]
"""(start, end, step, part): ``step`` is the step's position in the pathway's plan, ``part`` is
QUEUE (waiting for the step's resource) or WORK (the step itself). Plain tuples: a year of the
baseline makes about a hundred thousand of them."""


def critical_path(
    ready: float,
    end: float,
    start: Sequence[float | None],
    granted: Sequence[float | None],
    finish: Sequence[float | None],
    preds: Sequence[Sequence[int]],
) -> list[Segment]:
    """Segments covering [ready, end) in time order; ``end`` is departure, or the horizon if sooner.

    ``start``, ``granted`` and ``finish`` are per step (None until known); ``preds`` lists each
    step's predecessors. Steps are in topological order. A step begun before ``ready`` (planned
    ahead) counts only from ``ready``, and work finished by then is not delay.
    """
    if end <= ready:
        return []
    # Finish times cut at ``end``; unknown (still running) counts as ``end``.
    fin = [end if f is None or f > end else f for f in finish]
    node, best = -1, -1.0
    for i, s in enumerate(start):  # the latest-finishing step begun before the end
        if s is not None and s < end and fin[i] >= best:
            node, best = i, fin[i]
    segments: list[Segment] = []
    while True:
        s = start[node]
        assert s is not None
        f = fin[node]
        if f <= ready:  # work planned ahead, done before the ready date
            break
        g = granted[node]
        if g is None or g > f:
            g = f
        if s < ready:  # begun ahead of the ready date: only the rest is delay
            s = ready
            if g < ready:
                g = ready
        if f > g:
            segments.append((g, f, node, WORK))
        if g > s:
            segments.append((s, g, node, QUEUE))
        ps = preds[node]
        if not ps or s <= ready:
            break
        node = ps[0]
        for p in ps[1:]:  # the predecessor that finished last; ties to the later step
            if fin[p] > fin[node] or (fin[p] == fin[node] and p > node):
                node = p
    segments.reverse()
    return segments


def work_hours(step: StepRunner) -> WorkingHours | None:
    """The opening hours in which a step's work progresses (None: round the clock, or instant)."""
    if step.instant:
        return None
    if isinstance(step, StaffedRunner):
        return step.staff.hours
    if isinstance(step, DelayRunner | PlacementRunner):
        return step.hours
    return None


def necessary_spans(step: StepRunner, finish: float) -> list[tuple[float, float]]:
    """The stretches holding the last ``necessary_hours`` of a step's work, finishing at ``finish``:
    counted in the hours the work progresses in, so closed hours between them are not necessary."""
    hours = work_hours(step)
    if hours is None:
        return [(finish - step.necessary, finish)]
    return hours.last_open_spans(finish, step.necessary)


def segment_cause(step: StepRunner, pool: PlacementPool | None, queueing: bool) -> tuple[str, str, str, str]:
    """(owner, kind, dtoc_code, organisation) of a ledger segment of ``step``.

    Waiting for a resource is capacity of the resource's owner, coded and attributed (NHS, social
    care or both) as the resource declares; the work of a staffed or placement step is process of
    the step's owner (a placement coded by the pool it is in, Di or Dii); a delay or session step
    is of the kind it declares. ``pool`` is the patient's pool for a placement step, else None.
    """
    if isinstance(step, StaffedRunner):
        if queueing:
            staff = step.staff
            return staff.owner, "capacity", staff.dtoc_code or step.dtoc_code, staff.organisation
        return step.owner, "process", step.dtoc_code, step.organisation
    if isinstance(step, PlacementRunner):
        if pool is None:
            raise ValueError(f"placement step {step.name!r}: the patient's pool is needed")
        if queueing:
            return pool.owner, "capacity", pool.dtoc_code, pool.organisation
        return step.owner, "process", pool.dtoc_code, step.organisation
    # A delay or session step uses no resource, so it never queues; if it did, its own owner's.
    return step.owner, "capacity" if queueing else step.kind, step.dtoc_code, step.organisation
