"""The Shapley split of any four counterfactual totals: the package's shares are the exact Shapley
values, and with the residual they add up to the total."""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from discharge_sim.analysis.attribution import AS_CONFIGURED, BOTH, HOSPITAL, SOCIAL_CARE, replication_attribution


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=4, max_size=4))
def test_shapley_shares_are_exact_and_add_up_to_the_total(values):
    total, hospital_gone, social_gone, both_gone = values
    runs = {AS_CONFIGURED: total, HOSPITAL: hospital_gone, SOCIAL_CARE: social_gone, BOTH: both_gone}
    row = replication_attribution({k: {"delayed_bed_days": v, "delayed_bed_days_hospital": 0.0,
                                       "delayed_bed_days_social_care_capacity": 0.0} for k, v in runs.items()})
    # Each side's Shapley value, in exact arithmetic: its marginal effect averaged over both orders.
    f = {k: Fraction(v) for k, v in runs.items()}
    shapley_h = ((f[AS_CONFIGURED] - f[HOSPITAL]) + (f[SOCIAL_CARE] - f[BOTH])) / 2
    shapley_s = ((f[AS_CONFIGURED] - f[SOCIAL_CARE]) + (f[HOSPITAL] - f[BOTH])) / 2
    assert math.isclose(row["shapley_hospital"], float(shapley_h), rel_tol=1e-12, abs_tol=1e-6)
    assert math.isclose(row["shapley_social_care"], float(shapley_s), rel_tol=1e-12, abs_tol=1e-6)
    assert row["residual"] == both_gone and row["total"] == total
    assert math.isclose(row["hospital_removed"], total - hospital_gone, rel_tol=1e-12, abs_tol=1e-6)
    assert math.isclose(row["shapley_hospital"] + row["shapley_social_care"] + row["residual"], total,
                        rel_tol=1e-12, abs_tol=1e-6)
    assert math.isclose(row["both_removed"], row["hospital_removed"] + row["social_care_removed"] + row["interaction"],
                        rel_tol=1e-12, abs_tol=1e-6)
