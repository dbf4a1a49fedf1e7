"""Where the web app's configs come from and what it reads back from a results folder: the
shipped configs, uploads (YAML and workbooks, named as the user named them in every message),
scenarios laid over an edited config, the figures' catalogue, the key numbers and the zip."""

from __future__ import annotations

import json
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from discharge_sim import api
from discharge_sim.app import outputs, sources
from discharge_sim.config import ConfigError, config_to_dict
from tests.helpers import BASELINE, CONFIGS, SCENARIOS


def test_the_shipped_configs_are_found_beside_the_package_baseline_first():
    shipped = sources.shipped()
    assert next(iter(shipped)) == "configs/baseline.yaml"
    assert {p.resolve() for p in shipped.values()} == {p.resolve() for p in [*CONFIGS.glob("*.yaml"), *SCENARIOS]}
    assert set(sources.scenarios()) == {p.stem for p in SCENARIOS}


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_a_scenario_over_the_unedited_baseline_is_the_scenario_as_shipped(path):
    scenario = sources.read_scenario(path)
    assert scenario.description and "extends" not in scenario.changes
    assert sources.with_scenario(config_to_dict(api.load(BASELINE)), scenario) == api.load(path)


def test_a_scenario_keeps_the_edits_it_does_not_set():
    raw = config_to_dict(api.load(BASELINE))
    raw["hospital"]["beds"] = 555
    raw["pools"]["home_care"]["places"] = 1  # more_home_care sets its own
    config = sources.with_scenario(raw, sources.read_scenario(CONFIGS / "scenarios" / "more_home_care.yaml"))
    assert config.hospital.beds == 555 and config.pools["home_care"].places == 924 and config.name == "more_home_care"


@pytest.mark.slow  # writes and reads an Excel workbook
def test_an_uploaded_yaml_or_workbook_reads_as_the_config_it_holds(tmp_path):
    baseline = api.load(BASELINE)
    text = api.config_text(baseline).encode()
    assert sources.read_upload("my baseline.yaml", text) == baseline
    book = api.template(BASELINE, xlsx=tmp_path / "baseline.xlsx")
    assert sources.read_upload("baseline.xlsx", book.read_bytes()) == baseline


@pytest.mark.parametrize(("name", "data", "said"), [
    ("notes.txt", b"name: x", "notes.txt: not a config (YAML) or a config workbook (Excel)"),
    ("mine.yaml", b"name: [unclosed", "mine.yaml: not valid YAML at line 1"),
    ("mine.yaml", b"name: mine\nrun: {days: -1}\n", "mine.yaml: invalid config"),
    ("scenario.yaml", b"extends: ../baseline.yaml\nname: s\n", "an uploaded config cannot refer to another file"),
    ("book.xlsx", b"not a workbook", "book.xlsx: not an Excel workbook"),
])
def test_a_bad_upload_is_named_as_the_user_named_it(name, data, said):
    with pytest.raises(ConfigError) as error:
        sources.read_upload(name, data)
    assert said in str(error.value)
    assert "discharge-sim-upload-" not in str(error.value)  # never the temporary copy


def test_a_new_results_folder_never_exists_yet(tmp_path):
    first = outputs.new_folder(tmp_path, "compare-baseline vs/x")
    assert first.parent == tmp_path and first.name.startswith("compare-baseline_vs_x-")
    first.mkdir()
    second = outputs.new_folder(tmp_path, "compare-baseline vs/x")
    assert second != first and not second.exists()


def test_figures_come_from_the_catalogue_in_its_order_with_their_png(tmp_path):
    figures = tmp_path / "figures"
    figures.mkdir()
    (figures / "b.png").write_bytes(b"png")
    (figures / "a.png").write_bytes(b"png")
    catalogue = [{"name": "b", "title": "B", "caption": "about b", "files": ["b.png", "b.pdf"]},
                 {"name": "gone", "title": "G", "caption": "", "files": ["gone.png"]},
                 {"name": "a", "title": "A", "caption": "about a", "files": ["a.pdf", "a.png"]}]
    (figures / "figures.json").write_text(json.dumps(catalogue))
    assert [(f.title, f.caption, f.png.name) for f in outputs.figures(tmp_path)] == [
        ("B", "about b", "b.png"), ("A", "about a", "a.png")]
    assert outputs.figures(tmp_path / "nothing") == []


