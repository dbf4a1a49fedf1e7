"""Counterfactual attribution: how much delay each side really causes, under a convention.

The ledger labels every delayed hour with the item under way, but a label is not a cause: when
care homes are full, removing the hospital's own hold-ups only moves patients to queue for a
care-home bed. So, for a convention (:mod:`discharge_sim.analysis.sides`) whose sides own
something, the scenario is run again with the same random numbers for every *coalition* of its
sides (all 2^n of them), with those sides

* removed (``against="removal"``): their steps instant (but for their necessary hours), their
  staff teams and pools unlimited, and the council's budget, if theirs, never spent; or
* brought to a benchmark (``against="benchmark"``): what the config declares good peers achieve
  (sessions every day, durations and searches capped at a lower quantile, places for a stated
  occupancy).

With D(S) the delay of the run with coalition S changed, v(S) = D(none) - D(S) is the delay S
takes away, and each side's exact Shapley value is the average, over every order of adding the
sides, of what it adds to v. The Shapley values plus the delay left when every side is changed
(the residual: necessary hours, unattributed items, and for a benchmark what good performance
still takes) add up to the total of the configured run, in every replication. The interaction is
what the sides take away together beyond the sum of what each takes away alone.

The recorded (ledger) split is reported beside, under the same convention, so the two can be
compared. One definition of a share is used everywhere: the ratio of totals across replications.

:func:`removals` lists the finer counterfactuals for ``attribute --by step``. Pure functions only.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from discharge_sim.analysis.capacity import pool_loads
from discharge_sim.analysis.metrics import item_metric
from discharge_sim.analysis.sides import SideConvention, config_items, resolve
from discharge_sim.analysis.statistics import ratio_interval, t_interval
from discharge_sim.config import (
    Config,
    PlacementStep,
    SessionSettings,
    SessionStep,
    config_from_dict,
    config_to_dict,
)
from discharge_sim.model.distributions import Shape
from discharge_sim.model.variant import Variant
from discharge_sim.vocabulary import DAY_NAMES, SIDE_LABELS, UNATTRIBUTED

AS_CONFIGURED = "as_configured"
METRIC = "delayed_bed_days"
MEASURES: tuple[str, ...] = ("delayed_bed_days", "delayed_bed_days_after_ready_day")
"""The two delay measures every split is given for: all delayed hours, and only the days after
the discharge-ready date (how national statistics count bed-days lost)."""
MEASURE_LABELS = {
    "delayed_bed_days": "all delayed hours",
    "delayed_bed_days_after_ready_day": "days after the discharge-ready date",
}
NATIONAL_MEASURE = "delayed_bed_days_after_ready_day"
"""The measure NHS England's discharge-delay statistics use: bed-days after the discharge-ready date."""
AGAINST = ("removal", "benchmark")
SHARE_DEFINITION = ("a share is the ratio of totals: a side's bed-days summed over replications over the total "
                    "summed over replications, with a delta-method 95% interval")


# --- the games ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Game:
    """One convention's counterfactual split: its players and the scenario each coalition runs as."""

    convention: SideConvention
    against: str
    players: tuple[str, ...]
    runs: dict[frozenset[str], str]
    """Coalition (sides changed) to the label of its scenario; the empty one is ``as_configured``."""
    left_out: tuple[str, ...] = ()
    """Sides that own something but were not changed (no benchmark declared for them)."""


@dataclass(frozen=True)
class AttributionPlan:
    """Every scenario an attribution runs (label, config, switches) and the games read from them."""

    scenarios: list[tuple[str, Config, Variant]]
    games: list[Game]


def removal_variant(convention: SideConvention, coalition: frozenset[str]) -> Variant:
    """The switches that remove every item of the sides in ``coalition``."""
    steps, staff, pools, bounces, budget, escalation = set(), set(), set(), set(), False, False
    for key, side in convention.sides.items():
        if side not in coalition:
            continue
        what, name = key.split(":", 1)
        if what == "step":
            steps.add(name)
        elif what == "staff":
            staff.add(name)
        elif what == "pool":
            pools.add(name)
        elif what == "escalation":
            escalation = True
        elif what == "bounce":
            bounces.add(name)
        else:
            budget = True
    return Variant(instant_steps=frozenset(steps), unlimited_pools=frozenset(pools),
                   unlimited_staff=frozenset(staff), unlimited_budget=budget, no_deconditioning=escalation,
                   no_bounce_backs=frozenset(bounces))


