"""Verification against queueing theory: cases with known answers, run on the simulation engine.

Each case is a small config whose answer is known exactly: Erlang B blocking for a loss system,
Erlang C waiting for an M/M/c bed queue, the M/M/c queue for downstream care places, a two-stage
tandem with blocking solved exactly as a Markov chain, and Little's law for delayed patients in a
full config. The simulated value of each replication is a plain number; a case passes when the
known value lies in the simulated mean's confidence interval at a Bonferroni-adjusted level (so
that all cases together wrongly fail less than 5% of the time), or, for Little's law, which holds
exactly in every run, when every replication agrees to rounding.

Pure functions and module-level measures (picklable for worker processes); nothing here touches
files.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.analysis.statistics import t_interval
from discharge_sim.analysis.theory import erlang_b, mmc_mean_wait, tandem_with_blocking
from discharge_sim.config import Config, config_from_dict
from discharge_sim.model.replication import ReplicationResult, run_replication
from discharge_sim.vocabulary import HOURS_PER_DAY

FAMILY_ERROR = 0.05
"""Chance that all interval cases together fail when the engine is right (Bonferroni)."""
LITTLE_TOLERANCE = 1e-6
"""Little's law holds exactly in every run over [0, horizon] (nobody is delayed at time 0, and
delays still running at the horizon count up to it); what is left is floating-point rounding."""


# --- the cases ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """One verification case: a config, a measure of each replication and its known value."""

    name: str
    what: str
    """The quantity, in words, with its unit."""
    source: str
    """Where the known value comes from."""
    expected: float
    config: Config
    measure: str
    """Key of MEASURES: how one replication's value is read from its result."""
    replications: int
    rule: str = "interval"
    """interval: the known value lies in the adjusted interval; exact: every replication is within
    expected x (1 +/- LITTLE_TOLERANCE)."""


def _turned_away(r: ReplicationResult) -> float:
    return replication_metrics(r)["turned_away_share"]


def _boarding_wait_hours(r: ReplicationResult) -> float:
    m = replication_metrics(r)
    return m["boarding_hours"] / m["emergency_arrivals"]


def _delay_days(r: ReplicationResult) -> float:
    return replication_metrics(r)["mean_delay_hours_per_discharge"] / HOURS_PER_DAY


def _delayed_beds(r: ReplicationResult) -> float:
    return replication_metrics(r)["mean_delayed_beds"]


def _little_ratio(r: ReplicationResult) -> float:
    """lambda x W over L for delayed patients over the whole run [0, horizon]: lambda the rate at
    which patients became ready and W their mean delay (up to the horizon for those still delayed),
    from the patient records; L the time-average number of delayed patients in beds, integrated
    by the engine itself as patients became ready and left their beds."""
    p = r.patients
    hi = r.horizon_hours
    ready = p["ready"]
    became = ~np.isnan(ready) & (ready < hi)
    end = np.where(np.isnan(p["departure"]), hi, np.minimum(p["departure"], hi))
    rate = became.sum() / hi  # per hour
    wait = float(np.mean(end[became] - ready[became]))  # hours
    number = r.delayed_area_hours / hi
    return rate * wait / number


MEASURES: dict[str, Callable[[ReplicationResult], float]] = {
    "turned_away": _turned_away,
    "boarding_wait_hours": _boarding_wait_hours,
    "delay_days": _delay_days,
    "delayed_beds": _delayed_beds,
    "little_ratio": _little_ratio,
}


def _hospital(beds: int, per_day: float, stay: Mapping[str, Any], days: float, warmup: float,
              when_full: str, pathway: int = 0) -> dict[str, Any]:
    """A one-group hospital with Poisson emergencies and no profile, all on one pathway."""
    return {
        "name": "validation",
        "run": {"days": days, "warmup_days": warmup},
        "hospital": {"beds": beds, "when_full": when_full},
        "emergency": {"admissions_per_day": per_day},
        "groups": {"all": {"emergency_share": 1.0, "length_of_stay": dict(stay), "pathway_mix": {pathway: 1.0}}},
        "pathways": {pathway: {}},
    }


def _downstream(raw: dict[str, Any], places: int, care_days: float) -> dict[str, Any]:
    """Every patient needs a place in one pool of ``places`` with exponential stays, nothing else."""
    raw["pools"] = {"care": {"owner": "social_care", "dtoc_code": "Di", "places": places, "initial_residents": 0,
                             "length_of_stay": {"distribution": "exponential", "mean_days": care_days}}}
    raw["steps"] = {"care_place": {"type": "placement", "owner": "social_care", "kind": "capacity",
                                   "dtoc_code": "Di", "pools": {"care": 1.0}}}
    raw["pathways"] = {3: {"care_place": []}}
    return raw


