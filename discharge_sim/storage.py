"""Results directories on disk: CSV tables, summary and manifest, written atomically.

Everything is written into a hidden sibling directory first and renamed into place at the end,
so a results directory either holds a complete run or does not exist: a failed or interrupted
run leaves nothing half-written behind.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from .experiment import ExperimentResult


class OutputError(Exception):
    """The results directory cannot be used (it exists, or is not writable)."""


@contextmanager
def atomic_directory(final: Path) -> Iterator[Path]:
    """Yield a scratch directory that becomes ``final`` only if the block finishes."""
    if final.exists():
        raise OutputError(f"{final}: already exists; choose another --out (results are never overwritten)")
    parent = final.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{parent}: cannot create results folder ({exc.strerror})") from None
    scratch = parent / f".{final.name}.partial-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    try:
        yield scratch
        os.replace(scratch, final)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def write_table(path: Path, columns: Mapping[str, Any]) -> None:
    """A CSV with a header row; floats in shortest round-trip form, NaN as an empty cell."""
    names = list(columns)
    cells = [_cells(np.asarray(columns[name])) for name in names]
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(zip(*cells, strict=True))


def _cells(values: np.ndarray) -> list[Any]:
    if values.dtype.kind == "f":
        return ["" if v != v else repr(v) for v in values.tolist()]
    if values.dtype.kind == "b":
        return [int(v) for v in values.tolist()]
    return values.tolist()


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(_jsonable(data), indent=2) + "\n", encoding="utf-8")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float | np.floating):
        v = float(value)
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(value, np.integer):
        return int(value)
    return value


def write_results(final: Path, result: ExperimentResult, manifest: Mapping[str, Any]) -> Path:
    """Write a complete results directory for ``result`` at ``final``."""
    with atomic_directory(final) as scratch:
        write_table(scratch / "replications.csv", result.table("replications"))
        write_table(scratch / "patients.csv", result.table("patients"))
        write_table(scratch / "delays.csv", result.table("delays"))
        write_table(scratch / "occupancy.csv", result.table("occupancy"))
        write_json(scratch / "summary.json", summary_document(result))
        write_json(scratch / "manifest.json", manifest)
    return final


def summary_document(result: ExperimentResult) -> dict[str, Any]:
    cfg = result.config
    return {
        "config": cfg.name,
        "seed": result.seed,
        "replications": len(result.replications),
        "days": cfg.run.days,
        "warmup_days": cfg.run.warmup_days,
        "confidence_level": 0.95,
        "metrics": result.summary,
    }
