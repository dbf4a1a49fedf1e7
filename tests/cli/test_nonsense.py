"""Nothing silent, nothing unsafe: nonsense is refused with exit 2 and the field named, or flagged
with a note (an overloaded hospital); absurd sizes and seeds are refused before anything runs;
damaged results folders and bad --set values are bad input, never an internal error; and the
report's numbers reconcile. (A corpus of broken configs: tests/cli/test_fuzz_corpus.py.)"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from discharge_sim import api
from discharge_sim.analysis.capacity import bed_load, capacity_notes
from discharge_sim.api import runs
from discharge_sim.api.errors import UsageError
from discharge_sim.config import ConfigError, load_config
from discharge_sim.present.formats import share
from discharge_sim.present.report import RESULT_ROWS, SIGNED
from tests.helpers import BASELINE, MMC, SHIPPED, rows, status

TINY = ["--days", "2", "--warmup-days", "0", "--replications", "1", "--workers", "1", "--no-plots"]
SMALL = ["--days", "4", "--warmup-days", "1", "--replications", "2", "--workers", "1", "--no-plots"]


def overlay(folder: Path, text: str, name: str = "overlay.yaml") -> Path:
    path = folder / name
    path.write_text(f"extends: {BASELINE}\n{text}", encoding="utf-8")
    return path


def refused(capsys: pytest.CaptureFixture[str], *needles: str) -> str:
    captured = capsys.readouterr()
    err = captured.err
    assert "Traceback" not in err and "internal error" not in err, err
    assert err.startswith(("discharge-sim: error:", "usage:")), err
    for needle in needles:
        assert needle in err, f"{needle!r} not in {err!r}"
    return err


def no_figures(folder: Path) -> None:
    """An empty figure list, so that report writes its text without drawing (the figures have their tests)."""
    (folder / "figures").mkdir(exist_ok=True)
    (folder / "figures" / "figures.json").write_text("[]")


# --- 1. an overloaded hospital is flagged -------------------------------------------------------------

def test_check_flags_a_hospital_at_or_over_capacity(tmp_path, capsys):
    assert status(["check", str(overlay(tmp_path, "hospital: {beds: 300}\n"))]) == 0
    notes = [line for line in capsys.readouterr().out.splitlines() if line.startswith("# hospital:")]
    assert len(notes) == 1, notes
    assert "300 beds for an expected load of at least 506 beds (169%)" in notes[0]
    assert "At or over capacity: beds stay full and emergencies wait for a bed" in notes[0]


def test_check_flags_a_hospital_near_capacity(tmp_path, capsys):
    assert status(["check", str(overlay(tmp_path, "hospital: {beds: 530}\n"))]) == 0
    out = capsys.readouterr().out
    assert "# hospital: 530 beds" in out and "(96%)" in out and "Near capacity" in out


def test_the_bed_load_is_admissions_times_stay_and_discharge():
    mmc = bed_load(load_config(MMC))  # no discharge steps: 114 a day x 5 days
    assert mmc.total == pytest.approx(570.0) and mmc.discharge_days == 0.0 and not mmc.near and not mmc.full
    base = bed_load(load_config(BASELINE))
    assert base.admissions == pytest.approx(64 + 38 / 7)
    assert 0 < base.discharge_days < 1 and base.utilisation < 0.9  # a lower bound: the runs fill ~93% of beds


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_no_shipped_config_is_flagged(path):
    config = load_config(path)
    assert bed_load(config).utilisation <= 0.95
    assert not [note for note in capacity_notes(config) if note.startswith("hospital:")]


def test_a_surge_that_overloads_the_beds_is_flagged(tmp_path, capsys):
    path = overlay(tmp_path, "emergency:\n  surges: [{start_day: 100, days: 30, factor: 1.5}]\n")
    assert status(["check", str(path)]) == 0
    assert "# hospital: during the surge on days 100-130 (emergencies x 1.5)" in capsys.readouterr().out


def test_run_compare_and_the_report_flag_an_overloaded_hospital(tmp_path, capsys):
    path = overlay(tmp_path, "name: crowded\nhospital: {beds: 300}\n")
    out = tmp_path / "run"
    assert status(["run", str(path), *TINY, "--out", str(out)]) == 0
    assert "note: hospital: 300 beds for an expected load" in capsys.readouterr().out
    assert status(["compare", str(BASELINE), str(path), *TINY, "--out", str(tmp_path / "compare")]) == 0
    printed = capsys.readouterr().out
    assert "note: crowded: hospital: 300 beds" in printed and "note: baseline: hospital" not in printed
    no_figures(out)
    assert status(["report", str(out), "--quiet"]) == 0
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "The hospital's expected bed load is more than 95% of its beds: 300 beds for at least 506 (169%)" in md


def test_the_report_of_a_shipped_config_says_nothing_of_beds(small_folders, tmp_path):
    folder = Path(shutil.copytree(small_folders["run"], tmp_path / "run"))
    no_figures(folder)
    assert status(["report", str(folder), "--quiet"]) == 0
    assert "bed load" not in (folder / "report.md").read_text(encoding="utf-8")


# --- 2. absurd sizes ---------------------------------------------------------------------------------

LIMITS = {
    "run.days": ("run: {days: 36501}", "less than or equal to 36500"),
    "run.replications": ("run: {replications: 10001}", "less than or equal to 10000"),
    "emergency.admissions_per_day": ("emergency: {admissions_per_day: 1.0e9}", "less than or equal to 100000"),
    "elective.admissions_per_weekday.mon": ("elective: {admissions_per_weekday: {mon: 100001}}",
                                            "less than or equal to 100000"),
    "hospital.beds": ("hospital: {beds: 1000001}", "less than or equal to 1000000"),
    "pools.home_care.places": ("pools: {home_care: {places: 1000001}}", "less than or equal to 1000000"),
    "pools.home_care.community_referrals_per_day": ("pools: {home_care: {community_referrals_per_day: 1.0e6}}",
                                                    "less than or equal to 100000"),
    "pools.home_care.initial_residents": ("pools: {home_care: {initial_residents: 1000001}}",
                                          "less than or equal to 1000000"),
    "staff.pharmacists.count": ("staff: {pharmacists: {count: 1000001}}", "less than or equal to 1000000"),
    "emergency.surges.0.factor": ("emergency: {surges: [{start_day: 1, days: 2, factor: 1000}]}",
                                  "less than or equal to 100"),
    "emergency.surges.0.start_day": ("emergency: {surges: [{start_day: 1.0e9, days: 2, factor: 2}]}",
                                     "less than or equal to 36500"),
}


@pytest.mark.parametrize("field", LIMITS)
def test_absurd_sizes_in_a_config_are_refused_with_the_limit(field, tmp_path, capsys):
    text, limit = LIMITS[field]
    assert status(["check", str(overlay(tmp_path, text + "\n"))]) == 2
    refused(capsys, f"{field} = ", limit)


def test_the_limits_themselves_are_allowed(tmp_path, capsys):
    path = overlay(tmp_path, "run: {days: 36500, replications: 10000, seed: 9223372036854775807}\n"
                             "hospital: {beds: 1000000}\n")
    assert status(["check", str(path)]) == 0


def test_a_replication_of_billions_of_people_is_refused(tmp_path, capsys):
    path = overlay(tmp_path, "run: {days: 36500, warmup_days: 0}\nemergency: {admissions_per_day: 100000}\n")
    assert status(["check", str(path)]) == 2
    refused(capsys, "run.days: one replication of 36,500 days would simulate about 3,650,",
            "at most 100,000,000", "emergency.admissions_per_day")


OPTIONS = {
    "--replications 1e18": (["--replications", "1e18"], "argument --replications: '1e18' must be a whole number of "
                                                        "at least 1 and at most 10,000"),
    "--replications 10**18": (["--replications", str(10**18)], "at most 10,000"),
    "--days 1e300": (["--days", "1e300"], "argument --days: '1e300' must be a number greater than 0 and at most "
                                          "36,500 (100 years)"),
    "--days inf": (["--days", "inf"], "argument --days: 'inf'"),
    "--warmup-days 1e300": (["--warmup-days", "1e300"], "argument --warmup-days: '1e300'"),
    "--max-replications": (["--replications", "auto", "--max-replications", "99999999"],
                           "argument --max-replications: '99999999'"),
    "--seed 2^63": (["--seed", str(2**63)], "argument --seed: '9223372036854775808' must be a whole number of at "
                                            "least 0 and less than 2^63"),
}


@pytest.mark.parametrize("case", OPTIONS)
def test_absurd_options_are_refused_by_argument_parsing(case, tmp_path, capsys):
    argv, message = OPTIONS[case]
    assert status(["run", str(BASELINE), *argv, "--out", str(tmp_path / "out")]) == 2
    refused(capsys, message)
    assert list(tmp_path.iterdir()) == []


def test_calibrate_and_validate_options_have_limits_too(tmp_path, capsys):
    assert status(["validate", "--seed", str(2**63), "--out", str(tmp_path / "v")]) == 2
    refused(capsys, "argument --seed")
    assert status(["calibrate", str(BASELINE), "--target", str(tmp_path / "t.yaml"), "--vary", "hospital.beds=1:2",
                   "--points", "1000000", "--out", str(tmp_path / "c")]) == 2
    refused(capsys, "argument --points: '1000000' must be a whole number of at least 1 and at most 100")
    assert list(tmp_path.iterdir()) == []


def test_an_experiment_that_would_run_for_weeks_is_refused(tmp_path, capsys):
    assert status(["run", str(BASELINE), "--days", "36500", "--replications", "10000", "--workers", "2",
                   "--out", str(tmp_path / "out")]) == 2
    refused(capsys, "too long to run", "more than a week", "--replications", "--days")
    assert list(tmp_path.iterdir()) == []


def test_an_experiment_too_big_for_the_memory_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(runs, "_physical_memory", lambda: 10**9)  # a machine of 1 GB
    assert status(["run", str(BASELINE), "--days", "3650", "--replications", "4", "--workers", "2",
                   "--out", str(tmp_path / "out")]) == 2
    refused(capsys, "too big for this machine", "1.0 GB", "fewer --workers")
    assert list(tmp_path.iterdir()) == []


def test_detail_tables_too_big_for_the_disk_are_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(runs, "_free_disk", lambda _folder: 1000)
    assert status(["run", str(BASELINE), *TINY, "--out", str(tmp_path / "out")]) == 2
    refused(capsys, "too big for the disk", "--no-detail")
    assert list(tmp_path.iterdir()) == []
    assert status(["run", str(BASELINE), *TINY, "--no-detail", "--quiet", "--out", str(tmp_path / "out")]) == 0


def test_a_sweep_grid_of_more_than_ten_thousand_points_is_refused(tmp_path, capsys):
    assert status(["sweep", str(BASELINE), "--set", "hospital.beds=1:200:1", "--set", "staff.pharmacists.count=1:60:1",
                   "--out", str(tmp_path / "out")]) == 2
    refused(capsys, "200 x 60 = 12,000 grid points; at most 10,000")
    assert list(tmp_path.iterdir()) == []


def test_the_api_refuses_what_the_command_line_refuses(tmp_path):
    with pytest.raises(UsageError, match="--max-replications 1000000: a whole number from 1 to 10,000"):
        api.run(BASELINE, replications="auto", max_replications=10**6, out=tmp_path / "out")
    with pytest.raises(ConfigError, match=r"run\.replications = 1000000000000000000"):
        api.run(BASELINE, replications=10**18, out=tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


# --- 3. seeds ----------------------------------------------------------------------------------------

def test_a_seed_of_2_63_is_refused_up_front(tmp_path, capsys):
    path = overlay(tmp_path, f"run: {{seed: {2**63}}}\n")
    assert status(["run", str(path), *TINY, "--out", str(tmp_path / "out")]) == 2
    refused(capsys, "run.seed = 9223372036854775808: a seed is a whole number from 0 to 2^63 - 1 "
                    "(9,223,372,036,854,775,807)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["overlay.yaml"]


def test_the_largest_seed_runs_to_the_end(tmp_path, capsys):
    out = tmp_path / "out"
    assert status(["run", str(BASELINE), *TINY, "--seed", str(2**63 - 1), "--quiet", "--out", str(out)]) == 0
    assert json.loads((out / "manifest.json").read_text())["seed"] == 2**63 - 1
    assert f",{2**63 - 1}," in (out / "replications.csv").read_text()


# --- 4. names ----------------------------------------------------------------------------------------

def test_a_name_of_300_characters_is_refused(tmp_path, capsys):
    path = overlay(tmp_path, "name: " + "n" * 300 + "\n")
    assert status(["run", str(path), *TINY]) == 2  # no --out: the default folder would be named after it
    refused(capsys, "name = 'nnnn", "String should have at most 100 characters")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["overlay.yaml"]


def test_a_name_of_100_characters_names_the_default_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = overlay(tmp_path, "name: " + "x" * 100 + "\n")
    assert status(["attribute", str(path), *TINY, "--quiet"]) == 0
    (folder,) = (tmp_path / "results").iterdir()
    assert folder.name.startswith("attribute-" + "x" * 100 + "-") and len(folder.name.encode()) < 255


def test_a_name_with_a_newline_is_refused(tmp_path, capsys):
    assert status(["check", str(overlay(tmp_path, 'name: "two\\nlines"\n'))]) == 2
    refused(capsys, "name = 'two\\nlines': a name is one line of text")


# --- 5. damaged results folders ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A results folder per kind of experiment, of the baseline over 4 days (no figures)."""
    base = tmp_path_factory.mktemp("small")
    argv = {"run": ["run", str(BASELINE)], "attribute": ["attribute", str(BASELINE)],
            "compare": ["compare", str(BASELINE), str(MMC)],
            "sweep": ["sweep", str(BASELINE), "--set", "staff.pharmacists.count=8,10"]}
    for name, command in argv.items():
        assert status([*command, *SMALL, "--quiet", "--out", str(base / name)]) == 0
    return {name: base / name for name in argv}


