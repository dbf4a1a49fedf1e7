"""NHS England's monthly discharge tables read into calibration targets for one trust (or one
council's residents): what the ``targets`` command writes for ``calibrate``.

Two publications, as NHS England lays them out:

- **Discharge Ready Date** ("Discharge Delays (Acute)", monthly CSV): one row per geography and
  measure, columns ``Data Type`` (Provider, UTLA Aggregate, ...), ``Code`` and ``Organisation
  Name`` (the trust), ``Upper Tier Local Authority Code`` and ``Upper Tier Local Authority`` (the
  council), ``Measure`` and ``Value``. The measures read: discharges in total, discharges by delay
  band (no delay, 1, 2-3, 4-6, 7-13, 14-20, 21+ days) and bed days lost.
- **Acute discharge situation report** (monthly workbook, or a sheet of it saved as CSV): a header
  row holding ``Org Code``; per day, columns of patients who no longer meet the criteria to reside
  (NCTR), patients discharged and patients remaining; and a sheet of reasons for delay (one column
  per reason, average patients per day with stays of 14 days or more).

Months are summed, then turned into ratios, so a month weighs by its discharges. A cell marked
suppressed (``*``, ``[c]``, ``[x]``, ``-`` and the like), missing, or holding a count from 1 to 4
(NHS disclosure control) leaves out every measure built from it, and the targets file says so.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from discharge_sim.config import ConfigError
from discharge_sim.data.reasons import reason_of
from discharge_sim.vocabulary import DELAY_BANDS, DTOC_UNCOUNTED, council_metric

SMALLEST_COUNT = 5
"""Counts below this (and above zero) are suppressed, as NHS England's disclosure control does."""
SUPPRESSED = {"*", "-", "..", ":", "~", "c", "x", "z", "[c]", "[x]", "[z]", "[u]", "[low]", "n/a", "na", ""}
"""Cell text that stands for a suppressed or missing figure."""

SHARE_FLOOR = 0.01
"""The least tolerance of a share: one percentage point."""
DAYS_FLOOR = 0.25
"""The least tolerance of a mean delay, in days."""
NCTR_FLOOR = (0.05, 1.0)
"""The least tolerance of a mean number of patients: 5% of the value, and at least one patient."""
Z95 = 1.96

DRD = "Discharge Ready Date (Discharge Delays (Acute)), NHS England"
SITREP = "Acute discharge situation report, NHS England"

BANDS = [label for label, _, _ in DELAY_BANDS]
_BAND_WORDS = {"1": "a 1 day delay", "2_3": "a 2-3 day delay", "4_6": "a 4-6 day delay", "7_13": "a 7-13 day delay",
               "14_20": "a 14-20 day delay", "21_plus": "a delay of 21 days or more"}
_BAND_PREFIX = "Number of patients discharged where, between the Discharge Ready Date and Discharge Date, there is "
DRD_BAND_MEASURES = {label: _BAND_PREFIX + words for label, words in _BAND_WORDS.items()}
"""The Discharge Ready Date measure of each of the model's delay bands (vocabulary.DELAY_BANDS)."""
DRD_NO_DELAY = _BAND_PREFIX + "No delay"
DRD_TOTALS = ("Number of patients discharged in total", "Total Discharges of UTLA patients from provider",
              "Total Discharges for UTLA from acceptable trusts")
"""Discharges in total: of a trust, of a council's residents from one trust, of a council's residents."""
DRD_BED_DAYS = "Total bed days lost due to delayed discharge"
DRD_NOT_USED = (
    "Total bed days after Discharge Ready Date by delay band (no metric of bed-days by band)",
    "Average days from Discharge Ready Date to date of discharge (inc 0 day delays) (the model's "
    "mean_delay_hours_per_discharge counts hours, not calendar days)",
    "Number of patients discharged with no delay (used only through the bands)",
    "discharges in total as a count (depends on the run's length; used as the denominator of the share delayed)",
)
SITREP_NOT_USED = (
    "Number of patients who no longer meet the criteria to reside, as a mean (the model's census counts patients "
    "still in a bed at midnight: the 'remaining in hospital' measure)",
    "discharges by destination and pathway (no model metric of a month's discharges by pathway)",
)

_AGGREGATE_TYPES = {"national", "icb", "region", "provider", "utla aggregate"}
_MONTHS = {name: i for i, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
     "december"), start=1)}
