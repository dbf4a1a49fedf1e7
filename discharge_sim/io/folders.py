"""Reading a results folder back: its manifest, summary and tables, as the figures and the report
need them. Nothing here writes; a folder that is missing, damaged or of the wrong kind is an
:class:`~discharge_sim.io.storage.OutputError`."""

from __future__ import annotations

import csv
import json
import math
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from discharge_sim.analysis.attribution import SIDE_VARIANTS
from discharge_sim.experiments.specification import SCENARIO_COLUMNS
from discharge_sim.io.storage import OutputError

ATTRIBUTE_SIDES = tuple(name for name, _ in SIDE_VARIANTS)
ATTRIBUTE_LABELS = {"as_configured": "as configured", "hospital_instant": "hospital steps instant",
                    "social_care_unlimited": "social-care capacity unlimited", "both_removed": "both removed"}


def read_csv(path: Path) -> dict[str, np.ndarray]:
    """Every column of a CSV as strings (see :func:`numbers` for numeric columns)."""
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    return {name: np.asarray([row[i] for row in rows], dtype=object) for i, name in enumerate(header)}


def short_key(key: str) -> str:
    """The last two parts of a dotted setting: pools.nursing_home.places -> nursing_home.places."""
    return ".".join(key.split(".")[-2:])


def read_json(path: Path) -> Any:
    """A results JSON file, with nulls (written for NaN: an interval of one replication) as NaN."""
    return _nan(json.loads(path.read_text(encoding="utf-8")))


def _nan(value: Any) -> Any:
    if value is None:
        return math.nan
    if isinstance(value, dict):
        return {k: _nan(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nan(v) for v in value]
    return value


def numbers(column: np.ndarray) -> np.ndarray:
    return np.asarray([float(v) if v != "" else math.nan for v in column], dtype=float)


class ResultsFolder:
    """A results folder as written by run, compare, sweep or attribute."""

    def __init__(self, folder: Path):
        self.folder = folder
        manifest = folder / "manifest.json"
        if not folder.exists():
            raise OutputError(f"{folder}: no such folder")
        if not folder.is_dir():
            raise OutputError(f"{folder}: is a file; give a results folder")
        if not manifest.is_file() or not (folder / "summary.json").is_file():
            raise OutputError(f"{folder}: not a results folder (no manifest.json and summary.json); "
                              "give a folder written by run, compare, sweep or attribute")
        try:
            self.manifest: dict[str, Any] = json.loads(manifest.read_text(encoding="utf-8"))
            self.summary: dict[str, Any] = read_json(folder / "summary.json")
        except (ValueError, UnicodeDecodeError) as exc:
            raise OutputError(f"{folder}: manifest.json or summary.json is damaged ({exc}); rerun the experiment") \
                from None
        self.kind: str = self.manifest.get("kind", "run")
        if self.kind not in ("run", "compare", "sweep", "attribute", "warmup"):
            raise OutputError(f"{folder}: a {self.kind} folder has no figures to draw")

    def has(self, name: str) -> bool:
        return (self.folder / name).is_file()

    def table(self, name: str) -> dict[str, np.ndarray]:
        return read_csv(self.folder / name)

    @cached_property
    def config(self) -> dict[str, Any]:
        """The (first) config as run."""
        if "config" in self.manifest:
            return dict(self.manifest["config"])
        return dict(self.manifest["scenarios"][0]["config"])

    @property
    def name(self) -> str:
        return str(self.config.get("name", "config"))

    @property
    def measured_days(self) -> float:
        run = self.config["run"]
        return float(run["days"]) - float(run.get("warmup_days", 0.0))

    def scenarios(self) -> list[tuple[str, dict[str, dict[str, float]]]]:
        """(readable label, metric summaries) per scenario, in order; for attribute the four side runs."""
        return [(label, metrics) for _, label, metrics in self.keyed_scenarios()]

    def keyed_scenarios(self) -> list[tuple[str, str, dict[str, dict[str, float]]]]:
        """(key in summary.json, readable label, metric summaries) per scenario."""
        s = self.summary
        if self.kind == "compare":
            return [(label, label, s["metrics"][label]) for label in s["configs"]]
        if self.kind == "sweep":
            return [(f"point {p['point']}", f"{p['point']}: " + ", ".join(
                f"{short_key(k)} {v}" for k, v in p["settings"].items()), p["metrics"]) for p in s["points"]]
        if self.kind == "attribute":
            return [(key, ATTRIBUTE_LABELS[key], s["metrics"][key]) for key in ATTRIBUTE_SIDES if key in s["metrics"]]
        return [(s.get("config", self.name), s.get("config", self.name), s["metrics"])]

    @property
    def title_name(self) -> str:
        """The config(s) a figure is about, for titles."""
        if self.kind == "compare":
            return " vs ".join(self.summary["configs"])
        return self.name

    @property
    def scenario_column(self) -> str | None:
        return SCENARIO_COLUMNS.get(self.kind)

    def first_scenario_rows(self, table: dict[str, np.ndarray]) -> np.ndarray:
        """Rows of a detail table that belong to the first scenario."""
        column = self.scenario_column
        n = len(next(iter(table.values()))) if table else 0
        if column is None or column not in table:
            return np.ones(n, dtype=bool)
        first = table[column][0] if n else ""
        return np.asarray(table[column] == first)
