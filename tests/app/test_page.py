"""The web app's page, driven in-process by Streamlit's AppTest (no browser): it opens on the
baseline saying the data stays here, shows each setting's unit and allowed values, reports a bad
setting, cell or upload in the config's own words without a traceback, loads other configs, and
runs into a results folder under the root it was given, showing the answer and the figures."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from discharge_sim import api
from discharge_sim.app import launch, outputs, state
from tests.helpers import BASELINE

TIMEOUT = 120


@pytest.fixture
def results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "results"
    monkeypatch.setenv(state.RESULTS_ENV, str(root))
    return root


@pytest.fixture
def page(results: Path) -> AppTest:
    at = AppTest.from_file(str(launch.PAGE), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    return at


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_the_page_opens_on_the_baseline_and_says_the_data_stays_here(page):
    assert any("never leaves this computer" in i.value and "127.0.0.1" in i.value for i in page.info)
    assert any("**baseline** (configs/baseline.yaml)" in s.value for s in page.success)
    assert [n.label for n in page.number_input] == ["days", "warmup days", "replications", "beds",
                                                    "admissions per day"]
    assert page.number_input(key="hospital.beds-0").value == api.load(BASELINE).hospital.beds
    assert page.text_input(key="run.seed-0").value == str(api.load(BASELINE).run.seed)
    captions = [c.value for c in page.caption]
    assert "Allowed: a whole number > 0 and ≤ 1,000,000; required" in captions  # beds
    assert "Allowed: a number from 0 to 36,500; empty: 0.0" in captions  # warm-up
    editors = {len(e.value) for e in page.data_editor}
    config = api.load(BASELINE)
    assert editors == {len(config.staff), len(config.pools), len(config.steps)}
    assert not _errors(page) and page.button(key="run")


def test_a_setting_out_of_line_shows_the_configs_own_message_and_no_run(page):
    page.number_input(key="run.days-0").set_value(30.0).run()
    assert not page.exception
    (message,) = _errors(page)
    assert "These settings are not a valid config" in message
    assert "run: warmup_days (60.0) must be shorter than days (30.0)" in message
    assert "Traceback" not in message
    assert not [b for b in page.button if b.key == "run"]


@pytest.mark.parametrize(("field", "value", "words"), [("hospital.beds-0", -5, "hospital.beds = -5"),
                                                        ("run.replications-0", 0, "run.replications = 0")])
def test_an_impossible_number_is_named_and_the_run_waits_for_it(page, field, value, words):
    """A number outside what the setting allows is never dropped in favour of the old one: the
    config's own message names it, and there is no Run until it is put right."""
    page.number_input(key=field).set_value(value).run()
    assert not page.exception
    (message,) = _errors(page)
    assert words in message and "Traceback" not in message
    assert not [b for b in page.button if b.key == "run"]


