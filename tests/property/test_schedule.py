"""The auto replication rule gives the same number whatever order replications finish in."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from discharge_sim.experiments.execution import Schedule, relative_half_width
from discharge_sim.experiments.specification import ReplicationPlan
from tests.helpers import drain


def _reference_n(values: dict[tuple[int, int], float], scenarios: int, plan: ReplicationPlan) -> int:
    """The first n from the minimum at which every scenario's first n values are precise enough."""
    for n in range(plan.minimum, plan.maximum + 1):
        if all(relative_half_width([values[s, r] for r in range(n)]) <= plan.target for s in range(scenarios)):
            return n
    return plan.maximum


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3), st.integers(0, 10**6), st.integers(0, 10**6), st.floats(0.01, 0.3))
def test_auto_replications_stop_at_the_first_precise_prefix_whatever_the_finishing_order(
        scenarios, data_seed, order_seed, target):
    rng = np.random.default_rng(data_seed)
    plan = ReplicationPlan(fixed=None, target=target, minimum=3, maximum=25)
    values = {(s, r): float(rng.normal(100, 15)) for s in range(scenarios) for r in range(plan.maximum)}
    in_order = Schedule(scenarios, plan, done={})
    drain(in_order, values)
    shuffled = Schedule(scenarios, plan, done={})
    drain(shuffled, values, order=order_seed)
    expected = _reference_n(values, scenarios, plan)
    assert in_order.final == shuffled.final == expected
    assert in_order.reason == ("target" if in_order.precise(expected) else "cap")
