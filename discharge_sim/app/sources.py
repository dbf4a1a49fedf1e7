"""Where the page's configs come from: the configs shipped beside the package, a file the user
uploads (YAML, or a workbook from ``discharge-sim template --xlsx``), a config fitted to an
uploaded patient-level extract, and the shipped scenarios laid over whatever the user has edited.

An upload is written to a temporary folder only for as long as it is read; what a message says
about it names the file as the user called it, not the temporary copy.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discharge_sim
from discharge_sim import api
from discharge_sim.config import EXTENDS, Config, ConfigError, config_from_dict, overlay, read_yaml
from discharge_sim.data.extract import ExtractError

CONFIG_SUFFIXES = (".yaml", ".yml", ".xlsx", ".xlsm")
"""Files read as a config: YAML, or a workbook."""
EXTRACT_SUFFIXES = (".csv", ".xlsx", ".parquet")
"""Files read as a patient-level extract."""
SCENARIOS = "scenarios"


def configs_folder() -> Path:
    """The shipped configs: beside the package (a source checkout, or an editable install), else
    ``configs`` in the working folder, where :func:`discharge_sim.api.default_config` also looks."""
    beside = Path(discharge_sim.__file__).resolve().parent.parent / "configs"
    return beside if beside.is_dir() else api.default_config().parent


def shipped() -> dict[str, Path]:
    """Every shipped config by its name on the page (``configs/baseline.yaml``): the baseline first,
    then the other whole configs, then the scenarios."""
    folder = configs_folder()
    found = sorted(folder.glob("*.yaml"), key=lambda p: (p.stem != "baseline", p.name))
    found += sorted((folder / SCENARIOS).glob("*.yaml"))
    return {p.relative_to(folder.parent).as_posix(): p for p in found}


def scenarios() -> dict[str, Path]:
    """The shipped scenario overlays by name (``more_home_care``)."""
    return {p.stem: p for p in sorted((configs_folder() / SCENARIOS).glob("*.yaml"))}


@dataclass(frozen=True)
class Scenario:
    """A scenario overlay: what it changes, its name and what it says it is."""

    name: str
    description: str
    changes: dict[str, Any]


def read_scenario(path: Path) -> Scenario:
    """A scenario file's own changes, without the config it extends: they are laid over the
    config the user has edited instead (see :func:`with_scenario`)."""
    changes = read_yaml(path)
    changes.pop(EXTENDS, None)
    return Scenario(str(changes.get("name", path.stem)), " ".join(str(changes.get("description", "")).split()),
                    changes)


def with_scenario(base: Mapping[str, Any], scenario: Scenario) -> Config:
    """``base`` (config data) with a scenario's changes laid over it, validated: what the scenario
    sets takes the scenario's value, everything else stays as edited."""
    return config_from_dict(overlay(base, _keys_as_in(base, scenario.changes)), source=f"scenario {scenario.name}")


def _keys_as_in(base: Mapping[Any, Any], changes: Mapping[Any, Any]) -> dict[Any, Any]:
    """``changes`` with each key spelt as ``base`` spells it: config data written out has the
    pathways' numbers as text ("3"), a YAML file as numbers (3), and the two must meet."""
    out: dict[Any, Any] = {}
    for key, value in changes.items():
        same = key if key in base or str(key) not in base else str(key)
        inner = base.get(same)
        out[same] = _keys_as_in(inner, value) if isinstance(value, Mapping) and isinstance(inner, Mapping) else value
    return out


def _safe(name: str, suffixes: tuple[str, ...], what: str) -> str:
    """An uploaded file's name, reduced to a plain file name with a suffix that says what it is."""
    plain = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(name).name).strip("._") or "upload"
    if Path(plain).suffix.lower() not in suffixes:
        raise ConfigError(f"{name}: not {what}; expected a file ending in {', '.join(suffixes)}")
    return plain


@contextmanager
def _written(name: str, data: bytes) -> Iterator[Path]:
    """The upload as a file in a temporary folder; messages that name the copy name the upload."""
    with tempfile.TemporaryDirectory(prefix="discharge-sim-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            yield path
        except (ConfigError, ExtractError) as exc:
            text = str(exc).replace(str(path), name).replace(folder, "")
            if EXTENDS in text and "no such config file" in text:
                text += (" (an uploaded config cannot refer to another file: upload the config as "
                         "`discharge-sim check` prints it, or load a shipped config and pick the scenario below)")
            raise type(exc)(text) from None


def read_upload(name: str, data: bytes) -> Config:
    """An uploaded config, YAML or a workbook (by its name's suffix), validated."""
    safe = _safe(name, CONFIG_SUFFIXES, "a config (YAML) or a config workbook (Excel)")
    with _written(safe, data) as path:
        return api.load(path)


def fit_upload(name: str, data: bytes, base: Path | None, out: Path, correct_waits: bool = True) -> Path:
    """Fit a config to an uploaded extract on top of ``base`` (default: the baseline), into the
    results folder ``out``; return the fitted config's file."""
    safe = _safe(name, EXTRACT_SUFFIXES, "a patient-level extract")
    with _written(safe, data) as path:
        fitted = api.fit(path, base=base, out=out, correct_waits=correct_waits)
    return fitted.config_path
