"""Reference tables generated on every docs build, so that they cannot drift from the program.

``docs/reference/cli.md`` and ``docs/reference/config.md`` are written by hand. Wherever they hold a
marker line such as ``<!-- generated: config hospital -->``, this hook puts in what the program
itself says:

- ``cli-program``: the program's description and usage;
- ``cli-commands``: every command with its one-line summary;
- ``cli-command NAME``: a command's description, usage and every option with its help text,
  read from the argument parser (``discharge_sim.cli.build_parser``);
- ``cli-options``: the options several commands share, with the commands that accept each;
- ``config SECTION``: every key of a config section with its type, default and meaning, read
  from the config schema (``discharge_sim.config.Config``);
- ``config-values SECTION KEY``: the allowed values of a key, in the schema's order.

A hand-written table straight after a marker (``| key | meaning |``, or ``| option | meaning |``,
or ``| value | meaning |``) supplies the meanings; the hook replaces it with the generated table.
The build warns, and so fails under ``mkdocs build --strict``, when the pages and the program
disagree: a documented key, option or value the program no longer has; a key with neither a
hand-written meaning nor a docstring in the schema; a command or config section the page does not
place (it is still added at the end of the page, so nothing goes missing).

Only two names are imported from the package: ``build_parser`` and ``Config``. Everything else is
read from the objects they return.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import logging
import os
import re
import types
import typing
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from markdown.extensions.toc import slugify
from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.hooks.reference")

CLI_PAGE = "reference/cli.md"
CONFIG_PAGE = "reference/config.md"
USAGE_WIDTH = "88"

MARKER = re.compile(r"^<!--\s*generated:\s*(?P<kind>[\w-]+)(?:\s+(?P<arg>.*?))?\s*-->\s*$")
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*(?:\{\s*#(?P<id>[\w.-]+)[^}]*\})?\s*$")


# --------------------------------------------------------------------------------------------
# mkdocs events
# --------------------------------------------------------------------------------------------


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    src = page.file.src_uri
    if src == CLI_PAGE:
        return _expand(markdown, src, _CliPage())
    if src == CONFIG_PAGE:
        return _expand(markdown, src, _ConfigPage())
    return markdown


# --------------------------------------------------------------------------------------------
# Markers and hand-written notes
# --------------------------------------------------------------------------------------------


@dataclass
class Marker:
    kind: str
    arg: str
    start: int  # index of the marker line
    end: int  # index after the marker and its notes table
    notes: dict[str, str]
    anchor: str | None  # anchor of the heading the marker sits under
    header: list[str]  # the notes table's column names


class _Generator:
    """What one page's markers expand to."""

    def prepare(self, markers: list[Marker], page: str) -> None: ...

    def block(self, marker: Marker, page: str) -> str:
        raise NotImplementedError

    def unplaced(self, page: str) -> str:
        """Generated material for what the page did not place; empty when it placed everything."""
        return ""


def _expand(markdown: str, page: str, generator: _Generator) -> str:
    lines = markdown.split("\n")
    markers = list(_markers(lines))
    try:
        generator.prepare(markers, page)
        out: list[str] = []
        done = 0
        for m in markers:
            out.extend(lines[done:m.start])
            out.append(generator.block(m, page))
            done = m.end
        out.extend(lines[done:])
        tail = generator.unplaced(page)
    except PluginError:
        raise
    except Exception as exc:  # a schema or parser this hook does not understand: say so plainly
        raise PluginError(f"{page}: could not generate the reference ({type(exc).__name__}: {exc})") from exc
    if tail:
        out.extend(["", tail])
    return "\n".join(out)


