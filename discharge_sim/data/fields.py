"""Config settings as spreadsheet columns: every setting of a section flattened to a dotted key
(``length_of_stay.mean_days``), with its unit, what it allows and what it means, all read from the
config schema so that a workbook's headers cannot drift from what the config accepts."""

from __future__ import annotations

import math
import re
import types
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter
from pydantic.fields import FieldInfo

from discharge_sim.config.docstrings import attribute_docstrings
from discharge_sim.vocabulary import DAY_NAMES

REFERENCES = {"schedule": "schedules", "admission_schedule": "schedules", "staff": "staff",
              "panel_step": "steps"}
"""Text settings that name an entry of another section (the sheet it is defined on)."""


@dataclass(frozen=True)
class Setting:
    """One cell's worth of a config: a setting at a dotted key below its section or entry."""

    key: str
    annotation: Any
    info: FieldInfo
    owner: type[BaseModel]
    only_for: tuple[str, ...] = field(default=())
    """The step types the setting belongs to (empty: every entry has it)."""
    words: str = ""
    """What the setting allows, where the schema's type does not say it (a column of no field)."""

    @property
    def name(self) -> str:
        return self.key.rsplit(".", 1)[-1]

    @property
    def core(self) -> Any:
        """The annotation without Annotated, None and constraints: int, float, a Literal, list[...]..."""
        return strip(self.annotation)[0]

    @property
    def optional(self) -> bool:
        return strip(self.annotation)[1] or not self.info.is_required()

    @property
    def container(self) -> bool:
        """Whether the cell holds a list, a map or a whole settings block, written as YAML flow text."""
        core = self.core
        return get_origin(core) in (list, dict) or _is_model(core) or _union_members(core) is not None

    @property
    def unit(self) -> str:
        return unit(self.key, self.core, self.info.metadata)

    @property
    def allowed(self) -> str:
        """What the setting allows, with what an empty cell means."""
        words = self.words or allowed(self.annotation, self.info.metadata, self.name)
        if self.info.is_required():
            block = self.key.rpartition(".")[0]
            return f"{words}; required" + (f" when any {block}.* is given" if block else "")
        default = self.info.get_default(call_default_factory=True)
        if default is None:
            return f"{words}; empty: not set"
        if isinstance(default, list | dict) and not default:
            return f"{words}; empty: none"
        if isinstance(default, bool | int | float | str) and default != "":
            return f"{words}; empty: {str(default).lower() if isinstance(default, bool) else default}"
        return words

    @property
    def description(self) -> str:
        return docstring(self.owner, self.key.rsplit(".", 1)[-1])

    @property
    def adapter(self) -> TypeAdapter[Any]:
        return _adapter(self.annotation, tuple(self.info.metadata))


@cache
def _adapter(annotation: Any, metadata: tuple[Any, ...]) -> TypeAdapter[Any]:
    return TypeAdapter(Annotated[annotation, *metadata] if metadata else annotation)


def settings(model: type[BaseModel], prefix: str = "") -> list[Setting]:
    """Every setting of ``model`` as a dotted key; settings blocks (a step's duration, a pool's
    market) are spelled out one setting each, anything else (lists, maps) is one setting."""
    out: list[Setting] = []
    for name, info in model.model_fields.items():
        key = f"{prefix}{name}"
        inner = strip(info.annotation)[0]
        if _is_model(inner):
            out += settings(inner, f"{key}.")
        else:
            out.append(Setting(key, info.annotation, info, model))
    return out


def union_settings(models: dict[str, type[BaseModel]]) -> list[Setting]:
    """The settings of several kinds of entry (the step types) in one list, each marked with the
    kinds it belongs to where not all have it."""
    found: dict[str, tuple[Setting, list[str]]] = {}
    for kind, model in models.items():
        for setting in settings(model):
            found.setdefault(setting.key, (setting, []))[1].append(kind)
    return [Setting(s.key, s.annotation, s.info, s.owner, () if len(kinds) == len(models) else tuple(kinds), s.words)
            for s, kinds in found.values()]


def strip(annotation: Any) -> tuple[Any, bool, list[Any]]:
    """(the type, whether None is allowed, constraints) of an annotation."""
    metadata: list[Any] = []
    optional = False
    while True:
        if get_origin(annotation) is Annotated:
            annotation, *more = get_args(annotation)
            metadata += [m for m in more if not isinstance(m, FieldInfo)]
            metadata += [c for m in more if isinstance(m, FieldInfo) for c in m.metadata]
            continue
        if get_origin(annotation) in (Union, types.UnionType):
            members = [m for m in get_args(annotation) if m is not type(None)]
            optional = optional or len(members) < len(get_args(annotation))
            if len(members) == 1:
                annotation = members[0]
                continue
            annotation = Union[tuple(members)]  # noqa: UP007 - rebuilt from a tuple of members
        return annotation, optional, metadata


