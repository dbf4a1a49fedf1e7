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
from collections.abc import Mapping, Sequence

from discharge_sim.config import Config, Pool
from discharge_sim.model.budget import AnnualBudget
from discharge_sim.model.placements import PlacementPool
from discharge_sim.model.staff import StaffTeam
from discharge_sim.vocabulary import HOURS_PER_DAY, HOURS_PER_WEEK, HOURS_PER_YEAR, council_metric


def replication_money(config: Config, pools: Mapping[str, PlacementPool], staff: Mapping[str, StaffTeam],
                      budgets: Sequence[AnnualBudget | None], window: tuple[float, float]) -> dict[str, float]:
    """Spend in the window by payer, how the council's budget fared and, with several councils, the
    same for each (``council.<name>.<metric>``); {} without finance. ``budgets``: per council, the
    budget approving its residents' places (the same one for all, or each its own)."""
    finance = config.finance
    if finance is None:
        return {}
    lo, hi = window
    placements = {"council": 0.0, "nhs": 0.0, "self": 0.0}
    for name, pool in pools.items():
        cfg = config.pools[name]
        hourly = cfg.weekly_cost_gbp / HOURS_PER_WEEK
        if cfg.contract == "block":  # every place the pool has, while it has it (a provider that left, no more)
            placements[cfg.paid_by] += _block_place_hours(cfg, window) * hourly
        else:
            placements[cfg.paid_by] += pool.funded_hours * hourly
            placements["self"] += pool.self_funded_hours * hourly
    staffing = {"council": 0.0, "nhs": 0.0}
    council_costs: dict[str, float] = {}
    """Per staff team, the council's part of its cost."""
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
        council_costs[name] = cost / 2 if team.organisation == "both" else (
            cost if team.organisation == "social_care" else 0.0)
        if team.organisation == "both":
            staffing["council"] += cost / 2
            staffing["nhs"] += cost / 2
        else:
            staffing["council" if team.organisation == "social_care" else "nhs"] += cost
    m: dict[str, float] = {}
    councils = list(config.councils)
    own = _by_council(config, pools, council_costs, window) if councils else {}
    council_placements = placements["council"]  # before a pooled fund shares it
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
        if year_end.council_budget_gbp is not None:  # else each council's own, added up below
            m.update(_council_position(year_end.council_budget_gbp * years, m["council_spend_gbp"],
                                       year_end.council_reserves_gbp))
        nhs_budget = year_end.nhs_budget_gbp * years
        m["nhs_year_budget_gbp"] = nhs_budget
        m["nhs_position_gbp"] = nhs_budget - m["nhs_spend_gbp"]
        m["nhs_deficit_carried_forward_gbp"] = year_end.nhs_deficit_brought_forward_gbp - m["nhs_position_gbp"]
    distinct = list({id(b): b for b in budgets if b is not None}.values())
    if distinct:
        m.update(_budget_record(distinct, window))
        m["budget_refusals"] = float(sum(pool.refused for pool in pools.values()))
    admissions = config.admission_shares() if councils else []
    for c, name in enumerate(councils):
        spend = own[name]
        placed = spend["placements"]
        if pooled is not None:  # the fund's council part, shared by each council's spend on places
            weight = placed / council_placements if council_placements else admissions[c]  # none: by admissions
            placed = placements["council"] * weight
        m[council_metric(name, "placement_spend_gbp")] = placed
        m[council_metric(name, "staff_cost_gbp")] = spend["staff"]
        m[council_metric(name, "council_spend_gbp")] = placed + spend["staff"]
        mine = budgets[c]
        if len(distinct) > 1 and mine is not None:  # each council its own budget
            m.update({council_metric(name, k): v for k, v in _budget_record([mine], window).items()})
        theirs = config.councils[name].year_end
        if theirs is not None:
            m.update({council_metric(name, k): v for k, v in _council_position(
                theirs.budget_gbp * years, placed + spend["staff"], theirs.reserves_gbp).items()})
    if councils and finance.year_end is not None and finance.year_end.council_budget_gbp is None:
        for k in ("council_year_budget_gbp", "council_position_gbp", "council_overspend_gbp",
                  "council_reserves_used_gbp", "council_unfunded_overspend_gbp", "council_reserves_left_gbp"):
            m[k] = sum(m[council_metric(name, k)] for name in councils)  # the councils' positions together
    return m



