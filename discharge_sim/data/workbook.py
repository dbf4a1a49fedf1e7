"""The spreadsheet form of a config: a config as an Excel workbook (a sheet per section, units and
allowed values in the headers) and a filled workbook back as config data.

Analysts often keep a model's parameters in a workbook; this lets them fill one in and run it,
and get back exactly the config they started from. What is read back is validated by the
config's own rules (:func:`~discharge_sim.config.config_from_dict`); what a cell itself gets
wrong (text in a number column, an unknown column) is named by its cell, such as ``pools!C4``.
Nothing here writes files: :mod:`discharge_sim.api.templates` saves a workbook atomically.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_origin

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from discharge_sim.config import Config, ConfigError, apply_overrides, config_from_dict
from discharge_sim.config.errors import MAX_PROBLEMS, show
from discharge_sim.config.loading import MAX_FILE_BYTES
from discharge_sim.data.fields import Setting, literals
from discharge_sim.data.layout import ABOUT, README, Sheet, layout, sheet
from discharge_sim.version import __version__

TABLE_HEADER_ROWS = 3
"""Rows above a table's entries: the keys (read back), then units and allowed values (for people)."""
VALUE_COLUMNS = ("key", "value", "unit", "allowed", "description")
"""The columns of a sheet of settings; only the first two are read back."""
MOST_ROWS = 10_000
"""The most rows a sheet may have: a config has tens."""
EXACT_DIGITS = 15
"""Significant digits a spreadsheet keeps of a number; a number that needs more is written as text."""
_EMPTY = object()


# --- config -> workbook -------------------------------------------------------------------------

def config_workbook(config: Config, source: str = "") -> Workbook:
    """The workbook of ``config``: a README sheet, then a sheet per section in the config's order."""
    data = config.model_dump(mode="python", exclude_none=True)
    book = Workbook()
    _readme(book.active, config, source)
    for layout_sheet in layout():
        ws = book.create_sheet(layout_sheet.name)
        if layout_sheet.kind == "values":
            section = data if layout_sheet.name == ABOUT else data.get(layout_sheet.name, {})
            _write_values(ws, layout_sheet, section)
        else:
            _write_table(ws, layout_sheet, list(_rows(layout_sheet, data.get(layout_sheet.name, {}))))
    return book


def _rows(layout_sheet: Sheet, section: Mapping[Any, Any]) -> list[tuple[Any, Mapping[str, Any]]]:
    """(first column, settings) per row of a table sheet."""
    if layout_sheet.kind == "schedules":
        return [(name, window) for name, windows in section.items() for window in windows]
    if layout_sheet.kind == "pathways":
        return [row for pathway, graph in section.items()
                for row in ([(pathway, {"step": s, "after": after}) for s, after in graph.items()]
                            or [(pathway, {})])]
    return list(section.items())


