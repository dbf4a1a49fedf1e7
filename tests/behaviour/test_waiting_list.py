"""The elective waiting list (elective.waiting_list): electives who find no bed are not lost but
wait, first booked first, for the next days' slots. Off, today's cancellations stand. Every booked
elective is admitted once or still waiting at the end; no day admits more electives than its
slots; and the list's length and the extra weeks waited are what the records say."""

from __future__ import annotations

import numpy as np
import pytest

from discharge_sim.analysis.tables import patient_table
from discharge_sim.experiments.specification import measure
from tests.helpers import short_baseline

TIGHT = {"hospital__beds": 530}  # short of beds, so electives are turned back


def _run(waiting_list: bool):
    config = short_baseline(days=70, warmup=14, elective__waiting_list=waiting_list, **TIGHT)
    return config, measure(config, 0, 3, keep=True, occupancy=True)


@pytest.fixture(scope="module")
def both():
    return _run(False), _run(True)


def test_off_electives_are_cancelled_and_nobody_waits(both):
    (_, off), _ = both
    assert off.metrics["cancelled_electives"] > 20
    assert off.metrics["electives_waiting_mean"] == 0.0
    assert off.metrics["elective_extra_wait_weeks_mean"] == 0.0


def test_on_every_booked_elective_is_admitted_once_or_still_waiting(both):
    _, (config, on) = both
    p = on.result.patients
    electives = p["elective"]
    assert not p["cancelled"][electives].any() and on.metrics["cancelled_electives"] == 0
    waiting = electives & np.isnan(p["admitted"])
    assert waiting.sum() > 0  # the list is not empty at the end of a tight run
    status = patient_table(on.result)["status"]
    assert set(status[waiting]) == {"waiting_list"}
    # First booked, first admitted: by booking order, admission times never go back, and whoever
    # still waits was booked after everyone admitted.
    order = np.flatnonzero(electives)
    admitted = p["admitted"][order]
    done = admitted[~np.isnan(admitted)]
    assert np.all(np.diff(done) >= 0)
    assert np.all(np.isnan(admitted[np.argmax(np.isnan(admitted)):]))
    # No day admits more electives than that weekday's slots.
    slots = config.elective.admissions_per_weekday
    days = np.floor(p["admitted"][electives & ~waiting] / 24).astype(int)
    for day, n in zip(*np.unique(days, return_counts=True), strict=True):
        weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day % 7]
        assert n <= slots.get(weekday, 0), day


def test_the_list_and_the_extra_wait_are_what_the_records_say(both):
    _, (config, on) = both
    p, m = on.result.patients, on.metrics
    lo, hi = config.warmup_hours, config.horizon_hours
    electives = p["elective"]
    until = np.where(np.isnan(p["admitted"]), hi, p["admitted"])
    counts = [np.sum(electives & (p["arrival"] <= d * 24.0) & (d * 24.0 < until)) for d in range(14, 70)]
    assert m["electives_waiting_mean"] == pytest.approx(np.mean(counts), rel=1e-12)
    assert np.allclose(on.occupancy["electives_waiting_at_midnight"][14:70], counts)
    taken = electives & (p["admitted"] >= lo) & (p["admitted"] < hi)
    weeks = (p["admitted"][taken] - p["arrival"][taken]) / 168.0
    assert m["elective_extra_wait_weeks_mean"] == pytest.approx(weeks.mean(), rel=1e-12)
    assert m["electives_waiting_mean"] > 1 and m["elective_extra_wait_weeks_mean"] > 0
