"""Reading configs: YAML files, ``extends:`` chains laid over their base, dotted overrides, and the
round trip between a validated config and plain data."""

from __future__ import annotations

import copy
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from discharge_sim.config.errors import EXTENDS, ConfigError, format_validation_error, show
from discharge_sim.config.schema import Config

MAX_FILE_BYTES = 5 * 1024 * 1024
"""The largest config (or targets) file read: configs are a few kilobytes."""
MAX_DEPTH = 50
"""The deepest nesting of mappings and lists in a config; configs nest about six levels."""
MAX_VALUES = 100_000
"""The most values (settings, list items, mappings) a config may hold once its YAML aliases
(``*name``) are expanded; configs hold a few thousand. Guards against alias bombs."""


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
    problem = _unreadable(base, "config")
    if problem:
        raise ConfigError(f"{path}: extends: {ref}: {problem}")
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


def read_yaml(path: str | Path, what: str = "config") -> dict[str, Any]:
    """A YAML file of settings as plain data.

    Only a regular file of at most :data:`MAX_FILE_BYTES` is read (never a pipe or a device), and
    the YAML is refused, with the line, where a key is given twice in one mapping, where it nests
    deeper than :data:`MAX_DEPTH` or where its aliases expand to more than :data:`MAX_VALUES` values.
    """
    p = Path(path)
    if not p.exists():
        raise ConfigError(f"{p}: no such {what} file")
    if p.is_dir():
        raise ConfigError(f"{p}: is a directory, expected a YAML {what} file")
    try:
        data = _load_yaml(_read_text(p, what))
    except _Refused as exc:
        raise ConfigError(f"{p}: {exc}") from None
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


_FILE_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
               (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a directory"))


def _file_problem(mode: int, size: int, what: str) -> str | None:
    """Why a file with this stat mode and size is not read as a config, or None."""
    if not stat.S_ISREG(mode):
        kind = next((words for test, words in _FILE_KINDS if test(mode)), "not a regular file")
        return f"is {kind}, not a file; a {what} must be a YAML file of at most {_megabytes(MAX_FILE_BYTES)}"
    if size > MAX_FILE_BYTES:
        return (f"is {_megabytes(size)}, larger than a {what} file can be (at most {_megabytes(MAX_FILE_BYTES)}; "
                "configs are a few kilobytes)")
    return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.3g} MB"


def _unreadable(path: Path, what: str) -> str | None:
    """Why ``path`` is not read as a YAML file (not a regular file, too large), or None. Does not
    open it: opening a named pipe would wait for a writer."""
    try:
        info = path.stat()
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    return _file_problem(info.st_mode, info.st_size, what)


def _read_text(path: Path, what: str) -> str:
    """The text of a regular file of at most MAX_FILE_BYTES, checked on the open file itself
    (opened without waiting, so that a pipe is refused rather than waited on)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the {what} file ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        problem = _file_problem(info.st_mode, info.st_size, what)
        if problem is None:
            data = handle.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                problem = _file_problem(info.st_mode, len(data), what)
    if problem:
        raise ConfigError(f"{path}: {problem}")
    return data.decode("utf-8")


class _Refused(Exception):
    """YAML that is well formed but refused (a key given twice, too deep, an alias bomb)."""


def _load_yaml(text: str) -> Any:
    """``yaml.safe_load`` with the checks of :class:`_SafeLoader`, and the expanded size bounded
    before any value is built."""
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        loader.paths = _measure(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


class _SafeLoader(yaml.SafeLoader):
    """The safe loader, refusing nesting deeper than MAX_DEPTH while it reads (before Python's own
    recursion limit is reached) and a key given twice in one mapping."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.depth = 0
        self.paths: dict[int, str] = {}

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise _Refused(f"line {mark.line + 1}: settings nested more than {MAX_DEPTH} levels deep (mappings "
                               "and lists inside each other); a config nests a few levels")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, yaml.Node] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue  # `<<: *base` merges; keys given here replace the merged ones
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node)
                except TypeError:  # an unhashable key: the base constructor says so
                    continue
                if first is not key_node:
                    where = self.paths.get(id(node), "")
                    name = f"{where}.{key}" if where else str(key)
                    raise _Refused(f"{name} is given twice in the same mapping, at line {first.start_mark.line + 1} "
                                   f"and at line {key_node.start_mark.line + 1}; keep one (the second would "
                                   "silently replace the first)")
        return super().construct_mapping(node, deep=deep)


