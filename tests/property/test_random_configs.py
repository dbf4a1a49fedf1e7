"""Property-based tests over randomly generated configs.

Valid configs (random beds, demand, groups, distributions, staff, schedules, pools, step graphs,
budgets, surges): every run finishes without an exception, accounts for every patient, never
holds more beds than there are (counted from the patient records), never keeps anyone queueing
for a place while one is free, tiles every delay exactly with the ledger, and gives the same
arrays for the same seed. Invalid configs (a random valid one with one field broken):
the command line always exits 2 with a message naming the field, never a traceback.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discharge_sim.analysis.metrics import council_metric, replication_metrics
from discharge_sim.cli import main
from discharge_sim.config import config_from_dict
from discharge_sim.model.replication import run_replication
from discharge_sim.vocabulary import ASSESSORS, KINDS
from tests.helpers import max_concurrent

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
OWNERS = ("hospital", "nhs_community", "social_care", "patient_family", "other")
CODES = ("A", "B", "C", "Di", "Dii", "E", "F", "G", "I", "other")


@st.composite
def durations(draw: Any, unit: str = "hours", low: float = 0.2, high: float = 30.0) -> dict[str, Any]:
    family = draw(st.sampled_from(("lognormal", "gamma", "exponential", "fixed")))
    mean = draw(st.floats(low, high, allow_nan=False))
    d: dict[str, Any] = {"distribution": family, f"mean_{unit}": round(mean, 3)}
    if family in ("lognormal", "gamma"):
        d[f"sd_{unit}"] = round(mean * draw(st.floats(0.2, 1.5)), 3)
    return d


@st.composite
def windows(draw: Any) -> list[dict[str, Any]]:
    days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True))
    start = draw(st.integers(0, 20))
    end = draw(st.integers(start + 1, 24))
    return [{"days": days, "start_hour": start, "end_hour": end}]


@st.composite
def valid_configs(draw: Any) -> dict[str, Any]:
    beds = draw(st.integers(3, 40))
    per_day = draw(st.floats(0.5, 12.0))
    days = draw(st.integers(10, 40))
    n_groups = draw(st.integers(1, 2))
    shares = [1.0] if n_groups == 1 else [0.5, 0.5]
    groups = {}
    for g in range(n_groups):
        mix = draw(st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4).filter(lambda v: sum(v) > 0.1))
        total = sum(mix)
        mix = [round(v / total, 6) for v in mix]
        mix[0] = round(1.0 - sum(mix[1:]), 6)
        groups[f"g{g}"] = {"emergency_share": shares[g], "elective_share": shares[g],
                           "length_of_stay": draw(durations("days", 0.3, 6.0)),
                           "pathway_mix": {p: max(v, 0.0) for p, v in enumerate(mix)}}
    # Shares may not sum to exactly 1 after rounding and clipping: renormalise pathway 0.
    for g in groups.values():
        mix = g["pathway_mix"]
        mix[0] = max(0.0, 1.0 - sum(v for p, v in mix.items() if p))
        if abs(sum(mix.values()) - 1.0) > 1e-9:
            g["pathway_mix"] = {0: 1.0}
    schedules = {f"sched{i}": draw(windows()) for i in range(2)}
    staff = {f"team{i}": {"owner": draw(st.sampled_from(OWNERS)), "count": draw(st.integers(1, 4)),
                          "schedule": f"sched{i}", "hourly_cost_gbp": draw(st.integers(0, 50))} for i in range(2)}
    pools = {}
    for i in range(2):
        places = draw(st.integers(1, 15))
        pools[f"pool{i}"] = {
            "owner": draw(st.sampled_from(OWNERS)), "dtoc_code": draw(st.sampled_from(CODES)), "places": places,
            "length_of_stay": draw(durations("days", 0.5, 20.0)),
            "community_referrals_per_day": round(draw(st.floats(0.0, 1.0)), 3),
            "initial_residents": draw(st.integers(0, places)),
            "weekly_cost_gbp": draw(st.integers(0, 1000)), "funded_share": round(draw(st.floats(0, 1)), 3),
            "contract": draw(st.sampled_from(("spot", "block"))), "payer": "council",
        }
    steps: dict[str, Any] = {}
    for i in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(("delay", "session", "staffed", "placement")))
        base = {"type": kind, "owner": draw(st.sampled_from(OWNERS)),
                "kind": draw(st.sampled_from(("process", "capacity"))), "dtoc_code": draw(st.sampled_from(CODES)),
                "probability": round(draw(st.floats(0.0, 1.0)), 3),
                "necessary_hours": draw(st.sampled_from((0.0, 0.0, 0.5, 2.0)))}
        if kind == "delay":
            base["duration"] = draw(durations())
            if draw(st.booleans()):
                base["schedule"] = "sched0"
        elif kind == "session":
            base["sessions"] = {"days": draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True)),
                                "hours": [draw(st.integers(0, 23))], "weekday_probability": 0.9,
                                "weekend_probability": 0.5, "every_weeks": draw(st.integers(1, 2))}
        elif kind == "staffed":
            base["staff"] = draw(st.sampled_from(sorted(staff)))
            base["duration"] = draw(durations())
        else:
            share = round(draw(st.floats(0.0, 1.0)), 3)
            base["pools"] = {"pool0": share, "pool1": round(1.0 - share, 3)}
            if draw(st.booleans()):
                base["search"] = draw(durations("days", 0.1, 5.0))
                base["search_probability"] = round(draw(st.floats(0, 1)), 3)
            if draw(st.booleans()):
                base["handover"] = draw(durations())
                base["schedule"] = "sched1"
        if kind != "session" and draw(st.booleans()):  # its work assesses the patient, perhaps shared
            base["assessment"] = {"by": draw(st.sampled_from(ASSESSORS)), "repeated_share": round(draw(st.floats(0, 1)), 3),
                                  "shared": draw(st.booleans())}
        if draw(st.booleans()):  # its work may come back for missing information
            base["bounce_back"] = {"probability": round(draw(st.floats(0, 1)), 3), "rework": draw(durations()),
                                   "owner": draw(st.sampled_from(OWNERS)), "kind": "process",
                                   "dtoc_code": draw(st.sampled_from(CODES)),
                                   **draw(st.sampled_from(({}, {"schedule": "sched0"})))}
        steps[f"s{i}"] = base
    names = list(steps)
    pathways = {}
    for p in range(4):
        chosen = draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
        # Each step waits for some of the steps chosen before it: always a DAG.
        pathways[p] = {name: draw(st.lists(st.sampled_from(chosen[:k]), unique=True, max_size=2)) if k else []
                       for k, name in enumerate(chosen)}
    raw: dict[str, Any] = {
        "name": "random",
        "run": {"days": days, "warmup_days": draw(st.integers(0, days - 1)), "seed": draw(st.integers(0, 10**6))},
        "hospital": {"beds": beds, "when_full": draw(st.sampled_from(("board", "turn_away"))),
                     **draw(st.sampled_from(({}, {"fitness_review_hour": draw(st.integers(0, 23))}, {"declaration": {
                         "days": draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True)),
                         "hours": [draw(st.integers(0, 23))], "weekday_probability": 0.9,
                         "weekend_probability": 0.6}})))},
        "emergency": {"admissions_per_day": round(per_day, 3),
                      "day_of_week_profile": [round(draw(st.floats(0.5, 1.5)), 3) for _ in range(7)]},
        "elective": {"admissions_per_weekday": {"mon": draw(st.integers(0, 3)), "wed": draw(st.integers(0, 3))}},
        "groups": groups, "schedules": schedules, "staff": staff, "pools": pools, "steps": steps,
        "pathways": pathways,
    }
    if draw(st.booleans()):
        raw["emergency"]["surges"] = [{"start_day": draw(st.integers(0, days)), "days": draw(st.integers(1, 20)),
                                       "factor": round(draw(st.floats(0.5, 2.0)), 3)}]
    if draw(st.booleans()):
        raw["finance"] = {"acute_bed_day_cost_gbp": 395, "financial_year_starts_day": draw(st.integers(0, 364))}
        if draw(st.booleans()):
            # Small enough to run out within a short run: a place commits its fee x mean stay.
            raw["pools"]["pool0"]["weekly_cost_gbp"] = draw(st.integers(200, 1000))
            raw["pools"]["pool0"]["funded_share"] = round(draw(st.floats(0.5, 1.0)), 3)
            raw["finance"]["council_budget"] = {
                "annual_gbp": draw(st.integers(200, 60_000)), "pools": ["pool0"],
                "when_spent": draw(st.sampled_from(("wait", "tighten", "overspend")))}
            if raw["finance"]["council_budget"]["when_spent"] == "overspend" and draw(st.booleans()):
                sessions = [n for n, st_ in steps.items() if st_["type"] == "session"]
                raw["finance"]["council_budget"]["rationing"] = {  # a fee freeze at least, so it changes something
                    "package_factor": round(draw(st.floats(0.5, 1.0)), 3), "fee_factor": round(draw(st.floats(0.5, 0.99)), 3),
                    **({"panel_step": sessions[0], "panel_factor": round(draw(st.floats(0.2, 1.0)), 3)} if sessions else {})}
        if draw(st.booleans()):
            raw["finance"]["year_end"] = {"council_budget_gbp": draw(st.integers(1000, 10**6)),
                                          "council_reserves_gbp": draw(st.integers(0, 10**5)),
                                          "nhs_budget_gbp": draw(st.integers(1000, 10**6))}
    # The patient's course and capacity over the year, each on or off.
    hazards = st.dictionaries(st.integers(0, 3), st.floats(0.0, 0.5), max_size=3)
    if draw(st.booleans()):
        raw["planning"] = {"set_after_admission_hours": draw(st.integers(0, 48)),
                           "error_mean_days": round(draw(st.floats(-2, 2)), 3), "error_sd_days": draw(st.integers(0, 3)),
                           "lead_hours": {name: draw(st.integers(0, 96)) for name in names if draw(st.booleans())}}
    if draw(st.booleans()):
        raw["deaths"] = {"daily_hazard_by_pathway": draw(hazards)}
    if draw(st.booleans()):
        raw["deconditioning"] = {"daily_hazard_by_pathway": {p: h for p, h in draw(hazards).items() if p < 3},
                                 "owner": draw(st.sampled_from(OWNERS)), "kind": draw(st.sampled_from(("process", "capacity"))),
                                 "dtoc_code": draw(st.sampled_from(CODES))}
    if draw(st.booleans()):
        raw["readmissions"] = {"probability_by_pathway": {p: min(h, 1.0) for p, h in draw(hazards).items()},
                               "extra_probability_per_delay_day": round(draw(st.floats(0, 0.1)), 3),
                               "within_days": draw(st.integers(10, 30)), "days_to_return": draw(durations("days", 0.5, 10.0))}
    if draw(st.booleans()):
        raw["hospital"]["bed_changes"] = [{"start_day": draw(st.integers(0, days)), "days": draw(st.integers(1, 20)),
                                           "beds": draw(st.integers(-beds + 1, 10).filter(bool))}]
    if draw(st.booleans()):
        raw["staff"]["team0"]["absence_rate"] = round(draw(st.floats(0, 0.5)), 3)
        raw["staff"]["team0"]["count_by_weekday"] = {"sat": draw(st.integers(0, 4)), "sun": draw(st.integers(0, 4))}
        raw["staff"]["team1"]["changes"] = [{"start_day": draw(st.integers(0, days)), "days": draw(st.integers(1, 10)),
                                             "members": draw(st.integers(1, 3))}]
    if draw(st.booleans()):
        raw["pools"]["pool1"]["admission_schedule"] = "sched0"
    if draw(st.booleans()) and raw["pools"]["pool0"]["places"] > 1:
        raw["pools"]["pool0"]["exits"] = [{"day": draw(st.integers(0, days)),
                                           "places": draw(st.integers(1, raw["pools"]["pool0"]["places"] - 1))}]
    if draw(st.booleans()):
        raw["pools"]["pool1"]["hospital_priority"] = True
        raw["pools"]["pool1"]["market"] = {"reference_occupancy": round(draw(st.floats(0, 0.95)), 3),
                                           "occupancy_elasticity": round(draw(st.floats(0, 2)), 3)}
    if draw(st.booleans()):  # two home councils, the second with its own team, pool or step setting
        near = {g: round(draw(st.floats(0, 1)), 3) for g in raw["groups"]}
        far: dict[str, Any] = {"share_by_group": {g: round(1 - v, 3) for g, v in near.items()}}
        if draw(st.booleans()):
            far["staff"] = {"team0": "team1"}
        if draw(st.booleans()):
            far["pools"] = {"pool0": "pool1"}
        if draw(st.booleans()):
            far["steps"] = {draw(st.sampled_from(names)): {"probability": round(draw(st.floats(0, 1)), 3)}}
        raw["councils"] = {"near": {"share_by_group": near}, "far": far}
        finance = raw.get("finance") or {}
        if finance.get("council_budget") and draw(st.booleans()):  # each council its own budget, and year end
            budget = finance.pop("council_budget")
            for council in raw["councils"].values():  # the pools its residents use, after its own replace the config's
                council["budget"] = {**budget, "annual_gbp": max(1, budget["annual_gbp"] // 2),
                                     "pools": [council.get("pools", {}).get(p, p) for p in budget["pools"]]}
                council["year_end"] = {"budget_gbp": draw(st.integers(1000, 10**6)), "reserves_gbp": draw(st.integers(0, 10**5))}
            finance["year_end"] = {"nhs_budget_gbp": draw(st.integers(1000, 10**6))}
    return raw


PROPERTY_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(valid_configs())
def test_any_valid_config_runs_conserves_tiles_and_repeats(raw):
    config = config_from_dict(raw)
    r = run_replication(config, 0)
    p = r.patients
    hi = r.horizon_hours
    admitted = ~np.isnan(p["admitted"])
    waiting = ~admitted & ~p["cancelled"]
    # Every arrival is exactly one of: cancelled (elective) or turned away (emergency), waiting, admitted.
    assert not np.any(p["cancelled"] & admitted)
    assert np.all(~p["cancelled"] | p["elective"] | (config.hospital.when_full == "turn_away"))
    assert not np.any(waiting & p["elective"])  # electives never wait
    if config.hospital.when_full == "turn_away":
        assert not waiting.any()  # nobody boards in a loss system
    assert waiting.sum() == r.final_state["emergencies_waiting"]
    # Times run in order: arrival <= admission <= ready <= departure <= horizon.
    ready_known = ~np.isnan(p["ready"])
    assert np.all(p["admitted"][admitted] >= p["arrival"][admitted])
    assert np.all(ready_known <= admitted) and np.all(p["ready"][ready_known] >= p["admitted"][ready_known])
    departed = ~np.isnan(p["departure"])
    assert np.all(admitted[departed]) and np.all(ready_known[departed])
    assert np.all(p["departure"][departed] >= p["ready"][departed]) and np.all(p["departure"][departed] <= hi)
    assert (admitted & ~departed).sum() == r.final_state["beds_in_use"]
    # Beds are never over capacity, counted from the records (not from the bed counter, which
    # cannot count past its capacity).
    end = np.where(departed, p["departure"], hi)
    # Rounded to a microhour: a bed freed by a timeout of (departure - now) fires at a time that can
    # differ from the recorded departure by a rounding step, and the next patient is admitted then.
    most_beds = max(open_beds for _, open_beds in config.hospital.open_beds())
    assert max_concurrent(np.round(p["admitted"][admitted], 6), np.round(end[admitted], 6)) <= most_beds
    # Deaths and escalations happen only to patients found ready, at or after that; readmissions
    # follow a first stay that left alive, within its window.
    assert np.all(departed[p["died"]])
    up = ~np.isnan(p["escalated_at"])
    assert np.all(p["escalated_at"][up] >= p["ready"][up]) and np.all(p["final_pathway"][up] > p["pathway"][up])
    back = p["readmission_of"] >= 0
    assert np.all(departed[p["readmission_of"][back]]) and not p["died"][p["readmission_of"][back]].any()
    # Nobody queues for a place while one is free: at every midnight with a queue, the pool is full.
    for name, pool in config.pools.items():
        queued = r.pools_daily[f"{name}_queue"] > 0
        days_ = r.pools_daily["day"]
        places = pool.places - np.asarray([sum(e.places for e in pool.exits if e.day <= d) for d in days_], dtype=float)
        # (After a provider leaves, places still held by patients waiting to move in are kept, so a
        # pool can stay above its new size until they are freed.)
        assert np.all(r.pools_daily[f"{name}_in_use"][queued] >= places[queued]), name
        assert np.all(r.pools_daily[f"{name}_in_use"] <= pool.places), name
    # The ledger tiles every delay exactly: no gap, no overlap.
    s = r.segments
    assert np.all(s["end"] >= s["start"])
    ready = p["ready"]
    delayed = ~np.isnan(ready) & (ready < hi)
    totals = np.bincount(s["patient"], weights=s["end"] - s["start"], minlength=p["id"].size)
    np.testing.assert_allclose(totals[delayed], (end - ready)[delayed], rtol=0, atol=1e-6)
    assert np.all(totals[~delayed] == 0)
    # Necessary hours are the last of their step's work: never longer than the step's necessary_hours,
    # and only where it has some. Being found ready never comes before being clinically ready.
    necessary = s["kind"] == KINDS.index("necessary")
    limit = np.asarray([getattr(config.steps.get(name), "necessary_hours", 0.0) for name in r.step_names])
    assert np.all(s["end"][necessary] - s["start"][necessary] <= limit[s["step"][necessary]] + 1e-9)
    assert np.all(p["ready"][ready_known] >= p["clinically_ready"][ready_known])
    # The council's budget never goes below zero, and approves nothing while a year's budget is spent.
    approvals = r.budget_approvals
    budget = config.finance.council_budget if config.finance is not None else None
    if budget is not None and budget.when_spent != "overspend":
        assert np.all(approvals[:, 2] >= 0)
        for start, stop in r.budget_spells:
            assert not np.any((approvals[:, 0] > start) & (approvals[:, 0] < stop))
    elif budget is not None:  # an overspending council never refuses, and nobody waits for its budget
        assert r.money.get("budget_refusals", 0.0) == 0.0 and r.money.get("budget_waiting_at_end", 0.0) == 0.0
        assert "council_budget" not in {r.step_names[k] for k in np.unique(r.segments["step"])}
    if r.money and "council_position_gbp" in r.money:  # positions and reserves balance, council by council
        own = any(c.year_end is not None for c in config.councils.values())
        for prefix in ([f"council.{c}." for c in config.councils] if own else [""]):
            m = {k[len(prefix):]: v for k, v in r.money.items() if k.startswith(prefix)}
            assert m["council_reserves_used_gbp"] + m["council_unfunded_overspend_gbp"] == pytest.approx(
                max(0.0, -m["council_position_gbp"]), abs=1e-6)
    # Little's law over the whole run: the engine's own count of delayed patients agrees with the records.
    if became := int((ready_known & (p["ready"] < hi)).sum()):
        ends = np.minimum(end, hi)[ready_known & (p["ready"] < hi)]
        waits = ends - p["ready"][ready_known & (p["ready"] < hi)]
        assert r.delayed_area_hours == pytest.approx(waits.sum(), rel=1e-9, abs=1e-6), became
    # Each home council's residents' figures, and each council's money, add up to the trust's.
    if config.councils:
        m = replication_metrics(r)
        for key in ("admissions", "discharges", "delayed_discharges", "delayed_bed_days", "dtoc_delayed_days",
                    *(("council_spend_gbp",) if "council_spend_gbp" in m else ())):
            parts = sum(m[council_metric(c, key)] for c in config.councils)
            assert parts == pytest.approx(m[key], rel=1e-9, abs=1e-6), key
    # Same seed, same numbers.
    again = run_replication(config, 0)
    for key, column in p.items():
        np.testing.assert_array_equal(column, again.patients[key])
    for key, column in s.items():
        np.testing.assert_array_equal(column, again.segments[key])


BREAKS: tuple[tuple[str, Any, str], ...] = (
    ("hospital.beds", -3, "hospital.beds"),
    ("hospital.beds", "many", "hospital.beds"),
    ("hospital.when_full", "explode", "hospital.when_full"),
    ("hospital.bedz", 5, "hospital.bedz"),
    ("emergency.admissions_per_day", -1.0, "emergency.admissions_per_day"),
    ("emergency.surges", [{"start_day": 1, "days": 5, "factor": 0}], "emergency.surges"),
    ("run.days", 0, "run.days"),
    ("run.warmup_days", 10**6, "warmup_days"),
    ("groups.g0.length_of_stay.distribution", "pareto", "groups.g0.length_of_stay"),
    ("groups.g0.pathway_mix", {0: 0.3}, "groups.g0.pathway_mix"),
    ("pools.pool0.places", 0, "pools.pool0.places"),
    ("pools.pool0.funded_share", 1.5, "pools.pool0.funded_share"),
    ("pools.pool1.contract", "lease", "pools.pool1.contract"),
    ("staff.team0.count", 0, "staff.team0.count"),
    ("staff.team1.schedule", "night_shift", "staff.team1.schedule"),
    ("steps.s0.owner", "council", "steps.s0.owner"),
    ("steps.s0.probability", 2.0, "steps.s0.probability"),
    ("steps.s0.necessary_hours", -1.0, "steps.s0.necessary_hours"),
    ("hospital.declaration", {"days": ["mon"], "hours": [25]}, "hospital.declaration.hours"),
    ("attribution.conventions", ["fair"], "unknown convention 'fair'"),
    ("attribution.custom", {"mine": {"steps": {"nowhere": "hospital"}}}, "attribution.custom.mine.steps"),
    ("schedules.sched0", [{"days": ["mon"], "start_hour": 18, "end_hour": 9}], "schedules.sched0"),
    ("finance.acute_bed_day_cost_gbp", -5, "finance.acute_bed_day_cost_gbp"),
    ("finance.council_budget", {"annual_gbp": 100, "pools": ["nowhere"]}, "finance.council_budget.pools"),
    ("planning.lead_hours", {"nowhere": 5}, "planning.lead_hours"),
    ("deaths.daily_hazard_by_pathway", {7: 0.1}, "deaths.daily_hazard_by_pathway"),
    ("deconditioning.daily_hazard_by_pathway", {3: 0.1}, "deconditioning.daily_hazard_by_pathway"),
    ("readmissions.probability_by_pathway", {1: 3}, "readmissions"),
    ("staff.team0.changes", [{"start_day": 0, "days": 5, "members": 0}], "staff.team0.changes"),
    ("pools.pool0.admission_schedule", "nowhere", "pools.pool0.admission_schedule"),
)


def _set(raw: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    node = raw
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(valid_configs(), st.sampled_from(BREAKS))
def test_any_broken_config_exits_2_naming_the_field(tmp_path, capsys, raw, broken):
    dotted, value, named = broken
    if dotted.startswith("finance.") and "finance" not in raw:
        raw["finance"] = {"acute_bed_day_cost_gbp": 395}
    _set(raw, dotted, value)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    capsys.readouterr()
    status = main(["check", str(path)])
    err = capsys.readouterr().err
    assert status == 2, err
    assert "Traceback" not in err and err.startswith("discharge-sim: error:")
    assert named in err, (named, err)
