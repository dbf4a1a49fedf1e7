"""Public names of a package imported on first use (PEP 562), so that importing the package, or
a light module inside it, loads neither numpy, SimPy nor pydantic until something needs them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from importlib import import_module
from typing import Any


def exports(namespace: dict[str, Any], homes: Mapping[str, Iterable[str]],
            submodules: Iterable[str] = ()) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for the package whose globals are ``namespace``.

    ``homes`` maps a module of the package (relative, such as ``"runs"``) to the names it gives;
    ``submodules`` are names that are subpackages themselves. A name is imported on first use and
    kept in the namespace, so later uses cost nothing.
    """
    package = namespace["__name__"]
    home = {name: module for module, names in homes.items() for name in names}
    own = set(submodules)

    def attribute(name: str) -> Any:
        if name in own:
            value = import_module(f"{package}.{name}")
        elif name in home:
            value = getattr(import_module(f"{package}.{home[name]}"), name)
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        namespace[name] = value
        return value

    def listing() -> list[str]:
        return sorted(set(namespace) | set(namespace.get("__all__", ())))

    return attribute, listing
