"""The page's settings tables and config data, both ways: which settings the page offers, each
with its unit, allowed values and meaning (read from the workbook's layout, so the page, the
workbook and the schema cannot drift apart), the values a config holds, and a config's data with
the values a user typed put back in. Whether the result is a valid config is for the config's own
validation to say (:func:`check`), in its own words: field, value found and what is allowed.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd

from discharge_sim.config import Config, ConfigError, changed_settings, config_from_dict
from discharge_sim.data.fields import Setting, strip
from discharge_sim.data.layout import sheet

EXACT_WHOLE = 2**53
"""The largest whole number a browser's number field holds exactly; a setting allowed beyond it
(the seed) is typed as text instead."""
SOURCE = "the settings on this page"
"""How a config error names the tables' config."""


@dataclass(frozen=True)
class Column:
    """A setting offered on the page: its dotted key (from the config's top in a table of general
    settings, from the entry in a table of entries) and what the schema says about it. A column
    that is not ``editable`` is shown for context only and never written back."""

    key: str
    setting: Setting
    editable: bool = True
    within: str = ""
    """The section a general setting's key starts with (``run``), left out of its label."""

    @property
    def unit(self) -> str:
        return self.setting.unit

    @property
    def label(self) -> str:
        """The key in words with its unit, where the words do not already say it: ``beds``,
        ``warmup days``, ``probability (share 0-1)``, ``duration.mean hours``."""
        key = self.key.removeprefix(f"{self.within}.") if self.within else self.key
        words = key.rsplit(".", 1)[-1].replace("_", " ")
        label = f"{key.rsplit('.', 1)[0]}.{words}" if "." in key else words
        unit = self.unit.replace("share (0-1)", "share 0-1")
        return f"{label} ({unit})" if unit and unit not in words else label

    @property
    def allowed(self) -> str:
        return self.setting.allowed

    @property
    def meaning(self) -> str:
        return self.setting.description

    @property
    def help(self) -> str:
        """What the page shows on hovering: allowed values, then meaning."""
        return f"Allowed: {self.allowed}." + (f" {self.meaning}" if self.meaning else "")

    @property
    def whole(self) -> bool:
        return self.setting.core is int

    @property
    def number(self) -> bool:
        return self.setting.core in (int, float)

    @property
    def as_text(self) -> bool:
        """Typed as text: not a number, or a whole number allowed beyond what a browser holds exactly."""
        high = self.bounds[1]
        return not self.number or (self.whole and (high is None or high > EXACT_WHOLE))

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """The least and most a number field should take (a strict bound of a whole number moves
        to the next whole number; of a real number it is kept, and validation refuses the bound
        itself)."""
        low: float | None = None
        high: float | None = None
        for c in [*strip(self.setting.annotation)[2], *self.setting.info.metadata]:
            if getattr(c, "ge", None) is not None:
                low = c.ge
            if getattr(c, "gt", None) is not None:
                low = c.gt + 1 if self.whole else c.gt
            if getattr(c, "le", None) is not None:
                high = c.le
            if getattr(c, "lt", None) is not None:
                high = c.lt - 1 if self.whole else c.lt
        return low, high


@dataclass(frozen=True)
class Table:
    """Settings shown together: one row of general settings (``section`` None), or one row per
    entry of a config section (staff teams, pools, steps)."""

    name: str
    title: str
    about: str
    columns: tuple[Column, ...]
    section: str | None = None

    @property
    def editable(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.editable)


def _setting(section: str, key: str) -> Setting:
    """A setting of a section as the workbook's layout has it."""
    found = sheet(section)
    if found is None:
        raise KeyError(section)
    return next(s for s in found.columns if s.key == key)


@cache
def general_tables() -> tuple[Table, ...]:
    """The run's settings, and the hospital's size and emergency demand: a row each."""
    def column(key: str) -> Column:
        section, _, rest = key.partition(".")
        return Column(key, _setting(section, rest), within=section)

    return (
        Table("run", "How long and how often to run",
              "The days simulated (warm-up included), the days discarded at the start while beds fill, "
              "the replications (each a different random history) and the seed (same seed, same results).",
              tuple(column(f"run.{k}") for k in ("days", "warmup_days", "replications", "seed"))),
        Table("hospital", "Hospital beds and emergency admissions",
              "The general and acute beds, and the mean emergency admissions a day.",
              (column("hospital.beds"), column("emergency.admissions_per_day"))),
    )


