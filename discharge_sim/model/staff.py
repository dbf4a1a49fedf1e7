"""Staff teams: a number of people doing one kind of work in their working hours."""

from __future__ import annotations

from typing import Any

import simpy

from discharge_sim.model.calendar import WorkingHours
from discharge_sim.model.resources import CountingResource
from discharge_sim.vocabulary import DAY_NAMES


class StaffTeam:
    """A team doing one kind of work in its working hours, e.g. ward pharmacists."""

    def __init__(self, env: simpy.Environment, name: str, owner: str, count: int,
                 hours: WorkingHours, dtoc_code: str | None, organisation: str, unlimited: bool):
        self.name = name
        self.owner = owner
        self.organisation = organisation
        self.hours = hours
        self.dtoc_code = dtoc_code
        self.unlimited = unlimited
        self.resource = CountingResource(env, count)


def working_hours(windows: list[Any]) -> WorkingHours:
    return WorkingHours.from_days(
        ([DAY_NAMES.index(d) for d in w.days], w.start_hour, w.end_hour) for w in windows
    )
