"""Config errors written for the person who wrote the config: the field, the value found and what
is allowed there, with the allowed keys read from the schema itself (so they cannot drift)."""

from __future__ import annotations

import difflib
import math
import re
import types
from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

EXTENDS = "extends"
"""The top-level key that lays a config over another (see :mod:`discharge_sim.config.loading`)."""

NAMED = {"pools": "pool", "steps": "step", "staff": "staff team", "groups": "group"}
"""Sections whose keys are names the config chooses; a new name there adds a new entry."""
KEYED_ERRORS = ("boolean_not_number", "duration_out_of_range")
"""Error types the schema raises for a key inside the section it checks: their context holds the
key (dotted, below the section) and the value, shown as given in YAML."""
MAX_PROBLEMS = 50
"""Problems listed in one message; the rest are counted."""


class ConfigError(Exception):
    """A config that cannot be used; the message is written for the person who wrote it."""


def format_validation_error(exc: ValidationError, raw: Mapping[str, Any], source: str) -> str:
    """One line per problem: the field as a dotted key, the value found and what is wrong with it."""
    from discharge_sim.config.schema import STEP_MODELS, STEP_TYPES

    lines: list[str] = []
    errors = exc.errors(include_url=False)
    new = _new_entries(errors, raw)
    for err in errors:
        loc = _clean_location(err["loc"], raw)
        field = ".".join(str(p) for p in loc) or "(top level)"
        kind = err["type"]
        entry = (loc[0], loc[1]) if len(loc) >= 2 else None
        if entry in new and kind in ("missing", "union_tag_not_found"):
            needs = new[entry]
            if needs:  # one line for the entry, said at its first missing setting
                lines.append(_new_entry_line(entry, needs, raw))
                new[entry] = []
            continue
        if kind in KEYED_ERRORS:  # found by checking a section: the context says where
            ctx = err.get("ctx") or {}
            lines.append(f"  {'.'.join((*map(str, loc), str(ctx.get('key'))))} = {ctx.get('value')}: {err['msg']}")
            continue
        if kind == "extra_forbidden":
            step_type = _step_type(raw, loc[:-1])
            allowed = _allowed_keys(loc[:-1], step_type)
            where = f"for a {step_type} step" if step_type else ""
            others = [t for t, m in STEP_MODELS.items() if step_type and loc[-1] in m.model_fields]
            hint = f" ({loc[-1]} belongs to {' and '.join(others)} steps)" if others else ""
            lines.append(f"  {field}: unknown key{' ' + where if where else ''}{hint}; allowed here: "
                         f"{', '.join(allowed) if allowed else '(none: this setting takes a value, not keys)'}")
            continue
        if kind == "missing":
            lines.append(f"  {field}: required setting is missing")
            continue
        if kind in ("union_tag_not_found", "union_tag_invalid"):
            given = err["input"].get("type") if isinstance(err.get("input"), dict) else None
            shown = "missing" if given is None else f"= {show(given)}"
            lines.append(f"  {field}.type {shown}: every step needs a type, one of {', '.join(STEP_TYPES)}")
            continue
        message = err["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, "):]
        if not loc and re.match(r"^[a-z_]+[.:]", message):  # a cross-reference error names its field itself
            lines.append(f"  {message}")
            continue
        value = err.get("input")
        if kind.startswith(("value_error", "assertion_error")) and isinstance(value, dict | list):
            lines.append(f"  {field}: {message}")
        else:
            lines.append(f"  {field} = {show(value)}: {message}")
    more = len(lines) - MAX_PROBLEMS
    if more > 0:
        lines[MAX_PROBLEMS:] = [f"  (and {more} more)"]
    count = len(lines) + max(more - 1, 0)
    return "\n".join([f"{source}: invalid config ({count} problem{'s' * (count > 1)})", *lines])


def _new_entries(errors: list[Any], raw: Mapping[str, Any]) -> dict[tuple[Any, ...], list[str]]:
    """Entries of the named sections (pools, steps, staff, groups) that lack required settings,
    with what they lack: a name there that is new, often a misspelt existing name in an overlay."""
    found: dict[tuple[Any, ...], list[str]] = {}
    for err in errors:
        loc = _clean_location(err["loc"], raw)
        if len(loc) < 2 or loc[0] not in NAMED:
            continue
        if err["type"] == "missing" and len(loc) == 3:
            found.setdefault((loc[0], loc[1]), []).append(str(loc[2]))
        elif err["type"] == "union_tag_not_found" and len(loc) == 2:
            found.setdefault((loc[0], loc[1]), []).append("type")
    return found


