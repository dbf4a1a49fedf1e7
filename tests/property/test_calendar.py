"""Working hours and sessions for any start time and amount of work."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from discharge_sim.model.calendar import SessionTimes, WorkingHours

OFFICE = WorkingHours.from_days([([0, 1, 2, 3, 4], 9.0, 17.0)])
SPLIT = WorkingHours.from_days([([0, 1, 2, 3, 4], 8.5, 19.0), ([5, 6], 10.0, 16.0)])


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


@given(st.floats(0, 24 * 7 * 10), st.floats(1e-9, 1.0), st.floats(0.05, 1.0), st.floats(0.0, 1.0))
def test_higher_probability_never_later(t, u, weekend_low, extra):
    """The monotone coupling behind common random numbers for ward rounds and panels."""
    weekend_high = min(1.0, weekend_low + extra)
    low = SessionTimes((d * 24 + 10.0, 0.9 if d < 5 else weekend_low) for d in range(7))
    high = SessionTimes((d * 24 + 10.0, 0.9 if d < 5 else weekend_high) for d in range(7))
    assert high.first_success(t, u) <= low.first_success(t, u)
