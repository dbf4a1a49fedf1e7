"""A report a trust board can read: report.md and a self-contained report.html from a results folder.

The report is built once as a list of blocks (headings, paragraphs, tables, figures) and rendered
twice. Every number in it is read from the folder's files (summary.json, attribution.json,
dtoc.csv, the manifest's config as run); each table cell that shows a result names, in the HTML,
the file, scenario, metric and statistic it came from, so the report can be checked against the
results cell by cell. Figures are embedded in the HTML as data, so it opens offline anywhere.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from discharge_sim.analysis.capacity import NEAR_FULL, bed_load, pool_loads
from discharge_sim.analysis.policy import COST_PER_DAY, POLICY_MEASURES
from discharge_sim.config import config_from_dict, flatten
from discharge_sim.io.folders import ResultsFolder, numbers
from discharge_sim.io.formats import write_text_atomic
from discharge_sim.present.blocks import (
    Block,
    Bullets,
    Cell,
    FigureBlock,
    Heading,
    Paragraph,
    Table,
    to_html,
    to_markdown,
)
from discharge_sim.present.figures import INDEX, draw_all, read_index
from discharge_sim.present.labels import HEADLINE
from discharge_sim.version import __version__

# --- number formats ---------------------------------------------------------------------------

def count(value: float) -> str:
    if not math.isfinite(value):
        return "-"
    text = f"{value:,.0f}"
    return "0" if text == "-0" else text  # no "-0" from rounding a small negative


def share(value: float) -> str:
    return "-" if not math.isfinite(value) else f"{value:.1%}"


def decimal(value: float) -> str:
    return "-" if not math.isfinite(value) else f"{value:,.2f}"


def points(value: float) -> str:
    """A difference of two shares, in percentage points."""
    return "-" if not math.isfinite(value) else f"{value * 100:+.1f} pp"


def money(value: float) -> str:
    return "-" if not math.isfinite(value) else f"GBP {value:,.0f}"


FORMATS: dict[str, Callable[[float], str]] = {"count": count, "share": share, "decimal": decimal, "points": points,
                                              "money": money}

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
    ("dtoc_delayed_days_per_month", "DToC-style delayed days per month", "count"),
    ("boarding_hours", "Emergency hours waiting for a bed", "count"),
    ("cancelled_electives", "Cancelled elective admissions", "count"),
    ("delayed_bed_day_cost_gbp", "NHS cost of delayed bed-days", "money"),
    ("council_spend_gbp", "Council spend on placements and discharge staff", "money"),
    ("nhs_spend_gbp", "NHS spend on placements and discharge staff", "money"),
    ("placement_spend_self_gbp", "Paid by people for their own care", "money"),
    ("budget_spent_days", "Days the council's budget was spent (new funding waiting)", "decimal"),
)
"""Rows of the results table: metric, label, format; a row no scenario has (money without a
finance section) is left out."""


def interval_text(ci: dict[str, float], fmt: Callable[[float], str]) -> str:
    if not (math.isfinite(ci.get("ci_low", math.nan)) and math.isfinite(ci.get("ci_high", math.nan))):
        return "-"
    return f"{fmt(ci['ci_low'])} to {fmt(ci['ci_high'])}"


def result_cells(source: str, scenario: str, metric: str, ci: dict[str, float], kind: str) -> list[Cell]:
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
    blocks += [Heading("Key findings"), findings(r)]
    blocks += [Heading("The model in plain words"), *model_words(r.config)]
    blocks += [Heading("Parameters"), *parameter_tables(r.config), *differences_from_first(r)]
    blocks += [Heading("Results"), *result_blocks(r)]
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


def findings(r: ResultsFolder) -> Bullets:
    """A few sentences that answer the question from the numbers below them."""
    items = []
    for _, label, m in r.keyed_scenarios()[: 1 if r.kind in ("attribute", "sweep") else None]:
        total = m["delayed_bed_days"]["mean"]
        parts = [(m[f"delayed_bed_days_{key}"]["mean"], words) for key, words in (
            ("hospital", "hospital-internal steps"), ("social_care_capacity", "social-care capacity"),
            ("social_care_process", "social-care process"), ("nhs_community", "NHS community services"),
            ("patient_family", "patients and families"))]
        parts.sort(reverse=True)
        where = f"{label}: " if r.kind == "compare" else ""
        items.append(
            f"{where}{_ci_words(m['delayed_bed_days'], count)} delayed bed-days in the {r.measured_days:g} measured "
            f"days, {decimal(m['mean_delayed_beds']['mean'])} beds on average held by patients who were medically "
            f"fit. The ledger charges {share(parts[0][0] / total if total else math.nan)} of them to {parts[0][1]} "
            f"and {share(parts[1][0] / total if total else math.nan)} to {parts[1][1]}; hospital-internal steps hold "
            f"{share(m['delayed_bed_days_hospital']['mean'] / total if total else math.nan)} of all delayed hours but "
            f"{share(_ratio(m, 'delayed_bed_days_after_ready_day_hospital', 'delayed_bed_days_after_ready_day'))} "
            "of the hours after the ready day.")
    if r.kind == "compare":
        base = r.summary["baseline"]
        for other in r.summary["configs"][1:]:
            d = r.summary["differences"][other]["delayed_bed_days"]
            sure = "a real difference" if d.get("excludes_zero") == 1.0 else "not distinguishable from no difference"
            items.append(f"{other} against {base}: {_ci_words(d, count)} delayed bed-days, {sure} at 95%.")
    if r.has("attribution.json"):
        doc = r.attribution
        c = doc["columns"]
        total = c["total"]["mean"]

        def of_total(column: str) -> str:  # a ratio of means, as the first finding's shares are
            return share(c[column]["mean"] / total if total else math.nan)

        items.append(
            f"Counterfactually, hospital-internal steps cause {_ci_words(c['shapley_hospital'], count)} delayed "
            f"bed-days ({of_total('shapley_hospital')}) and social-care capacity "
            f"{_ci_words(c['shapley_social_care'], count)} ({of_total('shapley_social_care')}); the "
            f"labels said {of_total('ledger_hospital')} and {of_total('ledger_social_care')}. Removing both sides "
            f"takes away {_ci_words(c['both_removed'], count)}, an interaction of {count(c['interaction']['mean'])}. "
            "Every share in this report is a ratio of means: a side's mean delayed bed-days over the mean of all "
            "delayed bed-days.")
    if r.kind == "sweep":
        points = r.summary["points"]
        best = min(points, key=lambda p: p["metrics"]["delayed_bed_days"]["mean"])
        worst = max(points, key=lambda p: p["metrics"]["delayed_bed_days"]["mean"])
        def settings(p: dict[str, Any]) -> str:
            return ", ".join(f"{k} = {v}" for k, v in p["settings"].items())
        items.append(f"Fewest delayed bed-days at point {best['point']} ({settings(best)}): "
                     f"{_ci_words(best['metrics']['delayed_bed_days'], count)}; most at point {worst['point']} "
                     f"({settings(worst)}): {_ci_words(worst['metrics']['delayed_bed_days'], count)}.")
    return Bullets(tuple(items))


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
                  ["scenario", *[label for _, label in measures], "GBP per delayed bed-day avoided"])
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
        "GBP per delayed bed-day avoided: the scenario's extra public spend (council and NHS, on placements and "
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
    first = flatten(scenarios[0]["config"])
    table = Table(f"Settings that differ from the first scenario ({scenarios[0]['label']}), whose parameters are "
                  "shown above", ["scenario", "setting", "first scenario", "this scenario"])
    for sc in scenarios[1:]:
        mine = flatten(sc["config"])
        for key in sorted(set(first) | set(mine)):
            if key in ("name", "description") or first.get(key) == mine.get(key):
                continue
            table.rows.append([Cell(str(sc["label"])), Cell(key), Cell(_show(first.get(key))),
                               Cell(_show(mine.get(key)))])
    return [table] if table.rows else []


def _show(value: Any) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _kind_words(r: ResultsFolder) -> str:
    s = r.summary
    if r.kind == "compare":
        return (f"A paired comparison of {len(s['configs'])} configurations ({', '.join(s['configs'])}) under "
                "common random numbers.")
    if r.kind == "sweep":
        return f"A sweep of {r.name} over {', '.join(s['settings'])} ({len(s['points'])} points)."
    if r.kind == "attribute":
        return (f"A counterfactual attribution of {r.name}: every replication run as configured, with hospital steps "
                "made instant, with social-care capacity made unlimited, and with both.")
    return f"Replications of {r.name}."


def model_words(config: dict[str, Any]) -> list[Block]:
    hospital, emergency = config["hospital"], config["emergency"]
    electives = sum((config.get("elective") or {}).get("admissions_per_weekday", {}).values())
    groups = config["groups"]
    pools = config.get("pools", {})
    steps = config.get("steps", {})
    places = ", ".join(f"{name}: {p['places']:,} places" for name, p in pools.items())
    text = [
        f"A hospital of {hospital['beds']:,} general and acute beds admits about {emergency['admissions_per_day']:g} "
        f"emergency patients a day (more on weekdays and in the afternoon) and {electives:g} planned (elective) "
        "patients a week. An emergency patient without a free bed waits for one; a planned admission without one "
        "is cancelled.",
        f"Patients belong to {len(groups)} group(s) ({', '.join(groups)}), each with its own length of acute stay and "
        "its own mix of discharge pathways: 0 home, 1 home with support, 2 a short-term bed, 3 a care home.",
        f"Once a patient is medically fit, they still occupy their bed until every step of their pathway is done. "
        f"The {len(steps)} steps are run by the hospital (sign-off, summaries, medicines, assessments, transport), by "
        "NHS community services, by social care (assessments, funding panels, placements) or wait on the patient "
        "and family. Some run in parallel. Staffed steps queue for staff who work set hours.",
        f"Placements come from {len(pools)} pool(s) of places shared with people referred from the community "
        f"({places}); a place is held for the "
        "person's whole stay.",
        "Every hour a medically fit patient spends in a bed is charged to exactly one cause: the step on the critical "
        "path at that time, as waiting for a resource (capacity) or the step's own work (process).",
    ]
    return [Paragraph(t) for t in text]


def _distribution(d: dict[str, Any] | None) -> str:
    if not d:
        return "-"
    unit = "days" if "mean_days" in d else "hours"
    mean = d.get(f"mean_{unit}")
    sd = d.get(f"sd_{unit}")
    return f"{d['distribution']}, mean {mean:g} {unit}" + (f", sd {sd:g}" if sd is not None else "")


def parameter_tables(config: dict[str, Any]) -> list[Block]:
    tables: list[Block] = []
    general = Table("General settings, as run", ["setting", "value"])
    for key, value in (("beds", config["hospital"]["beds"]),
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
                            Cell(f"{g.get('elective_share', 0):g}"), Cell(_distribution(g["length_of_stay"])),
                            Cell(mix)])
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
    steps = Table("Discharge steps", ["step", "type", "owner", "kind", "DToC code", "probability", "duration"])
    for name, st in config.get("steps", {}).items():
        duration = st.get("duration") or st.get("handover")
        if st["type"] == "session":
            hours = ", ".join(f"{h:g}:00" for h in st["sessions"]["hours"])
            what = f"sessions {', '.join(st['sessions']['days'])} at {hours}"
        elif st["type"] == "placement":
            search = f"; search {_distribution(st.get('search'))}" if st.get("search") else ""
            what = f"place in {', '.join(st['pools'])}{search}"
        else:
            what = _distribution(duration)
        steps.rows.append([Cell(name), Cell(st["type"]), Cell(st["owner"]), Cell(st["kind"]), Cell(st["dtoc_code"]),
                           Cell(f"{st.get('probability', 1):g}"), Cell(what)])
    tables.append(steps)
    return tables


def result_blocks(r: ResultsFolder) -> list[Block]:
    blocks: list[Block] = []
    scenarios = r.keyed_scenarios()
    n = int(scenarios[0][2]["delayed_bed_days"]["n"])
    header = ["measure"]
    for _, label, _ in scenarios:
        header += [f"{label}: mean", f"{label}: 95% interval"] if len(scenarios) > 1 else ["mean", "95% interval"]
    table = Table(f"Results over the {r.measured_days:g} measured days, mean of {n} replication(s) with 95% "
                  "t-intervals (source: summary.json). 'After the ready day only' counts hours after midnight of "
                  "the discharge-ready date, as national figures do.", header)
    rows = [(metric, label, kind) for metric, label, kind in RESULT_ROWS
            if any(metric in metrics for _, _, metrics in scenarios)]
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
    if r.has("attribution.json"):
        doc = r.attribution
        att = Table("Who causes the delay: recorded (ledger) and counterfactual (Shapley) delayed bed-days, with "
                    "the difference (source: attribution.json)",
                    ["side", "recorded", "recorded 95% interval", "counterfactual", "counterfactual 95% interval",
                     "difference", "difference 95% interval"])
        for row in doc["table"]:
            cells = [Cell(row["label"])]
            cells += result_cells("attribution.json", row["side"], "recorded", row["recorded"], "count")
            cells += result_cells("attribution.json", row["side"], "counterfactual", row["counterfactual"], "count")
            d = row["difference"]
            cells += (result_cells("attribution.json", row["side"], "difference", d, "count")
                      if isinstance(d, dict) else [Cell(""), Cell("")])
            att.rows.append(cells)
        blocks.append(att)
        blocks.append(Paragraph(
            "Recorded: the bed-days the ledger charges to each side. Counterfactual: each side's two-player Shapley "
            "value, its own removal plus half the interaction, from runs with the hospital's steps instant, with "
            "social-care capacity unlimited, and with both, under the same random numbers; 'neither side' is the "
            "delay left when both are removed. Where the two columns differ, the labels mislead."))
    if r.has("dtoc.csv"):
        t = r.table("dtoc.csv")
        dtoc = Table("Delayed days per month by DToC reason and responsible organisation, counted at midnight as the "
                     "national statistic did (source: dtoc.csv)", ["reason", "NHS", "Social care", "Both", "Total",
                                                                   "share of all"])
        for i, reason in enumerate(t["reason"]):
            cells = [Cell(str(reason))]
            for org in ("nhs", "social_care", "both", "total"):
                value = numbers(t[f"{org}_days_per_month"][i:i + 1])[0]
                cells.append(Cell(count(value), "dtoc.csv", str(reason), f"{org}_days_per_month", "value"))
            cells.append(Cell(share(numbers(t["total_share"][i:i + 1])[0]), "dtoc.csv", str(reason), "total_share",
                              "value"))
            dtoc.rows.append(cells)
        blocks.append(dtoc)
    return blocks


def figure_blocks(folder: Path) -> list[Block]:
    """The figures listed in figures/figures.json (only figures of the catalogue, read from figures/),
    drawing them first if there is no list."""
    drawn = read_index(folder) if (folder / "figures" / INDEX).is_file() else draw_all(folder)
    return [FigureBlock(d.name, d.title, d.caption) for d in drawn]


def _budget_words(r: ResultsFolder) -> str:
    finance = r.config.get("finance") or {}
    if finance.get("council_budget"):
        return (" The council's annual budget for new placements is modelled (approvals commit a year's expected "
                "cost; when it is spent, new funding waits or eligibility tightens); providers' prices and the "
                "market's response to budgets are not.")
    if finance:
        return " No annual council budget limits new placements in this config."
    return " Money is not modelled in this config (it has no finance section)."


def limitations(r: ResultsFolder) -> Bullets:
    items = [
        "Every number is a model output, not an observation: it is as good as the inputs in the parameter tables, "
        "most of which are assumptions or national averages rather than this trust's own data.",
        "Intervals are 95% t-intervals across replications: they show simulation noise, not uncertainty in the "
        "inputs. Scenarios share random numbers, so their paired differences are more precise than their levels.",
        "The recorded split charges each delayed hour to the step on the critical path. It is not the delay a "
        "side causes: removing one bottleneck can move patients to queue at another (see the counterfactual "
        "attribution, discharge-sim attribute).",
        "DToC-style counts count patients delayed at midnight, as the national statistic did; same-day hold-ups do "
        "not appear in them, though they hold beds.",
        "Placement pools start full, in steady state, and take referrals from the community at constant rates. "
        "There is no staff absence, and no seasonal pattern beyond the weekly one except any surges a config "
        "sets." + _budget_words(r),
    ]
    n = int(r.manifest.get("replications") or 0)
    if n < 10:
        items.append(f"Only {n} replication(s) were run: intervals are wide; run more for a board decision.")
    negative = sorted({*(label for _, _, m in r.keyed_scenarios() for metric, label, _ in RESULT_ROWS
                         if _below_zero(m.get(metric))), *_attribution_below_zero(r)})
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


def _below_zero(ci: Any) -> bool:
    """An interval (of a quantity that cannot be negative) whose lower end is below zero."""
    return isinstance(ci, dict) and ci.get("ci_low", 0.0) < 0


def _attribution_below_zero(r: ResultsFolder) -> list[str]:
    """Rows of the recorded-against-counterfactual table whose recorded bed-days, or the delay left when
    both sides are removed, have an interval reaching below zero (a Shapley value may be negative)."""
    if not r.has("attribution.json"):
        return []
    rows = r.attribution.get("table") or []
    found = [f"{row['label']}, recorded (attribution table)" for row in rows if _below_zero(row.get("recorded"))]
    found += [f"{row['label']}, counterfactual (attribution table)" for row in rows
              if row.get("side") in ("rest", "total") and _below_zero(row.get("counterfactual"))]
    return found


def _mser_warmup(r: ResultsFolder) -> float | None:
    """MSER-5's warm-up for the daily occupancy in occupancy.csv (first scenario), or None."""
    if not r.has("occupancy.csv"):
        return None
    from discharge_sim.analysis.warmup import daily_means, mser

    t = r.table("occupancy.csv")
    rows = r.first_scenario_rows(t)
    days = numbers(t["day"][rows])
    full = days < math.floor(float(r.config["run"]["days"]))
    day, mean = daily_means(numbers(t["beds_occupied"][rows])[full], days[full], numbers(t["replication"][rows])[full])
    if day.size < 20:
        return None
    return float(mser(mean).truncation_days)


