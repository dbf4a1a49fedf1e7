"""The scalar results of one replication, measured over the observation window [warm-up, horizon).

Intervals (a bed held, a delay segment, boarding) are clipped to the window, so bed-days are the
days that fell in it, as a monthly statistic counts the days in its month. Attribution is a
partition, so clipped segment hours still sum to the clipped total by owner, by kind and by code.
DToC-style counts take delayed patients at midnight, as the national statistic did.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from discharge_sim.model.replication import ReplicationResult
from discharge_sim.vocabulary import (
    ASSESSORS,
    DAYS_PER_MONTH,
    DELAY_BANDS,
    DTOC_CODES,
    DTOC_UNCOUNTED,
    HOURS_PER_DAY,
    HOURS_PER_WEEK,
    KINDS,
    ORGANISATIONS,
    OWNERS,
    council_metric,
)


def overlap(start: np.ndarray, end: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Length of each [start, end) inside [lo, hi); NaN ends count as open (still going)."""
    end = np.where(np.isnan(end), hi, end)
    return np.clip(np.minimum(end, hi) - np.maximum(start, lo), 0.0, None)


def replication_metrics(r: ReplicationResult) -> dict[str, float]:
    """The scalar results of one replication whose records were kept, by name."""
    require_records(r)
    totals = ReplicationTotals(r.warmup_hours, r.horizon_hours)
    totals.add(r.patients, r.segments)
    return totals.metrics(r)


def require_records(r: ReplicationResult) -> None:
    """Refuse a replication run without its records kept: its tables are empty, and anything
    computed from them would be zero, not the replication's."""
    if not r.kept:
        raise ValueError("this replication was run without keeping its records (keep=False): pass sinks to "
                         "run_replication to accumulate what is needed, or run it with keep=True")


