"""discharge-sim targets: made-up files in the published layouts into a targets file, and bad
input refused with status 2 naming the file, row and column."""

from __future__ import annotations

from discharge_sim.cli import main
from discharge_sim.data.published import DRD_BED_DAYS
from tests.helpers import status
from tests.published_fixtures import MONTH_NAMES, write_drd, write_sitrep


def _files(folder):
    return [str(write_drd(folder, m)) for m in MONTH_NAMES] + [str(write_sitrep(folder))]


def test_targets_writes_a_file_calibrate_reads(tmp_path, capsys):
    out = tmp_path / "rxx.yaml"
    assert main(["targets", *_files(tmp_path), "--trust", "RXX", "--from", "2024-04", "--to", "2024-06",
                 "--out", str(out)]) == 0
    text = out.read_text()
    assert "delayed_discharge_share: {value: 0.142," in text
    assert "nctr_patients_mean: {value: 42.0, tolerance: 2.1}" in text
    printed = capsys.readouterr().out
    assert "Targets for 2024-04 to 2024-06 (3 month(s))" in printed and str(out) in printed


def test_targets_refuses_to_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "t.yaml"
    out.write_text("mine\n")
    assert main(["targets", *_files(tmp_path), "--trust", "RXX", "--out", str(out)]) == 2
    assert "exists" in capsys.readouterr().err and out.read_text() == "mine\n"
    assert main(["targets", *_files(tmp_path), "--trust", "RXX", "--out", str(out), "--force", "--quiet"]) == 0
    assert out.read_text().startswith("# Targets")
    assert capsys.readouterr().out == ""


def test_a_bad_number_exits_2_naming_file_row_and_column(tmp_path, capsys):
    bad = write_drd(tmp_path, "2024-04", overrides={("RXX", DRD_BED_DAYS): "12 days"})
    assert main(["targets", str(bad), "--trust", "RXX", "--out", str(tmp_path / "t.yaml")]) == 2
    err = capsys.readouterr().err
    assert f"{bad}, row 10, column 'Value': '12 days' is not a number" in err
    assert "Traceback" not in err and not (tmp_path / "t.yaml").exists()


def test_missing_columns_and_unknown_trusts_exit_2(tmp_path, capsys):
    no_value = write_drd(tmp_path, "2024-04", columns=["Data Type", "Code", "Measure", "Amount"])
    assert main(["targets", str(no_value), "--trust", "RXX", "--out", str(tmp_path / "a.yaml")]) == 2
    assert "not a table this reader knows" in capsys.readouterr().err
    good = write_drd(tmp_path, "2024-05")
    assert main(["targets", str(good), "--trust", "RQQ", "--out", str(tmp_path / "b.yaml")]) == 2
    assert "trust 'RQQ' is not in the file" in capsys.readouterr().err


def test_bad_arguments_exit_2(tmp_path, capsys):
    files = _files(tmp_path)
    assert main(["targets", *files, "--out", str(tmp_path / "c.yaml")]) == 2  # neither trust nor council
    assert "choose a trust" in capsys.readouterr().err
    assert status(["targets", *files, "--trust", "RXX", "--from", "April", "--out", str(tmp_path / "c.yaml")]) == 2
    assert "YYYY-MM" in capsys.readouterr().err
    assert main(["targets", str(tmp_path / "none.csv"), "--trust", "RXX", "--out", str(tmp_path / "c.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err
