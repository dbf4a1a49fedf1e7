"""Money without a whole run: the council's annual budget on its own, demand surges, the policy table."""

from __future__ import annotations

import math

import numpy as np
import pytest
import simpy

from discharge_sim.analysis.policy import cost_per_bed_day_avoided, policy_table
from discharge_sim.config import CouncilBudget, EmergencySettings
from discharge_sim.model.budget import AnnualBudget
from discharge_sim.model.hospital import EmergencyRate, Surges
from discharge_sim.vocabulary import HOURS_PER_YEAR


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