def _markers(lines: list[str]) -> Iterator[Marker]:
    anchor: str | None = None
    fenced = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if fenced:
            i += 1
            continue
        h = HEADING.match(line)
        if h:
            anchor = h.group("id") or slugify(_plain(h.group("text")), "-")
        m = MARKER.match(line.strip())
        if not m:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        notes: dict[str, str] = {}
        header: list[str] = []
        if j < len(lines) and lines[j].lstrip().startswith("|"):
            table = []
            while j < len(lines) and lines[j].lstrip().startswith("|"):
                table.append(lines[j])
                j += 1
            notes = _parse_notes(table)
            header = _cells(table[0])
            end = j
        else:
            end = i + 1
        yield Marker(m.group("kind"), (m.group("arg") or "").strip(), i, end, notes, anchor, header)
        i = end


def _plain(text: str) -> str:
    """Heading text as the table of contents sees it: no code marks, no emphasis, entities decoded."""
    text = re.sub(r"[`*]", "", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]


def _parse_notes(table: list[str]) -> dict[str, str]:
    """Key -> meaning from a hand-written table: the first column is the key, the last the meaning."""
    notes: dict[str, str] = {}
    for n, line in enumerate(table):
        cells = _cells(line)
        if n == 0 or all(re.fullmatch(r":?-+:?", c) for c in cells if c):
            continue  # the header and the rule below it
        if len(cells) < 2:
            continue
        notes[cells[0]] = cells[-1]
    return notes


def _key(cell: str) -> str:
    """A key as written in a notes table, without its code marks."""
    return cell.strip().strip("`").strip()


def _cell(text: str) -> str:
    return text.replace("\n", " ").replace("|", "\\|")


def _escape(text: str) -> str:
    """Plain text from the program, safe in Markdown; ``--options`` become code."""
    parts = re.split(r"((?<![\w-])--[a-z][\w-]*)", text)
    out = []
    for n, part in enumerate(parts):
        if n % 2:
            out.append(f"`{part}`")
        else:
            part = part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            out.append(re.sub(r"([\\`*_\[\]])", r"\\\1", part))
    return "".join(out)


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _warn(page: str, message: str) -> None:
    log.warning(f"{page}: {message}")


# --------------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------------


@dataclass
class Command:
    name: str
    summary: str
    parser: argparse.ArgumentParser


def _load_parser() -> argparse.ArgumentParser:
    try:
        from discharge_sim.cli import build_parser
    except Exception as exc:
        raise PluginError(f"cannot import discharge_sim.cli.build_parser: {exc}") from exc
    return build_parser()


def _subcommands(parser: argparse.ArgumentParser) -> list[Command]:
    commands: list[Command] = []
    for action in parser._actions:
        choices = getattr(action, "choices", None)
        if not isinstance(choices, dict) or not choices:
            continue
        if not all(isinstance(p, argparse.ArgumentParser) for p in choices.values()):
            continue
        summaries = {getattr(a, "dest", None): getattr(a, "help", None) or ""
                     for a in getattr(action, "_choices_actions", [])}
        seen: set[int] = set()
        for name, sub in choices.items():
            if id(sub) in seen:  # an alias
                continue
            seen.add(id(sub))
            summary = summaries.get(name) or _first_sentence(_description(sub))
            commands.append(Command(name, summary, sub))
    return commands


def _description(parser: argparse.ArgumentParser) -> str:
    """A parser's description as ``--help`` means it (``%%`` is a per cent sign)."""
    text = parser.description or ""
    with contextlib.suppress(KeyError, TypeError, ValueError):
        text = text % {"prog": parser.prog} if "%(prog)" in text else text.replace("%%", "%")
    return text


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=\.)\s", text.strip(), maxsplit=1)[0] if text else ""


@contextlib.contextmanager
def _usage_width() -> Iterator[None]:
    """argparse wraps usage to the terminal's width; fix it so that every build writes the same page."""
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = USAGE_WIDTH
    try:
        yield
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old


def _usage(parser: argparse.ArgumentParser) -> str:
    with _usage_width():
        text = parser.format_usage().strip()
    return f"```text\n{text}\n```"


