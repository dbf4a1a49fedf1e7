"""Money and the council's budget: the budget balances, its waits are in the ledger, spend is of
the simulated occupancy, and the counterfactual for social care lifts the budget too."""

from __future__ import annotations

import math

import numpy as np
import pytest
import simpy

from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.analysis.policy import cost_per_bed_day_avoided, policy_table
from discharge_sim.config import (
    ConfigError,
    CouncilBudget,
    EmergencySettings,
    apply_overrides,
    config_from_dict,
    config_to_dict,
    load_config,
)
from discharge_sim.model.budget import AnnualBudget
from discharge_sim.model.calendar import SessionTimes
from discharge_sim.model.hospital import EmergencyRate, Surges
from discharge_sim.model.replication import BUDGET_STEP, run_replication
from discharge_sim.model.variant import Variant
from discharge_sim.vocabulary import DTOC_CODES, HOURS_PER_YEAR

from .conftest import BASELINE

SHORT = {"run.days": 150, "run.warmup_days": 20, "finance.financial_year_starts_day": 30}


def _config(**overrides):
    return config_from_dict(apply_overrides(config_to_dict(load_config(BASELINE)), {**SHORT, **overrides}))


@pytest.fixture(scope="module")
def tight():
    """The baseline with a council budget far below the year's demand, so it is spent for months."""
    return _config(**{"finance.council_budget.annual_gbp": 12_000_000})


@pytest.fixture(scope="module")
def tight_result(tight):
    return run_replication(tight, 0, seed=5)


# --- the budget on its own -----------------------------------------------------------------------

def test_budget_pro_rata_first_year_then_full_years_and_waiting_in_order():
    env = simpy.Environment()
    budget = AnnualBudget(env, CouncilBudget(annual_gbp=365.0, pools=["p"]), year_starts_day=10)
    assert budget.remaining == pytest.approx(10.0)  # ten days of a 365-day year are left at time 0
    assert budget.approve(6.0) and not budget.approve(5.0)  # 4 left: the year's budget is spent
    assert not budget.approve(1.0)  # spent means spent, even for a request that would fit
    funded: list[tuple[str, float]] = []
    for name, cost in (("first", 300.0), ("second", 100.0), ("third", 1.0)):
        budget.wait(cost, lambda name=name: funded.append((name, env.now)))
    env.run(until=10 * 24.0 + 1)
    # The new year (day 10) funds the first in the queue; the second no longer fits, so the year
    # is spent again and the third, though cheap, waits behind it.
    assert funded == [("first", 240.0)]
    assert budget.remaining == pytest.approx(65.0)
    assert budget.spells == [(0.0, 240.0), (240.0, 240.0 + HOURS_PER_YEAR)]
    env.run(until=240.0 + HOURS_PER_YEAR + 1)
    assert [name for name, _ in funded] == ["first", "second", "third"]


def test_budget_never_negative_and_nothing_approved_while_spent(tight_result):
    approvals, spells = tight_result.budget_approvals, tight_result.budget_spells
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


def test_waiting_for_the_budget_is_social_care_capacity_coded_b_and_tiles_the_delay(tight_result):
    r = tight_result
    s = r.segments
    budget_rows = s["step"] == r.step_names.index(BUDGET_STEP)
    assert budget_rows.any()
    assert np.all(s["dtoc"][budget_rows] == DTOC_CODES.index("B"))
    # Waits for the budget end when a new financial year starts, or at the horizon.
    ends = s["end"][budget_rows]
    assert np.all(np.isclose(ends, 30 * 24.0) | np.isclose(ends, 30 * 24.0 + HOURS_PER_YEAR)
                  | np.isclose(ends, r.horizon_hours)), np.unique(ends)
    # The ledger still tiles every patient's delay exactly.
    p = r.patients
    end = np.where(np.isnan(p["departure"]), r.horizon_hours, p["departure"])
    ready = p["ready"]
    delayed = ~np.isnan(ready) & (ready < r.horizon_hours)
    totals = np.bincount(s["patient"], weights=s["end"] - s["start"], minlength=p["id"].size)
    np.testing.assert_allclose(totals[delayed], (end - ready)[delayed], atol=1e-6)


def test_tighter_eligibility_never_makes_anyone_wait_and_moves_cost_to_people(tight):
    tightened = config_from_dict(apply_overrides(config_to_dict(tight), {"finance.council_budget.when_spent": "tighten"}))
    waiting = replication_metrics(run_replication(tight, 0, seed=5))
    refusing = replication_metrics(run_replication(tightened, 0, seed=5))
    assert waiting[f"delayed_bed_days_step_{BUDGET_STEP}"] > 0
    assert refusing[f"delayed_bed_days_step_{BUDGET_STEP}"] == 0
    assert refusing["budget_refusals"] > 0 and waiting["budget_refusals"] == 0
    assert refusing["placement_spend_self_gbp"] > waiting["placement_spend_self_gbp"]
    assert refusing["delayed_bed_days_social_care"] < waiting["delayed_bed_days_social_care"]