def _set(doc: dict, dotted: str, value: object) -> None:
    *parents, last = dotted.split(".")
    for key in parents:
        doc = doc[int(key)] if isinstance(doc, list) else doc[key]
    if isinstance(doc, list):
        doc[int(last)] = value
    else:
        doc[last] = value


TAMPERED = {
    "replications 'x'": ("run", "manifest.json", "replications", "x", "replications should be a whole number"),
    "metrics []": ("run", "summary.json", "metrics", [], "metrics should be a mapping, found a list"),
    "config 5": ("run", "manifest.json", "config", 5, "config should be a mapping, found the number 5"),
    "config invalid": ("run", "manifest.json", "config.hospital.beds", -1, "config is not a valid config"),
    "config elective 'x'": ("run", "manifest.json", "config.elective", "x", "config is not a valid config"),
    "metric 'x'": ("run", "summary.json", "metrics.occupancy", "x", "metrics.occupancy should be a mapping"),
    "stat 'x'": ("run", "summary.json", "metrics.occupancy.mean", "x", "metrics.occupancy.mean should be a number"),
    "summary config []": ("run", "summary.json", "config", [], "config should be a text"),
    "dependencies 5": ("run", "manifest.json", "dependencies", 5, "dependencies should be a mapping"),
    "kind 5": ("run", "manifest.json", "kind", 5, "kind should be a text"),
    "scenarios []": ("compare", "manifest.json", "scenarios", [], "scenarios should be a list of at least 1"),
    "scenario label": ("compare", "manifest.json", "scenarios.0.label", None, "scenarios.0.label should be a text"),
    "configs [1]": ("compare", "summary.json", "configs", [1], "configs.0 should be a text"),
    "differences {}": ("compare", "summary.json", "differences", {}, "differences.mmc should be a mapping, found "
                                                                       "nothing"),
    "points []": ("sweep", "summary.json", "points", [], "points should be a list of at least 1"),
    "points settings": ("sweep", "summary.json", "points.0.settings", "x", "points.0.settings should be a mapping"),
    "attribution conventions": ("attribute", "attribution.json", "conventions", [],
                                "conventions should be a list of at least 1"),
    "attribution row": ("attribute", "attribution.json", "conventions.0.measures.delayed_bed_days.rows.0.recorded", 5,
                        "conventions.0.measures.delayed_bed_days.rows.0.recorded should be a mapping"),
    "attribution share": ("attribute", "attribution.json",
                          "conventions.1.measures.delayed_bed_days_after_ready_day.rows.0.counterfactual_share", "x",
                          "conventions.1.measures.delayed_bed_days_after_ready_day.rows.0.counterfactual_share "
                          "should be a mapping"),
    "answer conventions": ("run", "summary.json", "answer.conventions", {},
                           "answer.conventions should be a list of at least 1"),
}


