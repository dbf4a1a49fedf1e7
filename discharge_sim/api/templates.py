"""The template command: a config as an Excel workbook to fill in, and a filled workbook back as a
config (or as a YAML file). A workbook can also be given wherever a command takes a config file.

Files are written whole or not at all: under a temporary name in the same folder, then renamed.
The spreadsheet library is imported only when a workbook is read or written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from discharge_sim.api.errors import UsageError
from discharge_sim.config import Config, config_to_dict, load_config
from discharge_sim.io.storage import OutputError
from discharge_sim.version import __version__

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
"""File names read as workbooks; any other config file is read as YAML."""


def load(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Config:
    """A config file, YAML or a workbook (by its suffix), with dotted ``overrides`` applied."""
    p = Path(path)
    if p.suffix.lower() in WORKBOOK_SUFFIXES:
        return from_workbook(p, overrides)
    return load_config(p, overrides)


def from_workbook(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Config:
    """The config a filled workbook holds; a :class:`~discharge_sim.config.ConfigError` names a bad
    cell (``pools!C4``), its value and what is allowed there."""
    from discharge_sim.data.workbook import open_workbook, workbook_config  # openpyxl only when needed

    return workbook_config(open_workbook(path), source=str(path), overrides=overrides)


def template(config: Config | str | Path | None = None, *, xlsx: str | Path, force: bool = False) -> Path:
    """Write ``config`` (a config, or a YAML or workbook file, by default the baseline) as a workbook
    at ``xlsx``: a README sheet, then one sheet per section with units and allowed values in the
    headers. Reading it back (:func:`from_workbook`) gives the same config. Returns the path."""
    from discharge_sim.api.runner import default_config  # the runner loads configs through this module
    from discharge_sim.data.workbook import config_workbook

    out = _destination(xlsx, force)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: a workbook's name ends in .xlsx, so that Excel opens it")
    if isinstance(config, Config):
        loaded, source = config, ""
    else:
        path = Path(config) if config is not None else default_config()
        loaded, source = load(path), str(path)
    book = config_workbook(loaded, source)
    _replace(out, book.save)
    return out


def write_config(config: Config, out: str | Path, force: bool = False, source: str = "") -> Path:
    """Write ``config`` as a YAML config file at ``out``: every setting, defaults filled in, as
    ``check`` prints it. Returns the path."""
    path = _destination(out, force)
    note = f"# Read from {source} by discharge-sim {__version__}.\n" if source else ""
    text = note + config_text(config)
    _replace(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path


def config_text(config: Config) -> str:
    """A config as YAML, every default filled in (what ``check`` prints)."""
    return yaml.safe_dump(config_to_dict(config), sort_keys=False, width=100)


def _destination(path: str | Path, force: bool) -> Path:
    out = Path(path)
    if out.is_dir():
        raise OutputError(f"{out}: is a folder; give the name of the file to write")
    if out.exists() and not force:
        raise OutputError(f"{out}: already exists; choose another name, or replace it (--force, force=True)")
    if not out.parent.is_dir():
        raise OutputError(f"{out}: the folder {out.parent} does not exist")
    return out


def _replace(path: Path, write: Any) -> None:
    """Write a file under a temporary name in its folder, then rename it into place."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write the file ({exc.strerror or exc})") from None
    finally:
        tmp.unlink(missing_ok=True)