def benchmark_scenario(config: Config, convention: SideConvention,
                       coalition: frozenset[str]) -> tuple[Config, Variant]:
    """The config and switches that bring every side in ``coalition`` to its declared benchmark.

    Per side: ``sessions_every_day`` makes its session steps sit on all seven days at the weekday
    chance; ``duration_quantile`` caps its steps' work (duration or handover) at that quantile;
    ``search_quantile`` caps searches for a provider in its pools; ``occupancy`` gives its pools
    places for their offered load to be that share of them (never fewer than configured). Staff
    teams, the council's budget and bounce-backs are left as configured.
    """
    raw = config_to_dict(config)
    changed = False
    caps: set[tuple[str, float]] = set()
    searches: set[tuple[str, str, float]] = set()
    loads = pool_loads(config)
    for side in sorted(coalition):
        bench = config.attribution.benchmark[side]  # type: ignore[index]
        for key in convention.items_of(side):
            what, name = key.split(":", 1)
            if what == "step":
                step = config.steps[name]
                if bench.sessions_every_day and isinstance(step, SessionStep):
                    every_day(raw["steps"][name]["sessions"], step.sessions)
                    for council, own in config.councils.items():  # a council's own sessions too
                        theirs = own.steps.get(name)
                        if theirs is not None and theirs.sessions is not None:
                            every_day(raw["councils"][council]["steps"][name]["sessions"], theirs.sessions)
                    changed = True
                if bench.duration_quantile is not None:  # the step's quantile, and each council's of its own
                    work = step.work
                    if work is not None:
                        caps.add((name, Shape.of(work).quantile(bench.duration_quantile)))
                    for council in config.councils:
                        own_work = config.council_steps(council)[name].work
                        if own_work is not None and own_work != work:
                            caps.add((f"{name}@{council}", Shape.of(own_work).quantile(bench.duration_quantile)))
            elif what == "pool":
                if bench.search_quantile is not None:  # the steps' searches, and each council's own
                    q = bench.search_quantile
                    for step_name, step in config.steps.items():
                        if isinstance(step, PlacementStep) and name in step.pools and step.search is not None:
                            searches.add((step_name, name, Shape.of(step.search).quantile(q)))
                    for council in config.councils:
                        for step_name, step in config.council_steps(council).items():
                            base = config.steps[step_name]
                            if (isinstance(step, PlacementStep) and isinstance(base, PlacementStep)
                                    and name in step.pools and step.search is not None
                                    and (step.search != base.search or name not in base.pools)):
                                searches.add((f"{step_name}@{council}", name, Shape.of(step.search).quantile(q)))
                if bench.occupancy is not None:
                    needed = math.ceil(loads[name].total / bench.occupancy)
                    if needed > config.pools[name].places:
                        raw["pools"][name]["places"] = needed
                        changed = True
    benchmarked = config_from_dict(raw, source=f"{config.name} at benchmark") if changed else config
    return benchmarked, Variant(duration_caps=frozenset(caps), search_caps=frozenset(searches))


def every_day(raw: dict[str, Any], sessions: SessionSettings) -> None:
    """Sessions (as a config dict, ``raw``) held every day of every week, at weekends with the
    weekday chance: a benchmark's sessions."""
    raw["days"] = list(DAY_NAMES)
    raw["every_weeks"] = 1
    raw["weekend_probability"] = sessions.weekday_probability


def coalition_label(convention: str, against: str, coalition: frozenset[str]) -> str:
    if not coalition:
        return AS_CONFIGURED
    verb = "without" if against == "removal" else "benchmark"
    return f"{convention}:{verb}:{'+'.join(sorted(coalition))}"


