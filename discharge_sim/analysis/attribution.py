"""Counterfactual attribution: how much delay each side really causes.

The ledger labels every delayed hour with the step under way, but a label is not a cause: when
care homes are full, removing the hospital's own hold-ups only moves patients to queue for a
care-home bed. So the scenario is run again, with the same random numbers, with

* the hospital's own steps made instant (and its staff and any place it owns unlimited),
* social-care capacity made unlimited (every social-care staff team and pool always has room, and
  social-care shortages modelled as durations, such as housing, take no time),
* both.

With D the delayed bed-days of a run, the delay a side removes on its own is
``D(as configured) - D(side removed)``; the interaction is what removing both removes beyond the
two on their own; the two-player Shapley value gives each side its own removal plus half the
interaction. The two Shapley values plus the delay left when both are removed (the residual,
owned by neither side) add up to the total of the configured run, in every replication.

:func:`removals` lists the finer counterfactuals for ``attribute --by step``: each step made
instant, each pool and each staff team made unlimited, one at a time. Pure functions only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from discharge_sim.analysis.statistics import t_interval
from discharge_sim.config import Config, PlacementStep
from discharge_sim.model.variant import Variant

AS_CONFIGURED = "as_configured"
HOSPITAL = "hospital_instant"
SOCIAL_CARE = "social_care_unlimited"
BOTH = "both_removed"
SIDE_VARIANTS: tuple[tuple[str, Variant], ...] = (
    (AS_CONFIGURED, Variant()),
    (HOSPITAL, Variant(instant_owners=frozenset({"hospital"}), unlimited_owners=frozenset({"hospital"}))),
    (SOCIAL_CARE, Variant(unlimited_owners=frozenset({"social_care"}))),
    (BOTH, Variant(instant_owners=frozenset({"hospital"}), unlimited_owners=frozenset({"hospital", "social_care"}))),
)
"""The four runs of every replication, in the order they are scheduled and written."""

METRIC = "delayed_bed_days"
LEDGER_HOSPITAL = "delayed_bed_days_hospital"
LEDGER_SOCIAL_CARE = "delayed_bed_days_social_care_capacity"

ATTRIBUTION_COLUMNS = (
    "total", "hospital_removed", "social_care_removed", "both_removed", "interaction",
    "shapley_hospital", "shapley_social_care", "residual",
    "ledger_hospital", "ledger_social_care", "ledger_rest",
    "difference_hospital", "difference_social_care", "difference_rest",
    "shapley_hospital_share", "shapley_social_care_share", "residual_share",
    "ledger_hospital_share", "ledger_social_care_share", "ledger_rest_share",
)
"""attribution.csv's columns after the replication, all in delayed bed-days or shares of the
configured total. ``difference_*`` is counterfactual minus recorded."""

SIDE_ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("hospital", "Hospital-internal", "ledger_hospital", "shapley_hospital"),
    ("social_care", "Social-care capacity", "ledger_social_care", "shapley_social_care"),
    ("rest", "Neither side", "ledger_rest", "residual"),
    ("total", "Total delayed bed-days", "total", "total"),
)
"""The rows of the recorded-against-counterfactual table: key, label, ledger column, counterfactual column."""


def replication_attribution(runs: Mapping[str, Mapping[str, float]], metric: str = METRIC) -> dict[str, float]:
    """One replication's split, from the metrics of its four runs (keyed by the SIDE_VARIANTS names)."""
    total = runs[AS_CONFIGURED][metric]
    hospital_gone = runs[HOSPITAL][metric]
    social_gone = runs[SOCIAL_CARE][metric]
    both_gone = runs[BOTH][metric]
    row = {
        "total": total,
        "hospital_removed": total - hospital_gone,
        "social_care_removed": total - social_gone,
        "both_removed": total - both_gone,
        "interaction": hospital_gone + social_gone - total - both_gone,
        "shapley_hospital": 0.5 * ((total - hospital_gone) + (social_gone - both_gone)),
        "shapley_social_care": 0.5 * ((total - social_gone) + (hospital_gone - both_gone)),
        "residual": both_gone,
    }
    configured = runs[AS_CONFIGURED]
    row["ledger_hospital"] = configured[LEDGER_HOSPITAL]
    row["ledger_social_care"] = configured[LEDGER_SOCIAL_CARE]
    row["ledger_rest"] = total - row["ledger_hospital"] - row["ledger_social_care"]
    row["difference_hospital"] = row["shapley_hospital"] - row["ledger_hospital"]
    row["difference_social_care"] = row["shapley_social_care"] - row["ledger_social_care"]
    row["difference_rest"] = row["residual"] - row["ledger_rest"]
    for name in ("shapley_hospital", "shapley_social_care", "residual",
                 "ledger_hospital", "ledger_social_care", "ledger_rest"):
        row[f"{name}_share"] = row[name] / total if total else math.nan
    return row


