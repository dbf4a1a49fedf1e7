"""A social-care market that responds (pools.<name>.market), hospital priority for places
(pools.<name>.hospital_priority) and self-funders (a step's self_funders_skip, a placement step's
self_funder_search).

A search in a market is its configured draw times the market's factor: exactly, where the factor
is fixed (a fee against the market rate); a higher fee never lengthens searches and a busier pool
never shortens them. Hospital requests queue ahead of community ones. Self-funders never wait for
a panel or draw on a council budget, and look for a provider with their own search."""

from __future__ import annotations

import math

import numpy as np
import pytest
import simpy

from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.config import ConfigError, config_from_dict, load_config
from discharge_sim.model.placements import PlacementPool
from discharge_sim.model.replication import run_replication
from discharge_sim.model.streams import Streams
from discharge_sim.vocabulary import KINDS
from tests.helpers import BASELINE
from tests.toys import ward

SEARCH_DAYS = 4.0


def _ward(market: dict | None = None, funded_share: float = 1.0, places: int = 5000, **extra: object) -> dict:
    """Pathway 3 patients: a weekly funding panel (skipped by self-funders), then a care home found
    after a fixed 4-day search."""
    pool = {"owner": "social_care", "dtoc_code": "Dii", "places": places, "initial_residents": 0,
            "length_of_stay": {"distribution": "fixed", "mean_days": 30}, "weekly_cost_gbp": 800,
            "funded_share": funded_share}
    if market is not None:
        pool["market"] = market
    steps = {
        "panel": {"type": "session", "owner": "social_care", "kind": "process", "dtoc_code": "B",
                  "self_funders_skip": True, "sessions": {"days": ["tue"], "hours": [14]}},
        "care_home": {"type": "placement", "owner": "social_care", "kind": "process", "dtoc_code": "Dii",
                      "pools": {"home": 1.0}, "search": {"distribution": "exponential", "mean_days": SEARCH_DAYS}},
    }
    return ward(steps, {"panel": [], "care_home": ["panel"]}, pathway_number=3, name="market_toy", days=150,
                warmup=10, beds=300, admissions=8, stay={"distribution": "exponential", "mean_days": 3},
                replications=1, seed=4, pools={"home": pool}, **extra)


def _searches(r) -> np.ndarray:
    """Each patient's wait for the care home (search and queue), by patient; NaN if none, or if
    still waiting at the horizon."""
    s = r.segments
    out = np.full(r.patients["id"].size, np.nan)
    mine = (s["step"] == r.step_names.index("care_home")) & (s["kind"] == KINDS.index("capacity"))
    out[s["patient"][mine]] = (s["end"] - s["start"])[mine]
    out[np.isnan(r.patients["departure"])] = np.nan  # cut at the horizon: not a whole wait
    return out


def test_a_fee_against_the_market_rate_scales_every_search_exactly():
    """Ample places, so the wait is the search alone: at a fee 20% above the market rate with fee
    elasticity 1, each search is 1/1.2 of the same patient's search at the market rate."""
    at_rate = {"reference_occupancy": 0.5, "market_rate_gbp": 800, "fee_elasticity": 1.0}
    above = {**at_rate, "market_rate_gbp": 800 / 1.2}
    base = _searches(run_replication(config_from_dict(_ward(at_rate)), 0))
    high = _searches(run_replication(config_from_dict(_ward(above)), 0))
    both = ~np.isnan(base) & ~np.isnan(high)
    assert both.sum() > 500
    np.testing.assert_allclose(high[both], base[both] / 1.2, rtol=1e-9)


def test_a_market_at_its_reference_state_is_the_configured_search():
    plain = _searches(run_replication(config_from_dict(_ward()), 0))
    neutral = _searches(run_replication(config_from_dict(_ward({"reference_occupancy": 0.5})), 0))
    # The same, but for rounding: the search is asked for from another moment, t + (at - t).
    np.testing.assert_allclose(plain, neutral, rtol=1e-12)


