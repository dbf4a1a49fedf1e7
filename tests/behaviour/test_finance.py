"""Money and the council's budget in whole runs: the budget balances, tighter eligibility moves cost
to people, spend is of the simulated occupancy, the counterfactual for social care lifts the
budget too, and surges add arrivals on top of the same usual ones."""

from __future__ import annotations

import numpy as np
import pytest

from discharge_sim.analysis.attribution import removal_variant
from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.analysis.sides import resolve
from discharge_sim.config import apply_overrides, config_from_dict, config_to_dict
from discharge_sim.model.replication import BUDGET_STEP, run_replication
from discharge_sim.model.variant import Variant
from discharge_sim.vocabulary import HOURS_PER_YEAR
from tests.helpers import finance_config


def test_budget_never_negative_and_nothing_approved_while_spent(tight_budget_run):
    approvals, spells = tight_budget_run.budget_approvals, tight_budget_run.budget_spells
    assert len(approvals) > 100 and len(spells) >= 1
    assert np.all(approvals[:, 2] >= 0.0)  # what is left after each approval
    for start, end in spells:
        inside = (approvals[:, 0] > start) & (approvals[:, 0] < end)
        assert not inside.any(), approvals[inside][:3]
    # Each year's approvals add up to no more than that year's budget (pro rata in the first).
    year_starts = np.asarray([30 * 24.0 + k * HOURS_PER_YEAR for k in range(-1, 2)])
    year = np.searchsorted(year_starts, approvals[:, 0], side="right")
    for y in np.unique(year):
        budget = 12_000_000 * (30 / 365 if y == 0 else 1.0)
        assert approvals[year == y, 1].sum() <= budget + 1e-6


def test_tighter_eligibility_never_makes_anyone_wait_and_moves_cost_to_people(tight_budget, tight_budget_run):
    tightened = config_from_dict(apply_overrides(config_to_dict(tight_budget),
                                                 {"finance.council_budget.when_spent": "tighten"}))
    waiting = replication_metrics(tight_budget_run)
    refusing = replication_metrics(run_replication(tightened, 0, seed=5))
    assert waiting[f"delayed_bed_days_step_{BUDGET_STEP}"] > 0
    assert refusing[f"delayed_bed_days_step_{BUDGET_STEP}"] == 0
    assert refusing["budget_refusals"] > 0 and waiting["budget_refusals"] == 0
    assert refusing["placement_spend_self_gbp"] > waiting["placement_spend_self_gbp"]
    assert refusing["delayed_bed_days_social_care"] < waiting["delayed_bed_days_social_care"]


@pytest.mark.parametrize("switches", [
    lambda config: Variant(unlimited_budget=True),
    lambda config: removal_variant(resolve(config, "symmetric"), frozenset({"social_care"})),
    lambda config: removal_variant(resolve(config, "owner"), frozenset({"social_care"})),
], ids=["unlimited budget", "social care removed (symmetric)", "social care removed (owner)"])
def test_the_counterfactuals_lift_the_budget(tight_budget, tight_budget_run, switches):
    variant = switches(tight_budget)
    assert variant.unlimited_budget  # the budget is social care's under both conventions
    result = run_replication(tight_budget, 0, seed=5, variant=variant)
    assert BUDGET_STEP not in result.step_names and len(result.budget_approvals) == 0
    assert result.money == {}  # spend is reported for the configured system only
    configured = replication_metrics(tight_budget_run)
    assert replication_metrics(result)["delayed_bed_days"] < configured["delayed_bed_days"]


