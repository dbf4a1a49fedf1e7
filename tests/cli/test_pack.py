"""The board pack: every number in it reconciles with the results files, the PDF is A4 with a
one-page summary per scenario, the control charts are the occupancy table's series, and bad
input is refused with nothing written."""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader

from discharge_sim.analysis.attribution import ranking_table
from discharge_sim.analysis.spc import xmr
from discharge_sim.cli import main
from discharge_sim.present.formats import FORMATS, count, decimal, mean_interval_text, share
from discharge_sim.present.pack import AT_A_GLANCE, BOARD_MEASURES, OVERVIEW
from tests.cli.test_report import Page, expected_text, split_ci

pytestmark = pytest.mark.slow  # the results folders take more than ten seconds to write (tests/cli/conftest.py)

PACKED = ("run", "compare", "sweep", "attribute")


@pytest.fixture(scope="module")
def packs(result_folders, tmp_path_factory):
    """A copy of each folder with its board pack, the attribute folder with a ranking of items."""
    base = tmp_path_factory.mktemp("packs")
    made = {}
    for kind in PACKED:
        folder = Path(shutil.copytree(result_folders[kind], base / kind))
        if kind == "attribute":
            _write_ranking(folder)
        assert main(["pack", str(folder), "--quiet"]) == 0
        page = Page()
        page.feed((folder / "board-pack.html").read_text(encoding="utf-8"))
        page.close()
        made[kind] = (folder, page)
    return made