ENTRY_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str, str]] = {
    "staff": (("owner", "schedule"), ("count",), "Staff teams",
              "Each team that does discharge work, and how many of it work at once in its working hours."),
    "pools": (("owner",), ("places", "length_of_stay.mean_days", "community_referrals_per_day"), "Places",
              "Each pool of places patients leave to (home care, reablement, care homes...): its places, "
              "how long people stay in them, and the people who come to it from the community."),
    "steps": (("type", "owner"),
              ("probability", "duration.mean_hours", "duration.mean_days", "search_probability", "search.mean_days",
               "search.mean_hours"),
              "Discharge steps",
              "Each step between being found ready and leaving: the share of patients on its pathways who "
              "need it, and how long it takes (work, or the search for a provider)."),
}
"""Per section of entries: the columns shown for context, the columns that can be edited, title
and what the table is. An editable column is offered only if some entry of the config has it."""
ALWAYS = frozenset({"count", "places", "probability"})
"""Columns offered even where no entry has them."""


def entry_tables(raw: Mapping[str, Any]) -> tuple[Table, ...]:
    """The tables of named entries the config has: staff teams, pools and steps."""
    tables = []
    for section, (context, editable, title, about) in ENTRY_COLUMNS.items():
        entries = raw.get(section) or {}
        if not entries:
            continue
        shown = [k for k in editable if k in ALWAYS or any(_get(e, k) is not _MISSING for e in entries.values())]
        columns = (*(Column(k, _setting(section, k), editable=False) for k in context),
                   *(Column(k, _setting(section, k)) for k in shown))
        tables.append(Table(section, title, about, columns, section))
    return tuple(tables)


def tables(raw: Mapping[str, Any]) -> tuple[Table, ...]:
    """Every table of the page for this config, general settings first."""
    return (*general_tables(), *entry_tables(raw))


_MISSING: Any = object()


