"""Several councils per trust (config ``councils``): patients' home councils, each council's own
staff, pools, step settings and funded shares, and every delay reported under the patient's
council as well as for the trust.

Councils that differ only in name change nothing (their residents draw from the same streams in
admission order); one council is today's model; identical councils split every metric evenly;
a council's own settings reach its residents and nobody else's."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from discharge_sim.analysis.capacity import hospital_referrals_per_day, pool_loads
from discharge_sim.analysis.councils import council_dtoc_table, council_table
from discharge_sim.analysis.metrics import council_metric, council_view, is_council_metric, replication_metrics
from discharge_sim.analysis.statistics import paired_differences, summarise
from discharge_sim.analysis.tables import dtoc_table, patient_table
from discharge_sim.config import ConfigError, config_from_dict, config_to_dict, load_config
from discharge_sim.model.replication import run_replication
from tests.helpers import BASELINE, CONFIGS, short_baseline
from tests.toys import exponential, fixed, placement, pool, session, staffed, ward

GROUPS = ("older_medical", "general_medical", "surgical")


def _split(config: Any, councils: dict[str, Any]) -> Any:
    raw = config_to_dict(config)
    raw["councils"] = councils
    return config_from_dict(raw)


def _even(**more: Any) -> dict[str, Any]:
    return {"share_by_group": dict.fromkeys(GROUPS, 0.5), **more}


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


@pytest.fixture(scope="module")
def baseline_and_two() -> tuple[dict[str, float], Any]:
    base = short_baseline(days=120, warmup=30)
    two = _split(base, {"north": _even(), "south": _even()})
    return replication_metrics(run_replication(base, 0)), run_replication(two, 0)


def test_councils_that_differ_only_in_name_change_nothing(baseline_and_two: Any) -> None:
    base, r = baseline_and_two
    two = replication_metrics(r)
    assert [k for k in base if not _same(base[k], two[k])] == []
    counts = np.bincount(r.patients["council"], minlength=2)
    assert counts.sum() == r.patients["id"].size and min(counts) > 0.45 * counts.sum()


def test_the_councils_add_up_to_the_trust(baseline_and_two: Any) -> None:
    _base, r = baseline_and_two
    m = replication_metrics(r)
    north, south = council_view(m, "north"), council_view(m, "south")
    money = {"council_spend_gbp", "placement_spend_gbp", "staff_cost_gbp"}  # from the pools, not the records
    assert set(north) == set(south) == {k for k in m if is_council_metric(k)} | money
    assert "delayed_bed_days_social_care_capacity" in north and "delayed_bed_days_after_ready_day_hospital_process" in north
    for key in ("admissions", "discharges", "delayed_discharges", "dtoc_delayed_days", "dtoc_days_social_care"):
        assert north[key] + south[key] == m[key], key  # counts: exact
    for key in [k for k in north if k.startswith("delayed_bed_days")]:
        assert north[key] + south[key] == pytest.approx(m[key], rel=1e-9, abs=1e-9), key


def test_one_council_is_todays_model() -> None:
    base = short_baseline(days=90, warmup=20)
    one = _split(base, {"only": {"share_by_group": dict.fromkeys(GROUPS, 1.0)}})
    a, b = replication_metrics(run_replication(base, 1)), replication_metrics(run_replication(one, 1))
    assert [k for k in a if not _same(a[k], b[k])] == []
    mine = council_view(b, "only")
    names = {"placement_spend_gbp": "placement_spend_council_gbp", "staff_cost_gbp": "staff_cost_council_gbp"}
    assert mine and all(_same(v, a[names.get(k, k)]) or v == pytest.approx(a[names.get(k, k)], rel=1e-12)
                        for k, v in mine.items())


def _two_teams(panel_days_b: list[str] | None = None, **council_b: Any) -> dict[str, Any]:
    """Pathway 3: an assessment by the council's social workers, its funding panel, then a care home
    in a shared market. Council a's residents are two in five."""
    steps = {
        "assessment": staffed("social_care", "workers", exponential(3.0), code="A"),
        "panel": session("social_care", [14.0], code="B", days=["tue"], self_funders_skip=True),
        "care_home": placement("social_care", {"homes": 1.0}, "Di", search=fixed(24.0)),
    }
    b: dict[str, Any] = {"share_by_group": {"all": 0.6}, "staff": {"workers": "b_workers"}, **council_b}
    if panel_days_b is not None:
        b["steps"] = {"panel": {"sessions": {"days": panel_days_b, "hours": [14.0]}}}
    return ward(steps, {"assessment": [], "panel": ["assessment"], "care_home": ["panel"]}, pathway_number=3,
                days=80, warmup=10, replications=1, seed=11, admissions=6,
                staff={"workers": {"owner": "social_care", "count": 2, "schedule": "always"},
                       "b_workers": {"owner": "social_care", "count": 2, "schedule": "always"}},
                pools={"homes": pool("social_care", "Di", 5000, stay_days=20), "b_homes": pool("social_care", "Di", 5000)},
                councils={"a": {"share_by_group": {"all": 0.4}}, "b": b})


