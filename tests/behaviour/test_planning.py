"""Planning ahead (config ``planning``): steps with a lead time may begin before the ready date,
counted back from an expected discharge date (EDD). Lead times of 0 change nothing; a step
planned exactly removes its own delay, to the hour; in the baseline planning lowers delay under
common random numbers, and longer leads never raise it beyond noise; the ledger still tiles
every delay and nobody leaves before their ready date."""

from __future__ import annotations

import math

import numpy as np
import pytest

from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.config import ConfigError, config_from_dict
from discharge_sim.model.replication import run_replication
from tests.helpers import assert_ledger_tiles, short_baseline
from tests.toys import delay, fixed, ward

LEADS = {"therapy_assessment": 48.0, "care_needs_review": 48.0, "social_work_assessment": 48.0,
         "discharge_summary": 24.0, "medicines": 24.0}


def _planned(scale: float, **planning: float) -> dict:
    return {"planning": {"set_after_admission_hours": 24, "error_sd_days": 1.5,
                         "lead_hours": {k: v * scale for k, v in LEADS.items()}, **planning}}


def _toy(lead: float | None, stay_days: float = 5.0) -> dict:
    """A ward whose every patient stays ``stay_days`` and then needs one 48-hour step."""
    raw = ward({"referral": delay("social_care", fixed(48), code="A")}, {"referral": []}, name="planning_toy",
               days=60, warmup=10, beds=200, admissions=10, stay={"distribution": "fixed", "mean_days": stay_days},
               replications=1, seed=3)
    if lead is not None:
        raw["planning"] = {"lead_hours": {"referral": lead}}
    return raw


def _delays(raw: dict) -> np.ndarray:
    r = run_replication(config_from_dict(raw), 0)
    p = r.patients
    gone = ~np.isnan(p["departure"])
    return p["departure"][gone] - p["ready"][gone]


@pytest.mark.parametrize(("lead", "delay"), [(None, 48.0), (0.0, 48.0), (24.0, 24.0), (48.0, 0.0), (96.0, 0.0)])
def test_a_step_planned_from_an_exact_date_loses_its_lead_from_the_delay(lead, delay):
    delays = _delays(_toy(lead))
    assert delays.size > 300
    assert np.allclose(delays, delay, atol=1e-9)


def test_a_step_cannot_begin_before_the_date_is_set():
    """A one-day stay with a four-day lead: the step begins when the date is set (at admission,
    then 12 hours after), so its 48 hours of work end 24 (then 36) hours after the ready date."""
    raw = _toy(96.0, stay_days=1.0)
    assert np.allclose(_delays(raw), 24.0, atol=1e-9)
    raw["planning"]["set_after_admission_hours"] = 12.0
    assert np.allclose(_delays(raw), 36.0, atol=1e-9)


def test_lead_times_of_zero_change_nothing():
    plain = run_replication(short_baseline(90, 20), 0)
    zero = run_replication(short_baseline(90, 20, **_planned(0.0)), 0)
    for table in ("patients", "segments"):
        a, b = getattr(plain, table), getattr(zero, table)
        assert a.keys() == b.keys()
        for column in a:
            assert np.array_equal(a[column], b[column], equal_nan=True), (table, column)


@pytest.fixture(scope="module")
def paired():
    """Delayed bed-days of 4 paired replications without planning and with leads x1 and x2."""
    out = {}
    for scale in (0.0, 1.0, 2.0):
        config = short_baseline(150, 30, **(_planned(scale) if scale else {}))
        runs = [run_replication(config, r) for r in range(4)]
        out[scale] = (np.array([replication_metrics(r)["delayed_bed_days"] for r in runs]), runs)
    return out


@pytest.mark.slow
def test_planning_ahead_lowers_delay_under_common_random_numbers(paired):
    diff = paired[1.0][0] - paired[0.0][0]
    assert diff.mean() + 3 * diff.std(ddof=1) / math.sqrt(diff.size) < 0, diff


@pytest.mark.slow
def test_longer_leads_never_raise_delay_beyond_noise(paired):
    diff = paired[2.0][0] - paired[1.0][0]
    assert diff.mean() - 3 * diff.std(ddof=1) / math.sqrt(diff.size) <= 0, diff


@pytest.mark.slow
def test_with_planning_every_delay_still_tiles_and_nobody_leaves_before_being_ready(paired):
    for r in paired[2.0][1][:2]:
        assert_ledger_tiles(r, at_least=1000)
        p = r.patients
        gone = ~np.isnan(p["departure"])
        assert np.all(p["departure"][gone] >= p["ready"][gone])


def test_a_lead_for_an_unknown_step_is_refused_by_name():
    raw = _toy(24.0)
    raw["planning"]["lead_hours"] = {"referal": 24.0}
    with pytest.raises(ConfigError, match=r"planning.lead_hours: unknown step 'referal'"):
        config_from_dict(raw)


def test_planned_patients_still_die_while_waiting_at_the_hazard_of_their_wait():
    """A 48-hour step with a 24-hour lead: each patient waits 24 hours after being ready, and dies
    then with probability 1 - exp(-h) (a day at hazard h), as an unplanned 24-hour wait would."""
    raw = _toy(24.0)
    raw["run"]["days"] = 400
    raw["deaths"] = {"daily_hazard_by_pathway": {1: 0.3}}
    p = run_replication(config_from_dict(raw), 0).patients
    over = ~np.isnan(p["departure"])
    share, expected = p["died"][over].mean(), 1 - math.exp(-0.3)
    assert abs(share - expected) <= 4 * math.sqrt(expected * (1 - expected) / over.sum()), share
    assert np.all(p["departure"][over] - p["ready"][over] <= 24.0 + 1e-9)


def test_a_planned_patient_whose_needs_grow_starts_the_new_pathway_once():
    """A one-day stay and 72 hours of work planned from admission: the run is done (on the calendar)
    at admission, 48 hours after the ready date; most patients' needs grow in those 48 hours (a
    hazard of 1 a day), and the new pathway's 10 hours of a team's work (asked for at the
    escalation, so not done by the ready date) begin once, at the escalation."""
    raw = _toy(96.0, stay_days=1.0)
    raw["schedules"] = {"always": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "start_hour": 0,
                                    "end_hour": 24}]}
    raw["staff"] = {"rehab_team": {"owner": "nhs_community", "count": 1000, "schedule": "always"}}
    raw["steps"]["rehab"] = {"type": "staffed", "owner": "nhs_community", "kind": "process", "dtoc_code": "C",
                             "staff": "rehab_team", "duration": {"distribution": "fixed", "mean_hours": 10}}
    raw["pathways"][2] = {"rehab": []}
    raw["deconditioning"] = {"daily_hazard_by_pathway": {1: 1.0}, "owner": "social_care", "kind": "capacity",
                             "dtoc_code": "E"}
    raw["steps"]["referral"]["duration"] = {"distribution": "fixed", "mean_hours": 72}
    r = run_replication(config_from_dict(raw), 0)
    p = r.patients
    up = ~np.isnan(p["escalated_at"]) & ~np.isnan(p["departure"])
    assert up.sum() > 50
    assert np.allclose(p["departure"][up] - p["escalated_at"][up], 10.0)
    assert_ledger_tiles(r, at_least=50)
