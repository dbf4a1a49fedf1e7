"""Figures read only what they draw: some columns of a detail table's first scenario (and first
replication), line by line, stopping at the first row past them."""

from __future__ import annotations

import numpy as np
import pytest

from discharge_sim.io.folders import read_first
from discharge_sim.io.storage import OutputError

TABLE = """config,replication,patient,delay_days,owner
a,0,0,1.5,hospital
a,0,1,,social_care
a,1,0,3,hospital
b,0,0,9,other
not,a,row,that,parses
"""


def test_the_first_scenario_and_replication_are_read_and_nothing_after(tmp_path):
    path = tmp_path / "patients.csv"
    path.write_text(TABLE, encoding="utf-8")
    # Rows past the first scenario are never parsed: the last line would fail as a number.
    whole = read_first(path, ("patient", "delay_days"), ("owner",), scenario="config")
    np.testing.assert_array_equal(whole["patient"], [0, 1, 0])
    np.testing.assert_array_equal(whole["delay_days"], [1.5, np.nan, 3.0])
    assert list(whole["owner"]) == ["hospital", "social_care", "hospital"]
    first = read_first(path, ("delay_days",), scenario="config", first_replication=True)
    np.testing.assert_array_equal(first["delay_days"], [1.5, np.nan])


def test_without_a_scenario_column_every_row_is_one_scenario(tmp_path):
    path = tmp_path / "patients.csv"
    path.write_text(TABLE.replace("not,a,row,that,parses\n", ""), encoding="utf-8")
    assert read_first(path, ("patient",))["patient"].size == 4


@pytest.mark.parametrize(("text", "words"), [
    ("config,replication,patient\na,0,1\na,0\n", "line 3 has 2 values for 3 columns"),
    ("config,replication\na,0\n", "no column 'patient'"),
    ("", "empty"),
])
def test_a_damaged_table_says_which_line_or_column(tmp_path, text, words):
    path = tmp_path / "patients.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(OutputError, match=words):
        read_first(path, ("patient",), scenario="config")