def test_spend_is_the_simulated_occupancy_at_the_fees():
    config = finance_config()
    r = run_replication(config, 1, seed=3)
    m = replication_metrics(r)
    lo, hi = r.warmup_hours, r.horizon_hours
    days = r.pools_daily["day"]
    measured = (days * 24.0 >= lo) & (days * 24.0 < hi)
    council, people = 0.0, 0.0
    for name, pool in config.pools.items():
        mean_in_use = r.pools_daily[f"{name}_in_use"][measured].mean()
        if pool.contract == "block":
            continue
        if pool.paid_by == "council":
            expected = mean_in_use * (hi - lo) * pool.weekly_cost_gbp / 168.0
            council += expected * pool.funded_share
            people += expected * (1 - pool.funded_share)
    # Midnight counts of places in use, at the fees and funded shares, give the spend to ~1%.
    assert council > 0 and people > 0
    assert m["placement_spend_council_gbp"] == pytest.approx(council, rel=0.02)
    assert m["placement_spend_self_gbp"] == pytest.approx(people, rel=0.05)
    ic = config.pools["intermediate_care"]  # block contract: every place, used or not
    assert m["placement_spend_nhs_gbp"] == pytest.approx(ic.places * (hi - lo) * ic.weekly_cost_gbp / 168.0)
    assert m["delayed_bed_day_cost_gbp"] == pytest.approx(m["delayed_bed_days"] * 395.0)
    assert m["public_spend_gbp"] == pytest.approx(m["council_spend_gbp"] + m["nhs_spend_gbp"])


@pytest.mark.slow
def test_staff_cost_follows_opening_hours():
    base = replication_metrics(run_replication(finance_config(), 0, seed=3))
    weekends = finance_config(**{"schedules.pharmacy": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                                                         "start_hour": 8.5, "end_hour": 19}]})
    seven = replication_metrics(run_replication(weekends, 0, seed=3))
    # Two weekend days a week go from 6 to 10.5 hours for 10 pharmacists at GBP 45 an hour.
    weeks = (150 - 20) / 7
    assert seven["staff_cost_nhs_gbp"] - base["staff_cost_nhs_gbp"] == pytest.approx(
        weeks * 2 * 4.5 * 10 * 45, rel=0.02)


def test_pooled_budget_shares_the_placement_spend():
    pooled = finance_config(**{"finance.council_budget": None, "finance.pooled_budget": {"nhs_share": 0.25}})
    m = replication_metrics(run_replication(pooled, 0, seed=3))
    assert m["placement_spend_pooled_gbp"] > 0
    assert m["placement_spend_nhs_gbp"] == pytest.approx(0.25 * m["placement_spend_pooled_gbp"])
    assert m["placement_spend_council_gbp"] == pytest.approx(0.75 * m["placement_spend_pooled_gbp"])
    assert "budget_spent_days" not in m


def test_a_config_without_finance_reports_no_money():
    m = replication_metrics(run_replication(finance_config(**{"finance": None}), 0, seed=3))
    assert m["delayed_bed_days"] > 0 and not any(key.endswith("_gbp") for key in m)


# --- demand surges ---------------------------------------------------------------------------------

def _emergencies(p):
    return p["arrival"][~p["elective"]]


@pytest.fixture(scope="module")
def usual_arrivals() -> np.ndarray:
    """Emergency arrival times with no surge."""
    return _emergencies(run_replication(finance_config(), 0, seed=9).patients)


def test_winter_surge_adds_ten_percent_emergencies_on_top_of_the_same_usual_ones(usual_arrivals):
    a = usual_arrivals
    surge = finance_config(**{"emergency.surges": [{"start_day": 60, "days": 56, "factor": 1.1}]})
    b = _emergencies(run_replication(surge, 0, seed=9).patients)
    # Every usual arrival is still there, at the same time, before, during and after the surge.
    assert np.isin(a, b).all()
    outside = (b < 60 * 24) | (b >= 116 * 24)
    np.testing.assert_array_equal(np.sort(b[outside]), np.sort(a[(a < 60 * 24) | (a >= 116 * 24)]))
    inside = ((a >= 60 * 24) & (a < 116 * 24)).sum()
    assert 1.07 < (~outside).sum() / inside < 1.13


def test_a_quiet_spell_keeps_a_share_of_the_usual_arrivals(usual_arrivals):
    a = usual_arrivals
    quiet = finance_config(**{"emergency.surges": [{"start_day": 30, "days": 60, "factor": 0.8}]})
    b = _emergencies(run_replication(quiet, 0, seed=9).patients)
    assert np.isin(b, a).all()  # a subset of the usual arrivals
    kept = ((b >= 30 * 24) & (b < 90 * 24)).sum() / ((a >= 30 * 24) & (a < 90 * 24)).sum()
    assert 0.76 < kept < 0.84
    np.testing.assert_array_equal(b[b >= 90 * 24], a[a >= 90 * 24])