def test_in_a_market_that_responds_more_places_never_raise_waits():
    """A pool that fills, with searches lengthening as it does: more places shorten the care-home
    waits, paired under common random numbers."""
    tight = {"reference_occupancy": 0.5, "occupancy_elasticity": 1.0}
    fewer = _searches(run_replication(config_from_dict(_ward(tight, places=230)), 0))
    more = _searches(run_replication(config_from_dict(_ward(tight, places=260)), 0))
    both = ~np.isnan(fewer) & ~np.isnan(more)
    assert both.sum() > 300
    assert np.mean(more[both]) < np.mean(fewer[both])


@pytest.mark.parametrize(("occupancy", "expected"), [(0.5, 1.0), (0.75, 2.0), (0.95, 10.0), (1.0, 10.0)])
def test_the_market_factor_follows_its_formula(occupancy, expected):
    raw = _ward({"reference_occupancy": 0.5, "occupancy_elasticity": 1.0}, places=100)
    config = config_from_dict(raw)
    env = simpy.Environment()
    pool = PlacementPool(env, "home", config.pools["home"], Streams(1, 0))
    for _ in range(round(occupancy * 100)):
        assert pool.resource.try_take()
    assert pool.market_factor() == pytest.approx(min(expected, 10.0))


def test_hospital_requests_go_ahead_of_community_referrals():
    config = load_config(BASELINE, {"pools.nursing_home.hospital_priority": True})
    env = simpy.Environment()
    pool = PlacementPool(env, "nursing_home", config.pools["nursing_home"], Streams(1, 0))
    while pool.resource.try_take():
        pass
    community = [pool.resource.request() for _ in range(3)]
    for request in community:
        request.community = True
    hospital = pool.resource.request()
    pool.before_community(hospital)
    assert pool.resource.put_queue[0] is hospital
    assert pool.resource.put_queue[1:] == community


def test_priority_shortens_the_hospitals_waits_for_places():
    """A pool short of places with community demand: hospital patients wait less with priority."""
    def wait(priority: bool) -> float:
        raw = _ward(places=60)
        raw["pools"]["home"].update({"community_referrals_per_day": 1.5, "hospital_priority": priority})
        return float(np.nanmean(_searches(run_replication(config_from_dict(raw), 0))))

    assert wait(True) < wait(False)


def test_self_funders_never_wait_for_the_panel_nor_draw_on_the_budget():
    budget = {"finance": {"acute_bed_day_cost_gbp": 395, "council_budget": {"annual_gbp": 1e8, "pools": ["home"]}}}
    selfpay = run_replication(config_from_dict(_ward(funded_share=0.0, **budget)), 0)
    council = run_replication(config_from_dict(_ward(funded_share=1.0, **budget)), 0)
    def panel_rows(r) -> np.ndarray:
        return r.segments["step"] == r.step_names.index("panel")

    assert not panel_rows(selfpay).any() and panel_rows(council).sum() > 500
    assert selfpay.budget_approvals.shape[0] == 0 and council.budget_approvals.shape[0] > 500


def test_self_funders_look_for_a_provider_with_their_own_search():
    raw = _ward(funded_share=0.0)
    raw["steps"]["care_home"]["self_funder_search"] = {"distribution": "fixed", "mean_days": 1}
    waits = _searches(run_replication(config_from_dict(raw), 0))
    assert np.allclose(waits[~np.isnan(waits)], 24.0)


def test_a_fee_elasticity_without_a_market_rate_is_refused():
    with pytest.raises(ConfigError, match="fee_elasticity needs market_rate_gbp"):
        config_from_dict(_ward({"reference_occupancy": 0.5, "fee_elasticity": 1.0}))


def test_with_the_market_off_nothing_changes():
    """Hospital priority false and no market: the baseline's own draws (every golden file is
    byte for byte the same; here one number for a quick signal)."""
    plain = run_replication(load_config(BASELINE, {"run.days": 40, "run.warmup_days": 10}), 0)
    off = run_replication(load_config(BASELINE, {"run.days": 40, "run.warmup_days": 10,
                                                 "pools.nursing_home.hospital_priority": False}), 0)
    assert math.fsum(plain.segments["end"] - plain.segments["start"]) == \
        math.fsum(off.segments["end"] - off.segments["start"])