@pytest.mark.parametrize("variant", [Variant(unlimited_budget=True),
                                     Variant(unlimited_owners=frozenset({"social_care"}))])
def test_the_counterfactuals_lift_the_budget(tight, variant):
    result = run_replication(tight, 0, seed=5, variant=variant)
    assert BUDGET_STEP not in result.step_names and len(result.budget_approvals) == 0
    assert result.money == {}  # spend is reported for the configured system only
    configured = replication_metrics(run_replication(tight, 0, seed=5))
    assert replication_metrics(result)["delayed_bed_days"] < configured["delayed_bed_days"]


# --- spend ---------------------------------------------------------------------------------------

def test_spend_is_the_simulated_occupancy_at_the_fees():
    config = _config()
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
    assert m["placement_spend_council_gbp"] == pytest.approx(council, rel=0.02)
    assert m["placement_spend_self_gbp"] == pytest.approx(people, rel=0.05)
    ic = config.pools["intermediate_care"]  # block contract: every place, used or not
    assert m["placement_spend_nhs_gbp"] == pytest.approx(ic.places * (hi - lo) * ic.weekly_cost_gbp / 168.0)
    assert m["delayed_bed_day_cost_gbp"] == pytest.approx(m["delayed_bed_days"] * 395.0)
    assert m["public_spend_gbp"] == pytest.approx(m["council_spend_gbp"] + m["nhs_spend_gbp"])


def test_staff_cost_follows_opening_hours():
    base = replication_metrics(run_replication(_config(), 0, seed=3))
    weekends = _config(**{"schedules.pharmacy": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                                                 "start_hour": 8.5, "end_hour": 19}]})
    seven = replication_metrics(run_replication(weekends, 0, seed=3))
    # Two weekend days a week go from 6 to 10.5 hours for 10 pharmacists at GBP 45 an hour.
    weeks = (150 - 20) / 7
    assert seven["staff_cost_nhs_gbp"] - base["staff_cost_nhs_gbp"] == pytest.approx(
        weeks * 2 * 4.5 * 10 * 45, rel=0.02)


def test_pooled_budget_shares_the_placement_spend():
    pooled = _config(**{"finance.council_budget": None, "finance.pooled_budget": {"nhs_share": 0.25}})
    m = replication_metrics(run_replication(pooled, 0, seed=3))
    assert m["placement_spend_nhs_gbp"] == pytest.approx(0.25 * m["placement_spend_pooled_gbp"])
    assert m["placement_spend_council_gbp"] == pytest.approx(0.75 * m["placement_spend_pooled_gbp"])
    assert "budget_spent_days" not in m


def test_a_config_without_finance_reports_no_money():
    plain = _config(**{"finance": None})
    m = replication_metrics(run_replication(plain, 0, seed=3))
    assert not any(key.endswith("_gbp") for key in m)


@pytest.mark.parametrize("overrides, words", [
    ({"finance.council_budget.pools": ["care_homes"]}, ["finance.council_budget.pools", "care_homes"]),
    ({"finance.council_budget.pools": ["intermediate_care"]}, ["intermediate_care", "'nhs'"]),
    ({"finance.pooled_budget": {"nhs_share": 0.5}}, ["pooled_budget", "council_budget"]),
    ({"emergency.surges": [{"start_day": 10, "days": 20, "factor": 1.1},
                           {"start_day": 25, "days": 5, "factor": 1.2}]}, ["surges overlap", "day 25"]),
    ({"pools.home_care.payer": "charity"}, ["pools.home_care.payer", "charity"]),
])
def test_finance_config_errors_name_the_field(overrides, words):
    with pytest.raises(ConfigError) as err:
        _config(**overrides)
    for word in words:
        assert word in str(err.value)


# --- demand surges and fortnightly sessions --------------------------------------------------------

def test_surge_extra_rate_inverts_and_adds_factor_minus_one_of_the_usual_rate():
    profile = [1, 1, 1, 1, 1, 0.5, 0.5]
    cfg = EmergencySettings(admissions_per_day=24, day_of_week_profile=profile,
                            surges=[{"start_day": 10.3, "days": 14, "factor": 1.5},
                                    {"start_day": 40, "days": 3, "factor": 0.5},
                                    {"start_day": 50, "days": 7, "factor": 2.0}])
    rate = EmergencyRate(cfg)
    surges = Surges(cfg, rate)
    for x in np.linspace(0.0, surges.levels[-1] - 1e-9, 97):
        assert surges.extra_cumulative_at(surges.extra_time_of(x)) == pytest.approx(x, abs=1e-9)
    assert surges.extra_time_of(surges.levels[-1] + 1.0) is None  # every surge over: no more extras
    a, b = 10.3 * 24, 24.3 * 24
    assert surges.levels[0] == pytest.approx(0.5 * (rate.cumulative_at(b) - rate.cumulative_at(a)))
    assert surges.factor(45 * 24.0) == 1.0 and surges.factor(41 * 24.0) == 0.5


