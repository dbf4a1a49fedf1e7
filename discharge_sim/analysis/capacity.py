"""Expected offered loads of placement pools, from a config alone (no simulation).

A pool whose offered load (arrivals a day x mean stay in days) reaches its places has a queue
that grows without end, so this is the first thing to check when sizing a pool.
"""

from __future__ import annotations

from dataclasses import dataclass

from discharge_sim.config import Config
from discharge_sim.vocabulary import HOURS_PER_DAY


@dataclass(frozen=True)
class PoolLoad:
    """Offered load of one pool, in places (arrivals a day x mean stay in days)."""

    places: int
    community: float
    hospital: float

    @property
    def total(self) -> float:
        return self.community + self.hospital

    @property
    def utilisation(self) -> float:
        return self.total / self.places

    @property
    def unstable(self) -> bool:
        return self.total >= self.places


def hospital_referrals_per_day(config: Config) -> dict[str, float]:
    """Expected hospital referrals a day to each pool: admissions x group share x pathway share x
    step probability x pool share (every admission assumed to reach discharge, none cancelled)."""
    electives_per_day = sum(config.elective.admissions_per_weekday.values()) / 7.0
    rates: dict[str, float] = {}
    for group in config.groups.values():
        admissions = (config.emergency.admissions_per_day * group.emergency_share
                      + electives_per_day * group.elective_share)
        for pathway, share in group.pathway_mix.items():
            for step_name in config.pathways.get(pathway, {}):
                step = config.steps[step_name]
                for pool, pool_share in getattr(step, "pools", {}).items():
                    rates[pool] = rates.get(pool, 0.0) + admissions * share * step.probability * pool_share
    return rates


def pool_loads(config: Config) -> dict[str, PoolLoad]:
    hospital = hospital_referrals_per_day(config)
    loads = {}
    for name, pool in config.pools.items():
        stay_days = pool.length_of_stay.mean_in_hours / HOURS_PER_DAY
        loads[name] = PoolLoad(
            places=pool.places,
            community=pool.community_referrals_per_day * stay_days,
            hospital=hospital.get(name, 0.0) * stay_days,
        )
    return loads


def capacity_warnings(config: Config) -> list[str]:
    """A line for each pool whose expected load reaches its places: its queue grows for the whole run."""
    return [f"pool {pool} has {load.places} places for an expected load of {load.total:,.1f}: its queue will "
            "grow for as long as the run lasts" for pool, load in pool_loads(config).items() if load.unstable]


def capacity_notes(config: Config) -> list[str]:
    """One line per pool: expected offered load against places, flagged when unstable."""
    notes = []
    for name, load in pool_loads(config).items():
        flag = "  <- at or over capacity: the queue will grow without end" if load.unstable else ""
        notes.append(f"pool {name}: {load.places} places; expected load {load.total:,.1f} places "
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