def test_a_councils_own_team_and_pool_serve_only_its_residents() -> None:
    r = run_replication(config_from_dict(_two_teams(pools={"homes": "b_homes"})), 0)
    council = r.patients["council"][np.searchsorted(r.patients["id"], r.segments["patient"])]
    items = np.asarray(r.item_names, dtype=object)[r.segments["item"]]
    for c, theirs, others in ((0, {"staff:workers", "pool:homes"}, {"staff:b_workers", "pool:b_homes"}),
                              (1, {"staff:b_workers", "pool:b_homes"}, {"staff:workers", "pool:homes"})):
        seen = set(items[council == c])
        assert theirs & seen, c  # each council's residents did queue for their own team and place
        assert not (others & seen), c


def test_a_councils_own_panel_changes_only_its_residents_delays() -> None:
    """Council b's panel sits every day instead of Tuesdays: its residents wait less for it, and
    council a's residents' records are the same to the hour (the panel holds no shared resource,
    and beds are ample)."""
    weekly = run_replication(config_from_dict(_two_teams()), 0)
    daily = run_replication(config_from_dict(_two_teams(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])), 0)
    w, d = replication_metrics(weekly), replication_metrics(daily)
    assert d[council_metric("b", "delayed_bed_days_step_panel")] < 0.5 * w[council_metric("b", "delayed_bed_days_step_panel")]
    a = weekly.patients["council"] == 0
    assert np.array_equal(weekly.patients["departure"][a], daily.patients["departure"][a], equal_nan=True)
    assert w[council_metric("a", "delayed_bed_days")] == d[council_metric("a", "delayed_bed_days")]


@pytest.mark.parametrize("change", [
    {"assessment": {"duration": {"distribution": "exponential", "mean_hours": 9.0}}},
    {"care_home": {"search": {"distribution": "fixed", "mean_hours": 60.0}}},
    {"care_home": {"search": {"distribution": "fixed", "mean_hours": 60.0}, "self_funder_search": {
        "distribution": "fixed", "mean_hours": 5.0}}},
])
def test_a_councils_own_durations_leave_the_other_councils_draws_alone(change: dict[str, Any]) -> None:
    """Council b's own assessment duration or care-home search (its own streams): council a's
    residents still take the config's draws in the same order, so their records are the same to
    the hour (their team and the shared market are not b's bottleneck)."""
    raw = _two_teams()
    raw["steps"]["care_home"]["search"] = exponential(24.0)  # drawn from a stream (a fixed time takes no draw)
    raw["steps"]["care_home"]["self_funder_search"] = exponential(12.0)
    raw["pools"]["homes"]["funded_share"] = 0.5
    plain = run_replication(config_from_dict(raw), 0)
    raw["councils"]["b"]["steps"] = change
    after = run_replication(config_from_dict(raw), 0)
    a = plain.patients["council"] == 0
    assert np.array_equal(plain.patients["departure"][a], after.patients["departure"][a], equal_nan=True)
    b = plain.patients["council"] == 1
    assert not np.array_equal(plain.patients["departure"][b], after.patients["departure"][b], equal_nan=True)


