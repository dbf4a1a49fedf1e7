"""Fitting a config to an extract: censoring needed on a short extract, stays by pathway found
where a config has them, and the round trip fit(synth(config)) giving back the config's settings
and, simulated, its delays and occupancy."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from scipy import stats

from discharge_sim.config import config_from_dict, load_config
from discharge_sim.config.loading import read_config
from discharge_sim.data.fitting import fit_extract
from discharge_sim.data.readers import extract_from_frame
from discharge_sim.data.reasons import dtoc_code_of
from discharge_sim.data.stays import fit_group_stays
from discharge_sim.data.synth import synthetic_extract
from discharge_sim.experiments.in_memory import run as run_in_memory
from discharge_sim.model.replication import run_replication
from tests.helpers import BASELINE, CONFIGS

DAY = 24.0
ROOMY = {"reablement": 700, "home_care": 920, "intermediate_care": 100, "residential_home": 930, "nursing_home": 640}
"""Places for a round trip: the baseline's pools with room (loads about 85%), so a year's waits
for a place are not one replication's chance queue (at the baseline's 92-97% the queues differ
several-fold between replications, and so would anything fitted to one year of them)."""


def _extract(config, replication=0):
    return extract_from_frame(synthetic_extract(config, replication=replication), "synthetic",
                              reason_code=dtoc_code_of).extract


def _baseline_raw(**run):
    raw = read_config(BASELINE)
    raw["run"].update(run)
    return raw


@pytest.mark.slow
def test_on_a_short_extract_stays_need_their_censored_patients():
    """45 days of admissions: many of the older patients' long stays are still going at the end.
    Fitted with them censored, the stay comes back; with them left out, it is measurably short."""
    raw = _baseline_raw(days=105, warmup_days=60)
    config = config_from_dict(raw)
    extract = _extract(config)
    older = extract.group == "older_medical"
    not_ready = older & np.isnan(extract.ready)
    assert not_ready.sum() > 150
    censored = fit_group_stays(extract, config, "older_medical").overall
    dropped = fit_group_stays(extract.subset(~not_ready), config, "older_medical").overall
    assert censored is not None and dropped is not None
    assert censored.best.mean == pytest.approx(10 * DAY, rel=0.06)
    assert dropped.best.mean < 0.85 * 10 * DAY


@pytest.mark.slow
def test_a_groups_stay_by_pathway_is_its_own_and_keeps_the_others_stays():
    raw = _baseline_raw(days=200, warmup_days=30)
    raw["groups"]["older_medical"]["length_of_stay_by_pathway"] = {
        3: {"distribution": "lognormal", "mean_days": 20, "sd_days": 10}}
    result = run_replication(config_from_dict(raw), seed=3)
    p = result.patients
    stay = (p["clinically_ready"] - p["admitted"]) / DAY
    older = p["group"] == 0
    on3 = older & (p["pathway"] == 3) & ~np.isnan(stay)
    others = older & (p["pathway"] != 3) & ~np.isnan(stay)
    assert on3.sum() > 60
    assert stay[on3].mean() == pytest.approx(20, rel=0.12)
    assert stay[others].mean() == pytest.approx(10, rel=0.05)
    # a group without stays by pathway draws exactly as before: the same arrivals (by id) have the
    # same stays, wherever both were admitted (longer stays elsewhere move who finds a bed when)
    plain = run_replication(config_from_dict(_baseline_raw(days=200, warmup_days=30)), seed=3).patients
    plain_stay = (plain["clinically_ready"] - plain["admitted"]) / DAY
    n = min(stay.size, plain_stay.size)
    surgical = (p["group"][:n] == 2) & ~np.isnan(stay[:n]) & ~np.isnan(plain_stay[:n])
    assert np.array_equal(p["id"][:n], plain["id"][:n]) and surgical.sum() > 3000
    np.testing.assert_allclose(stay[:n][surgical], plain_stay[:n][surgical], rtol=1e-12)


@pytest.mark.slow
def test_stays_by_pathway_are_fitted_where_the_data_have_them():
    raw = _baseline_raw()
    raw["groups"]["older_medical"]["length_of_stay_by_pathway"] = {
        3: {"distribution": "lognormal", "mean_days": 20, "sd_days": 10}}
    config = config_from_dict(raw)
    extract = _extract(config)
    older = fit_group_stays(extract, config, "older_medical")
    assert set(older.by_pathway) >= {3}
    assert older.by_pathway[3].best.mean == pytest.approx(20 * DAY, rel=0.12)
    assert older.by_pathway.get(1) is None or older.by_pathway[1].best.mean == pytest.approx(10 * DAY, rel=0.06)
    surgical = fit_group_stays(extract, config, "surgical")
    assert surgical.by_pathway == {}  # one stay for the group: per pathway would not fit better


@pytest.mark.slow
def test_fitting_a_synthetic_extract_gives_back_the_config():
    """fit(synth(config)) on a year of the baseline with roomy pools: arrival rates, mixes, stays and
    waits within stated bands; simulated, the fitted config's occupancy, delays and delay bands
    within the original's 99% prediction interval (where one more run of the original would fall)."""
    raw = read_config(BASELINE)
    for pool, places in ROOMY.items():
        raw["pools"][pool]["places"] = places
    config = config_from_dict(raw)
    fitted = fit_extract(_extract(config), copy.deepcopy(raw), config, "roomy baseline").config
    assert fitted.emergency.admissions_per_day == pytest.approx(64, rel=0.02)
    for profile, truth in ((fitted.emergency.hour_of_day_profile, config.emergency.hour_of_day_profile),
                           (fitted.emergency.day_of_week_profile, config.emergency.day_of_week_profile)):
        expected = np.array(truth) / np.mean(truth)
        np.testing.assert_allclose(profile, expected, atol=0.1)
    for name, group in config.groups.items():
        got = fitted.groups[name]
        assert got.emergency_share == pytest.approx(group.emergency_share, abs=0.01)
        for p, share in group.pathway_mix.items():
            assert got.pathway_mix[p] == pytest.approx(share, abs=0.015)
        assert got.length_of_stay.mean_in_hours == pytest.approx(group.length_of_stay.mean_in_hours, rel=0.04)
        assert got.length_of_stay.sd_in_hours == pytest.approx(group.length_of_stay.sd_in_hours, rel=0.1)
    assert fitted.pools["home_care"].funded_share == pytest.approx(0.75, abs=0.05)
    assert fitted.pools["nursing_home"].funded_share == pytest.approx(0.63, abs=0.1)
    for step in ("home_support", "intermediate_care_bed", "care_home"):
        truth, got = config.steps[step], fitted.steps[step]
        assert got.search.mean_in_hours == pytest.approx(truth.search.mean_in_hours, rel=0.2), step
        assert got.search_probability == pytest.approx(truth.search_probability, abs=0.1), step
    assert sum(fitted.elective.admissions_per_weekday.values()) == pytest.approx(
        sum(config.elective.admissions_per_weekday.values()), abs=3)

    metrics = ["mean_occupied_beds", "delayed_discharge_share", "mean_delay_days_of_delayed", "nctr_patients_mean",
               *(f"delay_band_{b}_share" for b in ("1", "2_3", "4_6", "7_13", "14_20", "21_plus"))]
    original = run_in_memory(config, replications=6)
    again = run_in_memory(fitted, replications=4)
    t = stats.t.ppf(0.995, 5)
    for metric in metrics:
        x = np.array([m[metric] for m in original.metrics])
        y = np.array([m[metric] for m in again.metrics])
        half = t * x.std(ddof=1) * np.sqrt(1 + 1 / x.size + 1 / y.size)
        assert abs(y.mean() - x.mean()) <= half, (metric, x.mean(), y.mean(), half)