class ReplicationTotals:
    """The sums behind every metric, accumulated block by block as patients' records leave the
    model (a :class:`~discharge_sim.model.records.RecordSink`), so a replication's metrics need
    none of its records kept. Every metric is a sum over patients or segments, or a ratio of such
    sums; adding blocks in another grouping changes a sum only by floating-point rounding."""

    def __init__(self, warmup_hours: float, horizon_hours: float):
        self.lo, self.hi = warmup_hours, horizon_hours
        self.count: dict[str, float] = {}
        """Patient counts and hours (see :meth:`_add_patients`)."""
        self.bands = np.zeros(len(DELAY_BANDS))
        self.hours = np.zeros(len(OWNERS) * len(KINDS))
        """Delayed hours in the window by owner x kind; ``late`` the same after the ready day."""
        self.late = np.zeros(len(OWNERS) * len(KINDS))
        self.dtoc_hours = np.zeros(len(DTOC_CODES))
        self.step_hours = np.zeros(0)
        self.item_hours = np.zeros(0)
        self.item_late = np.zeros(0)
        self.midnights = np.zeros(len(DTOC_CODES) * len(ORGANISATIONS))
        """Delayed midnights in the window by DToC code x responsible organisation."""
        self.assessing = False
        """Whether the records count assessments (some step has an ``assessment``)."""
        self.bouncing = False
        """Whether the records count bounce-backs (some step has a ``bounce_back``)."""
        self.by_council: dict[int, ReplicationTotals] = {}
        """The same sums for each home council's residents, by the council's position."""

    def add(self, patients: dict[str, np.ndarray], segments: dict[str, np.ndarray]) -> None:
        """One block of records: patients and the ledger segments of exactly those patients (and,
        where patients have home councils, each council's residents to its own totals)."""
        self._add_patients(patients)
        self._add_segments(segments, patients)
        council = patients.get("council")
        if council is not None and council.size:
            of_segment = council[_positions(patients["id"], segments["patient"])]
            for c in np.unique(council).tolist():
                part = self.by_council.get(c)
                if part is None:
                    part = self.by_council[c] = ReplicationTotals(self.lo, self.hi)
                mine, theirs = council == c, of_segment == c
                part.add({k: v[mine] for k, v in patients.items() if k != "council"},
                         {k: v[theirs] for k, v in segments.items()})

    def _count(self, name: str, value: Any) -> None:
        self.count[name] = self.count.get(name, 0.0) + float(value)

    def _add_patients(self, p: dict[str, np.ndarray]) -> None:
        lo, hi = self.lo, self.hi
        count = self._count
        emergency = ~p["elective"]
        admitted = ~np.isnan(p["admitted"])
        in_window = (p["arrival"] >= lo) & (p["arrival"] < hi)
        count("emergency_arrivals", np.sum(emergency & in_window))
        count("elective_bookings", np.sum(p["elective"] & in_window))
        count("cancelled_electives", np.sum(p["cancelled"] & p["elective"] & in_window))
        lost = p["cancelled"] & emergency  # turned away when full (hospital.when_full: turn_away)
        count("emergencies_turned_away", np.sum(lost & in_window))
        emergency = emergency & ~lost
        count("admissions", np.sum(admitted & (p["admitted"] >= lo) & (p["admitted"] < hi)))
        dep = p["departure"]
        left_in = ~np.isnan(dep) & (dep >= lo) & (dep < hi)
        died = p["died"]
        count("deaths_while_waiting", np.sum(left_in & died))
        departed_in = left_in & ~died  # discharged alive: deaths are not discharges
        count("discharges", np.sum(departed_in))
        back = p["readmission_of"] >= 0
        count("readmissions", np.sum(back & in_window))
        escalated = p["escalated_at"]
        count("escalations", np.sum((escalated >= lo) & (escalated < hi)))
        count("occupied_hours", overlap(p["admitted"][admitted], dep[admitted], lo, hi).sum())
        count("boarding_hours", overlap(p["arrival"][emergency], p["admitted"][emergency], lo, hi).sum())
        waited = emergency & in_window & (np.isnan(p["admitted"]) | (p["admitted"] > p["arrival"]))
        count("boarded", np.sum(waited))
        # Before the delay: from becoming clinically ready to being found ready (declared at a board
        # or ward round); of which waiting for rounds that could have found the patient ready but
        # missed them (weekend rounds are thinner), after the first round that could have.
        declared = ~np.isnan(p["clinically_ready"])
        count("pre_declaration_hours", overlap(p["clinically_ready"][declared], p["ready"][declared], lo, hi).sum())
        rounds = declared & ~np.isnan(p["first_round"])
        count("missed_round_hours", overlap(p["first_round"][rounds], p["ready"][rounds], lo, hi).sum())
        # National-style delay lengths: whole days between the discharge-ready date and the
        # departure date, for patients who left in the window.
        days = delay_days(p["ready"][departed_in], dep[departed_in])
        delayed = days >= 1
        count("delayed_discharges", delayed.sum())
        count("delay_days_of_delayed", days[delayed].sum())
        count("delay_hours_of_departed", np.sum(dep[departed_in] - p["ready"][departed_in]))
        for i, (_label, a, b) in enumerate(DELAY_BANDS):
            self.bands[i] += np.sum((days >= a) & (days <= b))
        # When discharges happen: the day of the week (day 0 is a Monday) and the hour of the day.
        left = dep[departed_in]
        weekend = np.floor(left / HOURS_PER_DAY) % 7 >= 5
        count("weekend_discharges", weekend.sum())
        count("before_noon_discharges", np.sum(left % HOURS_PER_DAY < NOON))
        # What boards see each day: patients found ready still in a bed, and long stays, counted at
        # each midnight of the window; and the discharges of patients found ready.
        end = np.where(np.isnan(dep), hi, dep)
        ready = ~np.isnan(p["ready"]) & admitted
        count("nctr_patient_midnights", window_midnights(p["ready"][ready], end[ready], lo, hi).sum())
        for days_ in LONG_STAYS:
            count(f"stays_{days_}_plus_midnights",
                  window_midnights(p["admitted"][admitted] + days_ * HOURS_PER_DAY, end[admitted], lo, hi).sum())
        count("nctr_discharges", np.sum(departed_in & ~np.isnan(p["ready"])))
        count("found_ready", np.sum(ready & (p["ready"] >= lo) & (p["ready"] < hi)))
        # Assessments (steps' ``assessment``) of the patients found ready in the window.
        if "repeated_assessment_hours" in p:
            self.assessing = True
            found = ~np.isnan(p["ready"]) & (p["ready"] >= lo) & (p["ready"] < hi)
            for assessor in ASSESSORS:
                count(f"assessments_{assessor}", p[f"assessments_{assessor}"][found].sum())
            count("repeated_assessment_hours", p["repeated_assessment_hours"][found].sum())
            count("shared_assessment_hours_saved", p["shared_assessment_hours_saved"][found].sum())
            count("assessed_by_several", np.sum(p["assessing_organisations"][found] >= 2))
        if "bounce_backs" in p:  # work that came back for missing information, of patients found ready in the window
            self.bouncing = True
            found = ~np.isnan(p["ready"]) & (p["ready"] >= lo) & (p["ready"] < hi)
            count("bounce_backs", p["bounce_backs"][found].sum())
        # The elective waiting list (elective.waiting_list): electives booked and not yet admitted,
        # at each midnight, and the time admitted electives waited past their first booked day.
        booked = p["elective"] & ~p["cancelled"]
        until = np.where(np.isnan(p["admitted"]), hi, p["admitted"])
        count("electives_waiting_midnights", window_midnights(p["arrival"][booked], until[booked], lo, hi).sum())
        taken = booked & admitted & (p["admitted"] >= lo) & (p["admitted"] < hi)
        count("elective_admissions", taken.sum())
        count("elective_extra_wait_hours", np.sum(p["admitted"][taken] - p["arrival"][taken]))

    def _add_segments(self, s: dict[str, np.ndarray], p: dict[str, np.ndarray]) -> None:
        lo, hi = self.lo, self.hi
        n_kinds = len(KINDS)
        hours = overlap(s["start"], s["end"], lo, hi)
        cause = s["owner"].astype(np.int64) * n_kinds + s["kind"]
        self.hours += np.bincount(cause, weights=hours, minlength=self.hours.size)
        self.dtoc_hours += np.bincount(s["dtoc"], weights=hours, minlength=self.dtoc_hours.size)
        self.step_hours = _plus(self.step_hours, np.bincount(s["step"], weights=hours))
        avoidable = s["kind"] != KINDS.index("necessary")
        self.item_hours = _plus(self.item_hours, np.bincount(s["item"][avoidable], weights=hours[avoidable]))
        # The same split counting only hours after the ready date's midnight: national statistics
        # count delay in days past the discharge-ready date, so same-day hours are not "lost days".
        ready = p["ready"][_positions(p["id"], s["patient"])]
        cutoff = (np.floor(ready / HOURS_PER_DAY) + 1.0) * HOURS_PER_DAY
        late = overlap(np.maximum(s["start"], cutoff), s["end"], lo, hi)
        self.late += np.bincount(cause, weights=late, minlength=self.late.size)
        self.item_late = _plus(self.item_late, np.bincount(s["item"][avoidable], weights=late[avoidable]))
        self.midnights += dtoc_midnights(s, lo, hi).ravel()

    def metrics(self, r: ReplicationResult) -> dict[str, float]:
        """The scalar results by name; ``r`` gives the names, beds and money of the replication."""
        c = self.count.get
        lo, hi = self.lo, self.hi
        window_days = (hi - lo) / HOURS_PER_DAY
        m: dict[str, float] = {}
        m["emergency_arrivals"] = c("emergency_arrivals", 0.0)
        m["elective_bookings"] = c("elective_bookings", 0.0)
        m["cancelled_electives"] = c("cancelled_electives", 0.0)
        if r.turns_away:
            m["emergencies_turned_away"] = c("emergencies_turned_away", 0.0)
            m["turned_away_share"] = _ratio(m["emergencies_turned_away"], m["emergency_arrivals"])
        m["admissions"] = c("admissions", 0.0)
        m["discharges"] = c("discharges", 0.0)
        m["deaths_while_waiting"] = c("deaths_while_waiting", 0.0)
        m["readmissions"] = c("readmissions", 0.0)
        m["readmission_rate"] = _ratio(m["readmissions"], m["discharges"])
        m["escalations"] = c("escalations", 0.0)
        occupied = c("occupied_hours", 0.0) / (hi - lo)
        m["mean_occupied_beds"] = occupied
        if math.isnan(r.open_bed_hours):
            m["occupancy"] = occupied / r.beds
        else:  # beds opened and closed (hospital.bed_changes): occupancy of the beds open
            m["mean_open_beds"] = r.open_bed_hours / (hi - lo)
            m["occupancy"] = occupied / m["mean_open_beds"]
        m["boarding_hours"] = c("boarding_hours", 0.0)
        m["emergencies_boarded_share"] = _ratio(c("boarded", 0.0), m["emergency_arrivals"])

        by_cause = self.hours.reshape(len(OWNERS), len(KINDS)) / HOURS_PER_DAY
        total = float(self.hours.sum())
        m["delayed_bed_days"] = total / HOURS_PER_DAY
        m["mean_delayed_beds"] = total / HOURS_PER_DAY / window_days
        m["delayed_share_of_occupied_bed_days"] = _ratio(total / (hi - lo), occupied)
        if not math.isnan(r.bed_day_cost):
            m["delayed_bed_day_cost_gbp"] = m["delayed_bed_days"] * r.bed_day_cost
        m.update(r.money)
        m.update(r.provider_exits)
        _by_owner_and_kind(m, "delayed_bed_days", by_cause)
        for ki, kind in enumerate(KINDS):
            m[f"delayed_bed_days_kind_{kind}"] = float(by_cause[:, ki].sum())
        for ci, code in enumerate(DTOC_CODES):
            m[f"delayed_bed_days_dtoc_{code}"] = float(self.dtoc_hours[ci] / HOURS_PER_DAY)
        steps = _padded(self.step_hours, len(r.step_names))
        for si, step in enumerate(r.step_names):
            m[f"delayed_bed_days_step_{step}"] = float(steps[si] / HOURS_PER_DAY)
        _by_item(m, "delayed_bed_days", self.item_hours, r.item_names)

        m["pre_declaration_bed_days"] = c("pre_declaration_hours", 0.0) / HOURS_PER_DAY
        m["pre_declaration_missed_round_bed_days"] = c("missed_round_hours", 0.0) / HOURS_PER_DAY
        m["no_longer_benefiting_bed_days"] = m["pre_declaration_bed_days"] + m["delayed_bed_days"]

        _dtoc_census(m, self.midnights.reshape(len(DTOC_CODES), len(ORGANISATIONS)), lo, hi)

        late = self.late.reshape(len(OWNERS), len(KINDS)) / HOURS_PER_DAY
        m["delayed_bed_days_after_ready_day"] = float(self.late.sum() / HOURS_PER_DAY)
        _by_owner_and_kind(m, "delayed_bed_days_after_ready_day", late)
        for ki, kind in enumerate(KINDS):
            m[f"delayed_bed_days_after_ready_day_kind_{kind}"] = float(late[:, ki].sum())
        _by_item(m, "delayed_bed_days_after_ready_day", self.item_late, r.item_names)

        delayed = c("delayed_discharges", 0.0)
        departed = m["discharges"]
        m["delayed_discharges"] = delayed
        m["delayed_discharge_share"] = _ratio(delayed, departed)
        m["mean_delay_days_of_delayed"] = _ratio(c("delay_days_of_delayed", 0.0), delayed)
        for (label, _a, _b), n in zip(DELAY_BANDS, self.bands, strict=True):
            m[f"delay_band_{label}_share"] = _ratio(float(n), delayed)
        m["mean_delay_hours_per_discharge"] = _ratio(c("delay_hours_of_departed", 0.0), departed)

        weekend_days, weekdays = _weekend_and_weekdays(lo, hi)
        weekend = c("weekend_discharges", 0.0)
        m["weekend_discharge_ratio"] = _ratio(_ratio(weekend, weekend_days), _ratio(departed - weekend, weekdays))
        m["before_noon_discharge_share"] = _ratio(c("before_noon_discharges", 0.0), departed)
        midnights = _midnights_in(lo, hi)
        nctr = c("nctr_patient_midnights", 0.0)
        m["nctr_patients_mean"] = _ratio(nctr, midnights)
        for days_ in LONG_STAYS:
            m[f"stays_{days_}_plus_mean"] = _ratio(c(f"stays_{days_}_plus_midnights", 0.0), midnights)
        # Of the patients without criteria to reside on a day (at its first midnight, or found ready
        # during it), the share discharged that day, over the window's days.
        m["nctr_discharged_share"] = _ratio(c("nctr_discharges", 0.0), nctr + c("found_ready", 0.0))
        m["escalated_share"] = _ratio(m["escalations"], c("found_ready", 0.0))
        m["electives_waiting_mean"] = _ratio(c("electives_waiting_midnights", 0.0), midnights)
        m["elective_extra_wait_weeks_mean"] = _ratio(c("elective_extra_wait_hours", 0.0) / HOURS_PER_WEEK,
                                                     c("elective_admissions", 0.0))
        if self.assessing:
            found = c("found_ready", 0.0)
            m["assessments"] = sum(c(f"assessments_{a}", 0.0) for a in ASSESSORS)
            for assessor in ASSESSORS:
                m[f"assessments_{assessor}"] = c(f"assessments_{assessor}", 0.0)
            m["assessments_per_patient"] = _ratio(m["assessments"], found)
            m["repeated_assessment_hours"] = c("repeated_assessment_hours", 0.0)
            m["repeated_assessment_hours_per_patient"] = _ratio(m["repeated_assessment_hours"], found)
            m["shared_assessment_hours_saved"] = c("shared_assessment_hours_saved", 0.0)
            m["assessed_by_several_organisations_share"] = _ratio(c("assessed_by_several", 0.0), found)
        if self.bouncing:
            m["bounce_backs"] = c("bounce_backs", 0.0)
            m["bounce_backs_per_patient"] = _ratio(m["bounce_backs"], c("found_ready", 0.0))
        for ci, council in enumerate(r.council_names):
            part = self.by_council.get(ci) or ReplicationTotals(lo, hi)
            theirs = part.metrics(replace(r, council_names=[], money={}, provider_exits={}))
            m.update({council_metric(council, k): v for k, v in theirs.items() if is_council_metric(k)})
        return m


