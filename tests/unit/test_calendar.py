"""The calendar: days of the week, working hours, ward rounds and panels (properties in tests/property)."""

from __future__ import annotations

import numpy as np
import pytest

from discharge_sim.model.calendar import (
    SessionTimes,
    WorkingHours,
    day_of_week,
    hour_of_day,
    is_weekend,
    next_time_of_day,
)
from discharge_sim.model.distributions import uniform_sampler

OFFICE = WorkingHours.from_days([([0, 1, 2, 3, 4], 9.0, 17.0)])
SPLIT = WorkingHours.from_days([([0, 1, 2, 3, 4], 8.5, 19.0), ([5, 6], 10.0, 16.0)])


def test_day_zero_is_monday():
    assert day_of_week(0) == 0 and day_of_week(24 * 5 + 1) == 5 and is_weekend(24 * 6)
    assert not is_weekend(24 * 7) and hour_of_day(24 * 3 + 7.5) == 7.5


def test_next_time_of_day():
    assert next_time_of_day(7.0, 8.0) == 8.0
    assert next_time_of_day(8.0, 8.0) == 8.0
    assert next_time_of_day(9.0, 8.0) == 32.0


def test_advance_within_and_across_days():
    assert OFFICE.advance(10.0, 2.0) == 12.0  # Monday 10:00 + 2h
    assert OFFICE.advance(16.0, 2.0) == 24 + 10.0  # 1h Monday, 1h Tuesday from 09:00
    assert OFFICE.advance(20.0, 1.0) == 24 + 10.0  # queued overnight
    assert OFFICE.advance(24 * 4 + 16.0, 2.0) == 24 * 7 + 10.0  # Friday 16:00 -> Monday 10:00
    assert OFFICE.advance(16.0, 1.0) == 17.0  # finishes at closing, not next morning
    assert OFFICE.advance(3.0, 0.0) == 3.0  # no work, no wait
    assert OFFICE.weekly_open_hours == 40.0


def test_is_open():
    assert OFFICE.is_open(9.0) and not OFFICE.is_open(17.0) and not OFFICE.is_open(24 * 5 + 10)
    assert SPLIT.is_open(24 * 5 + 11) and not SPLIT.is_open(24 * 5 + 9)


def test_sessions_first_success_certain_and_weekend():
    rounds = SessionTimes((d * 24 + 10.0, 1.0 if d < 5 else 0.0) for d in range(7))
    assert rounds.first_success(8.0, 0.5) == 10.0  # Monday 08:00 -> Monday round
    assert rounds.first_success(11.0, 0.5) == 24 + 10.0
    assert rounds.first_success(24 * 5 + 8, 0.9) == 24 * 7 + 10.0  # Saturday -> Monday


def test_fortnightly_sessions_sit_every_other_week():
    weekly = SessionTimes([(1 * 24 + 14.0, 1.0)])
    fortnightly = SessionTimes([(1 * 24 + 14.0, 1.0)], every_weeks=2)
    assert weekly.first_success(200.0, 0.5) == 168 + 38.0
    assert fortnightly.first_success(200.0, 0.5) == 2 * 168 + 38.0
    assert fortnightly.first_success(10.0, 0.5) == 38.0


def test_session_probability_is_respected_with_the_models_uniform_draws():
    """Fed the package's own uniform sampler (as the model feeds it), a 30% round succeeds 30% of the time."""
    rounds = SessionTimes([(10.0, 0.3)])  # Monday 10:00 only
    draw = uniform_sampler(np.random.default_rng(1))
    first = np.array([rounds.first_success(0.0, draw()) for _ in range(20000)])
    assert abs(np.mean(first == 10.0) - 0.3) < 0.015
    assert np.all((first - 10.0) % 168 == 0)  # a failed round waits for the next week's


def test_last_open_spans_leave_closed_hours_out():
    daily = WorkingHours.from_days([(range(7), 8.0, 21.0)])
    # Finishing at 08:20 on day 1: ten minutes before closing on day 0, twenty after opening.
    spans = daily.last_open_spans(24 + 8 + 1 / 3, 0.5)
    assert spans == [pytest.approx((20 + 5 / 6, 21.0)), pytest.approx((32.0, 32 + 1 / 3))]
    assert sum(b - a for a, b in spans) == pytest.approx(0.5)
    # Finishing exactly at opening time means finishing at the last closing.
    assert daily.last_open_spans(32.0, 0.5) == [pytest.approx((20.5, 21.0))]
    assert daily.latest_clock_time(daily.open_time(21.0)) == 32.0  # the next opening, not 21:00
