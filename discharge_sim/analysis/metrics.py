"""The scalar results of one replication, measured over the observation window [warm-up, horizon).

Intervals (a bed held, a delay segment, boarding) are clipped to the window, so bed-days are the
days that fell in it, as a monthly statistic counts the days in its month. Attribution is a
partition, so clipped segment hours still sum to the clipped total by owner, by kind and by code.
DToC-style counts take delayed patients at midnight, as the national statistic did.
"""

from __future__ import annotations

import math

import numpy as np

from discharge_sim.model.replication import ReplicationResult
from discharge_sim.vocabulary import (
    DAYS_PER_MONTH,
    DELAY_BANDS,
    DTOC_CODES,
    DTOC_UNCOUNTED,
    HOURS_PER_DAY,
    KINDS,
    ORGANISATIONS,
    OWNERS,
)


def overlap(start: np.ndarray, end: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Length of each [start, end) inside [lo, hi); NaN ends count as open (still going)."""
    end = np.where(np.isnan(end), hi, end)
    return np.clip(np.minimum(end, hi) - np.maximum(start, lo), 0.0, None)


def replication_metrics(r: ReplicationResult) -> dict[str, float]:
    """The scalar results of one replication, by name."""
    lo, hi = r.warmup_hours, r.horizon_hours
    window_days = (hi - lo) / HOURS_PER_DAY
    p = r.patients
    emergency = ~p["elective"]
    admitted = ~np.isnan(p["admitted"])
    in_window = (p["arrival"] >= lo) & (p["arrival"] < hi)
    m: dict[str, float] = {}
    m["emergency_arrivals"] = float(np.sum(emergency & in_window))
    m["elective_bookings"] = float(np.sum(p["elective"] & in_window))
    m["cancelled_electives"] = float(np.sum(p["cancelled"] & p["elective"] & in_window))
    lost = p["cancelled"] & emergency  # turned away when full (hospital.when_full: turn_away)
    if r.turns_away:
        m["emergencies_turned_away"] = float(np.sum(lost & in_window))
        m["turned_away_share"] = _ratio(m["emergencies_turned_away"], m["emergency_arrivals"])
    emergency = emergency & ~lost
    adm_in = admitted & (p["admitted"] >= lo) & (p["admitted"] < hi)
    m["admissions"] = float(np.sum(adm_in))
    dep = p["departure"]
    departed_in = ~np.isnan(dep) & (dep >= lo) & (dep < hi)
    m["discharges"] = float(np.sum(departed_in))
    occupied = overlap(p["admitted"][admitted], dep[admitted], lo, hi).sum() / (hi - lo)
    m["mean_occupied_beds"] = float(occupied)
    m["occupancy"] = float(occupied / r.beds)
    boarding = overlap(p["arrival"][emergency], p["admitted"][emergency], lo, hi)
    m["boarding_hours"] = float(boarding.sum())
    waited = emergency & in_window & (np.isnan(p["admitted"]) | (p["admitted"] > p["arrival"]))
    m["emergencies_boarded_share"] = _ratio(np.sum(waited), m["emergency_arrivals"])

    s = r.segments
    hours = overlap(s["start"], s["end"], lo, hi)
    total = hours.sum()
    m["delayed_bed_days"] = float(total / HOURS_PER_DAY)
    m["mean_delayed_beds"] = float(total / HOURS_PER_DAY / window_days)
    m["delayed_share_of_occupied_bed_days"] = _ratio(total / (hi - lo), occupied)
    if not math.isnan(r.bed_day_cost):
        m["delayed_bed_day_cost_gbp"] = m["delayed_bed_days"] * r.bed_day_cost
    m.update(r.money)
    _by_owner_and_kind(m, "delayed_bed_days", hours, s)
    for ki, kind in enumerate(KINDS):
        m[f"delayed_bed_days_kind_{kind}"] = float(hours[s["kind"] == ki].sum() / HOURS_PER_DAY)
    for ci, code in enumerate(DTOC_CODES):
        m[f"delayed_bed_days_dtoc_{code}"] = float(hours[s["dtoc"] == ci].sum() / HOURS_PER_DAY)
    for si, step in enumerate(r.step_names):
        m[f"delayed_bed_days_step_{step}"] = float(hours[s["step"] == si].sum() / HOURS_PER_DAY)
    _by_item(m, "delayed_bed_days", hours, s, r.item_names)

    # Before the delay: from becoming clinically ready to being found ready (declared at a board or
    # ward round), the hospital's, reported apart; with the delay, the NAO's "no longer benefiting".
    declared = ~np.isnan(p["clinically_ready"])
    pre = overlap(p["clinically_ready"][declared], p["ready"][declared], lo, hi).sum()
    m["pre_declaration_bed_days"] = float(pre / HOURS_PER_DAY)
    # Of which: waiting for rounds that could have found the patient ready but missed them (weekend
    # rounds are thinner), after the first round that could have.
    rounds = declared & ~np.isnan(p["first_round"])
    missed = overlap(p["first_round"][rounds], p["ready"][rounds], lo, hi).sum()
    m["pre_declaration_missed_round_bed_days"] = float(missed / HOURS_PER_DAY)
    m["no_longer_benefiting_bed_days"] = m["pre_declaration_bed_days"] + m["delayed_bed_days"]

    _dtoc_census(m, s, lo, hi)

    # The same split counting only hours after the ready date's midnight: national statistics
    # count delay in days past the discharge-ready date, so same-day hours are not "lost days".
    cutoff = (np.floor(p["ready"][s["patient"]] / HOURS_PER_DAY) + 1.0) * HOURS_PER_DAY
    late = overlap(np.maximum(s["start"], cutoff), s["end"], lo, hi)
    m["delayed_bed_days_after_ready_day"] = float(late.sum() / HOURS_PER_DAY)
    _by_owner_and_kind(m, "delayed_bed_days_after_ready_day", late, s)
    for ki, kind in enumerate(KINDS):
        m[f"delayed_bed_days_after_ready_day_kind_{kind}"] = float(late[s["kind"] == ki].sum() / HOURS_PER_DAY)
    _by_item(m, "delayed_bed_days_after_ready_day", late, s, r.item_names)

    # National-style delay lengths: whole days between the discharge-ready date and the
    # departure date, for patients who left in the window.
    days = delay_days(p["ready"][departed_in], dep[departed_in])
    delayed = days >= 1
    m["delayed_discharges"] = float(delayed.sum())
    m["delayed_discharge_share"] = _ratio(float(delayed.sum()), days.size)
    m["mean_delay_days_of_delayed"] = float(days[delayed].mean()) if delayed.any() else math.nan
    for label, a, b in DELAY_BANDS:
        m[f"delay_band_{label}_share"] = _ratio(float(np.sum((days >= a) & (days <= b))), float(delayed.sum()))
    m["mean_delay_hours_per_discharge"] = (
        float(np.mean(dep[departed_in] - p["ready"][departed_in])) if departed_in.any() else math.nan
    )
    return m


def _by_owner_and_kind(m: dict[str, float], prefix: str, hours: np.ndarray, s: dict[str, np.ndarray]) -> None:
    """``<prefix>_<owner>`` and ``<prefix>_<owner>_<kind>`` bed-days from per-segment hours."""
    for oi, owner in enumerate(OWNERS):
        own = s["owner"] == oi
        m[f"{prefix}_{owner}"] = float(hours[own].sum() / HOURS_PER_DAY)
        for ki, kind in enumerate(KINDS):
            m[f"{prefix}_{owner}_{kind}"] = float(hours[own & (s["kind"] == ki)].sum() / HOURS_PER_DAY)


def item_metric(prefix: str, item: str) -> str:
    """The metric of one item's delayed bed-days: ``<prefix>_item_<what>_<name>``."""
    return f"{prefix}_item_{item.replace(':', '_', 1)}"


def _by_item(m: dict[str, float], prefix: str, hours: np.ndarray, s: dict[str, np.ndarray],
             items: list[str]) -> None:
    """Bed-days charged to each item (a step's work, a staff team, a pool, the budget), necessary
    hours left out: conventions add these up by side."""
    avoidable = s["kind"] != KINDS.index("necessary")
    sums = np.bincount(s["item"][avoidable], weights=hours[avoidable], minlength=len(items))
    for i, item in enumerate(items):
        m[item_metric(prefix, item)] = float(sums[i] / HOURS_PER_DAY)


def _dtoc_census(m: dict[str, float], s: dict[str, np.ndarray], lo: float, hi: float) -> None:
    """DToC-style counts: a delayed day is a patient delayed at a midnight in the window, charged
    to the reason and organisation of the ledger segment under way at that midnight, as the
    national statistic counted delayed patients at midnight (so same-day hold-ups never count).

    Hospital-internal process (reason ``other``) was never a delayed transfer in the acute
    statistic: its days are left out of every total and share, and reported beside them
    (``dtoc_uncounted_days``)."""
    a = np.maximum(s["start"], lo) / HOURS_PER_DAY
    b = np.minimum(np.where(np.isnan(s["end"]), hi, s["end"]), hi) / HOURS_PER_DAY
    midnights = np.clip(np.ceil(b) - np.ceil(a), 0.0, None)
    uncounted = s["dtoc"] == DTOC_CODES.index(DTOC_UNCOUNTED)
    counted = midnights[~uncounted]
    total = float(counted.sum())
    months = (hi - lo) / HOURS_PER_DAY / DAYS_PER_MONTH
    m["dtoc_delayed_days"] = total
    m["dtoc_delayed_days_per_month"] = total / months
    m["dtoc_uncounted_days"] = float(midnights[uncounted].sum())
    m["dtoc_uncounted_days_per_month"] = m["dtoc_uncounted_days"] / months
    by_org = [s["organisation"] == oi for oi in range(len(ORGANISATIONS))]
    for oi, org in enumerate(ORGANISATIONS):
        m[f"dtoc_days_{org}"] = float(midnights[by_org[oi] & ~uncounted].sum())
    for ci, code in enumerate(DTOC_CODES):
        coded = s["dtoc"] == ci
        m[f"dtoc_days_{code}"] = float(midnights[coded].sum())
        for oi, org in enumerate(ORGANISATIONS):
            m[f"dtoc_days_{code}_{org}"] = float(midnights[coded & by_org[oi]].sum())
    for org in ORGANISATIONS:
        m[f"dtoc_share_{org}"] = _ratio(m[f"dtoc_days_{org}"], total)
    for code in DTOC_CODES:
        if code == DTOC_UNCOUNTED:
            continue
        m[f"dtoc_share_{code}"] = _ratio(m[f"dtoc_days_{code}"], total)
        for org in ORGANISATIONS:
            m[f"dtoc_share_{code}_{org}"] = _ratio(m[f"dtoc_days_{code}_{org}"], total)


def dtoc_metric(code: str, org: str) -> str:
    """The metric of one cell of the DToC table; ``total`` for a whole row or column."""
    if code == "total":
        return "dtoc_delayed_days" if org == "total" else f"dtoc_days_{org}"
    return f"dtoc_days_{code}" if org == "total" else f"dtoc_days_{code}_{org}"


def delay_days(ready: np.ndarray, departure: np.ndarray) -> np.ndarray:
    """Calendar days from the discharge-ready date to the departure date (0: left the same day)."""
    return (np.floor(departure / HOURS_PER_DAY) - np.floor(ready / HOURS_PER_DAY)).astype(np.int64)


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den else math.nan
