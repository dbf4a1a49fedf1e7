"""The report: every number matches the results files, every figure is embedded, nothing loads from outside."""

from __future__ import annotations

import base64
import csv
import functools
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from discharge_sim.analysis.policy import COST_PER_DAY
from discharge_sim.io.folders import read_json
from discharge_sim.present.formats import FORMATS, count, interval_text, mean_interval_text, money, share, signed
from discharge_sim.present.report import RESULT_ROWS

VOID = {"meta", "img", "br", "hr", "link", "input"}


class Page(HTMLParser):
    """Tags balanced, and what the page would load or link to."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.images: list[dict[str, str]] = []
        self.urls: list[str] = []
        self.cells: list[tuple[dict[str, str], str]] = []
        self._cell: dict[str, str] | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        for key in ("src", "href", "action", "data", "poster"):
            if key in a:
                self.urls.append(a[key])
        if tag in ("script", "link", "iframe", "object", "embed"):
            self.errors.append(f"<{tag}> present")
        if tag == "img":
            self.images.append(a)
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "td":
            self._cell, self._text = a, ""

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unbalanced </{tag}> (open: {self.stack[-3:]})")
        else:
            self.stack.pop()
        if tag == "td" and self._cell is not None:
            self.cells.append((self._cell, self._text))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._text += data


pytestmark = pytest.mark.slow  # the results folders take more than ten seconds to write (tests/cli/conftest.py)


@pytest.fixture(scope="module")
def pages(reports):
    """Each report folder (written once, in tests/cli/conftest.py) with its report.html parsed."""
    made = {}
    for name, out in reports.items():
        page = Page()
        page.feed((out / "report.html").read_text(encoding="utf-8"))
        page.close()
        made[name] = (out, page)
    return made


KINDS = {metric: kind for metric, _, kind in RESULT_ROWS}
SPLIT_FORMATS = {"recorded": count, "counterfactual": count, "alone": count, "total": count, "difference": signed,
                 "recorded_share": share, "counterfactual_share": share}
"""The columns of a convention's split (attribution.json, or summary.json's answer) and their formats."""


@functools.lru_cache(maxsize=32)
def _read(path: str, _stamp: tuple[int, int]) -> dict:
    return read_json(Path(path))


def cached_json(path) -> dict:
    """A results file's JSON, read once per version of the file (a report has thousands of cells)."""
    stat = Path(path).stat()
    return _read(str(path), (stat.st_mtime_ns, stat.st_size))


def split_part(folder, source: str) -> dict:
    """One convention's split of one measure, named by a cell's source: file#dotted.path."""
    name, path = source.split("#", 1)
    part = cached_json(folder / name)
    for key in path.split("."):
        part = part[int(key)] if isinstance(part, list) else part[key]
    return part


def split_ci(folder, source: str, side: str, metric: str) -> dict:
    """The statistics a split cell shows: a row's column, or the split's total."""
    split = split_part(folder, source)
    if metric == "total":
        return split["total"]
    return {row["side"]: row for row in split["rows"]}[side][metric]


def expected_text(folder, attrs) -> str:
    source, scenario, metric, stat = attrs["data-source"], attrs["data-scenario"], attrs["data-metric"], \
        attrs["data-stat"]
    if source.startswith(("attribution.json#", "summary.json#answer.")):
        ci, fmt = split_ci(folder, source, scenario, metric), SPLIT_FORMATS[metric]
    elif source.startswith("summary.json"):
        summary = cached_json(folder / "summary.json")
        if source.endswith("#differences"):
            ci = summary["differences"][scenario][metric]
        elif summary["kind"] == "run":
            ci = summary["metrics"][metric]
        else:
            ci = summary["metrics"][scenario][metric]
        if stat == "share_of_delayed_bed_days":  # what to fix first: an item's share of all delay
            whole = summary["metrics"] if summary["kind"] == "run" else summary["metrics"][scenario]
            return share(ci["mean"] / whole["delayed_bed_days"]["mean"])
        kind = "count" if metric.startswith("delayed_bed_days_item_") else KINDS[metric]
        fmt = FORMATS["points" if kind == "share" and source.endswith("#differences") else kind]
    elif source == "dtoc.csv":
        with (folder / "dtoc.csv").open(newline="") as f:
            row = {r["reason"]: r for r in csv.DictReader(f)}[scenario]
        value = float(row[metric]) if row[metric] else float("nan")  # no share for the uncounted 'other' row
        return share(value) if metric.endswith("share") else count(value)
    elif source == "policy.csv":
        with (folder / "policy.csv").open(newline="") as f:
            row = {r["scenario"]: {k: float(v) if v else float("nan") for k, v in r.items() if k != "scenario"
                                   and k != "baseline"} for r in csv.DictReader(f)}[scenario]
        if metric == COST_PER_DAY:
            return money(row[metric])
        key = metric.removesuffix("_difference")
        fmt = money if key.endswith("_gbp") else count
        ci = {"mean": row[f"{key}_difference"], "ci_low": row[f"{key}_ci_low"], "ci_high": row[f"{key}_ci_high"]}
        interval = interval_text(ci, fmt)
        return fmt(ci["mean"]) + ("" if interval == "-" else f" ({interval})")
    else:
        raise AssertionError(f"unknown source {source}")
    ci = {k: (float("nan") if v is None else v) for k, v in ci.items()}
    if stat == "mean_interval":
        return mean_interval_text(ci, fmt)
    assert stat in ("mean", "interval"), stat
    return fmt(ci["mean"]) if stat == "mean" else interval_text(ci, fmt)