def test_a_benchmark_holds_each_council_to_its_own_quantile() -> None:
    """The county's own assessment duration is capped at its own quarter-quantile, not the city's."""
    from discharge_sim.analysis.attribution import benchmark_scenario
    from discharge_sim.analysis.sides import resolve
    from discharge_sim.model.distributions import Shape

    raw = config_to_dict(load_config(CONFIGS / "two_councils.yaml"))
    raw["councils"]["county"]["steps"]["social_work_assessment"] = {
        "duration": {"distribution": "lognormal", "mean_hours": 12.0, "sd_hours": 6.0}}
    raw["councils"]["county"]["steps"]["home_support"]["search"] = {
        "distribution": "lognormal", "mean_days": 12.0, "sd_days": 6.0}
    config = config_from_dict(raw)
    _benchmarked, variant = benchmark_scenario(config, resolve(config, "symmetric"), frozenset({"social_care"}))
    own = Shape.of(config.council_steps("county")["social_work_assessment"].duration).quantile(0.25)  # type: ignore[union-attr]
    base = Shape.of(config.steps["social_work_assessment"].duration).quantile(0.25)  # type: ignore[union-attr]
    assert variant.duration_cap("social_work_assessment@county") == pytest.approx(own)
    assert variant.duration_cap("social_work_assessment") == pytest.approx(base) and own > 3 * base
    county_search = Shape.of(config.council_steps("county")["home_support"].search).quantile(0.25)  # type: ignore[union-attr]
    assert variant.search_cap("home_support@county") == {"county_home_care": pytest.approx(county_search),
                                                         "reablement": pytest.approx(county_search)}


def test_a_councils_funded_share_makes_its_residents_self_funders() -> None:
    """Council b funds none of its residents' care-home places: they skip its panel (self_funders_skip)
    and their places are paid for by themselves; council a's residents still go to panel."""
    r = run_replication(config_from_dict(_two_teams(funded_share={"homes": 0.0})), 0)
    m = replication_metrics(r)
    assert m[council_metric("b", "delayed_bed_days_step_panel")] == 0.0
    assert m[council_metric("a", "delayed_bed_days_step_panel")] > 0.0
    assert m[council_metric("b", "delayed_bed_days_step_care_home")] > 0.0


def test_identical_councils_split_every_metric_evenly() -> None:
    """Two councils with the same share, each with its own team of the same size: the difference
    between their residents' metrics is zero within its 95% interval, replication by replication."""
    raw = _two_teams(pools={"homes": "b_homes"})
    raw["pools"]["b_homes"] = raw["pools"]["homes"]
    raw["councils"]["a"]["share_by_group"] = raw["councils"]["b"]["share_by_group"] = {"all": 0.5}
    raw["run"].update(days=60, replications=8)
    config = config_from_dict(raw)
    rows = [replication_metrics(run_replication(config, k)) for k in range(8)]
    diff = paired_differences([council_view(m, "a") for m in rows], [council_view(m, "b") for m in rows])
    for key in ("admissions", "discharges", "delayed_bed_days", "delayed_bed_days_social_care",
                "dtoc_delayed_days", "delayed_discharge_share", "mean_delay_days_of_delayed"):
        assert diff[key]["ci_low"] <= 0.0 <= diff[key]["ci_high"], (key, diff[key])


def test_readmissions_keep_their_home_council() -> None:
    raw = _two_teams()
    raw["readmissions"] = {"probability_by_pathway": {3: 0.5}, "within_days": 20,
                           "days_to_return": {"distribution": "exponential", "mean_days": 4}}
    r = run_replication(config_from_dict(raw), 0)
    p = r.patients
    back = p["readmission_of"] >= 0
    assert back.sum() > 20
    first = np.searchsorted(p["id"], p["readmission_of"][back])
    assert np.array_equal(p["council"][back], p["council"][first])
    table = patient_table(r)
    assert set(table["council"]) == {"a", "b"}


