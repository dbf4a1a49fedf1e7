"""A finished replication frees itself: its patients, discharge runs and model objects go when the
result is built, by reference counting alone, so memory does not grow from one replication to the
next; and the garbage collector is left as it was found."""

from __future__ import annotations

import gc

import pytest

from discharge_sim.model.discharge import DischargeRun
from discharge_sim.model.hospital import Hospital
from discharge_sim.model.patient import Patient
from discharge_sim.model.placements import PlacementPool
from discharge_sim.model.replication import run_replication
from discharge_sim.model.staff import StaffTeam
from tests.helpers import finance_config, short_baseline


def _alive(kind: type) -> int:
    return sum(isinstance(o, kind) for o in gc.get_objects())


@pytest.mark.parametrize("config", [short_baseline(days=60, warmup=10), finance_config(**{"run.days": 90})],
                         ids=["baseline", "with a council budget"])
def test_a_finished_replication_is_freed_without_the_collector(config):
    gc.collect()
    gc.disable()
    try:
        # (SimPy's environment refers to itself by design: a few small objects left to the collector.)
        before = {kind: _alive(kind) for kind in (Patient, DischargeRun, Hospital, PlacementPool, StaffTeam)}
        result = run_replication(config, 0, seed=5)
        assert result.patients["id"].size > 1000
        for kind, count in before.items():
            assert _alive(kind) == count, kind.__name__
    finally:
        gc.enable()


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_left_as_it_was_found(enabled):
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        run_replication(short_baseline(days=20, warmup=5), 0, seed=1)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