@pytest.mark.parametrize("kind", ["run", "attribute", "compare"])
def test_every_result_cell_matches_the_results_files(pages, kind):
    folder, page = pages[kind]
    linked = [(attrs, text) for attrs, text in page.cells if "data-source" in attrs]
    assert len(linked) > 20
    sources = {attrs["data-source"] for attrs, _ in linked}
    assert "summary.json" in sources
    assert ("dtoc.csv" in sources) == (folder / "dtoc.csv").is_file()
    if kind == "attribute":  # a table per convention and measure, read from attribution.json
        doc = json.loads((folder / "attribution.json").read_text())
        assert {f"attribution.json#conventions.{i}.measures.{measure}" for i, game in enumerate(doc["conventions"])
                for measure in game["measures"]} <= sources
    if kind == "run":  # the recorded split per convention, read from summary.json's answer
        answer = json.loads((folder / "summary.json").read_text())["answer"]
        assert {f"summary.json#answer.conventions.{i}.measures.{measure}"
                for i, game in enumerate(answer["conventions"]) for measure in game["measures"]} <= sources
    if kind == "compare":
        assert "summary.json#differences" in sources and "policy.csv" in sources
    for attrs, text in linked:
        assert text == expected_text(folder, attrs), attrs


@pytest.mark.parametrize("kind", ["run", "attribute", "compare"])
def test_the_page_is_well_formed_self_contained_and_embeds_every_figure(pages, kind):
    folder, page = pages[kind]
    assert not page.errors, page.errors
    assert not page.stack
    assert all(url.startswith(("data:", "#")) for url in page.urls), [u[:40] for u in page.urls]
    listed = json.loads((folder / "figures" / "figures.json").read_text())
    assert listed
    embedded = {img["alt"]: img["src"] for img in page.images}
    for figure in listed:
        src = embedded[figure["title"]]
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]) == (folder / "figures" / f"{figure['name']}.png").read_bytes()
    markdown = (folder / "report.md").read_text()
    for figure in listed:
        assert f"(figures/{figure['name']}.png)" in markdown and figure["caption"] in markdown


def test_the_report_has_every_section_and_the_stress_des_checklist(pages):
    folder, _ = pages["run"]
    text = (folder / "report.md").read_text()
    for heading in ("## The question", "## The model in plain words", "## Parameters", "## Results",
                    "## Where the delay sits, item by item", "## Figures",
                    "## Assumptions and limitations", "## Appendix: model documentation (STRESS-DES)"):
        assert heading in text
    for item in ("1.1 Purpose of the model", "2.5 Components", "3.1 Data sources", "4.1 Initialisation",
                 "5.2 Random sampling", "6.1 Computer model sharing"):
        assert item in text
    assert "Only 2 replication(s) were run" in text  # limitations follow the run
    summary = json.loads((folder / "summary.json").read_text())
    assert count(summary["metrics"]["delayed_bed_days"]["mean"]) in text


def test_findings_answer_the_question(pages):
    from discharge_sim.present.answer import percent

    folder, _ = pages["attribute"]
    text = (folder / "report.md").read_text()
    findings = text.split("## Key findings", 1)[1].split("\n## ", 1)[0]
    doc = json.loads((folder / "attribution.json").read_text())
    first = doc["conventions"][0]
    lead = next(line for line in findings.splitlines() if line.startswith("The answer under"))
    assert lead.startswith(f"The answer under the {first['convention']} convention")  # the answer comes first
    hospital = {row["side"]: row for row in first["measures"]["delayed_bed_days"]["rows"]}["hospital"]
    assert f"hospital-internal processes caused {percent(hospital['counterfactual_share'])}" in findings
    assert "National statistics count delay this way." in findings
    assert findings.count("is a ratio of totals") == 1
    folder, _ = pages["compare"]
    text = (folder / "report.md").read_text()
    assert "Settings that differ from the first scenario" in text
    assert "steps.home_support.search.mean_days" in text  # england_2024_25's fitted search


def test_settings_that_differ_read_as_a_person_writes_them_and_money_in_thousands_and_millions(pages):
    folder, _ = pages["compare"]
    text = (folder / "report.md").read_text()
    table = text.split("Settings that differ from the first scenario")[1].split("\n\n")[1]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert rows, "the compared configs differ in some settings"
    assert not any(mark in table for mark in ("['", "[1", "{'", "True", "False", "None")), table[:500]
    policy = text.split("Policy comparison")[1].split("\n\n")[1]
    amounts = re.findall(r"-?£[\d.,]+[a-z]*", policy)
    assert amounts and all(re.fullmatch(r"-?£(\d{1,3}|\d\.\d\d[kmb]n?|\d\d\.\d[kmb]n?|\d{3}[kmb]n?)", a) for a in amounts), amounts
