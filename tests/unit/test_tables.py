"""DToC-style counting of patients delayed at midnight, and the national table layout."""

from __future__ import annotations

import math

import numpy as np

from discharge_sim.analysis.metrics import _dtoc_census, dtoc_midnights, replication_metrics
from discharge_sim.analysis.statistics import summarise
from discharge_sim.analysis.tables import dtoc_table
from discharge_sim.vocabulary import DTOC_CODES, DTOC_UNCOUNTED, ORGANISATIONS


def segments(rows):
    cols = list(zip(*rows))
    return {
        "start": np.asarray(cols[0], dtype=float), "end": np.asarray(cols[1], dtype=float),
        "dtoc": np.asarray([DTOC_CODES.index(c) for c in cols[2]], dtype=np.int8),
        "organisation": np.asarray([ORGANISATIONS.index(o) for o in cols[3]], dtype=np.int8),
    }


def test_a_delayed_day_is_a_midnight_spent_delayed():
    s = segments([
        (10.0, 30.0, "E", "social_care"),   # crosses midnight 24: one day
        (24.0, 48.0, "C", "nhs"),           # from midnight 24 to midnight 48: 24 counts, 48 does not
        (50.0, 60.0, "A", "both"),          # same day: nothing
        (60.0, 200.0, "Di", "social_care"),  # midnights 72, 96, 120, 144, 168 (192 is past the window)
    ])
    m: dict[str, float] = {}
    _dtoc_census(m, dtoc_midnights(s, 20.0, 180.0), lo=20.0, hi=180.0)
    assert m["dtoc_delayed_days"] == 7
    assert m["dtoc_days_E"] == 1 and m["dtoc_days_C"] == 1 and m["dtoc_days_A"] == 0 and m["dtoc_days_Di"] == 5
    assert m["dtoc_days_social_care"] == 6 and m["dtoc_days_nhs"] == 1 and m["dtoc_days_both"] == 0
    assert m["dtoc_days_Di_social_care"] == 5
    assert math.isclose(m["dtoc_share_social_care"], 6 / 7)
    months = (180.0 - 20.0) / 24.0 / (365.25 / 12)
    assert math.isclose(m["dtoc_delayed_days_per_month"], 7 / months)


def test_the_table_has_the_national_layout(short_runs):
    summary = summarise([replication_metrics(r) for r in short_runs])
    table = dtoc_table(summary, window_days=120.0)
    counted = [c for c in DTOC_CODES if c != DTOC_UNCOUNTED]
    # The reasons the statistic counted, their total, then hospital-internal days outside it.
    assert list(table["reason"]) == [*counted, "total", DTOC_UNCOUNTED]
    total_row = list(table["reason"]).index("total")
    assert math.isclose(table["total_share"][total_row], 1.0)
    shares = sum(table[f"{o}_share"][total_row] for o in ORGANISATIONS)
    assert math.isclose(shares, 1.0)
    per_month = table["total_days_per_month"]
    assert per_month[total_row] > 0 and math.isclose(per_month[:total_row].sum(), per_month[total_row])
    months = 120.0 / (365.25 / 12)
    assert math.isclose(per_month[total_row], summary["dtoc_delayed_days"]["mean"] / months, rel_tol=1e-9)
    uncounted = list(table["reason"]).index(DTOC_UNCOUNTED)
    assert per_month[uncounted] > 0 and math.isnan(table["total_share"][uncounted])
    assert math.isclose(per_month[uncounted], summary["dtoc_uncounted_days"]["mean"] / months, rel_tol=1e-9)


def test_hours_open_each_day_match_a_day_by_day_count():
    from discharge_sim.analysis.tables import day_hours

    rng = np.random.default_rng(3)
    horizon = 24.0 * 9 + 7.5  # the last day is cut short
    starts = rng.uniform(-30.0, horizon + 10.0, 400)
    ends = starts + rng.exponential(40.0, 400)
    got = day_hours(starts, ends, 10, horizon)
    for day in range(10):
        lo, hi = day * 24.0, min((day + 1) * 24.0, horizon)
        want = np.clip(np.minimum(ends, hi) - np.maximum(starts, lo), 0.0, None).sum()
        assert math.isclose(got[day], want, rel_tol=1e-12), day
    # A day nothing touched is exactly zero, not a rounding residue.
    assert day_hours(np.array([5.0, 100.0]), np.array([30.0, 101.0]), 6, 144.0)[2] == 0.0