def attribution_rows(by_variant: Mapping[str, Sequence[Mapping[str, float]]],
                     metric: str = METRIC) -> list[dict[str, float]]:
    """Per replication, the split (see :func:`replication_attribution`)."""
    n = len(by_variant[AS_CONFIGURED])
    return [replication_attribution({name: by_variant[name][r] for name, _ in SIDE_VARIANTS}, metric)
            for r in range(n)]


def attribution_summary(rows: Sequence[Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """Per column of attribution.csv: mean, sd and 95% t-interval across replications."""
    return {name: t_interval([row[name] for row in rows]) for name in ATTRIBUTION_COLUMNS}


def attribution_table(rows: Sequence[Mapping[str, float]]) -> dict[str, np.ndarray]:
    """attribution.csv: a row per replication."""
    cols: dict[str, np.ndarray] = {"replication": np.arange(len(rows))}
    for name in ATTRIBUTION_COLUMNS:
        cols[name] = np.asarray([row[name] for row in rows], dtype=float)
    return cols


# --- one item at a time -----------------------------------------------------------------------

@dataclass(frozen=True)
class Removal:
    """One finer counterfactual: a step made instant, a pool or staff team made unlimited, or the
    council budget lifted."""

    what: str
    """step, pool, staff or budget."""
    name: str
    owner: str
    variant: Variant
    change: str = "unlimited"
    """instant (a step), no handover (a placement step: its place is the pool's) or unlimited."""

    @property
    def label(self) -> str:
        return f"{self.what}:{self.name}"


def removals(config: Config) -> list[Removal]:
    """Every step on some pathway made instant (a placement step only if it has a handover to
    remove; its place is the pool's), then every pool, then every staff team made unlimited, then
    the council's annual budget lifted."""
    used = {name for graph in config.pathways.values() for name in graph}
    out = []
    for name, step in config.steps.items():
        if name not in used or (isinstance(step, PlacementStep) and step.handover is None):
            continue
        change = "no handover" if isinstance(step, PlacementStep) else "instant"
        out.append(Removal("step", name, step.owner, Variant(instant_steps=frozenset({name})), change))
    for name, pool in config.pools.items():
        out.append(Removal("pool", name, pool.owner, Variant(unlimited_pools=frozenset({name}))))
    for name, staff in config.staff.items():
        out.append(Removal("staff", name, staff.owner, Variant(unlimited_staff=frozenset({name}))))
    if config.finance is not None and config.finance.council_budget is not None:
        out.append(Removal("budget", "council_budget", "social_care", Variant(unlimited_budget=True)))
    return out


def ranking(configured: Sequence[Mapping[str, float]], items: Sequence[Removal],
            item_rows: Sequence[Sequence[Mapping[str, float]]], metric: str = METRIC) -> list[dict[str, Any]]:
    """Items ordered by the mean delayed bed-days their removal takes away (paired per replication),
    largest first, each with its 95% interval and its share of the configured total."""
    total = t_interval([row[metric] for row in configured])["mean"]
    ranked: list[dict[str, Any]] = []
    for item, rows in zip(items, item_rows, strict=True):
        removed = t_interval([base[metric] - row[metric] for base, row in zip(configured, rows, strict=True)])
        ranked.append({
            "item": item.label, "what": item.what, "name": item.name, "owner": item.owner,
            "change": item.change, "n": int(removed["n"]), "removed": removed["mean"],
            "ci_low": removed["ci_low"], "ci_high": removed["ci_high"],
            "share_of_total": removed["mean"] / total if total else math.nan,
        })
    ranked.sort(key=lambda r: (-r["removed"], r["item"]))
    for rank, row in enumerate(ranked, start=1):
        row["rank"] = rank
    return ranked


RANKING_COLUMNS = ("rank", "item", "what", "name", "owner", "change", "n", "removed", "ci_low", "ci_high",
                   "share_of_total")


def ranking_table(ranked: Sequence[Mapping[str, Any]]) -> dict[str, np.ndarray]:
    """attribution_steps.csv: a row per item, best first."""
    floats = {"removed", "ci_low", "ci_high", "share_of_total"}
    return {name: np.asarray([row[name] for row in ranked], dtype=float if name in floats else object)
            for name in RANKING_COLUMNS}


# --- in memory, for notebooks -------------------------------------------------------------------