@pytest.mark.parametrize("command", ["report", "plot"])
@pytest.mark.parametrize("case", TAMPERED)
def test_a_tampered_results_file_is_bad_input_naming_the_file(case, command, small_folders, tmp_path, capsys):
    kind, name, dotted, value, message = TAMPERED[case]
    folder = Path(shutil.copytree(small_folders[kind], tmp_path / kind))
    doc = json.loads((folder / name).read_text())
    _set(doc, dotted, value)
    (folder / name).write_text(json.dumps(doc))
    assert status([command, str(folder)]) == 2
    refused(capsys, f"{folder / name}: incomplete or damaged: {message}")
    assert not (folder / "report.md").exists() and not (folder / "figures").exists()


@pytest.mark.parametrize(("body", "message"), [(b"", "empty"), (b"\xff\xfe\x00", "not a CSV table"),
                                               (b"reason,nhs_days_per_month\nA\n", "line 2 has 1 values for 2 columns")],
                         ids=["empty", "not text", "short row"])
def test_a_damaged_table_is_bad_input_naming_the_file(body, message, small_folders, tmp_path, capsys):
    folder = Path(shutil.copytree(small_folders["run"], tmp_path / "run"))
    (folder / "dtoc.csv").write_bytes(body)
    no_figures(folder)
    assert status(["report", str(folder)]) == 2
    refused(capsys, f"{folder / 'dtoc.csv'}: incomplete or damaged: {message}")


