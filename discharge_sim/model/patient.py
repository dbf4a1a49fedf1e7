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
        "clinically_ready",
        "council",
        "departure",
        "died",
        "discharge",
        "elective",
        "escalated_at",
        "final_pathway",
        "first_round",
        "group",
        "id",
        "pathway",
        "readmission_of",
        "readmitted_at",
        "ready",
    )

    def __init__(self, pid: int, group: int, pathway: int, elective: bool, arrival: float):
        self.id = pid
        self.group = group
        self.pathway = pathway
        self.elective = elective
        self.arrival = arrival
        self.council = 0
        """The patient's home council, by its position in the config's ``councils`` (0 if none are named)."""
        self.admitted = NOT_YET
        self.clinically_ready = NOT_YET
        """When the acute stay ends: the patient no longer needs an acute bed."""
        self.first_round = NOT_YET
        """The first round that could have found the patient ready (the declaration's first session
        after clinical readiness with a chance to review them); NaN without declaration rounds."""
        self.ready = NOT_YET
        """When the patient is found ready (declared at a board or ward round): the discharge-ready
        date, from which delay runs."""
        self.departure = NOT_YET
        self.cancelled = False
        self.died = False
        """Died in hospital while waiting (their departure is their death)."""
        self.escalated_at = NOT_YET
        """When the patient's needs first grew to the next pathway while waiting (NaN: never)."""
        self.final_pathway = pathway
        """The pathway the patient left on (their admission pathway unless their needs grew)."""
        self.readmission_of = -1
        """The id of the stay this admission is an emergency readmission after (-1: none)."""
        self.readmitted_at = NOT_YET
        """When this patient comes back as a readmission (NaN: they do not, as far as is known)."""
        self.discharge: Any = None
        """The patient's :class:`~discharge_sim.discharge.DischargeRun` once discharge-ready."""
