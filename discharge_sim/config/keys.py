"""Dotted keys: nested settings named as one path, as overrides, sweeps and declared
uncertainty name them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    """Nested settings as dotted keys: {"pools": {"x": {"places": 5}}} -> {"pools.x.places": 5}."""
    if isinstance(node, Mapping):
        out: dict[str, Any] = {}
        for key, value in node.items():
            out.update(flatten(value, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: node}


def changed_settings(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """(dotted key, value before, value after) of every setting in which two configs' data differ,
    in key order; a name and a description are not settings. None where one does not set it."""
    a, b = flatten(before), flatten(after)
    return [(key, a.get(key), b.get(key)) for key in sorted(set(a) | set(b))
            if key not in ("name", "description") and a.get(key) != b.get(key)]