def attribution_plan(config: Config, names: Sequence[str] | None = None, against: str = "removal") -> AttributionPlan:
    """The scenarios of an attribution of ``config`` under the conventions ``names`` (default: the
    config's own list), every coalition once; runs shared by conventions are run once."""
    if against not in AGAINST:
        raise ValueError(f"against {against!r}: removal or benchmark")
    scenarios: list[tuple[str, Config, Variant]] = [(AS_CONFIGURED, config, Variant())]
    seen: dict[tuple[int, Variant], str] = {(id(config), Variant()): AS_CONFIGURED}
    configs: dict[str, Config] = {}
    games = []
    for name in names or config.attribution.conventions:
        convention = resolve(config, name)
        players = convention.players
        left_out: tuple[str, ...] = ()
        if against == "benchmark":
            left_out = tuple(p for p in players if p not in config.attribution.benchmark)
            players = tuple(p for p in players if p in config.attribution.benchmark)
        runs: dict[frozenset[str], str] = {}
        for size in range(len(players) + 1):
            for members in itertools.combinations(players, size):
                coalition = frozenset(members)
                if against == "removal":
                    cfg, variant = config, removal_variant(convention, coalition)
                else:
                    cfg, variant = (benchmark_scenario(config, convention, coalition) if coalition
                                    else (config, Variant()))
                    text = json_key(cfg)
                    cfg = configs.setdefault(text, cfg)
                key = (id(cfg), variant)
                if key not in seen:
                    seen[key] = coalition_label(name, against, coalition)
                    scenarios.append((seen[key], cfg, variant))
                runs[coalition] = seen[key]
        games.append(Game(convention, against, players, runs, left_out))
    return AttributionPlan(scenarios, games)


def json_key(config: Config) -> str:
    """A config's settings as text, so equal benchmark configs are run once."""
    return config.model_dump_json()


# --- the split -----------------------------------------------------------------------------------

def shapley(players: Sequence[str], value: Mapping[frozenset[str], float]) -> dict[str, float]:
    """Exact Shapley values: each player's marginal contribution averaged over every order."""
    n = len(players)
    out = {}
    for player in players:
        others = [p for p in players if p != player]
        total = 0.0
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for members in itertools.combinations(others, size):
                coalition = frozenset(members)
                total += weight * (value[coalition | {player}] - value[coalition])
        out[player] = total
    return out


ROW_SIDES_AFTER = ("unattributed", "necessary", "residual", "interaction", "total")
"""Rows after the players in attribution.csv: recorded but unattributed, recorded necessary
hours, the delay left with every side changed, the interaction, and the total."""


def game_rows(game: Game, runs: Mapping[str, Mapping[str, float]], measure: str) -> list[dict[str, Any]]:
    """One replication's split under ``game`` for ``measure``: a row per side, then the rest
    (see ROW_SIDES_AFTER), with recorded (ledger), counterfactual (Shapley) and alone (what the
    side takes away changed on its own) bed-days."""
    configured = runs[AS_CONFIGURED]
    total = configured[measure]
    value = {coalition: total - runs[label][measure] for coalition, label in game.runs.items()}
    phi = shapley(game.players, value)
    everything = frozenset(game.players)
    residual = total - value[everything]
    recorded = recorded_by_side(game.convention, configured, measure)
    rows = []
    for side in game.players:
        rows.append({"side": side, "recorded": recorded.get(side, 0.0), "counterfactual": phi[side],
                     "alone": value[frozenset({side})]})
    nan = math.nan
    for side in game.left_out:  # a side left as configured (no benchmark): recorded, never changed
        rows.append({"side": side, "recorded": recorded.get(side, 0.0), "counterfactual": nan, "alone": nan})
    unassigned = sum(v for s, v in recorded.items() if s not in game.players and s not in game.left_out)
    rows.append({"side": "unattributed", "recorded": unassigned, "counterfactual": nan, "alone": nan})
    rows.append({"side": "necessary", "recorded": configured.get(f"{measure}_kind_necessary", 0.0),
                 "counterfactual": nan, "alone": nan})
    rows.append({"side": "residual", "recorded": nan, "counterfactual": residual, "alone": nan})
    rows.append({"side": "interaction", "recorded": nan,
                 "counterfactual": value[everything] - sum(value[frozenset({s})] for s in game.players),
                 "alone": nan})
    rows.append({"side": "total", "recorded": total, "counterfactual": total, "alone": nan})
    return rows


def recorded_by_side(convention: SideConvention, metrics: Mapping[str, float], measure: str) -> dict[str, float]:
    """The ledger's bed-days of ``measure`` by side (and ``unattributed``), necessary hours left out."""
    out: dict[str, float] = {}
    for key, side in convention.sides.items():
        out[side] = out.get(side, 0.0) + metrics.get(item_metric(measure, key), 0.0)
    return out


ATTRIBUTION_COLUMNS = ("replication", "convention", "against", "measure", "side", "recorded", "counterfactual",
                       "alone")


ByLabel = Mapping[str, Sequence[Mapping[str, float]]]
"""Per scenario label, the metrics of each replication."""


def attribution_table(plan: AttributionPlan, by_label: ByLabel) -> dict[str, np.ndarray]:
    """attribution.csv: per replication, convention and measure, a row per side and the rest."""
    n = len(by_label[AS_CONFIGURED])
    cols: dict[str, list[Any]] = {name: [] for name in ATTRIBUTION_COLUMNS}
    for r in range(n):
        runs = {label: rows[r] for label, rows in by_label.items()}
        for game in plan.games:
            for measure in MEASURES:
                for row in game_rows(game, runs, measure):
                    cols["replication"].append(r)
                    cols["convention"].append(game.convention.name)
                    cols["against"].append(game.against)
                    cols["measure"].append(measure)
                    for key in ("side", "recorded", "counterfactual", "alone"):
                        cols[key].append(row[key])
    floats = {"recorded", "counterfactual", "alone"}
    return {k: np.asarray(v, dtype=float if k in floats else (np.int64 if k == "replication" else object))
            for k, v in cols.items()}


def game_summary(game: Game, by_label: ByLabel, measure: str) -> dict[str, Any]:
    """Across replications: per side, recorded and counterfactual bed-days and shares (ratio of
    totals) with 95% intervals, what the side takes away alone, and the difference."""
    n = len(by_label[AS_CONFIGURED])
    per_rep = [game_rows(game, {label: rows[r] for label, rows in by_label.items()}, measure) for r in range(n)]
    totals = [rows[-1]["recorded"] for rows in per_rep]
    out_rows = []
    for i, first in enumerate(per_rep[0]):
        side = first["side"]
        recorded = [rows[i]["recorded"] for rows in per_rep]
        counterfactual = [rows[i]["counterfactual"] for rows in per_rep]
        alone = [rows[i]["alone"] for rows in per_rep]
        row: dict[str, Any] = {"side": side, "label": side_label(side, game.convention.base)}
        row["recorded"] = t_interval(recorded)
        row["recorded_share"] = ratio_interval(recorded, totals)
        row["counterfactual"] = t_interval(counterfactual)
        row["counterfactual_share"] = ratio_interval(counterfactual, totals)
        row["alone"] = t_interval(alone)
        row["difference"] = t_interval([c - rec for c, rec in zip(counterfactual, recorded, strict=True)])
        out_rows.append(row)
    return {"rows": out_rows, "total": t_interval(totals)}


def side_label(side: str, base: str = "symmetric") -> str:
    """A side's name in tables: under ``owner`` the social-care side is its capacity only; ``nhs``
    and ``both`` are named as DToC named them under ``dtoc``."""
    if base == "owner" and side == "social_care":
        return "Social-care capacity"
    if base == "dtoc" and side in ("nhs", "both"):
        return {"nhs": "NHS (as DToC charged it)", "both": "Both (NHS and social care, as DToC charged it)"}[side]
    return {"residual": "Left when every side is changed", "interaction": "Interaction",
            "total": "Total", "necessary": "Necessary process (unavoidable minimum)",
            UNATTRIBUTED: "Unattributed"}.get(side, SIDE_LABELS.get(side, side))