def cases(little_config: Config, quick: bool = False) -> list[Case]:
    """Every case; ``quick`` shortens the runs (for tests), at the cost of wider intervals."""
    scale = 0.25 if quick else 1.0
    reps = 6 if quick else 10
    out: list[Case] = []
    stay = {"distribution": "lognormal", "mean_days": 4.0, "sd_days": 3.0}
    for load in (85, 90, 95):
        out.append(Case(
            f"erlang_b_{load}", f"share of emergencies turned away, 100 beds, offered load {load} (lognormal stays)",
            "Erlang B formula; blocking does not depend on the stay distribution (insensitivity)",
            erlang_b(100, load),
            config_from_dict(_hospital(100, load / 4.0, stay, 4000 * scale, 40, "turn_away")),
            "turned_away", reps))
    c, per_day, stay_days = 20, 17.0, 1.0
    out.append(Case(
        "erlang_c_beds", f"mean hours an emergency waits for a bed, M/M/{c}, {per_day:g} a day, 1-day stays",
        "Erlang C formula: Wq = C(c, a) / (c mu - lambda)",
        mmc_mean_wait(c, per_day / HOURS_PER_DAY, 1.0 / (stay_days * HOURS_PER_DAY)),
        config_from_dict(_hospital(c, per_day, {"distribution": "exponential", "mean_days": stay_days},
                                   4000 * scale, 20, "board")),
        "boarding_wait_hours", reps))
    for places in (22, 25):
        raw = _downstream(_hospital(200, 1.0, {"distribution": "exponential", "mean_days": 2.0},
                                    36000 * scale, 400, "board", pathway=3), places, 20.0)
        out.append(Case(
            f"mmc_care_places_{places}",
            f"mean days a ready patient waits for one of {places} care places (1 a day, 20-day stays)",
            "Erlang C formula for M/M/c: ready times are Poisson (Poisson admissions, ample beds)",
            mmc_mean_wait(places, 1.0, 1.0 / 20.0), config_from_dict(raw), "delay_days", reps))
    arrival, acute_days, beds, care_days, places = 2.0, 4.0, 10, 2.0, 4
    exact = tandem_with_blocking(arrival, 1.0 / acute_days, beds, 1.0 / care_days, places)
    raw = _downstream(_hospital(beds, arrival, {"distribution": "exponential", "mean_days": acute_days},
                                20000 * scale, 100, "turn_away", pathway=3), places, care_days)
    tandem = config_from_dict(raw)
    source = (f"exact solution of the Markov chain (states: in acute care, blocked in a bed, in a place); "
              f"{beds} beds, {arrival:g} arrivals a day, {acute_days:g}-day acute stays, {places} places, "
              f"{care_days:g}-day care")
    out.append(Case("tandem_turned_away", "share of emergencies turned away by the full hospital (tandem)",
                    source, exact["turned_away"], tandem, "turned_away", reps))
    out.append(Case("tandem_blocked_beds", "mean beds held by patients waiting for a place (tandem)",
                    source, exact["mean_blocked"], tandem, "delayed_beds", reps))
    out.append(Case(
        "littles_law", f"lambda x W / L for delayed patients in {little_config.name} (each run)",
        "Little's law L = lambda W, exact over [0, horizon] when nobody is delayed at time 0 and delays "
        "running at the horizon count up to it; L from the engine's own event-by-event count, lambda and W "
        "from the patient records", 1.0, little_config, "little_ratio", 3 if quick else 5,
        rule="exact"))
    return out


CASE_STREAMS = 10_000
"""Case k's replication r draws the streams of replication k x CASE_STREAMS + r, so that cases with
the same structure (every case has Poisson emergencies) do not share their random numbers."""


def shared_runs(chosen: list[Case]) -> list[list[int]]:
    """Indices of the cases, grouped so that cases measuring the same config (the two tandem
    measures) are simulated once; a group draws the streams of its first case."""
    groups: list[list[int]] = []
    for i, case in enumerate(chosen):
        for group in groups:
            first = chosen[group[0]]
            if first.config is case.config and first.replications == case.replications:
                group.append(i)
                break
        else:
            groups.append([i])
    return groups


def simulate_cases(group: list[Case], index: int, replication: int, seed: int) -> list[float]:
    """One replication of the config the cases share, measured for each; ``index`` picks the streams."""
    result = run_replication(group[0].config, index * CASE_STREAMS + replication, seed=seed)
    return [float(MEASURES[case.measure](result)) for case in group]


def simulate_case(case: Case, index: int, replication: int, seed: int) -> float:
    """One replication's value of case number ``index``."""
    return simulate_cases([case], index, replication, seed)[0]


def judge(case: Case, values: list[float], n_interval_cases: int) -> dict[str, Any]:
    """The row of the validation table for one case."""
    ci = t_interval(values)
    row: dict[str, Any] = {
        "case": case.name, "what": case.what, "source": case.source, "expected": case.expected,
        "simulated": ci["mean"], "ci_low": ci["ci_low"], "ci_high": ci["ci_high"],
        "replications": len(values), "rule": case.rule,
    }
    if case.rule == "exact":
        low, high = case.expected * (1 - LITTLE_TOLERANCE), case.expected * (1 + LITTLE_TOLERANCE)
        row.update(pass_low=low, pass_high=high, passed=all(low <= v <= high for v in values))
        return row
    level = 1.0 - FAMILY_ERROR / max(n_interval_cases, 1)
    wide = t_interval(values, level)
    row.update(pass_low=wide["ci_low"], pass_high=wide["ci_high"],
               passed=bool(wide["ci_low"] <= case.expected <= wide["ci_high"]))
    if not all(math.isfinite(v) for v in values):
        row["passed"] = False
    return row


COLUMNS = ("case", "what", "expected", "simulated", "ci_low", "ci_high", "pass_low", "pass_high", "replications",
           "rule", "passed", "source")


def csv_columns(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """validation.csv: a row per case; ``passed`` as pass or fail."""
    return {k: [("pass" if row[k] else "fail") if k == "passed" else row[k] for row in rows] for k in COLUMNS}
