"""Tidy tables from replication results and summaries: a row per patient, per ledger segment, per
day of occupancy; the DToC table; compare.csv and points.csv. Pure functions, arrays in, arrays out."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from discharge_sim.analysis.metrics import LONG_STAYS, delay_days, dtoc_metric, require_records
from discharge_sim.model.replication import ReplicationResult
from discharge_sim.vocabulary import (
    DAYS_PER_MONTH,
    DTOC_CODES,
    DTOC_UNCOUNTED,
    HOURS_PER_DAY,
    KINDS,
    ORGANISATIONS,
    OWNERS,
)


def dtoc_table(summary: Mapping[str, Mapping[str, float]], window_days: float) -> dict[str, np.ndarray]:
    """The national statistic's layout from a run summary: a row per reason code (A to I), the
    total row, then ``other`` (hospital-internal days the statistic never counted, outside the
    total, with no share); per responsible organisation (NHS, Social care, Both) and in all, the
    mean delayed days per month with its 95% interval and the share of all counted delayed days."""
    months = window_days / DAYS_PER_MONTH
    total = summary.get("dtoc_delayed_days", {}).get("mean", math.nan)
    cols: dict[str, list[Any]] = {"reason": []}
    for org in (*ORGANISATIONS, "total"):
        for stat in ("days_per_month", "days_per_month_ci_low", "days_per_month_ci_high", "share"):
            cols[f"{org}_{stat}"] = []
    for code in (*(c for c in DTOC_CODES if c != DTOC_UNCOUNTED), "total", DTOC_UNCOUNTED):
        cols["reason"].append(code)
        for org in (*ORGANISATIONS, "total"):
            ci = summary.get(dtoc_metric(code, org), {})
            mean = ci.get("mean", math.nan)
            cols[f"{org}_days_per_month"].append(mean / months)
            cols[f"{org}_days_per_month_ci_low"].append(ci.get("ci_low", math.nan) / months)
            cols[f"{org}_days_per_month_ci_high"].append(ci.get("ci_high", math.nan) / months)
            counted = total and code != DTOC_UNCOUNTED
            cols[f"{org}_share"].append(mean / total if counted else math.nan)
    return {k: np.asarray(v, dtype=object if k == "reason" else float) for k, v in cols.items()}


def patient_table(r: ReplicationResult) -> dict[str, Any]:
    require_records(r)
    p = r.patients
    hi = r.horizon_hours
    dep = p["departure"]
    adm = p["admitted"]
    ready = p["ready"]
    status = np.where(
        p["cancelled"], np.where(p["elective"], "cancelled", "turned_away"),
        np.where(np.isnan(adm), np.where(p["elective"], "waiting_list", "boarding"),
                 np.where(~np.isnan(dep), np.where(p["died"], "died", "departed"),
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
        "clinically_ready_hours": p["clinically_ready"],
        "ready_hours": ready,
        "departure_hours": dep,
        "boarding_hours": boarding,
        "delay_hours": delay,
        "delay_days": np.where(days < 0, np.nan, days),
        "pre_declaration_hours": np.minimum(ready, hi) - np.minimum(p["clinically_ready"], hi),
        "escalated_hours": p["escalated_at"],
        "final_pathway": p["final_pathway"],
        "readmission_of": p["readmission_of"],
        "readmitted_hours": p["readmitted_at"],
        **({"council": np.asarray(r.council_names, dtype=object)[p["council"]] if p["id"].size
            else np.array([], dtype=object)} if "council" in p else {}),
        **{k: p[k] for k in p if k.startswith("assessments_") or k in ("repeated_assessment_hours",
                                                                        "assessing_organisations", "bounce_backs",
                                                                        "shared_assessment_hours_saved")},
    }


def segment_table(r: ReplicationResult) -> dict[str, Any]:
    require_records(r)
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
        "item": np.asarray(r.item_names, dtype=object)[s["item"]] if n else np.array([], dtype=object),
        "owner": np.asarray(OWNERS, dtype=object)[s["owner"]] if n else np.array([], dtype=object),
        "kind": np.asarray(KINDS, dtype=object)[s["kind"]] if n else np.array([], dtype=object),
        "dtoc_code": np.asarray(DTOC_CODES, dtype=object)[s["dtoc"]] if n else np.array([], dtype=object),
        "dtoc_organisation": (np.asarray(ORGANISATIONS, dtype=object)[s["organisation"]] if n
                              else np.array([], dtype=object)),
    }


def _day_edges(n_days: int, horizon: float) -> np.ndarray:
    return np.minimum(np.arange(n_days + 1) * HOURS_PER_DAY, horizon)


def day_hours(starts: np.ndarray, ends: np.ndarray, n_days: int, horizon: float) -> np.ndarray:
    """Hours that the intervals [start, end) were open in each day 0..n_days-1 (up to the horizon):
    the part-days at each end are added as they are and the whole days between them are counted,
    so a day no interval touched is exactly zero."""
    s = np.clip(starts, 0.0, horizon)
    e = np.clip(ends, 0.0, horizon)
    keep = e > s
    s, e = s[keep], e[keep]
    first = np.floor(s / HOURS_PER_DAY).astype(np.int64)
    last = np.floor(e / HOURS_PER_DAY).astype(np.int64)
    same = first == last
    hours = np.zeros(n_days + 1)
    hours += np.bincount(first[same], weights=e[same] - s[same], minlength=n_days + 1)
    a, b, sa, eb = first[~same], last[~same], s[~same], e[~same]
    hours += np.bincount(a, weights=(a + 1) * HOURS_PER_DAY - sa, minlength=n_days + 1)
    hours += np.bincount(b, weights=eb - b * HOURS_PER_DAY, minlength=n_days + 1)
    whole = np.bincount(a + 1, minlength=n_days + 2) - np.bincount(b, minlength=n_days + 2)
    hours += HOURS_PER_DAY * np.cumsum(whole)[: n_days + 1]
    return hours[:n_days]


def midnight_census(starts: np.ndarray, ends: np.ndarray, n_days: int) -> np.ndarray:
    """How many intervals [start, end) hold the midnight that starts each day 0..n_days-1."""
    first = np.clip(np.ceil(starts / HOURS_PER_DAY), 0, n_days).astype(np.int64)
    last = np.clip(np.ceil(ends / HOURS_PER_DAY), 0, n_days).astype(np.int64)
    keep = last > first
    change = np.bincount(first[keep], minlength=n_days + 1) - np.bincount(last[keep], minlength=n_days + 1)
    return np.cumsum(change)[:n_days].astype(float)


def occupancy_table(r: ReplicationResult) -> dict[str, Any]:
    """occupancy.csv's rows of one replication whose records were kept."""
    require_records(r)
    daily = DailyOccupancy(r.horizon_hours)
    daily.add(r.patients, r.segments)
    return daily.table(r)