def _share(mean, low, high):
    return {"mean": mean, "ci_low": low, "ci_high": high}


def test_the_answer_is_each_sides_share_with_its_interval_per_convention_and_measure():
    rows = [{"side": "hospital", "label": "Hospital-internal", "recorded_share": _share(0.196, 0.091, 0.302)},
            {"side": "social_care", "label": "Social care", "recorded_share": _share(0.429, 0.376, 0.482)}]
    later = [{"side": "hospital", "label": "Hospital-internal", "recorded_share": _share(0.025, 0.004, -0.002)}]
    document = {"answer": {"conventions": [{"convention": "symmetric", "measures": {
        "delayed_bed_days": {"rows": rows}, "delayed_bed_days_after_ready_day": {"rows": later}}}]}}
    table = outputs.answer(document)
    assert table is not None
    assert table.to_dict("records") == [
        {"convention": "symmetric", "side": "Hospital-internal", "share of all delayed hours": "20% (9% to 30%)",
         "share of days after the discharge-ready date": "2% (0% to 0%)"},
        {"convention": "symmetric", "side": "Social care", "share of all delayed hours": "43% (38% to 48%)",
         "share of days after the discharge-ready date": "-"}]
    assert outputs.answer({"kind": "compare"}) is None
    compared = outputs.answer({"kind": "compare", "answers": [
        {"label": "baseline", "conventions": document["answer"]["conventions"]},
        {"label": "more_home_care", "conventions": document["answer"]["conventions"]}]})
    assert compared is not None and list(compared["scenario"]) == ["baseline"] * 2 + ["more_home_care"] * 2
    assert list(compared["share of all delayed hours"])[2] == "20% (9% to 30%)"


def test_a_comparison_shows_bed_days_by_side_and_the_paired_change():
    def metrics(total, hospital, social):
        return {"delayed_bed_days": {"mean": total, "ci_low": total - 10, "ci_high": total + 10},
                "delayed_bed_days_hospital": {"mean": hospital}, "delayed_bed_days_social_care": {"mean": social}}
    document = {"kind": "compare", "configs": ["baseline", "more_home_care"],
                "metrics": {"baseline": metrics(2000, 500, 1000), "more_home_care": metrics(1500, 500, 600)},
                "differences": {"more_home_care": {"delayed_bed_days": {"mean": -500, "ci_low": -600,
                                                                        "ci_high": -400}}}}
    table = outputs.comparison(document)
    assert table is not None
    rows = table.set_index("scenario").to_dict("index")
    assert rows["baseline"]["all delayed bed-days"] == "2,000 (1,990 to 2,010)"
    assert rows["baseline"]["social care share"] == "50%" and rows["more_home_care"]["social care share"] == "40%"
    assert rows["baseline"]["change from baseline"] == "(baseline)"
    assert rows["more_home_care"]["change from baseline"] == "-500 (-600 to -400)"
    assert outputs.comparison({"kind": "run", "metrics": {}}) is None


def test_the_zip_holds_every_file_under_the_folders_name(tmp_path):
    folder = tmp_path / "baseline-20250301-141502"
    (folder / "figures").mkdir(parents=True)
    (folder / "summary.json").write_text("{}")
    (folder / "figures" / "a.png").write_bytes(b"\x89PNG")
    with zipfile.ZipFile(BytesIO(outputs.zipped(folder))) as archive:
        assert sorted(archive.namelist()) == ["baseline-20250301-141502/figures/a.png",
                                              "baseline-20250301-141502/summary.json"]
        assert archive.read("baseline-20250301-141502/figures/a.png") == b"\x89PNG"
    assert not any(Path(tmp_path).glob("*.zip"))  # built in memory, nothing written beside the folder



def test_a_mean_and_its_interval_read_as_the_page_shows_them():
    assert outputs.percent({"mean": 0.2149, "ci_low": 0.19, "ci_high": 0.2351}) == "21% (19% to 24%)"
    assert outputs.percent({"mean": -0.001, "ci_low": None, "ci_high": 0.01}) == "0%"
    assert outputs.bed_days({"mean": 2646.4, "ci_low": 2007.2, "ci_high": 3284.0}) == "2,646 (2,007 to 3,284)"
    assert outputs.bed_days({"mean": None}) == "-"
