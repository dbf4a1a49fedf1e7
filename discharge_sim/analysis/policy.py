"""The one-page policy comparison: each scenario against the baseline on what boards ask about.

For every scenario after the first (the baseline), the paired difference from the baseline under
common random numbers, with its 95% interval, of delayed bed-days in all and by side, emergency
boarding hours, cancelled electives, the NHS cost of delayed bed-days, council and NHS spend and,
with finance.year_end, each organisation's year-end position; and the extra public spend per
delayed bed-day avoided. Pure functions of the summaries and differences.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

POLICY_MEASURES: tuple[tuple[str, str], ...] = (
    ("delayed_bed_days", "Delayed bed-days"),
    ("delayed_bed_days_hospital", "Hospital-internal"),
    ("delayed_bed_days_social_care", "Social care"),
    ("boarding_hours", "Emergency boarding hours"),
    ("cancelled_electives", "Cancelled electives"),
    ("delayed_bed_day_cost_gbp", "NHS cost of delayed bed-days (GBP)"),
    ("council_spend_gbp", "Council spend (GBP)"),
    ("nhs_spend_gbp", "NHS spend on places and staff (GBP)"),
    ("council_position_gbp", "Council year-end position (GBP)"),
    ("nhs_position_gbp", "NHS year-end position (GBP)"),
)
"""(metric, label) of each column of the policy table, in order."""
COST_PER_DAY = "cost_per_delayed_bed_day_avoided_gbp"
SPEND = "public_spend_gbp"


def cost_per_bed_day_avoided(difference: Mapping[str, Mapping[str, float]]) -> float:
    """Extra public spend (council and NHS, on places and staff) per delayed bed-day avoided: the
    mean paired difference in spend over the mean fall in delayed bed-days.

    NaN when the scenario does not avoid delayed bed-days with confidence (the interval of their
    difference reaches zero or above) or the configs have no finance section: a ratio over a
    fall that may be nothing is not a number to put in a board paper. Negative: the scenario
    saves public money as well as bed-days.
    """
    days = difference.get("delayed_bed_days")
    spend = difference.get(SPEND)
    if not days or not spend or math.isnan(days.get("ci_high", math.nan)) or days["ci_high"] >= 0:
        return math.nan
    return float(spend["mean"] / -days["mean"])


def policy_table(labels: Sequence[str], differences: Sequence[Mapping[str, Mapping[str, float]]],
                 summaries: Sequence[Mapping[str, Mapping[str, float]]]) -> dict[str, np.ndarray]:
    """policy.csv: a row per scenario after the baseline; per measure, the baseline's mean, the
    paired difference and its 95% interval; then the cost per delayed bed-day avoided."""
    base = summaries[0] if summaries else {}
    cols: dict[str, list[Any]] = {"scenario": list(labels[1:]), "baseline": [labels[0]] * (len(labels) - 1)}
    for key, _ in POLICY_MEASURES:
        cols[f"{key}_baseline"] = [base.get(key, {}).get("mean", math.nan)] * (len(labels) - 1)
        for stat, name in (("mean", "difference"), ("ci_low", "ci_low"), ("ci_high", "ci_high")):
            cols[f"{key}_{name}"] = [d.get(key, {}).get(stat, math.nan) for d in differences[1:]]
    cols[COST_PER_DAY] = [cost_per_bed_day_avoided(d) for d in differences[1:]]
    return {k: np.asarray(v, dtype=object if k in ("scenario", "baseline") else float) for k, v in cols.items()}


def measures_present(summaries: Sequence[Mapping[str, Mapping[str, float]]]) -> list[tuple[str, str]]:
    """The policy measures every scenario has (money needs a finance section in each config)."""
    return [(key, label) for key, label in POLICY_MEASURES if all(key in s for s in summaries)]