class DailyOccupancy:
    """The daily series of occupancy.csv, accumulated block by block as patients' records leave
    the model (a :class:`~discharge_sim.model.records.RecordSink`): per series, the open-interval
    hours open in each day, which add over any grouping of the patients."""

    SERIES = ("beds_occupied", "delayed_patients_in_beds", "emergencies_boarding")
    COUNTS = ("nctr_patients_at_midnight", *(f"stays_{d}_plus_at_midnight" for d in LONG_STAYS), "discharges",
              "nctr_discharges", "electives_waiting_at_midnight")
    """Counted, not averaged: patients found ready (no criteria to reside) still in a bed, and
    stays of 7, 14 and 21 days or more, at the midnight that starts each day; discharges in the
    day, and those of patients found ready; electives booked and not yet admitted at midnight."""

    def __init__(self, horizon_hours: float):
        self.horizon = horizon_hours
        self.n_days = math.ceil(horizon_hours / HOURS_PER_DAY)
        self.widths = np.diff(_day_edges(self.n_days, horizon_hours))
        self.hours = {name: np.zeros(self.n_days) for name in self.SERIES}
        self.counts = {name: np.zeros(self.n_days) for name in self.COUNTS}

    def add(self, p: dict[str, np.ndarray], _segments: dict[str, np.ndarray]) -> None:
        hi = self.horizon
        adm = ~np.isnan(p["admitted"])
        dep = np.where(np.isnan(p["departure"]), hi, p["departure"])
        ready = ~np.isnan(p["ready"]) & (p["ready"] < hi)
        emergency = ~p["elective"] & ~p["cancelled"]
        until_admitted = np.where(np.isnan(p["admitted"]), hi, p["admitted"])
        for name, starts, ends in (
            ("beds_occupied", p["admitted"][adm], dep[adm]),
            ("delayed_patients_in_beds", p["ready"][ready], dep[ready]),
            ("emergencies_boarding", p["arrival"][emergency], until_admitted[emergency]),
        ):
            self.hours[name] += day_hours(starts, ends, self.n_days, hi)
        self.counts["nctr_patients_at_midnight"] += midnight_census(p["ready"][ready & adm], dep[ready & adm],
                                                                    self.n_days)
        for days in LONG_STAYS:
            self.counts[f"stays_{days}_plus_at_midnight"] += midnight_census(
                p["admitted"][adm] + days * HOURS_PER_DAY, dep[adm], self.n_days)
        left = ~np.isnan(p["departure"]) & ~p["died"]  # discharged alive: deaths are not discharges
        day = np.floor(p["departure"][left] / HOURS_PER_DAY).astype(np.int64)
        self.counts["discharges"] += np.bincount(day, minlength=self.n_days)[: self.n_days]
        found = ~np.isnan(p["ready"][left])
        self.counts["nctr_discharges"] += np.bincount(day[found], minlength=self.n_days)[: self.n_days]
        booked = p["elective"] & ~p["cancelled"]
        self.counts["electives_waiting_at_midnight"] += midnight_census(
            p["arrival"][booked], until_admitted[booked], self.n_days)

    def table(self, r: ReplicationResult) -> dict[str, Any]:
        """The rows, with the pools' midnight counts that ``r`` recorded."""
        n_days = self.n_days
        table: dict[str, Any] = {"replication": np.full(n_days, r.replication), "day": np.arange(n_days)}
        for name in self.SERIES:
            table[name] = self.hours[name] / self.widths
        table["occupancy"] = table["beds_occupied"] / r.beds
        table.update(self.counts)
        for name in r.pool_names:
            for suffix in ("in_use", "queue"):
                column = r.pools_daily[f"{name}_{suffix}"]
                values = np.full(n_days, np.nan)
                values[: min(n_days, column.size)] = column[:n_days]
                table[f"{name}_{suffix}_at_midnight"] = values
        return table


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