COUNCIL_METRICS = re.compile(
    r"(admissions|discharges|deaths_while_waiting|mean_occupied_beds|mean_delayed_beds|delayed_bed_day_cost_gbp"
    r"|delayed_discharges|delayed_discharge_share|mean_delay_days_of_delayed|mean_delay_hours_per_discharge"
    r"|nctr_patients_mean|delay_band_.*|assessments(_.*)?|repeated_assessment_hours(_per_patient)?"
    r"|shared_assessment_hours_saved|assessed_by_several_organisations_share|bounce_backs(_per_patient)?"
    r"|dtoc_delayed_days(_per_month)?|dtoc_uncounted_days|dtoc_days_.*"
    r"|delayed_bed_days(_after_ready_day)?(_(" + "|".join(OWNERS) + r")(_(" + "|".join(KINDS) + r"))?)?"
    r"|delayed_bed_days(_after_ready_day)?_(item|dtoc|kind|step)_.*)"
)
"""The metrics reported for each home council's residents as well as for all: what NHS England
publishes by local authority (delays, their lengths and bands, DToC-style days by reason and
organisation) and the bed-days charged to each item, from which every convention's sides follow."""


def is_council_metric(name: str) -> bool:
    return COUNCIL_METRICS.fullmatch(name) is not None