def test_the_two_council_config_has_its_councils_loads_and_team_codes() -> None:
    """configs/two_councils.yaml: the county's residents' home support goes to the county's market,
    so the two home-care markets' hospital referrals add up to the baseline's one; the county's team
    is coded as the assessments it does (A), not as hospital-internal."""
    base, two = load_config(BASELINE), load_config(CONFIGS / "two_councils.yaml")
    a, b = hospital_referrals_per_day(base), hospital_referrals_per_day(two)
    assert b["home_care"] + b["county_home_care"] == pytest.approx(a["home_care"], rel=1e-12)
    assert b["county_home_care"] > 0 and b["reablement"] == pytest.approx(a["reablement"], rel=1e-12)
    assert two.staff_cause("county_social_workers") == ("A", "social_care")
    loads = pool_loads(two)
    assert 0.85 < loads["county_home_care"].utilisation < 1.0


@pytest.mark.parametrize(("councils", "words"), [
    ({"a": {"share_by_group": {"all": 0.5}}}, "shares of group 'all' must sum to 1"),
    ({"a": {"share_by_group": {"nobody": 1.0, "all": 1.0}}}, "councils.a.share_by_group: unknown group 'nobody'"),
    ({"a": {"share_by_group": {"all": 1.0}, "staff": {"workers": "ghosts"}}}, "councils.a.staff: unknown staff team 'ghosts'"),
    ({"a": {"share_by_group": {"all": 1.0}, "pools": {"homes": "homes"}}}, "replaced by itself"),
    ({"a": {"share_by_group": {"all": 1.0}, "steps": {"assessment": {"sessions": {"days": ["mon"], "hours": [9]}}}}},
     "councils.a.steps.assessment.sessions: a staffed step has no sessions"),
    ({"a": {"share_by_group": {"all": 1.0}, "steps": {"panel": {"probability": None}}}}, "give a value"),
    ({"a": {"share_by_group": {"all": 1.0}, "steps": {"ghost": {"probability": 0.5}}}}, "unknown step 'ghost'"),
    ({"a": {"share_by_group": {"all": 1.0}, "funded_share": {"b_homes": 0.5}}},
     "pool 'b_homes' does not serve this council's residents"),
    ({"a": {"share_by_group": {"all": 1.0}, "funded_share": {"castle": 0.5}}}, "funded_share: unknown pool 'castle'"),
    ({"a.b": {"share_by_group": {"all": 1.0}}}, "'a.b' is not a council name"),
    ({"": {"share_by_group": {"all": 1.0}}}, "'' is not a council name"),
    ({"a": {"share_by_group": {"all": 1.0}, "steps": {"assessment": {"search_probability": 0.5}}}},
     "a staffed step has no search_probability"),
])
def test_a_wrong_council_is_named_with_what_is_allowed(councils: dict[str, Any], words: str) -> None:
    raw = _two_teams()
    raw["councils"] = councils
    with pytest.raises(ConfigError, match=words.replace("(", r"\(").replace(")", r"\)")):
        config_from_dict(raw)


def test_council_tables_add_up_to_the_trusts(baseline_and_two: Any) -> None:
    _base, r = baseline_and_two
    m = replication_metrics(r)
    summary = summarise([m, m])
    table = council_table(["north", "south"], summary)
    assert list(table["council"]) == ["north", "south"]
    assert table["delayed_bed_days"].sum() == pytest.approx(m["delayed_bed_days"], rel=1e-9)
    assert table["admissions"].sum() == m["admissions"]
    by_council = council_dtoc_table(["north", "south"], summary, 90.0)
    trust = dtoc_table(summary, 90.0)
    rows = len(trust["reason"])
    for column in ("nhs_days_per_month", "social_care_days_per_month", "total_days_per_month"):
        both = by_council[column][:rows] + by_council[column][rows:]
        assert np.allclose(both, trust[column], equal_nan=True), column