_MONTH_WORD = re.compile(r"(?<![a-z])(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
                         r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)[-_ ]?((?:19|20)\d\d)(?!\d)")
_ISO_MONTH = re.compile(r"((?:19|20)\d\d)-(0[1-9]|1[0-2])")


class PublishedError(ConfigError):
    """A published table that cannot be read: says which file, row and column."""


def norm(text: Any) -> str:
    """Cell text as compared: case and runs of whitespace ignored."""
    return " ".join(str(text).split()).casefold() if text is not None else ""


def month_of(text: Any) -> str | None:
    """'YYYY-MM' named by a cell or a file name ('April 2024', 'April-2024-Revised', '2024-04', a date)."""
    if text is None:
        return None
    if hasattr(text, "year") and hasattr(text, "month"):
        return f"{int(text.year):04d}-{int(text.month):02d}"
    s = str(text).casefold()
    iso = _ISO_MONTH.search(s)
    if iso:
        return f"{iso.group(1)}-{iso.group(2)}"
    word = _MONTH_WORD.search(s)
    if word:
        name = word.group(1)
        month = next(i for full, i in _MONTHS.items() if full.startswith(name[:3]))
        return f"{word.group(2)}-{month:02d}"
    return None


# --- cells ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One figure read from a file: its value (None if suppressed or missing) and where it was."""

    value: float | None
    file: str
    row: int
    column: str
    why: str = ""
    """Why the value is None: 'suppressed', 'missing', or a count under 5."""

    @property
    def where(self) -> str:
        return f"{self.file}, row {self.row}, column {self.column!r}"


def read_cell(raw: Any, file: str, row: int, column: str, count: bool) -> Cell:
    """A cell's figure: suppression markers and blanks are None (never zero); a count from 1 to 4
    is None too when ``count``; any other text is an error naming the cell."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return Cell(None, file, row, column, "missing")
    if isinstance(raw, bool):
        raise PublishedError(f"{file}, row {row}, column {column!r}: {raw!r} is not a number")
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = str(raw).strip()
        if text.casefold() in SUPPRESSED:
            return Cell(None, file, row, column, "missing" if not text else f"suppressed ({text})")
        try:
            value = float(text.replace(",", "").rstrip("%")) / (100 if text.endswith("%") else 1)
        except ValueError:
            raise PublishedError(f"{file}, row {row}, column {column!r}: {text[:60]!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise PublishedError(f"{file}, row {row}, column {column!r}: {raw!r} is not a count or mean (negative or "
                             "not finite)")
    if count and 0 < value < SMALLEST_COUNT:
        return Cell(None, file, row, column, f"a count under {SMALLEST_COUNT}")
    return Cell(value, file, row, column)


# --- reading files into grids --------------------------------------------------------------------


@dataclass
class Sheet:
    """A grid of raw cells: a CSV file, or one sheet of a workbook."""

    file: str
    name: str
    cells: list[list[Any]]

    @property
    def label(self) -> str:
        return self.file if not self.name else f"{self.file} [sheet {self.name}]"


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of a workbook (.xlsx, .xlsm, .xls) or the one grid of a CSV file, cells as written."""
    import pandas as pd

    if not path.is_file():
        raise PublishedError(f"{path}: no such file")
    suffix = path.suffix.casefold()
    try:
        if suffix in (".xlsx", ".xlsm", ".xls"):
            frames = pd.read_excel(path, sheet_name=None, header=None, dtype=object)
            return [Sheet(str(path), str(name), _grid(frame)) for name, frame in frames.items()]
        if suffix in (".csv", ".txt"):
            frame = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            return [Sheet(str(path), "", _grid(frame))]
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise PublishedError(f"{path}: cannot be read as {suffix.lstrip('.').upper()} ({exc})") from None
    except Exception as exc:  # a parser error of the CSV or Excel reader
        raise PublishedError(f"{path}: cannot be read ({type(exc).__name__}: {exc})") from None
    raise PublishedError(f"{path}: a published table must be a CSV file or an Excel workbook (.csv, .xlsx)")


def _grid(frame: Any) -> list[list[Any]]:
    rows = frame.astype(object).where(frame.notna(), None).values.tolist()
    return [[None if isinstance(v, str) and not v.strip() else v for v in row] for row in rows]


