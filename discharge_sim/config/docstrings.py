"""The docstrings written under a model's fields (the string after ``name: type = ...``), read
from the schema's source: what the docs reference and the config workbook say each setting means."""

from __future__ import annotations

import ast
import inspect
import itertools
import textwrap
from functools import cache


@cache
def attribute_docstrings(model: type) -> dict[str, str]:
    """A pydantic model's field docstrings, as written, by field name (base classes first, so a
    subclass's own replaces its base's)."""
    found: dict[str, str] = {}
    for klass in reversed(getattr(model, "__mro__", ())):
        if not isinstance(getattr(klass, "model_fields", None), dict) or klass.__module__.startswith("pydantic"):
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        except (OSError, TypeError, SyntaxError):  # pragma: no cover - source not shipped
            continue
        body = next((n.body for n in tree.body if isinstance(n, ast.ClassDef)), [])
        for stmt, nxt in itertools.pairwise(body):
            if (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
                    and isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant)
                    and isinstance(nxt.value.value, str)):
                found[stmt.target.id] = nxt.value.value
    return found