def _emergencies(p):
    return p["arrival"][~p["elective"]]


def test_winter_surge_adds_ten_percent_emergencies_on_top_of_the_same_usual_ones():
    base = _config()
    surge = _config(**{"emergency.surges": [{"start_day": 60, "days": 56, "factor": 1.1}]})
    a = _emergencies(run_replication(base, 0, seed=9).patients)
    b = _emergencies(run_replication(surge, 0, seed=9).patients)
    # Every usual arrival is still there, at the same time, before, during and after the surge.
    assert np.isin(a, b).all()
    outside = (b < 60 * 24) | (b >= 116 * 24)
    np.testing.assert_array_equal(np.sort(b[outside]), np.sort(a[(a < 60 * 24) | (a >= 116 * 24)]))
    inside = ((a >= 60 * 24) & (a < 116 * 24)).sum()
    assert 1.07 < (~outside).sum() / inside < 1.13


def test_a_quiet_spell_keeps_a_share_of_the_usual_arrivals():
    base = _config()
    quiet = _config(**{"emergency.surges": [{"start_day": 30, "days": 60, "factor": 0.8}]})
    a = _emergencies(run_replication(base, 0, seed=9).patients)
    b = _emergencies(run_replication(quiet, 0, seed=9).patients)
    assert np.isin(b, a).all()  # a subset of the usual arrivals
    kept = ((b >= 30 * 24) & (b < 90 * 24)).sum() / ((a >= 30 * 24) & (a < 90 * 24)).sum()
    assert 0.76 < kept < 0.84
    np.testing.assert_array_equal(b[b >= 90 * 24], a[a >= 90 * 24])


def test_fortnightly_sessions_sit_every_other_week():
    weekly = SessionTimes([(1 * 24 + 14.0, 1.0)])
    fortnightly = SessionTimes([(1 * 24 + 14.0, 1.0)], every_weeks=2)
    assert weekly.first_success(200.0, 0.5) == 168 + 38.0
    assert fortnightly.first_success(200.0, 0.5) == 2 * 168 + 38.0
    assert fortnightly.first_success(10.0, 0.5) == 38.0


# --- the policy table ------------------------------------------------------------------------------

def _ci(mean, low, high):
    return {"n": 5.0, "mean": mean, "ci_low": low, "ci_high": high, "excludes_zero": float(low > 0 or high < 0)}


def test_cost_per_bed_day_avoided_only_for_a_clear_fall():
    clear = {"delayed_bed_days": _ci(-500.0, -700.0, -300.0), "public_spend_gbp": _ci(100_000.0, 50_000.0, 150_000.0)}
    assert cost_per_bed_day_avoided(clear) == pytest.approx(200.0)
    unclear = {"delayed_bed_days": _ci(-500.0, -900.0, 20.0), "public_spend_gbp": _ci(100_000.0, 0.0, 1.0)}
    assert math.isnan(cost_per_bed_day_avoided(unclear))
    assert math.isnan(cost_per_bed_day_avoided({"delayed_bed_days": clear["delayed_bed_days"]}))
    table = policy_table(["base", "a", "b"], [{}, clear, unclear],
                         [{"delayed_bed_days": _ci(1000.0, 900.0, 1100.0)}, {}, {}])
    assert list(table["scenario"]) == ["a", "b"]
    assert table["delayed_bed_days_baseline"][0] == 1000.0
    assert table["delayed_bed_days_difference"][0] == -500.0


def test_check_notes_a_surge_outside_the_measured_days(tmp_path, capsys):
    from discharge_sim.cli import main

    path = tmp_path / "late.yaml"
    path.write_text("extends: " + str(BASELINE) + "\nrun: {days: 120, warmup_days: 30}\n"
                    "emergency: {surges: [{start_day: 304, days: 84, factor: 1.1}]}\n")
    assert main(["check", str(path)]) == 0
    assert "the surge on days 304-388 lies outside the measured days 30-120" in capsys.readouterr().out


def test_an_unknown_step_key_is_explained_by_the_steps_type(tmp_path, capsys):
    from discharge_sim.cli import main

    path = tmp_path / "odd.yaml"
    path.write_text("extends: " + str(BASELINE) + "\nsteps: {medicines: {sessions: {every_weeks: 2}}}\n")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "steps.medicines.sessions: unknown key for a staffed step (sessions belongs to session steps)" in err
    assert "allowed here: dtoc_code, dtoc_organisation, duration, kind, owner, probability, staff, type" in err