def _measure(root: yaml.Node) -> dict[int, str]:
    """Check the document's size as it would be with every alias expanded, without expanding it:
    at most MAX_VALUES values and MAX_DEPTH levels, and no alias inside what it refers to.
    Returns the dotted path of each mapping (for messages)."""
    sizes: dict[int, tuple[int, int]] = {}  # node -> (values, levels) once expanded
    paths: dict[int, str] = {}
    open_nodes: set[int] = set()

    def where(node: yaml.Node, path: str) -> str:
        return f"{path or '(top level)'} (line {node.start_mark.line + 1})"

    def visit(node: yaml.Node, path: str, depth: int) -> tuple[int, int]:
        known = sizes.get(id(node))
        if id(node) in open_nodes:
            raise _Refused(f"{where(node, path)}: an alias (*name) refers to a mapping or list that contains it, "
                           "which would repeat for ever")
        if depth > MAX_DEPTH or (known is not None and depth + known[1] - 1 > MAX_DEPTH):
            raise _Refused(f"{where(node, path)}: with its aliases (*name) expanded, the settings nest more than "
                           f"{MAX_DEPTH} levels deep; a config nests a few levels")
        if known is not None:
            return known
        if isinstance(node, yaml.MappingNode):
            paths.setdefault(id(node), path)
            children = [(k, path) for k, _ in node.value] + [
                (v, f"{path}.{k.value}" if path else str(k.value)) if isinstance(k, yaml.ScalarNode) else (v, path)
                for k, v in node.value]
        elif isinstance(node, yaml.SequenceNode):
            children = [(child, f"{path}[{i}]") for i, child in enumerate(node.value)]
        else:
            children = []
        open_nodes.add(id(node))
        total, levels = 1, 1
        for child, inside in children:
            n, h = visit(child, inside, depth + 1)
            total += n
            levels = max(levels, h + 1)
            if total > MAX_VALUES:
                raise _Refused(f"{where(node, path)}: more than {MAX_VALUES:,} values once the aliases (*name) in "
                               "it are expanded; a whole config holds a few thousand (are aliases repeated inside "
                               "other aliases?)")
        open_nodes.discard(id(node))
        sizes[id(node)] = (total, levels)
        return total, levels

    visit(root, "", 1)
    return paths


def apply_overrides(raw: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``raw`` with each dotted key (``run.days``) set to its value."""
    for dotted, value in overrides.items():
        check_size(value, dotted)
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


def check_size(data: Any, source: str) -> None:
    """Refuse plain data nested deeper than MAX_DEPTH or holding more than MAX_VALUES values
    (a part shared by reference counted each time it appears), looking at no more than that."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    seen = 0
    while stack:
        value, depth = stack.pop()
        seen += 1
        if depth > MAX_DEPTH:
            raise ConfigError(f"{source}: settings nested more than {MAX_DEPTH} levels deep (mappings and lists inside "
                              "each other, or a mapping that contains itself); a config nests a few levels")
        if seen > MAX_VALUES:
            raise ConfigError(f"{source}: more than {MAX_VALUES:,} values (counting a part each time it appears); a "
                              "whole config holds a few thousand")
        if isinstance(value, Mapping):
            for key, item in value.items():
                stack += ((key, depth + 1), (item, depth + 1))
        elif isinstance(value, list | tuple):
            stack += ((item, depth + 1) for item in value)


def config_from_dict(raw: Mapping[str, Any], source: str = "config") -> Config:
    check_size(raw, source)
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, raw, source)) from None


def config_to_dict(config: Config) -> dict[str, Any]:
    """Plain data for the manifest and ``check``: what was run, defaults filled in."""
    return config.model_dump(mode="json", exclude_none=True)