@pytest.mark.slow
def test_a_run_writes_each_councils_figures_and_reports_them(tmp_path: Any) -> None:
    """api.run of configs/two_councils.yaml: councils.csv (a row per council) and dtoc_by_council.csv
    add up to the trust's figures; summary.json answers for each council under every convention;
    the report has the table by council and the patients' table names their council."""
    from discharge_sim import api
    from discharge_sim.io.folders import read_json
    from tests.helpers import rows

    results = api.run(CONFIGS / "two_councils.yaml", days=40, warmup_days=10, replications=2, seed=5, workers=1,
                      plots=False, detail_format="csv", out=tmp_path / "run")
    councils = rows(results.out / "councils.csv")
    assert [r["council"] for r in councils] == ["city", "county"]
    s = results.summary
    assert sum(float(r["admissions"]) for r in councils) == pytest.approx(s["admissions"]["mean"], rel=1e-12)
    assert sum(float(r["delayed_bed_days"]) for r in councils) == pytest.approx(s["delayed_bed_days"]["mean"], rel=1e-9)
    dtoc = rows(results.out / "dtoc_by_council.csv")
    trust = {r["reason"]: float(r["total_days_per_month"]) for r in rows(results.out / "dtoc.csv")}
    for reason, value in trust.items():
        parts = [float(r["total_days_per_month"]) for r in dtoc if r["reason"] == reason]
        assert len(parts) == 2 and sum(parts) == pytest.approx(value, rel=1e-9, abs=1e-9), reason
    answer = read_json(results.out / "summary.json")["answer"]
    by_council = answer["by_council"]
    assert list(by_council) == ["city", "county"]
    for convention in range(3):
        trust_total = answer["conventions"][convention]["measures"]["delayed_bed_days"]["total"]["mean"]
        parts = [by_council[c][convention]["measures"]["delayed_bed_days"]["total"]["mean"] for c in by_council]
        assert sum(parts) == pytest.approx(trust_total, rel=1e-9)
    patients = rows(results.out / "patients.csv")
    assert {p["council"] for p in patients} == {"city", "county"}
    md, _html = api.report(results.out)
    text = md.read_text()
    assert "By home council" in text and "| county |" in text
    from discharge_sim.present.report import COUNCIL_MONEY_REPORT, COUNCIL_REPORT
    from tests.cli.test_report import Page

    pack = api.pack(results.out)
    page = Page()
    page.feed(pack.html.read_text())
    formats = {metric: fmt for metric, _, fmt in (*COUNCIL_REPORT, *COUNCIL_MONEY_REPORT)}
    shown = [(a, t) for a, t in page.cells if a.get("data-source") == "councils.csv"]
    assert {a["data-scenario"] for a, _ in shown} == {"city", "county"} and len(shown) > 20
    by_council = {r["council"]: r for r in councils}
    for attrs, cell in shown:  # the pack's table by council reconciles with councils.csv
        assert cell == formats[attrs["data-metric"]](float(by_council[attrs["data-scenario"]][attrs["data-metric"]]))


def _two_councils(**changes: Any) -> Any:
    raw = config_to_dict(load_config(CONFIGS / "two_councils.yaml", {"run.days": 120, "run.warmup_days": 30}))
    for key, value in changes.items():
        node = raw
        *path, last = key.split(".")
        for part in path:
            node = node.setdefault(part, {})
        node[last] = value
    return config_from_dict(raw)


def test_each_councils_spend_adds_up_to_the_councils_and_its_markets_are_its_own() -> None:
    config = _two_councils()
    assert config.community_shares("county_home_care") == [0.0, 1.0]
    assert config.community_shares("home_care") == [1.0, 0.0]  # only the city's residents use it now
    shares = config.community_shares("nursing_home")
    assert shares == pytest.approx(config.admission_shares()) and 0.5 < shares[0] < 0.7
    m = replication_metrics(run_replication(config, 0))
    for key, total in (("council_spend_gbp", "council_spend_gbp"), ("placement_spend_gbp", "placement_spend_council_gbp"),
                       ("staff_cost_gbp", "staff_cost_council_gbp")):
        parts = sum(m[council_metric(c, key)] for c in ("city", "county"))
        assert parts == pytest.approx(m[total], rel=1e-9), key
    # Each council pays its own team: the county's three workers are its own.
    hours = config.staff["county_social_workers"]
    assert m[council_metric("county", "staff_cost_gbp")] > 0 and hours.count == 3


