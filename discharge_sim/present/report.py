"""A report a trust board can read: report.md and a self-contained report.html from a results folder.

The report is built once as a list of blocks (headings, paragraphs, tables, figures) and rendered
twice. Every number in it is read from the folder's files (summary.json, attribution.json,
dtoc.csv, the manifest's config as run); each table cell that shows a result names, in the HTML,
the file, scenario, metric and statistic it came from, so the report can be checked against the
results cell by cell. Figures are embedded in the HTML as data, so it opens offline anywhere.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from discharge_sim.analysis.capacity import NEAR_FULL, bed_load, pool_loads
from discharge_sim.analysis.policy import COST_PER_DAY, POLICY_MEASURES
from discharge_sim.config import changed_settings, config_from_dict
from discharge_sim.config.schema import empirical_moments
from discharge_sim.io.folders import ResultsFolder, numbers
from discharge_sim.io.formats import write_text_atomic
from discharge_sim.present.answer import Answer, answer_lines, answer_of, per_year
from discharge_sim.present.blocks import (
    Block,
    Bullets,
    Cell,
    FigureBlock,
    Heading,
    Paragraph,
    Table,
    result_cell,
    to_html,
    to_markdown,
)
from discharge_sim.present.figures import INDEX, draw_all, read_index
from discharge_sim.present.fix_first import fix_first, fix_first_heading
from discharge_sim.present.formats import FORMATS, count, decimal, interval_text, money, share
from discharge_sim.present.labels import HEADLINE
from discharge_sim.present.scenarios import scenarios_of
from discharge_sim.version import __version__

RESULT_ROWS: tuple[tuple[str, str, str], ...] = (
    *((metric, label if metric == "delayed_bed_days" else f"{label}, bed-days", "count") for metric, label in HEADLINE),
    ("delayed_bed_days_after_ready_day_hospital", "After the ready day only: hospital-internal, bed-days", "count"),
    ("delayed_bed_days_after_ready_day_social_care_capacity", "After the ready day only: social-care capacity, "
     "bed-days", "count"),
    ("delayed_bed_days_after_ready_day", "After the ready day only: total, bed-days", "count"),
    ("mean_delayed_beds", "Beds held by delayed patients (mean)", "decimal"),
    ("occupancy", "Mean bed occupancy", "share"),
    ("delayed_discharge_share", "Discharges leaving after their ready date", "share"),
    ("mean_delay_days_of_delayed", "Mean delay of those, days past the ready date", "decimal"),
    ("delayed_bed_days_kind_necessary", "Necessary process within the delay (unavoidable minimum), bed-days",
     "count"),
    ("pre_declaration_bed_days", "Pre-declaration: clinically ready, not yet found ready (the hospital's, not in "
     "the delay), bed-days", "count"),
    ("no_longer_benefiting_bed_days", "No longer benefiting from acute care (pre-declaration plus delay), bed-days",
     "count"),
    ("dtoc_delayed_days_per_month", "DToC-style delayed days per month", "count"),
    ("dtoc_uncounted_days_per_month", "Hospital-internal days a month the DToC statistic did not count", "count"),
    ("boarding_hours", "Emergency hours waiting for a bed", "count"),
    ("cancelled_electives", "Cancelled elective admissions", "count"),
    ("weekend_discharge_ratio", "Weekend discharges a day, over weekday ones", "decimal"),
    ("before_noon_discharge_share", "Discharges before noon", "share"),
    ("deaths_while_waiting", "Deaths in hospital while waiting", "count"),
    ("escalations", "Patients whose needs grew while waiting (escalations)", "count"),
    ("readmissions", "Emergency readmissions", "count"),
    ("readmission_rate", "Readmissions over discharges", "share"),
    ("assessments_per_patient", "Assessments per patient found ready", "decimal"),
    ("assessed_by_several_organisations_share", "Patients assessed by two or more organisations", "share"),
    ("repeated_assessment_hours", "Assessment hours asking again what another organisation asked", "count"),
    ("shared_assessment_hours_saved", "Assessment hours saved by shared assessments", "count"),
    ("bounce_backs", "Referrals and assessments that came back for missing information", "count"),
    ("delayed_bed_day_cost_gbp", "NHS cost of delayed bed-days", "money"),
    ("council_spend_gbp", "Council spend on placements and discharge staff", "money"),
    ("nhs_spend_gbp", "NHS spend on placements and discharge staff", "money"),
    ("placement_spend_self_gbp", "Paid by people for their own care", "money"),
    ("budget_spent_days", "Days the council's budget for new placements was spent (waiting or rationing)",
     "decimal"),
    ("budget_overcommitted_gbp", "Council commitments past its budget for new placements", "money"),
    ("council_position_gbp", "Council year-end position (budget less spend; negative: overspend)", "money"),
    ("council_reserves_used_gbp", "Council reserves used", "money"),
    ("council_unfunded_overspend_gbp", "Council overspend its reserves cannot cover", "money"),
    ("nhs_position_gbp", "NHS year-end position (budget less spend; negative: deficit)", "money"),
    ("nhs_deficit_carried_forward_gbp", "NHS deficit carried forward (negative: surplus)", "money"),
    ("pooled_overspend_gbp", "Pooled fund spend past its cap", "money"),
    ("pooled_overspend_nhs_gbp", "of which borne by the NHS (risk share)", "money"),
)
"""Rows of the results table: metric, label, format; a row no scenario has (money without a
finance section) is left out, and so is an outcome no scenario models (all zero)."""
OUTCOMES = frozenset({"deaths_while_waiting", "escalations", "readmissions", "readmission_rate",
                      "shared_assessment_hours_saved"})


def result_cells(source: str, scenario: str, metric: str, ci: Mapping[str, float], kind: str) -> list[Cell]:
    fmt = FORMATS[kind]
    return [Cell(fmt(ci.get("mean", math.nan)), source, scenario, metric, "mean"),
            Cell(interval_text(ci, fmt), source, scenario, metric, "interval")]


# --- the report's content -----------------------------------------------------------------------

QUESTION = (
    "When patients who are medically fit for discharge stay in hospital beds, how much of that delay comes from "
    "the hospital's own processes (ward-round sign-off, discharge summaries, medicines, transport, assessments), "
    "and how much from a lack of social-care capacity (home-care packages, reablement, care-home places)? "
    "Hospitals tend to blame social care; social care says most delay is internal to hospitals. This report "
    "answers the question for the configuration below with a discrete-event simulation that records every "
    "delayed bed-hour with its cause, and, where counterfactual runs were made, with how much delay each side "
    "really causes."
)


def build(folder: Path) -> list[Block]:
    """The report of a results folder as blocks."""
    r = ResultsFolder(folder)
    if r.kind not in ("run", "compare", "sweep", "attribute"):
        from discharge_sim.io.storage import OutputError

        raise OutputError(f"{folder}: a {r.kind} folder has no report; report works on run, compare, sweep and "
                          "attribute results")
    blocks: list[Block] = [Heading(f"Delayed discharge: who causes the delay? {_title(r)}", 1)]
    m = r.manifest
    blocks.append(Paragraph(
        f"{_kind_words(r)} Produced by discharge-sim {m.get('version', __version__)}; finished "
        f"{m.get('finished', 'unknown')}; seed {m.get('seed')}; {m.get('replications')} replication(s) of "
        f"{r.config['run']['days']:g} days, the first {r.config['run'].get('warmup_days', 0):g} discarded as "
        f"warm-up. Command: `{' '.join(m.get('command', []))}`."))
    blocks += [Heading("The question"), Paragraph(QUESTION)]
    blocks += [Heading("Key findings"), *findings(r)]
    blocks += [Heading("The model in plain words"), *model_words(r.config)]
    blocks += [Heading("Parameters"), *parameter_tables(r.config), *differences_from_first(r)]
    blocks += [Heading("Results"), *result_blocks(r)]
    blocks += [Heading(fix_first_heading(r)), *fix_first(r, scenarios_of(r)[0])]
    blocks += [Heading("Figures"), *figure_blocks(folder)]
    blocks += [Heading("Assumptions and limitations"), limitations(r)]
    blocks += [Heading("Appendix: model documentation (STRESS-DES)"), *stress_des(r)]
    return blocks


def _title(r: ResultsFolder) -> str:
    if r.kind == "compare":
        configs = r.summary["configs"]
        if len(configs) > 3:
            return f"comparison of {len(configs) - 1} scenarios with {configs[0]}"
        return f"comparison of {' and '.join(configs)}"
    if r.kind == "sweep":
        return f"sweep of {r.name} over {', '.join(r.summary['settings'])}"
    if r.kind == "attribute":
        return f"counterfactual attribution, {r.name}"
    return r.name


def _ci_words(ci: dict[str, float], fmt: Callable[[float], str]) -> str:
    interval = interval_text(ci, fmt)
    return fmt(ci.get("mean", math.nan)) + ("" if interval == "-" else f" (95% interval {interval})")


def answer_blocks(a: Answer) -> list[Block]:
    """The answer in words, from present.answer.answer_lines: a paragraph per convention with a point
    per measure, then what is not in the figures, which measure national statistics use, and what a
    share is (once, for the whole report)."""
    lines = answer_lines(a.conventions, a.window_days, a.counterfactual, a.national_measure, a.pre_declaration,
                         define_share=False, missed_rounds=a.missed_rounds)
    if a.counterfactual:
        benchmark = all(game.get("against") == "benchmark" for game in a.conventions)
        changed = "brought to the benchmark the config declares" if benchmark else "removed"
        intro = (f"Who causes the delay. For each convention, the run was repeated with every combination of its "
                 f"sides {changed}, under the same random numbers; a side's share is its exact Shapley value, its "
                 "effect averaged over every order of changing the sides. The tables under Results give each number "
                 "with its interval (source: attribution.json).")
    else:
        intro = ("Who the delay is recorded against: the ledger's split under each convention (source: "
                 "summary.json). A label is not a cause: removing one bottleneck can move patients to queue at "
                 "another; `discharge-sim attribute` runs the counterfactuals that say who causes the delay. The "
                 "tables under Results give each number with its interval.")
    blocks: list[Block] = [Paragraph(intro)]
    i = 0
    for game in a.conventions:
        n = len(game["measures"])
        blocks.append(Paragraph(lines[i].strip()))
        blocks.append(Bullets(tuple(line.strip() for line in lines[i + 1:i + 1 + n])))
        i += 1 + n
    rest = [line.strip() for line in lines[i:]]
    national = a.measure_words(a.national_measure)
    rest.append(f"National statistics (NHS England's discharge-delay data) count delay as {national} "
                f"(`{a.national_measure}`); the other measure counts every delayed hour, the hours of the ready day "
                "itself included.")
    definition = a.share_definition.split(":", 1)[-1].strip() if a.share_definition else (
        "a side's bed-days summed over replications over the total summed over replications")
    rest.append(f"Every share of delayed bed-days in this report is a ratio of totals: {definition}.")
    blocks.append(Paragraph(" ".join(rest)))
    return blocks


def findings(r: ResultsFolder) -> list[Block]:
    """The answer to the question, first, from the numbers of the tables below it; then a few notes."""
    answer = answer_of(r)
    blocks: list[Block] = answer_blocks(answer) if answer is not None else []
    items = []
    for _, label, m in r.keyed_scenarios()[: 1 if r.kind in ("attribute", "sweep") else None]:
        total = m["delayed_bed_days"]["mean"]
        parts = [(m[f"delayed_bed_days_{key}"]["mean"], words) for key, words in (
            ("hospital", "hospital-internal steps"), ("social_care_capacity", "social-care capacity"),
            ("social_care_process", "social-care process"), ("nhs_community", "NHS community services"),
            ("patient_family", "patients and families")) if f"delayed_bed_days_{key}" in m]
        parts.sort(reverse=True)
        where = f"{label}: " if r.kind == "compare" else ""
        owners = ("" if answer is None else "By owner in the run as configured, before any convention: "
                  if r.kind == "attribute" else "By owner, before any convention: ")
        text = (f"{where}{owners}{_ci_words(m['delayed_bed_days'], count)} delayed bed-days in the "
                f"{r.measured_days:g} measured days, {decimal(m['mean_delayed_beds']['mean'])} beds on average "
                "held by patients found ready for discharge.")
        if len(parts) >= 2:
            text += (f" The ledger charges {share(parts[0][0] / total if total else math.nan)} of them to "
                     f"{parts[0][1]} and {share(parts[1][0] / total if total else math.nan)} to {parts[1][1]};")
        text += (f" hospital-internal steps hold "
                 f"{share(_ratio(m, 'delayed_bed_days_hospital', 'delayed_bed_days'))} of all delayed hours but "
                 f"{share(_ratio(m, 'delayed_bed_days_after_ready_day_hospital', 'delayed_bed_days_after_ready_day'))}"
                 " of the hours after the ready day.")
        pre = m.get("pre_declaration_bed_days")
        if answer is None and pre:
            text += (f" A further {_ci_words(pre, count)} bed-days passed between becoming clinically ready and "
                     "being found ready at a board round (pre-declaration time: the hospital's, not in the delay).")
        items.append(text)
    if r.kind == "compare":
        base = r.summary["baseline"]
        for other in r.summary["configs"][1:]:
            d = r.summary["differences"][other]["delayed_bed_days"]
            sure = "a real difference" if d.get("excludes_zero") == 1.0 else "not distinguishable from no difference"
            items.append(f"{other} against {base}: {_ci_words(d, count)} delayed bed-days, {sure} at 95%.")
    if r.kind == "sweep":
        points = r.summary["points"]
        best = min(points, key=lambda p: p["metrics"]["delayed_bed_days"]["mean"])
        worst = max(points, key=lambda p: p["metrics"]["delayed_bed_days"]["mean"])
        def settings(p: dict[str, Any]) -> str:
            return ", ".join(f"{k} = {v}" for k, v in p["settings"].items())
        items.append(f"Fewest delayed bed-days at point {best['point']} ({settings(best)}): "
                     f"{_ci_words(best['metrics']['delayed_bed_days'], count)}; most at point {worst['point']} "
                     f"({settings(worst)}): {_ci_words(worst['metrics']['delayed_bed_days'], count)}.")
    if answer is None:
        items.append("Every share of delayed bed-days in this report is a ratio of totals: a cause's bed-days "
                     "summed over replications over all delayed bed-days summed over replications.")
    blocks.append(Bullets(tuple(items)))
    return blocks


def _ratio(m: dict[str, dict[str, float]], part: str, whole: str) -> float:
    den = m.get(whole, {}).get("mean", math.nan)
    return m.get(part, {}).get("mean", math.nan) / den if den else math.nan


def policy_blocks(r: ResultsFolder) -> list[Block]:
    """The one-page policy comparison: a row per scenario, paired differences from the baseline."""
    t = r.table("policy.csv")
    measures = [(key, label) for key, label in POLICY_MEASURES
                if f"{key}_difference" in t and np.isfinite(numbers(t[f"{key}_difference"])).any()]
    table = Table(f"Policy comparison: each scenario minus {r.summary['baseline']} (paired, common random numbers), "
                  "mean and 95% interval, and the extra public spend per delayed bed-day avoided (source: policy.csv)",
                  ["scenario", *[label for _, label in measures], "£ per delayed bed-day avoided"])
    for i, scenario in enumerate(t["scenario"]):
        cells = [Cell(str(scenario))]
        for key, _ in measures:
            fmt = money if key.endswith("_gbp") else count
            ci = {stat: numbers(t[f"{key}_{col}"][i:i + 1])[0]
                  for stat, col in (("mean", "difference"), ("ci_low", "ci_low"), ("ci_high", "ci_high"))}
            interval = interval_text(ci, fmt)
            text = fmt(ci["mean"]) + ("" if interval == "-" else f" ({interval})")
            cells.append(Cell(text, "policy.csv", str(scenario), f"{key}_difference", "value"))
        cost = numbers(t[COST_PER_DAY][i:i + 1])[0]
        cells.append(Cell(money(cost), "policy.csv", str(scenario), COST_PER_DAY, "value"))
        table.rows.append(cells)
    return [table, Paragraph(
        "£ per delayed bed-day avoided: the scenario's extra public spend (council and NHS, on placements and "
        "discharge staff) over the delayed bed-days it avoids; '-' where the fall in delayed bed-days is not clear "
        "of zero at 95%. Below the cost of a bed-day the change pays for itself in bed-days; negative, it saves "
        "money as well. Only what the model represents is costed: a scenario's set-up costs, and staff whose time "
        "the model does not count (ward doctors, panels), are not included.")]


def differences_from_first(r: ResultsFolder) -> list[Block]:
    """For compare and sweep: every setting in which a scenario's config differs from the first's
    (the parameter tables show the first)."""
    scenarios = r.manifest.get("scenarios") or []
    if r.kind not in ("compare", "sweep") or len(scenarios) < 2:
        return []
    table = Table(f"Settings that differ from the first scenario ({scenarios[0]['label']}), whose parameters are "
                  "shown above", ["scenario", "setting", "first scenario", "this scenario"])
    for sc in scenarios[1:]:
        for key, first, mine in changed_settings(scenarios[0]["config"], sc["config"]):
            table.rows.append([Cell(str(sc["label"])), Cell(key), Cell(setting_text(first)),
                               Cell(setting_text(mine))])
    return [table] if table.rows else []


def setting_text(value: Any) -> str:
    """A setting's value as a reader would write it: 0.25, Mon, Tue, Wed; 09:00 ... never a Python list."""
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(setting_text(v) for v in value) if value else "(none)"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {setting_text(v)}" for k, v in value.items()) if value else "(none)"
    return str(value)


