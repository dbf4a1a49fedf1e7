"""The template command: a config as an Excel workbook to fill in, and a filled workbook back as a
config (or as a YAML file). A workbook can also be given wherever a command takes a config file.

Files are written whole or not at all: under a temporary name in the same folder, then renamed.
The spreadsheet library is imported only when a workbook is read or written.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from discharge_sim.api.errors import UsageError
from discharge_sim.config import Config, config_to_dict, load_config
from discharge_sim.io.files import destination, replace_file
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

    out = destination(xlsx, force)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: a workbook's name ends in .xlsx, so that Excel opens it")
    if isinstance(config, Config):
        loaded, source = config, ""
    else:
        path = Path(config) if config is not None else default_config()
        loaded, source = load(path), str(path)
    book = config_workbook(loaded, source)
    replace_file(out, book.save)
    return out


def write_config(config: Config, out: str | Path, force: bool = False, source: str = "") -> Path:
    """Write ``config`` as a YAML config file at ``out``: every setting, defaults filled in, as
    ``check`` prints it. Returns the path."""
    path = destination(out, force)
    note = f"# Read from {source} by discharge-sim {__version__}.\n" if source else ""
    text = note + config_text(config)
    replace_file(path, lambda tmp: _write_text(tmp, text))
    return path


def config_text(config: Config) -> str:
    """A config as YAML, every default filled in (what ``check`` prints)."""
    return yaml.safe_dump(config_to_dict(config), sort_keys=False, width=100)


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