def header_row(sheet: Sheet, wanted: Iterable[str], within: int = 60) -> int | None:
    """The index of the first row (among the first ``within``) holding every ``wanted`` heading."""
    want = {norm(w) for w in wanted}
    for i, row in enumerate(sheet.cells[:within]):
        if want <= {norm(c) for c in row}:
            return i
    return None


# --- selections ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """Which rows: a trust (ODS code) and/or a council (local-authority code or name), and months."""

    trust: str | None = None
    council: str | None = None
    first: str | None = None
    last: str | None = None

    def __post_init__(self) -> None:
        if not self.trust and not self.council:
            raise PublishedError("choose a trust (its ODS code) or a council (its code or name), or both")
        for month in (self.first, self.last):
            if month is not None and not _ISO_MONTH.fullmatch(month):
                raise PublishedError(f"{month!r}: a month is written YYYY-MM, e.g. 2024-04")
        if self.first and self.last and self.first > self.last:
            raise PublishedError(f"months from {self.first} to {self.last}: the first is after the last")

    def takes(self, month: str) -> bool:
        return (self.first is None or month >= self.first) and (self.last is None or month <= self.last)

    def describe(self) -> str:
        who = [f"trust {self.trust}"] if self.trust else []
        who += [f"council {self.council}"] if self.council else []
        return " and ".join(who)


# --- the Discharge Ready Date publication ---------------------------------------------------------


@dataclass
class Month:
    """One month's figures for the selection, by measure, with the rows they came from."""

    month: str
    source: str
    kind: str
    cells: dict[str, list[Cell]] = field(default_factory=dict)

    def add(self, measure: str, cell: Cell) -> None:
        self.cells.setdefault(measure, []).append(cell)

    def rows(self) -> list[int]:
        return sorted({c.row for cells in self.cells.values() for c in cells})


_DRD_COLUMNS = {"measure": "Measure", "value": "Value"}
_DRD_OPTIONAL = {"type": "Data Type", "code": "Code", "la_code": "Upper Tier Local Authority Code",
                 "la_name": "Upper Tier Local Authority", "period": "Period"}


def is_drd(sheet: Sheet) -> bool:
    """Whether a sheet is the Discharge Ready Date publication's long table (Measure and Value)."""
    return header_row(sheet, _DRD_COLUMNS.values(), within=30) is not None


def read_drd(sheet: Sheet, chosen: Selection) -> list[Month]:
    """The selection's rows of a Discharge Ready Date long table, by month."""
    head = header_row(sheet, _DRD_COLUMNS.values(), within=30)
    assert head is not None
    names = [norm(c) for c in sheet.cells[head]]
    headings = {**_DRD_COLUMNS, **_DRD_OPTIONAL}
    col = {key: names.index(norm(text)) for key, text in headings.items() if norm(text) in names}
    if chosen.trust and "code" not in col:
        raise PublishedError(f"{sheet.label}: no column 'Code' in the header (row {head + 1}), so no trust can be "
                             "chosen")
    if chosen.council and not ({"la_code", "la_name"} & col.keys()):
        raise PublishedError(f"{sheet.label}: no column 'Upper Tier Local Authority Code' or 'Upper Tier Local "
                             f"Authority' in the header (row {head + 1}), so no council can be chosen")
    file_month = month_of(Path(sheet.file).name)
    wanted = {norm(m) for m in (*DRD_TOTALS, DRD_NO_DELAY, DRD_BED_DAYS, *DRD_BAND_MEASURES.values())}
    months: dict[str, Month] = {}
    seen_trust = seen_council = False
    for i, row in enumerate(sheet.cells[head + 1:], start=head + 2):
        def get(key: str, row: list[Any] = row) -> Any:
            return row[col[key]] if key in col and col[key] < len(row) else None
        kind = norm(get("type"))
        code_ok = chosen.trust is None or norm(get("code")) == norm(chosen.trust)
        council_ok = chosen.council is None or norm(chosen.council) in (norm(get("la_code")), norm(get("la_name")))
        seen_trust |= chosen.trust is not None and code_ok
        seen_council |= chosen.council is not None and council_ok
        if not (code_ok and council_ok) or not _drd_row_kind(kind, chosen, "type" in col):
            continue
        measure = norm(get("measure"))
        if measure not in wanted:
            continue
        month = month_of(get("period")) if "period" in col else file_month
        if month is None:
            raise PublishedError(f"{sheet.label}: cannot tell which month row {i} is for: name the month in the file "
                                 "name (as NHS England does, e.g. ...-April-2024.csv) or give a 'Period' column")
        if not chosen.takes(month):
            continue
        entry = months.setdefault(month, Month(month, sheet.label, "drd"))
        is_count = measure != norm(DRD_BED_DAYS)  # bed days are a sum of days, not a count of people
        cell = read_cell(get("value"), sheet.label, i, "Value", count=is_count)
        if measure in entry.cells:
            raise PublishedError(f"{sheet.label}: two rows of measure {get('measure')!r} for {chosen.describe()} in "
                                 f"{month} (rows {entry.cells[measure][0].row} and {i}); choose fewer rows")
        entry.add(measure, cell)
    _found(sheet, chosen, seen_trust, seen_council)
    return list(months.values())


