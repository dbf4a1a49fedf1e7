"""The delay ledger: every delayed bed-hour gets exactly one cause.

The delay of a patient is the interval [discharge-ready, departure). Walking back from departure,
the step that finished last among those the departure waited for (the critical path) owns that
stretch; within a step, time queueing for a resource is a *capacity* segment of the resource's
owner, and the work is a segment of the step's owner: *process* for a step that uses a resource
(staff, a placement), the step's declared kind for a step without one (a modelled delay such as
waiting for housing may be declared capacity). Because every step starts
exactly when its last predecessor finished, the segments tile the interval with no gap and no
overlap: their boundaries are the same floating-point numbers.

Patients still in hospital at the end of the run are cut at the horizon: steps under way then are
taken to finish at the horizon, and ties go to the step later in the pathway's order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

QUEUE, WORK = 0, 1


class Segment(NamedTuple):
    start: float
    end: float
    step: int
    """Position of the step in the pathway's plan."""
    part: int
    """QUEUE (waiting for the step's resource) or WORK (the step itself)."""


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
    step's predecessors. Steps are in topological order.
    """
    if end <= ready:
        return []

    def clipped(value: float | None) -> float:
        return end if value is None or value > end else value

    begun = [i for i, s in enumerate(start) if s is not None and s < end]
    node = max(begun, key=lambda i: (clipped(finish[i]), i))
    segments: list[Segment] = []
    while True:
        s = start[node]
        assert s is not None
        f = clipped(finish[node])
        g = min(clipped(granted[node]), f)
        if f > g:
            segments.append(Segment(g, f, node, WORK))
        if g > s:
            segments.append(Segment(s, g, node, QUEUE))
        if not preds[node]:
            break
        node = max(preds[node], key=lambda p: (clipped(finish[p]), p))
    segments.reverse()
    return segments
