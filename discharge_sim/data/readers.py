"""Read an extract from CSV, Excel or Parquet into checked columns (see :mod:`.extract`).

Column names are matched without regard to case, spaces or hyphens (``Admitted At`` is
``admitted_at``); columns the schema does not know are kept out and listed. Dates are read as ISO
8601 (``2024-04-01 14:30``) or day first, as English data writes them (``01/04/2024 14:30``);
Excel and Parquet date cells are read as they are. Times with a UTC offset are read as the local
time in England (times are wall-clock times: a stay across a change of the clocks is an hour out).
Row numbers count the header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from discharge_sim.data.extract import COLUMNS, Extract, ExtractError, Problems, check_rows

SUFFIXES = {".csv": "CSV", ".txt": "CSV", ".xlsx": "Excel", ".xlsm": "Excel", ".parquet": "Parquet", ".pq": "Parquet"}
"""The file types an extract may be, by suffix."""
DAY_FIRST_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d-%m-%Y %H:%M", "%d-%m-%Y")
"""Dates tried, in order, after ISO 8601."""


@dataclass(frozen=True)
class ReadExtract:
    """An extract read and checked: the usable rows, the rows left out, and the columns the file
    had that the schema does not use."""

    extract: Extract
    problems: Problems
    ignored_columns: tuple[str, ...]
    source: str


def read_extract(path: str | Path, end: datetime | None = None,
                 reason_code: Callable[[str], str | None] | None = None) -> ReadExtract:
    """Read and check the extract at ``path``. ``end``: when it was taken (default: its latest
    time). Raises :class:`ExtractError` when the file cannot be read, lacks a required column or
    has no usable row."""
    path = Path(path)
    frame = read_table(path)
    return extract_from_frame(frame, path.name, end, reason_code)


def read_table(path: Path) -> Any:
    """The file as a pandas data frame of text (Parquet and Excel dates stay dates)."""
    import pandas as pd

    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise ExtractError(f"{path}: not an extract file type: give .csv, .xlsx or .parquet")
    if not path.is_file():
        raise ExtractError(f"{path}: no such file")
    try:
        if kind == "CSV":
            try:
                return pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True,
                                   encoding="utf-8-sig")
            except UnicodeDecodeError:  # Excel's "CSV" on English Windows is Windows-1252
                return pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True,
                                   encoding="cp1252")
        if kind == "Excel":
            sheets = pd.ExcelFile(path, engine="openpyxl").sheet_names
            sheet = "extract" if "extract" in sheets else sheets[0]
            frame = pd.read_excel(path, sheet_name=sheet, dtype=object, engine="openpyxl")
            frame.attrs["sheet"] = sheet
            return frame
        return pd.read_parquet(path)
    except (ValueError, OSError, UnicodeDecodeError, ImportError) as exc:
        raise ExtractError(f"{path}: cannot be read as {kind}: {exc}") from None
    except Exception as exc:  # a parser's own errors (pandas, openpyxl, pyarrow) name the problem
        raise ExtractError(f"{path}: cannot be read as {kind}: {type(exc).__name__}: {exc}") from None


def canonical(name: str) -> str:
    """A column name as the schema spells it: lower case, words joined by underscores."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def extract_from_frame(frame: Any, source: str, end: datetime | None = None,
                       reason_code: Callable[[str], str | None] | None = None) -> ReadExtract:
    """Check a data frame with the extract's columns (see :func:`read_extract`)."""
    import pandas as pd

    names = {canonical(c): c for c in frame.columns}
    known = {c.name for c in COLUMNS}
    missing = [c.name for c in COLUMNS if c.required and c.name not in names]
    if "sheet" in frame.attrs:
        source = f"{source} (sheet {frame.attrs['sheet']!r}: the one named extract, else the first)"
    if missing:
        raise ExtractError(f"{source}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                           f"an extract needs {', '.join(c.name for c in COLUMNS if c.required)} "
                           f"(see docs/how-to/fit-from-data.md)")
    ignored = tuple(sorted(str(names[n]) for n in names if n not in known))
    if len(frame) == 0:
        raise ExtractError(f"{source}: no rows under the header")
    cells: dict[str, np.ndarray] = {}
    stamps: dict[str, Any] = {}
    unparsed: dict[str, np.ndarray] = {}
    for column in COLUMNS:
        if column.name not in names:
            continue
        series = frame[names[column.name]]
        if column.kind == "datetime":
            parsed, bad, text = _datetimes(series, pd)
            stamps[column.name], unparsed[column.name], cells[column.name] = parsed, bad, text
        else:
            cells[column.name] = _text(series, pd)
    admitted = stamps["admitted_at"]
    if admitted.isna().all():
        raise ExtractError(f"{source}: no admitted_at cell holds a date and time")
    first = admitted.min()
    origin = (first - timedelta(days=first.weekday())).normalize().to_pydatetime()
    times = {name: _hours(t, origin, pd) for name, t in stamps.items()}
    date_only = frozenset(name for name, t in times.items() if _dates_only(t))
    end_hours = None if end is None else (end - origin).total_seconds() / 3600.0
    extract, problems = check_rows(cells, times, unparsed, origin, end_hours, reason_code, source, date_only)
    return ReadExtract(extract, problems, ignored, source)


def _dates_only(hours: np.ndarray) -> bool:
    """Whether a column holds dates without times: every value it has falls at midnight."""
    given = hours[~np.isnan(hours)]
    return bool(given.size) and bool(np.all(np.mod(given, 24.0) == 0.0))


def _text(series: Any, pd: Any) -> np.ndarray:
    values = series.astype(object).where(series.notna(), "")
    return np.array([_cell_text(v) for v in values], dtype=object).astype(str)


def _cell_text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _datetimes(series: Any, pd: Any) -> tuple[Any, np.ndarray, np.ndarray]:
    """(parsed timestamps with NaT where empty or bad, a mask of cells that did not parse, the text)."""
    if pd.api.types.is_datetime64_any_dtype(series):
        parsed = series.dt.tz_convert("Europe/London").dt.tz_localize(None) if series.dt.tz is not None else series
        text = np.where(parsed.isna(), "", parsed.astype(str)).astype(str)
        return parsed.astype("datetime64[ns]"), np.zeros(len(series), dtype=bool), text
    text = _text(series, pd)
    strings = pd.Series(text, index=series.index)
    empty = strings == ""
    try:
        parsed = pd.to_datetime(strings.where(~empty), format="ISO8601", errors="coerce")
    except ValueError:  # offsets that differ (summer and winter, or Z): read as the local time in England
        parsed = pd.to_datetime(strings.where(~empty), format="ISO8601", errors="coerce", utc=True)
        parsed = parsed.dt.tz_convert("Europe/London").dt.tz_localize(None)
    for fmt in DAY_FIRST_FORMATS:
        left = parsed.isna() & ~empty
        if not left.any():
            break
        parsed[left] = pd.to_datetime(strings[left], format=fmt, errors="coerce")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("Europe/London").dt.tz_localize(None)
    bad = (parsed.isna() & ~empty).to_numpy()
    return parsed.astype("datetime64[ns]"), bad, text


def _hours(stamps: Any, origin: datetime, pd: Any) -> np.ndarray:
    delta = (stamps - pd.Timestamp(origin)).dt.total_seconds() / 3600.0
    return delta.to_numpy(dtype=float, na_value=np.nan)
