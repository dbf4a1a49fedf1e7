"""Beds that open and close over the year (hospital.bed_changes): nobody is admitted while the
beds open are full, closed beds empty as their patients leave, opened beds take boarders at once,
occupancy is of the beds open, and a change that would close every bed is refused."""

from __future__ import annotations

import numpy as np
import pytest

from discharge_sim.config import ConfigError
from discharge_sim.experiments.specification import measure
from tests.helpers import short_baseline

CLOSURE = [{"start_day": 30, "days": 10, "beds": -120, "reason": "ward closed for norovirus"}]


def _admissions_respect(p, open_beds_at):
    admitted = ~np.isnan(p["admitted"])
    start, end = p["admitted"][admitted], np.where(np.isnan(p["departure"]), np.inf, p["departure"])[admitted]
    for t in np.unique(start):
        newcomers = np.sum(start == t)
        before = np.sum((start < t) & (end > t))  # in beds just before (leaving at t frees a bed first)
        assert before + newcomers <= open_beds_at(t), t


def test_nobody_is_admitted_beyond_the_beds_open():
    config = short_baseline(days=60, warmup=10, hospital__bed_changes=CLOSURE)
    m = measure(config, 0, 2, keep=True)
    p = m.result.patients
    _admissions_respect(p, lambda t: 480 if 30 * 24 <= t < 40 * 24 else 600)
    # Closing beds costs: more boarding than the same run without the closure (common random numbers).
    plain = measure(short_baseline(days=60, warmup=10), 0, 2).metrics
    assert m.metrics["boarding_hours"] > plain["boarding_hours"]
    assert m.metrics["mean_open_beds"] == pytest.approx((600 * 40 + 480 * 10) / 50)
    assert m.metrics["occupancy"] == pytest.approx(m.metrics["mean_occupied_beds"] / m.metrics["mean_open_beds"])


def test_escalation_beds_take_boarders_when_they_open():
    escalation = [{"start_day": 20, "days": 30, "beds": 80, "reason": "winter escalation"}]
    tight = {"hospital__beds": 520}
    base = measure(short_baseline(days=50, warmup=10, **tight), 0, 4).metrics
    opened = measure(short_baseline(days=50, warmup=10, hospital__bed_changes=escalation, **tight), 0, 4, keep=True)
    assert opened.metrics["boarding_hours"] < base["boarding_hours"]
    _admissions_respect(opened.result.patients, lambda t: 600 if 20 * 24 <= t < 50 * 24 else 520)
    assert "mean_open_beds" not in base  # unchanged beds: the metrics of today, nothing added


@pytest.mark.parametrize(("change", "message"), [
    ({"start_day": 5, "days": 3, "beds": 0}, "a change of 0 beds changes nothing"),
    ({"start_day": 5, "days": 3, "beds": -600}, "leave 0 beds open from day 5"),
])
def test_changes_that_change_nothing_or_close_every_bed_are_refused(change, message):
    with pytest.raises(ConfigError, match=message):
        short_baseline(days=20, warmup=5, hospital__bed_changes=[change])


@pytest.mark.slow
def test_the_winter_escalation_ward_takes_boarders_off_the_winter_surge():
    """The two winter scenarios differ only in the 30 escalation beds: under common random numbers
    fewer emergencies wait for a bed, and no fewer are admitted, in every replication."""
    from discharge_sim.config import load_config
    from discharge_sim.experiments.specification import measure
    from tests.helpers import CONFIGS

    window = {"run.days": 360, "run.warmup_days": 300}
    surge = load_config(CONFIGS / "scenarios" / "winter_surge.yaml", window)
    beds = load_config(CONFIGS / "scenarios" / "winter_escalation_beds.yaml", window)
    for r in range(2):
        plain, opened = measure(surge, r, 7).metrics, measure(beds, r, 7).metrics
        assert opened["boarding_hours"] < plain["boarding_hours"]
        assert opened["admissions"] >= plain["admissions"]
        assert opened["mean_open_beds"] == pytest.approx(600 + 30 * (360 - 304) / 60)  # open from day 304


def test_beds_opening_at_the_horizon_change_nothing_in_the_run():
    """Beds that open exactly at the horizon admit nobody within the run: the boarders queueing at
    the end are exactly those the records show waiting."""
    from discharge_sim.model.replication import run_replication
    from tests.helpers import short_baseline

    config = short_baseline(days=40, warmup=10, hospital__beds=450,
                            hospital__bed_changes=[{"start_day": 40, "days": 5, "beds": 50}])
    r = run_replication(config, 0)
    p = r.patients
    waiting = np.isnan(p["admitted"]) & ~p["cancelled"] & ~p["elective"]
    assert waiting.sum() > 0
    assert waiting.sum() == r.final_state["emergencies_waiting"]
