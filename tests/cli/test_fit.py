"""fit and synth from the command line: the folder fit writes, the rows it leaves out, bad
extracts refused with status 2 and nothing written, and nothing patient-level in any output."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from discharge_sim.cli import main
from discharge_sim.config import load_config
from tests.helpers import BASELINE


@pytest.fixture(scope="module")
def short_config(tmp_path_factory) -> Path:
    """The baseline over 120 days (30 of warm-up): a synthetic extract of about 7,000 admissions."""
    path = tmp_path_factory.mktemp("config") / "short.yaml"
    path.write_text(yaml.safe_dump({"extends": str(BASELINE), "name": "short",
                                    "run": {"days": 120, "warmup_days": 30, "replications": 2}}), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def extract(short_config, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("extract") / "extract.csv"
    assert main(["synth", str(short_config), "--out", str(path), "--quiet"]) == 0
    return path


@pytest.fixture(scope="module")
def fitted(extract, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fit") / "fitted"
    assert main(["fit", str(extract), "--out", str(out), "--no-correct-waits", "--quiet"]) == 0
    return out


def test_synth_writes_the_schema_and_keeps_an_existing_file(extract, capsys):
    frame = pd.read_csv(extract, dtype=str, keep_default_na=False)
    assert list(frame.columns)[:8] == ["admission_id", "admitted_at", "arrived_at", "admission_method", "group",
                                       "ready_at", "discharged_at", "pathway"]
    assert {"self_funder", "delay_reason", "place_found_at"} <= set(frame.columns)
    assert 5_000 < len(frame) < 10_000
    assert main(["synth", "--out", str(extract), "--quiet"]) == 2
    assert "exists" in capsys.readouterr().err
    assert main(["synth", "--out", str(extract.with_suffix(".json")), "--quiet"]) == 2


@pytest.mark.slow
def test_fit_writes_a_config_that_loads_and_says_what_it_fitted(fitted):
    assert {p.name for p in fitted.iterdir()} == {"fitted.yaml", "fit.md", "fit.json", "excluded_rows.csv", "daily.csv",
                                                 "figures"}
    config = load_config(fitted / "fitted.yaml")
    assert set(config.groups) == {"older_medical", "general_medical", "surgical"}
    text = (fitted / "fitted.yaml").read_text(encoding="utf-8")
    assert "# Fitted from the extract:" in text and "#   emergency.admissions_per_day:" in text
    assert "# Left at" in text and "hospital.beds" in text
    assert config.emergency.admissions_per_day == pytest.approx(64, rel=0.05)
    assert (fitted / "figures" / "qq_stays.png").stat().st_size > 10_000


@pytest.mark.slow
def test_the_daily_census_is_counted_at_each_midnight_and_shown_rounded(extract, fitted):
    """daily.csv: from four weeks after the first admission, the patients in hospital and those found
    ready still in at each midnight, as a count of the extract's rows gives them, rounded to 5."""
    frame = pd.read_csv(extract, dtype=str, keep_default_na=False)
    when = {c: pd.to_datetime(frame[c].replace("", None)) for c in ("admitted_at", "ready_at", "discharged_at")}
    first = when["admitted_at"].min().normalize() + pd.Timedelta(days=28)
    with (fitted / "daily.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["day", "month", "beds_occupied_at_midnight", "nctr_patients_at_midnight"]
    assert len(rows) > 50
    out = when["discharged_at"].fillna(pd.Timestamp("2200-01-01"))
    for row in rows[::7]:
        midnight = first + pd.Timedelta(days=int(row["day"]))
        assert row["month"] == midnight.strftime("%Y-%m")
        for column, since in (("beds_occupied_at_midnight", "admitted_at"), ("nctr_patients_at_midnight", "ready_at")):
            n = int(((when[since] <= midnight) & (midnight < out)).sum())
            shown = row[column]
            assert shown == ("0" if n == 0 else "<5" if n < 5 else str(5 * round(n / 5))), (row, column, n)


@pytest.mark.slow
def test_nothing_patient_level_is_written(extract, fitted):
    """No identifier and no date-time of the extract appears in anything fit wrote."""
    frame = pd.read_csv(extract, dtype=str, keep_default_na=False)
    stamps = set(frame["admitted_at"]) | set(frame["discharged_at"]) - {""}
    for path in fitted.rglob("*"):
        if path.suffix in (".yaml", ".md", ".json", ".csv"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"S\d{7}", text), path
            assert not any(stamp in text for stamp in stamps), path


@pytest.mark.slow
def test_small_counts_are_suppressed_and_others_rounded(extract, tmp_path):
    """Three rows left out for the same reason, and a group of three patients of its own: their
    counts show as <5, never as 3; every other count is a multiple of 5."""
    frame = pd.read_csv(extract, dtype=str, keep_default_na=False)
    frame.loc[frame.index[:3], "group"] = "rare"
    frame.loc[frame.index[10:13], "pathway"] = "9"
    path = tmp_path / "rare.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "fit"
    assert main(["fit", str(path), "--out", str(out), "--no-correct-waits", "--no-plots", "--quiet"]) == 0
    report = (out / "fit.md").read_text(encoding="utf-8")
    config = (out / "fitted.yaml").read_text(encoding="utf-8")
    summary = json.loads((out / "fit.json").read_text(encoding="utf-8"))
    assert "| pathway | not a pathway: 0, 1, 2 or 3 | <5 |" in report
    assert summary["rows_left_out"] == {"pathway: not a pathway: 0, 1, 2 or 3": "<5"}
    assert "groups.rare.pathway_mix: fewer than 30 of the group's patients have a pathway" in config
    assert "(3 rows)" not in config and "| 3 |" not in report and '"3"' not in json.dumps(summary)
    counts = re.findall(r"\((\d[\d,]*) rows\)", config)
    assert counts and all(int(c.replace(",", "")) % 5 == 0 for c in counts)


@pytest.mark.slow
def test_bad_rows_are_reported_by_row_and_left_out(extract, tmp_path, capsys):
    frame = pd.read_csv(extract, dtype=str, keep_default_na=False)
    frame.loc[4, "admitted_at"] = "31/02/2024 10:00"       # no such day: row 6 of the file
    frame.loc[9, "pathway"] = "7"                          # row 11
    frame.loc[19, "discharged_at"] = "2020-01-01 00:00"    # before the admission: row 21
    path = tmp_path / "broken.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "fit"
    assert main(["fit", str(path), "--out", str(out), "--no-correct-waits", "--no-plots"]) == 0
    printed = capsys.readouterr().out
    assert "row 6: admitted_at ('31/02/2024 10:00'): not a date and time" in printed
    assert "row 11: pathway ('7'): not a pathway: 0, 1, 2 or 3; left out" in printed
    assert "row 21: discharged_at" in printed and "before the admission" in printed
    with (out / "excluded_rows.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["row"], r["column"]) for r in rows] == [("6", "admitted_at"), ("11", "pathway"),
                                                       ("21", "discharged_at")]
    assert all(set(r) == {"row", "column", "why"} for r in rows)  # no values


@pytest.mark.parametrize("change, words", [
    (lambda f: f.drop(columns=["ready_at"]), "missing column ready_at"),
    (lambda f: f.assign(pathway="7"), "no usable rows"),
    (lambda f: f.assign(admitted_at="yesterday"), "no admitted_at cell holds a date"),
])
def test_an_extract_nothing_can_be_fitted_from_exits_2_and_writes_nothing(extract, tmp_path, capsys, change, words):
    frame = change(pd.read_csv(extract, dtype=str, keep_default_na=False))
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "fit"
    assert main(["fit", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob(".fit*"))


@pytest.mark.slow
def test_every_file_type_fits_the_same_config(extract, tmp_path):
    frame = pd.read_csv(extract, dtype=str, keep_default_na=False)
    texts = []
    for suffix in (".csv", ".xlsx", ".parquet"):
        path = tmp_path / f"extract{suffix}"
        if suffix == ".xlsx":
            frame.to_excel(path, index=False, sheet_name="extract")
        elif suffix == ".parquet":
            frame.to_parquet(path, index=False)
        else:
            frame.to_csv(path, index=False)
        out = tmp_path / f"fit{suffix}"
        assert main(["fit", str(path), "--out", str(out), "--no-correct-waits", "--no-plots", "--quiet"]) == 0
        text = (out / "fitted.yaml").read_text(encoding="utf-8")
        settings = yaml.safe_load(text)
        del settings["name"], settings["description"]  # they name the file
        texts.append((settings, [line for line in text.splitlines() if line.startswith("#   ")]))
    assert texts[0] == texts[1] == texts[2]


@pytest.mark.slow
def test_held_out_months_are_simulated_and_compared(extract, tmp_path, capsys):
    out = tmp_path / "fit"
    assert main(["fit", str(extract), "--out", str(out), "--holdout-months", "1", "--replications", "3",
                 "--no-correct-waits"]) == 0
    printed = capsys.readouterr().out
    assert "Held-out months" in printed and "figures missed" in printed
    with (out / "holdout.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    metrics = {(r["metric"], r["by"]) for r in rows}
    assert {("occupancy_mean", "all"), ("share_delayed", "all"), ("nctr_mean", "pathway 1"),
            ("delay_band_21_plus_share", "all")} <= metrics
    for r in rows:
        if r["observed"]:
            assert float(r["low"]) <= float(r["simulated_mean"]) <= float(r["high"])
            assert (r["missed"] == "True") == (not float(r["low"]) <= float(r["observed"]) <= float(r["high"]))
    assert (out / "figures" / "holdout.png").exists()
    assert "## Held-out months" in (out / "fit.md").read_text(encoding="utf-8")


def test_holding_out_more_months_than_the_extract_has_is_refused(extract, tmp_path, capsys):
    assert main(["fit", str(extract), "--out", str(tmp_path / "f"), "--holdout-months", "12", "--quiet"]) == 2
    assert "hold out fewer months" in capsys.readouterr().err
    assert main(["fit", str(extract), "--replications", "3", "--quiet"]) == 2


@pytest.mark.slow
def test_the_corrected_fit_does_not_depend_on_the_number_of_workers(extract, tmp_path):
    texts = []
    for workers in ("1", "2"):
        out = tmp_path / f"fit{workers}"
        assert main(["fit", str(extract), "--out", str(out), "--workers", workers, "--no-plots", "--quiet"]) == 0
        texts.append((out / "fitted.yaml").read_text(encoding="utf-8"))
    assert texts[0] == texts[1]
    assert "corrected by simulation" in texts[0]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_extract_template_reads_cleanly_and_too_few_rows_are_refused(tmp_path, suffix, capsys):
    """The template's made-up rows pass every check; three admissions are too few to fit anything
    from, so fit stops with status 2 and writes nothing."""
    from discharge_sim.data.extract import COLUMNS
    from discharge_sim.data.readers import read_extract

    path = tmp_path / f"template{suffix}"
    assert main(["template", "--extract", str(path)]) == 0
    read = read_extract(path)
    assert len(read.extract) == 3 and not read.problems.rows and not read.ignored_columns
    if suffix == ".xlsx":
        described = pd.read_excel(path, sheet_name="columns")
        assert described["column"].tolist() == [c.name for c in COLUMNS]
    out = tmp_path / "fit"
    assert main(["fit", str(path), "--out", str(out), "--no-correct-waits", "--no-plots"]) == 2
    assert "3 usable admissions: at least 30" in capsys.readouterr().err and not out.exists()
    assert main(["template", "--extract", str(path)]) == 2  # kept unless --force