def _help_text(action: argparse.Action, prog: str) -> str | None:
    """An option's help with its %(...)s fields filled in, as ``--help`` prints it."""
    text = action.help
    if text is argparse.SUPPRESS:
        return None
    text = text or ""
    params = dict(vars(action), prog=prog)
    for k, v in list(params.items()):
        if v is argparse.SUPPRESS:
            del params[k]
        elif hasattr(v, "__name__"):
            params[k] = v.__name__
    if params.get("choices") is not None:
        params["choices"] = ", ".join(str(c) for c in params["choices"])
    try:
        text = text % params
    except (KeyError, TypeError, ValueError):
        text = text.replace("%%", "%")
    # The default worker count names the build machine's CPUs, which is not a fact about the program.
    return re.sub(r"(the number of CPUs), \d+\)", r"\1)", text)


def _is_help(action: argparse.Action) -> bool:
    return action.dest == "help" and "--help" in action.option_strings


def _option_cell(action: argparse.Action) -> str:
    if not action.option_strings:
        return f"`{action.metavar or action.dest}`"
    strings = list(action.option_strings)
    if isinstance(action, argparse.BooleanOptionalAction):
        return " / ".join(f"`{s}`" for s in strings)
    return ", ".join(f"`{s}`" for s in strings)


def _argument_cell(action: argparse.Action) -> str:
    parts: list[str] = []
    if action.option_strings and action.nargs == 0:
        parts.append("none (a switch)")
    elif action.choices is not None and not isinstance(action.choices, dict):
        parts.append(" or ".join(f"`{c}`" for c in action.choices))
    elif action.option_strings:
        metavar = action.metavar if isinstance(action.metavar, str) else action.dest.upper()
        parts.append(f"`{metavar}`")
    if not action.option_strings:
        parts.append({"?": "optional", "*": "any number", "+": "one or more"}.get(str(action.nargs), "required"))
    elif action.required:
        parts.append("required")
    if type(action).__name__ in ("_AppendAction", "_ExtendAction"):
        parts.append("repeatable")
    return ", ".join(parts)


def _default_cell(action: argparse.Action) -> str:
    d = action.default
    if isinstance(action, argparse.BooleanOptionalAction) and isinstance(d, bool):
        return f"`{action.option_strings[0]}`" if d else f"`{action.option_strings[-1]}`"
    if d is None or d is argparse.SUPPRESS or (action.nargs == 0 and d is False):
        return ""
    return f"`{d}`"


def _options_table(parser: argparse.ArgumentParser) -> str:
    rows = []
    for action in parser._actions:
        if _is_help(action):
            continue
        help_text = _help_text(action, parser.prog)
        if help_text is None:
            continue
        rows.append([_option_cell(action), _argument_cell(action), _default_cell(action), _escape(help_text)])
    if not rows:
        return "No options besides `--help`."
    return _table(["option", "argument", "default", "meaning"], rows)


