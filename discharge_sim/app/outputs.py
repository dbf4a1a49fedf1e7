"""What the page shows and offers from a results folder: where a new folder goes, the figures
(figures/figures.json: file, title, caption), the key numbers (summary.json: each side's share of
delayed bed-days with its interval; for a comparison, per scenario, with each scenario's delayed
bed-days and its paired difference from the baseline), the folder as a zip, and the board pack."""

from __future__ import annotations

import io
import json
import math
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from discharge_sim import api
from discharge_sim.api.runner import results_folder
from discharge_sim.config import Config

FIGURES = "figures"
CATALOGUE = "figures.json"
SUMMARY = "summary.json"
MEASURES = {"delayed_bed_days": "share of all delayed hours",
            "delayed_bed_days_after_ready_day": "share of days after the discharge-ready date"}
"""The two delay measures of the answer, as the page's columns name them."""
SIDE_METRICS = {"delayed_bed_days": "all delayed bed-days",
                "delayed_bed_days_hospital": "hospital-internal",
                "delayed_bed_days_social_care": "social care"}
"""Per scenario of a comparison: total delayed bed-days, and those recorded against each owner."""


def new_folder(root: Path, name: str) -> Path:
    """``root/<name>-<time>``: a results folder that does not exist yet, named as the command line
    names its own (by the same function)."""
    return results_folder(root, name)


@dataclass(frozen=True)
class Figure:
    """A figure of a results folder as the catalogue lists it."""

    name: str
    title: str
    caption: str
    png: Path


def figures(folder: Path) -> list[Figure]:
    """The figures drawn into ``folder/figures`` that have a PNG, in the catalogue's order."""
    catalogue = folder / FIGURES / CATALOGUE
    if not catalogue.is_file():
        return []
    shown = []
    for entry in json.loads(catalogue.read_text(encoding="utf-8")):
        png = next((folder / FIGURES / f for f in entry.get("files", []) if str(f).endswith(".png")), None)
        if png is not None and png.is_file():
            shown.append(Figure(str(entry.get("name", png.stem)), str(entry.get("title", png.stem)),
                                str(entry.get("caption", "")), png))
    return shown


def summary(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / SUMMARY).read_text(encoding="utf-8")))


def percent(share: Mapping[str, Any]) -> str:
    """A share with its 95% interval, in whole percent: ``21% (19% to 23%)``."""
    return _with_interval(share, lambda x: f"{round(x * 100) or 0}%")


def bed_days(stat: Mapping[str, Any]) -> str:
    """Bed-days with their 95% interval: ``2,646 (2,007 to 3,284)``."""
    return _with_interval(stat, lambda x: f"{x:,.0f}")


def _with_interval(stat: Mapping[str, Any], shown: Callable[[float], str]) -> str:
    """A mean and, where it has one, its interval in brackets; ``-`` for no mean."""
    mean = _number(stat.get("mean"))
    if not math.isfinite(mean):
        return "-"
    low, high = _number(stat.get("ci_low")), _number(stat.get("ci_high"))
    text = shown(mean)
    if math.isfinite(low) and math.isfinite(high):
        text += f" ({shown(low)} to {shown(high)})"
    return text


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else math.nan


def answer(document: Mapping[str, Any]) -> pd.DataFrame | None:
    """The answer: per convention and side, its share of delayed bed-days under each measure with
    its 95% interval (the ledger's split, as summary.json records it); for a comparison, the same
    per scenario. None for a folder without one."""
    found = document.get("answer")
    if found:
        rows = _split_rows(found.get("conventions", []), {})
    else:
        rows = [row for scenario in document.get("answers") or []
                for row in _split_rows(scenario.get("conventions", []), {"scenario": str(scenario.get("label", ""))})]
    return pd.DataFrame(rows) if rows else None


def _split_rows(conventions: Any, first: dict[str, str]) -> list[dict[str, str]]:
    rows = []
    for game in conventions:
        measures = game.get("measures", {})
        sides: dict[str, dict[str, str]] = {}  # side -> measure -> share ("-" where a measure lacks the side)
        for measure, words in MEASURES.items():
            for row in measures.get(measure, {}).get("rows", []):
                side = sides.setdefault(str(row.get("label", row.get("side"))), dict.fromkeys(MEASURES.values(), "-"))
                side[words] = percent(row.get("recorded_share", {}))
        for label, shares in sides.items():
            rows.append({**first, "convention": str(game.get("convention", "")), "side": label, **shares})
    return rows


def comparison(document: Mapping[str, Any]) -> pd.DataFrame | None:
    """A comparison's key numbers: per scenario, delayed bed-days in all and recorded against the
    hospital's and social care's own items, with 95% intervals, and the paired difference of all
    delayed bed-days from the baseline; None for a folder that is not a comparison."""
    metrics = document.get("metrics")
    labels = document.get("configs")
    if document.get("kind") != "compare" or not isinstance(metrics, Mapping) or not labels:
        return None
    differences = document.get("differences", {})
    rows = []
    for label in labels:
        scenario = metrics.get(label, {})
        total = _number(scenario.get("delayed_bed_days", {}).get("mean"))
        row: dict[str, str] = {"scenario": str(label)}
        for metric, words in SIDE_METRICS.items():
            row[words] = bed_days(scenario.get(metric, {}))
        for metric in ("delayed_bed_days_hospital", "delayed_bed_days_social_care"):
            side = _number(scenario.get(metric, {}).get("mean"))
            row[f"{SIDE_METRICS[metric]} share"] = f"{side / total:.0%}" if total > 0 and math.isfinite(side) else "-"
        change = differences.get(label, {}).get("delayed_bed_days")
        row["change from baseline"] = bed_days(change) if change else "(baseline)"
        rows.append(row)
    return pd.DataFrame(rows)


def zipped(folder: Path) -> bytes:
    """The results folder as a zip, its files under the folder's own name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, (Path(folder.name) / path.relative_to(folder)).as_posix())
    return buffer.getvalue()


def board_pack(folder: Path) -> tuple[Path, Path, list[str]]:
    """Write the results folder's board pack (``board-pack.pdf``, A4, and ``board-pack.html``) and
    return their paths with what the pack could not include."""
    made = api.pack(folder)
    return made.pdf, made.html, list(made.notes)


def workbook(config: Config) -> bytes:
    """The config as an Excel workbook (a sheet per section, units and allowed values in the
    headers), as :func:`discharge_sim.api.template` writes it."""
    with tempfile.TemporaryDirectory(prefix="discharge-sim-workbook-") as folder:
        return api.template(config, xlsx=Path(folder) / "config.xlsx").read_bytes()
