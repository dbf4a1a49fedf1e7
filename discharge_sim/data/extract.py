"""The extract schema: one row per admission, its columns, and the checks each row must pass.

A trust's patient-level extract is checked row by row. A row that breaks a rule (a date that does
not parse, a discharge before the admission, a pathway 7) is reported with its row number, column
and reason, and left out: nothing is guessed. What is left is an :class:`Extract`, with every time
in hours from the Monday 00:00 on or before the first admission, so that hours of the week line
up with the model's (its day 0 is a Monday).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from discharge_sim.vocabulary import HOURS_PER_DAY, PATHWAYS


@dataclass(frozen=True)
class Column:
    """One column of the extract."""

    name: str
    kind: str
    """id, datetime, method, text, pathway, flag or reason."""
    required: bool
    """Whether the column must be in the file (its cells may still be empty where ``empty`` says)."""
    empty: str
    """When a cell may be empty, in words ("never" if it must always be filled)."""
    meaning: str


COLUMNS: tuple[Column, ...] = (
    Column("admission_id", "id", True, "never", "An identifier of the admission, unique in the extract "
           "(a pseudonym: it is only used to find duplicates, never written out)."),
    Column("admitted_at", "datetime", True, "never", "When the patient was admitted (took a bed)."),
    Column("arrived_at", "datetime", False, "always", "When an emergency needed a bed: the decision to admit in "
           "the emergency department. Arrival rates are fitted from it where given; admission times stand in for it "
           "where not, and are later by any wait for a bed (trolley waits), which shifts the hours of the day."),
    Column("admission_method", "method", True, "never", "emergency or elective (NHS admission method codes "
           "11-13 read as elective, 21-2D as emergency)."),
    Column("group", "text", True, "never", "The patient group or specialty, as the config's groups "
           "(for example older_medical); groups are fitted as they are named here."),
    Column("age_band", "text", False, "always", "An age band (for example 65-74); read and checked, not "
           "used by the fit or the model."),
    Column("ready_at", "datetime", True, "while the patient is not yet ready (still in hospital)",
           "When the patient was found ready to leave: the discharge-ready date, or when they stopped meeting "
           "the criteria to reside."),
    Column("discharged_at", "datetime", True, "while the patient is still in hospital",
           "When the patient left hospital."),
    Column("pathway", "pathway", True, "while the patient is not yet ready",
           "The discharge pathway, 0 to 3 (for a patient ready but still in: the planned one)."),
    Column("council", "text", False, "always", "The patient's home council (local authority)."),
    Column("self_funder", "flag", False, "always", "Whether the patient pays for their own care: yes/no, "
           "true/false, y/n or 1/0."),
    Column("delay_reason", "reason", False, "always", "The main reason for a delay after the ready date: an NHS "
           "England discharge-delay reason category or a DToC code (see the reason table)."),
    Column("referral_sent_at", "datetime", False, "always", "Milestone: the hospital's referral to the "
           "council or community services was sent."),
    Column("assessment_done_at", "datetime", False, "always", "Milestone: the council's assessment of needs "
           "was done."),
    Column("funding_agreed_at", "datetime", False, "always", "Milestone: funding was agreed (a panel's decision)."),
    Column("place_found_at", "datetime", False, "always", "Milestone: a provider accepted the patient "
           "(a care home place or a home-care package was found)."),
)
"""Every column of the extract, in the template's order."""

FEWEST_ADMISSIONS = 30
"""Usable rows an extract needs: with fewer, nothing can be fitted from it."""
MILESTONES: tuple[str, ...] = ("referral_sent_at", "assessment_done_at", "funding_agreed_at", "place_found_at")
"""The optional milestone columns, in the order a patient passes them."""

ELECTIVE_METHODS = {"elective", "11", "12", "13"}
EMERGENCY_METHODS = {"emergency", "21", "22", "23", "24", "25", "2a", "2b", "2c", "2d", "28"}
NO_REASON = {"", "n/a", "na", "none", "-", "not delayed", "no delay", "null"}
"""Cells that say there was no delay reason."""
TRUE_FLAGS = {"yes", "y", "true", "t", "1"}
FALSE_FLAGS = {"no", "n", "false", "f", "0"}


@dataclass(frozen=True)
class RowProblem:
    """A row left out: its row number in the file (the header is row 1), the column and why.
    ``value`` is shown on the terminal only; it is never written to a file."""

    row: int
    column: str
    reason: str
    value: str = ""


