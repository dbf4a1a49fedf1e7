"""The per-patient and per-segment tables hold the same values as Parquet (the default) and as CSV;
Parquet tables of scenarios with different columns are laid out on the union of their columns;
the figures read either; and a run's format is part of what its manifest repeats."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from discharge_sim import api
from discharge_sim.experiments.specification import RECORD_TABLES
from discharge_sim.io.folders import ResultsFolder
from discharge_sim.io.formats import LARGE_TABLES, concatenate_parquet, parquet_bytes
from tests.helpers import BASELINE, rows

SHORT = {"days": 20, "warmup_days": 5, "replications": 2, "workers": 1, "plots": False}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    parent = tmp_path_factory.mktemp("formats")
    parquet = api.run(BASELINE, **SHORT, out=parent / "parquet").out
    text = api.run(BASELINE, **SHORT, detail_format="csv", out=parent / "csv").out
    return parquet, text


def test_the_large_tables_are_the_record_tables():
    assert set(RECORD_TABLES) == LARGE_TABLES


@pytest.mark.parametrize("table", ["patients", "delays"])
def test_parquet_and_csv_hold_the_same_values(both, table):
    parquet, text = both
    assert not (parquet / f"{table}.csv").exists() and not (text / f"{table}.parquet").exists()
    from_parquet, from_csv = rows(parquet / f"{table}.parquet"), rows(text / f"{table}.csv")
    assert len(from_csv) > 1000 and from_parquet == from_csv
    # Typed columns: numbers are numbers, missing values are nulls, labels are text.
    schema = pq.read_schema(parquet / f"{table}.parquet")
    assert pa.types.is_integer(schema.field("replication").type)
    assert pa.types.is_floating(schema.field("departure_hours" if table == "patients" else "hours").type)
    assert pa.types.is_string(schema.field("status" if table == "patients" else "owner").type)
    # Every replication is one row group, so a reader can take one without the rest.
    assert pq.ParquetFile(parquet / f"{table}.parquet").num_row_groups == 2
    # The small tables are CSV either way, and identical.
    for name in ("replications.csv", "occupancy.csv", "dtoc.csv", "summary.json"):
        assert (parquet / name).read_bytes() == (text / name).read_bytes(), name


def test_parquet_is_smaller(both):
    parquet, text = both
    for table in ("patients", "delays"):
        assert (parquet / f"{table}.parquet").stat().st_size * 2 < (text / f"{table}.csv").stat().st_size


def test_the_figures_read_either_format_alike(both):
    parquet, text = both
    for name, numeric, words in (("patients", ("patient", "ready_hours", "departure_hours"), ("status",)),
                                 ("delays", ("patient", "start_hours", "end_hours"), ("owner", "kind"))):
        a = ResultsFolder(parquet).first_rows(name, numeric, words, first_replication=True)
        b = ResultsFolder(text).first_rows(name, numeric, words, first_replication=True)
        for column in (*numeric, *words):
            np.testing.assert_array_equal(a[column], b[column], err_msg=f"{name}.{column}")
        assert 0 < len(a["patient"]) < len(rows(text / f"{name}.csv"))  # replication 0 only


def test_parts_with_different_columns_are_joined_on_their_union(tmp_path):
    first = tmp_path / "a.parquet"
    second = tmp_path / "b.parquet"
    first.write_bytes(parquet_bytes({"point": np.array([0, 0]), "x": np.array([1.0, math.nan])}))
    second.write_bytes(parquet_bytes({"point": np.array([1]), "y": np.array(["home"], dtype=object)}))
    joined = tmp_path / "joined.parquet"
    concatenate_parquet(joined, [first, second])
    assert pq.read_table(joined).to_pylist() == [
        {"point": 0, "x": 1.0, "y": None}, {"point": 0, "x": None, "y": None}, {"point": 1, "x": None, "y": "home"}]


def test_a_part_with_no_rows_joins_the_others(tmp_path):
    """A replication or scenario with no delay segments writes a part whose label columns have no
    type yet; the joined table gives them the others' (text)."""
    empty = tmp_path / "empty.parquet"
    full = tmp_path / "full.parquet"
    empty.write_bytes(parquet_bytes({"config": np.array([], dtype=object), "hours": np.array([], dtype=float),
                                     "owner": np.array([], dtype=object)}))
    full.write_bytes(parquet_bytes({"config": np.array(["b", "b"], dtype=object), "hours": np.array([1.0, 2.0]),
                                    "owner": np.array(["hospital", "social_care"], dtype=object)}))
    joined = tmp_path / "joined.parquet"
    concatenate_parquet(joined, [empty, full])
    table = pq.read_table(joined)
    assert pa.types.is_string(table.schema.field("owner").type)
    assert table.to_pylist() == [{"config": "b", "hours": 1.0, "owner": "hospital"},
                                 {"config": "b", "hours": 2.0, "owner": "social_care"}]


def test_a_comparison_with_a_scenario_without_delays_writes_and_reads_its_tables(tmp_path):
    """The mmc config has no discharge steps, so no delay segments: its parts are empty beside the
    baseline's. The figures read the first scenario's rows of either format alike."""
    mmc = BASELINE.parent / "mmc.yaml"
    folders = {}
    for form in ("parquet", "csv"):
        folders[form] = api.compare([BASELINE, mmc], labels=["base", "mmc"], days=6, warmup_days=1, replications=1,
                                    workers=1, plots=False, detail=True, detail_format=form, out=tmp_path / form).out
    assert rows(folders["parquet"] / "delays.parquet") == rows(folders["csv"] / "delays.csv")
    assert {r["config"] for r in rows(folders["parquet"] / "patients.parquet")} == {"base", "mmc"}
    a = ResultsFolder(folders["parquet"]).first_rows("delays", ("patient", "hours"), ("config", "owner"))
    b = ResultsFolder(folders["csv"]).first_rows("delays", ("patient", "hours"), ("config", "owner"))
    assert set(a["config"]) == {"base"} and len(a["patient"]) > 0
    for column in ("patient", "hours", "config", "owner"):
        np.testing.assert_array_equal(a[column], b[column])


def test_the_same_columns_give_the_same_bytes():
    columns = {"patient": np.arange(5), "hours": np.linspace(0, 1, 5), "owner": np.array(["a", "b"] * 2 + ["c"],
                                                                                        dtype=object)}
    assert parquet_bytes(columns) == parquet_bytes(dict(columns))


def test_a_manifest_repeats_the_format_it_recorded(both, tmp_path):
    parquet, text = both
    for folder, suffix in ((parquet, ".parquet"), (text, ".csv")):
        again = api.run(from_manifest=folder / "manifest.json", workers=1, plots=False, out=tmp_path / suffix[1:]).out
        assert (again / f"patients{suffix}").read_bytes() == (folder / f"patients{suffix}").read_bytes()


def test_an_unknown_format_is_refused(tmp_path):
    with pytest.raises(api.UsageError, match="detail_format 'xlsx'"):
        api.run(BASELINE, **SHORT, detail_format="xlsx", out=tmp_path / "x")  # type: ignore[typeddict-item]
    assert not list(tmp_path.iterdir())
