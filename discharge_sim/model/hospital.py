"""Admissions and the acute bed pool: arrivals, boarding, cancelled electives, stays, departures.

Emergency admissions arrive as a non-homogeneous Poisson process whose rate follows an
hour-of-day and a day-of-week profile; arrival times are found by inverting the cumulative rate
(exact, and no rejected candidates as with thinning). An emergency that finds no free bed waits
for one (boarding), or, if the hospital turns emergencies away when full, is diverted and lost
(recorded as cancelled). Electives are booked on weekdays and arrive at a set hour; with no free
bed the operation is cancelled. A bed is held from admission to departure, including the whole delay.

A patient is a handful of event callbacks rather than a process: arrival, bed granted,
discharge-ready, departure.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

from discharge_sim.config import Config, EmergencySettings
from discharge_sim.model.calendar import next_time_of_day
from discharge_sim.model.distributions import Draw, Shape, block_sampler, pick, sampler, uniform_sampler
from discharge_sim.model.outcomes import ReadmissionChance
from discharge_sim.model.patient import Patient
from discharge_sim.model.resources import CountingResource
from discharge_sim.model.steps import session_times
from discharge_sim.model.streams import Streams
from discharge_sim.vocabulary import DAY_NAMES, HOURS_PER_DAY, HOURS_PER_WEEK, PATHWAYS

FIRST_POSSIBLE = math.nextafter(1.0, 0.0)
"""The uniform that takes the first session with any chance at all: the first round that could
have found a patient ready, had it not missed them."""


class EmergencyRate:
    """Piecewise-constant hourly arrival rate over the week, and its inverse cumulative."""

    def __init__(self, cfg: EmergencySettings):
        hod = np.asarray(cfg.hour_of_day_profile, dtype=float)
        dow = np.asarray(cfg.day_of_week_profile, dtype=float)
        hod = hod / hod.mean()
        dow = dow / dow.mean()
        per_hour = cfg.admissions_per_day / HOURS_PER_DAY
        self.rates: list[float] = (per_hour * np.outer(dow, hod).ravel()).tolist()
        self.constant = len(set(self.rates)) == 1
        self.cumulative: list[float] = [0.0, *np.cumsum(self.rates).tolist()]
        self.weekly = self.cumulative[-1]

    def cumulative_at(self, t: float) -> float:
        week, rem = divmod(t, HOURS_PER_WEEK)
        h = min(int(rem), 167)
        return week * self.weekly + self.cumulative[h] + self.rates[h] * (rem - h)

    def time_of(self, x: float) -> float:
        """The clock time at which the cumulative rate reaches ``x``."""
        week, rem = divmod(x, self.weekly)
        h = min(bisect_right(self.cumulative, rem) - 1, 167)
        while self.rates[h] == 0.0:  # rem sits on a boundary before a closed stretch
            h += 1
        return week * HOURS_PER_WEEK + h + (rem - self.cumulative[h]) / self.rates[h]


class Surges:
    """Stretches of days when emergency demand is ``factor`` times its usual rate.

    A factor above 1 adds a second Poisson process of rate (factor - 1) x the usual rate inside
    the surge, with its own random streams; a factor below 1 keeps each usual arrival inside the
    surge with probability ``factor``, by a uniform from its own stream. The usual arrivals and
    their draws are therefore the same with or without a surge (common random numbers), and the
    surge's own patients come on top.
    """

    def __init__(self, cfg: EmergencySettings, rate: EmergencyRate):
        self.rate = rate
        self.spans = [(s.start_day * HOURS_PER_DAY, (s.start_day + s.days) * HOURS_PER_DAY, s.factor)
                      for s in cfg.surges]
        self.adding = [(a, b, f) for a, b, f in self.spans if f > 1.0]
        self.levels: list[float] = []
        """Extra arrivals expected by the end of each adding surge (cumulative)."""
        total = 0.0
        for a, b, f in self.adding:
            total += (f - 1.0) * (rate.cumulative_at(b) - rate.cumulative_at(a))
            self.levels.append(total)

    def factor(self, t: float) -> float:
        for a, b, f in self.spans:
            if a <= t < b:
                return f
        return 1.0

    def extra_cumulative_at(self, t: float) -> float:
        """Extra arrivals expected by time ``t``."""
        total = 0.0
        for a, b, f in self.adding:
            if t > a:
                total += (f - 1.0) * (self.rate.cumulative_at(min(t, b)) - self.rate.cumulative_at(a))
        return total

    def extra_time_of(self, x: float) -> float | None:
        """When the extra arrivals expected reach ``x``; None once every surge is over."""
        before = 0.0
        for (a, _b, f), level in zip(self.adding, self.levels, strict=True):
            if x < level:
                return self.rate.time_of(self.rate.cumulative_at(a) + (x - before) / (f - 1.0))
            before = level
        return None


@dataclass
class ArrivalDraws:
    """Where an emergency's group, pathway and acute stay come from: the usual streams, or a
    surge's own."""

    group_u: Callable[[], float]
    pathway_u: list[Callable[[], float]]
    stay: list[list[Callable[[], float]]]
    """Per group, per pathway (0 to 3), the acute stay's sampler."""
    council_u: Callable[[], float] | None = None
    """Draws the home council (None: one council, and no draw)."""


