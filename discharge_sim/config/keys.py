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
