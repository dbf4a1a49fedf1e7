"""The report's answer: its sentences come from the same numbers as its tables.

A short attribution (two conventions) and a short run are written once; their reports are read
back, and every share and total in the answer sentences is checked against the table of the same
convention and measure, and against attribution.json or summary.json. The files are then changed
and the report written again, to show that sentences and tables follow the same numbers.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from discharge_sim import api
from discharge_sim.io.folders import read_json
from discharge_sim.present.answer import MEASURE_WORDS, per_year, side_words
from discharge_sim.present.formats import count
from discharge_sim.present.report import write_report
from tests.cli.test_report import Page, expected_text
from tests.helpers import BASELINE

SHORT = {"days": 20, "warmup_days": 5, "replications": 2, "seed": 3, "workers": 1, "plots": False}
CONVENTIONS = ["owner", "dtoc"]
"""Two conventions of two sides each: six runs a replication, so the folder is quick to write."""
SHARE = r"(-?\d+)% \((-?\d+)% to (-?\d+)%\)"
"""A share in a sentence: 21% (19% to 23%)."""


def no_figures(folder: Path) -> None:
    """An empty figure list, so that the report writes its text without drawing."""
    (folder / "figures").mkdir(exist_ok=True)
    (folder / "figures" / "figures.json").write_text("[]")


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("report_answer")
    made = {"attribute": api.attribute(BASELINE, conventions=CONVENTIONS, **SHORT, out=base / "attribute").out,
            "run": api.run(BASELINE, **SHORT, out=base / "run").out}
    for folder in made.values():
        no_figures(folder)
    return made


def report(folder: Path, tmp_path: Path, change=None) -> tuple[Path, str]:
    """A copy of ``folder`` (its JSON changed by ``change(name, doc)`` first), its report written and read."""
    copy = Path(shutil.copytree(folder, tmp_path / folder.name))
    if change is not None:
        for name in ("attribution.json", "summary.json"):
            if (copy / name).is_file():
                doc = json.loads((copy / name).read_text())
                change(name, doc)
                (copy / name).write_text(json.dumps(doc))
    write_report(copy)
    return copy, (copy / "report.md").read_text(encoding="utf-8")


def section(md: str, heading: str) -> str:
    return md.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def splits(folder: Path) -> tuple[list[dict], bool, float]:
    """The conventions the report answers from, whether counterfactual, and the measured days."""
    if (folder / "attribution.json").is_file():
        doc = read_json(folder / "attribution.json")
        return doc["conventions"], True, float(doc["window_days"])
    summary = read_json(folder / "summary.json")
    return summary["answer"]["conventions"], False, float(summary["days"]) - float(summary["warmup_days"])


def sentences(findings: str) -> dict[tuple[str, str], str]:
    """(convention, measure) to its sentence in the findings."""
    out: dict[tuple[str, str], str] = {}
    convention = None
    words = {w: m for m, w in MEASURE_WORDS.items()}
    for line in findings.splitlines():
        lead = re.match(r"The (?:answer|same) under the (\S+) convention: ", line)
        if lead:
            convention = lead.group(1)
        said = re.match(r"- Of [\d,]+ delayed bed-days a year \(([^;)]+)", line)
        if said and convention is not None:
            out[(convention, words[said.group(1)])] = line
    return out


def table(md: str, convention: str, measure: str) -> tuple[str, dict[str, dict[str, str]]]:
    """The caption and rows (label to column to text) of a convention's table for a measure."""
    lines = md.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if line.startswith(f"*The {convention} convention, ") and f"({measure}" in line)
    header = [c.strip() for c in lines[start + 2].strip().strip("|").split("|")]
    rows = {}
    for line in lines[start + 4:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows[cells[0]] = dict(zip(header, cells, strict=True))
    return lines[start], rows


def share_cell(text: str) -> tuple[float, float, float]:
    found = re.fullmatch(r"(-?[\d.]+)% \((-?[\d.]+)% to (-?[\d.]+)%\)", text)
    assert found, text
    return tuple(float(x) for x in found.groups())  # type: ignore[return-value]


def said_share(sentence: str, pattern: str) -> tuple[int, int, int]:
    found = re.search(pattern, sentence)
    assert found, (pattern, sentence)
    return tuple(int(x) for x in found.groups())  # type: ignore[return-value]


def whole_percent(ci: dict) -> tuple[int, int, int]:
    return tuple(int(f"{ci[k] * 100:.0f}") for k in ("mean", "ci_low", "ci_high"))  # type: ignore[return-value]


def check_answer(folder: Path, md: str) -> int:
    """Every share and total in the answer sentences against the tables and the JSON; returns how many
    shares were checked."""
    conventions, counterfactual, days = splits(folder)
    said = sentences(section(md, "Key findings"))
    key = "counterfactual_share" if counterfactual else "recorded_share"
    column = "counterfactual share (95% interval)" if counterfactual else "share (95% interval)"
    checked = 0
    assert set(said) == {(g["convention"], m) for g in conventions for m in g["measures"]}
    for game in conventions:
        name = game["convention"]
        for measure, split in game["measures"].items():
            sentence = said[(name, measure)]
            caption, rows = table(md, name, measure)
            # the total a year: sentence, caption and file agree
            total = count(per_year(split["total"]["mean"], days))
            assert sentence.startswith(f"- Of {total} delayed bed-days a year"), sentence
            assert f", {total} a year in all," in caption, caption
            by_side = {row["side"]: row for row in split["rows"]}
            wanted = [(side, re.escape(side_words(name, side)) + " caused " + SHARE if counterfactual
                       else SHARE + " against " + re.escape(side_words(name, side))) for side in game["players"]]
            if counterfactual:
                wanted.append(("residual", SHARE + " would remain"))
            for side, words in (("unattributed", "is unattributed"), ("necessary", "is necessary process")):
                if not counterfactual and by_side[side][key]["mean"] > 0:
                    wanted.append((side, SHARE + " " + words))
            for side, pattern in wanted:
                row = by_side[side]
                in_words = said_share(sentence, pattern)
                in_table = share_cell(rows[row["label"]][column])
                assert in_words == whole_percent(row[key]), (name, measure, side)  # the file's number
                for whole, tenth in zip(in_words, in_table, strict=True):  # the table's, rounded
                    assert abs(whole - tenth) <= 0.55, (name, measure, side, in_words, in_table)
                checked += 1
            national = "National statistics count delay this way." in sentence
            assert national == (measure == "delayed_bed_days_after_ready_day")
    return checked


@pytest.mark.parametrize("kind", ["attribute", "run"])
def test_the_answer_sentences_say_the_numbers_of_the_tables(folders, kind, tmp_path):
    folder, md = report(folders[kind], tmp_path)
    assert check_answer(folder, md) >= 8


@pytest.mark.parametrize("kind", ["attribute", "run"])
def test_every_number_in_the_convention_tables_is_the_files(folders, kind, tmp_path):
    folder, _ = report(folders[kind], tmp_path)
    page = Page()
    page.feed((folder / "report.html").read_text(encoding="utf-8"))
    page.close()
    assert not page.errors and not page.stack
    split_cells = [(a, text) for a, text in page.cells if "#" in a.get("data-source", "")
                   and not a["data-source"].endswith("#differences")]
    conventions, counterfactual, _ = splits(folder)
    measures = [split for game in conventions for split in game["measures"].values()]
    rows = sum(len(split["rows"]) for split in measures)
    # recorded (mean, interval), share; and counterfactual (mean, interval), share, alone, difference
    # (a run's split has no total row: the report adds one, mean and interval)
    assert len(split_cells) == (rows * 8 if counterfactual else rows * 3 + 2 * len(measures))
    for attrs, text in split_cells:
        assert text == expected_text(folder, attrs), attrs


def test_the_findings_lead_with_the_first_conventions_answer(folders, tmp_path):
    _, md = report(folders["attribute"], tmp_path)
    findings = section(md, "Key findings")
    paragraphs = [p.strip() for p in findings.split("\n\n") if p.strip()]
    assert paragraphs[0].startswith("Who causes the delay.")
    assert paragraphs[1].startswith(f"The answer under the {CONVENTIONS[0]} convention: ")
    assert "not even-handed" in paragraphs[1]  # the owner convention says so where it is reported
    assert findings.index("The answer under") < findings.index("By owner")  # the owners' split is a note after
    assert findings.count("is a ratio of totals") == 1 and md.count("ratio of totals") == 1  # said once
    assert "National statistics (NHS England's discharge-delay data) count delay as days after the discharge-ready " \
           "date (`delayed_bed_days_after_ready_day`)" in findings


def test_the_answer_follows_the_file_it_is_read_from(folders, tmp_path):
    """Change one convention's counterfactual share and total in attribution.json: the sentence and the
    table both show the new numbers."""
    def change(name: str, doc: dict) -> None:
        if name != "attribution.json":
            return
        split = doc["conventions"][1]["measures"]["delayed_bed_days_after_ready_day"]
        row = next(r for r in split["rows"] if r["side"] == "social_care")
        row["counterfactual_share"].update(mean=0.7349, ci_low=0.6151, ci_high=0.8449)
        split["total"]["mean"] = 1234.0

    folder, md = report(folders["attribute"], tmp_path, change)
    check_answer(folder, md)
    sentence = sentences(section(md, "Key findings"))[("dtoc", "delayed_bed_days_after_ready_day")]
    assert "social care caused 73% (62% to 84%)" in sentence
    caption, rows = table(md, "dtoc", "delayed_bed_days_after_ready_day")
    assert rows["Social care"]["counterfactual share (95% interval)"] == "73.5% (61.5% to 84.5%)"
    days = read_json(folder / "attribution.json")["window_days"]
    assert f"{count(per_year(1234.0, days))} a year in all" in caption and sentence.startswith(
        f"- Of {count(per_year(1234.0, days))} delayed bed-days")


def test_pre_declaration_time_is_said_apart_from_the_delay(folders, tmp_path):
    for kind in ("attribute", "run"):
        folder, md = report(folders[kind], tmp_path / kind)
        summary = read_json(folder / "summary.json")
        metrics = summary["metrics"]["as_configured"] if kind == "attribute" else summary["metrics"]
        pre = metrics["pre_declaration_bed_days"]
        days = float(summary["days"]) - float(summary["warmup_days"])
        assert pre["mean"] > 0
        findings = section(md, "Key findings")
        assert f"Not in these figures: {count(per_year(pre['mean'], days))} bed-days a year" in findings
        results = section(md, "Results")
        row = next(line for line in results.splitlines() if line.startswith("| Pre-declaration: clinically ready"))
        assert f"| {count(pre['mean'])} |" in row


def test_intervals_below_zero_are_flagged_for_recorded_rows_and_what_is_left(folders, tmp_path):
    def change(name: str, doc: dict) -> None:
        if name != "attribution.json":
            return
        rows = {r["side"]: r for r in doc["conventions"][0]["measures"]["delayed_bed_days"]["rows"]}
        rows["hospital"]["recorded"]["ci_low"] = -5.0
        rows["residual"]["counterfactual"]["ci_low"] = -1.0
        rows["interaction"]["counterfactual"]["ci_low"] = -100.0  # may be negative: not flagged
        rows["social_care"]["counterfactual"]["ci_low"] = -100.0  # a Shapley value may be negative

    _, md = report(folders["attribute"], tmp_path, change)
    bullet = next(line for line in section(md, "Assumptions and limitations").splitlines()
                  if "reach below zero" in line)
    assert "Hospital-internal, recorded (owner convention, all delayed hours)" in bullet
    assert "Left when every side is changed, counterfactual (owner convention, all delayed hours)" in bullet
    assert "Interaction" not in bullet and "Social care, counterfactual" not in bullet


def test_the_run_report_flags_a_recorded_split_below_zero(folders, tmp_path):
    def change(name: str, doc: dict) -> None:
        if name == "summary.json":
            rows = doc["answer"]["conventions"][0]["measures"]["delayed_bed_days_after_ready_day"]["rows"]
            next(r for r in rows if r["side"] == "patient_family")["recorded"]["ci_low"] = -2.0

    _, md = report(folders["run"], tmp_path, change)
    bullet = next(line for line in md.splitlines() if "reach below zero" in line)
    assert "Patient or family, recorded (symmetric convention, days after the discharge-ready date)" in bullet


def test_each_convention_is_named_with_its_description_before_its_tables(folders, tmp_path):
    folder, md = report(folders["attribute"], tmp_path)
    results = section(md, "Results")
    for game in read_json(folder / "attribution.json")["conventions"]:
        words = f"The {game['convention']} convention: {game['description']}."
        assert words in results
        rest, first_table = results.split(words, 1)[1].split("\n\n")[:2]
        assert first_table.startswith(f"*The {game['convention']} convention, ")  # the tables follow it
        assert f"{len(game['runs'])} combinations" in rest
    assert "not even-handed" in results.split("The owner convention: ", 1)[1].split("\n", 1)[0]


def test_the_dtoc_table_shows_other_beside_the_total_not_in_it(folders, tmp_path):
    _, md = report(folders["run"], tmp_path)
    lines = [line for line in section(md, "Results").splitlines() if line.startswith("| ")]
    total = next(i for i, line in enumerate(lines) if line.startswith("| total (counted) |"))
    other = lines[total + 1]
    assert other.startswith("| other: hospital-internal, not counted |") and other.endswith("| - |")
    assert "'other' (hospital-internal delay, which the acute statistic never counted) is shown beside it" in md


def test_the_model_words_and_appendix_follow_the_config(folders, tmp_path):
    folder, md = report(folders["run"], tmp_path)
    config = json.loads((folder / "manifest.json").read_text())["config"]
    words = section(md, "The model in plain words")
    declaration = config["hospital"]["declaration"]
    assert "Patients become clinically ready at any hour" in words and "pre-declaration time" in words
    assert all(f"{int(h):02d}:00" in words for h in declaration["hours"])
    assert f"weekend round with probability {declaration['weekend_probability']:g}" in words
    necessary = {name: st["necessary_hours"] for name, st in config["steps"].items() if st.get("necessary_hours")}
    assert necessary and all(f"{name} {hours:g} hours" in words for name, hours in necessary.items())
    appendix = section(md, "Appendix: model documentation (STRESS-DES)")
    algorithms = next(line for line in appendix.splitlines() if line.startswith("| 2.4 Algorithms"))
    assert "exact Shapley values" in algorithms and "2^n coalitions" in algorithms
    assert "common random numbers" in algorithms and "declared benchmark" in algorithms
    assert "two-player" not in md


def test_the_attribute_report_says_what_was_run(folders, tmp_path):
    folder, md = report(folders["attribute"], tmp_path)
    doc = read_json(folder / "attribution.json")
    opening = md.split("\n## ", 1)[0]
    for game in doc["conventions"]:
        assert f"{game['convention']}: {len(game['players'])} side(s), {len(game['runs'])} combinations" in opening
    assert f"{len(doc['scenarios'])} distinct runs a replication" in opening
