"""What else can end a stay, or follow it: dying while waiting, and coming back as an emergency
readmission. Each has its own random streams, drawn for every patient whether or not it happens,
so scenarios compare under common random numbers."""

from __future__ import annotations

import math

from discharge_sim.config import Deaths, Readmissions
from discharge_sim.model.distributions import Shape, block_sampler, sampler, uniform_sampler
from discharge_sim.model.patient import Patient
from discharge_sim.model.streams import Streams
from discharge_sim.vocabulary import HOURS_PER_DAY


class DeathClock:
    """When a patient waiting after their ready date would die: each patient draws, at admission,
    the cumulative hazard at which they die (a unit exponential); they die once the hazard of
    their pathway, summed from their ready date, reaches it."""

    def __init__(self, cfg: Deaths, streams: Streams):
        rng = streams.generator("deaths.time")
        self.level = block_sampler(lambda n: rng.exponential(1.0, n))
        """A new patient's level (draw one per admission)."""
        self._per_hour = {p: h / HOURS_PER_DAY for p, h in cfg.daily_hazard_by_pathway.items()}

    def hazard(self, pathway: int) -> float:
        """The hazard per hour of a patient of ``pathway`` waiting."""
        return self._per_hour.get(pathway, 0.0)

    def time(self, level: float, pathway: int, since: float) -> float:
        """When a patient of ``pathway`` waiting from ``since``, with ``level`` of hazard to go, dies."""
        h = self.hazard(pathway)
        return since + level / h if h > 0 else math.inf


class ReadmissionChance:
    """Whether, and how long after leaving, a patient comes back as an emergency readmission."""

    def __init__(self, cfg: Readmissions, streams: Streams):
        self._u = uniform_sampler(streams.generator("readmission.chance"))
        self._days = sampler(Shape.of(cfg.days_to_return), streams.generator("readmission.time"))
        self.window = cfg.within_days * HOURS_PER_DAY
        self._base = dict(cfg.probability_by_pathway)
        self._per_delay_hour = cfg.extra_probability_per_delay_day / HOURS_PER_DAY

    def probability(self, patient: Patient, departure: float) -> float:
        """The chance that ``patient``, leaving at ``departure``, comes back within the window."""
        delay = max(departure - patient.ready, 0.0)
        return min(1.0, self._base.get(patient.pathway, 0.0) + self._per_delay_hour * delay)

    def after(self, patient: Patient, departure: float) -> float | None:
        """Hours after ``departure`` the patient comes back, or None if they do not (both draws are
        made for every patient who leaves alive)."""
        u = self._u()
        t = self._days()
        while t > self.window:  # conditioned on the window (its own stream, so nothing else shifts)
            t = self._days()
        return t if u < self.probability(patient, departure) else None