# --- 6. --set and --vary values -----------------------------------------------------------------------

BAD_SETTINGS = {
    "unclosed list": ("hospital.beds=[1", "'hospital.beds=[1': the value '[1' is not valid YAML"),
    "unclosed mapping": ("hospital.beds=1,{a: [", "the value '{a: [' is not valid YAML"),
    "python tag": ("hospital.beds=!!python/name:os.system", "is not valid YAML (could not determine a constructor"),
    "nested too deep": ("hospital.beds=" + "[" * 1000, "is not valid YAML (nested too deeply)"),
    "infinite range": ("hospital.beds=0:inf:1", "'hospital.beds=0:inf:1': start:stop:step must be three finite "
                                                "numbers"),
    "NaN range": ("hospital.beds=nan:1:1", "must be three finite numbers"),
    "tiny step": ("hospital.beds=1:2:1e-300", "more than 10,000 values; at most 10,000"),
    "huge stop": ("hospital.beds=1:1e300:1", "more than 10,000 values"),
}


@pytest.mark.parametrize("case", BAD_SETTINGS)
def test_every_bad_set_value_is_an_argument_error(case, tmp_path, capsys):
    value, message = BAD_SETTINGS[case]
    assert status(["sweep", str(BASELINE), "--set", value, "--out", str(tmp_path / "out")]) == 2
    err = refused(capsys, "argument --set: ", message)
    assert len(err) < 2000
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("value", ["hospital.beds=1:inf", "hospital.beds=nan:5"])
def test_a_vary_range_must_be_finite(value, tmp_path, capsys):
    assert status(["calibrate", str(BASELINE), "--target", str(tmp_path / "t.yaml"), "--vary", value,
                   "--out", str(tmp_path / "c")]) == 2
    refused(capsys, f"argument --vary: '{value}': LOW and HIGH must be finite numbers")


