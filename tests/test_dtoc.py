"""DToC-style counting: patients delayed at midnight, by reason and responsible organisation."""

from __future__ import annotations

import math

import numpy as np

from discharge_sim.analysis.metrics import _dtoc_census, replication_metrics
from discharge_sim.analysis.statistics import summarise
from discharge_sim.analysis.tables import dtoc_table
from discharge_sim.model.replication import run_replication
from discharge_sim.vocabulary import DTOC_CODES, ORGANISATIONS

from .conftest import short_baseline


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
    _dtoc_census(m, s, lo=20.0, hi=180.0)
    assert m["dtoc_delayed_days"] == 7
    assert m["dtoc_days_E"] == 1 and m["dtoc_days_C"] == 1 and m["dtoc_days_A"] == 0 and m["dtoc_days_Di"] == 5
    assert m["dtoc_days_social_care"] == 6 and m["dtoc_days_nhs"] == 1 and m["dtoc_days_both"] == 0
    assert m["dtoc_days_Di_social_care"] == 5
    assert math.isclose(m["dtoc_share_social_care"], 6 / 7)
    months = (180.0 - 20.0) / 24.0 / (365.25 / 12)
    assert math.isclose(m["dtoc_delayed_days_per_month"], 7 / months)


def test_reason_and_organisation_cells_partition_the_total(short_run):
    m = replication_metrics(short_run)
    total = m["dtoc_delayed_days"]
    assert total > 0
    assert sum(m[f"dtoc_days_{o}"] for o in ORGANISATIONS) == total
    assert sum(m[f"dtoc_days_{c}"] for c in DTOC_CODES) == total
    assert sum(m[f"dtoc_days_{c}_{o}"] for c in DTOC_CODES for o in ORGANISATIONS) == total
    assert math.isclose(sum(m[f"dtoc_share_{c}"] for c in DTOC_CODES), 1.0)
    # A midnight count never exceeds the delayed bed-days by more than one day per delayed spell.
    assert total <= m["delayed_bed_days"] + np.unique(short_run.segments["patient"]).size


def test_owners_map_to_organisations_and_a_step_may_be_joint():
    config = short_baseline(days=90, warmup=20, **{"steps.family_choice.dtoc_organisation": "both"})
    m = replication_metrics(run_replication(config, 0, seed=4))
    assert m["dtoc_days_G_both"] == m["dtoc_days_G"] > 0      # declared joint
    assert m["dtoc_days_C_nhs"] == m["dtoc_days_C"] > 0       # nhs_community
    assert m["dtoc_days_E_social_care"] == m["dtoc_days_E"] > 0  # social_care
    assert m["dtoc_days_both"] == m["dtoc_days_G"]


def test_the_table_has_the_national_layout(short_runs):
    summary = summarise([replication_metrics(r) for r in short_runs])
    table = dtoc_table(summary, window_days=120.0)
    assert list(table["reason"]) == [*DTOC_CODES, "total"]
    total_row = list(table["reason"]).index("total")
    assert math.isclose(table["total_share"][total_row], 1.0)
    shares = sum(table[f"{o}_share"][total_row] for o in ORGANISATIONS)
    assert math.isclose(shares, 1.0)
    per_month = table["total_days_per_month"]
    assert math.isclose(per_month[:-1].sum(), per_month[-1])