def stress_des(r: ResultsFolder) -> list[Block]:
    """The STRESS-DES checklist (Monks et al. 2019), filled from the config and the manifest."""
    c, m = r.config, r.manifest
    run = c["run"]
    deps = ", ".join(f"{k} {v}" for k, v in (m.get("dependencies") or {}).items() if v)
    rows = [
        ("1.1 Purpose of the model", "Attribute delayed discharge (medically fit patients in acute beds) to "
         "hospital-internal processes, social-care capacity and other causes, and test scenarios that change them."),
        ("1.2 Model outputs", "Delayed bed-days by owner, kind, step and DToC reason; counterfactual (Shapley) "
         "split; occupancy, boarding hours, cancelled electives; delay-length distribution; all with 95% intervals."),
        ("1.3 Experimentation aims", _kind_words(r)),
        ("2.1 Base model overview", "Patients arrive (emergency: non-homogeneous Poisson; elective: booked by "
         "weekday), occupy a bed, become medically fit, then pass through their pathway's discharge steps before "
         "leaving; see 'The model in plain words'."),
        ("2.2 Base model logic", "Each pathway is a graph of steps run in parallel where they do not depend on each "
         "other; the patient leaves when every step is done. Staffed steps queue for staff in working hours; "
         "placements queue for a place shared with community referrals."),
        ("2.3 Scenario logic", f"Kind of experiment: {r.kind}. Scenarios differ only in their configs (or, for "
         "attribute, in counterfactual switches); the configs as run are in manifest.json."),
        ("2.4 Algorithms", "Critical-path attribution of every delayed hour (ledger); two-player Shapley value for "
         "the counterfactual split; MSER-5 for warm-up; Student t intervals."),
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
