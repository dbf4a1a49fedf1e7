"""Reading a results folder back: its manifest, summary and tables, as the figures and the report
need them. Nothing here writes; a folder that is missing, damaged or of the wrong kind is an
:class:`~discharge_sim.io.storage.OutputError`.

The manifest, the summary and attribution.json are checked when the folder is opened: every part
the figures and the report read has the shape they read it as (a mapping, a list, a number, a
text), and every config as run is a valid config. A file edited by hand or damaged is refused
there, with the file and the part named, instead of failing somewhere in the middle of a figure.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from discharge_sim.config import ConfigError, config_from_dict, config_to_dict
from discharge_sim.experiments.specification import SCENARIO_COLUMNS
from discharge_sim.io.storage import OutputError


def scenario_text(label: str) -> str:
    """An attribute scenario's label, readable: symmetric:without:hospital+social_care ->
    symmetric, without hospital + social_care."""
    if label == "as_configured":
        return "as configured"
    convention, _, rest = label.partition(":")
    verb, _, sides = rest.partition(":")
    if not sides:
        return label
    return f"{convention}: {'without' if verb == 'without' else 'at benchmark:'} {' + '.join(sides.split('+'))}"


def read_csv(path: Path) -> dict[str, np.ndarray]:
    """Every column of a CSV as strings (see :func:`numbers` for numeric columns)."""
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader)
            rows = list(reader)
    except (StopIteration, UnicodeDecodeError, csv.Error) as exc:
        problem = "empty" if isinstance(exc, StopIteration) else f"not a CSV table ({exc})"
        raise OutputError(f"{path}: incomplete or damaged: {problem}; rerun the experiment") from None
    short = next((number for number, row in enumerate(rows, start=2) if len(row) != len(header)), None)
    if short is not None:
        raise OutputError(f"{path}: incomplete or damaged: line {short} has {len(rows[short - 2])} values for "
                          f"{len(header)} columns; rerun the experiment")
    return {name: np.asarray([row[i] for row in rows], dtype=object) for i, name in enumerate(header)}


def read_first(path: Path, numeric: Sequence[str], text: Sequence[str] = (), scenario: str | None = None,
               first_replication: bool = False) -> dict[str, np.ndarray]:
    """Some columns of the rows of a detail table's first scenario (``scenario``: the column naming
    it; None, or a column the table does not have: one scenario) and, with ``first_replication``,
    of its first replication only: floats for ``numeric`` (empty cells NaN), strings for ``text``.

    The file is read line by line and left at the first row past them (tables are written
    scenario by scenario, replication by replication), keeping only these columns: what a figure
    needs, never the whole table as text.
    """
    names = [*numeric, *text]
    kept: list[list[str]] = []
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader)
            missing = [name for name in names if name not in header]
            if missing:
                raise OutputError(f"{path}: incomplete or damaged: no column {missing[0]!r}; rerun the experiment")
            where = [header.index(name) for name in names]
            group = [header.index(scenario)] if scenario in header else []
            if first_replication and "replication" in header:
                group.append(header.index("replication"))
            first: list[str] | None = None
            for line, row in enumerate(reader, start=2):
                if len(row) != len(header):
                    raise OutputError(f"{path}: incomplete or damaged: line {line} has {len(row)} values for "
                                      f"{len(header)} columns; rerun the experiment")
                key = [row[i] for i in group]
                if first is None:
                    first = key
                elif key != first:
                    break
                kept.append([row[i] for i in where])
    except (StopIteration, UnicodeDecodeError, csv.Error) as exc:
        problem = "empty" if isinstance(exc, StopIteration) else f"not a CSV table ({exc})"
        raise OutputError(f"{path}: incomplete or damaged: {problem}; rerun the experiment") from None
    out: dict[str, np.ndarray] = {}
    for j, name in enumerate(names):
        values = [row[j] for row in kept]
        out[name] = numbers(np.asarray(values, dtype=object)) if name in numeric else np.asarray(values, dtype=object)
    return out


def read_first_parquet(path: Path, numeric: Sequence[str], text: Sequence[str] = (), scenario: str | None = None,
                       first_replication: bool = False) -> dict[str, np.ndarray]:
    """:func:`read_first` of a Parquet table: only these columns are read, and only the row groups
    (one per replication) of the first scenario and replication."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = [*numeric, *text]
    try:
        file = pq.ParquetFile(path)
        header = file.schema_arrow.names
        missing = [name for name in names if name not in header]
        if missing:
            raise OutputError(f"{path}: incomplete or damaged: no column {missing[0]!r}; rerun the experiment")
        group = [c for c in ([scenario] if scenario in header else []) +
                 (["replication"] if first_replication and "replication" in header else [])]
        parts = []
        first: list[Any] | None = None
        for i in range(file.num_row_groups):
            rows = file.read_row_group(i, columns=list(dict.fromkeys([*names, *group])))
            if group:
                keys = [rows.column(c).to_pylist() for c in group]
                if rows.num_rows:
                    if first is None:
                        first = [k[0] for k in keys]
                    same = np.logical_and.reduce([np.asarray(k, dtype=object) == f for k, f in zip(keys, first)])
                    if not same.all():
                        parts.append(rows.filter(pa.array(same)))
                        break
            parts.append(rows)
        table = pa.concat_tables(parts) if parts else file.schema_arrow.empty_table()
    except (OSError, pa.ArrowException) as exc:
        raise OutputError(f"{path}: incomplete or damaged: not a Parquet table ({exc}); rerun the experiment") \
            from None
    out: dict[str, np.ndarray] = {}
    for name in names:
        values = table.column(name).to_pylist()
        if name in numeric:
            out[name] = np.asarray([math.nan if v is None else v for v in values], dtype=float)
        else:
            out[name] = np.asarray(["" if v is None else str(v) for v in values], dtype=object)
    return out


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
    try:
        return np.asarray([float(v) if v != "" else math.nan for v in column], dtype=float)
    except (TypeError, ValueError) as exc:
        raise OutputError(f"a table of the results folder is incomplete or damaged: a value that is not a number "
                          f"({exc}); rerun the experiment") from None


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
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise OutputError(f"{folder}: manifest.json or summary.json is damaged ({exc}); rerun the experiment") \
                from None
        Shape(manifest).mapping(self.manifest, "the file")
        kind = self.manifest.get("kind", "run")
        Shape(manifest).text(kind, "kind")
        self.kind: str = kind
        if self.kind not in ("run", "compare", "sweep", "attribute", "warmup"):
            raise OutputError(f"{folder}: a {self.kind} folder has no figures to draw")
        check_manifest(self.manifest, manifest)
        check_summary(self.summary, self.kind, folder / "summary.json")
        if self.kind == "attribute" and self.has("attribution.json"):
            self.attribution  # noqa: B018 - checked on opening, like the manifest and summary

    def has(self, name: str) -> bool:
        return (self.folder / name).is_file()

    def detail_file(self, table: str) -> Path | None:
        """The file of a per-patient or per-segment table (``patients``, ``delays``), Parquet or
        CSV as the run wrote it; None if it was not written."""
        for suffix in (".parquet", ".csv"):
            path = self.folder / f"{table}{suffix}"
            if path.is_file():
                return path
        return None

    @cached_property
    def attribution(self) -> dict[str, Any]:
        """attribution.json (of an ``attribute`` folder), its shape checked."""
        path = self.folder / "attribution.json"
        try:
            doc = read_json(path)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise OutputError(f"{path}: incomplete or damaged ({exc}); rerun the experiment") from None
        check_attribution(doc, path)
        return dict(doc)

    def table(self, name: str) -> dict[str, np.ndarray]:
        return read_csv(self.folder / name)

    def columns(self, name: str, numeric: Sequence[str], text: Sequence[str] = ()) -> dict[str, np.ndarray]:
        """Some columns of every row of a CSV table, read line by line: floats for ``numeric``,
        strings for those of ``text`` the table has (a scenario column, say). For long tables
        (occupancy.csv: a row per day per replication per scenario) this keeps what a figure draws,
        never the whole table as text."""
        path = self.folder / name
        try:
            with path.open(newline="", encoding="utf-8") as f:
                header = next(csv.reader(f), [])
        except (UnicodeDecodeError, csv.Error):
            header = []
        return read_first(path, numeric, [t for t in text if t in header])

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
            return [(key, scenario_text(key), metrics) for key, metrics in s["metrics"].items()]
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

    def first_rows(self, name: str, numeric: Sequence[str], text: Sequence[str] = (),
                   first_replication: bool = False) -> dict[str, np.ndarray]:
        """Columns of a detail table's first scenario (and first replication), read selectively
        (see :func:`read_first`)."""
        scenario = self.scenario_column if self.kind not in ("run", "warmup") else None
        path = self.detail_file(name)
        if path is None:
            raise OutputError(f"{self.folder}: no {name} table (patients.parquet or .csv); rerun with --detail")
        read = read_first_parquet if path.suffix == ".parquet" else read_first
        return read(path, numeric, text, scenario, first_replication)

    def first_scenario_rows(self, table: dict[str, np.ndarray]) -> np.ndarray:
        """Rows of a detail table that belong to the first scenario."""
        column = self.scenario_column
        n = len(next(iter(table.values()))) if table else 0
        if column is None or column not in table:
            return np.ones(n, dtype=bool)
        first = table[column][0] if n else ""
        return np.asarray(table[column] == first)