def attribution_document(plan: AttributionPlan, by_label: ByLabel) -> list[dict[str, Any]]:
    """Per game: the convention, its sides and items, and the split of each measure."""
    out = []
    for game in plan.games:
        out.append({
            "convention": game.convention.name,
            "description": game.convention.description,
            "base": game.convention.base,
            "against": game.against,
            "players": list(game.players),
            "left_out": list(game.left_out),
            "items": dict(game.convention.sides),
            "runs": {"+".join(sorted(c)) or "none": label for c, label in game.runs.items()},
            "measures": {measure: game_summary(game, by_label, measure) for measure in MEASURES},
        })
    return out


# --- the recorded split alone (run) ----------------------------------------------------------------

def recorded_split(config: Config, rows: Sequence[Mapping[str, float]],
                   names: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Per convention and measure, the ledger's bed-days by side with shares (ratio of totals) and
    95% intervals: the answer a single run can give, before any counterfactual."""
    out = []
    for name in names or config.attribution.conventions:
        convention = resolve(config, name)
        measures = {}
        for measure in MEASURES:
            per_rep = [recorded_by_side(convention, row, measure) for row in rows]
            totals = [row[measure] for row in rows]
            sides = []
            for side in (*convention.players, UNATTRIBUTED, "necessary"):
                values = ([row.get(f"{measure}_kind_necessary", 0.0) for row in rows] if side == "necessary"
                          else [rep.get(side, 0.0) for rep in per_rep])
                sides.append({"side": side, "label": side_label(side, convention.base), "recorded": t_interval(values),
                              "recorded_share": ratio_interval(values, totals)})
            measures[measure] = {"rows": sides, "total": t_interval(totals)}
        out.append({"convention": name, "description": convention.description, "base": convention.base,
                    "players": list(convention.players), "items": dict(convention.sides), "measures": measures})
    return out


# --- one item at a time -----------------------------------------------------------------------

@dataclass(frozen=True)
class Removal:
    """One finer counterfactual: a step made instant, a pool or staff team made unlimited, the
    council budget lifted, or needs that never grow while waiting."""

    what: str
    """step, pool, staff, budget, escalation or bounce."""
    name: str
    owner: str
    variant: Variant
    change: str = "unlimited"
    """instant (a step), no handover (a placement step: its place is the pool's), unlimited, or
    none (no escalations, no bounce-backs)."""

    @property
    def label(self) -> str:
        return f"{self.what}:{self.name}"


def removals(config: Config) -> list[Removal]:
    """Every step on some pathway made instant (a placement step only if it has a handover to
    remove; its place is the pool's), then every pool, then every staff team made unlimited, then
    the council's annual budget lifted, then needs that never grow while waiting."""
    used = {name for graph in config.pathways.values() for name in graph}
    out = []
    owners = {item.key: item.owner for item in config_items(config)}
    for name, step in config.steps.items():
        if name not in used or (isinstance(step, PlacementStep) and all(  # a handover in no council's either
                getattr(steps[name], "handover", None) is None for _, steps in config.step_sets())):
            continue
        change = "no handover" if isinstance(step, PlacementStep) else "instant"
        out.append(Removal("step", name, step.owner, Variant(instant_steps=frozenset({name})), change))
    for name in config.pools:
        out.append(Removal("pool", name, owners[f"pool:{name}"], Variant(unlimited_pools=frozenset({name}))))
    for name in config.staff:
        out.append(Removal("staff", name, owners[f"staff:{name}"], Variant(unlimited_staff=frozenset({name}))))
    if config.has_council_budget:
        out.append(Removal("budget", "council_budget", "social_care", Variant(unlimited_budget=True)))
    if config.deconditioning is not None:
        out.append(Removal("escalation", "deconditioning", config.deconditioning.owner,
                           Variant(no_deconditioning=True), "none"))
    for name, step in config.steps.items():
        if name in used and step.bounce_back is not None:
            out.append(Removal("bounce", name, step.bounce_back.owner, Variant(no_bounce_backs=frozenset({name})),
                               "none"))
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