# --- 7 and 8. the report's numbers reconcile ---------------------------------------------------------------

def _report(folder: Path, tmp_path: Path) -> str:
    copy = Path(shutil.copytree(folder, tmp_path / folder.name))
    no_figures(copy)
    assert status(["report", str(copy), "--quiet"]) == 0
    return (copy / "report.md").read_text(encoding="utf-8")


def test_attribution_shares_are_ratios_of_means_everywhere(small_folders, tmp_path):
    """Every share in attribution.json is the side's bed-days summed over replications over the
    total summed over replications (attribution.csv), and the report shows those shares."""
    folder = small_folders["attribute"]
    doc = json.loads((folder / "attribution.json").read_text())
    table = rows(folder / "attribution.csv")
    checked = 0
    for game in doc["conventions"]:
        for measure, split in game["measures"].items():
            mine = [r for r in table if r["convention"] == game["convention"] and r["measure"] == measure]
            total = sum(float(r["recorded"]) for r in mine if r["side"] == "total")
            assert total > 0
            for row in split["rows"]:
                for column in ("recorded", "counterfactual"):
                    values = [float(r[column]) for r in mine if r["side"] == row["side"] and r[column] not in ("", "nan")]
                    if not values:
                        assert row[f"{column}_share"]["mean"] is None, row  # NaN, written as null
                        continue
                    assert row[f"{column}_share"]["mean"] == pytest.approx(sum(values) / total, rel=1e-12, abs=1e-15)
                    checked += 1
    assert checked > 20
    md = _report(folder, tmp_path)
    first = doc["conventions"][0]["measures"]["delayed_bed_days"]["rows"][0]
    line = next(line for line in md.splitlines() if line.startswith(f"| {first['label']} |"))
    assert share(first["recorded_share"]["mean"]) in line and share(first["counterfactual_share"]["mean"]) in line
    assert "is a ratio of totals" in md