@pytest.mark.slow
def test_home_councils_are_fitted_and_keep_their_own_services_only_where_the_base_has_them():
    two = CONFIGS / "two_councils.yaml"
    raw = read_config(two)
    raw["run"].update(days=240, warmup_days=60)
    config = config_from_dict(raw)
    extract = _extract(config)
    own = fit_extract(extract, copy.deepcopy(raw), config, "two councils", correct=False).config
    assert list(own.councils) == list(config.councils)
    for name, council in config.councils.items():
        for group, share in council.share_by_group.items():
            assert own.councils[name].share_by_group[group] == pytest.approx(share, abs=0.03), (name, group)
        assert own.councils[name].pools == council.pools and own.councils[name].staff == council.staff
    base = load_config(BASELINE)
    shared = fit_extract(extract, read_config(BASELINE), base, "baseline", correct=False)
    assert list(shared.config.councils) == list(config.councils)
    assert all(not c.pools and not c.staff for c in shared.config.councils.values())


HOSPITAL_P0 = "the hospital's discharge process: pathway 0, ready to leaving"
HOSPITAL_ASSESSMENTS = "the hospital's assessments: ready to referral sent"
COUNCIL_ASSESSMENTS = "the council's assessments: referral sent to assessment done"


@pytest.mark.slow
@pytest.mark.parametrize("slower, measured", [
    (("discharge_summary", "medicines", "transport"), HOSPITAL_P0),
    (("therapy_assessment",), HOSPITAL_ASSESSMENTS),
    (("social_work_assessment", "care_needs_review"), COUNCIL_ASSESSMENTS),
])
def test_each_sides_own_process_is_fitted_the_same_way(slower, measured):
    """An extract from a trust whose hospital (or council) process takes twice the base's work:
    fitted on the base, those steps come out about twice as long, and the other processes' not
    (the same rule for every side, each measured where only its own steps act)."""
    raw = _baseline_raw(days=160, warmup_days=60)
    truth = copy.deepcopy(raw)
    for name in slower:
        duration = truth["steps"][name]["duration"]
        duration.update({k: 2 * v for k, v in duration.items() if k != "distribution"})
    extract = _extract(config_from_dict(truth))
    fit = fit_extract(extract, copy.deepcopy(raw), config_from_dict(raw), "baseline")
    scales = {p.label: p.scale for p in fit.processes}
    assert set(scales) == {HOSPITAL_P0, HOSPITAL_ASSESSMENTS, COUNCIL_ASSESSMENTS}
    assert scales.pop(measured) == pytest.approx(2.0, rel=0.25), scales
    for label, scale in scales.items():
        assert scale == pytest.approx(1.0, rel=0.2), (label, scales)


