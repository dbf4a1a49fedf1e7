"""File formats of a results folder: CSV and Parquet tables and JSON documents, written so that the
same numbers always give the same bytes (floats in shortest round-trip form, NaN as an empty cell,
a null or JSON null), and text files replaced atomically.

The per-patient and per-segment tables are large (a year of the baseline: some 25,000 patients and
95,000 segments per replication), so they are written as Parquet by default: columnar, compressed
(zstd), typed, and read column by column. CSV remains for those who open them in a spreadsheet;
every other table is small and always CSV.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np


def csv_text(columns: Mapping[str, Any]) -> str:
    """A CSV with a header row; floats in shortest round-trip form, NaN as an empty cell."""
    buffer = io.StringIO()
    names = list(columns)
    cells = [_cells(np.asarray(columns[name])) for name in names]
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    writer.writerows(zip(*cells, strict=True))
    return buffer.getvalue()


def write_table(path: Path, columns: Mapping[str, Any]) -> None:
    path.write_text(csv_text(columns), encoding="utf-8")


LARGE_TABLES = frozenset({"patients", "delays"})
"""The tables written in the chosen detail format; the others are always CSV."""


def table_file(table: str, detail_format: str) -> str:
    """The file name of ``table`` in a results folder written with ``detail_format``."""
    return f"{table}.parquet" if table in LARGE_TABLES and detail_format == "parquet" else f"{table}.csv"


def encode_table(detail_format: str, table: str, columns: Mapping[str, Any]) -> tuple[str, bytes]:
    """(file name, bytes) of one replication's ``table``; a module-level function, so that it
    travels to worker processes by name (with ``functools.partial`` for the format)."""
    name = table_file(table, detail_format)
    if name.endswith(".parquet"):
        return name, parquet_bytes(columns)
    return name, csv_text(columns).encode("utf-8")


def parquet_bytes(columns: Mapping[str, Any]) -> bytes:
    """A Parquet file of ``columns``: NaN floats as nulls, text as strings, zstd compression."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({name: _arrow(np.asarray(values)) for name, values in columns.items()})
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


def _arrow(values: np.ndarray) -> Any:
    import pyarrow as pa

    if values.dtype.kind == "O":  # labels; a scenario column may hold numbers
        items = values.tolist()
        try:
            return pa.array(items, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return pa.array([None if v is None else str(v) for v in items], type=pa.string())
    return pa.array(values, from_pandas=True)  # from_pandas: NaN is a null, as an empty CSV cell is


def concatenate_parquet(dest: Path, parts: Sequence[Path]) -> None:
    """One Parquet file from many, part by part (one row group each), so memory holds one part.
    Parts whose columns differ are laid out on the union of the columns, nulls elsewhere; a part
    with no rows, whose text columns have no type yet, takes the union's types."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schemas = [pq.read_schema(p) for p in parts]
    if not schemas:
        dest.write_bytes(b"")
        return
    union = pa.unify_schemas(schemas)
    with pq.ParquetWriter(dest, union, compression="zstd") as writer:
        for part in parts:
            table = pq.read_table(part)
            for field in union:
                if field.name not in table.column_names:
                    table = table.append_column(field, pa.nulls(table.num_rows, type=field.type))
            writer.write_table(table.select(union.names).cast(union))


def concatenate(dest: Path, parts: Sequence[Path]) -> None:
    """One table from the parts of its replications, in the format its name says."""
    if dest.suffix == ".parquet":
        concatenate_parquet(dest, parts)
    else:
        concatenate_tables(dest, parts)


def _cells(values: np.ndarray) -> list[Any]:
    if values.dtype.kind == "f":
        return ["" if v != v else repr(v) for v in values.tolist()]
    if values.dtype.kind == "b":
        return [int(v) for v in values.tolist()]
    if values.dtype.kind == "O":
        return ["" if isinstance(v, float) and v != v else (repr(v) if isinstance(v, float) else v)
                for v in values.tolist()]
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


def concatenate_tables(dest: Path, parts: Sequence[Path]) -> None:
    """One CSV from many with a header each, streamed. Parts whose columns differ (scenarios
    with different pools or steps) are laid out on the union of the columns, blanks elsewhere."""
    headers = [_header(p) for p in parts]
    union = list(dict.fromkeys(name for h in headers for name in h))
    with dest.open("w", newline="", encoding="utf-8") as out:
        out.write(",".join(union) + "\n" if union else "")
        for part, header in zip(parts, headers):
            with part.open(newline="", encoding="utf-8") as f:
                f.readline()
                if header == union:
                    shutil.copyfileobj(f, out)
                else:
                    _remap(f, out, header, union)


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as f:
        return next(csv.reader(f), [])


def _remap(rows: IO[str], out: IO[str], header: list[str], union: list[str]) -> None:
    where = [header.index(name) if name in header else -1 for name in union]
    writer = csv.writer(out, lineterminator="\n")
    for row in csv.reader(rows):
        writer.writerow([row[i] if i >= 0 else "" for i in where])


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` under a temporary name, then rename: readers see the old file or the new one."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def size_text(size: int) -> str:
    """A file size as people read it, in powers of 1000: 812 bytes, 9.4 kB, 45 MB, 1.2 GB."""
    if size < 1000:
        return f"{size} bytes"
    value = float(size)
    for unit in ("kB", "MB", "GB", "TB"):
        value /= 1000
        if value < 999.5 or unit == "TB":
            return f"{value:.1f} {unit}" if value < 9.95 else f"{value:.0f} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover
