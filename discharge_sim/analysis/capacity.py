"""Expected offered loads of placement pools and of the hospital's beds, from a config alone (no
simulation).

A pool whose offered load (arrivals a day x mean stay in days) reaches its places has a queue
that grows without end, so this is the first thing to check when sizing a pool. The same holds
for beds: admissions a day x the mean time a patient holds a bed (acute stay, then discharge).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from discharge_sim.config import Config, DelayStep, PlacementStep, StaffedStep, Step
from discharge_sim.vocabulary import HOURS_PER_DAY

NEAR_FULL = 0.95
"""Beds whose expected load is more than this share of them are near capacity: occupancy near
100%, emergencies often waiting for a bed."""


@dataclass(frozen=True)
class PoolLoad:
    """Offered load of one pool, in places (arrivals a day x mean stay in days)."""

    places: int
    community: float
    hospital: float

    @property
    def total(self) -> float:
        """Expected places in use: community and hospital referrals together."""
        return self.community + self.hospital

    @property
    def utilisation(self) -> float:
        """Expected share of the places in use."""
        return self.total / self.places

    @property
    def unstable(self) -> bool:
        """At or over capacity: the queue for places grows for as long as the run lasts."""
        return self.total >= self.places


def hospital_referrals_per_day(config: Config) -> dict[str, float]:
    """Expected hospital referrals a day to each pool: admissions x group share x pathway share x
    step probability x pool share (every admission assumed to reach discharge, none cancelled)."""
    electives_per_day = sum(config.elective.admissions_per_weekday.values()) / 7.0
    rates: dict[str, float] = {}
    for shares, steps in config.step_sets():  # each council's residents go to its pools
        for gname, group in config.groups.items():
            admissions = (config.emergency.admissions_per_day * group.emergency_share
                          + electives_per_day * group.elective_share) * shares[gname]
            for pathway, share in group.pathway_mix.items():
                for step_name in config.pathways.get(pathway, {}):
                    step = steps[step_name]
                    for pool, pool_share in getattr(step, "pools", {}).items():
                        rates[pool] = rates.get(pool, 0.0) + admissions * share * step.probability * pool_share
    return rates


def pool_loads(config: Config) -> dict[str, PoolLoad]:
    hospital = hospital_referrals_per_day(config)
    loads = {}
    for name, pool in config.pools.items():
        stay_days = pool.length_of_stay.mean_in_hours / HOURS_PER_DAY
        loads[name] = PoolLoad(
            places=pool.places - sum(e.places for e in pool.exits if e.day < config.run.days),  # after any exit
            community=pool.community_referrals_per_day * stay_days,
            hospital=hospital.get(name, 0.0) * stay_days,
        )
    return loads


# --- beds ---------------------------------------------------------------------------------------

def step_days(step: Step) -> float:
    """A step's expected time in days, counting only what it must take: its work (a duration, a
    provider search, a handover) times the chance it is needed; nothing for waiting for a session,
    a member of staff, a place or working hours, which only add to it."""
    hours = 0.0
    if isinstance(step, DelayStep | StaffedStep):
        hours = step.duration.mean_in_hours
    elif isinstance(step, PlacementStep):
        search = step.search.mean_in_hours * step.search_probability if step.search is not None else 0.0
        hours = search + (step.handover.mean_in_hours if step.handover is not None else 0.0)
    return step.probability * hours / HOURS_PER_DAY


def discharge_days(config: Config, pathway: int, steps: Mapping[str, Step] | None = None) -> float:
    """A lower bound of the mean time from medically fit to departure on ``pathway``: the longest
    chain of steps, each taking its expected time (:func:`step_days`). Steps in parallel finish no
    sooner, on average, than the slowest of them on average, so the true mean is at least this.
    ``steps``: as a council's residents go through them (default: the config's)."""
    graph: Mapping[str, list[str]] = config.pathways.get(pathway, {})
    finish: dict[str, float] = {}
    steps = config.steps if steps is None else steps

    def done(name: str) -> float:  # pathways have no cycles (the schema refuses them)
        if name not in finish:
            finish[name] = step_days(steps[name]) + max((done(before) for before in graph[name]), default=0.0)
        return finish[name]

    return max((done(name) for name in graph), default=0.0)


@dataclass(frozen=True)
class BedLoad:
    """Expected bed load: admissions a day x the mean days a patient holds a bed, its acute stay
    plus a lower-bound estimate of the time to discharge (:func:`discharge_days`)."""

    beds: int
    admissions: float
    """Admissions a day, emergency and elective (every booked elective assumed admitted)."""
    stay_days: float
    """Mean acute length of stay, over admissions."""
    discharge_days: float
    """Mean time from medically fit to departure, over admissions: a lower bound."""
    factor: float = 1.0
    """Emergency admissions at this many times their usual rate (a surge)."""

    @property
    def total(self) -> float:
        return self.admissions * (self.stay_days + self.discharge_days)

    @property
    def full(self) -> bool:
        """At or over capacity: beds are full and the queue for them grows for as long as the run lasts."""
        return self.total >= self.beds

    @property
    def near(self) -> bool:
        return self.total > NEAR_FULL * self.beds * (1 + 1e-9)  # exactly 95% (as mmc.yaml is) is not near

    @property
    def utilisation(self) -> float:
        """Expected share of the beds in use."""
        return self.total / self.beds


def bed_load(config: Config, factor: float = 1.0) -> BedLoad:
    """The hospital's expected bed load, with emergency admissions at ``factor`` times their rate."""
    electives = sum(config.elective.admissions_per_weekday.values()) / 7.0
    sets = [(shares, {pathway: discharge_days(config, pathway, steps) for pathway in config.pathways})
            for shares, steps in config.step_sets()]  # each council's residents, through its steps
    admissions = stay = delay = 0.0
    for gname, group in config.groups.items():
        rate = config.emergency.admissions_per_day * factor * group.emergency_share + electives * group.elective_share
        admissions += rate
        stay += rate * group.mean_stay_hours() / HOURS_PER_DAY
        for shares, discharge in sets:
            delay += rate * shares[gname] * sum(share * discharge.get(pathway, 0.0)
                                                for pathway, share in group.pathway_mix.items())
    per = 1.0 / admissions if admissions else 0.0
    return BedLoad(config.hospital.beds, admissions, stay * per, delay * per, factor)