class Hospital:
    """The acute bed pool and the admissions that fill it."""

    def __init__(self, env: simpy.Environment, config: Config, streams: Streams,
                 on_ready: Callable[[Patient], None], on_admitted: Callable[[Patient], None] | None = None,
                 on_leave: Callable[[Patient], None] | None = None):
        self.env = env
        self.beds = CountingResource(env, config.hospital.beds)
        self.capacity = config.hospital.beds
        for day, open_beds in config.hospital.open_beds() if config.hospital.bed_changes else ():
            if day * HOURS_PER_DAY < config.horizon_hours:  # one at the horizon would change only the queue
                self._open_at(day * HOURS_PER_DAY, open_beds)
        declaration = config.hospital.declaration_sessions
        self._declaration = session_times(declaration) if declaration is not None else None
        self._declaration_u = uniform_sampler(streams.generator("hospital.declaration"))
        self.turn_away = config.hospital.when_full == "turn_away"
        self.delayed_now = 0
        self.delayed_area_hours = 0.0
        self._delayed_since = 0.0
        self.on_ready = on_ready
        self.on_admitted = on_admitted
        self.on_leave = on_leave if on_leave is not None else _keep_nothing
        """Called once a patient's record is final: departure known, or cancelled or turned away."""
        self.present: dict[int, Patient] = {}
        """Patients whose record is not final yet, by id (in the order they arrived)."""
        self.arrived = 0
        self.group_names = list(config.groups)
        groups = list(config.groups.values())
        self._stay = _stay_samplers(config, streams, "")
        self._pathway_u = [uniform_sampler(streams.generator(f"group.{name}.pathway")) for name in config.groups]
        self._pathways = [sorted(g.pathway_mix) for g in groups]
        self._pathway_cumulative = [
            np.cumsum([g.pathway_mix[p] for p in sorted(g.pathway_mix)]).tolist() for g in groups
        ]
        self._emergency_cumulative = np.cumsum([g.emergency_share for g in groups]).tolist()
        self._elective_cumulative = np.cumsum([g.elective_share for g in groups]).tolist()

        def council_u(source: str) -> Callable[[], float] | None:
            """Home councils drawn from ``source``'s own stream (None: one council, and no draw)."""
            return uniform_sampler(streams.generator(f"{source}.council")) if config.councils else None

        self._usual = ArrivalDraws(uniform_sampler(streams.generator("emergency.group")), self._pathway_u, self._stay,
                                   council_u("emergency"))
        self._elective_group_u = uniform_sampler(streams.generator("elective.group"))
        self._elective_council_u = council_u("elective")
        self._council_cumulative = [
            np.cumsum([c.share_by_group.get(name, 0.0) for c in config.councils.values()]).tolist()
            for name in config.groups
        ]
        self.waiting_list: deque[tuple[Patient, float]] | None = deque() if config.elective.waiting_list else None
        """Electives booked and not yet admitted, first booked first (None: electives who find no
        bed are cancelled)."""
        self._rate = EmergencyRate(config.emergency)
        gap_rng = streams.generator("emergency.arrivals")
        self._unit_gaps = block_sampler(lambda n: gap_rng.exponential(1.0, n))
        self._surges = Surges(config.emergency, self._rate) if config.emergency.surges else None
        self._keep_u = uniform_sampler(streams.generator("emergency.surge.keep"))
        if config.emergency.admissions_per_day > 0:
            self._start_emergencies()
            if self._surges is not None and self._surges.adding:
                extra_rng = streams.generator("emergency.surge.arrivals")
                self._surge_draws = ArrivalDraws(
                    uniform_sampler(streams.generator("emergency.surge.group")),
                    [uniform_sampler(streams.generator(f"group.{name}.surge.pathway")) for name in config.groups],
                    _stay_samplers(config, streams, "surge."),
                    council_u("emergency.surge"),
                )
                env.process(self._surge_arrivals(block_sampler(lambda n: extra_rng.exponential(1.0, n))))
        readmissions = config.readmissions
        self._readmission = ReadmissionChance(readmissions, streams) if readmissions is not None else None
        if self._readmission is not None:
            self._readmission_draws = ArrivalDraws(
                _no_draw,
                [uniform_sampler(streams.generator(f"group.{name}.readmission.pathway")) for name in config.groups],
                _stay_samplers(config, streams, "readmission."),
            )
        booked = config.elective.admissions_per_weekday
        if any(booked.values()):
            counts = [booked.get(day, 0) for day in DAY_NAMES]  # type: ignore[call-overload]
            env.process(self._elective_arrivals(counts, config.elective.admission_hour))

    def _open_at(self, t: float, open_beds: int) -> None:
        """From clock time ``t``, ``open_beds`` beds are open: patients in beds closed stay until
        they leave; beds opened take boarding emergencies at once."""
        if t <= 0.0:
            self.beds.set_capacity(open_beds)
        else:
            self.env.timeout(t).callbacks.append(lambda _ev: self.beds.set_capacity(open_beds))

    # --- arrivals -------------------------------------------------------------------------
    def _start_emergencies(self) -> None:
        """Emergencies arrive by callbacks on their own timeouts, not a SimPy process: one arrival
        is one event and one call, with no generator to resume."""
        if self._rate.constant and self._surges is None:
            self._mean_gap = 1.0 / self._rate.rates[0]
            self._next_constant()
        else:
            self._level = 0.0
            self._next_varying()

    def _next_constant(self) -> None:
        self.env.timeout(self._unit_gaps() * self._mean_gap).callbacks.append(self._constant_arrival)

    def _constant_arrival(self, _event: Any) -> None:
        self._emergency(self._usual)
        self._next_constant()

    def _next_varying(self) -> None:
        """The next arrival of a rate that varies (by hour, weekday or season, or in a surge): unit
        gaps on the cumulative rate, mapped back to the clock."""
        self._level += self._unit_gaps()
        self.env.timeout(self._rate.time_of(self._level) - self.env.now).callbacks.append(self._varying_arrival)

    def _varying_arrival(self, _event: Any) -> None:
        surges = self._surges
        if surges is not None:
            factor = surges.factor(self.env.now)
            if factor < 1.0 and self._keep_u() > factor:  # thinned out by a quiet spell
                self._draw_and_drop(self._usual)
                self._next_varying()
                return
        self._emergency(self._usual)
        self._next_varying()

    def _surge_arrivals(self, gap: Draw) -> Generator[simpy.events.Event, Any, None]:
        """The extra emergencies of the surges that raise demand, from their own streams."""
        assert self._surges is not None
        level = 0.0
        while True:
            level += gap()
            at = self._surges.extra_time_of(level)
            if at is None:
                return
            yield self.env.timeout(at - self.env.now)
            self._emergency(self._surge_draws)

    def _elective_arrivals(self, counts: list[int], hour: float) -> Generator[simpy.events.Event, Any, None]:
        env = self.env
        while True:
            yield env.timeout(next_time_of_day(env.now, hour) - env.now)
            slots = counts[int(env.now // HOURS_PER_DAY) % 7]
            for _ in range(slots):
                self._elective()
            if self.waiting_list is not None:
                self._offer_slots(slots)
            yield env.timeout(1.0)  # move past this day's admission hour

    def _offer_slots(self, slots: int) -> None:
        """Today's elective slots go to the longest-waiting first, while beds are free; whoever is
        left waits for the next day's slots."""
        waiting = self.waiting_list
        assert waiting is not None
        for _ in range(slots):
            if not waiting or not self.beds.try_take():
                return
            patient, stay = waiting.popleft()
            self._admit(patient, stay)

    def _new_patient(self, cumulative: list[float], u: float, elective: bool,
                     pathway_u: list[Callable[[], float]], council_u: Callable[[], float] | None) -> Patient:
        group = pick(cumulative, u)
        pathway = self._pathways[group][pick(self._pathway_cumulative[group], pathway_u[group]())]
        patient = Patient(self.arrived, group, pathway, elective, self.env.now)
        if council_u is not None:
            patient.council = pick(self._council_cumulative[group], council_u())
        self.arrived += 1
        self.present[patient.id] = patient
        return patient

    def _draw_and_drop(self, draws: ArrivalDraws) -> None:
        """Take an arrival's draws without admitting it, so later arrivals keep theirs."""
        group = pick(self._emergency_cumulative, draws.group_u())
        pathway = self._pathways[group][pick(self._pathway_cumulative[group], draws.pathway_u[group]())]
        draws.stay[group][pathway]()
        if draws.council_u is not None:
            draws.council_u()

    def _emergency(self, draws: ArrivalDraws) -> None:
        patient = self._new_patient(self._emergency_cumulative, draws.group_u(), False, draws.pathway_u,
                                    draws.council_u)
        self._take_bed(patient, draws.stay[patient.group][patient.pathway]())

    def _readmit(self, group: int, first: int, council: int) -> None:
        """Patient ``first`` comes back as an emergency of the same group and home council, with
        their own draws."""
        draws = self._readmission_draws
        pathway = self._pathways[group][pick(self._pathway_cumulative[group], draws.pathway_u[group]())]
        patient = Patient(self.arrived, group, pathway, False, self.env.now)
        patient.readmission_of = first
        patient.council = council
        self.arrived += 1
        self.present[patient.id] = patient
        self._take_bed(patient, draws.stay[group][patient.pathway]())

    def _take_bed(self, patient: Patient, stay: float) -> None:
        """An emergency takes a free bed, or waits for one, or is turned away."""
        if self.beds.try_take():
            self._admit(patient, stay)
        elif self.turn_away:
            patient.cancelled = True  # diverted elsewhere: lost to this hospital
            self._final(patient)
        else:
            self.beds.request().callbacks.append(lambda _ev: self._admit(patient, stay))

    def _elective(self) -> None:
        patient = self._new_patient(self._elective_cumulative, self._elective_group_u(), True, self._pathway_u,
                                    self._elective_council_u)
        stay = self._stay[patient.group][patient.pathway]()
        if self.waiting_list is not None:  # joins the list; today's slots are offered in list order
            self.waiting_list.append((patient, stay))
            return
        if self.beds.try_take():
            self._admit(patient, stay)
        else:
            patient.cancelled = True
            self._final(patient)

    # --- stay and departure ---------------------------------------------------------------
    def _admit(self, patient: Patient, stay: float) -> None:
        now = self.env.now
        patient.admitted = now
        ready = patient.clinically_ready = now + stay
        u = self._declaration_u()  # drawn whether or not there is a declaration round
        if self._declaration is not None:
            patient.first_round = self._declaration.first_success(ready, FIRST_POSSIBLE)
            ready = self._declaration.first_success(ready, u)
        patient.ready = ready
        if self.on_admitted is not None:
            self.on_admitted(patient)
        self.env.timeout(ready - now).callbacks.append(lambda _ev: self._ready(patient))

    def _ready(self, patient: Patient) -> None:
        self._count_delayed(+1)
        self.on_ready(patient)

    def _count_delayed(self, change: int) -> None:
        """Keep the time-integral of the number of delayed patients in beds, event by event: the
        engine's own measure, against which the patient records are checked (Little's law)."""
        now = self.env.now
        self.delayed_area_hours += self.delayed_now * (now - self._delayed_since)
        self._delayed_since = now
        self.delayed_now += change

    def delayed_area_until(self, t: float) -> float:
        """Delayed-patient hours from time 0 to ``t`` (no event between the last change and t)."""
        return self.delayed_area_hours + self.delayed_now * (t - self._delayed_since)

    def depart_at(self, patient: Patient, departure: float) -> None:
        """Free the patient's bed at ``departure`` (now or later)."""
        delay = departure - self.env.now
        if delay > 0:
            self.env.timeout(delay).callbacks.append(self._leave)
        else:
            self._leave()
        patient.departure = departure
        if self._readmission is not None and not patient.died:
            after = self._readmission.after(patient, departure)
            if after is not None:
                at = patient.readmitted_at = departure + after
                group, first, council = patient.group, patient.id, patient.council
                self.env.timeout(at - self.env.now).callbacks.append(lambda _ev: self._readmit(group, first, council))
        self._final(patient)

    def _final(self, patient: Patient) -> None:
        del self.present[patient.id]
        self.on_leave(patient)

    def _leave(self, _event: Any = None) -> None:
        self._count_delayed(-1)  # every departure follows the patient's discharge-ready time
        self.beds.free()


def _stay_samplers(config: Config, streams: Streams, source: str) -> list[list[Draw]]:
    """Per group, per pathway, the acute stay's sampler for arrivals from ``source`` ("" for the
    usual ones): the group's own stream, and a stream of its own for each pathway whose stay
    differs, so a group without per-pathway stays draws exactly as it always has."""
    samplers: list[list[Draw]] = []
    for name, g in config.groups.items():
        usual = sampler(Shape.of(g.length_of_stay), streams.generator(f"group.{name}.{source}length_of_stay"))
        samplers.append([
            sampler(Shape.of(g.length_of_stay_by_pathway[p]),
                    streams.generator(f"group.{name}.{source}length_of_stay.pathway_{p}"))
            if p in g.length_of_stay_by_pathway else usual
            for p in PATHWAYS
        ])
    return samplers


def _no_draw() -> float:
    """A readmission's group is its first stay's: nothing to draw."""
    return 0.0


def _keep_nothing(_patient: Patient) -> None:
    """The default record-keeper: a hospital built alone forgets patients who leave."""
