"""Needs that grow while waiting (config ``deconditioning``): with a daily hazard h and no capacity
limits, the share escalated during a known wait is 1 - exp(-h x wait); an escalation restarts the
new pathway's steps; the ledger charges the time after it to the escalation's own cause, declared
in the config; and the counterfactual that stops escalations is an item like any other."""

from __future__ import annotations

import math

import numpy as np
import pytest

from discharge_sim.analysis.attribution import removal_variant, removals
from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.analysis.sides import resolve, used_items
from discharge_sim.config import ConfigError, config_from_dict
from discharge_sim.model.replication import ESCALATION_STEP, run_replication
from discharge_sim.model.variant import Variant
from discharge_sim.vocabulary import DTOC_CODES, KINDS, OWNERS
from tests.helpers import assert_ledger_tiles
from tests.toys import ward

WAIT_DAYS = 5.0
SECOND_DAYS = 3.0
DECONDITIONING = {"owner": "social_care", "kind": "capacity", "dtoc_code": "E"}


def _ward(hazard: float, **extra: object) -> dict:
    """Pathway 1 waits a fixed 5 days (social care, no capacity limit); pathway 2 a fixed 3 days."""
    def step(days: float) -> dict:
        return {"type": "delay", "owner": "social_care", "kind": "capacity", "dtoc_code": "E",
                "duration": {"distribution": "fixed", "mean_days": days}}

    raw = ward({"home_care": step(WAIT_DAYS), "rehab_bed": step(SECOND_DAYS)}, {"home_care": []},
               name="deconditioning_toy", days=400, warmup=20, beds=400, admissions=12,
               stay={"distribution": "fixed", "mean_days": 3}, replications=1, seed=5,
               deconditioning={"daily_hazard_by_pathway": {1: hazard}, **DECONDITIONING}, **extra)
    raw["pathways"][2] = {"rehab_bed": []}
    return raw


@pytest.fixture(scope="module", params=[0.02, 0.1])
def escalating(request):
    hazard = request.param
    return hazard, run_replication(config_from_dict(_ward(hazard)), 0)


def test_the_share_escalated_is_one_minus_exp_of_hazard_times_wait(escalating):
    hazard, r = escalating
    p = r.patients
    over = ~np.isnan(p["departure"])
    n, hits = int(over.sum()), int((p["final_pathway"][over] == 2).sum())
    share = hits / n
    half = 4 * math.sqrt(share * (1 - share) / n)
    assert n > 3000
    assert abs(share - (1 - math.exp(-hazard * WAIT_DAYS))) <= half, (hits, n)
    assert np.array_equal(~np.isnan(p["escalated_at"][over]), p["final_pathway"][over] == 2)


def test_an_escalation_restarts_the_new_pathway_and_the_ledger_charges_it_to_its_own_cause(escalating):
    _, r = escalating
    p = r.patients
    over = ~np.isnan(p["departure"])
    up = over & ~np.isnan(p["escalated_at"])
    # The new pathway's 3 days start at the escalation; the escalation falls within the first wait.
    assert np.allclose(p["departure"][up] - p["escalated_at"][up], SECOND_DAYS * 24)
    assert np.all(p["escalated_at"][up] - p["ready"][up] < WAIT_DAYS * 24)
    assert np.allclose(p["departure"][over & ~up] - p["ready"][over & ~up], WAIT_DAYS * 24)
    assert_ledger_tiles(r, at_least=1000)
    s = r.segments
    ours = s["step"] == r.step_names.index(ESCALATION_STEP)
    assert set(s["patient"][ours].tolist()) == set(np.flatnonzero(~np.isnan(p["escalated_at"])).tolist())
    assert np.array_equal(s["start"][ours], p["escalated_at"][s["patient"][ours]])
    assert np.all(s["owner"][ours] == OWNERS.index("social_care"))
    assert np.all(s["kind"][ours] == KINDS.index("capacity"))
    assert np.all(s["dtoc"][ours] == DTOC_CODES.index("E"))
    m = replication_metrics(r)
    assert m["escalations"] > 0
    assert m[f"delayed_bed_days_step_{ESCALATION_STEP}"] > 0


def test_with_deaths_too_every_delay_still_tiles():
    raw = _ward(0.1, deaths={"daily_hazard_by_pathway": {1: 0.05, 2: 0.05}})
    r = run_replication(config_from_dict(raw), 0)
    p = r.patients
    assert p["died"].sum() > 50 and (p["final_pathway"] == 2).sum() > 100
    assert (p["died"] & (p["final_pathway"] == 2)).sum() > 0
    assert_ledger_tiles(r, at_least=1000)