def _drd_row_kind(kind: str, chosen: Selection, typed: bool) -> bool:
    """Whether a row of this Data Type is the selection's: a trust's own row, a council's aggregate
    over all trusts, or (trust and council) the council's residents discharged by the trust."""
    if not typed:
        return True
    if chosen.trust and chosen.council:
        return kind not in _AGGREGATE_TYPES
    if chosen.trust:
        return kind == "provider"
    return kind == "utla aggregate"


def _found(sheet: Sheet, chosen: Selection, seen_trust: bool, seen_council: bool) -> None:
    if chosen.trust and not seen_trust:
        raise PublishedError(f"{sheet.label}: trust {chosen.trust!r} is not in the file (no row with that code)")
    if chosen.council and not seen_council:
        raise PublishedError(f"{sheet.label}: council {chosen.council!r} is not in the file (no row with that "
                             "local-authority code or name)")


# --- the acute discharge situation report ----------------------------------------------------------

_NCTR = "number of patients who no longer meet the criteria to reside"
_REMAINING = "number of patients remaining in hospital who no longer meet the criteria to reside"
_DISCHARGED = "number of patients discharged"


def is_sitrep(sheet: Sheet) -> bool:
    """Whether a sheet is a table of the acute discharge sitrep (a header row holding 'Org Code')."""
    return header_row(sheet, ["Org Code"]) is not None


def _headings(sheet: Sheet, head: int) -> list[str]:
    """Each column's heading: the header row's cell, or the nearest filled cell above it (within
    three rows), since the sitrep writes a measure's name once above its days."""
    width = max(len(r) for r in sheet.cells[: head + 1])
    out = []
    for j in range(width):
        text = ""
        for i in range(head, max(head - 4, -1), -1):
            row = sheet.cells[i]
            if j < len(row) and row[j] is not None and month_of(row[j]) is None and not _is_date(row[j]):
                text = str(row[j])
                break
        out.append(text)
    return out


def _is_date(value: Any) -> bool:
    return hasattr(value, "year") and hasattr(value, "day")


def _sitrep_month(sheet: Sheet) -> str | None:
    """The month of a sitrep sheet: a 'Period:' cell near the top, or the file name."""
    for row in sheet.cells[:20]:
        for j, c in enumerate(row[:-1]):
            if norm(c).rstrip(":") == "period":
                found = next((month_of(x) for x in row[j + 1:] if month_of(x)), None)
                if found:
                    return found
    return month_of(Path(sheet.file).name)


