"""Who pays: the money side of one replication, from the simulated occupancy and the config.

Placements cost their weekly fee for the hours they were held in the observation window (a spot
contract), or for every place whether used or not (a block contract); the payer is the pool's
(council or NHS) for funded places and the person for self-funders. Staff cost their hourly rate
for every hour of their schedule in the window, for every member rostered that day (present or
absent), paid by the NHS or the council according to the
team's organisation. With a pooled budget the NHS's and the council's placement spend come from
one fund, shared in the agreed proportion. The cost of delayed bed-days to the NHS is added in
:mod:`discharge_sim.analysis.metrics`, from the delay ledger.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from discharge_sim.config import Config
from discharge_sim.model.budget import AnnualBudget
from discharge_sim.model.placements import PlacementPool
from discharge_sim.model.staff import StaffTeam
from discharge_sim.vocabulary import HOURS_PER_DAY, HOURS_PER_WEEK, HOURS_PER_YEAR


def replication_money(config: Config, pools: Mapping[str, PlacementPool], staff: Mapping[str, StaffTeam],
                      budget: AnnualBudget | None, window: tuple[float, float]) -> dict[str, float]:
    """Spend in the window by payer, and how the council's budget fared; {} without finance."""
    finance = config.finance
    if finance is None:
        return {}
    lo, hi = window
    placements = {"council": 0.0, "nhs": 0.0, "self": 0.0}
    for name, pool in pools.items():
        cfg = config.pools[name]
        hourly = cfg.weekly_cost_gbp / HOURS_PER_WEEK
        if cfg.contract == "block":  # every place the pool has, while it has it (a provider that left, no more)
            lost = sum(e.places * max(0.0, hi - max(lo, e.day * HOURS_PER_DAY)) for e in cfg.exits)
            placements[cfg.paid_by] += (cfg.places * (hi - lo) - lost) * hourly
        else:
            placements[cfg.paid_by] += pool.funded_hours * hourly
            placements["self"] += pool.self_funded_hours * hourly
    staffing = {"council": 0.0, "nhs": 0.0}
    for name, team in staff.items():
        team_cfg = config.staff[name]
        if team_cfg.varies:  # paid for the members rostered each day, absent or not
            person_hours = 0.0
            for day in range(int(lo // HOURS_PER_DAY), math.ceil(hi / HOURS_PER_DAY)):
                a, b = max(lo, day * HOURS_PER_DAY), min(hi, (day + 1) * HOURS_PER_DAY)
                person_hours += team_cfg.rostered(day) * (team.hours.open_time(b) - team.hours.open_time(a))
        else:
            person_hours = team_cfg.count * (team.hours.open_time(hi) - team.hours.open_time(lo))
        cost = person_hours * team_cfg.hourly_cost_gbp
        if team.organisation == "both":
            staffing["council"] += cost / 2
            staffing["nhs"] += cost / 2
        else:
            staffing["council" if team.organisation == "social_care" else "nhs"] += cost
    m: dict[str, float] = {}
    pooled = finance.pooled_budget
    years = (hi - lo) / HOURS_PER_YEAR  # budgets are for 365 days, taken pro rata over the window
    if pooled is not None:
        fund = placements["council"] + placements["nhs"]
        m["placement_spend_pooled_gbp"] = fund
        within = fund if pooled.cap_gbp is None else min(fund, pooled.cap_gbp * years)
        over = fund - within  # past the cap: shared by the risk-share agreement
        risk = pooled.nhs_share if pooled.overspend_nhs_share is None else pooled.overspend_nhs_share
        placements["nhs"] = within * pooled.nhs_share + over * risk
        placements["council"] = fund - placements["nhs"]
        if pooled.cap_gbp is not None:
            m["pooled_cap_gbp"] = pooled.cap_gbp * years
            m["pooled_overspend_gbp"] = over
            m["pooled_overspend_nhs_gbp"] = over * risk
            m["pooled_overspend_council_gbp"] = over - over * risk
    m["placement_spend_council_gbp"] = placements["council"]
    m["placement_spend_nhs_gbp"] = placements["nhs"]
    m["placement_spend_self_gbp"] = placements["self"]
    m["staff_cost_council_gbp"] = staffing["council"]
    m["staff_cost_nhs_gbp"] = staffing["nhs"]
    m["council_spend_gbp"] = placements["council"] + staffing["council"]
    m["nhs_spend_gbp"] = placements["nhs"] + staffing["nhs"]
    m["public_spend_gbp"] = m["council_spend_gbp"] + m["nhs_spend_gbp"]
    year_end = finance.year_end
    if year_end is not None:  # each organisation's position: a council must balance, a trust may carry a deficit
        council_budget = year_end.council_budget_gbp * years
        m["council_year_budget_gbp"] = council_budget
        m["council_position_gbp"] = council_budget - m["council_spend_gbp"]
        overspend = max(0.0, -m["council_position_gbp"])
        m["council_overspend_gbp"] = overspend
        m["council_reserves_used_gbp"] = min(overspend, year_end.council_reserves_gbp)
        m["council_unfunded_overspend_gbp"] = overspend - m["council_reserves_used_gbp"]
        m["council_reserves_left_gbp"] = year_end.council_reserves_gbp - m["council_reserves_used_gbp"]
        nhs_budget = year_end.nhs_budget_gbp * years
        m["nhs_year_budget_gbp"] = nhs_budget
        m["nhs_position_gbp"] = nhs_budget - m["nhs_spend_gbp"]
        m["nhs_deficit_carried_forward_gbp"] = year_end.nhs_deficit_brought_forward_gbp - m["nhs_position_gbp"]
    if finance.council_budget is not None and budget is not None:
        m["budget_approvals"] = float(sum(1 for t, _, _ in budget.approvals if lo <= t < hi))
        m["budget_committed_gbp"] = sum(c for t, c, _ in budget.approvals if lo <= t < hi)
        m["budget_spent_days"] = sum(max(0.0, min(b, hi) - max(a, lo)) for a, b in budget.spells) / HOURS_PER_DAY
        m["budget_refusals"] = float(sum(pool.refused for pool in pools.values()))
        m["budget_waiting_at_end"] = float(budget.queue_length)
        if budget.overspends:  # commitments past the year's budget, and approvals made while rationing
            m["budget_overcommitted_gbp"] = float(sum(_overcommitted(budget.approvals, lo, hi)))
            m["budget_rationed_approvals"] = float(sum(1 for t, cost, left in budget.approvals
                                                       if lo <= t < hi and left + cost < 0))  # below zero before it
    return m


def _overcommitted(approvals: list[tuple[float, float, float]], lo: float, hi: float) -> list[float]:
    """Of each approval in [lo, hi), the part committed past the year's budget (the overspend of the
    new-placement budget): all of it once the budget is below zero, the excess at the crossing."""
    return [min(cost, -left) for t, cost, left in approvals if lo <= t < hi and left < 0]
