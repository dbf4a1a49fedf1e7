"""Staff teams: a number of people doing one kind of work in their working hours."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from discharge_sim.config import Window
from discharge_sim.model.calendar import WorkingHours
from discharge_sim.model.resources import CountingResource
from discharge_sim.vocabulary import DAY_NAMES


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


def working_hours(windows: Iterable[Window]) -> WorkingHours:
    """A schedule's windows (days and hours) as working hours of the week."""
    return WorkingHours.from_days(
        ([DAY_NAMES.index(d) for d in w.days], w.start_hour, w.end_hour) for w in windows
    )