def _kind_words(r: ResultsFolder) -> str:
    s = r.summary
    if r.kind == "compare":
        return (f"A paired comparison of {len(s['configs'])} configurations ({', '.join(s['configs'])}) under "
                "common random numbers.")
    if r.kind == "sweep":
        return f"A sweep of {r.name} over {', '.join(s['settings'])} ({len(s['points'])} points)."
    if r.kind == "attribute":
        doc = r.attribution if r.has("attribution.json") else {}
        removal = doc.get("against", "removal") == "removal"
        changed = ("removed (their steps instant but for their necessary hours; their staff teams, places and budget "
                   "unlimited)" if removal else "brought to the benchmark the config declares (what good peers "
                   "achieve)")
        games = "; ".join(f"{g['convention']}: {len(g['players'])} side(s), {len(g.get('runs') or {})} combinations"
                          for g in doc.get("conventions", []))
        runs = len(doc.get("scenarios") or s.get("metrics") or {})
        return (f"A counterfactual attribution of {r.name}: every replication run as configured and again with every "
                f"combination (coalition) of each convention's sides {changed}, under common random numbers, "
                f"{runs} distinct runs a replication ({games}); each side's share is its exact Shapley value.")
    conventions = ", ".join(g["convention"] for g in (s.get("answer") or {}).get("conventions", []))
    recorded = (f" The ledger's split is given under each convention ({conventions}); no counterfactual runs "
                "were made." if conventions else "")
    return f"Replications of {r.name}.{recorded}"