def test_stopping_escalations_is_an_item_of_the_declared_owner():
    config = config_from_dict(_ward(0.1))
    assert "escalation:deconditioning" in used_items(config)
    convention = resolve(config, "symmetric")
    assert convention.sides["escalation:deconditioning"] == "social_care"
    assert removal_variant(convention, frozenset({"social_care"})).no_deconditioning
    (item,) = [x for x in removals(config) if x.what == "escalation"]
    r = run_replication(config, 0, variant=item.variant)
    assert np.all(np.isnan(r.patients["escalated_at"]))
    assert item.variant == Variant(no_deconditioning=True)


def test_a_custom_convention_can_move_the_escalation_to_another_side():
    raw = _ward(0.1, attribution={"custom": {"mine": {"deconditioning": "hospital"}}})
    assert resolve(config_from_dict(raw), "mine").sides["escalation:deconditioning"] == "hospital"


@pytest.mark.parametrize(("change", "message"), [
    (lambda raw: raw["deconditioning"].pop("owner"), r"deconditioning.owner"),
    (lambda raw: raw["deconditioning"]["daily_hazard_by_pathway"].update({3: 0.1}), r"pathway 3 cannot escalate"),
    (lambda raw: raw["deconditioning"]["daily_hazard_by_pathway"].update({2: 0.1}),
     r"pathway 2 escalates to pathway 3, which has no entry under pathways"),
])
def test_bad_deconditioning_settings_are_refused_by_name(change, message):
    raw = _ward(0.1)
    change(raw)
    with pytest.raises(ConfigError, match=message):
        config_from_dict(raw)


def test_after_an_escalation_the_hazard_of_death_is_the_new_pathways():
    """Deaths only on pathway 2, whose wait is 3 days: about 1 - exp(-0.5 x 3) of those escalated
    die, and none before escalating."""
    raw = _ward(1.0, deaths={"daily_hazard_by_pathway": {2: 0.5}})
    r = run_replication(config_from_dict(raw), 0)
    p = r.patients
    up = ~np.isnan(p["escalated_at"]) & ~np.isnan(p["departure"])
    died = p["died"]
    assert not (died & np.isnan(p["escalated_at"])).any()  # no death on pathway 1 (hazard 0)
    assert np.all(p["departure"][died] > p["escalated_at"][died])
    share = died[up].mean()
    expected = 1 - math.exp(-0.5 * SECOND_DAYS)
    assert abs(share - expected) <= 4 * math.sqrt(expected * (1 - expected) / up.sum()), (share, expected)


def test_two_escalations_and_a_higher_hazard_of_death_after_them_run_and_tile():
    raw = _ward(1.0, deaths={"daily_hazard_by_pathway": {1: 0.05, 2: 0.5, 3: 0.1}})
    raw["steps"]["care_home"] = {"type": "delay", "owner": "social_care", "kind": "capacity", "dtoc_code": "Dii",
                                 "duration": {"distribution": "fixed", "mean_days": 4}}
    raw["pathways"][3] = {"care_home": []}
    raw["deconditioning"]["daily_hazard_by_pathway"] = {1: 1.0, 2: 1.0}
    r = run_replication(config_from_dict(raw), 0)
    assert (r.patients["final_pathway"] == 3).sum() > 100
    assert_ledger_tiles(r, at_least=1000)


def test_escalations_draw_nothing_that_patients_who_never_escalate_use():
    """With no shared resources, a patient admitted on pathway 2 (which never escalates) leaves at
    the same time whether or not others' needs grow: escalations have streams of their own."""
    raw = _ward(0.2)
    raw["groups"]["all"]["pathway_mix"] = {1: 0.5, 2: 0.5}
    config = config_from_dict(raw)
    on = run_replication(config, 0).patients
    off = run_replication(config, 0, variant=Variant(no_deconditioning=True)).patients
    assert (on["final_pathway"] != on["pathway"]).sum() > 100
    two = on["pathway"] == 2
    np.testing.assert_array_equal(on["departure"][two], off["departure"][two])


def test_a_step_may_not_take_a_name_the_ledger_uses():
    raw = _ward(0.1)
    raw["steps"]["deconditioning"] = raw["steps"].pop("rehab_bed")
    raw["pathways"][2] = {"deconditioning": []}
    with pytest.raises(ConfigError, match=r"steps.deconditioning: the name is the ledger's own"):
        config_from_dict(raw)