def _council_position(budget: float, spend: float, reserves: float) -> dict[str, float]:
    """A council's year-end position: budget less spend, the overspend, the reserves it uses and
    what they cannot cover, and the reserves left."""
    position = budget - spend
    overspend = max(0.0, -position)
    used = min(overspend, reserves)
    return {"council_year_budget_gbp": budget, "council_position_gbp": position, "council_overspend_gbp": overspend,
            "council_reserves_used_gbp": used, "council_unfunded_overspend_gbp": overspend - used,
            "council_reserves_left_gbp": reserves - used}


def _budget_record(budgets: Sequence[AnnualBudget], window: tuple[float, float]) -> dict[str, float]:
    """How the budgets fared in the window, together: approvals and their commitments, the days any
    was spent, who waits at the end and, where councils overspend, the commitments past each
    budget and the approvals made while rationing."""
    lo, hi = window
    approvals = [a for b in budgets for a in b.approvals if lo <= a[0] < hi]
    m = {"budget_approvals": float(len(approvals)), "budget_committed_gbp": sum(c for _, c, _ in approvals)}
    spells = sorted((max(a, lo), min(b, hi)) for budget in budgets for a, b in budget.spells if min(b, hi) > max(a, lo))
    covered, end = 0.0, -math.inf  # the union of the spells: days on which some budget was spent
    for a, b in spells:
        if b > end:
            covered += b - max(a, end)
            end = b
    m["budget_spent_days"] = covered / HOURS_PER_DAY
    m["budget_waiting_at_end"] = float(sum(b.queue_length for b in budgets))
    if any(b.overspends for b in budgets):  # commitments past the year's budget, and approvals made while rationing
        m["budget_overcommitted_gbp"] = float(sum(_overcommitted(approvals, lo, hi)))
        m["budget_rationed_approvals"] = float(sum(1 for _, cost, left in approvals if left + cost < 0))
    return m


def _by_council(config: Config, pools: Mapping[str, PlacementPool], council_costs: Mapping[str, float],
                window: tuple[float, float]) -> dict[str, dict[str, float]]:
    """Per council, what it pays for its residents' funded places (a block contract by its share of
    the pool's community referrals) and for staff: a team only its residents use is its own, a team
    several councils' residents use is shared by their shares of admissions."""
    names = list(config.councils)
    out = {name: {"placements": 0.0, "staff": 0.0} for name in names}
    for name, pool in pools.items():
        cfg = config.pools[name]
        if cfg.paid_by != "council":
            continue
        hourly = cfg.weekly_cost_gbp / HOURS_PER_WEEK
        if cfg.contract == "block":
            for c, share in zip(names, config.community_shares(name), strict=True):
                out[c]["placements"] += _block_place_hours(cfg, window) * hourly * share
        else:
            for c, hours in zip(names, pool.council_hours, strict=True):
                out[c]["placements"] += hours * hourly
    admissions = config.admission_shares()
    sets = [steps for _, steps in config.step_sets()]
    for team, cost in council_costs.items():
        users = [k for k, steps in enumerate(sets) if any(getattr(st, "staff", None) == team for st in steps.values())]
        weights = [admissions[k] if k in users else 0.0 for k in range(len(names))] if users else admissions
        total = sum(weights)
        for k, c in enumerate(names):
            out[c]["staff"] += cost * weights[k] / total if total else cost / len(names)
    return out


def _block_place_hours(cfg: Pool, window: tuple[float, float]) -> float:
    """Place-hours a block contract pays for in ``window``: every place the pool has, while it has
    it (the places of a provider that left, no more)."""
    lo, hi = window
    lost = sum(e.places * max(0.0, hi - max(lo, e.day * HOURS_PER_DAY)) for e in cfg.exits)
    return cfg.places * (hi - lo) - lost


def _overcommitted(approvals: list[tuple[float, float, float]], lo: float, hi: float) -> list[float]:
    """Of each approval in [lo, hi), the part committed past the year's budget (the overspend of the
    new-placement budget): all of it once the budget is below zero, the excess at the crossing."""
    return [min(cost, -left) for t, cost, left in approvals if lo <= t < hi and left < 0]