def model_words(config: dict[str, Any]) -> list[Block]:
    hospital, emergency = config["hospital"], config["emergency"]
    electives = sum((config.get("elective") or {}).get("admissions_per_weekday", {}).values())
    groups = config["groups"]
    pools = config.get("pools", {})
    steps = config.get("steps", {})
    places = ", ".join(f"{name}: {p['places']:,} places" for name, p in pools.items())
    conventions = ", ".join((config.get("attribution") or {}).get("conventions") or ["symmetric", "owner", "dtoc"])
    text = [
        f"A hospital of {hospital['beds']:,} general and acute beds admits about {emergency['admissions_per_day']:g} "
        f"emergency patients a day (more on weekdays and in the afternoon) and {electives:g} planned (elective) "
        "patients a week. An emergency patient without a free bed waits for one; a planned admission without one "
        "is cancelled.",
        f"Patients belong to {len(groups)} group(s) ({', '.join(groups)}), each with its own length of acute stay and "
        "its own mix of discharge pathways: 0 home, 1 home with support, 2 a short-term bed, 3 a care home.",
        f"Patients become clinically ready at any hour, when their acute stay ends, and are found ready "
        f"{_declaration_words(hospital)}. The time between is pre-declaration time: the hospital's, reported "
        "apart from the delay, which runs from being found ready (the discharge-ready date national statistics use).",
        f"Once found ready, a patient still occupies their bed until every step of their pathway is done. "
        f"The {len(steps)} steps are run by the hospital (summaries, medicines, assessments, transport), by "
        "NHS community services, by social care (assessments, funding panels, placements) or wait on the patient "
        "and family. Some run in parallel. Staffed steps queue for staff who work set hours.",
        f"Placements come from {len(pools)} pool(s) of places shared with people referred from the community "
        f"({places}); a place is held for the "
        "person's whole stay.",
        "Every hour a patient found ready spends in a bed is charged to exactly one item: the step on the critical "
        "path at that time, as waiting for a resource (capacity: a staff team, a pool of places, the council's "
        "budget) or the step's own work (process). " + _necessary_words(steps),
        "Which side (hospital, social care, NHS community, patient or family) each item counts against is a "
        f"convention, declared openly: this config reports {conventions}. Every split in this report says which "
        "convention produced it.",
    ]
    return [Paragraph(t) for t in text]


