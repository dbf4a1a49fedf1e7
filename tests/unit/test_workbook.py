"""The spreadsheet form of a config: every shipped config survives a workbook round trip byte for
byte; an edited cell changes exactly its setting; headers carry units and allowed values; a bad
cell is named with its value and what is allowed."""

from __future__ import annotations

import openpyxl
import pytest
import yaml

from discharge_sim.api.templates import config_text, from_workbook, load, template
from discharge_sim.config import ConfigError, config_to_dict
from discharge_sim.data.layout import README, layout
from discharge_sim.data.workbook import config_workbook
from tests.helpers import BASELINE, CONFIGS, SHIPPED

pytestmark = pytest.mark.slow  # writing the baseline's workbook, its notes from the schema, takes seconds


@pytest.fixture(scope="module")
def baseline_book(tmp_path_factory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("book") / "baseline.xlsx"
    template(BASELINE, xlsx=path)
    return path


def _edited(source, tmp_path, edits: dict[tuple[str, str], object]):
    """A copy of the workbook at ``source`` with cells changed: {(sheet, cell): value}."""
    book = openpyxl.load_workbook(source)
    for (sheet, cell), value in edits.items():
        book[sheet][cell] = value
    path = tmp_path / "edited.xlsx"
    book.save(path)
    return path


def _column(sheet, key: str) -> str:
    """The letter of the column whose key (row 1) is ``key``."""
    for cell in sheet[1]:
        if cell.value == key:
            return cell.column_letter
    raise AssertionError(f"no column {key!r} on {sheet.title}")


def _row(sheet, name: str, column: str = "A") -> int:
    for cell in sheet[column]:
        if cell.value == name:
            return cell.row
    raise AssertionError(f"no row {name!r} on {sheet.title}")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.relative_to(CONFIGS).as_posix())
def test_every_shipped_config_survives_a_round_trip_byte_for_byte(path, tmp_path):
    config = load(path)
    book = tmp_path / "config.xlsx"
    template(path, xlsx=book)
    assert config_text(from_workbook(book)) == config_text(config)


def test_a_round_trip_through_the_yaml_written_gives_the_same_dump(baseline_book, tmp_path):
    back = from_workbook(baseline_book)
    out = tmp_path / "back.yaml"
    out.write_text(config_text(back))
    assert config_text(load(out)) == config_text(load(BASELINE))


def test_an_edited_cell_changes_exactly_that_setting(baseline_book, tmp_path):
    hospital = openpyxl.load_workbook(baseline_book)["hospital"]
    row = _row(hospital, "beds")
    assert hospital[f"B{row}"].value == 600
    edited = from_workbook(_edited(baseline_book, tmp_path, {("hospital", f"B{row}"): 650}))
    before, after = config_to_dict(load(BASELINE)), config_to_dict(edited)
    assert after["hospital"]["beds"] == 650
    after["hospital"]["beds"] = 600
    assert after == before


def test_numbers_typed_as_text_and_blank_rows_are_read(baseline_book, tmp_path):
    book = openpyxl.load_workbook(baseline_book)
    pools = book["pools"]
    row = _row(pools, "nursing_home")
    places = f"{_column(pools, 'places')}{row}"
    pools[places] = " 640 "
    pools.insert_rows(5, 3)  # blank rows among the entries
    book.save(tmp_path / "typed.xlsx")
    config = from_workbook(tmp_path / "typed.xlsx")
    assert config.pools["nursing_home"].places == 640
    assert list(config.pools) == list(load(BASELINE).pools)


def test_an_empty_optional_cell_takes_the_default(baseline_book, tmp_path):
    hospital = openpyxl.load_workbook(baseline_book)["hospital"]
    row = _row(hospital, "when_full")
    config = from_workbook(_edited(baseline_book, tmp_path, {("hospital", f"B{row}"): None}))
    assert config.hospital.when_full == "board"


def test_headers_carry_units_and_allowed_values(baseline_book):
    book = openpyxl.load_workbook(baseline_book)
    assert book.sheetnames[0] == README
    assert book.sheetnames[1:] == [s.name for s in layout()]
    pools = book["pools"]
    units = {cell.value: pools.cell(2, cell.column).value for cell in pools[1]}
    allowed = {cell.value: pools.cell(3, cell.column).value for cell in pools[1]}
    assert units["length_of_stay.mean_days"] == "days"
    assert units["weekly_cost_gbp"] == "£ a week"
    assert units["community_referrals_per_day"] == "per day"
    assert allowed["contract"].startswith("one of spot, block")
    assert allowed["funded_share"].startswith("a number from 0 to 1")
    assert allowed["places"].startswith("a whole number > 0")
    assert pools.freeze_panes == "B4"
    run = book["run"]
    assert [c.value for c in run[1]] == ["key", "value", "unit", "allowed", "description"]
    days = _row(run, "warmup_days")
    assert run[f"C{days}"].value == "days" and "from 0 to 36,500" in run[f"D{days}"].value
    steps = book["steps"]
    assert "one of delay, session, staffed, placement" in steps.cell(3, 2).value
    assert steps.cell(3, int(openpyxl.utils.column_index_from_string(_column(steps, "staff")))).value.startswith(
        "staffed steps only")


def _problem(path) -> str:
    with pytest.raises(ConfigError) as raised:
        from_workbook(path)
    return str(raised.value)


def test_text_in_a_number_column_is_named_by_its_cell(baseline_book, tmp_path):
    pools = openpyxl.load_workbook(baseline_book)["pools"]
    cell = f"{_column(pools, 'places')}{_row(pools, 'home_care')}"
    message = _problem(_edited(baseline_book, tmp_path, {("pools", cell): "lots"}))
    assert f"pools!{cell} = 'lots'" in message and "a whole number" in message


def test_a_pathway_that_does_not_exist_is_named_by_its_cell(baseline_book, tmp_path):
    message = _problem(_edited(baseline_book, tmp_path, {("pathways", "A4"): 7}))
    assert "pathways!A4 = 7" in message and "one of 0, 1, 2, 3" in message


def test_an_unknown_column_is_named(baseline_book, tmp_path):
    pools = openpyxl.load_workbook(baseline_book)["pools"]
    spare = openpyxl.utils.get_column_letter(pools.max_column + 1)
    message = _problem(_edited(baseline_book, tmp_path, {("pools", f"{spare}1"): "colour", ("pools", f"{spare}4"): 1}))
    assert f"pools!{spare}1 = 'colour': unknown column" in message


def test_a_config_rule_broken_by_a_cell_names_the_cell(baseline_book, tmp_path):
    groups = openpyxl.load_workbook(baseline_book)["groups"]
    cell = f"{_column(groups, 'pathway_mix')}4"
    message = _problem(_edited(baseline_book, tmp_path, {("groups", cell): "{0: 0.5, 7: 0.5}"}))
    assert "pathway 7 is not one of 0, 1, 2, 3" in message and f"[groups!{cell}]" in message


def test_a_config_written_is_the_config_as_check_prints_it(tmp_path):
    """The workbook is written from the config as resolved: an overlay with its base."""
    scenario = CONFIGS / "scenarios" / "winter_surge.yaml"
    book = config_workbook(load(scenario))
    assert "extends" not in [c.value for c in book["config"]["A"]]
    emergency = book["emergency"]
    surges = emergency[f"B{_row(emergency, 'surges')}"].value
    assert yaml.safe_load(surges) == config_to_dict(load(scenario))["emergency"]["surges"]
