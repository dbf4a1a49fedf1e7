"""Providers' own admission days and hours (pools.<name>.admission_schedule): a patient whose
handover ends outside them leaves when they next open, and the wait is the placement step's own
time; unset, patients leave whenever their handover ends."""

from __future__ import annotations

import numpy as np
import pytest

from discharge_sim.config import ConfigError, config_from_dict
from discharge_sim.model.calendar import WorkingHours
from discharge_sim.model.replication import run_replication
from discharge_sim.model.staff import working_hours
from discharge_sim.vocabulary import KINDS
from tests.toys import fixed, ward


def _ward(admitting: bool) -> dict:
    care_home = {"type": "placement", "owner": "social_care", "kind": "process", "dtoc_code": "Dii",
                 "pools": {"home": 1.0}, "handover": fixed(1)}
    home = {"owner": "social_care", "dtoc_code": "Dii", "places": 5000, "initial_residents": 0,
            "length_of_stay": {"distribution": "fixed", "mean_days": 30}}
    raw = ward({"care_home": care_home}, {"care_home": []}, pathway_number=3, name="provider_hours", days=120,
               warmup=10, beds=300, admissions=10, stay={"distribution": "exponential", "mean_days": 4},
               replications=1, seed=2, pools={"home": home},
               schedules={"admissions": [{"days": ["mon", "tue", "wed", "thu", "fri"], "start_hour": 10,
                                          "end_hour": 15}]})
    if admitting:
        raw["pools"]["home"]["admission_schedule"] = "admissions"
    return raw


def test_patients_leave_for_a_provider_only_in_its_admission_hours():
    hours = WorkingHours.from_days([([0, 1, 2, 3, 4], 10.0, 15.0)])
    r = run_replication(config_from_dict(_ward(True)), 0)
    p = r.patients
    gone = ~np.isnan(p["departure"])
    assert gone.sum() > 800
    for ready, departure in zip(p["ready"][gone], p["departure"][gone], strict=True):
        assert departure == hours.next_open(ready + 1.0)
        assert hours.is_open(departure)
    # The wait for the provider's hours is the placement step's own work: social care's process.
    s = r.segments
    assert np.all(s["kind"] == KINDS.index("process"))
    assert np.all(s["step"] == r.step_names.index("care_home"))


def test_without_admission_hours_patients_leave_when_the_handover_ends():
    r = run_replication(config_from_dict(_ward(False)), 0)
    p = r.patients
    gone = ~np.isnan(p["departure"])
    assert np.allclose(p["departure"][gone] - p["ready"][gone], 1.0)


def test_next_open_is_now_when_open_and_the_next_window_otherwise():
    hours = working_hours(config_from_dict(_ward(True)).schedules["admissions"])
    assert hours.next_open(24 * 0 + 11.0) == 11.0          # Monday 11:00: open
    assert hours.next_open(24 * 0 + 15.0) == 24 + 10.0      # Monday 15:00: closed, Tuesday 10:00
    assert hours.next_open(24 * 4 + 16.0) == 24 * 7 + 10.0  # Friday 16:00: next Monday 10:00
    assert hours.next_open(24 * 5 + 9.0) == 24 * 7 + 10.0   # Saturday: next Monday


def test_an_unknown_admission_schedule_is_refused_by_name():
    raw = _ward(True)
    raw["pools"]["home"]["admission_schedule"] = "admisions"
    with pytest.raises(ConfigError, match=r"pools.home.admission_schedule: unknown schedule 'admisions'"):
        config_from_dict(raw)


def test_a_placement_planned_ahead_still_leaves_only_in_the_providers_hours():
    raw = _ward(True)
    raw["planning"] = {"lead_hours": {"care_home": 72}}
    hours = WorkingHours.from_days([([0, 1, 2, 3, 4], 10.0, 15.0)])
    p = run_replication(config_from_dict(raw), 0).patients
    gone = ~np.isnan(p["departure"])
    assert gone.sum() > 800
    assert all(hours.is_open(t) for t in p["departure"][gone])
    assert np.all(p["departure"][gone] >= p["ready"][gone])
