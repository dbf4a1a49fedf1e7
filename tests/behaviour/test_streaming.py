"""Records leave the model in blocks as patients leave: metrics and daily series accumulated from
the blocks do not depend on how the patients were grouped (beyond floating-point rounding), kept
tables are the same whatever the blocks, and a replication that keeps no records holds memory
bounded by the patients in the system, not by how many passed through."""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest

from discharge_sim.analysis.metrics import ReplicationTotals
from discharge_sim.analysis.tables import DailyOccupancy, occupancy_table
from discharge_sim.experiments.specification import measure
from discharge_sim.model import records
from discharge_sim.model.replication import run_replication
from tests.helpers import finance_config, short_baseline

COUNTS = ("emergency_arrivals", "admissions", "discharges", "delayed_discharges", "dtoc_delayed_days",
          "dtoc_days_Di_social_care", "cancelled_electives")


def _streamed(config, block, keep=True):
    totals = ReplicationTotals(config.warmup_hours, config.horizon_hours)
    daily = DailyOccupancy(config.horizon_hours)
    original = records.BLOCK
    records.BLOCK = block
    try:
        result = run_replication(config, 0, seed=4, sinks=[totals, daily], keep=keep)
    finally:
        records.BLOCK = original
    return result, totals.metrics(result), daily.table(result)


@pytest.mark.parametrize("config", [short_baseline(days=90, warmup=20), finance_config(**{"run.days": 120})],
                         ids=["baseline", "with a council budget"])
@pytest.mark.slow
def test_the_grouping_of_patients_into_blocks_changes_nothing_but_rounding(config):
    whole, m_whole, d_whole = _streamed(config, block=10**9)  # one block, at the horizon
    for block in (1, 37, 500):
        kept, m, d = _streamed(config, block)
        for key in ("patients", "segments"):
            for column, values in getattr(whole, key).items():
                np.testing.assert_array_equal(getattr(kept, key)[column], values, err_msg=f"{key}.{column}")
        assert list(m) == list(m_whole)
        for name, value in m_whole.items():
            if math.isnan(value):
                assert math.isnan(m[name]), name
            else:
                assert math.isclose(m[name], value, rel_tol=1e-12, abs_tol=1e-9), (block, name, m[name], value)
        for name in COUNTS:  # counts are exact sums of whole numbers
            assert m[name] == m_whole[name], name
        for column, values in d_whole.items():
            np.testing.assert_allclose(d[column], values, rtol=1e-12, atol=1e-9, err_msg=column)
    # And the one-block form is what the table functions compute from kept records.
    np.testing.assert_allclose(occupancy_table(whole)["beds_occupied"], d_whole["beds_occupied"], rtol=1e-12)


def test_records_not_kept_give_the_same_metrics_and_empty_tables():
    config = short_baseline(days=60, warmup=10)
    kept = measure(config, 1, 7, keep=True, occupancy=True)
    streamed = measure(config, 1, 7, keep=False, occupancy=True)
    assert streamed.metrics == kept.metrics  # the same blocks in the same order: identical sums
    for column, values in kept.occupancy.items():
        np.testing.assert_array_equal(streamed.occupancy[column], values)
    assert streamed.result.patients["id"].size == 0 and streamed.result.segments["patient"].size == 0
    assert kept.result.patients["id"].size > 1000
    assert list(kept.result.patients["id"]) == list(range(kept.result.patients["id"].size))


def _peak(days, keep):
    config = short_baseline(days=days, warmup=0)
    tracemalloc.start()
    try:
        measured = measure(config, 0, 3, keep=keep)
        return tracemalloc.get_traced_memory()[1], measured.result
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_memory_without_kept_records_does_not_grow_with_the_patients_who_passed():
    (short, _), (long, result) = _peak(60, keep=False), _peak(240, keep=False)
    # Four times the patients; a patient's objects cost about 3 KiB, so holding them all would
    # add some 50 MiB here.
    assert long < 1.25 * short, (short, long)
    # The measure sees kept records: they add at least their own size to the peak.
    kept, result = _peak(240, keep=True)
    size = sum(v.nbytes for table in (result.patients, result.segments) for v in table.values())
    assert size > 1_000_000 and kept - long > 0.9 * size


def test_tables_of_a_replication_run_without_its_records_are_refused():
    from discharge_sim.analysis.metrics import replication_metrics
    from discharge_sim.analysis.tables import patient_table

    result = run_replication(short_baseline(days=5, warmup=1), 0, seed=1, keep=False)
    assert result.arrived > 100 and not result.kept
    for compute in (replication_metrics, occupancy_table, patient_table):
        with pytest.raises(ValueError, match="keep=False"):
            compute(result)
