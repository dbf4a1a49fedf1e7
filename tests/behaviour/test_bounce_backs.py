"""Referrals that come back for missing information (a step's ``bounce_back``): with a chance,
once the step's work is done it needs rework before it is finished, charged to the organisation
whose information was missing (``bounce:<step>``). The ledger still tiles every delay; a chance of
0 changes nothing; a higher chance never shortens delay in expectation; conventions and
counterfactuals treat the rework as an item of its own."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from discharge_sim.analysis.attribution import removal_variant, removals
from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.analysis.sides import resolve
from discharge_sim.analysis.statistics import paired_differences
from discharge_sim.config import ConfigError, config_from_dict, load_config
from discharge_sim.model.replication import run_replication
from discharge_sim.model.variant import Variant
from discharge_sim.vocabulary import OWNERS
from tests.helpers import BASELINE, assert_ledger_tiles
from tests.toys import delay, fixed, staffed, ward

BOUNCE = {"probability": 1.0, "rework": fixed(5.0), "owner": "hospital", "kind": "process", "dtoc_code": "other"}


def _ward(bounce: dict[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    """Pathway 1: a council review (2 h, round the clock) that may come back, then transport (1 h)."""
    review = delay("social_care", fixed(2.0), code="A")
    if bounce is not None:
        review["bounce_back"] = bounce
    steps = {"review": review, "transport": delay("hospital", fixed(1.0))}
    return ward(steps, {"review": [], "transport": ["review"]}, days=30, warmup=5, replications=1, seed=5, **more)


def test_the_rework_follows_the_work_and_is_charged_to_whose_information_was_missing() -> None:
    r = run_replication(config_from_dict(_ward(BOUNCE)), 0)
    assert_ledger_tiles(r, at_least=100)
    p, s = r.patients, r.segments
    left = ~np.isnan(p["departure"])
    np.testing.assert_allclose((p["departure"] - p["ready"])[left], 8.0, rtol=0, atol=1e-9)  # 2 + 5 + 1
    assert np.all(p["bounce_backs"][left] == 1)
    items = np.asarray(r.item_names, dtype=object)[s["item"]]
    rework = items == "bounce:review"
    np.testing.assert_allclose((s["end"] - s["start"])[rework & (s["end"] < r.horizon_hours)], 5.0, atol=1e-9)
    assert set(np.asarray(OWNERS)[s["owner"][rework]]) == {"hospital"}
    assert set(np.asarray(OWNERS)[s["owner"][items == "step:review"]]) == {"social_care"}
    # Work, rework, then transport, in time order for each patient.
    first = s["patient"] == s["patient"][0]
    assert list(items[first]) == ["step:review", "bounce:review", "step:transport"]
    m = replication_metrics(r)
    assert m["delayed_bed_days_item_bounce_review"] > 0 and m["bounce_backs"] > 0


def test_rework_progresses_in_its_own_hours() -> None:
    weekdays = [{"days": ["mon", "tue", "wed", "thu", "fri"], "start_hour": 9, "end_hour": 17}]
    r = run_replication(config_from_dict(_ward({**BOUNCE, "schedule": "office"},
                                               schedules={"always": [{"days": ["mon", "tue", "wed", "thu", "fri",
                                                                               "sat", "sun"],
                                                                      "start_hour": 0, "end_hour": 24}],
                                                          "office": weekdays})), 0)
    s = r.segments
    items = np.asarray(r.item_names, dtype=object)[s["item"]]
    done = (items == "bounce:review") & (s["end"] < r.horizon_hours)
    hour = s["end"][done] % 24
    day = (s["end"][done] // 24) % 7
    assert done.sum() > 50 and np.all((hour > 9 - 1e-9) & (hour <= 17 + 1e-9)) and np.all(day < 5)


def test_a_chance_of_zero_or_no_bounce_backs_changes_nothing() -> None:
    plain = run_replication(config_from_dict(_ward()), 0)
    never = run_replication(config_from_dict(_ward({**BOUNCE, "probability": 0.0})), 0)
    removed = run_replication(config_from_dict(_ward(BOUNCE)), 0, variant=Variant(no_bounce_backs=frozenset({"review"})))
    for r in (never, removed):
        for key in plain.patients:
            np.testing.assert_array_equal(plain.patients[key], r.patients[key])
        assert np.all(r.patients["bounce_backs"] == 0)


@pytest.mark.slow
def test_a_higher_chance_never_shortens_delay_in_expectation() -> None:
    """The baseline with the council's care-needs review coming back for missing hospital
    information at 0%, 20% and 50% (a day's rework): under common random numbers the delayed
    bed-days rise at each step, by more than their 95% interval's half-width."""
    def at(probability: float) -> list[dict[str, float]]:
        config = load_config(BASELINE, {"run.days": 120, "run.warmup_days": 30, "steps.care_needs_review.bounce_back": {
            "probability": probability, "rework": {"distribution": "lognormal", "mean_hours": 24, "sd_hours": 12},
            "owner": "hospital", "kind": "process", "dtoc_code": "other"}})
        return [replication_metrics(run_replication(config, k)) for k in range(4)]

    none, some, more = at(0.0), at(0.2), at(0.5)
    for low, high in ((none, some), (some, more)):
        d = paired_differences(low, high)
        assert d["delayed_bed_days"]["ci_low"] > 0, d["delayed_bed_days"]
        assert d["bounce_backs"]["mean"] > 0


def test_conventions_and_counterfactuals_treat_the_rework_as_its_own_item() -> None:
    raw = _ward({**BOUNCE, "owner": "hospital"})
    config = config_from_dict(raw)
    symmetric = resolve(config, "symmetric")
    assert symmetric.sides["bounce:review"] == "hospital" and symmetric.sides["step:review"] == "social_care"
    assert removal_variant(symmetric, frozenset({"hospital"})).no_bounce_backs == frozenset({"review"})
    assert removal_variant(symmetric, frozenset({"social_care"})).no_bounce_backs == frozenset()
    assert [x.label for x in removals(config) if x.what == "bounce"] == ["bounce:review"]
    raw["attribution"] = {"conventions": ["shared"],
                          "custom": {"shared": {"base": "symmetric", "bounce_backs": {"review": "social_care"}}}}
    assert resolve(config_from_dict(raw), "shared").sides["bounce:review"] == "social_care"
    raw["attribution"]["custom"]["shared"]["bounce_backs"] = {"transport": "hospital"}
    with pytest.raises(ConfigError, match="step 'transport' has no bounce_back; steps with one: review"):
        config_from_dict(raw)


def test_a_bounce_back_must_say_whose_information_was_missing() -> None:
    bounce = {k: v for k, v in BOUNCE.items() if k != "owner"}
    with pytest.raises(ConfigError, match=r"steps\.review\.bounce_back\.owner"):
        config_from_dict(_ward(bounce))
    with pytest.raises(ConfigError, match=r"bounce_back\.schedule: unknown schedule 'night'"):
        config_from_dict(_ward({**BOUNCE, "schedule": "night"}))


def test_staff_are_free_during_the_rework() -> None:
    """A staffed assessment that comes back: the worker is free once the assessment's own work is
    done (the rework is the referrer's), so one worker keeps up with what one worker can do."""
    steps = {"review": {**staffed("social_care", "one", fixed(2.0), code="A"), "bounce_back": {**BOUNCE,
                                                                                            "rework": fixed(30.0)}}}
    r = run_replication(config_from_dict(ward(steps, {"review": []}, days=20, warmup=2, admissions=8, replications=1,
                                              staff={"one": {"owner": "social_care", "count": 1,
                                                             "schedule": "always"}})), 0)
    s = r.segments
    items = np.asarray(r.item_names, dtype=object)[s["item"]]
    # 8 a day x 2 hours = 16 of 24 hours busy: the queue for the worker stays short, although every
    # patient then waits 30 hours of rework (were the worker held, the queue would grow without end).
    queue = (items == "staff:one")
    assert (s["end"] - s["start"])[queue].mean() < 12.0
