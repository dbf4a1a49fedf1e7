"""A pool's release schedule frees each unit as a timeout of the same delay would have: at exactly
the same clock time and in the same order among events at that time, with the same count of
events, while only a few of them are on SimPy's heap at once."""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from discharge_sim.model.resources import CountingResource, ReleaseSchedule


def _trace(use_schedule: bool, seed: int) -> tuple[list[tuple[float, str]], int, int]:
    """(what happened when, most events on SimPy's heap at once, events processed)."""
    env = simpy.Environment()
    resource = CountingResource(env, 10_000)
    trace: list[tuple[float, str]] = []
    real_free = resource.free

    def free(_event=None):
        trace.append((env.now, "free"))
        real_free()

    resource.free = free  # type: ignore[method-assign]
    schedule = ReleaseSchedule(env, resource)
    rng = np.random.default_rng(seed)
    most = [0]

    def arrivals():
        for i in range(2000):
            # Whole hours often, so that releases and other events share clock times.
            gap = float(rng.integers(0, 3)) if i % 2 else float(rng.exponential(0.7))
            yield env.timeout(gap)
            assert resource.try_take()
            delay = float(rng.choice([float(rng.integers(0, 40)), rng.exponential(50.0), 0.0]))
            if use_schedule:
                schedule.after(delay)
            else:
                env.timeout(delay).callbacks.append(resource.free)
            probe = float(rng.integers(0, 40))  # an event at a whole hour, racing the releases
            env.timeout(probe).callbacks.append(lambda _e, i=i: trace.append((env.now, f"probe {i}")))
            most[0] = max(most[0], len(env._queue))

    env.process(arrivals())
    env.run()
    processed = next(env._eid) - len(env._queue) - schedule.unscheduled
    return trace, most[0], processed


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_units_are_freed_as_their_timeouts_would_have_been(seed):
    scheduled, most, events = _trace(True, seed)
    timed, most_timeouts, events_timed = _trace(False, seed)
    assert sum(1 for _, what in scheduled if what == "free") == 2000
    assert scheduled == timed  # the same clock times, to the last bit, in the same order
    assert events == events_timed
    assert most < most_timeouts  # fewer events on SimPy's heap at once


def test_a_negative_delay_is_refused():
    env = simpy.Environment()
    schedule = ReleaseSchedule(env, CountingResource(env, 1))
    with pytest.raises(ValueError, match="negative"):
        schedule.after(-1.0)