@dataclass
class Problems:
    """The rows left out and why, by column and reason."""

    rows: list[RowProblem] = field(default_factory=list)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    """(column, reason): rows with that problem."""
    unknown_reasons: dict[str, int] = field(default_factory=dict)
    """Delay reasons not in the reason table, with their rows (kept, the delay of no known reason)."""

    def add(self, rows: np.ndarray, column: str, reason: str, values: np.ndarray | None = None) -> None:
        """Rows (0-based data indices) with one problem."""
        if rows.size == 0:
            return
        key = (column, reason)
        self.counts[key] = self.counts.get(key, 0) + int(rows.size)
        for k, i in enumerate(rows.tolist()):
            value = "" if values is None else str(values[k])
            self.rows.append(RowProblem(int(i) + 2, column, reason, value))


@dataclass(frozen=True)
class Extract:
    """The usable rows of an extract, as columns. Times are hours from ``origin`` (a Monday
    00:00); NaN where a cell is empty. ``end`` is when the extract was taken: a patient with no
    ready or discharge time was not yet ready, or still in, then."""

    origin: datetime
    end: float
    admitted: np.ndarray
    elective: np.ndarray
    group: np.ndarray
    ready: np.ndarray
    discharged: np.ndarray
    pathway: np.ndarray
    """0 to 3, or -1 where not known (a patient not yet ready)."""
    council: np.ndarray | None
    self_funder: np.ndarray | None
    """1 yes, 0 no, -1 not known."""
    delay_code: np.ndarray | None
    """The DToC code of the delay reason ("" where none was given)."""
    milestones: dict[str, np.ndarray]
    age_band: np.ndarray | None
    source_rows: int
    """Rows in the file, before any was left out."""
    arrived: np.ndarray | None = None
    """When each emergency needed a bed (NaN where not given; None: no such column)."""
    date_only: frozenset[str] = frozenset()
    """Columns that hold dates without times (each value at midnight): a time in one is known to
    the day, not the hour."""

    def known_to(self, column: str) -> float:
        """How closely a column's times are known, in hours: a day for dates only, else 0."""
        return HOURS_PER_DAY if column in self.date_only else 0.0

    @property
    def needed_bed(self) -> np.ndarray:
        """When each patient needed a bed: their arrival where given, else their admission."""
        if self.arrived is None:
            return self.admitted
        return np.where(np.isnan(self.arrived), self.admitted, self.arrived)

    def __len__(self) -> int:
        return int(self.admitted.size)

    def date_of(self, hours: float) -> datetime:
        """The calendar time ``hours`` after the origin."""
        return self.origin + timedelta(hours=float(hours))

    @property
    def days(self) -> float:
        """The days of admissions the extract covers: from the first admission's midnight to its end,
        or to the end of the last admission's day if that is sooner (an extract of the admissions
        up to a date, taken later, holds the discharges since but no admission)."""
        first, last = self.admission_days
        return float(last - first)

    @property
    def weekdays_covered(self) -> np.ndarray:
        """How many of each weekday (Monday first) the days of admissions cover."""
        return np.bincount(np.arange(*self.admission_days) % 7, minlength=7).astype(float)

    @property
    def admission_days(self) -> tuple[int, int]:
        """(first, last + 1): the days, from the origin, whose admissions the extract holds."""
        if not len(self):
            return 0, 0
        first = math.floor(float(np.min(self.admitted)) / HOURS_PER_DAY)
        last = math.floor(float(np.max(self.admitted)) / HOURS_PER_DAY) + 1
        return first, min(last, math.ceil(self.end / HOURS_PER_DAY))

    def subset(self, keep: np.ndarray) -> Extract:
        """The rows where ``keep`` is true (a boolean mask), with the same origin and end."""
        def pick(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else a[keep]

        return Extract(self.origin, self.end, self.admitted[keep], self.elective[keep], self.group[keep],
                       self.ready[keep], self.discharged[keep], self.pathway[keep], pick(self.council),
                       pick(self.self_funder), pick(self.delay_code),
                       {k: v[keep] for k, v in self.milestones.items()}, pick(self.age_band), self.source_rows,
                       pick(self.arrived), self.date_only)

    def cut_at(self, end: float) -> Extract:
        """The extract as it would have been taken at ``end`` hours: admissions after it dropped,
        ready and discharge times and milestones after it emptied (censored)."""
        keep = self.admitted < end
        cut = self.subset(keep)

        def before(a: np.ndarray) -> np.ndarray:
            return np.where(a < end, a, np.nan)

        ready = before(cut.ready)
        not_ready = np.isnan(ready)
        # what was only known later is not known at the cut: the pathway and self-funding of patients
        # not yet ready, and the reason of a delay not yet begun
        pathway = np.where(not_ready, -1, cut.pathway).astype(np.int8)
        self_funder = None if cut.self_funder is None else np.where(not_ready, -1, cut.self_funder).astype(np.int8)
        return Extract(cut.origin, end, cut.admitted, cut.elective, cut.group, ready, before(cut.discharged),
                       pathway, cut.council, self_funder,
                       None if cut.delay_code is None else np.where(not_ready, "", cut.delay_code),
                       {k: before(v) for k, v in cut.milestones.items()}, cut.age_band, cut.source_rows,
                       cut.arrived, cut.date_only)


def identifier(name: str) -> str:
    """A group's or council's name in an extract as a config key: lower case, words joined by
    underscores ("Older Medical" and "older_medical" are one)."""
    key = re.sub(r"\W+", "_", str(name).strip().lower()).strip("_") or "unnamed"
    return f"g_{key}" if key[0].isdigit() else key


class ExtractError(ValueError):
    """An extract that cannot be read at all (a missing column, no usable rows): the message says
    what and where."""


def check_rows(cells: Mapping[str, np.ndarray], times: Mapping[str, np.ndarray], unparsed: Mapping[str, np.ndarray],
               origin: datetime, end: float | None, reason_code: Callable[[str], str | None] | None,
               source: str, date_only: frozenset[str] = frozenset()) -> tuple[Extract, Problems]:
    """Check every row of an extract already split into text ``cells`` (by column, stripped) and
    parsed ``times`` (hours from ``origin``, NaN where empty or unparsed; ``unparsed`` marks the
    cells that did not parse). ``end``: when the extract was taken, in hours (None: its latest
    time). ``reason_code`` maps a delay reason to its DToC code. Returns the usable rows and the
    problems."""
    problems = Problems()
    n = len(cells["admission_id"])
    bad = np.zeros(n, dtype=bool)

    def flag(mask: np.ndarray, column: str, reason: str, values: np.ndarray | None = None) -> None:
        rows = np.flatnonzero(mask & ~bad)
        problems.add(rows, column, reason, None if values is None else values[rows])
        bad[rows] = True

    ids = cells["admission_id"]
    flag(ids == "", "admission_id", "empty: every admission needs an identifier")
    _, first = np.unique(ids, return_index=True)
    repeated = np.ones(n, dtype=bool)
    repeated[first] = False
    flag(repeated & (ids != ""), "admission_id", "repeats an earlier row's identifier")

    for column in (c for c in COLUMNS if c.kind == "datetime" and c.name in times):
        flag(unparsed[column.name], column.name,
             "not a date and time (use 2024-04-01 14:30, 2024-04-01 or 01/04/2024 14:30)", cells[column.name])
    admitted, ready, discharged = times["admitted_at"], times["ready_at"], times["discharged_at"]
    flag(np.isnan(admitted), "admitted_at", "empty: every admission needs its admission time")
    method = np.char.lower(cells["admission_method"].astype(str))
    elective = np.isin(method, list(ELECTIVE_METHODS))
    emergency = np.isin(method, list(EMERGENCY_METHODS))
    flag(~(elective | emergency), "admission_method", "not emergency or elective (or an NHS admission method "
         "code 11-13, 21-2D)", cells["admission_method"])
    flag(cells["group"] == "", "group", "empty: every admission needs its patient group")
    def before(a: np.ndarray, a_name: str, b: np.ndarray, b_name: str) -> np.ndarray:
        """a earlier than b; by the day where either holds dates only."""
        if a_name in date_only or b_name in date_only:
            return np.floor(a / HOURS_PER_DAY) < np.floor(b / HOURS_PER_DAY)
        return a < b

    flag(before(discharged, "discharged_at", admitted, "admitted_at"), "discharged_at", "before the admission")
    flag(before(ready, "ready_at", admitted, "admitted_at"), "ready_at", "before the admission")
    if "arrived_at" in times:
        flag(before(admitted, "admitted_at", times["arrived_at"], "arrived_at"), "arrived_at", "after the admission")
    flag(before(discharged, "discharged_at", ready, "ready_at"), "discharged_at", "before the ready date")
    flag(np.isnan(ready) & ~np.isnan(discharged), "ready_at",
         "empty for a patient who has left: a discharged patient needs the date they were ready")
    pathway_text = cells["pathway"]
    pathway = np.full(n, -1, dtype=np.int8)
    given = pathway_text != ""
    valid = np.isin(pathway_text, [str(p) for p in PATHWAYS]) | np.isin(pathway_text, [f"{p}.0" for p in PATHWAYS])
    flag(given & ~valid, "pathway", "not a pathway: 0, 1, 2 or 3", pathway_text)
    ok = given & valid
    pathway[ok] = np.array([int(float(v)) for v in pathway_text[ok]], dtype=np.int8)
    flag(~given & ~np.isnan(ready), "pathway", "empty for a patient who is ready: give the pathway (planned, if "
         "still in)")
    if end is None:
        end = float(np.nanmax(np.concatenate(list(times.values()))))
    for name, t in times.items():
        flag(t > end, name, "after the end of the extract")
    self_funder = None
    if "self_funder" in cells:
        text = np.char.lower(cells["self_funder"].astype(str))
        self_funder = np.full(n, -1, dtype=np.int8)
        self_funder[np.isin(text, list(TRUE_FLAGS))] = 1
        self_funder[np.isin(text, list(FALSE_FLAGS))] = 0
        flag((self_funder == -1) & (text != ""), "self_funder", "not yes or no (yes/no, true/false, y/n, 1/0)",
             cells["self_funder"])
    delay_code = None
    unknown_reasons: dict[str, int] = {}
    if "delay_reason" in cells:
        reasons = np.array(["" if r.strip().lower() in NO_REASON else r for r in cells["delay_reason"]], dtype=object)
        lookup = {r: (reason_code(r) if reason_code is not None else r) for r in np.unique(reasons) if r != ""}
        delay_code = np.array([lookup.get(r) or "" if r != "" else "" for r in reasons], dtype=object)
        unknown = np.array([r != "" and not lookup.get(r) for r in reasons], dtype=bool)
        # a reason in local wording is not guessed at, nor is the admission lost: the row stays, its
        # delay counted as of no known reason, and each unknown wording is listed with its rows
        unknown_rows = unknown
    for name in MILESTONES:
        if name in times:
            t = times[name]
            flag(before(t, name, admitted, "admitted_at"), name, "before the admission")
            flag(before(discharged, "discharged_at", t, name), name, "after the discharge")
    keep = ~bad
    if not keep.any():
        raise ExtractError(f"{source}: no usable rows: every one of its {n:,} rows has a problem "
                           f"({_summary(problems)})")

    extract = Extract(
        origin, float(end), admitted[keep], elective[keep], cells["group"][keep], ready[keep], discharged[keep],
        pathway[keep], cells["council"][keep] if "council" in cells else None,
        None if self_funder is None else self_funder[keep],
        None if delay_code is None else delay_code[keep],
        {name: times[name][keep] for name in MILESTONES if name in times},
        cells["age_band"][keep] if "age_band" in cells else None, n,
        times["arrived_at"][keep] if "arrived_at" in times else None, date_only)
    if delay_code is not None:
        for r in reasons[unknown_rows & keep]:
            unknown_reasons[str(r)] = unknown_reasons.get(str(r), 0) + 1
    problems.unknown_reasons = unknown_reasons
    return extract, problems


def _summary(problems: Problems) -> str:
    first = sorted(problems.counts.items(), key=lambda kv: -kv[1])[:3]
    return "; ".join(f"{column}: {reason} ({count:,} rows)" for (column, reason), count in first)


EXAMPLE_ROWS: tuple[dict[str, str], ...] = (
    {"admission_id": "EXAMPLE-1", "admitted_at": "2024-04-01 14:20", "arrived_at": "2024-04-01 09:05",
     "admission_method": "emergency", "group": "older_medical", "age_band": "80-84",
     "ready_at": "2024-04-09 10:00", "discharged_at": "2024-04-16 15:30", "pathway": "3", "council": "city",
     "self_funder": "no", "delay_reason": "Di", "referral_sent_at": "2024-04-09 11:00",
     "assessment_done_at": "2024-04-10 16:00", "funding_agreed_at": "2024-04-11 15:00",
     "place_found_at": "2024-04-15 12:00"},
    {"admission_id": "EXAMPLE-2", "admitted_at": "2024-04-02 07:00", "arrived_at": "",
     "admission_method": "elective", "group": "surgical", "age_band": "60-64",
     "ready_at": "2024-04-04 10:00", "discharged_at": "2024-04-04 13:15", "pathway": "0", "council": "county",
     "self_funder": "no", "delay_reason": "", "referral_sent_at": "", "assessment_done_at": "",
     "funding_agreed_at": "", "place_found_at": ""},
    {"admission_id": "EXAMPLE-3", "admitted_at": "2024-04-03 18:40", "arrived_at": "2024-04-03 16:10",
     "admission_method": "emergency", "group": "general_medical", "age_band": "70-74",
     "ready_at": "", "discharged_at": "", "pathway": "", "council": "city",
     "self_funder": "", "delay_reason": "", "referral_sent_at": "", "assessment_done_at": "",
     "funding_agreed_at": "", "place_found_at": ""},
)
"""Three made-up admissions for the template: one delayed waiting for a care home, with its
milestones; one elective that left on its ready date; one not yet ready when the extract was taken."""


def template_frame() -> Any:
    """The extract's columns with the made-up example rows, as a pandas data frame."""
    import pandas as pd

    return pd.DataFrame([{c.name: row.get(c.name, "") for c in COLUMNS} for row in EXAMPLE_ROWS])


def columns_frame() -> Any:
    """One row per column: its name, whether the file must have it, when a cell may be empty, what it holds."""
    import pandas as pd

    return pd.DataFrame([{"column": c.name, "in the file": "required" if c.required else "optional",
                          "a cell may be empty": c.empty, "holds": c.meaning} for c in COLUMNS])
