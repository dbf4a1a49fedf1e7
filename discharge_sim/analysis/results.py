"""Tables and summaries from replication results: pure functions, arrays in, arrays out.

Every metric is measured over the observation window [warm-up, horizon): intervals (a bed held,
a delay segment, boarding) are clipped to it, so bed-days are the days that fell in the window,
as a monthly statistic counts the days in its month. Attribution is a partition, so clipped
segment hours still sum to the clipped total by owner, by kind and by code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy.special import stdtrit  # Student t quantile; scipy.stats takes a second to import

from discharge_sim.model.replication import ReplicationResult
from discharge_sim.vocabulary import (
    DAYS_PER_MONTH,
    DELAY_BANDS,
    DTOC_CODES,
    HOURS_PER_DAY,
    KINDS,
    ORGANISATIONS,
    OWNERS,
)

ORGANISATION_NAMES = {"nhs": "NHS", "social_care": "Social care", "both": "Both"}
HEADLINE: tuple[tuple[str, str], ...] = (
    ("delayed_bed_days_hospital", "Hospital-internal (administration and hospital staff)"),
    ("delayed_bed_days_social_care_capacity", "Social-care capacity (places, staff)"),
    ("delayed_bed_days_social_care_process", "Social-care process (assessment, panels)"),
    ("delayed_bed_days_nhs_community", "NHS community (intermediate care, equipment)"),
    ("delayed_bed_days_patient_family", "Patient or family"),
    ("delayed_bed_days_other", "Other"),
    ("delayed_bed_days", "Total delayed bed-days"),
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

    _dtoc_census(m, s, lo, hi)

    # The same split counting only hours after the ready date's midnight: national statistics
    # count delay in days past the discharge-ready date, so same-day hours are not "lost days".
    cutoff = (np.floor(p["ready"][s["patient"]] / HOURS_PER_DAY) + 1.0) * HOURS_PER_DAY
    late = overlap(np.maximum(s["start"], cutoff), s["end"], lo, hi)
    m["delayed_bed_days_after_ready_day"] = float(late.sum() / HOURS_PER_DAY)
    _by_owner_and_kind(m, "delayed_bed_days_after_ready_day", late, s)

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


def _dtoc_census(m: dict[str, float], s: dict[str, np.ndarray], lo: float, hi: float) -> None:
    """DToC-style counts: a delayed day is a patient delayed at a midnight in the window, charged
    to the reason and organisation of the ledger segment under way at that midnight, as the
    national statistic counted delayed patients at midnight (so same-day hold-ups never count)."""
    a = np.maximum(s["start"], lo) / HOURS_PER_DAY
    b = np.minimum(np.where(np.isnan(s["end"]), hi, s["end"]), hi) / HOURS_PER_DAY
    midnights = np.clip(np.ceil(b) - np.ceil(a), 0.0, None)
    total = float(midnights.sum())
    months = (hi - lo) / HOURS_PER_DAY / DAYS_PER_MONTH
    m["dtoc_delayed_days"] = total
    m["dtoc_delayed_days_per_month"] = total / months
    by_org = [s["organisation"] == oi for oi in range(len(ORGANISATIONS))]
    for oi, org in enumerate(ORGANISATIONS):
        m[f"dtoc_days_{org}"] = float(midnights[by_org[oi]].sum())
    for ci, code in enumerate(DTOC_CODES):
        coded = s["dtoc"] == ci
        m[f"dtoc_days_{code}"] = float(midnights[coded].sum())
        for oi, org in enumerate(ORGANISATIONS):
            m[f"dtoc_days_{code}_{org}"] = float(midnights[coded & by_org[oi]].sum())
    for org in ORGANISATIONS:
        m[f"dtoc_share_{org}"] = _ratio(m[f"dtoc_days_{org}"], total)
    for code in DTOC_CODES:
        m[f"dtoc_share_{code}"] = _ratio(m[f"dtoc_days_{code}"], total)


def dtoc_metric(code: str, org: str) -> str:
    """The metric of one cell of the DToC table; ``total`` for a whole row or column."""
    if code == "total":
        return "dtoc_delayed_days" if org == "total" else f"dtoc_days_{org}"
    return f"dtoc_days_{code}" if org == "total" else f"dtoc_days_{code}_{org}"


def dtoc_table(summary: Mapping[str, Mapping[str, float]], window_days: float) -> dict[str, np.ndarray]:
    """The national statistic's layout from a run summary: a row per reason code (A to I, other)
    and a total row; per responsible organisation (NHS, Social care, Both) and in all, the mean
    delayed days per month with its 95% interval and the share of all delayed days."""
    months = window_days / DAYS_PER_MONTH
    total = summary.get("dtoc_delayed_days", {}).get("mean", math.nan)
    cols: dict[str, list[Any]] = {"reason": []}
    for org in (*ORGANISATIONS, "total"):
        for stat in ("days_per_month", "days_per_month_ci_low", "days_per_month_ci_high", "share"):
            cols[f"{org}_{stat}"] = []
    for code in (*DTOC_CODES, "total"):
        cols["reason"].append(code)
        for org in (*ORGANISATIONS, "total"):
            ci = summary.get(dtoc_metric(code, org), {})
            mean = ci.get("mean", math.nan)
            cols[f"{org}_days_per_month"].append(mean / months)
            cols[f"{org}_days_per_month_ci_low"].append(ci.get("ci_low", math.nan) / months)
            cols[f"{org}_days_per_month_ci_high"].append(ci.get("ci_high", math.nan) / months)
            cols[f"{org}_share"].append(mean / total if total else math.nan)
    return {k: np.asarray(v, dtype=object if k == "reason" else float) for k, v in cols.items()}


def delay_days(ready: np.ndarray, departure: np.ndarray) -> np.ndarray:
    """Calendar days from the discharge-ready date to the departure date (0: left the same day)."""
    return (np.floor(departure / HOURS_PER_DAY) - np.floor(ready / HOURS_PER_DAY)).astype(np.int64)


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den else math.nan


# --- across replications ----------------------------------------------------------------------

def t_interval(values: Sequence[float], level: float = 0.95) -> dict[str, float]:
    """Mean, sd and the two-sided t confidence interval of the mean."""
    x = np.asarray([v for v in values if not math.isnan(v)], dtype=float)
    n = x.size
    out = {"n": float(n), "mean": math.nan, "sd": math.nan, "ci_low": math.nan,
           "ci_high": math.nan, "half_width": math.nan}
    if n == 0:
        return out
    mean = float(x.mean())
    out["mean"] = mean
    if n > 1:
        sd = float(x.std(ddof=1))
        half = float(stdtrit(n - 1, 0.5 + level / 2.0) * sd / math.sqrt(n))
        out.update(sd=sd, ci_low=mean - half, ci_high=mean + half, half_width=half)
    return out


def summarise(rows: Sequence[Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """Per metric: mean, sd and 95% t-interval across replications."""
    if not rows:
        return {}
    return {name: t_interval([row[name] for row in rows]) for name in rows[0]}


# --- tidy tables ----------------------------------------------------------------------------

def patient_table(r: ReplicationResult) -> dict[str, Any]:
    p = r.patients
    hi = r.horizon_hours
    dep = p["departure"]
    adm = p["admitted"]
    ready = p["ready"]
    status = np.where(
        p["cancelled"], np.where(p["elective"], "cancelled", "turned_away"),
        np.where(np.isnan(adm), "boarding",
                 np.where(~np.isnan(dep), "departed",
                          np.where(np.isnan(ready) | (ready >= hi), "acute", "delayed_in_bed"))),
    )
    end = np.where(np.isnan(dep), hi, dep)
    delay = np.where(np.isnan(ready) | (ready >= hi), np.nan, end - ready)
    boarding = np.where(p["elective"], 0.0, np.where(np.isnan(adm), hi, adm) - p["arrival"])
    boarding = np.where(p["cancelled"], np.nan, boarding)
    days = np.where(np.isnan(dep), -1, delay_days(np.nan_to_num(ready), np.nan_to_num(dep)))
    return {
        "replication": np.full(p["id"].size, r.replication),
        "patient": p["id"],
        "group": np.asarray(r.group_names, dtype=object)[p["group"]] if p["id"].size else np.array([], dtype=object),
        "admission": np.where(p["elective"], "elective", "emergency"),
        "pathway": p["pathway"],
        "status": status,
        "arrival_hours": p["arrival"],
        "admitted_hours": adm,
        "ready_hours": ready,
        "departure_hours": dep,
        "boarding_hours": boarding,
        "delay_hours": delay,
        "delay_days": np.where(days < 0, np.nan, days),
    }


def segment_table(r: ReplicationResult) -> dict[str, Any]:
    s = r.segments
    steps = np.asarray(r.step_names, dtype=object)
    n = s["patient"].size
    return {
        "replication": np.full(n, r.replication),
        "patient": s["patient"],
        "start_hours": s["start"],
        "end_hours": s["end"],
        "hours": s["end"] - s["start"],
        "step": steps[s["step"]] if n else np.array([], dtype=object),
        "owner": np.asarray(OWNERS, dtype=object)[s["owner"]] if n else np.array([], dtype=object),
        "kind": np.asarray(KINDS, dtype=object)[s["kind"]] if n else np.array([], dtype=object),
        "dtoc_code": np.asarray(DTOC_CODES, dtype=object)[s["dtoc"]] if n else np.array([], dtype=object),
        "dtoc_organisation": (np.asarray(ORGANISATIONS, dtype=object)[s["organisation"]] if n
                              else np.array([], dtype=object)),
    }


def daily_average(starts: np.ndarray, ends: np.ndarray, n_days: int, horizon: float | None = None) -> np.ndarray:
    """Time-average number of intervals [start, end) open during each day 0..n_days-1.

    With ``horizon``, the last day is averaged over the hours up to the horizon only.
    """
    edges = np.arange(n_days + 1) * HOURS_PER_DAY
    if horizon is not None:
        edges = np.minimum(edges, horizon)
    integral = _open_integral(starts, edges) - _open_integral(ends, edges)
    return np.diff(integral) / np.diff(edges)


def _open_integral(points: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """sum over points p < x of (x - p), at each edge x."""
    points = np.sort(points)
    cumulative = np.concatenate([[0.0], np.cumsum(points)])
    k = np.searchsorted(points, edges, side="left")
    return k * edges - cumulative[k]


def occupancy_table(r: ReplicationResult) -> dict[str, Any]:
    n_days = math.ceil(r.horizon_hours / HOURS_PER_DAY)
    hi = r.horizon_hours
    p = r.patients
    adm = ~np.isnan(p["admitted"])
    dep = np.where(np.isnan(p["departure"]), hi, p["departure"])
    ready = ~np.isnan(p["ready"]) & (p["ready"] < hi)
    emergency = ~p["elective"] & ~p["cancelled"]
    board_end = np.where(np.isnan(p["admitted"]), hi, p["admitted"])
    table: dict[str, Any] = {
        "replication": np.full(n_days, r.replication),
        "day": np.arange(n_days),
        "beds_occupied": daily_average(p["admitted"][adm], dep[adm], n_days, hi),
        "delayed_patients_in_beds": daily_average(p["ready"][ready], dep[ready], n_days, hi),
        "emergencies_boarding": daily_average(p["arrival"][emergency], board_end[emergency], n_days, hi),
    }
    table["occupancy"] = table["beds_occupied"] / r.beds
    for name in r.pool_names:
        for suffix in ("in_use", "queue"):
            column = r.pools_daily[f"{name}_{suffix}"]
            values = np.full(n_days, np.nan)
            values[: min(n_days, column.size)] = column[:n_days]
            table[f"{name}_{suffix}_at_midnight"] = values
    return table


# --- comparisons ------------------------------------------------------------------------------

def paired_differences(base: Sequence[Mapping[str, float]],
                       other: Sequence[Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """Per metric, ``other - base`` replication by replication (common random numbers), with the
    95% t-interval of the mean difference and whether it excludes zero (1.0) or not (0.0)."""
    names = [name for name in base[0] if name in other[0]] if base and other else []
    out = {}
    for name in names:
        ci = t_interval([o[name] - b[name] for b, o in zip(base, other, strict=True)])
        ci["excludes_zero"] = float(ci["ci_low"] > 0 or ci["ci_high"] < 0)
        out[name] = ci
    return out


def metric_names(rows_by_scenario: Sequence[Sequence[Mapping[str, float]]]) -> list[str]:
    """Every metric any scenario has, in order of first appearance."""
    names: dict[str, None] = {}
    for rows in rows_by_scenario:
        for row in rows[:1]:
            names.update(dict.fromkeys(row))
    return list(names)


def comparison_table(labels: Sequence[str], summaries: Sequence[Mapping[str, Mapping[str, float]]],
                     differences: Sequence[Mapping[str, Mapping[str, float]]]) -> dict[str, np.ndarray]:
    """compare.csv: a row per metric and config; the difference columns are against the first
    config (empty on its own rows)."""
    names = list(dict.fromkeys(name for s in summaries for name in s))
    cols: dict[str, list[Any]] = {k: [] for k in (
        "metric", "config", "n", "mean", "sd", "ci_low", "ci_high",
        "difference", "difference_ci_low", "difference_ci_high", "difference_excludes_zero")}
    nan = math.nan
    for name in names:
        for i, label in enumerate(labels):
            s = summaries[i].get(name, {})
            d = differences[i].get(name, {}) if i else {}
            cols["metric"].append(name)
            cols["config"].append(label)
            cols["n"].append(int(s.get("n", 0)))
            for key in ("mean", "sd", "ci_low", "ci_high"):
                cols[key].append(s.get(key, nan))
            cols["difference"].append(d.get("mean", nan))
            cols["difference_ci_low"].append(d.get("ci_low", nan))
            cols["difference_ci_high"].append(d.get("ci_high", nan))
            cols["difference_excludes_zero"].append("" if not d else ("yes" if d["excludes_zero"] else "no"))
    return {k: np.asarray(v, dtype=float if k in FLOAT_COLUMNS else object) for k, v in cols.items()}


FLOAT_COLUMNS = frozenset({"mean", "sd", "ci_low", "ci_high", "difference", "difference_ci_low", "difference_ci_high"})


def points_table(settings: Sequence[Sequence[tuple[str, Any]]],
                 summaries: Sequence[Mapping[str, Mapping[str, float]]]) -> dict[str, np.ndarray]:
    """points.csv: a row per sweep point: its settings, then mean and 95% interval of every metric."""
    cols: dict[str, np.ndarray] = {"point": np.arange(len(settings))}
    for key, _ in settings[0] if settings else ():
        cols[key] = np.asarray([dict(s)[key] for s in settings], dtype=object)
    cols["n"] = np.asarray([int(next(iter(s.values()))["n"]) if s else 0 for s in summaries])
    for name in list(dict.fromkeys(n for s in summaries for n in s)):
        for stat in ("mean", "ci_low", "ci_high"):
            cols[f"{name}_{stat}"] = np.asarray([s.get(name, {}).get(stat, math.nan) for s in summaries], dtype=float)
    return cols