def _union_members(annotation: Any) -> list[Any] | None:
    """The members of a union that is not only literal values, or None."""
    if get_origin(annotation) not in (Union, types.UnionType):
        return None
    members = list(get_args(annotation))
    return None if all(get_origin(strip(m)[0]) is Literal for m in members) else members


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def literals(annotation: Any) -> list[Any]:
    """The values a Literal (or a union of Literals) allows; [] if it is not one."""
    core = strip(annotation)[0]
    if get_origin(core) is Literal:
        return list(get_args(core))
    if get_origin(core) in (Union, types.UnionType):
        parts = [literals(m) for m in get_args(core)]
        return [v for p in parts for v in p] if all(parts) else []
    return []


def allowed(annotation: Any, metadata: Iterable[Any] = (), name: str = "") -> str:
    """What a setting of this type allows, in words: "one of spot, block", "a number from 0 to 1",
    "a list [...] of: one of mon, tue, ...", "a map {key: value} of ..."."""
    core, _, constraints = strip(annotation)
    constraints = [*constraints, *metadata]
    values = literals(core)
    if values:
        return "one of " + ", ".join(str(v) for v in values)
    if core is bool:
        return "true or false"
    if core in (int, float):
        words = "a whole number" if core is int else "a number"
        bounds = _bounds(constraints)
        return f"{words} {bounds}" if bounds else words
    if core is str:
        if name in REFERENCES:
            return f"the name of an entry on the {REFERENCES[name]} sheet"
        lengths = _lengths(constraints)
        return f"text{lengths}"
    origin, args = get_origin(core), get_args(core)
    if origin is list:
        return f"a list [a, b, ...]{_lengths(constraints, 'items')}, each {allowed(args[0])}"
    if origin is dict:
        return f"a map {{key: value, ...}}, each key {allowed(args[0])}, each value {allowed(args[1])}"
    if _is_model(core):
        return "a block {" + ", ".join(core.model_fields) + "}"
    members = _union_members(core)
    if members:
        return " or ".join(allowed(m) for m in members)
    return "see the reference"


def _bounds(constraints: Iterable[Any]) -> str:
    low = high = None
    for c in constraints:
        for attr, symbol in (("ge", "≥"), ("gt", ">")):
            if getattr(c, attr, None) is not None:
                low = (symbol, getattr(c, attr))
        for attr, symbol in (("le", "≤"), ("lt", "<")):
            if getattr(c, attr, None) is not None:
                high = (symbol, getattr(c, attr))
    if low and high and low[0] == "≥" and high[0] == "≤":
        return f"from {_value(low[1])} to {_value(high[1])}"
    return " and ".join(f"{bound[0]} {_value(bound[1])}" for bound in (low, high) if bound)


def _lengths(constraints: Iterable[Any], noun: str = "characters") -> str:
    constraints = list(constraints)
    least = next((c.min_length for c in constraints if getattr(c, "min_length", None)), None)
    most = next((c.max_length for c in constraints if getattr(c, "max_length", None)), None)
    if least and most:
        return f" of {least} to {most} {noun}" if least != most else f" of {least} {noun}"
    if least:
        return f" of at least {least} {noun[:-1] if least == 1 else noun}"
    return f" of at most {most} {noun}" if most else ""


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, int | float) and math.isfinite(v) and v == int(v) and abs(v) < 1e15:
        return f"{int(v):,}"
    return f"{v:g}" if isinstance(v, float) else str(v)


UNITS = (
    (r"^weekly_.*_gbp$", "£ a week"), (r"^hourly_.*_gbp$", "£ an hour"), (r"^annual_gbp$", "£ a year"),
    (r"_gbp$", "£"), (r"^daily_", "per day"), (r"_per_delay_day$", "per day of delay"),
    (r"_per_weekday$", "per weekday"), (r"_per_day$", "per day"), (r"^hours$", "hours of the day"),
    (r"_hours$", "hours"), (r"_hour$", "hour of the day (0-24)"), (r"(^|_)days$", "days"),
    (r"(^|_)day$", "day of the run"), (r"_weeks$", "weeks"),
)
"""Units read from a key's name: the config puts units in its key names."""


def unit(key: str, annotation: Any = None, metadata: Iterable[Any] = ()) -> str:
    """The unit of a setting, from its key's suffix (``_days``, ``_per_day``, ``_gbp``...)."""
    name = key.rsplit(".", 1)[-1]
    if get_origin(annotation) is list and literals(get_args(annotation)[0]) == list(DAY_NAMES):
        return "days of the week"
    for pattern, words in UNITS:
        if re.search(pattern, name):
            return words
    if _bounds([*strip(annotation)[2], *metadata]) == "from 0 to 1" or name.endswith(("probability", "_share")):
        return "share (0-1)"
    return ""


def _docstrings(model: type) -> dict[str, str]:
    """A model's attribute docstrings, each on one line, by field name."""
    return {name: " ".join(text.split()) for name, text in attribute_docstrings(model).items()}


def docstring(model: type, name: str) -> str:
    """What a field of ``model`` means, from its docstring in the schema (empty if it has none)."""
    info = getattr(model, "model_fields", {}).get(name)
    return (info.description if info is not None and info.description else None) or _docstrings(model).get(name, "")


def summary(model: type) -> str:
    """The first sentence of a model's docstring."""
    text = " ".join((model.__doc__ or "").split())
    return re.split(r"(?<=\.)\s", text, maxsplit=1)[0] if text else ""