# --- the shapes of the files read ---------------------------------------------------------------

class Shape:
    """Checks of one JSON file's parts, each refusing with the file and the part named."""

    def __init__(self, path: Path):
        self.path = path

    def refuse(self, where: str, wanted: str, value: Any) -> OutputError:
        return OutputError(f"{self.path}: incomplete or damaged: {where} should be {wanted}, found "
                           f"{_json_kind(value)} (edited by hand?); rerun the experiment")

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.refuse(where, "a mapping", value)
        return value

    def items(self, value: Any, where: str, least: int = 0) -> list[Any]:
        if not isinstance(value, list) or len(value) < least:
            raise self.refuse(where, "a list" + (f" of at least {least}" if least else ""), value)
        return value

    def text(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise self.refuse(where, "a text", value)
        return value

    def number(self, value: Any, where: str, finite: bool = False) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or (finite and not math.isfinite(value)):
            raise self.refuse(where, "a finite number" if finite else "a number", value)
        return float(value)

    def whole(self, value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.refuse(where, "a whole number", value)
        return value

    def optional(self, doc: dict[str, Any], key: str, check: Callable[[Any, str], Any], where: str = "") -> None:
        if key in doc:
            check(doc[key], f"{where}{key}")

    def stats(self, value: Any, where: str) -> None:
        """A summary of one metric: mean, interval, n, ... all numbers (NaN where undefined)."""
        for stat, number in self.mapping(value, where).items():
            self.number(number, f"{where}.{stat}", finite=stat == "n")

    def metrics(self, value: Any, where: str) -> dict[str, Any]:
        for metric, stats in self.mapping(value, where).items():
            self.stats(stats, f"{where}.{metric}")
        return value

    def config(self, value: Any, where: str, seen: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """A config as run, validated by the schema (once per distinct config) and with its defaults filled in."""
        raw = self.mapping(value, where)
        key = json.dumps(raw, sort_keys=True, default=str)
        if key not in seen:
            try:
                seen[key] = config_to_dict(config_from_dict(raw, source=where))
            except ConfigError as exc:
                first = str(exc).splitlines()[1:2] or [str(exc)]
                raise OutputError(f"{self.path}: incomplete or damaged: {where} is not a valid config "
                                  f"({first[0].strip()}; edited by hand?); rerun the experiment") from None
        return seen[key]


MISSING = object()
"""What :func:`part` gives for a key that is not there."""


def part(doc: dict[str, Any], key: str) -> Any:
    return doc.get(key, MISSING)


def _json_kind(value: Any) -> str:
    if value is MISSING:
        return "nothing (it is missing)"
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value[:40]!r}" + ("..." if len(value) > 40 else "")
    return f"the number {value!r}"


def check_manifest(manifest: dict[str, Any], path: Path) -> None:
    """What the figures and the report read from manifest.json, in the shapes they read; the configs as
    run are validated and replaced by their full form (the same, for a manifest as written)."""
    shape = Shape(path)
    for key in ("replications", "seed"):
        shape.optional(manifest, key, shape.whole)
    for key in ("version", "finished", "python", "replication_rule"):
        shape.optional(manifest, key, shape.text)
    for key in ("execution", "dependencies"):
        shape.optional(manifest, key, shape.mapping)
    if "command" in manifest:
        for i, word in enumerate(shape.items(manifest["command"], "command")):
            shape.text(word, f"command.{i}")
    seen: dict[str, dict[str, Any]] = {}
    if "config" in manifest:
        manifest["config"] = shape.config(manifest["config"], "config", seen)
    if "scenarios" in manifest or "config" not in manifest:
        for i, scenario in enumerate(shape.items(part(manifest, "scenarios"), "scenarios", least=1)):
            shape.mapping(scenario, f"scenarios.{i}")
            shape.text(part(scenario, "label"), f"scenarios.{i}.label")
            scenario["config"] = shape.config(part(scenario, "config"), f"scenarios.{i}.config", seen)


def check_summary(summary: Any, kind: str, path: Path) -> None:
    """What the figures and the report read from summary.json, by kind of experiment."""
    shape = Shape(path)
    shape.mapping(summary, "the file")
    shape.optional(summary, "replications", shape.whole)
    shape.optional(summary, "config", shape.text)
    if kind in ("run", "warmup"):
        shape.metrics(part(summary, "metrics"), "metrics")
    if kind == "attribute":
        for name, metrics in shape.mapping(part(summary, "metrics"), "metrics").items():
            shape.metrics(metrics, f"metrics.{name}")
    if kind in ("run", "attribute") and "answer" in summary:
        answer = shape.mapping(summary["answer"], "answer")
        for i, game in enumerate(shape.items(part(answer, "conventions"), "answer.conventions", least=1)):
            check_split(shape, game, f"answer.conventions.{i}", counterfactual=False)
    if kind in ("compare", "sweep") and "answers" in summary:
        for k, scenario in enumerate(shape.items(summary["answers"], "answers")):
            shape.text(part(shape.mapping(scenario, f"answers.{k}"), "label"), f"answers.{k}.label")
            for i, game in enumerate(shape.items(part(scenario, "conventions"), f"answers.{k}.conventions", least=1)):
                check_split(shape, game, f"answers.{k}.conventions.{i}", counterfactual=False)
    if kind == "compare":
        configs = shape.items(part(summary, "configs"), "configs", least=1)
        for i, label in enumerate(configs):
            shape.text(label, f"configs.{i}")
        shape.text(part(summary, "baseline"), "baseline")
        metrics = shape.mapping(part(summary, "metrics"), "metrics")
        differences = shape.mapping(part(summary, "differences"), "differences")
        for i, label in enumerate(configs):
            shape.metrics(part(metrics, label), f"metrics.{label}")
            if i:
                shape.metrics(part(differences, label), f"differences.{label}")
    if kind == "sweep":
        for i, key in enumerate(shape.items(part(summary, "settings"), "settings")):
            shape.text(key, f"settings.{i}")
        for i, point in enumerate(shape.items(part(summary, "points"), "points", least=1)):
            shape.mapping(point, f"points.{i}")
            shape.whole(part(point, "point"), f"points.{i}.point")
            shape.mapping(part(point, "settings"), f"points.{i}.settings")
            shape.metrics(part(point, "metrics"), f"points.{i}.metrics")
    if kind == "warmup":
        found = shape.mapping(part(summary, "warmup"), "warmup")
        for key in ("replications", "suggested_warmup_days", "configured_warmup_days"):
            shape.number(part(found, key), f"warmup.{key}", finite=True)
        for i, series in enumerate(shape.items(part(found, "series"), "warmup.series")):
            shape.mapping(series, f"warmup.series.{i}")
            for key in ("name", "label"):
                shape.text(part(series, key), f"warmup.series.{i}.{key}")
            shape.number(part(series, "truncation_days"), f"warmup.series.{i}.truncation_days", finite=True)


def check_attribution(doc: Any, path: Path) -> None:
    """What the figures and the report read from attribution.json."""
    shape = Shape(path)
    shape.mapping(doc, "the file")
    shape.number(part(doc, "replications"), "replications", finite=True)
    shape.text(part(doc, "against"), "against")
    for i, game in enumerate(shape.items(part(doc, "conventions"), "conventions", least=1)):
        check_split(shape, game, f"conventions.{i}", counterfactual=True)


def check_split(shape: Shape, game: Any, where: str, counterfactual: bool) -> None:
    """One convention's split (attribution.json, or the answer in summary.json): its name, sides
    and, per measure, rows of recorded (and counterfactual) bed-days and shares."""
    shape.mapping(game, where)
    shape.text(part(game, "convention"), f"{where}.convention")
    shape.text(part(game, "description"), f"{where}.description")
    for j, side in enumerate(shape.items(part(game, "players"), f"{where}.players")):
        shape.text(side, f"{where}.players.{j}")
    stats = ("recorded", "recorded_share", *(("counterfactual", "counterfactual_share", "alone", "difference")
                                            if counterfactual else ()))
    for measure, split in shape.mapping(part(game, "measures"), f"{where}.measures").items():
        at = f"{where}.measures.{measure}"
        shape.mapping(split, at)
        shape.stats(part(split, "total"), f"{at}.total")
        for k, row in enumerate(shape.items(part(split, "rows"), f"{at}.rows", least=1)):
            shape.mapping(row, f"{at}.rows.{k}")
            for key in ("side", "label"):
                shape.text(part(row, key), f"{at}.rows.{k}.{key}")
            for key in stats:
                shape.stats(part(row, key), f"{at}.rows.{k}.{key}")
