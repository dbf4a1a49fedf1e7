"""Conservation in a baseline run: every patient accounted for, beds never over capacity (counted
from the patient records), nobody queueing for a place while one is free."""

from __future__ import annotations

import numpy as np

from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.analysis.tables import occupancy_table
from tests.helpers import max_concurrent, short_baseline


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


def test_beds_never_over_capacity_counted_from_the_records(short_run):
    r = short_run
    p = r.patients
    admitted = ~np.isnan(p["admitted"])
    ends = np.where(np.isnan(p["departure"]), r.horizon_hours, p["departure"])[admitted]
    peak = max_concurrent(p["admitted"][admitted], ends)
    assert peak <= r.beds
    assert peak >= 0.9 * r.beds  # the baseline really is run hot, so the check bites


def test_nobody_queues_for_a_place_while_one_is_free_and_pools_stay_busy(short_run):
    cfg = short_baseline()
    queued_midnights = 0
    for name, pool in cfg.pools.items():
        in_use, queue = short_run.pools_daily[f"{name}_in_use"], short_run.pools_daily[f"{name}_queue"]
        assert np.all(in_use[queue > 0] == pool.places), name
        queued_midnights += int((queue > 0).sum())
        assert np.nanmean(in_use[30:]) > 0.85 * pool.places  # pools start and stay realistically full
    assert queued_midnights > 0  # people do queue for places in the baseline, so the check bites


def test_occupancy_table_matches_metrics(short_run):
    occ = occupancy_table(short_run)
    m = replication_metrics(short_run)
    warm = int(short_run.warmup_hours // 24)
    assert abs(np.mean(occ["beds_occupied"][warm:]) - m["mean_occupied_beds"]) < 1e-6 * m["mean_occupied_beds"]
    assert abs(np.mean(occ["delayed_patients_in_beds"][warm:]) - m["mean_delayed_beds"]) < 1e-6 * m["mean_delayed_beds"]
