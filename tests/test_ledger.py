"""The delay ledger: every delayed hour belongs to exactly one segment."""

from __future__ import annotations

import math

import numpy as np

from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.model.ledger import QUEUE, WORK, critical_path
from discharge_sim.vocabulary import OWNERS


def test_critical_path_picks_the_branch_that_finished_last():
    # 0 -> {1, 2} -> 3 ; branch 2 queued 5h then worked 1h and finished last.
    start = [0.0, 2.0, 2.0, 8.0]
    granted = [0.0, 2.0, 7.0, 8.0]
    finish = [2.0, 4.0, 8.0, 9.0]
    preds = [[], [0], [0], [1, 2]]
    segs = critical_path(0.0, 9.0, start, granted, finish, preds)
    assert segs == [
        (0.0, 2.0, 0, WORK), (2.0, 7.0, 2, QUEUE), (7.0, 8.0, 2, WORK), (8.0, 9.0, 3, WORK),
    ]


def test_critical_path_cut_at_horizon():
    # Still queueing for step 2 at the horizon (granted and finish unknown).
    start = [0.0, 2.0, 2.0, None]
    granted = [0.0, 2.0, None, None]
    finish = [2.0, 4.0, None, None]
    segs = critical_path(0.0, 50.0, start, granted, finish, [[], [0], [0], [1, 2]])
    assert segs == [(0.0, 2.0, 0, WORK), (2.0, 50.0, 2, QUEUE)]


def test_no_delay_no_segments():
    assert critical_path(5.0, 5.0, [5.0], [5.0], [5.0], [[]]) == []


def _by_patient(r):
    s = r.segments
    order = np.lexsort((s["start"], s["patient"]))
    return {k: v[order] for k, v in s.items()}


def test_segments_tile_each_delay_exactly(short_run):
    r = short_run
    s = _by_patient(r)
    p = r.patients
    horizon = r.horizon_hours
    patients, first = np.unique(s["patient"], return_index=True)
    bounds = [*list(first), s["patient"].size]
    checked = 0
    for k, pid in enumerate(patients):
        lo, hi = bounds[k], bounds[k + 1]
        starts, ends = s["start"][lo:hi], s["end"][lo:hi]
        ready = p["ready"][pid]
        departure = p["departure"][pid]
        end = departure if not math.isnan(departure) else horizon
        assert starts[0] == ready  # exactly, not approximately
        assert ends[-1] == end
        assert np.all(starts[1:] == ends[:-1])  # no gap, no overlap
        assert np.all(ends > starts)
        assert math.isclose(math.fsum(ends - starts), end - ready, rel_tol=1e-12, abs_tol=1e-9)
        checked += 1
    # Every patient with a delay has segments, and nobody else has any.
    delayed = ~np.isnan(p["ready"]) & (p["ready"] < horizon)
    dep = np.where(np.isnan(p["departure"]), horizon, p["departure"])
    has_delay = delayed & (dep > p["ready"])
    assert set(patients.tolist()) == set(np.flatnonzero(has_delay).tolist())
    assert checked > 5000


def test_totals_by_owner_kind_and_code_sum_to_total(short_run):
    m = replication_metrics(short_run)
    total = m["delayed_bed_days"]
    assert total > 0
    assert math.isclose(sum(m[f"delayed_bed_days_{o}"] for o in OWNERS), total, rel_tol=1e-9)
    assert math.isclose(m["delayed_bed_days_kind_process"] + m["delayed_bed_days_kind_capacity"], total, rel_tol=1e-9)
    codes = [k for k in m if k.startswith("delayed_bed_days_dtoc_")]
    assert math.isclose(sum(m[k] for k in codes), total, rel_tol=1e-9)
    owner_kind = [f"delayed_bed_days_{o}_{k}" for o in OWNERS for k in ("process", "capacity")]
    assert math.isclose(sum(m[k] for k in owner_kind), total, rel_tol=1e-9)


def test_step_and_after_ready_day_totals(short_run):
    """Per-step totals partition the total; the after-ready-day part is the hours past the ready
    date's midnight, recomputed here patient by patient from the raw ledger."""
    r = short_run
    m = replication_metrics(r)
    steps = [k for k in m if k.startswith("delayed_bed_days_step_")]
    assert len(steps) == len(r.step_names)
    assert math.isclose(sum(m[k] for k in steps), m["delayed_bed_days"], rel_tol=1e-9)
    lo, hi = r.warmup_hours, r.horizon_hours
    s = r.segments
    late = 0.0
    for pid, start, end in zip(s["patient"].tolist(), s["start"].tolist(), s["end"].tolist(), strict=True):
        midnight = (math.floor(r.patients["ready"][pid] / 24) + 1) * 24
        late += max(0.0, min(end, hi) - max(start, midnight, lo))
    assert math.isclose(m["delayed_bed_days_after_ready_day"], late / 24, rel_tol=1e-9)
    assert 0 < m["delayed_bed_days_after_ready_day"] < m["delayed_bed_days"]
    owners = sum(m[f"delayed_bed_days_after_ready_day_{o}"] for o in OWNERS)
    assert math.isclose(owners, m["delayed_bed_days_after_ready_day"], rel_tol=1e-9)