def test_an_edited_cell_is_validated_with_its_field(results):
    at = AppTest.from_file(str(launch.PAGE), default_timeout=TIMEOUT)
    at.session_state["table-pools-0"] = {"edited_rows": {4: {"places": 0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    (message,) = _errors(at)
    assert "pools.nursing_home.places = 0: Input should be greater than 0" in message


def test_another_shipped_config_can_be_loaded(page):
    page.selectbox(key="shipped").set_value("configs/scenarios/more_home_care.yaml")
    page.button(key="load-shipped").click().run()
    assert any("**more_home_care**" in s.value for s in page.success)
    assert page.number_input(key="run.days-1").value == 425.0  # the fields start again from the new config


def test_a_bad_upload_says_why_in_the_files_name(page):
    page.radio(key="way").set_value("my own config file").run()
    page.file_uploader(key="config-upload").upload("mine.yaml", b"name: mine\nhospital: {beds: -4}\n").run()
    assert not page.exception
    (message,) = _errors(page)
    assert message.startswith("**mine.yaml cannot be used.** mine.yaml: invalid config")
    assert "hospital.beds = -4" in message
    assert any("**baseline**" in s.value for s in page.success)  # still the config in use


def test_scenarios_are_described_when_chosen(page):
    page.multiselect(key="scenarios").set_value(["more_home_care"]).run()
    assert any(c.value.startswith("**more_home_care**: 10% more reablement") for c in page.caption)
    assert any("compares baseline with 1 scenario(s)" in m.value for m in page.markdown)


def _until_finished(page: AppTest) -> None:
    """Run the page again until the experiment started from it has finished and been shown."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        job = page.session_state["job"]
        assert job.error is None, f"the run stopped: {job.error!r}"
        if job.collected:
            page.run()
            return
        time.sleep(0.5)
        page.run()
    raise AssertionError("the run did not finish")


@pytest.mark.slow
def test_a_run_writes_under_the_results_root_and_shows_the_answer_and_figures(page, results):
    page.number_input(key="run.days-0").set_value(40.0)
    page.number_input(key="run.warmup_days-0").set_value(5.0)
    page.number_input(key="run.replications-0").set_value(2)
    page.number_input(key="hospital.beds-0").set_value(560)
    page.run()
    page.button(key="run").click().run()
    assert not page.exception and not _errors(page)
    assert page.button(key="run").disabled  # no second run while this one goes on
    _until_finished(page)
    assert not page.exception and not _errors(page)
    assert not page.button(key="run").disabled
    (folder,) = results.iterdir()
    assert folder.name.startswith("baseline-edited-") and (folder / "summary.json").is_file()
    assert api.load(BASELINE).hospital.beds != 560
    manifest = (folder / "manifest.json").read_text()
    assert '"beds": 560' in manifest  # the edited config was run, and says it was edited
    assert "Edited in the web app: hospital.beds 600 -> 560" in manifest
    assert any(f"`{folder}`" in m.value for m in page.markdown)
    answer = page.dataframe[-1].value
    assert {"convention", "side", "share of all delayed hours"} <= set(answer.columns)
    assert "Hospital-internal" in set(answer["side"])
    drawn = outputs.figures(folder)
    assert len(drawn) >= 4 and len(page.image) == len(drawn)
    assert {b.key for b in page.get("download_button")} == {"download-config", "download-workbook", "download-results"}
    page.button(key="make-pack").click().run()
    assert not page.exception and not _errors(page)
    assert (folder / "board-pack.pdf").read_bytes()[:5] == b"%PDF-" and (folder / "board-pack.html").is_file()
    assert {b.key for b in page.get("download_button")} == {"download-config", "download-workbook", "download-results",
                                                            "download-pack-pdf", "download-pack-html"}


@pytest.mark.slow
def test_a_config_fitted_to_an_uploaded_extract_becomes_the_config_in_use(page, results, tmp_path):
    extract = api.synth(BASELINE, out=tmp_path / "extract.csv")
    page.radio(key="way").set_value("my trust's patient-level extract").run()
    page.file_uploader(key="extract-upload").upload("our extract.csv", extract.read_bytes()).run()
    page.checkbox(key="correct-waits").uncheck()
    page.button(key="fit").click().run()
    assert not page.exception and not _errors(page)
    assert page.button(key="fit").disabled  # a fit goes on in its own thread too
    _until_finished(page)
    assert not page.exception and not _errors(page)
    (folder,) = results.iterdir()
    assert folder.name.startswith("fit-our_extract-") and (folder / "fitted.yaml").is_file()
    assert any("**our_extract-fitted** (fitted to our extract.csv" in s.value for s in page.success)
    assert page.number_input(key="hospital.beds-1").value == api.load(folder / "fitted.yaml").hospital.beds


def test_a_run_that_stops_says_why_and_run_can_be_pressed_again(page, monkeypatch):
    def fails(*_args, **_kwargs):
        raise api.UsageError("no room on the disk for the results")

    monkeypatch.setattr(api, "run", fails)
    page.number_input(key="run.days-0").set_value(40.0)
    page.number_input(key="run.warmup_days-0").set_value(5.0)
    page.run()
    page.button(key="run").click().run()
    deadline = time.monotonic() + TIMEOUT
    while not page.session_state["job"].collected and time.monotonic() < deadline:
        time.sleep(0.2)
        page.run()
    page.run()
    assert not page.exception
    (message,) = _errors(page)
    assert "The run could not start" in message and "no room on the disk" in message
    assert not page.button(key="run").disabled
