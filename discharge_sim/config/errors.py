"""Config errors written for the person who wrote the config: the field, the value found and what
is allowed there, with the allowed keys read from the schema itself (so they cannot drift)."""

from __future__ import annotations

import math
import re
import types
from collections.abc import Mapping
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

EXTENDS = "extends"
"""The top-level key that lays a config over another (see :mod:`discharge_sim.config.loading`)."""


class ConfigError(Exception):
    """A config that cannot be used; the message is written for the person who wrote it."""


def format_validation_error(exc: ValidationError, raw: Mapping[str, Any], source: str) -> str:
    """One line per problem: the field as a dotted key, the value found and what is wrong with it."""
    from discharge_sim.config.schema import STEP_MODELS, STEP_TYPES

    lines = [f"{source}: invalid config ({exc.error_count()} problem{'s' * (exc.error_count() > 1)})"]
    for err in exc.errors(include_url=False):
        loc = _clean_location(err["loc"], raw)
        field = ".".join(str(p) for p in loc) or "(top level)"
        kind = err["type"]
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
    return "\n".join(lines)


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


def show(value: Any) -> str:
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return repr(value)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