def read_sitrep(sheet: Sheet, chosen: Selection) -> tuple[Month | None, list[str]]:
    """The trust's row of one sitrep table (daily NCTR counts, or reasons for delay) as one month;
    and the headings of the reasons sheet the reason table does not know."""
    if chosen.trust is None:
        return None, []
    head = header_row(sheet, ["Org Code"])
    assert head is not None
    headings = _headings(sheet, head)
    code_col = [norm(c) for c in sheet.cells[head]].index("org code")
    daily = {j: h for j, h in enumerate(headings) if norm(h) in (_NCTR, _REMAINING) or norm(h).startswith(_DISCHARGED)}
    reasons = {j: h for j, h in enumerate(headings) if j > code_col and reason_of(h) is not None}
    if not daily and len(reasons) < 3:
        return None, []  # a table of the workbook this reader does not use
    rows = [i for i, row in enumerate(sheet.cells) if i > head and code_col < len(row)
            and norm(row[code_col]) == norm(chosen.trust)]
    if not rows:
        raise PublishedError(f"{sheet.label}: trust {chosen.trust!r} is not in the table (no row with that Org Code "
                             f"below the header in row {head + 1})")
    if len(rows) > 1:
        numbers = ", ".join(str(i + 1) for i in rows)
        raise PublishedError(f"{sheet.label}: trust {chosen.trust!r} has {len(rows)} rows ({numbers}); expected one")
    month = _sitrep_month(sheet)
    if month is None:
        raise PublishedError(f"{sheet.label}: cannot tell which month the table is for: name the month in the file "
                             "name (e.g. ...-April-2024.xlsx) or keep the sheet's 'Period:' cell")
    i, row = rows[0], sheet.cells[rows[0]]
    entry = Month(month, sheet.label, "sitrep")
    unknown: list[str] = []
    if daily:
        for j, heading in daily.items():
            measure = _REMAINING if norm(heading) == _REMAINING else _NCTR if norm(heading) == _NCTR else _DISCHARGED
            entry.add(measure, read_cell(row[j] if j < len(row) else None, sheet.label, i + 1, heading, count=True))
    else:
        for j, heading in enumerate(headings):
            if j <= code_col or not heading:
                continue
            if j in reasons:
                # averages of patients per day, not counts of people: only markers suppress them
                entry.add(f"reason:{heading}", read_cell(row[j] if j < len(row) else None, sheet.label, i + 1,
                                                         heading, count=False))
            elif norm(heading) not in ("org name", "total"):
                unknown.append(heading)
    return (entry if chosen.takes(month) else None), unknown


# --- months into targets -------------------------------------------------------------------------


@dataclass
class Targets:
    """Targets for the calibrate command, and everything the file's comments say about them."""

    values: dict[str, tuple[float, float]] = field(default_factory=dict)
    """metric -> (value, tolerance)."""
    sources: list[str] = field(default_factory=list)
    months: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    not_used: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def tolerance(monthly: Sequence[float], value: float, floor: float) -> float:
    """The larger of a 95% half-width from the months' variation (1.96 sd / sqrt(months), for two
    months or more) and a floor."""
    n = len(monthly)
    half = 0.0
    if n >= 2:
        mean = sum(monthly) / n
        sd = math.sqrt(sum((x - mean) ** 2 for x in monthly) / (n - 1))
        half = Z95 * sd / math.sqrt(n)
    return max(half, floor)


TOLERANCE_RULE = (
    f"tolerance = the larger of 1.96 x sd(monthly values) / sqrt(months) (a 95% half-width from the months' "
    f"variation; none for one month) and a floor: {SHARE_FLOOR} for a share, {DAYS_FLOOR} days for a mean delay, "
    f"{NCTR_FLOOR[0]:.0%} of the value and at least {NCTR_FLOOR[1]:g} patient for a mean number of patients"
)


def _check(month: Month, measures: Iterable[str]) -> tuple[list[float], Cell | None]:
    """The values of ``measures`` in a month, or the first cell that is suppressed or missing."""
    values = []
    for m in measures:
        cells = month.cells.get(m)
        if not cells:
            return [], Cell(None, month.source, 0, m, "missing")
        for c in cells:
            if c.value is None:
                return [], c
        values.append(sum(c.value for c in cells if c.value is not None))
    return values, None


def _bad(metric: str, month: str, cell: Cell) -> str:
    where = cell.where if cell.row else f"{cell.file}, measure {cell.column!r}"
    return f"{metric}: {month} has a {cell.why} cell ({where})"


def drd_targets(months: Sequence[Month], out: Targets) -> None:
    """Share delayed, mean delay of the delayed and the share in each delay band, over the months."""
    if not months:
        return
    bands = [norm(DRD_BAND_MEASURES[b]) for b in BANDS]
    totals = [norm(t) for t in DRD_TOTALS]
    bed = norm(DRD_BED_DAYS)

    def total_of(m: Month) -> str:
        return next((t for t in totals if t in m.cells), totals[0])

    def measure(metric: str, needs: Any, ratio: Any, floor: float) -> None:
        nums, dens, monthly = 0.0, 0.0, []
        for m in months:
            values, bad = _check(m, needs(m))
            if bad is not None:
                out.left_out.append(_bad(metric, m.month, bad))
                return
            num, den = ratio(values)
            nums, dens = nums + num, dens + den
            if den:
                monthly.append(num / den)
        if not dens:
            out.left_out.append(f"{metric}: no discharges in the months chosen")
            return
        value = nums / dens
        out.values[metric] = (value, tolerance(monthly, value, floor))

    measure("delayed_discharge_share", lambda m: [total_of(m), *bands],
            lambda v: (sum(v[1:]), v[0]), SHARE_FLOOR)
    measure("mean_delay_days_of_delayed", lambda m: [bed, *bands], lambda v: (v[0], sum(v[1:])), DAYS_FLOOR)
    for k, label in enumerate(BANDS):
        measure(f"delay_band_{label}_share", lambda m: bands, lambda v, k=k: (v[k], sum(v)), SHARE_FLOOR)
    out.not_used.extend(DRD_NOT_USED)