def test_each_council_has_its_own_budget_and_year_end_position() -> None:
    """The county's budget is a tenth of its demand and it rations with a stricter panel; the city's
    is ample. Only the county overcommits, its residents wait longer for the panel, and each
    council's position and reserves balance; the trust-level council figures add them up."""
    rationing = {"panel_step": "funding_panel", "panel_factor": 0.3}
    config = _two_councils(**{
        "finance.council_budget": None,
        "finance.year_end.council_budget_gbp": None,
        "councils.city.budget": {"annual_gbp": 60_000_000, "pools": ["home_care", "residential_home", "nursing_home"],
                                 "when_spent": "overspend"},
        "councils.county.budget": {"annual_gbp": 1_500_000, "pools": ["county_home_care", "residential_home",
                                                                        "nursing_home"],
                                   "when_spent": "overspend", "rationing": rationing},
        "councils.city.year_end": {"budget_gbp": 40e6, "reserves_gbp": 1e6},
        "councils.county.year_end": {"budget_gbp": 20e6, "reserves_gbp": 0.5e6}})
    m = replication_metrics(run_replication(config, 0))
    assert m[council_metric("county", "budget_overcommitted_gbp")] > 0
    assert m[council_metric("city", "budget_overcommitted_gbp")] == 0
    assert m["budget_committed_gbp"] == pytest.approx(sum(m[council_metric(c, "budget_committed_gbp")]
                                                          for c in ("city", "county")), rel=1e-12)
    waits = {c: m[council_metric(c, "delayed_bed_days_step_funding_panel")] / m[council_metric(c, "admissions")]
             for c in ("city", "county")}
    assert waits["county"] > 1.5 * waits["city"], waits
    for c, reserves in (("city", 1e6), ("county", 0.5e6)):
        position = m[council_metric(c, "council_position_gbp")]
        assert position == pytest.approx(m[council_metric(c, "council_year_budget_gbp")]
                                         - m[council_metric(c, "council_spend_gbp")], rel=1e-12)
        used = m[council_metric(c, "council_reserves_used_gbp")]
        assert used + m[council_metric(c, "council_unfunded_overspend_gbp")] == pytest.approx(max(0.0, -position))
        assert used + m[council_metric(c, "council_reserves_left_gbp")] == pytest.approx(reserves)
    for k in ("council_position_gbp", "council_reserves_used_gbp", "council_year_budget_gbp"):
        assert m[k] == pytest.approx(sum(m[council_metric(c, k)] for c in ("city", "county")), rel=1e-12)