def _write_ranking(folder: Path) -> None:
    """attribution_steps.csv as `attribute --by step` writes it, with made-up removals."""
    rows = [{"rank": i + 1, "item": f"step:{name}", "what": "step", "name": name, "owner": owner, "change": "instant",
             "n": 2, "removed": value, "ci_low": value - 5, "ci_high": value + 5, "share_of_total": value / 1000}
            for i, (name, owner, value) in enumerate((("medicines", "hospital", 120.0),
                                                      ("funding_panel", "social_care", 80.5),
                                                      ("transport", "hospital", 3.25)))]
    columns = ranking_table(rows)
    with (folder / "attribution_steps.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for i in range(len(rows)):
            w.writerow([columns[c][i] for c in columns])


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _summary(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text())


def _measured(folder: Path) -> tuple[int, int]:
    run = json.loads((folder / "manifest.json").read_text())
    config = run.get("config") or run["scenarios"][0]["config"]
    return math.ceil(config["run"].get("warmup_days", 0)), math.floor(config["run"]["days"])


def _rows(folder: Path, scenario: str | None) -> list[dict]:
    lo, hi = _measured(folder)
    with (folder / "occupancy.csv").open(newline="") as f:
        return [r for r in csv.DictReader(f) if (scenario is None or r.get("config", scenario) == scenario)
                and lo <= int(r["day"]) < hi]


def _typical(folder: Path) -> int:
    """The replication the charts show: the median of the first scenario's replications by their mean
    patients with no criteria to reside (the lower middle one; the lower number on a tie)."""
    rows = _rows(folder, None)
    first = rows[0].get("config")
    by: dict[int, list[float]] = {}
    for r in rows:
        if r.get("config") == first:
            by.setdefault(int(r["replication"]), []).append(float(r["nctr_patients_at_midnight"]))
    ranked = sorted(by, key=lambda k: (np.mean(by[k]), k))
    return ranked[(len(ranked) - 1) // 2]


def _occupancy(folder: Path, scenario: str, column: str, charted: bool) -> np.ndarray:
    """A column of occupancy.csv for one scenario's measured days (of the charted replication), ordered
    by replication and day."""
    rows = _rows(folder, scenario)
    if charted:
        rows = [r for r in rows if int(r["replication"]) == _typical(folder)]
    rows.sort(key=lambda r: (int(r["replication"]), int(r["day"])))
    return np.asarray([float(r[column]) for r in rows])


def pack_expected(folder: Path, attrs: dict[str, str]) -> str:
    """The text a pack cell must show, recomputed from the file it names."""
    source, scenario, metric, stat = (attrs[f"data-{k}"] for k in ("source", "scenario", "metric", "stat"))
    summary = _summary(folder)
    if source == "occupancy.csv":
        if stat == "lag_correlation":
            values = _occupancy(folder, scenario, metric, charted=True)
            return decimal(float(np.corrcoef(values[1:], values[:-1])[0, 1]))
        if stat.startswith("xmr_"):
            chart = xmr(_occupancy(folder, scenario, metric, charted=True))
            values = {"xmr_mean": chart.mean, "xmr_lower": chart.lower, "xmr_upper": chart.upper}
            if stat in values:
                return decimal(values[stat])
            return str(chart.counts()[stat.removeprefix("xmr_")])
        values = _occupancy(folder, scenario, metric, charted=False)
        return decimal(values.mean()) if stat == "mean" else share(float(np.mean(values > 0)))
    if source == "attribution_steps.csv":
        with (folder / source).open(newline="") as f:
            row = {r["item"]: r for r in csv.DictReader(f)}[scenario]
        if metric == "share_of_total":
            return share(float(row[metric]))
        return mean_interval_text({k: float(row[c]) for k, c in (("mean", "removed"), ("ci_low", "ci_low"),
                                                                 ("ci_high", "ci_high"))}, count)
    if source == "summary.json":
        metrics = ({f"point {p['point']}": p["metrics"] for p in summary["points"]}[scenario]
                   if summary["kind"] == "sweep" else summary["metrics"] if summary["kind"] == "run"
                   else summary["metrics"][scenario])
        if stat == "share_of_delayed_bed_days":
            return share(metrics[metric]["mean"] / metrics["delayed_bed_days"]["mean"])
        kinds = {m: k for m, _, k in (*BOARD_MEASURES, *AT_A_GLANCE, *OVERVIEW)}
        assert stat == "mean_interval"
        return mean_interval_text(metrics[metric], FORMATS[kinds.get(metric, "count")])  # items: bed-days
    if source == "summary.json#differences":
        kinds = {m: k for m, _, k in (*BOARD_MEASURES, *AT_A_GLANCE, *OVERVIEW)}
        kind = kinds[metric]
        return mean_interval_text(summary["differences"][scenario][metric], FORMATS["points" if kind == "share"
                                                                                    else kind])
    if source.startswith("summary.json#answers."):
        ci = split_ci(folder, source, scenario, metric)
        if stat == "mean":  # a side's bed-days
            return count(ci["mean"])
        assert stat == "mean_interval"
        return mean_interval_text(ci, share)
    return expected_text(folder, attrs)


@pytest.mark.parametrize("kind", PACKED)
def test_every_number_in_the_pack_reconciles_with_the_results_files(packs, kind):
    folder, page = packs[kind]
    assert not page.errors and not page.stack
    linked = [(attrs, text) for attrs, text in page.cells if "data-source" in attrs]
    assert len(linked) > 30
    sources = {attrs["data-source"].split("#")[0] for attrs, _ in linked}
    assert "summary.json" in sources
    assert ("occupancy.csv" in sources) == (kind in ("run", "compare"))  # sweeps and attributions keep no daily table
    if kind == "attribute":
        assert "attribution_steps.csv" in sources and "attribution.json" in sources
    if kind == "compare":
        assert "policy.csv" in sources and "summary.json#differences" in {a["data-source"] for a, _ in linked}
        n = len(_summary(folder)["configs"])
        answers = {attrs["data-source"] for attrs, _ in linked if attrs["data-source"].startswith("summary.json#ans")}
        assert {s.split("#")[1].split(".")[1] for s in answers} == {str(k) for k in range(n)}  # each its own split
    for attrs, text in linked:
        assert text == pack_expected(folder, attrs), attrs
    assert all(url.startswith(("data:", "#")) for url in page.urls)


def test_the_pack_has_every_section(packs):
    folder, _ = packs["compare"]
    text = (folder / "board-pack.html").read_text()
    for heading in ("The question", "Summary by scenario", "Where the delay sits, item by item", "Policy comparison",
                    "The measures boards see", "Daily variation: statistical process control", "Assumptions and limitations",
                    "The model in plain words", "Parameters",
                    "Appendix: model documentation (STRESS-DES)"):
        assert f">{heading}</h" in text, heading
    assert "How much of the answer is assumption" not in text  # no uncertainty run given
    assert "£" in text and "GBP " not in text.split("Policy comparison")[1].split("</table>")[0]


@pytest.mark.parametrize("kind", ["run", "compare"])
def test_the_pdf_is_a4_with_a_one_page_summary_per_scenario(packs, kind):
    folder, _ = packs[kind]
    reader = PdfReader(folder / "board-pack.pdf")
    summary = _summary(folder)
    labels = summary["configs"] if kind == "compare" else [summary.get("config") or "baseline"]
    assert len(reader.pages) > len(labels) + 1
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    opening = reader.pages[0].extract_text()
    assert "The question" in opening and "How to read this pack" in opening and "Summary:" not in opening
    for k, label in enumerate(labels, start=1):  # then a page per scenario
        text = reader.pages[k].extract_text()
        assert f"Summary: {label}" in text
        assert all(f"Summary: {other}" not in text for other in labels if other != label)
    rest = "".join(p.extract_text() for p in reader.pages[len(labels) + 1:])
    assert "Summary:" not in rest and "STRESS-DES" in rest


def test_the_same_results_give_the_same_pack_readable_by_others(packs, tmp_path):
    folder, _ = packs["run"]
    for name in ("board-pack.html", "board-pack.pdf"):  # as an ordinary file: not mkstemp's owner-only 0600
        assert (folder / name).stat().st_mode & 0o777 == 0o666 & ~_umask()
    before = {name: (folder / name).read_bytes() for name in ("board-pack.html", "board-pack.pdf")}
    assert main(["pack", str(folder), "--quiet"]) == 0
    assert {name: (folder / name).read_bytes() for name in before} == before


def test_the_uncertainty_range_comes_from_the_uncertainty_run(packs, tmp_path):
    folder, _ = packs["run"]
    unc = tmp_path / "uncertainty"
    unc.mkdir()
    prior = {"points": 16, "outputs": {
        "hospital_share": {"points": 16, "mean": 0.2, "median": 0.213, "low": 0.12, "high": 0.31},
        "social_care_share": {"points": 16, "mean": 0.4, "median": 0.437, "low": 0.29, "high": 0.56}},
        "neither_share": {"points": 16, "mean": 0.37, "median": 0.372, "low": 0.28, "high": 0.45},
        "first_exceeds_second": {"points": 1}, "second_exceeds_first": {"points": 15}, "ties": 0}
    (unc / "uncertainty.json").write_text(json.dumps({
        "kind": "uncertainty", "config": "baseline", "convention": "symmetric", "sides": ["hospital", "social_care"],
        "side_labels": {"hospital": "Hospital-internal", "social_care": "Social care"}, "points": 16,
        "replications": 3, "prior": prior}))
    copy = Path(shutil.copytree(folder, tmp_path / "run"))
    assert main(["pack", str(copy), "--uncertainty", str(unc), "--quiet"]) == 0
    page = Page()
    page.feed((copy / "board-pack.html").read_text())
    cells = {(a["data-scenario"], a["data-metric"], a["data-stat"]): t for a, t in page.cells
             if a.get("data-source", "").startswith("uncertainty.json#prior")}
    assert cells[("hospital", "hospital_share", "median")] == "21.3%"
    assert cells[("social_care", "social_care_share", "range")] == "29.0% to 56.0%"
    assert cells[("hospital", "first_exceeds_second", "points")] == "1 of 16"
    assert cells[("social_care", "second_exceeds_first", "points")] == "15 of 16"
    assert "How much of the answer is assumption" in (copy / "board-pack.html").read_text()


def test_a_folder_that_is_not_results_or_a_wrong_uncertainty_folder_is_refused(packs, tmp_path, capsys):
    folder, _ = packs["run"]
    copy = Path(shutil.copytree(folder, tmp_path / "run"))
    for name in ("board-pack.html", "board-pack.pdf"):
        (copy / name).unlink()
    assert main(["pack", str(copy), "--uncertainty", str(folder), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "not an uncertainty folder" in err and "Traceback" not in err
    assert not (copy / "board-pack.html").exists() and not (copy / "board-pack.pdf").exists()
    assert main(["pack", str(tmp_path / "nowhere"), "--quiet"]) == 2
    assert "no such folder" in capsys.readouterr().err


def test_observed_daily_series_are_charted_beside_the_simulated_ones(packs, tmp_path, capsys):
    folder, _ = packs["run"]
    fit = tmp_path / "fit"
    fit.mkdir()
    nctr = [40 + 5 * (i % 3) for i in range(30)] + [90]
    beds = ["<5" if i == 3 else str(500 + 5 * (i % 4)) for i in range(31)]
    with (fit / "daily.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["day", "month", "beds_occupied_at_midnight", "nctr_patients_at_midnight"])
        w.writerows([i, "2024-05" if i < 20 else "2024-06", beds[i], nctr[i]] for i in range(31))
    copy = Path(shutil.copytree(folder, tmp_path / "run"))
    assert main(["pack", str(copy), "--observed", str(fit), "--quiet"]) == 0
    page = Page()
    page.feed((copy / "board-pack.html").read_text())
    cells = {(a["data-metric"], a["data-stat"]): t for a, t in page.cells if a.get("data-source") == "daily.csv"}
    chart = xmr(np.asarray(nctr, dtype=float))
    assert cells[("nctr_patients_at_midnight", "xmr_mean")] == decimal(chart.mean)
    assert cells[("nctr_patients_at_midnight", "xmr_upper")] == decimal(chart.upper)
    assert cells[("nctr_patients_at_midnight", "xmr_special")] == str(int(chart.special.sum())) != "0"
    shown = xmr(np.asarray([float(b) for b in beds if b != "<5"]))  # the suppressed day is left out
    assert cells[("beds_occupied_at_midnight", "xmr_lower")] == decimal(shown.lower)
    text = (copy / "board-pack.html").read_text()
    assert "2024-05 to 2024-06" in text and "1 day(s) under 5 left out" in text
    simulated = {(a["data-metric"], a["data-stat"]): t for a, t in page.cells
                 if a.get("data-source") == "occupancy.csv" and a["data-stat"] == "xmr_special"}
    assert ("nctr_patients_at_midnight", "xmr_special") in simulated
    (fit / "daily.csv").unlink()
    assert main(["pack", str(copy), "--observed", str(fit), "--quiet"]) == 2
    assert "no daily.csv" in capsys.readouterr().err


@pytest.mark.parametrize(("written", "hint"), [("uncertainty.json", "--uncertainty"), ("fit.json", "--observed"),
                                               ("sensitivity.json", "discharge-sim plot"),
                                               ("calibration.json", "fitted.yaml")])
def test_a_folder_another_command_wrote_is_refused_with_the_way_to_use_it(tmp_path, capsys, written, hint):
    folder = tmp_path / "other"
    folder.mkdir()
    (folder / written).write_text("{}")
    assert main(["pack", str(folder), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert hint in err and str(folder) in err and "Traceback" not in err
    assert sorted(p.name for p in folder.iterdir()) == [written]
