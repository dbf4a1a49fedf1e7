"""The DToC-style tables of a hand-built ward, counted by hand: one planned admission every Monday
at 07:00, an acute stay of exactly one day, then six steps in a row with fixed durations, so every
segment's midnights are known. Reasons and organisations follow the statistic's rules (a declared
organisation wins; C is the NHS's and H both's whoever runs the step; a place by who pays for it;
otherwise by who runs the step), and reason ``other`` is left out of every total."""

from __future__ import annotations

import pytest

import discharge_sim as ds
from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.analysis.sides import resolve
from discharge_sim.analysis.tables import dtoc_table
from discharge_sim.config import config_from_dict
from discharge_sim.model.replication import run_replication
from discharge_sim.vocabulary import DTOC_CODES, DTOC_UNCOUNTED, ORGANISATIONS, UNATTRIBUTED
from tests import toys

WARD = toys.ward(
    {
        # ready Tue 07:00 (hour 31 of each week); the six steps run one after another, round the clock
        "assess": toys.delay("social_care", toys.fixed(20), code="A", dtoc_organisation="both"),  # 31-51: midnight 48
        "rehab": toys.delay("social_care", toys.fixed(30), kind="capacity", code="C"),           # 51-81: 72
        "package": toys.placement("social_care", {"nhs_package": 1.0}, "E", search=toys.fixed(50)),  # 81-131: 96, 120
        "summary": toys.delay("hospital", toys.fixed(30), code="other"),                          # 131-161: 144
        "dispute": toys.delay("hospital", toys.fixed(10), code="H"),                              # 161-171: 168
        "housing": toys.delay("social_care", toys.fixed(24), kind="capacity", code="I"),         # 171-195: 192
    },
    {"assess": [], "rehab": ["assess"], "package": ["rehab"], "summary": ["package"], "dispute": ["summary"],
     "housing": ["dispute"]},
    days=22, warmup=0, beds=5, admissions=0,
    stay={"distribution": "fixed", "mean_days": 1.0},
    pools={"nhs_package": toys.pool("social_care", "E", places=5, payer="nhs")},
    elective={"admissions_per_weekday": {"mon": 1}, "admission_hour": 7},
)
WARD["groups"]["all"].update(emergency_share=1.0, elective_share=1.0)

# Three patients are admitted (hours 7, 175, 343; a fourth at 511 is ready after the end, hour 528)
# and each is ready 24 hours later. Midnights each spends delayed, by reason and organisation:
PER_PATIENT = {("A", "both"): 1, ("C", "nhs"): 1, ("E", "nhs"): 2, ("other", "nhs"): 1, ("H", "both"): 1,
               ("I", "social_care"): 1}
# The third (ready at hour 367) is still waiting for housing at the end: from hour 507, and the
# midnight at hour 528 is the end of the run itself, not in it.
THIRD = {**PER_PATIENT, ("I", "social_care"): 0}


@pytest.fixture(scope="module")
def metrics() -> dict[str, float]:
    result = run_replication(config_from_dict(WARD), 0, seed=1)
    p = result.patients
    assert list(p["admitted"]) == [7.0, 175.0, 343.0, 511.0] and list(p["ready"][:3]) == [31.0, 199.0, 367.0]
    assert list(p["departure"][:2]) == [195.0, 363.0]
    return replication_metrics(result)


def expected() -> dict[tuple[str, str], int]:
    return {key: 2 * PER_PATIENT[key] + THIRD[key] for key in PER_PATIENT}


def test_each_reason_and_organisation_is_the_hand_count(metrics):
    counts = expected()
    for code in DTOC_CODES:
        for org in ORGANISATIONS:
            assert metrics[f"dtoc_days_{code}_{org}"] == counts.get((code, org), 0), (code, org)
        assert metrics[f"dtoc_days_{code}"] == sum(n for (c, _), n in counts.items() if c == code), code


