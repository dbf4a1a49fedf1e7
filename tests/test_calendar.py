from hypothesis import given
from hypothesis import strategies as st

from discharge_sim.model.calendar import (
    SessionTimes,
    WorkingHours,
    day_of_week,
    hour_of_day,
    is_weekend,
    next_time_of_day,
)

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


@given(st.floats(0, 24 * 7 * 60), st.floats(0.01, 200))
def test_advance_adds_exactly_the_work_in_open_time(t, work):
    for hours in (OFFICE, SPLIT):
        done = hours.advance(t, work)
        assert done >= t
        assert abs((hours.open_time(done) - hours.open_time(t)) - work) < 1e-6
        assert hours.is_open(done - 1e-7)  # work finishes inside an open window


@given(st.floats(0, 24 * 7 * 60), st.floats(0, 24 * 7 * 60))
def test_open_time_is_monotone(a, b):
    lo, hi = min(a, b), max(a, b)
    assert SPLIT.open_time(lo) <= SPLIT.open_time(hi)


def test_sessions_first_success_certain_and_weekend():
    rounds = SessionTimes((d * 24 + 10.0, 1.0 if d < 5 else 0.0) for d in range(7))
    assert rounds.first_success(8.0, 0.5) == 10.0  # Monday 08:00 -> Monday round
    assert rounds.first_success(11.0, 0.5) == 24 + 10.0
    assert rounds.first_success(24 * 5 + 8, 0.9) == 24 * 7 + 10.0  # Saturday -> Monday


@given(st.floats(0, 24 * 7 * 10), st.floats(1e-9, 1.0), st.floats(0.05, 1.0), st.floats(0.0, 1.0))
def test_higher_probability_never_later(t, u, weekend_low, extra):
    """The monotone coupling behind common random numbers for ward rounds and panels."""
    weekend_high = min(1.0, weekend_low + extra)
    low = SessionTimes((d * 24 + 10.0, 0.9 if d < 5 else weekend_low) for d in range(7))
    high = SessionTimes((d * 24 + 10.0, 0.9 if d < 5 else weekend_high) for d in range(7))
    assert high.first_success(t, u) <= low.first_success(t, u)


def test_session_probability_is_respected():
    import numpy as np

    rounds = SessionTimes([(10.0, 0.3)])  # Monday 10:00 only
    u = 1.0 - np.random.default_rng(1).random(20000)
    first = np.array([rounds.first_success(0.0, x) for x in u])
    assert abs(np.mean(first == 10.0) - 0.3) < 0.015
