"""How many times each patient was assessed, by whom, and the hours spent repeating what another
organisation had already asked; and how many times their steps' work came back for missing
information.

A step whose config has an ``assessment`` counts once for a patient when it was needed and its
work began before the patient's run ended (a death or an escalation stops what had not begun) and
finished before the horizon; after an escalation, the steps of every pathway the patient was on
count. Assessments are taken in the order they finished: one that finished after an assessment by
another organisation (see :data:`~discharge_sim.vocabulary.ASSESSOR_ORGANISATION`) repeats its
``repeated_share`` of its work, in hours, unless it is shared (``assessment.shared``): then those
hours were saved instead (see :meth:`~discharge_sim.model.discharge.DischargeProcess._work`).
"""

from __future__ import annotations

from typing import Any

from discharge_sim.vocabulary import ASSESSOR_ORGANISATION, ASSESSORS

ORGANISATION_OF = [ASSESSOR_ORGANISATION[a] for a in ASSESSORS]


def patient_assessments(run: Any, horizon: float) -> tuple[list[int], float, int, float]:
    """For the patient whose latest discharge run is ``run``: assessments by assessor (in the order
    of ``ASSESSORS``), hours repeating another organisation's, how many organisations assessed, and
    the hours shared assessments saved by not asking again."""
    counts = [0] * len(ASSESSORS)
    done: list[tuple[float, str, float]] = []
    saved = 0.0
    while run is not None:
        steps = run.plan.steps
        for i in run.plan.assessing:
            step = steps[i]
            if run.skip[i]:
                continue
            granted, finish = run.granted[i], run.finish[i]
            if granted is None or finish is None or granted >= run.ended or finish >= horizon:
                continue
            counts[step.assessor] += 1
            if step.shares:  # shared: it asks nothing again (and saved what it did not ask, if anything)
                saved += run.saved.get(i, 0.0) if run.saved is not None else 0.0
                done.append((finish, ORGANISATION_OF[step.assessor], 0.0))
            else:
                done.append((finish, ORGANISATION_OF[step.assessor], run.duration[i] * step.repeated_share))
        run = run.previous
    done.sort(key=lambda d: d[0])
    repeated = 0.0
    first: dict[str, float] = {}
    for finish, organisation, hours in done:
        if any(t < finish for o, t in first.items() if o != organisation):
            repeated += hours
        first.setdefault(organisation, finish)
    return counts, repeated, len(first), saved


def bounce_backs(run: Any, horizon: float) -> int:
    """How many of the patient's steps came back for missing information: rework begun before the
    horizon and before the patient's run ended, on every pathway they were on."""
    n = 0
    while run is not None:
        if run.bounced:
            n += sum(1 for t in run.bounced.values() if t < horizon and t < run.ended)
        run = run.previous
    return n
