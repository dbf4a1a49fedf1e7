"""A pool's release schedule frees each unit at exactly the clock time a timeout of the same delay
would have fired at, in time order, with at most a few SimPy events pending at once."""

from __future__ import annotations

import numpy as np
import simpy

from discharge_sim.model.resources import CountingResource, ReleaseSchedule


def _freed_times(use_schedule: bool, seed: int) -> tuple[list[float], int]:
    env = simpy.Environment()
    resource = CountingResource(env, 10_000)
    freed: list[float] = []
    real_free = resource.free

    def free(_event=None):
        freed.append(env.now)
        real_free()

    resource.free = free  # type: ignore[method-assign]
    schedule = ReleaseSchedule(env, resource)
    rng = np.random.default_rng(seed)
    most_pending = [0]

    def arrivals():
        for _ in range(2000):
            yield env.timeout(float(rng.exponential(0.7)))
            assert resource.try_take()
            delay = float(rng.choice([rng.exponential(50.0), rng.uniform(0, 1e-3), 0.0]))
            if use_schedule:
                schedule.after(delay)
            else:
                env.timeout(delay).callbacks.append(resource.free)
            most_pending[0] = max(most_pending[0], len(env._queue))

    env.process(arrivals())
    env.run()
    return freed, most_pending[0]


def test_units_are_freed_when_their_timeouts_would_have_fired():
    for seed in (1, 2, 3):
        scheduled, pending = _freed_times(True, seed)
        timed, pending_timeouts = _freed_times(False, seed)
        assert len(scheduled) == 2000
        assert scheduled == sorted(timed)  # the same clock times, to the last bit
        assert pending <= 5 < pending_timeouts  # a wake-up or two pending, not one event per unit