def sitrep_targets(months: Sequence[Month], out: Targets, reason_shares: bool, unknown: Sequence[str]) -> None:
    """Mean patients without criteria to reside still in a bed, the share of them discharged each
    day and, if asked for, shares of DToC-style days by reason."""
    daily = [m for m in months if _REMAINING in m.cells or _NCTR in m.cells]
    reasons = [m for m in months if any(k.startswith("reason:") for k in m.cells)]
    if daily:
        _nctr_targets(daily, out)
        out.not_used.extend(SITREP_NOT_USED)
    if reasons:
        _reason_targets(reasons, out, reason_shares, unknown)


def _nctr_targets(months: Sequence[Month], out: Targets) -> None:
    sums, days, monthly = 0.0, 0, []
    for m in months:
        values, bad = _check(m, [_REMAINING])
        cells = m.cells.get(_REMAINING, [])
        if bad is not None:
            out.left_out.append(_bad("nctr_patients_mean", m.month, bad))
            break
        sums, days = sums + values[0], days + len(cells)
        monthly.append(values[0] / len(cells))
    else:
        value = sums / days
        out.values["nctr_patients_mean"] = (value, tolerance(monthly, value, max(NCTR_FLOOR[0] * value,
                                                                                   NCTR_FLOOR[1])))
    gone, ready, monthly = 0.0, 0.0, []
    for m in months:
        values, bad = _check(m, [_DISCHARGED, _NCTR])
        if bad is not None:
            out.left_out.append(_bad("nctr_discharged_share", m.month, bad))
            return
        gone, ready = gone + values[0], ready + values[1]
        if values[1]:
            monthly.append(values[0] / values[1])
    if ready:
        value = gone / ready
        out.values["nctr_discharged_share"] = (value, tolerance(monthly, value, SHARE_FLOOR))


def _reason_targets(months: Sequence[Month], out: Targets, wanted: bool, unknown: Sequence[str]) -> None:
    """dtoc_share_<code>: each code's share of the patients delayed for a counted reason (not
    ``other``, as the model's dtoc_share_* leave hospital-internal process out)."""
    note = ("reasons are published for patients in hospital 14 days or more, so their shares lean towards long "
            "waits for places; the model's dtoc_share_* count every delayed midnight")
    if not wanted:
        out.not_used.append(f"reasons for delay as dtoc_share_<code> (not asked for: --reason-shares; {note})")
        return
    if unknown:
        out.left_out.append("dtoc_share_*: the reasons sheet has headings the reason table does not know ("
                            + "; ".join(sorted(set(unknown))[:5]) + "), so no share of the whole can be built")
        return
    by_code: dict[str, float] = {}
    ambiguous: set[str] = set()
    monthly: dict[str, list[float]] = {}
    for m in months:
        month_codes: dict[str, float] = {}
        for key, cells in m.cells.items():
            reason = reason_of(key.removeprefix("reason:"))
            assert reason is not None
            for c in cells:
                if c.value is None:
                    out.left_out.append(_bad("dtoc_share_*", m.month, c))
                    return
                if reason.alternatives:
                    ambiguous.update((reason.dtoc_code, *reason.alternatives))
                month_codes[reason.dtoc_code] = month_codes.get(reason.dtoc_code, 0.0) + c.value
        counted = sum(v for k, v in month_codes.items() if k != DTOC_UNCOUNTED)
        for code, v in month_codes.items():
            by_code[code] = by_code.get(code, 0.0) + v
            if counted:
                monthly.setdefault(code, []).append(v / counted)
    total = sum(v for k, v in by_code.items() if k != DTOC_UNCOUNTED)
    if not total:
        out.left_out.append("dtoc_share_*: no patients delayed for a counted reason")
        return
    for code in sorted(by_code):
        if code == DTOC_UNCOUNTED:
            continue
        if code in ambiguous:
            out.left_out.append(f"dtoc_share_{code}: a reason may be {' or '.join(sorted(ambiguous))} (residential or "
                                "nursing home not said), so their shares cannot be told apart")
            continue
        value = by_code[code] / total
        out.values[f"dtoc_share_{code}"] = (value, tolerance(monthly.get(code, []), value, SHARE_FLOOR))
    out.notes.append(f"dtoc_share_*: {note}")