def _negative_rows(md: str) -> set[str]:
    """Labels of result-table rows whose interval (the cell after the mean) starts below zero (a
    year-end position or a deficit may be negative: those rows are left out)."""
    found = set()
    for line in md.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0] in {label for metric, label, _ in RESULT_ROWS if metric not in SIGNED}:
            intervals = cells[2::2]
            if any(re.match(r"-(GBP |£)?[\d.,]*[1-9]", c) for c in intervals):
                found.add(cells[0])
    return found


def test_the_run_report_flags_every_interval_below_zero(small_folders, tmp_path):
    folder = Path(shutil.copytree(small_folders["run"], tmp_path / "tampered"))
    summary = json.loads((folder / "summary.json").read_text())
    for metric in ("mean_delay_days_of_delayed", "placement_spend_self_gbp", "mean_delayed_beds"):
        summary["metrics"][metric].update(ci_low=-0.5, ci_high=9.0)  # as two unlike replications give
    (folder / "summary.json").write_text(json.dumps(summary))
    md = _report(folder, tmp_path / "r")
    bullet = next(line for line in md.splitlines() if "reach below zero" in line)
    for label in ("Mean delay of those, days past the ready date", "Paid by people for their own care",
                  "Beds held by delayed patients (mean)"):
        assert label in bullet
    assert all(label in bullet for label in _negative_rows(md))


@pytest.mark.parametrize("kind", ["run", "compare", "attribute"])
def test_every_negative_interval_shown_is_flagged(kind, small_folders, tmp_path):
    md = _report(small_folders[kind], tmp_path)
    negative = _negative_rows(md)
    bullet = next((line for line in md.splitlines() if "reach below zero" in line), "")
    assert all(label in bullet for label in negative), (negative, bullet)