def test_the_totals_leave_reason_other_out_and_report_it_beside(metrics):
    # A 3, C 3, E 6, H 3, I 2: 17 counted; 'other' 3, uncounted.
    assert metrics["dtoc_delayed_days"] == 17
    assert metrics["dtoc_uncounted_days"] == 3 == metrics["dtoc_days_other"]
    assert (metrics["dtoc_days_nhs"], metrics["dtoc_days_social_care"], metrics["dtoc_days_both"]) == (9, 2, 6)
    assert metrics["dtoc_share_nhs"] == pytest.approx(9 / 17) and metrics["dtoc_share_E_nhs"] == pytest.approx(6 / 17)
    assert metrics["dtoc_share_A_both"] == pytest.approx(3 / 17) and metrics["dtoc_share_I"] == pytest.approx(2 / 17)
    assert "dtoc_share_other" not in metrics
    months = 22 / (365.25 / 12)
    assert metrics["dtoc_delayed_days_per_month"] == pytest.approx(17 / months)
    assert metrics["dtoc_uncounted_days_per_month"] == pytest.approx(3 / months)


def test_the_national_table_of_the_ward(metrics):
    summary = {name: {"mean": value, "ci_low": value, "ci_high": value} for name, value in metrics.items()}
    table = dtoc_table(summary, window_days=22.0)
    months = 22 / (365.25 / 12)
    reasons = list(table["reason"])
    assert reasons[-2:] == ["total", DTOC_UNCOUNTED]
    row = {reason: i for i, reason in enumerate(reasons)}
    assert table["total_days_per_month"][row["E"]] == pytest.approx(6 / months)
    assert table["nhs_days_per_month"][row["total"]] == pytest.approx(9 / months)
    assert table["both_share"][row["H"]] == pytest.approx(3 / 17)
    assert table["total_days_per_month"][row[DTOC_UNCOUNTED]] == pytest.approx(3 / months)


def test_the_delay_itself_is_the_hand_count(metrics):
    # Each finished patient is delayed 164 hours; the third 528 - 367 = 161 hours up to the end.
    assert metrics["delayed_bed_days"] == pytest.approx((164 + 164 + 161) / 24)
    assert metrics["delayed_bed_days_dtoc_other"] == pytest.approx(3 * 30 / 24)
    assert metrics["delayed_discharges"] == 2 and metrics["pre_declaration_bed_days"] == 0.0


def test_the_dtoc_convention_counts_each_item_against_its_organisation():
    config = config_from_dict(WARD)
    sides = resolve(config, "dtoc").sides
    assert sides == {"step:assess": "both", "step:rehab": "nhs", "step:package": "social_care",
                     "step:summary": UNATTRIBUTED, "step:dispute": "both", "step:housing": "social_care",
                     "pool:nhs_package": "nhs"}
    attribution = ds.attribute(config, replications=1, seed=1, conventions=["dtoc"])
    split = attribution.sides("dtoc")
    day = 24.0
    # Recorded hours by side: both 20 + 10, nhs 30 + 50 (the place's search), social care 24
    # (housing), unattributed 30 (the summary); the third patient's housing is cut at 21 hours.
    assert split["both"]["recorded"]["mean"] == pytest.approx(3 * 30 / day)
    assert split["nhs"]["recorded"]["mean"] == pytest.approx(3 * 80 / day)
    assert split["social_care"]["recorded"]["mean"] == pytest.approx((24 + 24 + 21) / day)
    assert split[UNATTRIBUTED]["recorded"]["mean"] == pytest.approx(3 * 30 / day)
    # Steps in a row: removing one side takes away its own hours, but the third patient, cut at the
    # end of the run (hour 528) as configured, would then leave inside it: 134 hours delayed instead
    # of 161 without 'both' (27 less, not 30), 84 instead of 161 without the NHS (77, not 80).
    assert split["both"]["alone"]["mean"] == pytest.approx((30 + 30 + 27) / day, rel=1e-12)
    assert split["nhs"]["alone"]["mean"] == pytest.approx((80 + 80 + 77) / day, rel=1e-12)
    assert split["social_care"]["alone"]["mean"] == pytest.approx((24 + 24 + 21) / day, rel=1e-12)
    # With every side removed, only the summaries are left: 30 hours each.
    assert split["residual"]["counterfactual"]["mean"] == pytest.approx(3 * 30 / day, rel=1e-12)
    assert split["total"]["recorded"]["mean"] == pytest.approx((164 + 164 + 161) / day, rel=1e-12)
