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
from discharge_sim.vocabulary import HOURS_PER_DAY, HOURS_PER_WEEK


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
    if pooled is not None:
        fund = placements["council"] + placements["nhs"]
        m["placement_spend_pooled_gbp"] = fund
        placements["nhs"] = fund * pooled.nhs_share
        placements["council"] = fund - placements["nhs"]
    m["placement_spend_council_gbp"] = placements["council"]
    m["placement_spend_nhs_gbp"] = placements["nhs"]
    m["placement_spend_self_gbp"] = placements["self"]
    m["staff_cost_council_gbp"] = staffing["council"]
    m["staff_cost_nhs_gbp"] = staffing["nhs"]
    m["council_spend_gbp"] = placements["council"] + staffing["council"]
    m["nhs_spend_gbp"] = placements["nhs"] + staffing["nhs"]
    m["public_spend_gbp"] = m["council_spend_gbp"] + m["nhs_spend_gbp"]
    if finance.council_budget is not None and budget is not None:
        m["budget_approvals"] = float(sum(1 for t, _, _ in budget.approvals if lo <= t < hi))
        m["budget_committed_gbp"] = sum(c for t, c, _ in budget.approvals if lo <= t < hi)
        m["budget_spent_days"] = sum(max(0.0, min(b, hi) - max(a, lo)) for a, b in budget.spells) / HOURS_PER_DAY
        m["budget_refusals"] = float(sum(pool.refused for pool in pools.values()))
        m["budget_waiting_at_end"] = float(budget.queue_length)
    return m