def published_targets(paths: Sequence[Path], chosen: Selection, reason_shares: bool = False,
                      as_council: str | None = None) -> Targets:
    """Read every file, keep the selection's rows and months, and build the targets."""
    if not paths:
        raise PublishedError("give at least one published file")
    drd: list[Month] = []
    sitrep: list[Month] = []
    unknown: list[str] = []
    out = Targets()
    for path in paths:
        sheets = read_sheets(Path(path))
        used = False
        for sheet in sheets:
            if is_drd(sheet):
                found = read_drd(sheet, chosen)
                drd += found
                used = True
                _source(out, sheet, found, DRD)
            elif is_sitrep(sheet):
                if chosen.trust is None:
                    out.notes.append(f"{sheet.label}: the sitrep is by trust only; not read for a council alone")
                    used = True
                    continue
                month, headings = read_sitrep(sheet, chosen)
                used = used or month is not None or bool(headings)
                if month is not None:
                    sitrep.append(month)
                    unknown += headings
                    _source(out, sheet, [month], SITREP)
        if not used:
            raise PublishedError(f"{path}: not a table this reader knows: neither the Discharge Ready Date long table "
                                 "(columns Measure and Value) nor an acute discharge sitrep table (a header row "
                                 "holding 'Org Code' with daily criteria-to-reside counts or reasons for delay)")
    _no_repeats(drd)
    _no_repeats([m for m in sitrep if m.kind == "sitrep" and any(k.startswith("reason:") for k in m.cells)])
    _no_repeats([m for m in sitrep if not any(k.startswith("reason:") for k in m.cells)])
    out.months = sorted({m.month for m in (*drd, *sitrep)})
    if not out.months:
        raise PublishedError(f"no rows of {chosen.describe()} in the months chosen"
                             + (f" ({chosen.first or '...'} to {chosen.last or '...'})" if chosen.first or chosen.last
                                else ""))
    drd_targets(sorted(drd, key=lambda m: m.month), out)
    sitrep_targets(sorted(sitrep, key=lambda m: m.month), out, reason_shares, unknown)
    if as_council:
        _as_council(out, as_council)
    return out


def _source(out: Targets, sheet: Sheet, months: Sequence[Month], what: str) -> None:
    if not months:
        return
    rows = sorted({r for m in months for r in m.rows()})
    spans = ", ".join(sorted({m.month for m in months}))
    out.sources.append(f"{sheet.label} ({what}): rows {_ranges(rows)}; months {spans}")


def _ranges(rows: Sequence[int]) -> str:
    """'2-5, 9, 12-13' from sorted row numbers."""
    parts: list[str] = []
    start = prev = None
    for r in [*rows, None]:
        if r is not None and prev is not None and r == prev + 1:
            prev = r
            continue
        if start is not None:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = r
    return ", ".join(parts)


def _no_repeats(months: Sequence[Month]) -> None:
    seen: dict[str, str] = {}
    for m in months:
        if m.month in seen:
            raise PublishedError(f"{m.month} is in two files ({seen[m.month]} and {m.source}); give each month once "
                                 "(an original and its revision are two files of one month: keep the revision)")
        seen[m.month] = m.source


def _as_council(out: Targets, council: str) -> None:
    """Name every target as a home council's metric (council.<name>.<metric>), where the model
    reports that metric per council; the others are left out."""
    from discharge_sim.analysis.metrics import is_council_metric

    renamed: dict[str, tuple[float, float]] = {}
    for metric, spec in out.values.items():
        if is_council_metric(metric):
            renamed[council_metric(council, metric)] = spec
        else:
            out.left_out.append(f"{metric}: the model does not report it per council")
    out.values = renamed
