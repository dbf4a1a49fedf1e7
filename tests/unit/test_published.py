"""Published tables into targets: a trust's rows of made-up files in the real layouts give the
targets computed by hand; suppressed cells leave their measures out; calibrate reads the file."""

from __future__ import annotations

import math
import statistics

import pytest

from discharge_sim.api.published import targets_from_published
from discharge_sim.data.published import (
    DRD_BAND_MEASURES,
    DRD_BED_DAYS,
    PublishedError,
    Selection,
    published_targets,
)
from discharge_sim.experiments.calibration import load_targets
from tests.published_fixtures import MONTH_NAMES, write_drd, write_sitrep


@pytest.fixture(scope="module")
def baseline_metric_names():
    """The metric names calibrate checks targets against: a one-day run of the baseline, as calibrate probes."""
    from discharge_sim.analysis.metrics import replication_metrics
    from discharge_sim.config import RunSettings, load_config
    from discharge_sim.model.replication import run_replication
    from tests.helpers import BASELINE

    probe = load_config(BASELINE).model_copy(update={"run": RunSettings(days=1.0)})
    return list(replication_metrics(run_replication(probe, 0, 0)))


def _drd(folder, **kwargs):
    return [write_drd(folder, m, **kwargs) for m in MONTH_NAMES]


def _half(monthly):
    return 1.96 * statistics.stdev(monthly) / math.sqrt(len(monthly))


def test_a_trusts_months_give_the_targets_computed_by_hand(tmp_path):
    t = published_targets(_drd(tmp_path), Selection(trust="RXX"))
    # RXX (made up): discharges 1000 + 1100 + 900 = 3000; delayed 150 + 132 + 144 = 426;
    # bed days 600 + 500 + 550 = 1650; one-day delays 50 + 44 + 48 = 142.
    value, tol = t.values["delayed_discharge_share"]
    assert value == pytest.approx(426 / 3000)
    assert tol == pytest.approx(_half([150 / 1000, 132 / 1100, 144 / 900]))  # 0.0236, above the 0.01 floor
    assert t.values["mean_delay_days_of_delayed"] == pytest.approx((1650 / 426, 0.25))  # variation below the floor
    assert t.values["delay_band_1_share"][0] == pytest.approx(142 / 426)
    assert t.values["delay_band_21_plus_share"][0] == pytest.approx((7 + 6 + 6) / 426)
    assert t.months == ["2024-04", "2024-05", "2024-06"]
    other = published_targets(_drd(tmp_path), Selection(trust="RYY"))
    assert other.values["delayed_discharge_share"][0] == pytest.approx((100 + 100 + 100) / 1500)


def test_months_are_chosen_from_and_to(tmp_path):
    t = published_targets(_drd(tmp_path), Selection(trust="RXX", first="2024-05", last="2024-05"))
    assert t.months == ["2024-05"]
    assert t.values["delayed_discharge_share"] == pytest.approx((132 / 1100, 0.01))  # one month: the floor


def test_the_sitrep_gives_nctr_and_reason_shares(tmp_path):
    t = published_targets([write_sitrep(tmp_path)], Selection(trust="RXX"), reason_shares=True)
    assert t.values["nctr_patients_mean"] == pytest.approx(((40 + 42 + 44) / 3, 0.05 * 42))
    assert t.values["nctr_discharged_share"][0] == pytest.approx((20 + 24 + 14) / (60 + 66 + 58))
    # Counted reasons (medical decision is 'other', left out of the whole): A 6, E 12, C 8, G 4 of 30.
    assert t.values["dtoc_share_E"][0] == pytest.approx(12 / 30)
    assert t.values["dtoc_share_A"][0] == pytest.approx(6 / 30)
    assert "dtoc_share_other" not in t.values
    plain = published_targets([write_sitrep(tmp_path)], Selection(trust="RXX"))
    assert not any(k.startswith("dtoc_share") for k in plain.values)


def test_a_care_home_reason_leaves_residential_and_nursing_shares_out(tmp_path):
    reasons = {"Awaiting therapy decision to discharge": {"RXX": 6.0, "RYY": 1.0},
               "Awaiting transport": {"RXX": 2.0, "RYY": 1.0},
               "Pathway 3: awaiting availability of a bed in a residential or nursing home that is likely to be a "
               "permanent placement": {"RXX": 9.0, "RYY": 1.0}}
    t = published_targets([write_sitrep(tmp_path, reasons=reasons)], Selection(trust="RXX"), reason_shares=True)
    assert "dtoc_share_Di" not in t.values and "dtoc_share_Dii" not in t.values
    assert t.values["dtoc_share_A"][0] == pytest.approx(6 / 15)
    assert any(s.startswith("dtoc_share_Di:") for s in t.left_out)