def council_view(metrics: Mapping[str, Any], council: str) -> dict[str, Any]:
    """One council's metrics under their plain names (the inverse of :func:`council_metric`)."""
    prefix = f"council.{council}."
    return {k[len(prefix):]: v for k, v in metrics.items() if k.startswith(prefix)}


LONG_STAYS = (7, 14, 21)
"""Stays of at least this many days, counted at midnight as NHS England's long-stay figures are."""
NOON = 12.0


def window_midnights(starts: np.ndarray, ends: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """For each interval [start, end), how many midnights in [lo, hi) it holds (a patient counted
    in a midnight census)."""
    first, last = math.ceil(lo / HOURS_PER_DAY), math.ceil(hi / HOURS_PER_DAY)
    a = np.clip(np.ceil(starts / HOURS_PER_DAY), first, last)
    b = np.clip(np.ceil(ends / HOURS_PER_DAY), first, last)
    return np.clip(b - a, 0.0, None)


def _midnights_in(lo: float, hi: float) -> float:
    return float(max(math.ceil(hi / HOURS_PER_DAY) - math.ceil(lo / HOURS_PER_DAY), 0))


def _weekend_and_weekdays(lo: float, hi: float) -> tuple[float, float]:
    """Days of the window on Saturdays and Sundays, and on Mondays to Fridays (part-days in part)."""
    weekend = weekday = 0.0
    day = math.floor(lo / HOURS_PER_DAY)
    while day * HOURS_PER_DAY < hi:
        share = (min((day + 1) * HOURS_PER_DAY, hi) - max(day * HOURS_PER_DAY, lo)) / HOURS_PER_DAY
        if day % 7 >= 5:
            weekend += share
        else:
            weekday += share
        day += 1
    return weekend, weekday


def _plus(total: np.ndarray, part: np.ndarray) -> np.ndarray:
    """Two bincounts added, the shorter padded with zeros."""
    if part.size > total.size:
        total = _padded(total, part.size)
    total[: part.size] += part
    return total


def _padded(values: np.ndarray, size: int) -> np.ndarray:
    return values if values.size >= size else np.concatenate([values, np.zeros(size - values.size)])


def _positions(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Where each of ``wanted`` is in ``ids`` (all present; ``ids`` unique, in any order)."""
    order = np.argsort(ids, kind="stable")
    return order[np.searchsorted(ids, wanted, sorter=order)]


def _by_owner_and_kind(m: dict[str, float], prefix: str, days: np.ndarray) -> None:
    """``<prefix>_<owner>`` and ``<prefix>_<owner>_<kind>`` from bed-days by owner x kind."""
    for oi, owner in enumerate(OWNERS):
        m[f"{prefix}_{owner}"] = float(days[oi].sum())
        for ki, kind in enumerate(KINDS):
            m[f"{prefix}_{owner}_{kind}"] = float(days[oi, ki])


def item_metric(prefix: str, item: str) -> str:
    """The metric of one item's delayed bed-days: ``<prefix>_item_<what>_<name>``."""
    return f"{prefix}_item_{item.replace(':', '_', 1)}"


def _by_item(m: dict[str, float], prefix: str, hours: np.ndarray, items: list[str]) -> None:
    """Bed-days charged to each item (a step's work, a staff team, a pool, the budget), necessary
    hours left out (``hours`` by item index): conventions add these up by side."""
    sums = _padded(hours, len(items))
    for i, item in enumerate(items):
        m[item_metric(prefix, item)] = float(sums[i] / HOURS_PER_DAY)


def dtoc_midnights(s: dict[str, np.ndarray], lo: float, hi: float) -> np.ndarray:
    """Delayed midnights in [lo, hi) by DToC code x responsible organisation: each segment counts
    the midnights it spans, as the national statistic counted delayed patients at midnight."""
    midnights = window_midnights(s["start"], np.where(np.isnan(s["end"]), hi, s["end"]), lo, hi)
    cell = s["dtoc"].astype(np.int64) * len(ORGANISATIONS) + s["organisation"]
    size = len(DTOC_CODES) * len(ORGANISATIONS)
    return np.bincount(cell, weights=midnights, minlength=size).reshape(len(DTOC_CODES), len(ORGANISATIONS))


def _dtoc_census(m: dict[str, float], midnights: np.ndarray, lo: float, hi: float) -> None:
    """DToC-style counts from delayed midnights by code x organisation: a delayed day is a patient
    delayed at a midnight in the window, charged to the reason and organisation of the ledger
    segment under way at that midnight, as the national statistic counted delayed patients at
    midnight (so same-day hold-ups never count).

    Hospital-internal process (reason ``other``) was never a delayed transfer in the acute
    statistic: its days are left out of every total and share, and reported beside them
    (``dtoc_uncounted_days``)."""
    uncounted = DTOC_CODES.index(DTOC_UNCOUNTED)
    counted = np.delete(midnights, uncounted, axis=0)
    total = float(counted.sum())
    months = (hi - lo) / HOURS_PER_DAY / DAYS_PER_MONTH
    m["dtoc_delayed_days"] = total
    m["dtoc_delayed_days_per_month"] = total / months
    m["dtoc_uncounted_days"] = float(midnights[uncounted].sum())
    m["dtoc_uncounted_days_per_month"] = m["dtoc_uncounted_days"] / months
    for oi, org in enumerate(ORGANISATIONS):
        m[f"dtoc_days_{org}"] = float(counted[:, oi].sum())
    for ci, code in enumerate(DTOC_CODES):
        m[f"dtoc_days_{code}"] = float(midnights[ci].sum())
        for oi, org in enumerate(ORGANISATIONS):
            m[f"dtoc_days_{code}_{org}"] = float(midnights[ci, oi])
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


def left_on_a_later_day(ready: np.ndarray, departure: np.ndarray) -> np.ndarray:
    """Whether each patient left on a later calendar day than their discharge-ready date (NHS
    England's "delayed"); False where either time is not known."""
    with np.errstate(invalid="ignore"):
        return np.floor(departure / HOURS_PER_DAY) > np.floor(ready / HOURS_PER_DAY)


def delay_days(ready: np.ndarray, departure: np.ndarray) -> np.ndarray:
    """Calendar days from the discharge-ready date to the departure date (0: left the same day)."""
    return (np.floor(departure / HOURS_PER_DAY) - np.floor(ready / HOURS_PER_DAY)).astype(np.int64)


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den else math.nan