class _CliPage(_Generator):
    def prepare(self, markers: list[Marker], page: str) -> None:
        self.parser = _load_parser()
        self.commands = {c.name: c for c in _subcommands(self.parser)}
        if not self.commands:
            raise PluginError(f"{page}: the argument parser has no commands")
        self.anchors: dict[str, str] = {}
        self.placed: set[str] = set()
        for m in markers:
            if m.kind == "cli-command":
                if m.arg not in self.commands:
                    _warn(page, f"the page describes command {m.arg!r}, which the program does not have")
                elif m.anchor:
                    self.anchors[m.arg] = m.anchor

    def block(self, m: Marker, page: str) -> str:
        if m.kind == "cli-program":
            return self._program()
        if m.kind == "cli-commands":
            return self._commands()
        if m.kind == "cli-command":
            command = self.commands.get(m.arg)
            if command is None:
                return ""
            self.placed.add(m.arg)
            return self._command(command)
        if m.kind == "cli-options":
            return self._shared_options(m, page)
        _warn(page, f"unknown marker 'generated: {m.kind}'")
        return ""

    def unplaced(self, page: str) -> str:
        missing = [name for name in self.commands if name not in self.placed]
        if not missing:
            return ""
        for name in missing:
            _warn(page, f"command {name!r} has no section on the page (added at the end)")
        blocks = ["## Other commands"]
        for name in missing:
            blocks += [f"### {name}", self._command(self.commands[name])]
        return "\n\n".join(blocks)

    def _program(self) -> str:
        parts = []
        if self.parser.description:
            parts.append(_escape(_description(self.parser)))
        parts.append(_usage(self.parser))
        extra = [a for a in self.parser._actions if a.option_strings and not _is_help(a)]
        if extra:
            parts.append(_table(["option", "meaning"],
                                [[_option_cell(a), _escape(_help_text(a, self.parser.prog) or "")] for a in extra]))
        return "\n\n".join(parts)

    def _commands(self) -> str:
        rows = []
        for name, c in self.commands.items():
            anchor = self.anchors.get(name)
            label = f"[`{name}`](#{anchor})" if anchor else f"`{name}`"
            rows.append([label, _escape(c.summary)])
        return _table(["command", "what it does"], rows)

    def _command(self, c: Command) -> str:
        parts = [_usage(c.parser)]
        if c.parser.description:
            parts.append(_escape(_description(c.parser)))
        parts.append(_options_table(c.parser))
        return "\n\n".join(parts)

    def _shared_options(self, m: Marker, page: str) -> str:
        accepted: dict[str, list[str]] = {}
        for name, c in self.commands.items():
            for action in c.parser._actions:
                for s in action.option_strings:
                    accepted.setdefault(s, []).append(name)
        rows = []
        for cell, meaning in m.notes.items():
            options = re.findall(r"(?<![\w-])--[a-z][\w-]*", cell)
            commands: list[str] = []
            for option in options:
                if option not in accepted:
                    _warn(page, f"the shared options table describes {option}, which no command accepts")
                for name in accepted.get(option, []):
                    if name not in commands:
                        commands.append(name)
            order = list(self.commands)
            commands.sort(key=order.index)
            rows.append([cell, ", ".join(f"`{n}`" for n in commands), meaning])
        return _table(["option", "accepted by", "meaning"], rows)


# --------------------------------------------------------------------------------------------
# The config schema
# --------------------------------------------------------------------------------------------

NoneType = type(None)


def _load_schema() -> type:
    try:
        from discharge_sim.config import Config
    except Exception as exc:
        raise PluginError(f"cannot import discharge_sim.config.Config: {exc}") from exc
    return Config


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and isinstance(getattr(tp, "model_fields", None), dict)


def _fields(model: type) -> dict[str, Any]:
    fields = getattr(model, "model_fields", {})
    return dict(fields) if isinstance(fields, dict) else {}


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _strip(tp: Any) -> tuple[Any, list[Any]]:
    """The type without ``Annotated`` wrappers, and the constraints those wrappers carried."""
    meta: list[Any] = []
    while typing.get_origin(tp) is typing.Annotated:
        base, *extra = typing.get_args(tp)
        for item in extra:
            inner = getattr(item, "metadata", None)
            meta.extend(inner if isinstance(inner, list) else [item])
        tp = base
    return tp, meta


def _optional(tp: Any) -> Any:
    """``X | None`` -> ``X`` (the default says when a key may be left out)."""
    tp, _ = _strip(tp)
    if _is_union(tp):
        args = [a for a in typing.get_args(tp) if a is not NoneType]
        if len(args) == 1:
            return _strip(args[0])[0]
    return tp


def _union_models(tp: Any) -> list[type]:
    tp = _optional(tp)
    if _is_union(tp):
        members = [_strip(a)[0] for a in typing.get_args(tp) if a is not NoneType]
        if members and all(_is_model(m) for m in members):
            return members
    return []


def _models_in(tp: Any) -> Iterator[type]:
    tp, _ = _strip(tp)
    if _is_model(tp):
        yield tp
        return
    for arg in typing.get_args(tp):
        if arg is not NoneType and not isinstance(arg, (str, int, float, bool)):
            yield from _models_in(arg)


