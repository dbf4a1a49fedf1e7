"""What to fix first: the items of the model (steps, staff teams, pools of places, the council's
budget) ranked by the delay removing each takes away where ``attribute --by step`` ran, else by
the delay the ledger records against each, with the side each counts against under every
convention."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from discharge_sim.io.folders import ResultsFolder, numbers
from discharge_sim.present.blocks import Block, Cell, Paragraph, Table, result_cell
from discharge_sim.present.formats import share
from discharge_sim.present.scenarios import Scenario, metric_cell

FIX_FIRST = 10
"""Items shown."""


def fix_first_heading(r: ResultsFolder) -> str:
    """What the ranking is: what fixing each item would save (removals were run), or only where
    the delay sits."""
    return "What to fix first" if r.has("attribution_steps.csv") else "Where the delay sits, item by item"


def fix_first(r: ResultsFolder, sc: Scenario) -> list[Block]:
    """The items (steps, staff teams, pools, the budget) ranked: by the delay removing each takes
    away where ``attribute --by step`` was run, else by the delay the ledger records against each."""
    if r.has("attribution_steps.csv"):
        t = r.table("attribution_steps.csv")
        table = Table(f"What to fix first: the delayed bed-days taken away by removing one item at a time (a step "
                      f"made instant, a team or pool unlimited), {sc.label}: bed-days over the "
                      f"{r.measured_days:g} measured days, mean of the replications with 95% interval (source: "
                      "attribution_steps.csv)",
                      ["rank", "item", "owner", "delayed bed-days taken away", "share of all"])
        for i in range(min(FIX_FIRST, len(t["item"]))):
            item = str(t["item"][i])
            ci = {"mean": numbers(t["removed"][i:i + 1])[0], "ci_low": numbers(t["ci_low"][i:i + 1])[0],
                  "ci_high": numbers(t["ci_high"][i:i + 1])[0]}
            table.rows.append([Cell(str(t["rank"][i])), Cell(_item_words(item)), Cell(str(t["owner"][i])),
                               result_cell("attribution_steps.csv", item, "removed", ci, "count"),
                               Cell(share(numbers(t["share_of_total"][i:i + 1])[0]), "attribution_steps.csv", item,
                                    "share_of_total", "value")])
        return [table, Paragraph("Removing one item at a time, under common random numbers: what each change would "
                                 "take away on its own. Removals do not add up: taking away one bottleneck can move "
                                 "patients to queue at the next. Items whose intervals overlap are not told apart by "
                                 "these runs: their order is not a finding.")]
    return _recorded_ranking(r, sc)


def _recorded_ranking(r: ResultsFolder, sc: Scenario) -> list[Block]:
    """Items by the delayed bed-days the ledger records against them (where the delay sits), with
    each item's side under every convention."""
    conventions = sc.answer.conventions if sc.answer is not None else []
    items = dict(conventions[0]["items"]) if conventions else {}
    total = sc.metrics.get("delayed_bed_days", {}).get("mean", math.nan)
    ranked = sorted(((sc.metrics[_item_metric(item)]["mean"], item) for item in items
                     if _item_metric(item) in sc.metrics), key=lambda x: (-x[0], x[1]))
    names = [str(g["convention"]) for g in conventions]
    table = Table(f"Where the delay sits: items by the delayed bed-days the ledger records against them, "
                  f"{sc.label}: bed-days over the {r.measured_days:g} measured days, mean of the replications with 95% "
                  "interval, with the side each "
                  "counts against under each convention (source: summary.json)",
                  ["rank", "item", "owner", *(f"side ({name})" for name in names), "delayed bed-days",
                   "share of all"])
    owners = _owners(sc.config)
    for rank, (value, item) in enumerate(ranked[:FIX_FIRST], start=1):
        metric = _item_metric(item)
        table.rows.append([Cell(str(rank)), Cell(_item_words(item)), Cell(owners.get(item, "-")),
                           *(Cell(str(g["items"].get(item, "-")).replace("_", " ")) for g in conventions),
                           metric_cell(sc, metric, "count"),
                           Cell(share(value / total if total else math.nan), "summary.json", sc.key, metric,
                                "share_of_delayed_bed_days")])
    return [table, Paragraph(
        "Items whose intervals overlap are not told apart by these runs: their order is not a finding. "
        "This ranks where the delay is recorded, not what fixing an item would save: removing one bottleneck can "
        "move patients to queue at another. `discharge-sim attribute --by step` runs the counterfactuals that rank "
        "items by the delay their removal takes away; its folder's board pack shows that ranking instead.")]


def _item_metric(item: str) -> str:
    """summary.json's metric of a ledger item: step:medicines -> delayed_bed_days_item_step_medicines."""
    return "delayed_bed_days_item_" + item.replace(":", "_", 1)


def _item_words(item: str) -> str:
    what, _, name = item.partition(":")
    kinds = {"step": "step", "staff": "staff team", "pool": "finding a provider and a place", "budget": "budget",
             "escalation": "escalation",
             "bounce": "bounce-backs"}
    return f"{name.replace('_', ' ')} ({kinds.get(what, what)})"


def _owners(config: Mapping[str, Any]) -> dict[str, str]:
    """Each item's owner, from the config as run."""
    owners = {f"step:{n}": str(s.get("owner", "-")) for n, s in (config.get("steps") or {}).items()}
    owners |= {f"staff:{n}": str(s.get("owner", "-")) for n, s in (config.get("staff") or {}).items()}
    owners |= {f"pool:{n}": str(s.get("owner", "-")) for n, s in (config.get("pools") or {}).items()}
    owners["budget:council_budget"] = "social_care"
    return {k: v.replace("_", " ") for k, v in owners.items()}
