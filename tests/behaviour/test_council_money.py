"""Council money as it works (finance.council_budget's when_spent: overspend and rationing), the
Better Care Fund as a pooled budget with a cap and a risk share (finance.pooled_budget), and each
organisation's year-end position (finance.year_end).

Money adds up: every pound of placement spend has exactly one payer, and positions, reserves and
deficits balance. An overspending council never makes anyone wait for its budget; each rationing
response does what it says, and nothing else."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.analysis.statistics import paired_differences
from discharge_sim.config import ConfigError, config_from_dict, config_to_dict, load_config
from discharge_sim.model.replication import run_replication
from discharge_sim.vocabulary import HOURS_PER_WEEK
from tests.helpers import BASELINE
from tests.toys import fixed, placement, pool, session, ward

SHORT = {"run.days": 200, "run.warmup_days": 30}
RATIONING = {"panel_step": "funding_panel", "panel_factor": 0.5, "package_factor": 0.8, "fee_factor": 0.9}


def _baseline(**finance: Any) -> Any:
    """The baseline, shortened, with a council budget a third of the baseline's (spent by summer)."""
    overrides = {**SHORT, "finance.council_budget.annual_gbp": 12_000_000,
                 **{f"finance.{k}": v for k, v in finance.items()}}
    return load_config(BASELINE, overrides)


@pytest.fixture(scope="module")
def overspending() -> tuple[Any, list[dict[str, float]]]:
    config = _baseline(**{"council_budget.when_spent": "overspend",
                          "year_end": {"council_budget_gbp": 60e6, "council_reserves_gbp": 2e6, "nhs_budget_gbp": 9e6,
                                       "nhs_deficit_brought_forward_gbp": 1.5e6}})
    return config, [replication_metrics(run_replication(config, k)) for k in range(2)]


def test_an_overspending_council_never_makes_anyone_wait_and_keeps_approving(overspending: Any) -> None:
    _config, rows = overspending
    for m in rows:
        assert m["delayed_bed_days_step_council_budget"] == 0.0 and m["budget_refusals"] == 0.0
        assert m["budget_spent_days"] > 0 and m["budget_overcommitted_gbp"] > 0 and m["budget_rationed_approvals"] > 0
        # The commitments past the budget are the year's committed total less the budget (pro rata).
        assert m["budget_overcommitted_gbp"] <= m["budget_committed_gbp"]


def test_year_end_positions_and_reserves_balance(overspending: Any) -> None:
    config, rows = overspending
    years = (config.horizon_hours - config.warmup_hours) / (365 * 24)
    for m in rows:
        assert m["council_year_budget_gbp"] == pytest.approx(60e6 * years, rel=1e-12)
        assert m["council_position_gbp"] == pytest.approx(m["council_year_budget_gbp"] - m["council_spend_gbp"], rel=1e-12)
        overspend = max(0.0, -m["council_position_gbp"])
        assert m["council_overspend_gbp"] == pytest.approx(overspend, abs=1e-6)
        assert m["council_reserves_used_gbp"] + m["council_unfunded_overspend_gbp"] == pytest.approx(overspend, abs=1e-6)
        assert m["council_reserves_used_gbp"] + m["council_reserves_left_gbp"] == pytest.approx(2e6, rel=1e-12)
        assert 0.0 <= m["council_reserves_used_gbp"] <= 2e6
        assert m["nhs_position_gbp"] == pytest.approx(9e6 * years - m["nhs_spend_gbp"], rel=1e-12)
        assert m["nhs_deficit_carried_forward_gbp"] == pytest.approx(1.5e6 - m["nhs_position_gbp"], rel=1e-12)
    # This council overspends its budget by more than its reserves: the rest is unfunded.
    assert any(m["council_unfunded_overspend_gbp"] > 0 for m in rows)


