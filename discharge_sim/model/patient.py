"""The patient record: who they are and the times that matter, in hours."""

from __future__ import annotations

import math
from typing import Any

NOT_YET = math.nan


class Patient:
    """One admission. Times are NaN until they happen."""

    __slots__ = (
        "admitted",
        "arrival",
        "cancelled",
        "departure",
        "discharge",
        "elective",
        "group",
        "id",
        "pathway",
        "ready",
    )

    def __init__(self, pid: int, group: int, pathway: int, elective: bool, arrival: float):
        self.id = pid
        self.group = group
        self.pathway = pathway
        self.elective = elective
        self.arrival = arrival
        self.admitted = NOT_YET
        self.ready = NOT_YET
        self.departure = NOT_YET
        self.cancelled = False
        self.discharge: Any = None
        """The patient's :class:`~discharge_sim.discharge.DischargeRun` once discharge-ready."""
