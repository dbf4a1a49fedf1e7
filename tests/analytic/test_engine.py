"""The engine against queueing theory: an M/M/c ward waits as Erlang C says, and delayed patients
obey Little's law. (The full set of analytic cases is the validate command: tests/api, tests/cli.)"""

from __future__ import annotations

import math

import numpy as np
import pytest

from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.analysis.statistics import t_interval
from discharge_sim.analysis.tables import occupancy_table
from discharge_sim.analysis.theory import mmc_mean_wait
from discharge_sim.config import load_config
from discharge_sim.experiments import validation
from discharge_sim.experiments.validation import judge
from discharge_sim.model.replication import run_replication
from tests.helpers import BASELINE, MMC


@pytest.mark.slow
def test_mmc_config_matches_erlang_c_mean_wait():
    c, per_day, stay_days = 20, 17.0, 1.0
    config = load_config(MMC, {"hospital.beds": c, "emergency.admissions_per_day": per_day,
                               "groups.all.length_of_stay.mean_days": stay_days,
                               "run.days": 4000, "run.warmup_days": 20})
    expected = mmc_mean_wait(c, per_day / 24.0, 1.0 / (stay_days * 24.0))  # hours; checked in test_theory
    waits = []
    for r in range(10):
        m = replication_metrics(run_replication(config, r, seed=99))
        waits.append(m["boarding_hours"] / m["emergency_arrivals"])
        assert m["delayed_bed_days"] == 0.0  # no discharge steps, no delay
    ci = t_interval(waits)
    assert ci["ci_low"] <= expected <= ci["ci_high"], (expected, ci)
    assert ci["half_width"] < 0.15 * expected  # and the interval is tight enough to mean something


def test_littles_law_for_delayed_patients(short_run):
    """Mean number delayed = rate of becoming delayed x mean delay, over the window."""
    r = short_run
    p = r.patients
    lo, hi = r.warmup_hours, r.horizon_hours
    ready = p["ready"]
    dep = np.where(np.isnan(p["departure"]), math.inf, p["departure"])
    cohort = (ready >= lo) & (ready < hi)
    waits = np.minimum(dep[cohort], hi) - ready[cohort]
    arrival_rate = cohort.sum() / (hi - lo)
    occ = occupancy_table(r)
    warm = int(lo // 24)
    number_delayed = float(np.mean(occ["delayed_patients_in_beds"][warm:]))
    assert math.isclose(number_delayed, arrival_rate * waits.mean(), rel_tol=0.05)
    assert math.isclose(number_delayed, replication_metrics(r)["mean_delayed_beds"], rel_tol=1e-6)


def test_littles_law_case_catches_departures_recorded_wrongly(monkeypatch):
    """The engine's own count of delayed patients is independent of the recorded departure times:
    record them wrong and the validate command's Little's-law case fails."""
    from discharge_sim.model.hospital import Hospital

    config = load_config(BASELINE, {"run.days": 30, "run.warmup_days": 5})
    case = next(c for c in validation.cases(config, quick=True) if c.name == "littles_law")
    assert validation.simulate_case(case, 8, 0, 1) == pytest.approx(1.0, abs=1e-9)
    original = Hospital.depart_at

    def late(self, patient, departure):
        original(self, patient, departure)
        patient.departure = departure + 2.0  # the bed is freed on time; the record says two hours later

    monkeypatch.setattr(Hospital, "depart_at", late)
    ratio = validation.simulate_case(case, 8, 0, 1)
    assert not judge(case, [ratio], 8)["passed"]