def bed_warnings(config: Config) -> list[str]:
    """A line when the expected bed load reaches the beds or is more than 95% of them, and one for
    each surge that takes it to the beds or over."""
    load = bed_load(config)
    turned_away = config.hospital.when_full == "turn_away"
    waiting = "are turned away" if turned_away else "wait for a bed"
    estimate = (f"{load.admissions:,.1f} admissions a day x {load.stay_days + load.discharge_days:,.2f} days in a "
                f"bed (acute stay {load.stay_days:,.2f} + discharge at least {load.discharge_days:,.2f}; waits for "
                "staff, places and sessions not counted)")
    lines = []
    if load.full:
        lines.append(f"hospital: {load.beds:,} beds for an expected load of at least {load.total:,.0f} beds "
                     f"({load.utilisation:.0%}): {estimate}. At or over capacity: beds stay full and emergencies "
                     f"{waiting} for as long as the run lasts")
    elif load.near:
        lines.append(f"hospital: {load.beds:,} beds for an expected load of at least {load.total:,.0f} beds "
                     f"({load.utilisation:.0%}): {estimate}. Near capacity: occupancy near 100%, and emergencies "
                     f"will often {'be turned away' if turned_away else 'wait for a bed'}")
    if not load.full:
        for surge in config.emergency.surges:
            peak = bed_load(config, surge.factor)
            if peak.full:
                lines.append(f"hospital: during the surge on days {surge.start_day:g}-{surge.start_day + surge.days:g} "
                             f"(emergencies x {surge.factor:g}) the expected load rises to at least {peak.total:,.0f} "
                             f"beds ({peak.utilisation:.0%} of {peak.beds:,}): beds fill and emergencies {waiting}")
    return lines


# --- notes ------------------------------------------------------------------------------------

def capacity_warnings(config: Config) -> list[str]:
    """A line when the beds are near or at capacity, and one for each pool whose expected load
    reaches its places: its queue grows for the whole run."""
    return [*bed_warnings(config), *(
        f"pool {pool} has {load.places} places for an expected load of {load.total:,.1f}: its queue will "
        "grow for as long as the run lasts" for pool, load in pool_loads(config).items() if load.unstable)]


def capacity_notes(config: Config) -> list[str]:
    """The beds when near or at capacity; then one line per pool: expected offered load against
    places, flagged when unstable."""
    notes = bed_warnings(config)
    for name, load in pool_loads(config).items():
        flag = "  <- at or over capacity: the queue will grow without end" if load.unstable else ""
        left = " (after providers leave)" if any(e.day < config.run.days for e in config.pools[name].exits) else ""
        notes.append(f"pool {name}: {load.places} places{left}; expected load {load.total:,.1f} places "
                     f"({load.utilisation:.0%}): community {load.community:,.1f} + hospital {load.hospital:,.1f}{flag}")
    return notes


def surge_notes(config: Config) -> list[str]:
    """A surge that misses the measured window, wholly or in part, changes nothing or less than meant."""
    lo, hi = config.run.warmup_days, config.run.days
    notes = []
    for surge in config.emergency.surges:
        start, end = surge.start_day, surge.start_day + surge.days
        span = f"the surge on days {start:g}-{end:g}"
        if start >= hi or end <= lo:
            notes.append(f"{span} lies outside the measured days {lo:g}-{hi:g}: it changes nothing measured")
        elif start < lo or end > hi:
            notes.append(f"{span} runs outside the measured days {lo:g}-{hi:g}: only part of it is measured")
    return notes