@pytest.mark.parametrize(("changes", "words"), [
    ({"councils.city.budget": {"annual_gbp": 1e6, "pools": ["home_care"]}},
     "councils.county.budget: every council has its own budget, or none does"),
    ({"councils.city.budget": {"annual_gbp": 1e6, "pools": ["home_care"]},
      "councils.county.budget": {"annual_gbp": 1e6, "pools": ["county_home_care"]}},
     "finance.council_budget: each council has its own budget"),
    ({"councils.city.year_end": {"budget_gbp": 1e6}, "councils.county.year_end": {"budget_gbp": 1e6}},
     "finance.year_end.council_budget_gbp: each council gives its own"),
    ({"councils.city.community_share": {"nursing_home": 0.7}}, "community shares of pool 'nursing_home' must sum to 1"),
    ({"finance.council_budget": None,
      "councils.city.budget": {"annual_gbp": 1e6, "pools": ["home_care"], "when_spent": "overspend"},
      "councils.county.budget": {"annual_gbp": 1e6, "pools": ["home_care"], "when_spent": "overspend"}},
     "councils.county.budget.pools: pool 'home_care' takes none of this council's residents"),
])
def test_a_wrong_council_money_setting_is_named(changes: dict[str, Any], words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        _two_councils(**changes)


def test_a_pooled_funds_council_part_is_shared_among_the_councils() -> None:
    """With a pooled fund the councils' part of its spend is theirs even when none of their residents'
    places is council-funded (every funded share 0): shared by their shares of admissions."""
    config = _two_councils(**{"finance.council_budget": None,
                              "finance.pooled_budget": {"nhs_share": 0.5},
                              "councils.city.funded_share": {p: 0.0 for p in ("home_care", "residential_home",
                                                                              "nursing_home", "reablement")},
                              "councils.county.funded_share": {p: 0.0 for p in ("county_home_care",
                                                                                "residential_home", "nursing_home",
                                                                                "reablement")},
                              **{f"pools.{p}.funded_share": 0.0 for p in ("home_care", "county_home_care",
                                                                         "residential_home", "nursing_home",
                                                                         "reablement")}})
    m = replication_metrics(run_replication(config, 0))
    assert m["placement_spend_council_gbp"] > 0  # half of the NHS's intermediate-care beds
    parts = [m[council_metric(c, "placement_spend_gbp")] for c in ("city", "county")]
    assert sum(parts) == pytest.approx(m["placement_spend_council_gbp"], rel=1e-9)
    assert parts[0] / sum(parts) == pytest.approx(config.admission_shares()[0], rel=1e-9)


def test_a_council_can_share_assessments_and_information_better_than_another() -> None:
    """Council b's social workers read the hospital's assessment and its referrals come back less
    often for missing information: its residents save assessment hours and have fewer bounce-backs;
    council a's residents' records are the same to the hour as when b does nothing different."""
    raw = _two_teams()
    raw["steps"]["assessment"]["assessment"] = {"by": "social_worker", "repeated_share": 0.5}
    raw["steps"]["first_look"] = {"type": "delay", "owner": "hospital", "kind": "process", "dtoc_code": "other",
                                  "duration": fixed(1.0), "assessment": {"by": "ward_therapists"}}
    raw["pathways"][3] = {"first_look": [], "assessment": ["first_look"], "panel": ["assessment"],
                          "care_home": ["panel"]}
    raw["steps"]["panel"]["bounce_back"] = {"probability": 0.5, "rework": exponential(24.0), "owner": "hospital",
                                            "kind": "process", "dtoc_code": "other"}
    plain = run_replication(config_from_dict(raw), 0)
    raw["councils"]["b"]["steps"] = {"assessment": {"assessment_shared": True},
                                     "panel": {"bounce_probability": 0.1}}
    sharing = run_replication(config_from_dict(raw), 0)
    m, p = replication_metrics(sharing), sharing.patients
    a, b = p["council"] == 0, p["council"] == 1
    assert m[council_metric("b", "shared_assessment_hours_saved")] > 0
    assert m[council_metric("a", "shared_assessment_hours_saved")] == 0
    assert (m[council_metric("b", "bounce_backs_per_patient")]
            < 0.5 * m[council_metric("a", "bounce_backs_per_patient")])
    assert np.array_equal(plain.patients["departure"][a], p["departure"][a], equal_nan=True)
    assert not np.array_equal(plain.patients["departure"][b], p["departure"][b], equal_nan=True)


@pytest.mark.parametrize(("steps", "words"), [
    ({"panel": {"assessment_shared": True}}, "councils.b.steps.panel.assessment_shared: the step has no assessment"),
    ({"assessment": {"bounce_probability": 0.2}},
     "councils.b.steps.assessment.bounce_probability: the step has no bounce_back"),
])
def test_a_councils_sharing_needs_the_steps_own_setting(steps: dict[str, Any], words: str) -> None:
    raw = _two_teams()
    raw["councils"]["b"]["steps"] = steps
    with pytest.raises(ConfigError, match=words):
        config_from_dict(raw)
