"""Expected offered loads of placement pools, from a config alone (no simulation).

A pool whose offered load (arrivals a day x mean stay in days) reaches its places has a queue
that grows without end, so this is the first thing to check when sizing a pool.
"""

from __future__ import annotations

from dataclasses import dataclass

from discharge_sim.config import Config


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
        stay_days = pool.length_of_stay.shape.mean / 24.0
        loads[name] = PoolLoad(
            places=pool.places,
            community=pool.community_referrals_per_day * stay_days,
            hospital=hospital.get(name, 0.0) * stay_days,
        )
    return loads