@pytest.mark.slow
def test_an_extract_of_admissions_up_to_a_date_is_a_rate_over_those_days():
    """Admissions to a date, taken later with the discharges since: the rate is over the days of
    admissions, not up to the last discharge."""
    config = config_from_dict(_baseline_raw(days=180))
    frame = synthetic_extract(config)
    frame = frame[frame["admitted_at"] < "2024-06-01"]  # two months of admissions, discharges into the summer
    extract = extract_from_frame(frame, "to a date", reason_code=dtoc_code_of).extract
    assert extract.date_of(extract.end).month >= 7
    fit = fit_extract(extract, _baseline_raw(days=180), config, "baseline", correct=False)
    assert fit.config.emergency.admissions_per_day == pytest.approx(64, rel=0.05)


def test_a_report_shows_empirical_distributions_and_stays_by_pathway():
    """A fitted config may hold empirical distributions and stays by pathway: the report's
    parameter tables show them (an empirical one's mean and sd from its quantiles)."""
    from discharge_sim.config import config_to_dict
    from discharge_sim.present.report import parameter_tables

    raw = _baseline_raw()
    raw["groups"]["older_medical"]["length_of_stay_by_pathway"] = {
        3: {"distribution": "empirical", "quantiles_days": [0, 4, 8, 20]}}
    raw["steps"]["housing"]["duration"] = {"distribution": "empirical", "quantiles_days": [0, 10, 30]}
    text = repr(parameter_tables(config_to_dict(config_from_dict(raw))))
    assert "pathway 3: empirical (3 intervals, 0 to 20 days), mean 7.33 days" in text
    assert "empirical (2 intervals, 0 to 30 days), mean 12.5 days" in text


@pytest.mark.slow
def test_an_extract_of_dates_without_times_fits_the_stays_by_the_day():
    """NHS extracts often give dates only. Read as dates, a patient ready on their admission day is
    not 'ready before the admission', the stays come back (known to the day), and the hour-of-day
    profile is left alone."""
    config = config_from_dict(_baseline_raw(days=240))
    frame = synthetic_extract(config)
    for column in ("admitted_at", "arrived_at", "ready_at", "discharged_at", "referral_sent_at",
                   "assessment_done_at", "funding_agreed_at", "place_found_at"):
        frame[column] = frame[column].str.slice(0, 10)
    read = extract_from_frame(frame, "dates", reason_code=dtoc_code_of)
    assert not read.problems.rows
    assert {"admitted_at", "ready_at", "discharged_at"} <= read.extract.date_only
    fit = fit_extract(read.extract, _baseline_raw(days=240), config, "baseline", correct=False)
    for name, group in config.groups.items():
        got = fit.config.groups[name].length_of_stay.mean_in_hours
        assert got == pytest.approx(group.length_of_stay.mean_in_hours, rel=0.08), name
    assert any(item.key == "emergency.hour_of_day_profile" for item in fit.left)