def _get(node: Any, key: str) -> Any:
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _rows(table: Table, raw: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(row name, where the row's keys are looked up) per row of the table."""
    if table.section is None:
        return [(str(raw.get("name", "config")), raw)]
    return [(str(name), entry) for name, entry in (raw.get(table.section) or {}).items()]


def values(table: Table, raw: Mapping[str, Any]) -> dict[str, Any]:
    """A table of general settings as {key: value} (None where the config does not set it)."""
    assert table.section is None
    return {c.key: _shown(_get(raw, c.key), c) for c in table.columns}


def frame(table: Table, raw: Mapping[str, Any]) -> pd.DataFrame:
    """The table as a data frame: a row per entry (its name the index), a column per key; empty
    where the entry does not have the setting."""
    rows = _rows(table, raw)
    data = {c.key: [_shown(_get(node, c.key), c) for _, node in rows] for c in table.columns}
    out = pd.DataFrame(data, index=pd.Index([name for name, _ in rows], name="name"))
    for c in table.columns:
        if c.number and not c.as_text:
            out[c.key] = pd.to_numeric(out[c.key])
    return out


def _shown(value: Any, column: Column) -> Any:
    if value is _MISSING:
        return None
    return str(value) if column.as_text else value


def apply(raw: Mapping[str, Any], edits: Iterable[tuple[Table, pd.DataFrame | Mapping[str, Any]]]) -> dict[str, Any]:
    """A copy of ``raw`` with the values of the edited tables put in: a table of general settings
    as {key: value}, a table of entries as its data frame. A value that was there and is now empty
    is removed (the default applies, or validation says it is required); text that is not a number
    where a number belongs is kept as typed, for validation to name."""
    out = copy.deepcopy(dict(raw))
    for table, edited in edits:
        if table.section is None:
            assert isinstance(edited, Mapping)
            for column in table.editable:
                _put(out, column.key.split("."), edited.get(column.key), column)
            continue
        assert isinstance(edited, pd.DataFrame)
        entries = out.get(table.section) or {}
        for name, row in edited.iterrows():
            entry_key = next((k for k in entries if str(k) == str(name)), None)
            if entry_key is None:
                continue
            for column in table.editable:
                if column.key in row.index:
                    _put(out, [table.section, entry_key, *column.key.split(".")], row[column.key], column)
    return out


def _put(raw: dict[str, Any], path: Sequence[Any], typed: Any, column: Column) -> None:
    value = cell_value(typed, column)
    node: Any = raw
    for part in path[:-1]:
        if not isinstance(node, dict):
            return
        if value is _MISSING and part not in node:
            return
        node = node.setdefault(part, {})
    if not isinstance(node, dict):
        return
    before = node.get(path[-1], _MISSING)
    if value is _MISSING:
        node.pop(path[-1], None)
    elif before is _MISSING or before != value or type(before) is not type(value):
        node[path[-1]] = value


def cell_value(typed: Any, column: Column) -> Any:
    """What a cell or field holds, as config data: a number as an int or a float (a whole
    number's ``10.0`` as ``10``), text as stripped text (a number typed as text read as one);
    empty is ``_MISSING``."""
    if typed is None or (not isinstance(typed, str | list | dict) and bool(pd.isna(typed))):
        return _MISSING  # None, NaN, pandas' NA
    if hasattr(typed, "item") and not isinstance(typed, str):  # a numpy scalar
        typed = typed.item()
    if isinstance(typed, str):
        text = typed.strip()
        if not text:
            return _MISSING
        if not column.number:
            return text
        try:
            return int(text.replace(",", "").replace("_", ""))
        except ValueError:
            try:
                typed = float(text.replace(",", ""))
            except ValueError:
                return text  # validation says what is wrong with it
    if column.whole and isinstance(typed, float) and typed.is_integer():
        return int(typed)
    if column.setting.core is float and isinstance(typed, int) and not isinstance(typed, bool):
        return float(typed)
    return typed


def mark_edits(loaded: Mapping[str, Any], edited: Mapping[str, Any]) -> dict[str, Any]:
    """``edited``, named and described as an edited copy of ``loaded`` where any setting differs:
    its name ends in ``-edited`` and its description lists each change, so the results folder, the
    downloaded config and the board pack never pass it off as the config it came from."""
    changed = [f"{key} {_said(was)} -> {_said(now)}" for key, was, now in changed_settings(loaded, edited)]
    out = dict(edited)
    if changed:
        name = str(loaded.get("name", "config"))
        out["name"] = name if name.endswith("-edited") else f"{name}-edited"
        said = " ".join(str(loaded.get("description", "")).split())
        out["description"] = (f"{said} " if said else "") + "Edited in the web app: " + "; ".join(changed) + "."
    return out


def _said(value: Any) -> str:
    return "(not set)" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def check(raw: Mapping[str, Any]) -> Config:
    """The config the tables describe, validated by the config's own rules; a
    :class:`~discharge_sim.config.ConfigError` says what is wrong."""
    return config_from_dict(raw, source=SOURCE)


def place(key: str, raw: Mapping[str, Any]) -> str | None:
    """Where on the page a config key is set, in the page's words (``Hospital: beds``, ``Placement
    pools, row home_care: places``), or None if the page does not show it."""
    for table in general_tables():
        for column in table.columns:
            if column.key == key:
                return f"{table.title}: {column.label}"
    for table in entry_tables(raw):
        head, _, rest = key.partition(".")
        entry, _, setting = rest.partition(".")
        if head == table.section and entry:
            for column in table.columns:
                if column.key == setting:
                    return f"{table.title}, row {entry}: {column.label}"
    return None


def located(line: str, raw: Mapping[str, Any]) -> str:
    """A problem line of a config error with, in front, where on the page its setting is."""
    key = line.split(" ", 1)[0].rstrip(":")
    where = place(key, raw)
    if where is None and ":" in line:  # "run: warmup_days (120.0) must be ...": the section, then the key
        section, rest = line.split(":", 1)
        first = rest.strip().split(" ", 1)[0]
        where = place(f"{section.strip()}.{first}", raw)
    return f"{where} ({line})" if where else line


def problems(error: ConfigError | str) -> tuple[str, list[str]]:
    """A config error as its first line and one line per problem (field, value, what is allowed)."""
    lines = [line.strip() for line in str(error).split("\n") if line.strip()]
    return (lines[0], lines[1:]) if lines else ("invalid config", [])
