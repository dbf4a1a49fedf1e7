"""The web app's settings tables: settings offered with the schema's units and allowed values,
config data to tables and back without loss, edits put where they belong, and what validation
says about a bad edit."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from discharge_sim import api
from discharge_sim.app import params
from discharge_sim.config import ConfigError, config_to_dict
from tests.helpers import BASELINE, SHIPPED


@pytest.fixture(scope="module")
def raw() -> dict:
    return config_to_dict(api.load(BASELINE))


def _table(raw: dict, name: str) -> params.Table:
    return next(t for t in params.tables(raw) if t.name == name)


def _column(table: params.Table, key: str) -> params.Column:
    return next(c for c in table.columns if c.key == key)


def test_the_tables_offer_what_the_brief_asks_for(raw):
    keys = {(t.name, c.key) for t in params.tables(raw) for c in t.editable}
    assert {("run", "run.days"), ("run", "run.warmup_days"), ("run", "run.replications"), ("run", "run.seed"),
            ("hospital", "hospital.beds"), ("hospital", "emergency.admissions_per_day"), ("staff", "count"),
            ("pools", "places"), ("steps", "probability"), ("steps", "duration.mean_hours"),
            ("steps", "search.mean_days")} <= keys


def test_units_allowed_values_and_meanings_come_from_the_schema(raw):
    run = _table(raw, "run")
    days = _column(run, "run.days")
    assert days.unit == "days" and days.label == "days"
    assert "> 0" in days.allowed and "36,500" in days.allowed
    warmup = _column(run, "run.warmup_days")
    assert warmup.label == "warmup days" and warmup.bounds == (0, 36_500)
    beds = _column(_table(raw, "hospital"), "hospital.beds")
    assert beds.whole and beds.bounds == (1, 1_000_000)  # > 0 for a whole number: at least 1
    admissions = _column(_table(raw, "hospital"), "emergency.admissions_per_day")
    assert admissions.unit == "per day" and not admissions.whole
    probability = _column(_table(raw, "steps"), "probability")
    assert probability.bounds == (0, 1) and probability.label == "probability (share 0-1)"
    assert "Allowed: a number from 0 to 1" in probability.help
    search = _column(_table(raw, "steps"), "search_probability")
    assert search.meaning.startswith("Chance a search is needed") and search.meaning in search.help  # the schema's
    mean_hours = _column(_table(raw, "steps"), "duration.mean_hours")
    assert mean_hours.label == "duration.mean hours" and mean_hours.unit == "hours"


def test_the_seed_is_typed_as_text_a_browser_number_would_round_it(raw):
    seed = _column(_table(raw, "run"), "run.seed")
    assert seed.as_text and not _column(_table(raw, "run"), "run.replications").as_text
    big = 2**62 + 1
    edited = params.apply(raw, [(_table(raw, "run"), {**params.values(_table(raw, "run"), raw), "run.seed": str(big)})])
    assert params.check(edited).run.seed == big


def test_a_table_of_entries_has_a_row_per_entry_with_the_config_values(raw):
    staff = params.frame(_table(raw, "staff"), raw)
    assert list(staff.index) == list(raw["staff"])
    assert staff.loc["social_workers", "count"] == raw["staff"]["social_workers"]["count"]
    steps = params.frame(_table(raw, "steps"), raw)
    assert steps.loc["care_home", "type"] == "placement"
    assert math.isnan(steps.loc["care_home", "duration.mean_hours"])  # a placement step has no duration
    assert steps.loc["care_home", "search_probability"] == raw["steps"]["care_home"]["search_probability"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_tables_read_back_unchanged_give_the_same_config(path):
    config = api.load(path)
    raw = config_to_dict(config)
    edits = [(t, params.values(t, raw) if t.section is None else params.frame(t, raw)) for t in params.tables(raw)]
    again = params.apply(raw, edits)
    assert again == raw
    assert params.check(again) == config


def test_edits_go_where_they_belong_and_nothing_else_changes(raw):
    hospital, pools, steps = _table(raw, "hospital"), _table(raw, "pools"), _table(raw, "steps")
    general = {**params.values(hospital, raw), "hospital.beds": 550.0}  # a number field may give a float
    places = params.frame(pools, raw)
    places.loc["nursing_home", "places"] = 700
    durations = params.frame(steps, raw)
    durations.loc["medicines", "probability"] = 0.25
    edited = params.apply(raw, [(hospital, general), (pools, places), (steps, durations)])
    config = params.check(edited)
    assert config.hospital.beds == 550 and isinstance(edited["hospital"]["beds"], int)
    assert config.pools["nursing_home"].places == 700
    assert config.steps["medicines"].probability == 0.25
    changed = {(k, e) for k in ("pools", "steps") for e in raw[k] if edited[k][e] != raw[k][e]}
    assert changed == {("pools", "nursing_home"), ("steps", "medicines")}
    assert {k for k in raw if edited[k] != raw[k]} == {"hospital", "pools", "steps"}


def test_a_cleared_cell_removes_the_setting_and_validation_names_it(raw):
    pools = _table(raw, "pools")
    places = params.frame(pools, raw)
    places.loc["home_care", "places"] = None
    with pytest.raises(ConfigError) as error:
        params.check(params.apply(raw, [(pools, places)]))
    headline, lines = params.problems(error.value)
    assert headline.startswith(params.SOURCE) and "invalid config" in headline
    assert any(line.startswith("pools.home_care") and "places" in line and "required" in line for line in lines)


def test_validation_names_the_field_the_value_and_what_is_allowed(raw):
    run = _table(raw, "run")
    for change, said in (({"run.warmup_days": 500.0}, "run: warmup_days (500.0) must be shorter than days (425.0)"),
                         ({"run.seed": "soon"}, "run.seed = 'soon': Input should be a valid integer")):
        with pytest.raises(ConfigError) as error:
            params.check(params.apply(raw, [(run, {**params.values(run, raw), **change})]))
        _, lines = params.problems(error.value)
        assert any(line.startswith(said) for line in lines), lines


def test_cells_become_config_values(raw):
    beds = _column(_table(raw, "hospital"), "hospital.beds")
    admissions = _column(_table(raw, "hospital"), "emergency.admissions_per_day")
    assert params.cell_value(" 1,200 ", beds) == 1200
    assert params.cell_value(12.0, beds) == 12 and isinstance(params.cell_value(12.0, beds), int)
    assert params.cell_value(12.5, beds) == 12.5  # kept: validation says a whole number is needed
    assert params.cell_value(64, admissions) == 64.0 and isinstance(params.cell_value(64, admissions), float)
    empty = params.cell_value(None, beds)
    assert params.cell_value(float("nan"), beds) is empty and params.cell_value(pd.NA, beds) is empty
    assert params.cell_value("  ", beds) is empty
    assert params.cell_value("many", beds) == "many"


def test_an_edited_config_is_named_and_described_as_edited_and_an_unedited_one_is_not():
    loaded = {"name": "baseline", "description": "Mid-sized trust.", "hospital": {"beds": 600},
              "run": {"days": 425.0, "declaration": ["Mon", "Tue"]}}
    assert params.mark_edits(loaded, loaded) == loaded
    edited = {**loaded, "hospital": {"beds": 560}, "run": {"days": 90.0, "declaration": ["Mon", "Tue"]}}
    marked = params.mark_edits(loaded, edited)
    assert marked["name"] == "baseline-edited"
    assert marked["description"] == ("Mid-sized trust. Edited in the web app: hospital.beds 600 -> 560; "
                                     "run.days 425 -> 90.")
    assert marked["hospital"] == {"beds": 560}
    assert params.mark_edits(marked, {**marked, "hospital": {"beds": 550}})["name"] == "baseline-edited"


def test_a_problem_says_where_on_the_page_its_setting_is():
    raw = config_to_dict(api.load(BASELINE))
    assert params.located("hospital.beds = -5: Input should be greater than 0", raw) == (
        "Hospital beds and emergency admissions: beds (hospital.beds = -5: Input should be greater than 0)")
    assert params.located("run: warmup_days (120.0) must be shorter than days (90.0)", raw).startswith(
        "How long and how often to run: warmup days (run: warmup_days")
    assert params.located("pools.home_care.places = -3: Input should be greater than 0", raw).startswith(
        "Places, row home_care: places (")
    assert params.located("name: something the page does not show", raw) == "name: something the page does not show"
