"""Daily staff absence (staff.<team>.absence_rate): each midnight each member is absent with that
chance, and the team works the day with those present. A rate of 0 changes nothing; absence makes
waits for that team longer, under common random numbers; the resource gives up units and takes
them back as its capacity moves."""

from __future__ import annotations

import numpy as np
import simpy

from discharge_sim.experiments.specification import measure
from discharge_sim.model.calendar import WorkingHours
from discharge_sim.model.resources import CountingResource
from discharge_sim.model.staff import StaffTeam
from tests.helpers import short_baseline

ITEM = "delayed_bed_days_item_staff_social_workers"


def test_a_lower_capacity_blocks_new_units_and_a_higher_one_grants_the_queue():
    env = simpy.Environment()
    resource = CountingResource(env, 2)
    assert resource.try_take() and resource.try_take()
    resource.set_capacity(1)
    resource.free()
    assert resource.count == 1 and not resource.try_take()  # one in use: at the lower capacity
    granted = []
    resource.request().callbacks.append(lambda _e: granted.append(env.now))
    env.run()
    assert granted == []
    resource.set_capacity(2)
    env.run()
    assert granted == [0.0] and resource.count == 2


def test_absence_is_binomial_day_by_day():
    env = simpy.Environment()
    team = StaffTeam("t", "hospital", "nhs", None, WorkingHours([(0.0, 168.0)]), False, CountingResource(env, 10))
    capacities = []
    env.process(team.absences(env, 10, 0.2, np.random.default_rng(1)))

    def watch():
        while True:
            capacities.append(team.resource.capacity)
            yield env.timeout(24.0)

    env.process(watch())
    env.run(until=2000 * 24.0)
    absent = 10 - np.asarray(capacities)
    assert abs(absent.mean() - 2.0) < 0.1 and abs(absent.var() - 1.6) < 0.25
    assert team.absent_person_days == absent.sum()


def test_absence_lengthens_the_waits_for_that_team_only_when_set():
    base = short_baseline(days=120, warmup=20)
    zero = short_baseline(days=120, warmup=20, staff__social_workers__absence_rate=0.0)
    absent = short_baseline(days=120, warmup=20, staff__social_workers__absence_rate=0.3)
    for r in range(2):
        plain = measure(base, r, 9).metrics
        assert measure(zero, r, 9).metrics == plain  # a rate of 0 draws nothing and changes nothing
    waits = [measure(absent, r, 9).metrics[ITEM] - measure(base, r, 9).metrics[ITEM] for r in range(3)]
    assert min(waits) > 0, waits
