"""The delay ledger of whole runs: every delayed hour belongs to exactly one segment, and the
totals by owner, kind, DToC code, organisation and step partition the total."""

from __future__ import annotations

import math

import numpy as np
import pytest

from discharge_sim.analysis.metrics import item_metric, replication_metrics
from discharge_sim.model.replication import BUDGET_STEP, run_replication
from discharge_sim.vocabulary import DTOC_CODES, DTOC_UNCOUNTED, HOURS_PER_YEAR, KINDS, ORGANISATIONS, OWNERS
from tests.helpers import assert_ledger_tiles, short_baseline


@pytest.mark.parametrize("run", ["short_run", "tight_budget_run"])
def test_segments_tile_each_delay_exactly(run, request):
    """Patient by patient: the first segment starts at ready, the last ends at departure (or the
    horizon), with no gap and no overlap; in the baseline and with waits for the council's budget."""
    assert_ledger_tiles(request.getfixturevalue(run), at_least=5000)


def test_waiting_for_the_budget_is_social_care_capacity_coded_b(tight_budget_run):
    r = tight_budget_run
    s = r.segments
    budget_rows = s["step"] == r.step_names.index(BUDGET_STEP)
    assert budget_rows.any()
    assert np.all(s["dtoc"][budget_rows] == DTOC_CODES.index("B"))
    assert np.all(s["owner"][budget_rows] == OWNERS.index("social_care"))
    # Waits for the budget end when a new financial year starts (day 30 here), or at the horizon.
    ends = s["end"][budget_rows]
    assert np.all(np.isclose(ends, 30 * 24.0) | np.isclose(ends, 30 * 24.0 + HOURS_PER_YEAR)
                  | np.isclose(ends, r.horizon_hours)), np.unique(ends)


def test_totals_by_owner_kind_and_code_sum_to_total(short_run):
    m = replication_metrics(short_run)
    total = m["delayed_bed_days"]
    assert total > 0
    assert math.isclose(sum(m[f"delayed_bed_days_{o}"] for o in OWNERS), total, rel_tol=1e-9)
    assert m["delayed_bed_days_kind_necessary"] > 0  # the baseline's transport has necessary hours
    assert math.isclose(sum(m[f"delayed_bed_days_kind_{k}"] for k in KINDS), total, rel_tol=1e-9)
    codes = [k for k in m if k.startswith("delayed_bed_days_dtoc_")]
    assert math.isclose(sum(m[k] for k in codes), total, rel_tol=1e-9)
    owner_kind = [f"delayed_bed_days_{o}_{k}" for o in OWNERS for k in KINDS]
    assert math.isclose(sum(m[k] for k in owner_kind), total, rel_tol=1e-9)
    # Items (necessary hours left out) and the necessary hours partition the total too.
    items = [item_metric("delayed_bed_days", item) for item in short_run.item_names]
    assert math.isclose(sum(m[k] for k in items) + m["delayed_bed_days_kind_necessary"], total, rel_tol=1e-9)


def test_step_and_after_ready_day_totals(short_run):
    """Per-step totals partition the total; the after-ready-day part is the hours past the ready
    date's midnight, recomputed here patient by patient from the raw ledger."""
    r = short_run
    m = replication_metrics(r)
    steps = [k for k in m if k.startswith("delayed_bed_days_step_")]
    assert len(steps) == len(r.step_names)
    assert math.isclose(sum(m[k] for k in steps), m["delayed_bed_days"], rel_tol=1e-9)
    lo, hi = r.warmup_hours, r.horizon_hours
    s = r.segments
    late = 0.0
    for pid, start, end in zip(s["patient"].tolist(), s["start"].tolist(), s["end"].tolist(), strict=True):
        midnight = (math.floor(r.patients["ready"][pid] / 24) + 1) * 24
        late += max(0.0, min(end, hi) - max(start, midnight, lo))
    assert math.isclose(m["delayed_bed_days_after_ready_day"], late / 24, rel_tol=1e-9)
    assert 0 < m["delayed_bed_days_after_ready_day"] < m["delayed_bed_days"]
    owners = sum(m[f"delayed_bed_days_after_ready_day_{o}"] for o in OWNERS)
    assert math.isclose(owners, m["delayed_bed_days_after_ready_day"], rel_tol=1e-9)


# --- DToC midnight counts ------------------------------------------------------------------------

def test_reason_and_organisation_cells_partition_the_total(short_run):
    """The counted total leaves out reason ``other`` (hospital-internal process, never a delayed
    transfer), which is reported beside it."""
    m = replication_metrics(short_run)
    total = m["dtoc_delayed_days"]
    counted = [c for c in DTOC_CODES if c != DTOC_UNCOUNTED]
    assert total > 0 and m["dtoc_uncounted_days"] > 0
    assert m["dtoc_uncounted_days"] == m[f"dtoc_days_{DTOC_UNCOUNTED}"]
    assert sum(m[f"dtoc_days_{o}"] for o in ORGANISATIONS) == total
    assert sum(m[f"dtoc_days_{c}"] for c in counted) == total
    assert sum(m[f"dtoc_days_{c}_{o}"] for c in counted for o in ORGANISATIONS) == total
    assert sum(m[f"dtoc_days_{DTOC_UNCOUNTED}_{o}"] for o in ORGANISATIONS) == m["dtoc_uncounted_days"]
    assert math.isclose(sum(m[f"dtoc_share_{c}"] for c in counted), 1.0)
    assert math.isclose(sum(m[f"dtoc_share_{c}_{o}"] for c in counted for o in ORGANISATIONS), 1.0)
    assert f"dtoc_share_{DTOC_UNCOUNTED}" not in m
    # A midnight count never exceeds the delayed bed-days by more than one day per delayed spell.
    assert total <= m["delayed_bed_days"] + np.unique(short_run.segments["patient"]).size


def test_owners_map_to_organisations_and_a_step_may_be_joint():
    config = short_baseline(days=90, warmup=20, **{"steps.family_choice.dtoc_organisation": "both"})
    m = replication_metrics(run_replication(config, 0, seed=4))
    assert m["dtoc_days_G_both"] == m["dtoc_days_G"] > 0      # declared joint
    assert m["dtoc_days_C_nhs"] == m["dtoc_days_C"] > 0       # nhs_community
    assert m["dtoc_days_E_social_care"] == m["dtoc_days_E"] > 0  # social_care
    assert m["dtoc_days_both"] == m["dtoc_days_G"]
