"""Results by home council: what NHS England publishes for each local authority, from each
council's residents' own metrics (see :func:`~discharge_sim.analysis.metrics.council_metric`).

A patient's delay counts under their home council whoever caused it: a council's table shows the
delays its residents had, split by side and reason as the trust's is, not delays the council
caused. Every figure of a council is a sum over its residents, so the councils' counts and
bed-days add up to the trust's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from discharge_sim.analysis.metrics import council_metric, council_view
from discharge_sim.analysis.tables import dtoc_table
from discharge_sim.vocabulary import DELAY_BANDS, ORGANISATIONS, OWNERS

COUNCIL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("admissions", "Admissions"),
    ("discharges", "Discharges"),
    ("delayed_discharges", "Discharges delayed a day or more"),
    ("delayed_discharge_share", "Share of discharges delayed"),
    ("mean_delay_days_of_delayed", "Mean delay of those delayed (days)"),
    *((f"delay_band_{label}_share", f"Delays of {label.replace('_plus', '+').replace('_', '-')} days (share)")
      for label, _a, _b in DELAY_BANDS),
    ("nctr_patients_mean", "Patients without criteria to reside (mean at midnight)"),
    ("delayed_bed_days", "Delayed bed-days"),
    *((f"delayed_bed_days_{owner}", f"Delayed bed-days owned by {owner.replace('_', ' ')}") for owner in OWNERS),
    ("dtoc_delayed_days", "DToC-style delayed days"),
    *((f"dtoc_days_{org}", f"DToC-style days charged to {org.replace('_', ' ')}") for org in ORGANISATIONS),
)
"""The figures of each council's table: metric and label."""
COUNCIL_MONEY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("council_spend_gbp", "The council's spend on its residents' places and on staff (GBP)"),
    ("placement_spend_gbp", "of which on places (GBP)"),
    ("staff_cost_gbp", "of which on discharge staff (GBP)"),
    ("budget_committed_gbp", "Its own budget committed to new places (GBP)"),
    ("budget_overcommitted_gbp", "of which past the year's budget (GBP)"),
    ("budget_spent_days", "Days its budget was overcommitted (or spent)"),
    ("council_position_gbp", "Its year-end position: budget less spend (GBP)"),
    ("council_reserves_used_gbp", "Reserves used (GBP)"),
    ("council_unfunded_overspend_gbp", "Overspend its reserves cannot cover (GBP)"),
)
"""Money columns of each council's table, where the run reports them (see :mod:`discharge_sim.model.money`)."""


def council_table(councils: Sequence[str], summary: Mapping[str, Mapping[str, float]]) -> dict[str, np.ndarray]:
    """A row per home council: each of :data:`COUNCIL_COLUMNS` (and of :data:`COUNCIL_MONEY_COLUMNS`
    the run has) as its mean and 95% interval over replications (``<metric>``, ``<metric>_ci_low``,
    ``<metric>_ci_high``)."""
    cols: dict[str, list[Any]] = {"council": list(councils)}
    money = [(m, label) for m, label in COUNCIL_MONEY_COLUMNS if any(council_metric(c, m) in summary for c in councils)]
    for metric, _label in (*COUNCIL_COLUMNS, *money):
        for stat, suffix in (("mean", ""), ("ci_low", "_ci_low"), ("ci_high", "_ci_high")):
            cols[f"{metric}{suffix}"] = [summary.get(council_metric(c, metric), {}).get(stat, math.nan)
                                         for c in councils]
    return {k: np.asarray(v, dtype=object if k == "council" else float) for k, v in cols.items()}


def council_dtoc_table(councils: Sequence[str], summary: Mapping[str, Mapping[str, float]],
                       window_days: float) -> dict[str, np.ndarray]:
    """The DToC table (:func:`~discharge_sim.analysis.tables.dtoc_table`) of each council's
    residents, one after another, with the council in the first column."""
    parts = [dtoc_table(council_view(summary, c), window_days) for c in councils]
    if not parts:
        return {}
    out = {"council": np.concatenate([np.full(len(p["reason"]), c, dtype=object) for c, p in zip(councils, parts,
                                                                                                  strict=True)])}
    for key in parts[0]:
        out[key] = np.concatenate([p[key] for p in parts])
    return out
