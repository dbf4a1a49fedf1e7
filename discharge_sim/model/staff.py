"""Staff teams: a number of people doing one kind of work in their working hours."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

from discharge_sim.config import Window
from discharge_sim.model.calendar import WorkingHours
from discharge_sim.model.resources import CountingResource
from discharge_sim.vocabulary import DAY_NAMES, HOURS_PER_DAY


@dataclass(slots=True, eq=False)
class StaffTeam:
    """A team doing one kind of work in its working hours, e.g. ward pharmacists: who it belongs
    to (owner, DToC organisation and code for waits for it), whether a counterfactual makes it
    unlimited, and its members as a counting resource."""

    name: str
    owner: str
    organisation: str
    dtoc_code: str | None
    hours: WorkingHours
    unlimited: bool
    resource: CountingResource
    absent_person_days: int = field(default=0)
    """Members absent, summed over the days the run has begun (with an absence rate)."""

    def roster(self, env: simpy.Environment, rostered: Callable[[int], int], rate: float,
               rng: np.random.Generator | None) -> Generator[simpy.events.Event, Any, None]:
        """Each midnight, the team works that day with the members rostered (by weekday and date)
        less those absent: each is absent with chance ``rate``, a binomial draw from the team's own
        stream (none without absence)."""
        day = 0
        while True:
            count = rostered(day)
            absent = int(rng.binomial(count, rate)) if rng is not None else 0
            self.absent_person_days += absent
            self.resource.set_capacity(count - absent)
            day += 1
            yield env.timeout(day * HOURS_PER_DAY - env.now)


def working_hours(windows: Iterable[Window]) -> WorkingHours:
    """A schedule's windows (days and hours) as working hours of the week."""
    return WorkingHours.from_days(
        ([DAY_NAMES.index(d) for d in w.days], w.start_hour, w.end_hour) for w in windows
    )