def clock(hour: float) -> str:
    """An hour of the day as 09:30."""
    minutes = round(hour * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _declaration_words(hospital: dict[str, Any]) -> str:
    """When patients are found ready (hospital.declaration, or its shorthand fitness_review_hour)."""
    hour = hospital.get("fitness_review_hour")
    if hour is not None:
        return f"at the board round at {clock(hour)} every day (never missed)"
    d = hospital.get("declaration")
    if not d:
        return "the moment their acute stay ends (no board round is set in hospital.declaration)"
    days = list(d.get("days") or [])
    when = "every day" if len(days) == 7 else ", ".join(days)
    hours = ", ".join(clock(h) for h in d.get("hours") or [])
    every = int(d.get("every_weeks", 1) or 1)
    weeks = f", every {every} weeks" if every > 1 else ""
    return (f"at the next board round that reviews them (hospital.declaration: {when} at {hours}{weeks}; a patient is "
            f"reviewed at a weekday round with probability {d.get('weekday_probability', 1):g} and at a weekend "
            f"round with probability {d.get('weekend_probability', 1):g}, and otherwise waits for the next)")


def _necessary_words(steps: dict[str, Any]) -> str:
    """The steps' necessary hours, in words."""
    necessary = [f"{name} {st['necessary_hours']:g} hours" for name, st in steps.items()
                 if st.get("necessary_hours")]
    if not necessary:
        return ("No step declares necessary hours (an unavoidable minimum of its work), so all of the delay counts "
                "as avoidable.")
    return (f"A step's necessary hours are the unavoidable minimum of its work ({', '.join(necessary)}): the last "
            "that many hours of its work are reported as necessary process, apart from avoidable delay, and a "
            "counterfactual that makes the step instant still takes them.")


def _distribution(d: dict[str, Any] | None) -> str:
    if not d:
        return "-"
    if d.get("distribution") == "empirical":
        unit = "days" if "quantiles_days" in d else "hours"
        q = d[f"quantiles_{unit}"]
        centre, spread = empirical_moments(q)
        return (f"empirical ({len(q) - 1} intervals, {q[0]:g} to {q[-1]:g} {unit}), mean {centre:.3g} {unit}, "
                f"sd {spread:.3g}")
    unit = "days" if "mean_days" in d else "hours"
    mean = d.get(f"mean_{unit}")
    sd = d.get(f"sd_{unit}")
    return f"{d['distribution']}, mean {mean:g} {unit}" + (f", sd {sd:g}" if sd is not None else "")


def _by_pathway(group: dict[str, Any]) -> str:
    """A group's stays by pathway, where they differ from its own."""
    by = group.get("length_of_stay_by_pathway") or {}
    return "".join(f"; pathway {p}: {_distribution(d)}" for p, d in sorted(by.items(), key=lambda kv: str(kv[0])))


def parameter_tables(config: dict[str, Any]) -> list[Block]:
    tables: list[Block] = []
    general = Table("General settings, as run", ["setting", "value"])
    for key, value in (("beds", config["hospital"]["beds"]),
                       ("found ready (hospital.declaration)", _declaration_words(config["hospital"])),
                       ("emergency admissions per day", f"{config['emergency']['admissions_per_day']:g}"),
                       ("days simulated", f"{config['run']['days']:g}"),
                       ("warm-up days", f"{config['run'].get('warmup_days', 0):g}"),
                       ("replications (config)", config["run"].get("replications")),
                       ("seed (config)", config["run"].get("seed"))):
        general.rows.append([Cell(key), Cell(str(value))])
    tables.append(general)
    groups = Table("Patient groups", ["group", "emergency share", "elective share", "acute length of stay",
                                      "pathway mix (0/1/2/3)"])
    for name, g in config["groups"].items():
        mix = "/".join(f"{g['pathway_mix'].get(str(p), g['pathway_mix'].get(p, 0)):g}" for p in range(4))
        groups.rows.append([Cell(name), Cell(f"{g.get('emergency_share', 0):g}"),
                            Cell(f"{g.get('elective_share', 0):g}"),
                            Cell(_distribution(g["length_of_stay"]) + _by_pathway(g)), Cell(mix)])
    tables.append(groups)
    if config.get("staff"):
        staff = Table("Staff teams", ["team", "owner", "count", "working hours"])
        for name, t in config["staff"].items():
            staff.rows.append([Cell(name), Cell(t["owner"]), Cell(str(t["count"])), Cell(t["schedule"])])
        tables.append(staff)
    if config.get("pools"):
        pools = Table("Placement pools", ["pool", "owner", "DToC code", "places", "length of stay",
                                          "community referrals per day"])
        for name, p in config["pools"].items():
            referrals = p.get("community_referrals_per_day", 0)
            pools.rows.append([Cell(name), Cell(p["owner"]), Cell(p["dtoc_code"]), Cell(f"{p['places']:,}"),
                               Cell(_distribution(p["length_of_stay"])), Cell(f"{referrals:g}")])
        tables.append(pools)
    steps = Table("Discharge steps", ["step", "type", "owner", "kind", "DToC code", "probability", "duration",
                                      "necessary hours"])
    for name, st in config.get("steps", {}).items():
        duration = st.get("duration") or st.get("handover")
        if st["type"] == "session":
            hours = ", ".join(clock(h) for h in st["sessions"]["hours"])
            what = f"sessions {', '.join(st['sessions']['days'])} at {hours}"
        elif st["type"] == "placement":
            search = f"; search {_distribution(st.get('search'))}" if st.get("search") else ""
            what = f"place in {', '.join(st['pools'])}{search}"
        else:
            what = _distribution(duration)
        steps.rows.append([Cell(name), Cell(st["type"]), Cell(st["owner"]), Cell(st["kind"]), Cell(st["dtoc_code"]),
                           Cell(f"{st.get('probability', 1):g}"), Cell(what),
                           Cell(f"{st.get('necessary_hours', 0) or 0:g}")])
    tables.append(steps)
    return tables


def result_blocks(r: ResultsFolder) -> list[Block]:
    answer = answer_of(r)
    blocks: list[Block] = split_blocks(answer) if answer is not None else []
    scenarios = r.keyed_scenarios()
    n = int(scenarios[0][2]["delayed_bed_days"]["n"])
    header = ["measure"]
    for _, label, _ in scenarios:
        header += [f"{label}: mean", f"{label}: 95% interval"] if len(scenarios) > 1 else ["mean", "95% interval"]
    table = Table(f"Results over the {r.measured_days:g} measured days, mean of {n} replication(s) with 95% "
                  "t-intervals (source: summary.json). 'After the ready day only' counts hours after midnight of "
                  "the discharge-ready date, as national figures do.", header)
    rows = [(metric, label, kind) for metric, label, kind in RESULT_ROWS
            if any(metric in metrics and (metric not in OUTCOMES or metrics[metric]["mean"])
                   for _, _, metrics in scenarios)]
    for metric, label, kind in rows:
        row = [Cell(label)]
        for scenario, _, metrics in scenarios:
            row += (result_cells("summary.json", scenario, metric, metrics[metric], kind) if metric in metrics
                    else [Cell("-"), Cell("-")])
        table.rows.append(row)
    if r.kind == "sweep":
        blocks.append(Paragraph("Points: " + "; ".join(
            f"point {p['point']}: " + ", ".join(f"{k} = {v}" for k, v in p["settings"].items())
            for p in r.summary["points"])))
    blocks.append(table)
    if r.kind == "compare":
        base = r.summary["baseline"]
        diff = Table(f"Paired differences from {base} (common random numbers; shares in percentage points; "
                     "source: summary.json)",
                     ["measure", *[h for label in r.summary["configs"][1:] for h in (f"{label}: difference",
                                                                                  f"{label}: 95% interval")]])
        for metric, label, kind in rows:
            row = [Cell(label)]
            for other in r.summary["configs"][1:]:
                d = r.summary["differences"][other].get(metric)
                shown = "points" if kind == "share" else kind
                row += (result_cells("summary.json#differences", other, metric, d, shown) if d
                        else [Cell("-"), Cell("-")])
            diff.rows.append(row)
        blocks.append(diff)
    if r.has("policy.csv"):
        blocks += policy_blocks(r)
    if r.has("dtoc.csv"):
        blocks.append(dtoc_table(r))
    if r.has("councils.csv"):
        blocks += council_blocks(r)
    return blocks


COUNCIL_REPORT = (("admissions", "admissions", count),
                  ("delayed_discharge_share", "share of discharges delayed", share),
                  ("mean_delay_days_of_delayed", "mean delay of those delayed (days)", decimal),
                  ("delayed_bed_days", "delayed bed-days", count),
                  ("delayed_bed_days_hospital", "of which owned by the hospital", count),
                  ("delayed_bed_days_nhs_community", "by NHS community services", count),
                  ("delayed_bed_days_social_care", "by social care", count),
                  ("delayed_bed_days_patient_family", "by patients and families", count),
                  ("dtoc_days_nhs", "DToC-style days over the period: NHS", count),
                  ("dtoc_days_social_care", "DToC-style days over the period: social care", count),
                  ("dtoc_days_both", "DToC-style days over the period: both", count))
"""The columns of the report's table by council: metric, heading and format."""
COUNCIL_MONEY_REPORT = (("council_spend_gbp", "council spend", money),
                        ("budget_spent_days", "days its budget was overcommitted", decimal),
                        ("council_position_gbp", "year-end position (negative: overspend)", money),
                        ("council_reserves_used_gbp", "reserves used", money))
"""The money columns of the table by council, where councils.csv has them."""


def council_blocks(r: ResultsFolder) -> list[Block]:
    """councils.csv as a table, a row per home council, with what the figures mean."""
    t = r.table("councils.csv")
    table = Table("By home council: each council's residents' admissions, delays and delayed bed-days over the "
                  "measured period, mean of the replications (sources: councils.csv, with 95% intervals there; each "
                  "council's DToC table is in dtoc_by_council.csv)",
                  ["council", *(heading for _m, heading, _f in COUNCIL_REPORT)])
    shown = [(metric, heading, fmt) for metric, heading, fmt in (*COUNCIL_REPORT, *COUNCIL_MONEY_REPORT)
             if metric in t]
    table.header = ["council", *(heading for _m, heading, _f in shown)]
    for i, council in enumerate(t["council"]):
        name = str(council)
        table.rows.append([Cell(name), *(Cell(fmt(numbers(t[metric][i:i + 1])[0]), "councils.csv", name, metric,
                                              "value") for metric, _h, fmt in shown)])
    return [table, Paragraph(
        "A patient's delay counts under their home council whoever caused it: a council's row shows the delays its "
        "residents had, split by who owns each stretch as the trust's figures are, not the delay the council caused. "
        "The councils' counts and bed-days add up to the trust's.")]


SPLIT_HEADER = {
    True: ["side", "recorded", "recorded 95% interval", "recorded share (95% interval)", "counterfactual",
           "counterfactual 95% interval", "counterfactual share (95% interval)", "alone (95% interval)",
           "difference (95% interval)"],
    False: ["side", "recorded", "95% interval", "share (95% interval)"],
}


def split_table(a: Answer, index: int, measure: str) -> Table:
    """One convention's split of one measure: a row per side, then the rest (unattributed, necessary,
    residual, interaction, total); every result cell names the JSON path it shows."""
    game = a.conventions[index]
    split = game["measures"][measure]
    total = split["total"]
    n = int(total.get("n", 0))
    national = "; the measure national statistics use" if measure == a.national_measure else ""
    kind = "recorded (ledger) and counterfactual (Shapley)" if a.counterfactual else "recorded (ledger)"
    source = a.where(index, measure)
    table = Table(f"The {game['convention']} convention, {a.measure_words(measure)} ({measure}{national}): "
                  f"{kind} delayed bed-days over the {a.window_days:g} measured days, "
                  f"{count(per_year(total.get('mean', math.nan), a.window_days))} a year in all, mean of {n} "
                  f"replication(s) with 95% intervals (source: {source.split('#')[0]}, {source.split('#')[1]})",
                  SPLIT_HEADER[a.counterfactual])
    for row in split["rows"]:
        side = str(row["side"])
        cells = [Cell(str(row["label"]))]
        cells += result_cells(source, side, "recorded", row["recorded"], "count")
        cells.append(result_cell(source, side, "recorded_share", row["recorded_share"], "share"))
        if a.counterfactual:
            cells += result_cells(source, side, "counterfactual", row["counterfactual"], "count")
            cells.append(result_cell(source, side, "counterfactual_share", row["counterfactual_share"], "share"))
            cells.append(result_cell(source, side, "alone", row["alone"], "count"))
            cells.append(result_cell(source, side, "difference", row["difference"], "signed"))
        table.rows.append(cells)
    if not any(row["side"] == "total" for row in split["rows"]):  # a run's split: the total is beside the rows
        table.rows.append([Cell("Total"), *result_cells(source, "total", "total", total, "count"), Cell("100.0%")])
    return table


def split_blocks(a: Answer) -> list[Block]:
    """Per convention: which convention it is (its description, its sides), then a table per measure;
    then what the columns and the rows after the sides mean."""
    blocks: list[Block] = [Paragraph(
        "Who causes the delay, by convention. A convention says which side each item of the config (a step, a "
        "staff team, a pool of places, the council's budget) counts against; every table below says which "
        "convention produced it, and the answer above is read from these tables.")]
    for index, game in enumerate(a.conventions):
        labels = {row["side"]: row["label"] for split in game["measures"].values() for row in split["rows"]}
        players = ", ".join(str(labels.get(p, p)) for p in game["players"]) or "none"
        text = f"The {game['convention']} convention: {game['description']}. Sides: {players}."
        if a.counterfactual:
            runs = game.get("runs") or {}
            changed = ("removed" if game.get("against", "removal") == "removal"
                       else "brought to the config's benchmark")
            text += (f" {len(runs) or 2 ** len(game['players'])} combinations of them run {changed} (every "
                     "coalition, the empty one included).")
            if game.get("left_out"):
                text += (f" No benchmark is declared for {', '.join(game['left_out'])}: left as configured, their "
                         "delay is in what is left when every side is changed.")
        blocks.append(Paragraph(text))
        blocks += [split_table(a, index, measure) for measure in game["measures"]]
    if a.counterfactual:
        blocks.append(Paragraph(
            "Recorded: the bed-days the ledger charges to the side's items under the convention. Counterfactual: "
            "the side's exact Shapley value. Alone: what changing the side on its own takes away. Difference: "
            "counterfactual minus recorded; where it is large, the labels mislead. Unattributed: recorded against no "
            "side by the convention. Necessary: the steps' unavoidable minimum (their necessary hours), part of the "
            "recorded total and of what is left. Left when every side is changed: the delay of the run with all the "
            "convention's sides changed. Interaction: what the sides take away together beyond the sum of what each "
            "takes away alone (positive: bottlenecks hide each other). The sides' counterfactual bed-days plus what "
            "is left make the total."))
    else:
        blocks.append(Paragraph(
            "Recorded: the bed-days the ledger charges to the side's items under the convention. Unattributed: "
            "recorded against no side by the convention. Necessary: the steps' unavoidable minimum (their necessary "
            "hours), reported apart from avoidable delay."))
    return blocks


def dtoc_table(r: ResultsFolder) -> Table:
    """dtoc.csv: reasons A to I, the total they make, and beside it hospital-internal ``other`` days,
    which the acute statistic never counted (no share: not in the total)."""
    t = r.table("dtoc.csv")
    table = Table("Delayed days per month by DToC reason and responsible organisation, counted at midnight as the "
                  "national statistic did (source: dtoc.csv). The total counts reasons A to I; 'other' "
                  "(hospital-internal delay, which the acute statistic never counted) is shown beside it, not in it.",
                  ["reason", "NHS", "Social care", "Both", "Total", "share of all"])
    for i, reason in enumerate(t["reason"]):
        name = str(reason)
        label = {"total": "total (counted)", "other": "other: hospital-internal, not counted"}.get(name, name)
        cells = [Cell(label)]
        for org in ("nhs", "social_care", "both", "total"):
            value = numbers(t[f"{org}_days_per_month"][i:i + 1])[0]
            cells.append(Cell(count(value), "dtoc.csv", name, f"{org}_days_per_month", "value"))
        cells.append(Cell(share(numbers(t["total_share"][i:i + 1])[0]), "dtoc.csv", name, "total_share", "value"))
        table.rows.append(cells)
    return table


def figure_blocks(folder: Path) -> list[Block]:
    """The figures listed in figures/figures.json (only figures of the catalogue, read from figures/),
    drawing them first if there is no list."""
    drawn = read_index(folder) if (folder / "figures" / INDEX).is_file() else draw_all(folder)
    return [FigureBlock(d.name, d.title, d.caption) for d in drawn]


def _money_words(r: ResultsFolder) -> str:
    """:func:`_budget_words` of the run's config, or of each scenario's where they differ."""
    scenarios = r.manifest.get("scenarios") or [{"label": r.name, "config": r.config}]
    said = {sc["label"]: _budget_words(sc["config"]) for sc in scenarios}
    if len(set(said.values())) <= 1:
        return next(iter(said.values()), "")
    return " Money, by scenario:" + "".join(f" {label}:{words}" for label, words in said.items())


def _budget_words(config: Mapping[str, Any]) -> str:
    """What the config's council budget (or each council's own) does once it is committed, in words;
    the older rules are labelled as not lawful."""
    finance = config.get("finance") or {}
    councils = config.get("councils") or {}
    budgets = ([("the council's", finance["council_budget"])] if finance.get("council_budget") else
               [(f"council {name}'s", c["budget"]) for name, c in councils.items() if c.get("budget")])
    words = ""
    if budgets:
        words = (" The council budget for new placements is modelled (each approval commits a year's expected cost)"
                 + (", each council its own." if len(budgets) > 1 else "."))
        for whose, budget in budgets:
            rule = budget.get("when_spent", "wait")
            if rule == "overspend":
                rationing = budget.get("rationing") or {}
                responses = [what for key, what in (("panel_factor", "a stricter panel"),
                                                    ("package_factor", "smaller packages"),
                                                    ("fee_factor", "a fee freeze"))
                             if rationing.get(key, 1.0) < 1.0]
                words += (f" Once {whose} budget is committed, it keeps funding eligible people and overspends"
                          + (f", rationing with {', '.join(responses)}." if responses else ", without rationing."))
            else:
                then = ("new funding waits for the next financial year" if rule == "wait"
                        else "eligible people are made to pay")
                words += (f" Once {whose} budget is spent, {then} (when_spent: {rule}): not lawful under the Care Act "
                          "(eligible needs must be met); kept only to compare with earlier results.")
    elif finance.get("pooled_budget"):
        words = " A pooled NHS and council fund pays for placements" + (
            " up to its cap, with spend past it shared by the risk-share agreement." if finance["pooled_budget"].get(
                "cap_gbp") else ", with no cap.")
    elif finance:
        words = " No annual council budget limits new placements in this config."
    else:
        return " Money is not modelled in this config (it has no finance section)."
    if finance.get("year_end"):
        words += (" Each organisation's year-end position compares its spend in the model with the budget the config "
                  "gives it, pro rata over the measured days; delayed bed-days are costed beside the NHS's position, "
                  "not in it.")
    return words


def _capacity_words(r: ResultsFolder) -> str:
    """What changes over the year in this config: beds, staff rosters and absence, surges."""
    config = r.config
    staff = (config.get("staff") or {}).values()
    said = []
    if (config.get("hospital") or {}).get("bed_changes"):
        said.append("beds open and close on the dates hospital.bed_changes gives")
    if any(s.get("count_by_weekday") or s.get("changes") for s in staff):
        said.append("staff rosters change by weekday or date as the config gives")
    if any(s.get("absence_rate") for s in staff):
        said.append("staff are absent at the daily rates the config gives")
    if (config.get("emergency") or {}).get("surges"):
        said.append("emergency demand surges as the config gives")
    if not said:
        return (" Beds and staff are the same every day of the year (no absence, no escalation beds), and demand has "
                "no seasonal pattern beyond the weekly one.")
    return " In this config " + "; ".join(said) + "; nothing else changes over the year."


def _patient_words(r: ResultsFolder) -> str:
    """Which of the patient's own course the config models: planning ahead, deaths, deconditioning,
    readmissions."""
    config = r.config
    modelled = [words for key, words in (
        ("planning", "discharge work planned ahead of the ready date"),
        ("deaths", "deaths while waiting"),
        ("deconditioning", "needs that grow while waiting (escalation to the next pathway)"),
        ("readmissions", "emergency readmissions"),
    ) if config.get(key)]
    missing = [words for key, words in (
        ("planning", "no discharge work starts before the ready date"),
        ("deaths", "nobody dies while waiting"),
        ("deconditioning", "nobody's needs grow while waiting"),
        ("readmissions", "nobody is readmitted"),
    ) if not config.get(key)]
    text = "Modelled: " + ", ".join(modelled) + ". " if modelled else ""
    if missing:
        text += "Not modelled in this config: " + "; ".join(missing) + " (each would move delay between the sides)."
    return text.strip()


def limitations(r: ResultsFolder) -> Bullets:
    items = [
        "Every number is a model output, not an observation: it is as good as the inputs in the parameter tables, "
        "most of which are assumptions or national averages rather than this trust's own data.",
        "Intervals are 95% t-intervals across replications: they show simulation noise, not uncertainty in the "
        "inputs. Scenarios share random numbers, so their paired differences are more precise than their levels.",
        "The recorded split charges each delayed hour to the item (step, staff team, pool, budget) on the critical "
        "path, and a convention says which side each item counts against. It is not the delay a side causes: "
        "removing one bottleneck can move patients to queue at another (see the counterfactual attribution, "
        "discharge-sim attribute).",
        "Which side an item counts against is a convention, not a finding: the report gives the split under each "
        "convention and says which produced each figure. The owner convention sets the hospital's process and "
        "capacity against social care's capacity alone and is not even-handed; it is kept for comparison.",
        "The delay runs from the moment a patient is found ready at a board round. The time before that, from "
        "becoming clinically ready, is pre-declaration time: the hospital's, reported apart and in no side's "
        "delay. A step's necessary hours (its unavoidable minimum) are reported apart from avoidable delay and "
        "stay when a counterfactual removes the step.",
        "DToC-style counts count patients delayed at midnight, as the national statistic did; same-day hold-ups do "
        "not appear in them, though they hold beds.",
        "Placement pools start full, in steady state, and take referrals from the community at constant rates."
        + _capacity_words(r) + _money_words(r),
        _patient_words(r),
    ]
    n = int(r.manifest.get("replications") or 0)
    if n < 10:
        items.append(f"Only {n} replication(s) were run: intervals are wide; run more for a board decision.")
    negative = sorted({*(label for _, _, m in r.keyed_scenarios() for metric, label, _ in RESULT_ROWS
                         if metric not in SIGNED and _below_zero(m.get(metric))), *_attribution_below_zero(r)})
    if negative:
        items.append("Some 95% intervals of quantities that cannot be negative reach below zero ("
                     + "; ".join(negative) + "): the replications vary too much for a t-interval; run more.")
    warmup = float(r.config["run"].get("warmup_days", 0.0))
    suggested = _mser_warmup(r)
    if suggested is not None and suggested > warmup:
        items.append(f"The warm-up discarded {warmup:g} days, but MSER-5 on this run's daily bed occupancy suggests "
                     f"{suggested:g}: the first measured days may still be filling up, which biases delay low. Run "
                     "discharge-sim warmup and set run.warmup_days.")
    scenarios = r.manifest.get("scenarios") or [{"label": r.name, "config": r.config}]
    hot: list[str] = []
    full: list[str] = []
    for index, sc in enumerate(scenarios):
        try:
            config = config_from_dict(sc["config"])
        except Exception:  # pragma: no cover - a config as run always validates
            continue
        where = f"point {index}: " if r.kind == "sweep" else (f"{sc['label']}: " if len(scenarios) > 1 else "")
        beds = bed_load(config)
        if beds.near or beds.full:
            full.append(f"{where}{beds.beds:,} beds for at least {beds.total:,.0f} ({beds.utilisation:.0%})")
        for name, load in pool_loads(config).items():
            if load.utilisation >= 0.95:
                grows = ", a queue that grows for as long as the run lasts" if load.unstable else ""
                hot.append(f"{where}{name} ({load.utilisation:.0%} of places{grows})")
    if hot and r.kind != "attribute":
        items.append("Pools loaded at 95% of their places or more have queues that vary widely between replications "
                     "and, at 100% or more, depend on the run length: " + "; ".join(dict.fromkeys(hot)) + ".")
    elif hot:
        items.append("Pools loaded at 95% of their places or more have queues that vary widely between replications: "
                     + "; ".join(dict.fromkeys(hot)) + ".")
    if full:
        items.append(
            f"The hospital's expected bed load is more than {NEAR_FULL:.0%} of its beds: "
            + "; ".join(dict.fromkeys(full)) + ". The load is admissions a day times the acute stay and the discharge "
            "steps' own times, leaving out every wait, so the true load is higher still. Near capacity, occupancy "
            "stays near 100% and boarding hours and cancelled electives vary widely between replications; at 100% "
            "or more, beds never free up, and those counts grow with the run length rather than settling.")
    return Bullets(tuple(items))


SIGNED = frozenset({"council_position_gbp", "nhs_position_gbp", "nhs_deficit_carried_forward_gbp"})
"""Results that can be negative by their nature (a position, a deficit carried forward)."""


def _below_zero(ci: Any) -> bool:
    """An interval (of a quantity that cannot be negative) whose lower end is below zero."""
    return isinstance(ci, dict) and ci.get("ci_low", 0.0) < 0


def _attribution_below_zero(r: ResultsFolder) -> list[str]:
    """Rows of the convention tables whose recorded bed-days, or whose counterfactual delay left when every
    side is changed (or total), have an interval reaching below zero (a Shapley value, an interaction or a
    difference may be negative; these may not)."""
    answer = answer_of(r)
    if answer is None:
        return []
    found = []
    for game in answer.conventions:
        for measure, split in game["measures"].items():
            where = f"{game['convention']} convention, {answer.measure_words(measure)}"
            for row in split["rows"]:
                if _below_zero(row.get("recorded")):
                    found.append(f"{row['label']}, recorded ({where})")
                if (answer.counterfactual and row.get("side") in ("residual", "total")
                        and _below_zero(row.get("counterfactual"))):
                    found.append(f"{row['label']}, counterfactual ({where})")
    return found


def _mser_warmup(r: ResultsFolder) -> float | None:
    """MSER-5's warm-up for the daily occupancy in occupancy.csv (first scenario), or None."""
    if not r.has("occupancy.csv"):
        return None
    from discharge_sim.analysis.warmup import daily_means, mser

    t = r.columns("occupancy.csv", ("day", "beds_occupied", "replication"),
                  (r.scenario_column,) if r.scenario_column else ())
    rows = r.first_scenario_rows(t)
    days = t["day"][rows]
    full = days < math.floor(float(r.config["run"]["days"]))
    day, mean = daily_means(t["beds_occupied"][rows][full], days[full], t["replication"][rows][full])
    if day.size < 20:
        return None
    return float(mser(mean).truncation_days)


def stress_des(r: ResultsFolder) -> list[Block]:
    """The STRESS-DES checklist (Monks et al. 2019), filled from the config and the manifest."""
    c, m = r.config, r.manifest
    run = c["run"]
    deps = ", ".join(f"{k} {v}" for k, v in (m.get("dependencies") or {}).items() if v)
    rows = [
        ("1.1 Purpose of the model", "Attribute delayed discharge (patients found ready for discharge still in "
         "acute beds) to the sides that cause it (hospital-internal process and capacity, social care, NHS "
         "community care, patients and families) under declared conventions, recorded and counterfactually, and "
         "test scenarios that change them."),
        ("1.2 Model outputs", "Delayed bed-days, all hours and only days after the discharge-ready date (the "
         "national measure), by side under each convention (symmetric, owner, dtoc or the config's own), by owner, "
         "kind, step and DToC reason; necessary process and pre-declaration bed-days reported apart; the "
         "counterfactual (Shapley) split per convention; occupancy, boarding hours, cancelled electives; "
         "delay-length distribution; all with 95% intervals."),
        ("1.3 Experimentation aims", _kind_words(r)),
        ("2.1 Base model overview", "Patients arrive (emergency: non-homogeneous Poisson; elective: booked by "
         "weekday), occupy a bed, become clinically ready at the end of their acute stay, are found ready at a "
         "board round (hospital.declaration), then pass through their pathway's discharge steps before leaving; "
         "see 'The model in plain words'."),
        ("2.2 Base model logic", "Each pathway is a graph of steps run in parallel where they do not depend on each "
         "other; the patient leaves when every step is done. Staffed steps queue for staff in working hours; "
         "placements queue for a place shared with community referrals."),
        ("2.3 Scenario logic", f"Kind of experiment: {r.kind}. Scenarios differ only in their configs (or, for "
         "attribute, in counterfactual switches: every coalition of a convention's sides removed, or brought to the "
         "config's declared benchmark); the configs as run are in manifest.json."),
        ("2.4 Algorithms", "Critical-path attribution of every delayed hour to one item (ledger), each item counted "
         "against a side by a declared convention; for the counterfactual split, exact Shapley values over the "
         "convention's n sides from all 2^n coalitions run under common random numbers, each coalition's sides "
         "removed (steps instant but for their necessary hours, staff, places and budget unlimited) or brought to "
         "a declared benchmark; shares as ratios of totals with delta-method intervals; MSER-5 for warm-up; "
         "Student t intervals."),
        ("2.5 Components", f"Entities: patients ({len(c['groups'])} groups). Resources: {c['hospital']['beds']} beds, "
         f"{len(c.get('staff', {}))} staff team(s), {len(c.get('pools', {}))} placement pool(s). Activities: "
         f"{len(c.get('steps', {}))} discharge steps. Queues: emergency patients for beds, patients for staff and "
         "places (first come, first served)."),
        ("3.1 Data sources", "Published national figures (docs/reference-figures.md), cited in the config's comments; "
         "the rest are stated assumptions."),
        ("3.2 Pre-processing", "None: distributions are given by mean and standard deviation in the config."),
        ("3.3 Input parameters", "See the parameter tables above; the full config as run is in manifest.json."),
        ("3.4 Assumptions", "See 'Assumptions and limitations'."),
        ("4.1 Initialisation", f"Hospital empty at time 0, placement pools full in steady state; a warm-up of "
         f"{run.get('warmup_days', 0):g} days is discarded (discharge-sim warmup suggests one by MSER-5)."),
        ("4.2 Run length", f"{run['days']:g} days in all, {r.measured_days:g} measured."),
        ("4.3 Estimation approach", f"{m.get('replications')} independent replications, rule "
         f"'{m.get('replication_rule', 'fixed')}'; means with 95% t-intervals"
         + ("; common random numbers across scenarios, paired differences." if r.kind != "run" else ".")),
        ("5.1 Software", f"Python {m.get('python', '')}; discharge-sim {m.get('version', __version__)}; {deps}."),
        ("5.2 Random sampling", f"numpy Generator (PCG64) streams, one per source of variation, spawned from one "
         f"SeedSequence per replication of seed {m.get('seed')}."),
        ("5.3 Model execution", "Discrete-event simulation (SimPy); replications run "
         + (f"on the Dask cluster at {m['execution']['scheduler']}" if "scheduler" in (m.get("execution") or {})
            else f"on {(m.get('execution') or {}).get('workers', 1)} local worker process(es)") + "."),
        ("5.4 System specification", "Results do not depend on the machine or the number of workers (the same seed "
         "gives byte-identical files)."),
        ("6.1 Computer model sharing", "discharge-sim is open source; the command, configs as run and the "
         "experiment hash in manifest.json reproduce these results exactly."),
    ]
    table = Table("STRESS-DES checklist", ["item", "description"])
    for item, text in rows:
        table.rows.append([Cell(item), Cell(text)])
    return [table]


def write_report(folder: Path) -> tuple[Path, Path]:
    """Write report.md and report.html into ``folder`` (drawing the figures first if none are there)."""
    blocks = build(folder)
    md, page = folder / "report.md", folder / "report.html"
    write_text_atomic(md, to_markdown(blocks))
    write_text_atomic(page, to_html(blocks, folder))
    return md, page