@pytest.mark.slow
def test_every_pound_of_placement_spend_has_one_payer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Spot places: hours held x hourly fee, split between the payer (at the share it pays) and the
    person; block places: every place. With a pooled fund and a cap, the NHS and the council pay
    the fund's spend between them, within the cap by contribution and past it by the risk share."""
    from discharge_sim.model.placements import PlacementPool

    captured: dict[str, Any] = {}
    original = PlacementPool.__init__

    def keep(self: PlacementPool, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        captured[self.name] = self

    monkeypatch.setattr(PlacementPool, "__init__", keep)
    config = _baseline(**{"council_budget.when_spent": "overspend", "council_budget.rationing": RATIONING})
    r = run_replication(config, 0)
    monkeypatch.undo()
    lo, hi = config.warmup_hours, config.horizon_hours
    total = 0.0
    for name, p in captured.items():
        cfg = config.pools[name]
        hourly = cfg.weekly_cost_gbp / HOURS_PER_WEEK
        if cfg.contract == "block":
            total += cfg.places * (hi - lo) * hourly
        else:
            total += (p.funded_hours + p.self_funded_hours) * hourly
    paid = sum(r.money[f"placement_spend_{payer}_gbp"] for payer in ("council", "nhs", "self"))
    assert paid == pytest.approx(total, rel=1e-12)

    raw = config_to_dict(load_config(BASELINE, SHORT))
    raw["finance"]["council_budget"] = None
    raw["finance"]["pooled_budget"] = {"nhs_share": 0.4, "cap_gbp": 30e6, "overspend_nhs_share": 0.7}
    pooled_config = config_from_dict(raw)
    m = replication_metrics(run_replication(pooled_config, 0))
    fund, cap = m["placement_spend_pooled_gbp"], 30e6 * (hi - lo) / (365 * 24)
    assert m["pooled_cap_gbp"] == pytest.approx(cap, rel=1e-12)
    assert m["pooled_overspend_gbp"] == pytest.approx(max(0.0, fund - cap), rel=1e-12, abs=1e-6)
    assert m["placement_spend_nhs_gbp"] == pytest.approx(min(fund, cap) * 0.4 + m["pooled_overspend_gbp"] * 0.7,
                                                         rel=1e-12)
    assert m["placement_spend_nhs_gbp"] + m["placement_spend_council_gbp"] == pytest.approx(fund, rel=1e-12)
    assert m["pooled_overspend_nhs_gbp"] + m["pooled_overspend_council_gbp"] == pytest.approx(
        m["pooled_overspend_gbp"], rel=1e-12, abs=1e-6)


def _rows(config: Any, n: int = 4) -> list[dict[str, float]]:
    return [replication_metrics(run_replication(config, k)) for k in range(n)]


@pytest.mark.slow
def test_each_rationing_response_does_what_it_says() -> None:
    """Under common random numbers, against overspending without rationing: a stricter panel makes
    patients wait longer for it; smaller packages and a fee freeze cut the council's spend and
    leave the panel's waits alone."""
    plain = _rows(_baseline(**{"council_budget.when_spent": "overspend"}))
    stricter = _rows(_baseline(**{"council_budget.when_spent": "overspend", "council_budget.rationing": {
        "panel_step": "funding_panel", "panel_factor": 0.5}}))
    cheaper = _rows(_baseline(**{"council_budget.when_spent": "overspend", "council_budget.rationing": {
        "package_factor": 0.8, "fee_factor": 0.9}}))
    d = paired_differences(plain, stricter)["delayed_bed_days_step_funding_panel"]
    assert d["ci_low"] > 0, d
    d = paired_differences(plain, cheaper)
    assert d["placement_spend_council_gbp"]["ci_high"] < 0, d["placement_spend_council_gbp"]
    assert d["delayed_bed_days_step_funding_panel"]["mean"] == 0.0


def _market_ward(fee_factor: float) -> dict[str, Any]:
    """Pathway 3: a weekly panel, then a care home in a market that answers to fees (elasticity 2),
    under a budget spent on the first day and a fee freeze of ``fee_factor``."""
    homes = pool("social_care", "Dii", 5000, stay_days=30, weekly_cost_gbp=800, initial_residents=0,
                 market={"reference_occupancy": 0.5, "market_rate_gbp": 800, "fee_elasticity": 2.0})
    homes.pop("initial_occupancy")
    steps = {"panel": session("social_care", [14.0], code="B", days=["tue"]),
             "home": placement("social_care", {"homes": 1.0}, "Dii", search=fixed(96.0))}
    return ward(steps, {"panel": [], "home": ["panel"]}, pathway_number=3, days=60, warmup=5, replications=1,
                seed=9, pools={"homes": homes},
                finance={"acute_bed_day_cost_gbp": 395, "council_budget": {
                    "annual_gbp": 1.0, "pools": ["homes"], "when_spent": "overspend",
                    **({"rationing": {"fee_factor": fee_factor}} if fee_factor < 1.0 else {})}})


def test_a_fee_freeze_lengthens_searches_in_a_market_that_answers_to_fees() -> None:
    """With the budget overcommitted from the first placement, every search after it is offered a fee
    0.9 of the pool's: with fee elasticity 2 it takes 0.9^-2 times as long (the occupancy term is
    the same in both runs, as the first search starts in the same state)."""
    def waits(fee: float) -> np.ndarray:
        r = run_replication(config_from_dict(_market_ward(fee)), 0)
        s = r.segments
        items = np.asarray(r.item_names, dtype=object)[s["item"]]
        waited = items == "pool:homes"
        return (s["end"] - s["start"])[waited]

    plain, frozen = waits(1.0), waits(0.9)
    assert plain.size > 50 and plain.size == frozen.size
    assert np.all(frozen[1:] >= plain[1:] - 1e-9) and frozen[1:].mean() > 1.15 * plain[1:].mean()


@pytest.mark.parametrize(("budget", "words"), [
    ({"when_spent": "wait", "rationing": {"fee_factor": 0.9}}, "rationing applies while the council overspends"),
    ({"when_spent": "overspend", "rationing": {"panel_factor": 0.5}}, "panel_factor needs panel_step"),
    ({"when_spent": "overspend", "rationing": {"panel_step": "medicines", "panel_factor": 0.5}},
     "'medicines' is not a session step; session steps: funding_panel"),
    ({"when_spent": "overspend", "rationing": {"package_factor": 0}}, "package_factor"),
    ({"when_spent": "overspend", "rationing": {"panel_step": "funding_panel"}}, "rationing would change nothing"),
])
def test_a_wrong_rationing_is_named(budget: dict[str, Any], words: str) -> None:
    raw = config_to_dict(load_config(BASELINE))
    raw["finance"]["council_budget"].update(budget)
    with pytest.raises(ConfigError, match=words):
        config_from_dict(raw)


def test_the_money_of_a_config_without_year_end_or_caps_is_unchanged() -> None:
    """No year_end and no cap: none of their metrics, and the payer split as before."""
    config = load_config(BASELINE, {**SHORT, "finance.year_end": None, "finance.council_budget.when_spent": "wait"})
    r = run_replication(config, 0)
    assert r.money and not {k for k in r.money if "position" in k or "pooled_overspend" in k or "overcommitted" in k}


def test_a_stricter_panel_is_decided_when_the_case_reaches_it() -> None:
    """The first financial year's budget (pro rata, 10 days of it) is committed within a day or two,
    and the council rations with a panel that almost never decides until the year turns on day 10.
    A case reaches the panel 48 hours after it is found ready: those reaching it after the turn
    face the ordinary daily panel, though they were found ready while the council rationed."""
    home = pool("social_care", "Di", 5000, stay_days=30, weekly_cost_gbp=700)
    steps = {"wait": {"type": "delay", "owner": "hospital", "kind": "process", "dtoc_code": "other",
                      "duration": fixed(48.0)},
             "panel": session("social_care", [14.0], code="B"),
             "home": placement("social_care", {"care": 1.0}, "Di")}
    raw = ward(steps, {"wait": [], "panel": ["wait"], "home": ["panel"]}, pathway_number=3, days=20, warmup=1,
               replications=1, seed=3, pools={"care": home},
               finance={"acute_bed_day_cost_gbp": 395, "financial_year_starts_day": 10, "council_budget": {
                   "annual_gbp": 1_000_000, "pools": ["care"], "when_spent": "overspend",
                   "rationing": {"panel_step": "panel", "panel_factor": 0.02}}})
    r = run_replication(config_from_dict(raw), 0)
    s = r.segments
    panel = np.asarray(r.step_names, dtype=object)[s["step"]] == "panel"
    start, length = s["start"][panel], (s["end"] - s["start"])[panel]
    after_turn = (start >= 10 * 24 + 1) & (start < 11.5 * 24)
    before_turn = (start >= 3 * 24) & (start < 8 * 24)
    assert after_turn.sum() > 5 and before_turn.sum() > 20
    assert np.all(length[after_turn] <= 24.0)  # the next 14:00 sitting decides: no rationing after the turn
    assert length[before_turn].mean() > 48.0  # while rationing, a sitting almost never decides