def test_a_suppressed_cell_leaves_out_the_measures_built_from_it(tmp_path):
    files = [write_drd(tmp_path, "2024-04", overrides={("RXX", DRD_BED_DAYS): "*"}),
             write_drd(tmp_path, "2024-05")]
    t = published_targets(files, Selection(trust="RXX"))
    assert "mean_delay_days_of_delayed" not in t.values
    assert "delayed_discharge_share" in t.values and "delay_band_1_share" in t.values
    assert any("mean_delay_days_of_delayed: 2024-04 has a suppressed (*) cell" in s for s in t.left_out)


def test_a_count_under_five_is_suppressed(tmp_path):
    files = [write_drd(tmp_path, "2024-04", overrides={("RXX", DRD_BAND_MEASURES["14_20"]): "3"})]
    t = published_targets(files, Selection(trust="RXX"))
    assert not any(k.startswith("delay_band") for k in t.values)
    assert "delayed_discharge_share" not in t.values
    assert any("count under 5" in s for s in t.left_out)


def test_a_missing_day_leaves_the_nctr_mean_out(tmp_path):
    t = published_targets([write_sitrep(tmp_path, day_text={("RXX", 1, 2): "-"})], Selection(trust="RXX"))
    assert "nctr_patients_mean" not in t.values
    assert "nctr_discharged_share" in t.values


def test_a_council_alone_reads_its_aggregate_rows(tmp_path):
    t = published_targets([write_drd(tmp_path, "2024-04")], Selection(council="e06000099"))
    assert t.values["delayed_discharge_share"][0] == pytest.approx(100 / 700)


def test_the_written_file_is_read_by_calibrates_target_reader(tmp_path, baseline_metric_names):
    out = tmp_path / "targets.yaml"
    written = targets_from_published([*_drd(tmp_path), write_sitrep(tmp_path)], trust="RXX", out=out,
                                     reason_shares=True)
    targets = load_targets(out, baseline_metric_names)
    read = {t.metric: [t.value, t.tolerance] for t in targets}
    assert read.keys() == written.values.keys() and len(read) == 14
    for metric, (value, tolerance) in written.values.items():
        assert read[metric] == pytest.approx([value, tolerance], rel=1e-5)
    text = out.read_text()
    for words in ("Tolerance rule:", "rows 2-10", "Months: 2024-04 to 2024-06", "not used"):
        assert words in text
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_as_council_names_the_targets_as_a_councils_metrics(tmp_path):
    t = published_targets([write_drd(tmp_path, "2024-04"), write_sitrep(tmp_path)], Selection(trust="RXX"),
                          as_council="north")
    assert "council.north.delayed_discharge_share" in t.values
    assert "council.north.nctr_patients_mean" in t.values
    assert not any(k.startswith("nctr_discharged") or k.endswith("nctr_discharged_share") for k in t.values)


@pytest.mark.parametrize(("columns", "message"), [
    (["Data Type", "Code", "Measure", "Amount"], "not a table this reader knows"),
    (["Data Type", "Organisation Name", "Measure", "Value"], "no column 'Code'"),
])
def test_bad_layouts_are_named(tmp_path, columns, message):
    with pytest.raises(PublishedError, match=message):
        published_targets([write_drd(tmp_path, "2024-04", columns=columns)], Selection(trust="RXX"))


def test_a_bad_number_names_its_file_row_and_column(tmp_path):
    path = write_drd(tmp_path, "2024-04", overrides={("RYY", DRD_BED_DAYS): "lots"})
    with pytest.raises(PublishedError, match=r"April-2024\.csv, row 19, column 'Value': 'lots' is not a number"):
        published_targets([path], Selection(trust="RYY"))


def test_a_trust_not_in_the_file_is_named(tmp_path):
    with pytest.raises(PublishedError, match="trust 'RZZ' is not in the file"):
        published_targets([write_drd(tmp_path, "2024-04")], Selection(trust="RZZ"))
