"""Conservation: every patient accounted for, no resource ever over capacity."""

from __future__ import annotations

import numpy as np

from discharge_sim.analysis.tables import occupancy_table


def _max_concurrent(starts, ends):
    """Peak number of open [start, end) intervals; an end frees its unit before a start at the same time."""
    times = np.concatenate([ends, starts])
    deltas = np.concatenate([-np.ones(ends.size), np.ones(starts.size)])
    order = np.lexsort((deltas, times))
    return int(np.max(np.cumsum(deltas[order]))) if times.size else 0


def test_every_patient_accounted_for(short_run):
    r = short_run
    p = r.patients
    horizon = r.horizon_hours
    admitted = ~np.isnan(p["admitted"])
    boarding = ~admitted & ~p["cancelled"]
    # Each arrival is exactly one of: cancelled elective, still waiting, admitted.
    assert np.all(p["cancelled"].astype(int) + boarding.astype(int) + admitted.astype(int) == 1)
    assert np.all(~p["cancelled"] | p["elective"])  # only electives are cancelled
    assert not np.any(boarding & p["elective"])  # electives never wait
    assert boarding.sum() == r.final_state["emergencies_waiting"]
    departed = ~np.isnan(p["departure"])
    assert np.all(admitted[departed])
    in_bed = admitted & ~departed
    assert in_bed.sum() == r.final_state["beds_in_use"]
    # Times are ordered.
    assert np.all(p["admitted"][admitted] >= p["arrival"][admitted])
    ready = ~np.isnan(p["ready"])
    assert np.all(p["ready"][ready] >= p["admitted"][ready])
    assert np.all(p["departure"][departed] >= p["ready"][departed])
    assert np.all(p["departure"][departed] <= horizon)


def test_beds_never_over_capacity(short_run):
    r = short_run
    p = r.patients
    admitted = ~np.isnan(p["admitted"])
    ends = np.where(np.isnan(p["departure"]), r.horizon_hours, p["departure"])[admitted]
    peak = _max_concurrent(p["admitted"][admitted], ends)
    assert peak <= r.beds
    assert peak >= 0.9 * r.beds  # the baseline really is run hot, so the check bites


def test_pools_never_over_capacity_and_busy(short_run):
    from tests.conftest import short_baseline

    cfg = short_baseline()
    occ = occupancy_table(short_run)
    for name, pool in cfg.pools.items():
        in_use = occ[f"{name}_in_use_at_midnight"]
        assert np.nanmax(in_use) <= pool.places
        assert np.nanmean(in_use[30:]) > 0.85 * pool.places  # pools start and stay realistically full
        assert short_run.final_state[f"{name}_in_use"] <= pool.places


def test_occupancy_table_matches_metrics(short_run):
    from discharge_sim.analysis.metrics import replication_metrics

    occ = occupancy_table(short_run)
    m = replication_metrics(short_run)
    warm = int(short_run.warmup_hours // 24)
    assert abs(np.mean(occ["beds_occupied"][warm:]) - m["mean_occupied_beds"]) < 1e-6 * m["mean_occupied_beds"]
    assert abs(np.mean(occ["delayed_patients_in_beds"][warm:]) - m["mean_delayed_beds"]) < 1e-6 * m["mean_delayed_beds"]
