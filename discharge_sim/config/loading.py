"""Reading configs: YAML files, ``extends:`` chains laid over their base, dotted overrides, and the
round trip between a validated config and plain data."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from discharge_sim.config.errors import EXTENDS, ConfigError, format_validation_error, show
from discharge_sim.config.schema import Config


def load_config(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Config:
    """Read, validate and return a config file (resolving ``extends:``), applying dotted
    ``overrides`` first."""
    raw = read_config(path)
    if overrides:
        raw = apply_overrides(raw, overrides)
    return config_from_dict(raw, source=str(path))


def read_config(path: str | Path) -> dict[str, Any]:
    """A config file as plain data, with its ``extends:`` chain resolved.

    A config may start from another: ``extends: baseline.yaml`` (a path relative to the file)
    takes that config and lays this file over it. Mappings merge key by key, at any depth; any
    other value (a number, a list) replaces the base's; ``~`` (null) removes the base's key. So a
    scenario file holds only what it changes.
    """
    return _resolve(Path(path), [])


def _resolve(path: Path, chain: list[Path]) -> dict[str, Any]:
    raw = read_yaml(path)
    if EXTENDS not in raw:
        return raw
    ref = raw.pop(EXTENDS)
    if not isinstance(ref, str) or not ref.strip():
        raise ConfigError(f"{path}: extends = {show(ref)}: expected the path of the config this one changes, "
                          "relative to this file")
    base = (path.parent / ref).resolve()
    here = path.resolve()
    if base in (*chain, here):
        names = " -> ".join(str(p) for p in (*chain, here, base))
        raise ConfigError(f"{path}: extends: the configs extend each other in a circle: {names}")
    if not base.exists():
        raise ConfigError(f"{path}: extends: {ref}: no such config file (looked for {base})")
    return overlay(_resolve(base, [*chain, here]), raw)


def overlay(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``changes`` laid over it: mappings merged at every depth, other values
    replaced, and a null value removing the key."""
    out = copy.deepcopy(dict(base))
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = overlay(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    """Nested settings as dotted keys: {"pools": {"x": {"places": 5}}} -> {"pools.x.places": 5}."""
    if isinstance(node, Mapping):
        out: dict[str, Any] = {}
        for key, value in node.items():
            out.update(flatten(value, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: node}


def read_yaml(path: str | Path, what: str = "config") -> dict[str, Any]:
    p = Path(path)
    if not p.exists():
        raise ConfigError(f"{p}: no such {what} file")
    if p.is_dir():
        raise ConfigError(f"{p}: is a directory, expected a YAML {what} file")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(
            f"{p}: not valid YAML{where}: {problem} (check the indentation and the colons and brackets there)"
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{p}: not a text file (expected YAML)") from None
    if data is None:
        raise ConfigError(f"{p}: the file is empty; a config is a YAML mapping of settings (see configs/baseline.yaml)")
    if not isinstance(data, dict):
        raise ConfigError(f"{p}: expected a YAML mapping of settings at the top level, found {type(data).__name__}")
    return data


def apply_overrides(raw: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``raw`` with each dotted key (``run.days``) set to its value."""
    out = copy.deepcopy(dict(raw))
    for dotted, value in overrides.items():
        node: Any = out
        parts = dotted.split(".")
        for part in parts[:-1]:
            key = _key(node, part)
            if not isinstance(node, dict) or key not in node or not isinstance(node[key], dict):
                raise ConfigError(f"{dotted}: no such setting (stopped at {part!r})")
            node = node[key]
        node[_key(node, parts[-1])] = value
    return out


def _key(node: Any, part: str) -> Any:
    """Dict keys may be ints (pathways); a dotted path always gives strings."""
    if isinstance(node, dict) and part not in node and part.isdigit() and int(part) in node:
        return int(part)
    return part


def config_from_dict(raw: Mapping[str, Any], source: str = "config") -> Config:
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, raw, source)) from None


def config_to_dict(config: Config) -> dict[str, Any]:
    """Plain data for the manifest and ``check``: what was run, defaults filled in."""
    return config.model_dump(mode="json", exclude_none=True)
