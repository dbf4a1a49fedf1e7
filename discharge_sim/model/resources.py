"""A SimPy resource that counts its users instead of listing them.

``simpy.Resource`` keeps a list of granted requests, so each release is a linear search and a
``Release`` event, and each grant an event even when a unit was free. Beds, staff and places are
held by exactly one patient each and never released early, so a count is enough: a unit that is
free is taken at once with no event, a release is O(1) with no event, and only a request that
has to queue goes through SimPy's put-queue and fires when a unit is freed.
"""

from __future__ import annotations

from typing import Any

import simpy


class CountingResource(simpy.Resource):
    """``simpy.Resource`` with O(1) bookkeeping; use :meth:`try_take`, ``request`` and :meth:`free`."""

    def __init__(self, env: simpy.Environment, capacity: int):
        super().__init__(env, capacity)
        self.in_use = 0

    @property
    def count(self) -> int:
        return self.in_use

    def try_take(self) -> bool:
        """Take a unit now if one is free and nobody is queueing; no event is created."""
        if self.in_use < self._capacity and not self.put_queue:
            self.in_use += 1
            return True
        return False

    def free(self, _event: Any = None) -> None:
        """Give a unit back and grant it to the first queued request, if any.

        Takes an optional argument so it can be an event callback directly.
        """
        self.in_use -= 1
        if self.put_queue:
            self._trigger_put(None)

    def _do_put(self, event: Any) -> None:
        if self.in_use < self._capacity:
            self.in_use += 1
            event.usage_since = self._env.now
            event.succeed()

    def _do_get(self, event: Any) -> None:  # pragma: no cover - Release events are not used
        self.in_use -= 1
        event.succeed()
