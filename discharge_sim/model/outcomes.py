"""What else can happen to a waiting patient, or after they leave: dying while waiting, needs
that grow while waiting (an escalation to the next pathway), and coming back as an emergency
readmission. Each has its own random streams, drawn for every patient whether or not it happens,
so scenarios compare under common random numbers."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from discharge_sim.config import Deaths, Deconditioning, Readmissions
from discharge_sim.model.distributions import Shape, block_sampler, uniform_sampler
from discharge_sim.model.patient import Patient
from discharge_sim.model.streams import Streams
from discharge_sim.vocabulary import HOURS_PER_DAY


class HazardClock:
    """When a patient waiting after their ready date meets an event of a daily hazard by pathway
    (death, or needs that grow): each patient draws, at admission, the cumulative hazard at which
    it happens (a unit exponential); it happens once the hazard of their pathway, summed over their
    wait, reaches it."""

    def __init__(self, daily_hazard_by_pathway: Mapping[int, float], stream: np.random.Generator):
        self.level = block_sampler(lambda n: stream.exponential(1.0, n))
        """A new patient's level (draw one per admission)."""
        self._per_hour = {p: h / HOURS_PER_DAY for p, h in daily_hazard_by_pathway.items()}

    def hazard(self, pathway: int) -> float:
        """The hazard per hour of a patient of ``pathway`` waiting."""
        return self._per_hour.get(pathway, 0.0)

    def time(self, level: float, pathway: int, since: float) -> float:
        """When a patient of ``pathway`` waiting from ``since``, with ``level`` of hazard to go, meets it."""
        h = self.hazard(pathway)
        return since + level / h if h > 0 else math.inf


def death_clock(cfg: Deaths, streams: Streams) -> HazardClock:
    """Deaths while waiting, from the stream ``deaths.time``."""
    return HazardClock(cfg.daily_hazard_by_pathway, streams.generator("deaths.time"))


def escalation_clock(cfg: Deconditioning, streams: Streams) -> HazardClock:
    """Needs that grow while waiting, from the stream ``deconditioning.time``."""
    return HazardClock(cfg.daily_hazard_by_pathway, streams.generator("deconditioning.time"))


class ReadmissionChance:
    """Whether, and how long after leaving, a patient comes back as an emergency readmission."""

    def __init__(self, cfg: Readmissions, streams: Streams):
        self._u = uniform_sampler(streams.generator("readmission.chance"))
        self._v = uniform_sampler(streams.generator("readmission.time"))
        self._shape = Shape.of(cfg.days_to_return)
        self.window = cfg.within_days * HOURS_PER_DAY
        self._within = self._shape.cdf(self.window)
        """The chance that a return falls within the window (the schema makes sure it is positive)."""
        self._base = dict(cfg.probability_by_pathway)
        self._per_delay_hour = cfg.extra_probability_per_delay_day / HOURS_PER_DAY

    def probability(self, patient: Patient, departure: float) -> float:
        """The chance that ``patient``, leaving at ``departure`` on their final pathway, comes back
        within the window."""
        delay = max(departure - patient.ready, 0.0)
        return min(1.0, self._base.get(patient.final_pathway, 0.0) + self._per_delay_hour * delay)

    def after(self, patient: Patient, departure: float) -> float | None:
        """Hours after ``departure`` the patient comes back, or None if they do not (both draws are
        made for every patient who leaves alive)."""
        u = self._u()
        v = self._v()
        if u >= self.probability(patient, departure):
            return None
        # The time, conditioned on the window: the quantile of a uniform share of the window's chance.
        return min(self._shape.quantile(v * self._within), self.window)
