"""A SimPy resource that counts the units in use instead of listing their users.

``simpy.Resource`` keeps a list of granted requests, so each release is a linear search and a
``Release`` event, and each grant an event even when a unit was free. Beds, staff and places are
held by exactly one patient each and never released early, so a count is enough: a unit that is
free is taken at once with no event, a release is O(1) with no event, and only a request that
has to queue goes through SimPy's put queue and fires when a unit is freed.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Any

import simpy
from simpy.core import NORMAL, BoundClass
from simpy.resources.base import BaseResource
from simpy.resources.resource import Release, Request


class UnitRequest(Request):
    """A ``simpy.resources.resource.Request`` that knows whether it holds one of the units, so
    that releasing it twice, or before it was granted, gives nothing back (as in SimPy)."""

    holds = False


class CountingResource(BaseResource[UnitRequest, Release]):
    """A pool of ``capacity`` identical units, first come first served.

    Kept from ``simpy.Resource``: ``request()`` returns a ``Request`` event, triggered when a
    unit is granted (``usage_since`` set), usable with ``yield`` and ``with``; ``release(request)``
    returns a ``Release`` event and frees the request's unit, granting the next request in the
    queue when it is processed; ``count``, ``capacity`` and ``queue`` (the pending requests) mean
    what they mean there; requests are granted through ``_do_put`` and released through
    ``_do_get`` from SimPy's put and get queues. Not kept: ``users``, the list of granted
    requests, which is what this class does without.

    Added: :meth:`try_take` takes a free unit with no event when nobody is queueing, and
    :meth:`free` gives back a unit (taken either way) with no event, granting it straight away to
    the first queued request. Each unit is given back once, by ``free()`` or by
    ``release(request)``, not both.
    """

    def __init__(self, env: simpy.Environment, capacity: int):
        if capacity <= 0:
            raise ValueError('"capacity" must be > 0.')
        super().__init__(env, capacity)
        self._in_use = 0
        self.queue = self.put_queue
        """Requests waiting for a unit, in the order they asked (SimPy's name for the put queue)."""

    @property
    def count(self) -> int:
        """Units in use."""
        return self._in_use

    if TYPE_CHECKING:
        def request(self) -> UnitRequest:
            """Ask for a unit: the event is triggered when one is granted."""
            return UnitRequest(self)

        def release(self, request: Request) -> Release:
            """Give back the unit ``request`` holds (nothing if it holds none)."""
            # SimPy annotates Release's resource as a Resource; it uses only BaseResource's get queue.
            return Release(self, request)  # type: ignore[arg-type]
    else:
        request = BoundClass(UnitRequest)
        release = BoundClass(Release)

    def set_capacity(self, capacity: int) -> None:
        """Change the number of units: units in use beyond a lower capacity finish their work
        (nobody new is granted one until the count is below it); a higher capacity grants queued
        requests at once."""
        if capacity < 0:
            raise ValueError(f"capacity {capacity}: at least 0")
        raised = capacity > self._capacity
        self._capacity = capacity
        while raised and self.put_queue and self._in_use < capacity:  # one grant per call: as many as fit
            self._trigger_put(None)

    def try_take(self) -> bool:
        """Take a unit now if one is free and nobody is queueing; no event is created."""
        if self._in_use < self._capacity and not self.put_queue:
            self._in_use += 1
            return True
        return False

    def free(self, _event: Any = None) -> None:
        """Give a unit back and grant it to the first queued request, if any; no event is created.

        Takes an optional argument so it can be an event callback directly.
        """
        self._in_use -= 1
        if self.put_queue:
            self._trigger_put(None)

    def _do_put(self, event: UnitRequest) -> None:
        if self._in_use < self._capacity:
            self._in_use += 1
            event.holds = True
            event.usage_since = self._env.now
            event.succeed()

    def _do_get(self, event: Release) -> None:
        request = event.request
        if isinstance(request, UnitRequest) and request.holds:
            request.holds = False
            self._in_use -= 1
        event.succeed()


class ReleaseSchedule:
    """Units of a :class:`CountingResource` due back at known clock times, with only the earliest
    of them on SimPy's heap at a time, not one event per unit.

    A care home's residents stay for months or years, so a pool holds a scheduled release for
    almost every place: as events they would make SimPy's heap several times the number of beds,
    and every other event's push and pop would pay for it. Each release is still its own event,
    with the time and the event id a timeout of the same delay would have had (the id is taken
    when the release is announced), so events at the same clock time keep their order: it is only
    put on SimPy's heap when it becomes the pool's earliest.
    """

    __slots__ = ("_due", "_env", "_free", "_scheduled", "_void")

    def __init__(self, env: simpy.Environment, resource: CountingResource):
        self._env = env
        self._free = resource.free
        self._due: list[tuple[float, int, float, float]] = []
        """(clock time, event id, funded, resident from) of every unit due back (a heap); its first is
        always scheduled."""
        self._scheduled: set[int] = set()
        """Event ids of releases on SimPy's heap, not yet processed."""
        self._void: set[int] = set()
        """Event ids of releases whose units were given back early (see :meth:`withdraw`)."""

    def __len__(self) -> int:
        return len(self._due)

    @property
    def unscheduled(self) -> int:
        """Releases whose event ids are taken but which are not on SimPy's heap yet."""
        return len(self._due) - len(self._scheduled)

    def after(self, delay: float, funded: float = True, resident_from: float = 0.0) -> None:
        """A unit is due back ``delay`` hours from now, held by someone funded or not, who lives
        in the place from clock time ``resident_from`` (infinite: never, a place given back)."""
        if delay < 0:
            raise ValueError(f"negative delay {delay}")
        env = self._env
        # The id is the one Environment.schedule would give a timeout.
        entry = (env.now + delay, next(env._eid), funded, resident_from)
        heapq.heappush(self._due, entry)
        if self._due[0] == entry:
            self._schedule(entry)

    def _schedule(self, entry: tuple[float, int, float, float]) -> None:
        due, eid, _, _ = entry
        env = self._env
        event = env.event()
        event._ok = True
        event._value = None
        event.callbacks.append(self._release)
        self._scheduled.add(eid)
        heapq.heappush(env._queue, (due, NORMAL, eid, event))

    def withdraw(self, rng: Any, n: int) -> list[tuple[float, float]]:
        """Void ``n`` units due back whose holders live in them now, chosen by ``rng``, as if their
        holders had left now: (when each was due, funded) of those voided. Their units are not given
        back here, and not again when they fall due (their releases still happen, as events, but free
        nothing)."""
        now = self._env.now
        candidates = [k for k, (_, eid, _, since) in enumerate(self._due) if eid not in self._void and since <= now]
        if not candidates or n <= 0:
            return []
        voided = []
        for k in sorted(rng.choice(len(candidates), size=min(n, len(candidates)), replace=False).tolist()):
            due, eid, funded, _ = self._due[candidates[k]]
            self._void.add(eid)
            voided.append((due, funded))
        return voided

    def _release(self, _event: Any) -> None:
        # Releases are processed in (time, id) order, and the earliest is always scheduled, so the
        # one processed now is the first of the heap.
        _, eid, _, _ = heapq.heappop(self._due)
        self._scheduled.discard(eid)
        if self._void and eid in self._void:  # its holder left early (see withdraw)
            self._void.discard(eid)
        else:
            self._free()
        if self._due and self._due[0][1] not in self._scheduled:
            self._schedule(self._due[0])
