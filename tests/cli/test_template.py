"""discharge-sim template: a config to a workbook and a filled workbook back to a YAML config,
byte for byte; bad cells and files that exist give status 2 with the cell named, no traceback."""

from __future__ import annotations

import openpyxl
import pytest

from discharge_sim.cli import main
from tests.helpers import BASELINE, CONFIGS

pytestmark = pytest.mark.slow  # each writes or reads a whole workbook through the command line

SCENARIO = CONFIGS / "scenarios" / "seven_day_working.yaml"


def _config_lines(text: str) -> str:
    """What check prints, without its comment lines."""
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "scenario.xlsx"
    assert main(["template", str(SCENARIO), "--xlsx", str(path)]) == 0
    return path


@pytest.mark.slow
def test_a_workbook_read_back_gives_the_config_check_prints(book, tmp_path, capsys):
    capsys.readouterr()
    out = tmp_path / "back.yaml"
    assert main(["template", "--from-xlsx", str(book), "--out", str(out)]) == 0
    assert f"Wrote {out}" in capsys.readouterr().out
    assert main(["check", str(SCENARIO)]) == 0
    expected = _config_lines(capsys.readouterr().out)
    assert main(["check", str(out)]) == 0
    assert _config_lines(capsys.readouterr().out) == expected
    assert main(["check", str(book)]) == 0  # a workbook is a config to check too
    assert _config_lines(capsys.readouterr().out) == expected


def test_without_out_the_config_is_printed(book, capsys):
    capsys.readouterr()
    assert main(["template", "--from-xlsx", str(book)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"# {book}: valid config 'seven_day_working'")
    assert "\nrun:\n" in printed


def test_the_baseline_is_the_default_config(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["template", "--xlsx", "b.xlsx"]) == 0
    assert "baseline" in capsys.readouterr().out
    assert openpyxl.load_workbook(tmp_path / "b.xlsx")["config"]["B2"].value == "baseline"


def test_an_existing_file_is_kept_unless_forced(book, tmp_path, capsys):
    out = tmp_path / "taken.yaml"
    out.write_text("mine\n")
    assert main(["template", "--from-xlsx", str(book), "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err and out.read_text() == "mine\n"
    assert main(["template", "--from-xlsx", str(book), "--out", str(out), "--force"]) == 0
    assert out.read_text().startswith(f"# Read from {book}")
    assert [p.name for p in tmp_path.iterdir()] == ["taken.yaml"]  # no temporary file left


def test_an_existing_workbook_is_kept_unless_forced(book, capsys):
    before = book.read_bytes()
    assert main(["template", str(BASELINE), "--xlsx", str(book)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert book.read_bytes() == before


@pytest.mark.parametrize(("sheet", "cell", "value", "said"), [
    ("hospital", "B2", "six hundred", "hospital!B2 = 'six hundred': not a number"),
    ("pathways", "A4", 7, "pathways!A4 = 7: expected one of 0, 1, 2, 3"),
    ("pools", "AZ1", "colour", "pools!AZ1 = 'colour': unknown column"),
])
def test_a_bad_cell_exits_2_naming_the_cell(book, tmp_path, capsys, sheet, cell, value, said):
    edited = openpyxl.load_workbook(book)
    assert edited["hospital"]["A2"].value == "beds"
    edited[sheet][cell] = value
    path = tmp_path / "bad.xlsx"
    edited.save(path)
    capsys.readouterr()
    assert main(["template", "--from-xlsx", str(path), "--out", str(tmp_path / "never.yaml")]) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    assert not (tmp_path / "never.yaml").exists()


def test_a_file_that_is_not_a_workbook_exits_2(tmp_path, capsys):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("name: not a workbook\n")
    assert main(["template", "--from-xlsx", str(fake)]) == 2
    assert "not an Excel workbook" in capsys.readouterr().err


def test_options_that_do_not_go_together_exit_2(book, tmp_path, capsys):
    assert main(["template", str(BASELINE), "--xlsx", str(tmp_path / "a.xlsx"), "--out", "x.yaml"]) == 2
    assert main(["template", str(BASELINE), "--from-xlsx", str(book)]) == 2
    assert main(["template", str(BASELINE), "--xlsx", str(tmp_path / "a.csv")]) == 2
    with pytest.raises(SystemExit) as stopped:
        main(["template", str(BASELINE)])  # neither --xlsx nor --from-xlsx
    assert stopped.value.code == 2
