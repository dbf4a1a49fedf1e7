"""Reading an extract: the same rows from CSV, Excel and Parquet; each broken rule reported with
its row, column and reason and the row left out; a file nothing can be fitted from refused."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from discharge_sim.data.extract import ExtractError
from discharge_sim.data.readers import read_extract
from discharge_sim.data.reasons import dtoc_code_of

GOOD = [  # admission_id, admitted_at, method, group, ready_at, discharged_at, pathway, council, self_funder, reason
    ("a1", "2024-04-01 10:00", "emergency", "older_medical", "2024-04-05 10:00", "2024-04-09 14:00", "1", "city", "no",
     "E"),
    ("a2", "01/04/2024 11:30", "elective", "surgical", "2024-04-03 10:00", "2024-04-03 15:00", "0", "city", "", ""),
    ("a3", "2024-04-02 10:00", "21", "older_medical", "", "", "", "county", "", ""),
    ("a4", "2024-04-02", "12", "Older Medical", "2024-04-04", "", "3", "county", "yes",
     "Pathway 3: awaiting availability of a bed in a residential or nursing home that is likely to be a permanent placement"),
]
BAD = [  # (row, the column reported, reason words)
    (("b1", "2024-13-02", "emergency", "older_medical", "2024-04-04", "2024-04-05", "1", "city", "no", ""),
     "admitted_at", "not a date and time"),
    (("b2", "2024-04-02", "urgent", "older_medical", "2024-04-04", "2024-04-05", "1", "city", "no", ""),
     "admission_method", "not emergency or elective"),
    (("b3", "2024-04-03 10:00", "emergency", "older_medical", "2024-04-04", "2024-04-02", "1", "city", "no", ""),
     "discharged_at", "before the admission"),
    (("b4", "2024-04-03 10:00", "emergency", "older_medical", "2024-04-04", "2024-04-05", "7", "city", "no", ""),
     "pathway", "not a pathway"),
    (("a1", "2024-04-03 10:00", "emergency", "older_medical", "2024-04-04", "2024-04-05", "1", "city", "no", ""),
     "admission_id", "repeats"),
    (("b6", "2024-04-03 10:00", "emergency", "older_medical", "", "2024-04-05", "1", "city", "no", ""),
     "ready_at", "discharged patient needs"),
    (("b7", "2024-04-03 10:00", "emergency", "older_medical", "2024-04-04", "2024-04-05", "1", "city", "maybe", ""),
     "self_funder", "not yes or no"),
    (("b9", "2024-04-03 10:00", "emergency", "older_medical", "2024-04-06", "2024-04-05", "1", "city", "no", ""),
     "discharged_at", "before the ready date"),
]
COLUMNS = ["admission_id", "admitted_at", "admission_method", "group", "ready_at", "discharged_at", "pathway",
           "council", "self_funder", "delay_reason"]


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS).assign(ward="W1")


def _write(frame: pd.DataFrame, path) -> None:
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    elif path.suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_parquet(path, index=False)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_good_rows_read_the_same_from_every_file_type(tmp_path, suffix):
    path = tmp_path / f"extract{suffix}"
    _write(_frame(GOOD), path)
    read = read_extract(path, reason_code=dtoc_code_of)
    ex = read.extract
    assert len(ex) == 4 and not read.problems.rows
    assert read.ignored_columns == ("ward",)
    assert ex.origin == datetime(2024, 4, 1)  # the Monday of the first admission
    np.testing.assert_allclose(ex.admitted, [10.0, 11.5, 34.0, 24.0])  # 01/04/2024 is the 1st of April
    assert ex.elective.tolist() == [False, True, False, True]  # NHS method codes 21 and 12
    assert np.isnan(ex.ready[2]) and np.isnan(ex.discharged[2]) and ex.pathway[2] == -1
    assert ex.pathway.tolist() == [1, 0, -1, 3]
    assert ex.self_funder is not None and ex.self_funder.tolist() == [0, -1, -1, 1]
    assert ex.delay_code is not None and ex.delay_code.tolist() == ["E", "", "", "Di"]
    assert ex.end == pytest.approx(8 * 24 + 14.0)  # the latest time in the file


def test_each_broken_rule_names_its_row_and_column_and_the_row_is_left_out(tmp_path):
    path = tmp_path / "extract.csv"
    _write(_frame(GOOD + [row for row, _, _ in BAD]), path)
    read = read_extract(path, reason_code=dtoc_code_of)
    assert len(read.extract) == len(GOOD)
    found = {p.row: p for p in read.problems.rows}
    assert sorted(found) == [len(GOOD) + 2 + i for i in range(len(BAD))]  # the header is row 1
    for i, (_row, column, words) in enumerate(BAD):
        problem = found[len(GOOD) + 2 + i]
        assert problem.column == column and words in problem.reason, problem
    assert found[len(GOOD) + 2].value == "2024-13-02"  # shown on the terminal, never written


def test_a_reason_in_local_wording_keeps_its_row_and_is_listed(tmp_path):
    rows = [*GOOD, ("c1", "2024-04-03 10:00", "emergency", "older_medical", "2024-04-04", "2024-04-08", "1", "city",
                    "no", "waiting for godot"),
            ("c2", "2024-04-03 11:00", "emergency", "older_medical", "2024-04-04", "2024-04-04", "1", "city",
             "no", "N/A")]
    path = tmp_path / "extract.csv"
    _write(_frame(rows), path)
    read = read_extract(path, reason_code=dtoc_code_of)
    assert len(read.extract) == 6 and not read.problems.rows
    assert read.problems.unknown_reasons == {"waiting for godot": 1}
    assert read.extract.delay_code is not None and read.extract.delay_code.tolist()[-2:] == ["", ""]


def test_a_time_after_the_extracts_end_is_a_broken_rule(tmp_path):
    path = tmp_path / "extract.csv"
    _write(_frame(GOOD), path)
    read = read_extract(path, end=datetime(2024, 4, 6), reason_code=dtoc_code_of)
    assert [(p.row, p.column) for p in read.problems.rows] == [(2, "discharged_at")]
    assert read.extract.end == pytest.approx(5 * 24.0)


def test_a_missing_column_or_no_usable_row_stops_with_what_is_wrong(tmp_path):
    path = tmp_path / "extract.csv"
    _write(_frame(GOOD).drop(columns=["ready_at", "pathway"]), path)
    with pytest.raises(ExtractError, match="missing columns ready_at, pathway"):
        read_extract(path)
    _write(_frame([row for row, _, _ in BAD[:4]]), path)
    with pytest.raises(ExtractError, match="no usable rows"):
        read_extract(path)
    with pytest.raises(ExtractError, match="not an extract file type"):
        read_extract(tmp_path / "extract.json")


def test_an_extract_cut_earlier_censors_what_had_not_happened(tmp_path):
    path = tmp_path / "extract.csv"
    _write(_frame(GOOD), path)
    ex = read_extract(path, reason_code=dtoc_code_of).extract
    cut = ex.cut_at(4 * 24.0)
    assert len(cut) == 4 and cut.end == 96.0
    assert np.isnan(cut.discharged).tolist() == [True, False, True, True]  # only a2 had left by then
    assert cut.ready[1] == ex.ready[1] and np.isnan(cut.ready[0])  # a1 was ready on the 5th: after the cut
    # a1's delay had not begun, so neither its reason nor its pathway and self-funding were known;
    # a4 was ready and waiting for a care home: its reason stands
    assert cut.delay_code is not None and cut.delay_code.tolist() == ["", "", "", "Di"]
    assert cut.pathway.tolist() == [-1, 0, -1, 3]
    assert cut.self_funder is not None and cut.self_funder.tolist() == [-1, -1, -1, 1]
