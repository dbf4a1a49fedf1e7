"""Settings named in words on figures: the dotted config key read as a reader would say it, with its unit."""

from __future__ import annotations

import pytest

from discharge_sim.present.labels import setting_label, setting_value


@pytest.mark.parametrize(("key", "words"), [
    ("pools.nursing_home.places", "Nursing home: places"),
    ("staff.pharmacists.count", "Staff team pharmacists: count"),
    ("hospital.beds", "Hospital: beds"),
    ("emergency.admissions_per_day", "Emergency: admissions per day"),
    ("steps.medicines.probability", "Medicines step: probability"),
    ("steps.home_support.search.mean_days", "Home support step: search, mean (days)"),
    ("steps.discharge_summary.duration.mean_hours", "Discharge summary step: duration, mean (hours)"),
    ("groups.older_medical.length_of_stay.mean_days", "Older medical patients: length of stay, mean (days)"),
    ("pools.home_care.weekly_cost_gbp", "Home care: weekly cost (GBP)"),
    ("run.days", "Run: days"),
])
def test_a_setting_key_in_words_with_its_unit(key, words):
    assert setting_label(key) == words


def test_a_setting_and_its_value():
    assert setting_value("staff.pharmacists.count", 8) == "Staff team pharmacists: count = 8"