def _write_values(ws: Worksheet, layout_sheet: Sheet, section: Mapping[str, Any]) -> None:
    ws.append(list(VALUE_COLUMNS))
    for setting in layout_sheet.settings:
        ws.append([setting.key, None, setting.unit, setting.allowed, setting.description])
        _put(ws.cell(ws.max_row, 2), _cell_value(_get(section, setting.key), setting))
    _style_header(ws, 1)
    widths = (max(len(s.key) for s in layout_sheet.settings) + 2, 32, 18, 48, 80)
    for column, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(column)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row[1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        row[0].alignment = Alignment(vertical="top")
    ws.freeze_panes = "B2"


def _write_table(ws: Worksheet, layout_sheet: Sheet, rows: list[tuple[Any, Mapping[str, Any]]]) -> None:
    columns = layout_sheet.columns
    ws.append([c.key for c in columns])
    ws.append([c.unit or None for c in columns])
    ws.append([_table_allowed(c) for c in columns])
    for column, setting in enumerate(columns, 1):
        if setting.description:
            ws.cell(1, column).comment = Comment(setting.description, "discharge-sim", width=320, height=160)
    for first, values in rows:
        ws.append([None] * len(columns))
        _put(ws.cell(ws.max_row, 1), first)
        for column, setting in enumerate(columns[1:], 2):
            _put(ws.cell(ws.max_row, column), _cell_value(_get(values, setting.key), setting))
    for header in range(1, TABLE_HEADER_ROWS + 1):
        _style_header(ws, header)
    for column, setting in enumerate(columns, 1):
        longest = max([len(setting.key), *(len(str(c.value)) for c in
                                           next(ws.iter_cols(column, column, TABLE_HEADER_ROWS + 1)) or [])],
                      default=10) if ws.max_row > TABLE_HEADER_ROWS else len(setting.key)
        ws.column_dimensions[get_column_letter(column)].width = min(max(longest + 2, 14), 48)
    ws.freeze_panes = ws.cell(TABLE_HEADER_ROWS + 1, 2)


def _table_allowed(setting: Setting) -> str:
    only = f"{' and '.join(setting.only_for)} steps only: " if setting.only_for else ""
    return only + setting.allowed


def _style_header(ws: Worksheet, row: int) -> None:
    key_row = row == 1
    for cell in ws[row]:
        cell.font = Font(bold=key_row, italic=not key_row, size=11 if key_row else 9)
        cell.fill = PatternFill("solid", fgColor="DDE5F0" if key_row else "F2F2F2")
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _readme(ws: Worksheet, config: Config, source: str) -> None:
    ws.title = README
    lines = [
        (f"discharge-sim config workbook: {config.name}", True),
        (f"Written by discharge-sim {__version__}" + (f" from {source}" if source else "") + ".", False),
        ("", False),
        ("What this is", True),
        ("The parameters of one discharge-sim config, a sheet per section of the config. Reading the workbook "
         "back gives the same config, value for value.", False),
        ("", False),
        ("How to fill it in", True),
        ("Sheets of settings (run, hospital, emergency, ...): change the value column; unit, allowed values and "
         "description say what each setting is. An empty value means the default (the allowed column says "
         "which), or that the setting is not used.", False),
        ("Table sheets (groups, staff, pools, steps, councils): one row per entry, its name in column A. Row 1 "
         "holds the keys (dotted for a setting inside a block, such as length_of_stay.mean_days), row 2 the "
         "unit, row 3 the allowed values; hover over a key for its meaning. Add a row to add an entry; clear a "
         "row to remove it. Leave a block's cells empty (all of length_of_stay.*, say) to leave the block out.",
         False),
        ("schedules: one row per window of working hours; a schedule with two windows has two rows with its "
         "name. pathways: one row per step of a pathway, with the steps it waits for.", False),
        ("Lists and maps are written as short YAML: [mon, tue, wed] or {home_care: 0.6, reablement: 0.4}; a "
         "list may also be written without brackets (mon, tue, wed). true and false are true and false.", False),
        ("Do not rename the sheets or the keys in row 1 (or column A of a sheet of settings).", False),
        ("", False),
        ("How to read it back", True),
        ("discharge-sim template --from-xlsx THIS.xlsx --out my-config.yaml    (writes the YAML config)", False),
        ("discharge-sim check THIS.xlsx    (or run, compare, attribute, warmup, validate: they read workbooks "
         "too)", False),
        ("A cell that cannot be read is named with the value found and what is allowed, such as pools!C4.",
         False),
        ("", False),
        ("Sheets", True),
        *((f"{s.name}: {s.meaning}", False) for s in layout()),
    ]
    for text, heading in lines:
        ws.append([text])
        ws.cell(ws.max_row, 1).font = Font(bold=heading, size=13 if heading else 11)
        ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(1, 1).font = Font(bold=True, size=15)
    ws.column_dimensions["A"].width = 120


def _get(data: Mapping[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return _EMPTY
        node = node[part]
    return node


def _cell_value(value: Any, setting: Setting) -> Any:
    """What a cell holds for ``value``: numbers, text and true/false as themselves, lists and maps as
    YAML flow text; empty for a setting not given, or a list or map at its empty default."""
    if value is _EMPTY or value is None:
        return None
    if setting.container:
        if not value and not setting.info.is_required() and setting.info.get_default(
                call_default_factory=True) == value:
            return None
        return flow(value)
    return value


def _put(cell: Any, value: Any) -> None:
    """Set a cell: a number a spreadsheet would round (more than 15 digits) is kept as text, as is
    text a spreadsheet would take for a formula."""
    if isinstance(value, bool) or value is None:
        cell.value = value
    elif isinstance(value, int) and abs(value) >= 10**EXACT_DIGITS:
        cell.value = str(value)
    elif isinstance(value, float) and float(f"{value:.{EXACT_DIGITS}g}") != value:
        cell.value = repr(value)
    else:
        cell.value = value
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"


def flow(value: Any) -> str:
    """A list or map as one line of YAML: ``[mon, tue]``, ``{home_care: 0.6}``."""
    return yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=2**31,
                          allow_unicode=True).strip()


# --- workbook -> config -------------------------------------------------------------------------

@dataclass
class Reading:
    """Config data read from a workbook, where each setting came from, and what could not be read."""

    source: str
    raw: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    """Dotted config key -> the cell (``pools!C4``) or row (``pools!5:5``) it was read from."""
    problems: list[str] = field(default_factory=list)

    def problem(self, where: str, value: Any, words: str) -> None:
        shown = "" if value is _EMPTY else f" = {show(value)}"
        self.problems.append(f"  {where}{shown}: {words}")

    def check(self) -> None:
        if self.problems:
            count = len(self.problems)
            lines = self.problems[:MAX_PROBLEMS] + ([f"  (and {count - MAX_PROBLEMS} more)"]
                                                    if count > MAX_PROBLEMS else [])
            raise ConfigError("\n".join([f"{self.source}: invalid workbook ({count} problem{'s' * (count > 1)})",
                                         *lines]))


def open_workbook(path: str | Path) -> Workbook:
    """A workbook file, opened for its values (a formula's last computed result, not its text)."""
    p = Path(path)
    if not p.exists():
        raise ConfigError(f"{p}: no such workbook file")
    if not p.is_file():
        raise ConfigError(f"{p}: not a file; expected an Excel workbook (.xlsx)")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ConfigError(f"{p}: {size / 2**20:.3g} MB, larger than a config workbook can be "
                          f"(at most {MAX_FILE_BYTES / 2**20:.3g} MB; one is some tens of kilobytes)")
    try:
        return load_workbook(p, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ConfigError(f"{p}: not an Excel workbook (.xlsx) that can be read ({type(exc).__name__}: "
                          f"{str(exc)[:200]}); save it from Excel as .xlsx") from None
    except Exception as exc:  # openpyxl's own: InvalidFileException and the like
        raise ConfigError(f"{p}: not an Excel workbook (.xlsx) that can be read ({type(exc).__name__}); "
                          "save it from Excel as .xlsx") from None


def read_workbook(book: Workbook, source: str = "workbook") -> Reading:
    """Config data from a filled workbook; what a cell gets wrong raises a ConfigError naming it."""
    reading = Reading(source)
    known = [s.name for s in layout()]
    for ws in book.worksheets:
        if ws.title == README:
            continue
        found = sheet(ws.title)
        if found is None:
            reading.problem(f"sheet {ws.title!r}", _EMPTY, f"not a section of a config; sheets: {', '.join(known)} "
                            f"(and {README}, which is not read)")
            continue
        if ws.max_row > MOST_ROWS:
            reading.problem(f"sheet {ws.title!r}", _EMPTY, f"{ws.max_row:,} rows; at most {MOST_ROWS:,}")
            continue
        if found.kind == "values":
            _read_values(ws, found, reading)
        else:
            _read_table(ws, found, reading)
    reading.check()
    return reading


def workbook_config(book: Workbook, source: str = "workbook", overrides: Mapping[str, Any] | None = None) -> Config:
    """The config a filled workbook holds, validated; a problem is named by its cell where it has one."""
    reading = read_workbook(book, source)
    raw = apply_overrides(reading.raw, overrides) if overrides else reading.raw
    try:
        return config_from_dict(raw, source=source)
    except ConfigError as exc:
        raise ConfigError(_with_cells(str(exc), reading.cells)) from None


def _with_cells(message: str, cells: Mapping[str, str]) -> str:
    """A config error's lines, each with the cell or row of the setting it names, such as ``[pools!C4]``."""
    lines = message.split("\n")
    for n, line in enumerate(lines[1:], 1):
        token = line.strip().split(" ", 1)[0].rstrip(":")
        parts = token.split(".")
        for cut in range(len(parts), 0, -1):
            where = cells.get(".".join(parts[:cut]))
            if where:
                lines[n] = f"{line} [{where}]"
                break
    return "\n".join(lines)


def _read_values(ws: Worksheet, layout_sheet: Sheet, reading: Reading) -> None:
    by_key = {s.key: s for s in layout_sheet.settings}
    section: dict[str, Any] = {}
    seen: dict[str, int] = {}
    for r, row in enumerate(ws.iter_rows(min_row=2, max_col=2, values_only=True), 2):
        key, value = (*row, None, None)[:2]
        if _blank(key) and _blank(value):
            continue
        ref = f"{ws.title}!B{r}"
        if _blank(key) or str(key).strip() not in by_key:
            reading.problem(f"{ws.title}!A{r}", key if not _blank(key) else _EMPTY,
                            f"not a setting of {ws.title}; keys here: {', '.join(by_key)}")
            continue
        key = str(key).strip()
        if key in seen:
            reading.problem(f"{ws.title}!A{r}", key, f"given twice (first in row {seen[key]}); keep one")
            continue
        seen[key] = r
        parsed = _parse(value, by_key[key], ref, reading)
        if parsed is not _EMPTY:
            _set(section, key.split("."), parsed)
            reading.cells[_dotted(layout_sheet.name, key)] = ref
    if section:
        if layout_sheet.name == ABOUT:
            reading.raw.update(section)
        else:
            reading.raw[layout_sheet.name] = section
            reading.cells.setdefault(layout_sheet.name, f"sheet {ws.title}")


def _dotted(section: str, key: str) -> str:
    return key if section == ABOUT else f"{section}.{key}"


def _read_table(ws: Worksheet, layout_sheet: Sheet, reading: Reading) -> None:
    by_key = {s.key: s for s in layout_sheet.columns}
    header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    columns: dict[int, Setting] = {}
    refused: set[int] = set()  # columns whose key is wrong: said once, at the key
    for c, key in enumerate(header):
        letter = get_column_letter(c + 1)
        if _blank(key):
            continue
        name = str(key).strip()
        if name not in by_key:
            reading.problem(f"{ws.title}!{letter}1", key, f"unknown column; columns of {ws.title}: {', '.join(by_key)}")
            refused.add(c)
        elif name in (s.key for s in columns.values()):
            reading.problem(f"{ws.title}!{letter}1", key, "a column given twice; keep one")
            refused.add(c)
        else:
            columns[c] = by_key[name]
    first = layout_sheet.first
    assert first is not None
    if first.key not in (s.key for s in columns.values()):
        reading.problem(f"{ws.title}!A1", header[0] if header and not _blank(header[0]) else _EMPTY,
                        f"the sheet needs its {first.key!r} column (row 1 holds the keys)")
        return
    section: dict[Any, Any] = {}
    for r, row in enumerate(ws.iter_rows(min_row=TABLE_HEADER_ROWS + 1, values_only=True), TABLE_HEADER_ROWS + 1):
        if all(_blank(v) for v in row):
            continue
        entry: dict[str, Any] = {}
        refs: dict[str, str] = {}
        label: Any = _EMPTY
        for c, value in enumerate(row):
            ref = f"{ws.title}!{get_column_letter(c + 1)}{r}"
            setting = columns.get(c)
            if setting is None:
                if not _blank(value) and c not in refused:
                    reading.problem(ref, value, "a value in a column with no key in row 1")
                continue
            parsed = _parse(value, setting, ref, reading)
            if setting is first:
                label = parsed if _blank(value) or parsed is not _EMPTY else None  # None: named, but wrongly
            elif parsed is not _EMPTY:
                _set(entry, setting.key.split("."), parsed)
                refs[setting.key] = ref
        if label is not None:
            _add_row(layout_sheet, section, label, entry, refs, ws.title, reading, r)
    reading.raw[layout_sheet.name] = section
    reading.cells.setdefault(layout_sheet.name, f"sheet {ws.title}")


def _add_row(layout_sheet: Sheet, section: dict[Any, Any], label: Any, entry: dict[str, Any],
             refs: dict[str, str], title: str, reading: Reading, r: int) -> None:
    """One row of a table into its section: an entry, a schedule's window or a pathway's step."""
    first = layout_sheet.first
    assert first is not None
    where, row_ref = f"{title}!A{r}", f"{title}!{r}:{r}"
    if label is _EMPTY:
        reading.problem(where, _EMPTY, f"the row has values but no {first.key}; give one, or clear the row")
        return
    if layout_sheet.kind == "schedules":
        windows = section.setdefault(label, [])
        path = f"schedules.{label}.{len(windows)}"
        windows.append(entry)
        reading.cells.setdefault(f"schedules.{label}", where)
    elif layout_sheet.kind == "pathways":
        graph = section.setdefault(label, {})
        reading.cells.setdefault(f"pathways.{label}", where)
        step = entry.pop("step", None)
        if step is None:
            if entry:
                reading.problem(where, _EMPTY, "a row with 'after' needs its step")
            return
        if step in graph:
            reading.problem(refs["step"], step, f"step given twice in pathway {label}; keep one row")
            return
        graph[step] = entry.get("after", [])
        path = f"pathways.{label}.{step}"
        refs = {"": refs["step"], "after": refs.get("after", refs["step"])}
    else:
        if label in section:
            reading.problem(where, label, f"a second row with this name; names on {layout_sheet.name} are unique")
            return
        section[label] = entry
        path = f"{layout_sheet.name}.{label}"
    reading.cells[path] = row_ref
    for key, ref in refs.items():
        reading.cells[f"{path}.{key}" if key else path] = ref


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _set(node: dict[str, Any], parts: list[str], value: Any) -> None:
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _parse(value: Any, setting: Setting, ref: str, reading: Reading) -> Any:
    """A cell's value as config data, checked against what the setting allows (not yet against the
    rest of the config): numbers typed as text are numbers, lists and maps are read as YAML."""
    if _blank(value):
        return _EMPTY
    try:
        parsed = _convert(value, setting)
        setting.adapter.validate_python(parsed)
    except _Unreadable as exc:
        reading.problem(ref, value, str(exc))
        return _EMPTY
    except ValidationError:
        reading.problem(ref, value, f"expected {setting.allowed.split('; ')[0]}")
        return _EMPTY
    return parsed


class _Unreadable(Exception):
    """A cell that cannot be read as its setting's kind of value."""


def _convert(value: Any, setting: Setting) -> Any:
    core = setting.core
    if setting.container:
        if not isinstance(value, str):
            return value  # a lone number where a list belongs: the check says what is expected
        text = value.strip()
        if get_origin(core) is list and not text.startswith("["):
            text = f"[{text}]"
        try:
            return yaml.safe_load(text)
        except (yaml.YAMLError, RecursionError) as exc:
            problem = getattr(exc, "problem", None) or "nested too deeply"
            raise _Unreadable(f"not readable as YAML ({problem}); expected {setting.allowed.split('; ')[0]}, "
                              "such as [mon, tue] or {home_care: 0.5, reablement: 0.5}") from None
    if isinstance(value, bool):
        if core is bool:
            return value
        raise _Unreadable(f"true and false are not {'numbers' if core in (int, float) else 'text'} here; "
                          f"expected {setting.allowed.split('; ')[0]}")
    if core in (int, float):
        return _number(value, core is int, setting)
    if core is bool:
        words = {"true": True, "false": False, "yes": True, "no": False}
        if isinstance(value, str) and value.strip().lower() in words:
            return words[value.strip().lower()]
        raise _Unreadable("expected true or false")
    if literals(core):
        text = _text(value)
        choices = {str(v): v for v in literals(core)}
        if text.strip() in choices:
            return choices[text.strip()]
        raise _Unreadable(f"expected {setting.allowed.split('; ')[0]}")
    return _text(value) if isinstance(value, int | float) else value


def _number(value: Any, whole: bool, setting: Setting) -> int | float:
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        try:
            value = int(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                raise _Unreadable(f"not a number; expected {setting.allowed.split('; ')[0]}") from None
    if not isinstance(value, int | float):  # a date, a time
        raise _Unreadable(f"not a number; expected {setting.allowed.split('; ')[0]}")
    if isinstance(value, float) and not math.isfinite(value):
        raise _Unreadable(f"not a finite number; expected {setting.allowed.split('; ')[0]}")
    if whole and isinstance(value, float):
        if value != int(value):
            raise _Unreadable(f"not a whole number; expected {setting.allowed.split('; ')[0]}")
        return int(value)
    return value


def _text(value: Any) -> str:
    """A cell as text: a number a spreadsheet stored for a name or a code, written as typed."""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)