def _human(model: type) -> str:
    """``PlacementStep`` -> ``placement step``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", model.__name__).lower()


def _attribute_docs(model: type) -> dict[str, str]:
    """Docstrings written under fields in the class bodies (base classes first)."""
    from discharge_sim.config.docstrings import attribute_docstrings

    return attribute_docstrings(model)


def _doc(model: type, name: str, info: Any) -> str | None:
    text = getattr(info, "description", None) or _attribute_docs(model).get(name)
    if not text:
        return None
    first = inspect.cleandoc(text).split("\n\n")[0]
    return " ".join(first.split())


def _number(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _constraints(meta: list[Any]) -> tuple[str, list[str]]:
    """('>= 0 and < 24', ['at least 1']) from annotated-types style constraint objects."""
    bounds: list[str] = []
    sizes: list[str] = []
    for item in meta:
        for attr, sign in (("gt", ">"), ("ge", "≥"), ("lt", "<"), ("le", "≤")):
            v = getattr(item, attr, None)
            if v is not None:
                bounds.append(f"{sign} {_number(v)}")
        lo, hi = getattr(item, "min_length", None), getattr(item, "max_length", None)
        if lo:
            sizes.append(f"at least {lo}")
        if hi is not None:
            sizes.append(f"at most {hi}")
    return " and ".join(bounds), sizes


def _literals(tp: Any) -> list[Any]:
    tp, _ = _strip(tp)
    if typing.get_origin(tp) is typing.Literal:
        return list(typing.get_args(tp))
    if _is_union(tp):
        values: list[Any] = []
        for a in typing.get_args(tp):
            if a is not NoneType:
                values += [v for v in _literals(a) if v not in values]
        return values
    return []


def _one_of(values: list[Any]) -> str:
    shown = [f"`{v}`" for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


class _ConfigPage(_Generator):
    """The config schema as sections of rows, matched with the page's markers."""

    def prepare(self, markers: list[Marker], page: str) -> None:
        self.schema = _load_schema()
        self.sections: dict[str, list[tuple[str, Any, Any, type]]] = {}  # id -> (key, annotation, info, model)
        self.section_of: dict[type, str] = {}
        self.shared: set[type] = self._shared_models()
        self._build()
        self.anchors = {m.arg.split()[0]: m.anchor for m in markers if m.kind == "config" and m.anchor}
        self.placed: set[str] = set()

    # --- walking the schema

    def _shared_models(self) -> set[type]:
        """Models used under more than one key (a distribution): documented once, linked from each use."""
        counts: Counter[type] = Counter()
        seen: set[type] = set()
        todo: list[type] = [self.schema]
        while todo:
            model = todo.pop()
            if model in seen:
                continue
            seen.add(model)
            for info in _fields(model).values():
                for m in set(_models_in(info.annotation)):
                    counts[m] += 1
                    todo.append(m)
        return {m for m, n in counts.items() if n > 1}

    def _build(self) -> None:
        top: list[tuple[str, Any, Any, type]] = []
        self.sections["top"] = top
        for name, info in _fields(self.schema).items():
            top.append((name, info.annotation, info, self.schema))
            self._place(name, info.annotation)
        for model in sorted(self.shared, key=lambda m: m.__name__):
            sid = _human(model)
            self.section_of[model] = sid
            self.sections[sid] = self._rows(model, "")

    def _place(self, name: str, annotation: Any) -> None:
        tp = _optional(annotation)
        if _is_model(tp) and tp not in self.shared:
            self.section_of[tp] = name
            self.sections[name] = self._rows(tp, "")
            return
        origin = typing.get_origin(tp)
        if origin is dict:
            _, value = typing.get_args(tp)
            sid = f"{name}.<name>"
            value = _optional(value)
            if typing.get_origin(value) is list:
                value = _optional(typing.get_args(value)[0])
            if _is_model(value) and value not in self.shared:
                self.section_of[value] = sid
                self.sections[sid] = self._rows(value, "")
                return
            members = _union_models(value)
            if members:
                self._place_union(sid, members)
        elif origin is list:
            item = _optional(typing.get_args(tp)[0])
            if _is_model(item) and item not in self.shared:
                self.section_of[item] = f"{name}[]"
                self.sections[f"{name}[]"] = self._rows(item, "")

    def _place_union(self, sid: str, members: list[type]) -> None:
        """Keys every member has (their common section), then each member's own keys by its tag."""
        names = [set(_fields(m)) for m in members]
        common = [n for n in _fields(members[0]) if all(n in s for s in names)]
        # The key that selects the member (type: delay) comes first.
        common.sort(key=lambda n: not all(len(_literals(_fields(m)[n].annotation)) == 1 for m in members))
        rows = []
        for n in common:
            infos = [_fields(m)[n] for m in members]
            values = [v for i in infos for v in _literals(i.annotation)]
            annotation = typing.Literal[tuple(dict.fromkeys(values))] if values and all(
                _literals(i.annotation) for i in infos) else infos[0].annotation
            rows.append((n, annotation, infos[0], members[0]))
        self.sections[sid] = rows
        for m in members:
            tag = self._tag(m, common)
            own = f"{sid}/{tag}"
            self.section_of[m] = own
            self.sections[own] = [r for r in self._rows(m, "") if r[0].split(".")[0].split("[")[0] not in common]

    @staticmethod
    def _tag(model: type, common: list[str]) -> str:
        """The value that selects this member (``type: delay`` -> ``delay``), else its name."""
        for n in common:
            values = _literals(_fields(model)[n].annotation)
            if len(values) == 1:
                return str(values[0])
        return _human(model)

    def _rows(self, model: type, prefix: str) -> list[tuple[str, Any, Any, type]]:
        rows = []
        for name, info in _fields(model).items():
            key = prefix + name
            rows.append((key, info.annotation, info, model))
            tp = _optional(info.annotation)
            if _is_model(tp) and tp not in self.shared:
                rows += self._rows(tp, key + ".")
            elif typing.get_origin(tp) is list:
                item = _optional(typing.get_args(tp)[0])
                if _is_model(item) and item not in self.shared:
                    rows += self._rows(item, key + "[].")
        return rows

    # --- writing

    def _type(self, tp: Any, extra: list[Any] | None = None, row: bool = False) -> str:
        """A key's type in words, with the constraints of its annotation and of its field."""
        tp, meta = _strip(tp)
        meta = [*(extra or []), *meta]
        if _is_union(tp):
            args = [a for a in typing.get_args(tp) if a is not NoneType]
            if len(args) == 1:  # X | None: the default says the key may be left out
                tp, more = _strip(args[0])
                meta += more
        bounds, sizes = _constraints(meta)
        text = self._bare_type(tp, row)
        if bounds:
            text += f" {bounds}" if text in ("number", "integer") else f" ({bounds})"
        if sizes:
            text += f" ({', '.join(sizes)})"
        return text

    def _bare_type(self, tp: Any, row: bool) -> str:
        """``row``: the type of a key itself; a model there is a section (its keys follow or are linked)."""
        if _is_union(tp):
            args = [a for a in typing.get_args(tp) if a is not NoneType]
            members = _union_models(tp)
            if members:
                words = {_human(m).split()[-1] for m in members}
                if len(words) == 1:
                    return self._link(members[0], words.pop())
            return " or ".join(self._type(a) for a in args)
        if typing.get_origin(tp) is typing.Literal:
            return _one_of(list(typing.get_args(tp)))
        if _is_model(tp):
            sid = self.section_of.get(tp)
            return self._link(tp, "section" if row and tp not in self.shared else _human(tp), sid)
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin in (list, tuple, set, frozenset) and args:
            return f"list of {self._type(args[0])}"
        if origin is dict and len(args) == 2:
            key = self._type(args[0])
            key = "name" if key == "text" else key
            return f"map {key} → {self._type(args[1])}"
        return {bool: "true or false", int: "integer", float: "number", str: "text"}.get(tp, getattr(
            tp, "__name__", str(tp)))

    def _link(self, model: type, label: str, sid: str | None = None) -> str:
        sid = sid or self.section_of.get(model)
        if sid and "/" in sid:
            sid = sid.split("/")[0]
        anchor = self.anchors.get(sid) if sid else None
        return f"[{label}](#{anchor})" if anchor else label

    @staticmethod
    def _default(info: Any) -> str:
        if getattr(info, "is_required", lambda: False)():
            return "required"
        value: Any
        factory = getattr(info, "default_factory", None)
        if factory is not None:
            try:
                value = factory()
            except Exception:
                return "computed"
        else:
            value = getattr(info, "default", None)
        if value is None:
            return "unset"
        if _is_model(type(value)):
            return "every key at its default"
        if isinstance(value, (list, tuple, dict, set)) and not value:
            return "none"
        if isinstance(value, (list, tuple)) and len(set(map(repr, value))) == 1 and len(value) > 3:
            return f"`{_number(value[0])}` × {len(value)}"
        if isinstance(value, str):
            return f'`"{value}"`' if value == "" else f"`{value}`"
        if isinstance(value, (int, float)):
            return f"`{_number(value)}`"
        return f"`{value!r}`"

    def block(self, m: Marker, page: str) -> str:
        if m.kind == "config":
            return self._section(m, page)
        if m.kind == "config-values":
            return self._values(m, page)
        _warn(page, f"unknown marker 'generated: {m.kind}'")
        return ""

    def _section(self, m: Marker, page: str) -> str:
        sid = m.arg
        rows = self.sections.get(sid)
        if rows is None:
            _warn(page, f"the page describes config section {sid!r}, which the schema does not have")
            return ""
        self.placed.add(sid)
        return self._section_table(sid, rows, m.notes, page)

    def _section_table(self, sid: str, rows: list[tuple[str, Any, Any, type]], notes: dict[str, str],
                       page: str) -> str:
        notes = {_key(k): v for k, v in notes.items()}
        keys = {r[0] for r in rows}
        for k in notes:
            if k not in keys:
                _warn(page, f"section {sid!r} documents key {k!r}, which the schema does not have")
        out = []
        for key, annotation, info, model in rows:
            meaning = notes.get(key) or _doc(model, key.rsplit(".", 1)[-1].split("[")[0], info)
            if not meaning:
                _warn(page, f"config key {sid}: {key!r} has no description on the page or in the schema")
                meaning = ""
            extra = getattr(info, "metadata", None)
            kind = self._type(annotation, extra if isinstance(extra, list) else None, row=True)
            out.append([f"`{key}`", kind, self._default(info), meaning])
        return _table(["key", "type", "default", "meaning"], out)

    def _values(self, m: Marker, page: str) -> str:
        sid, _, key = m.arg.partition(" ")
        row = next((r for r in self.sections.get(sid, []) if r[0] == key.strip()), None)
        values = _literals(row[1]) if row else []
        if not values:
            _warn(page, f"config-values {m.arg!r}: the schema has no such key with a fixed set of values")
            return ""
        notes = {_key(k): v for k, v in m.notes.items()}
        for k in notes:
            if k not in {str(v) for v in values}:
                _warn(page, f"the values of {key!r} include {k!r}, which the schema does not allow")
        rows = []
        for v in values:
            meaning = notes.get(str(v))
            if meaning is None:
                _warn(page, f"value {v!r} of {key!r} has no description on the page")
                meaning = ""
            rows.append([f"`{v}`", meaning])
        header = [m.header[0], m.header[-1]] if len(m.header) >= 2 else ["value", "meaning"]
        return _table(header, rows)

    def unplaced(self, page: str) -> str:
        missing = [sid for sid in self.sections if sid not in self.placed]
        if not missing:
            return ""
        blocks = ["## Other settings"]
        for sid in missing:
            _warn(page, f"config section {sid!r} has no place on the page (added at the end)")
            blocks += [f"### `{sid}`", self._section_table(sid, self.sections[sid], {}, page)]
        return "\n\n".join(blocks)