def _new_entry_line(entry: tuple[Any, ...], needs: list[str], raw: Mapping[str, Any]) -> str:
    """A named entry that lacks required settings: it adds a new one; the close existing name, if any."""
    from discharge_sim.config.schema import STEP_TYPES

    section, name = entry
    word = NAMED[section]
    names = raw.get(section) if isinstance(raw, Mapping) else None
    others = [str(n) for n in names if n != name] if isinstance(names, Mapping) else []
    if needs == ["type"]:
        wanted = f"a type (one of {', '.join(STEP_TYPES)}) and the settings of that type"
    else:
        wanted = f"{_and(needs)} (required setting{'s' * (len(needs) > 1)} missing)"
    line = f"  {section}.{name}: adds a new {word}, which needs {wanted}"
    close = difflib.get_close_matches(str(name), others, n=1, cutoff=0.6)
    if close:
        return f"{line}; did you mean the existing {word} {close[0]}?"
    if others:
        return f"{line}; the {word}s already defined are {', '.join(sorted(others))}"
    return line


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _clean_location(loc: tuple[Any, ...], raw: Mapping[str, Any]) -> tuple[Any, ...]:
    """Drop the step-type tag pydantic adds inside discriminated unions (steps.x.staffed.staff)."""
    from discharge_sim.config.schema import STEP_TYPES

    parts = list(loc)
    if len(parts) >= 3 and parts[0] == "steps" and parts[2] in STEP_TYPES:
        del parts[2]
    return tuple(parts)


def _step_type(raw: Mapping[str, Any], parent: tuple[Any, ...]) -> str | None:
    """The declared type of the step at ``parent`` (steps.<name>), if it is one and has a known type."""
    if len(parent) != 2 or parent[0] != "steps":
        return None
    steps = raw.get("steps") if isinstance(raw, Mapping) else None
    step = steps.get(parent[1]) if isinstance(steps, Mapping) else None
    kind = step.get("type") if isinstance(step, Mapping) else None
    from discharge_sim.config.schema import STEP_MODELS

    return kind if kind in STEP_MODELS else None


def _allowed_keys(parent: tuple[Any, ...], step_type: str | None = None) -> list[str]:
    """The keys the schema allows at ``parent``, found by walking the schema's own annotations."""
    from discharge_sim.config.schema import STEP_MODELS, Config

    if step_type is not None:
        return sorted(STEP_MODELS[step_type].model_fields)
    annotation: Any = Config
    for part in parent:
        annotation = _inner(annotation, part)
        if annotation is None:
            return []
    keys = {key for model in _models(annotation) for key in model.model_fields}
    if not parent:
        keys.add(EXTENDS)
    return sorted(keys)


def _inner(annotation: Any, part: Any) -> Any:
    """The annotation one level down: a model's field, a mapping's value or a list's item."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _inner(get_args(annotation)[0], part)
    if origin in (Union, types.UnionType):
        found = [inner for arg in get_args(annotation) if (inner := _inner(arg, part)) is not None]
        return Union[tuple(found)] if len(found) > 1 else (found[0] if found else None)  # noqa: UP007
    if origin in (dict, Mapping):
        return get_args(annotation)[1]
    if origin in (list, tuple):
        return get_args(annotation)[0]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return field.annotation if field is not None else None
    return None


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The schema models an annotation can hold, through optional values, unions and annotations."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _models(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return [model for arg in get_args(annotation) for model in _models(arg)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return []


def show(value: Any, width: int = 60) -> str:
    """A value as it appears in a message: its repr, cut to ``width`` characters. Only as much of
    the value is looked at as is shown, so a huge one (a YAML alias bomb) costs nothing."""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return repr(value)
    text = ""
    for piece in _repr_pieces(value, 0):
        text += piece
        if len(text) > width:
            return text[:width - 3] + "..."
    return text


def _repr_pieces(value: Any, depth: int) -> Iterator[str]:
    """``repr(value)`` piece by piece, lists, tuples and dicts one item at a time."""
    if depth > 100:  # a value nested this deep (it refers to itself) is long past the width shown
        yield "..."
        return
    if type(value) in (list, tuple):
        yield "[" if type(value) is list else "("
        for i, item in enumerate(value):
            if i:
                yield ", "
            yield from _repr_pieces(item, depth + 1)
        yield "]" if type(value) is list else ("," * (len(value) == 1) + ")")
    elif type(value) is dict:
        yield "{"
        for i, (key, item) in enumerate(value.items()):
            if i:
                yield ", "
            yield from _repr_pieces(key, depth + 1)
            yield ": "
            yield from _repr_pieces(item, depth + 1)
        yield "}"
    elif isinstance(value, str) and len(value) > 10_000:
        yield repr(value[:10_000])[:-1]
    else:
        yield repr(value)