def _exit(day: float = 60, places: int = 40) -> dict:
    raw = _ward(places=260)
    raw["pools"]["home"]["initial_residents"] = 240
    raw["pools"]["home"]["exits"] = [{"day": day, "places": places, "reason": "a home closes"}]
    return raw


def test_a_provider_exit_takes_its_places_and_re_places_its_residents_first():
    r = run_replication(config_from_dict(_exit()), 0)
    daily = r.pools_daily
    after = daily["day"] >= 60  # the exit comes before that midnight's count
    assert np.all(daily["home_in_use"][after] <= 220)
    queued = daily["home_queue"] > 0
    capacity = np.where(after, 220, 260)
    assert np.all(daily["home_in_use"][queued] == capacity[queued])  # nobody queues while a place is free
    m = replication_metrics(r)
    assert m["displaced_residents"] > 0 and m["replacement_wait_days"] > 0


def test_a_provider_exit_never_shortens_waits():
    plain = _searches(run_replication(config_from_dict(_exit(places=1)), 0))
    closed = _searches(run_replication(config_from_dict(_exit(places=40)), 0))
    both = ~np.isnan(plain) & ~np.isnan(closed)
    assert both.sum() > 500
    assert np.mean(closed[both]) > np.mean(plain[both])


def test_exits_that_take_every_place_are_refused():
    raw = _exit(places=260)
    with pytest.raises(ConfigError, match="exits take 260 places of 260; at least one must remain"):
        config_from_dict(raw)


def test_a_placement_is_not_skipped_for_self_funders():
    raw = _ward(funded_share=0.0)
    raw["steps"]["care_home"]["self_funders_skip"] = True
    with pytest.raises(ConfigError, match="a placement is not skipped for self-funders"):
        config_from_dict(raw)


def test_a_funded_placement_the_patient_does_not_need_does_not_bring_back_the_panel():
    raw = _ward(funded_share=0.0)
    raw["pools"]["funded"] = {**raw["pools"]["home"], "funded_share": 1.0}
    raw["steps"]["extra"] = {"type": "placement", "owner": "social_care", "kind": "process", "dtoc_code": "E",
                             "probability": 0.0, "pools": {"funded": 1.0}}
    raw["pathways"][3]["extra"] = []
    r = run_replication(config_from_dict(raw), 0)
    assert not (r.segments["step"] == r.step_names.index("panel")).any()


def test_a_block_contract_stops_paying_for_the_places_a_provider_takes_away():
    raw = _exit(day=60, places=40)
    raw["pools"]["home"].update({"contract": "block", "weekly_cost_gbp": 700, "payer": "council"})
    raw["finance"] = {"acute_bed_day_cost_gbp": 395}
    spend = replication_metrics(run_replication(config_from_dict(raw), 0))["placement_spend_council_gbp"]
    hours = (150 - 10) * 24.0
    assert spend == pytest.approx((260 * hours - 40 * (150 - 60) * 24.0) * 700 / 168)


def test_residents_still_waiting_at_the_horizon_count_their_wait_to_it():
    """A home closes one day before the horizon, with no place free anywhere: nobody is re-placed,
    and each displaced resident has waited exactly one day."""
    raw = _exit(day=149, places=40)
    raw["pools"]["home"].update({"initial_residents": 260,
                                 "length_of_stay": {"distribution": "fixed", "mean_days": 10_000}})
    m = replication_metrics(run_replication(config_from_dict(raw), 0))
    assert m["displaced_residents"] > 0
    assert m["replacement_wait_days"] == pytest.approx(m["displaced_residents"] * 1.0)


def test_only_residents_living_in_their_places_can_be_displaced():
    import numpy as _np

    from discharge_sim.model.resources import CountingResource, ReleaseSchedule

    env = simpy.Environment()
    schedule = ReleaseSchedule(env, CountingResource(env, 5))
    schedule.after(10.0, True, resident_from=0.0)
    schedule.after(20.0, True, resident_from=5.0)  # moves in later: a patient still in hospital
    schedule.after(30.0, True, resident_from=math.inf)  # a place given back unused
    voided = schedule.withdraw(_np.random.default_rng(0), 3)
    assert voided == [(10.0, True)]
