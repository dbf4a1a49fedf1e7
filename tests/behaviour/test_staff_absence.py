"""Staff as rostered day by day: members by weekday and date (staff.<team>.count_by_weekday and
changes) and daily absence (absence_rate): each midnight each member rostered is absent with that
chance, and the team works the day with those present. A rate of 0 changes nothing; absence and
thinner rosters make waits for that team longer, under common random numbers; the team is paid
for every member rostered; the resource gives up units and takes them back as its capacity moves."""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from discharge_sim.config import ConfigError
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
    env.process(team.roster(env, lambda _day: 10, 0.2, np.random.default_rng(1)))

    def watch():
        while True:
            capacities.append(team.resource.capacity)
            yield env.timeout(24.0)

    env.process(watch())
    env.run(until=2000 * 24.0)
    absent = 10 - np.asarray(capacities)
    assert abs(absent.mean() - 2.0) < 0.1 and abs(absent.var() - 1.6) < 0.25
    assert team.absent_person_days == absent.sum()


@pytest.mark.slow
def test_absence_lengthens_the_waits_for_that_team_only_when_set():
    base = short_baseline(days=120, warmup=20)
    zero = short_baseline(days=120, warmup=20, staff__social_workers__absence_rate=0.0)
    absent = short_baseline(days=120, warmup=20, staff__social_workers__absence_rate=0.3)
    for r in range(2):
        plain = measure(base, r, 9).metrics
        assert measure(zero, r, 9).metrics == plain  # a rate of 0 draws nothing and changes nothing
    waits = [measure(absent, r, 9).metrics[ITEM] - measure(base, r, 9).metrics[ITEM] for r in range(3)]
    assert min(waits) > 0, waits


WEEKEND = {"staff__therapists__count_by_weekday": {"sat": 4, "sun": 4}}
WINTER = {"staff__therapists__changes": [{"start_day": 40, "days": 20, "members": 3, "reason": "winter locums"}]}


def test_the_team_works_each_day_with_the_members_rostered_that_day():
    from discharge_sim.model.replication import run_replication

    config = short_baseline(days=70, warmup=10, **WEEKEND, **WINTER)
    seen = []
    from discharge_sim.model import staff as staff_module

    original = staff_module.StaffTeam.roster

    def spy(team, env, rostered, rate, rng):
        for step in original(team, env, rostered, rate, rng):
            if team.name == "therapists":
                seen.append((int(env.now // 24), team.resource.capacity))
            yield step

    staff_module.StaffTeam.roster = spy  # type: ignore[method-assign]
    try:
        run_replication(config, 0)
    finally:
        staff_module.StaffTeam.roster = original  # type: ignore[method-assign]
    team = config.staff["therapists"]
    assert len(seen) == 70
    assert all(capacity == team.rostered(day) for day, capacity in seen)
    assert {capacity for _, capacity in seen} == {10, 4, 13, 7}


def test_the_team_is_paid_for_every_member_rostered():
    """Four therapists on Saturdays and Sundays instead of ten: six fewer for the six weekend hours
    (09:00-15:00) of every Saturday and Sunday in the window, at GBP 40 an hour."""
    plain = measure(short_baseline(days=120, warmup=20), 0, 9).metrics
    thin = measure(short_baseline(days=120, warmup=20, **WEEKEND), 0, 9).metrics
    weekend_days = sum(1 for day in range(20, 120) if day % 7 >= 5)
    assert plain["staff_cost_nhs_gbp"] - thin["staff_cost_nhs_gbp"] == pytest.approx(6 * 6 * 40 * weekend_days)
    assert thin["delayed_bed_days_item_staff_therapists"] > plain["delayed_bed_days_item_staff_therapists"]


def test_a_roster_that_changes_nothing_changes_nothing():
    plain = measure(short_baseline(days=90, warmup=20), 0, 9).metrics
    same = measure(short_baseline(days=90, warmup=20, staff__therapists__count_by_weekday={"sat": 10}), 0, 9).metrics
    assert same == plain


@pytest.mark.parametrize(("change", "message"), [
    ({"start_day": 5, "days": 3, "members": 0}, "a change of 0 members changes nothing"),
    ({"start_day": 5, "days": 3, "members": -11}, "changes leave -1 members rostered on day 5"),
])
def test_changes_that_change_nothing_or_leave_fewer_than_none_are_refused(change, message):
    with pytest.raises(ConfigError, match=message):
        short_baseline(staff__therapists__changes=[change])


def test_a_higher_capacity_grants_as_many_queued_requests_as_it_has_room_for():
    env = simpy.Environment()
    resource = CountingResource(env, 1)
    assert resource.try_take()
    granted = []
    for _ in range(5):
        resource.request().callbacks.append(lambda _e: granted.append(env.now))
    resource.set_capacity(4)
    env.run()
    assert granted == [0.0, 0.0, 0.0] and resource.count == 4 and len(resource.queue) == 2
