"""Text tables for the terminal: summaries in, lines out. Nothing here runs a model."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from discharge_sim.analysis.metrics import council_metric
from discharge_sim.analysis.policy import cost_per_bed_day_avoided, measures_present
from discharge_sim.config import Config
from discharge_sim.experiments.execution import relative_precision
from discharge_sim.io.outputs import Outcome
from discharge_sim.present.labels import HEADLINE


def headline_table(s: Mapping[str, Mapping[str, float]], config: Config, n: int) -> str:
    """Delayed bed-days by cause with 95% intervals, and the knock-on effects."""
    days = config.run.days - config.run.warmup_days
    total = s["delayed_bed_days"]["mean"]
    late_total = s["delayed_bed_days_after_ready_day"]["mean"]
    lines = [
        f"Delayed bed-days over the {days:g} measured days by owner and kind (the ledger's labels), mean of {n}",
        "replication(s), with 95% interval. Who causes them, under each convention, is above and in `attribute`.",
        "'All delayed hours' counts every hour from discharge-ready to departure, same-day hours included;",
        "'after the ready day' counts only hours after midnight of the ready date, as national figures do.",
        "",
        f"  {'cause':54s} {'all delayed hours':>17s} {'95% interval':>20s} {'share':>6s}"
        f"  {'after the ready day':>19s} {'share':>6s}",
    ]
    for key, label in HEADLINE:
        m = s[key]
        late = s[key.replace("delayed_bed_days", "delayed_bed_days_after_ready_day", 1)]["mean"]
        if key == "delayed_bed_days":
            lines.append("  " + "-" * 128)
        lines.append(
            f"  {label:54s} {m['mean']:17,.0f} {_interval(m):>20s} {_share(m['mean'], total):>6s}"
            f"  {late:19,.0f} {_share(late, late_total):>6s}"
        )
    necessary = s.get("delayed_bed_days_kind_necessary", {}).get("mean", 0.0)
    if necessary:
        lines.append("  Of these, necessary process (the unavoidable minimum of steps' work, in its owner's row above; "
                     f"no convention counts it against a side): {necessary:,.0f} ({_share(necessary, total).strip()}).")
    lines.append("")
    for key, label, fmt in (
        ("occupancy", "Mean bed occupancy", "{:.1%}"),
        ("pre_declaration_bed_days", "Bed-days before being found ready (not delay)", "{:,.0f}"),
        ("pre_declaration_missed_round_bed_days", "  of which after a round missed them", "{:,.0f}"),
        ("mean_delayed_beds", "Beds held by delayed patients (mean)", "{:,.1f}"),
        ("delayed_discharge_share", "Discharges leaving after their ready date", "{:.1%}"),
        ("mean_delay_days_of_delayed", "Mean delay of those, in days past the ready date", "{:.2f}"),
        ("boarding_hours", "Emergency hours waiting for a bed (total over the period)", "{:,.0f}"),
        ("cancelled_electives", "Cancelled elective admissions (total over the period)", "{:,.0f}"),
        ("weekend_discharge_ratio", "Weekend discharges a day, over weekday ones", "{:.2f}"),
        ("before_noon_discharge_share", "Discharges before noon", "{:.1%}"),
        *OUTCOME_ROWS,
        *BOUNDARY_ROWS,
    ):
        if key not in s or (key in OUTCOME_KEYS and not s[key]["mean"]):
            continue  # an outcome the config does not model
        m = s[key]
        interval = "" if m["n"] < 2 or m["ci_low"] != m["ci_low"] else \
            f"  ({fmt.format(m['ci_low'])} to {fmt.format(m['ci_high'])})"
        lines.append(f"  {label:58s} {fmt.format(m['mean']):>10s}{interval}")
    if "public_spend_gbp" in s:
        lines.append("")
        lines.append(money_lines(s))
    if config.councils:
        lines.append("")
        lines.append(council_lines(s, list(config.councils)))
    prefix = "delayed_bed_days_step_"
    steps = sorted(((v["mean"], k[len(prefix):]) for k, v in s.items() if k.startswith(prefix)), reverse=True)[:5]
    if steps and total:
        lines.append("")
        lines.append("  Steps holding the most delayed bed-days: " + ", ".join(
            f"{name} {value:,.0f} ({_share(value, total).strip()})" for value, name in steps
        ))
    return "\n".join(lines)


def council_lines(s: Mapping[str, Mapping[str, float]], councils: list[str]) -> str:
    """Each home council's residents: their delayed bed-days (with 95% interval) by who owns them,
    and how many of their discharges were delayed (the table of councils.csv, in short)."""
    owners = ("hospital", "nhs_community", "social_care", "patient_family")
    lines = ["  By home council (a delay counts under the patient's council whoever caused it; the councils add up "
             "to the trust):",
             f"  {'council':20s} {'delayed bed-days':>16s} {'95% interval':>20s}"
             + "".join(f" {o.replace('_', ' '):>15s}" for o in owners) + f" {'delayed share':>14s}"]
    for c in councils:
        m = s.get(council_metric(c, "delayed_bed_days"))
        if m is None:
            continue
        owned = "".join(f" {s[council_metric(c, f'delayed_bed_days_{o}')]['mean']:15,.0f}" for o in owners)
        delayed = s[council_metric(c, "delayed_discharge_share")]["mean"]
        shown = f"{delayed:.1%}" if delayed == delayed else "-"  # NaN: no discharges
        lines.append(f"  {c:20s} {m['mean']:16,.0f} {_interval(m):>20s}{owned} {shown:>14s}")
    if any(council_metric(c, "council_spend_gbp") in s for c in councils):
        lines.append(f"  {'council':20s} {'council spend':>16s} {'year-end position':>20s} {'reserves used':>15s}")
        for c in councils:
            spend = s.get(council_metric(c, "council_spend_gbp"))
            position = s.get(council_metric(c, "council_position_gbp"))
            used = s.get(council_metric(c, "council_reserves_used_gbp"))
            cells = [_money(x["mean"]) if x else "-" for x in (spend, position, used)]
            lines.append(f"  {c:20s} {cells[0]:>16s} {cells[1]:>20s} {cells[2]:>15s}")
    return "\n".join(lines)


def _share(part: float, whole: float) -> str:
    return f"{part / whole * 100:5.1f}%" if whole else "     -"


def _interval(m: Mapping[str, float]) -> str:
    if m["n"] < 2 or m["ci_low"] != m["ci_low"]:
        return "(one replication)"
    return f"{m['ci_low']:,.0f} to {m['ci_high']:,.0f}"


OUTCOME_ROWS: tuple[tuple[str, str, str], ...] = (
    ("deaths_while_waiting", "Deaths in hospital while waiting (total over the period)", "{:,.0f}"),
    ("escalations", "Patients whose needs grew while waiting (escalations)", "{:,.0f}"),
    ("readmissions", "Emergency readmissions (total over the period)", "{:,.0f}"),
    ("readmission_rate", "Readmissions over discharges", "{:.1%}"),
)
"""Outcomes shown only where the config models them (nonzero)."""
BOUNDARY_ROWS: tuple[tuple[str, str, str], ...] = (
    ("assessments_per_patient", "Assessments per patient found ready", "{:.2f}"),
    ("assessed_by_several_organisations_share", "  patients assessed by two or more organisations", "{:.1%}"),
    ("repeated_assessment_hours", "  hours asking again what another organisation asked", "{:,.0f}"),
    ("shared_assessment_hours_saved", "  hours saved by shared assessments", "{:,.0f}"),
    ("bounce_backs", "Referrals and assessments that came back for missing information", "{:,.0f}"),
)
"""Assessments and bounce-backs across the boundary, shown where the config counts them."""
OUTCOME_KEYS = frozenset({*(key for key, _, _ in OUTCOME_ROWS), "shared_assessment_hours_saved"})

COMPARE_ROWS: tuple[tuple[str, str, str], ...] = (
    *((key, label, "{:,.0f}") for key, label in HEADLINE),
    ("occupancy", "Mean bed occupancy", "{:.1%}"),
    ("delayed_discharge_share", "Discharges leaving after their ready date", "{:.1%}"),
    ("mean_delay_days_of_delayed", "Mean delay of those (days past ready date)", "{:.2f}"),
    ("boarding_hours", "Emergency hours waiting for a bed", "{:,.0f}"),
)


MONEY_ROWS: tuple[tuple[str, str], ...] = (
    ("delayed_bed_day_cost_gbp", "NHS cost of delayed bed-days"),
    ("placement_spend_council_gbp", "Council spend on placements"),
    ("staff_cost_council_gbp", "Council staff (discharge steps)"),
    ("placement_spend_nhs_gbp", "NHS spend on placements"),
    ("staff_cost_nhs_gbp", "NHS staff (discharge steps)"),
    ("placement_spend_pooled_gbp", "  of which paid from the pooled budget"),
    ("placement_spend_self_gbp", "Paid by people for their own care"),
    ("budget_committed_gbp", "Council budget committed to new placements"),
    ("budget_overcommitted_gbp", "  of which past the year's new-placement budget"),
    ("pooled_overspend_gbp", "Pooled fund spend past its cap"),
    ("pooled_overspend_nhs_gbp", "  of which borne by the NHS (risk share)"),
)
POSITION_ROWS: tuple[tuple[str, str], ...] = (
    ("council_year_budget_gbp", "Council budget for its spend here (pro rata)"),
    ("council_position_gbp", "Council position (budget less spend; negative: overspend)"),
    ("council_reserves_used_gbp", "  reserves used (mean; only overspending runs use any)"),
    ("council_unfunded_overspend_gbp", "  overspend reserves cannot cover (mean)"),
    ("nhs_year_budget_gbp", "NHS budget for its spend here (pro rata)"),
    ("nhs_position_gbp", "NHS position (budget less spend; negative: deficit)"),
    ("nhs_deficit_carried_forward_gbp", "  deficit carried forward (negative: surplus)"),
)
"""Each organisation's year-end position, side by side (with finance.year_end)."""


def money_lines(s: Mapping[str, Mapping[str, float]]) -> str:
    """Who pays over the measured period, with 95% intervals, and how the council budget fared."""
    lines = ["  Money over the measured period (GBP; mean and 95% interval):"]
    for key, label in MONEY_ROWS:
        if key in s:
            lines.append(f"  {label:58s} {_money(s[key]['mean']):>10s}  {_money_interval(s[key])}")
    if "budget_spent_days" in s:
        refused = s["budget_refusals"]["mean"]
        what = ("a council budget was overcommitted" if "budget_overcommitted_gbp" in s
                else "the council budget was spent")
        lines.append(f"  {'Days ' + what:58s} {s['budget_spent_days']['mean']:>10.1f}"
                     + (f"  (funding refused under tighter eligibility: {refused:,.1f})" if refused else ""))
    if "council_position_gbp" in s:
        lines.append("  Year-end positions (a council must balance; a trust may carry a deficit forward):")
        for key, label in POSITION_ROWS:
            lines.append(f"  {label:58s} {_money(s[key]['mean']):>10s}  {_money_interval(s[key])}")
    return "\n".join(lines)


def _money(value: float, signed: bool = False) -> str:
    """GBP in thousands or millions, e.g. 9.4m, -350k."""
    if value != value:
        return "-"
    sign = "+" if signed and value >= 0 else ("-" if value < 0 else "")
    v = abs(value)
    if v >= 1e6:
        return f"{sign}{v / 1e6:,.2f}m"
    if v >= 1e3:
        return f"{sign}{v / 1e3:,.0f}k"
    return f"{sign}{v:,.0f}"


def _money_interval(m: Mapping[str, float], signed: bool = False) -> str:
    if m["n"] < 2 or m["ci_low"] != m["ci_low"]:
        return ""
    return f"({_money(m['ci_low'], signed)} to {_money(m['ci_high'], signed)})"


def policy_lines(outcome: Outcome) -> str:
    """The one-page policy comparison: a row per scenario, the paired difference from the
    baseline with its 95% interval for each measure, and the cost per delayed bed-day avoided."""
    labels = outcome.labels
    measures = measures_present(outcome.summaries)
    width = max(10, *(len(label) for label in labels))
    base = outcome.summaries[0]
    lines = [
        f"Policy comparison against {labels[0]!r}: paired differences over {outcome.replications} replication(s) "
        "with common random numbers,",
        "mean and 95% interval; * the interval excludes zero. Negative is fewer delays, less waiting, less spend;",
        "for a year-end position, negative is worse (more overspend or deficit), positive better.",
    ]
    for part, keys in (("Delays and knock-on effects", measures[:5]), ("Money (GBP)", measures[5:])):
        if not keys:
            continue
        money = part.startswith("Money")
        cell_width = 30 if money else 26
        lines += ["", f"  {part}", f"  {'scenario':{width}s}" + "".join(
            f" {_short_label(label):>{cell_width}s}" for _, label in keys)
            + (f" {'per bed-day avoided':>20s}" if money else "")]
        lines.append(f"  {labels[0] + ' (level)':{width}s}" + "".join(
            f" {(_money(base[key]['mean']) if money else _fmt('{:,.0f}', base[key]['mean'])):>{cell_width}s}"
            for key, _ in keys))
        for label, diff in zip(labels[1:], outcome.differences[1:]):
            row = f"  {label:{width}s}"
            for key, _ in keys:
                row += f" {_difference_cell(diff.get(key, {}), money):>{cell_width}s}"
            if money:
                row += f" {_money(cost_per_bed_day_avoided(diff)):>20s}"
            lines.append(row)
    if len(measures) > 5:
        lines += ["", "  Per bed-day avoided: extra public spend (council and NHS, on places and staff) per delayed",
                  "  bed-day avoided; '-' where the fall in delayed bed-days is not clear of zero. Compare it with",
                  "  the cost of a bed-day: below it, the change pays for itself in bed-days; negative, it also",
                  "  saves money."]
    return "\n".join(lines)


def _short_label(label: str) -> str:
    return (label.replace(" (GBP)", "").replace("NHS cost of delayed bed-days", "NHS cost of delays")
            .replace(" year-end position", " position"))


def _difference_cell(d: Mapping[str, float], money: bool) -> str:
    if not d or d.get("n", 0) < 2:
        return "-"
    star = "*" if d["excludes_zero"] else " "
    if money:
        return f"{_money(d['mean'], True)} ({_money(d['ci_low'], True)},{_money(d['ci_high'], True)}){star}"
    fmt = "{:,.0f}"
    return (f"{_fmt(fmt, d['mean'], True)} ({_fmt(fmt, d['ci_low'], True)},"
            f"{_fmt(fmt, d['ci_high'], True)}){star}")


def comparison_lines(outcome: Outcome) -> str:
    """Each config's mean and, against the first, the paired difference with its 95% interval;
    * marks an interval that excludes zero. With more than three configs, the one-page policy
    comparison (a row per scenario) instead."""
    if len(outcome.labels) > 3:
        return policy_lines(outcome)
    return _metric_columns(outcome) + "\n\n" + policy_lines(outcome)


def _metric_columns(outcome: Outcome) -> str:
    labels = outcome.labels
    width = max(12, *(len(label) for label in labels))
    lines = [
        f"Paired comparison over {outcome.replications} replication(s) with common random numbers; "
        f"differences are against {labels[0]!r}",
        "(mean difference and its 95% interval; * the interval excludes zero; pp: percentage points).",
        "",
        f"  {'metric':54s}" + "".join(f" {label:>{width}s}" for label in labels)
        + "".join(f"  {'difference ' + label:>34s}" for label in labels[1:]),
    ]
    for key, label, fmt in COMPARE_ROWS:
        means = [summary.get(key, {}).get("mean", math.nan) for summary in outcome.summaries]
        row = f"  {label:54s}" + "".join(f" {_fmt(fmt, m):>{width}s}" for m in means)
        if fmt.endswith("%}"):  # a difference of shares is in percentage points
            fmt = "{:.1f} pp"
            scale = 100.0
        else:
            scale = 1.0
        for diff in outcome.differences[1:]:
            d = {k: v * scale if k in ("mean", "ci_low", "ci_high") else v for k, v in diff.get(key, {}).items()}
            if not d or d["n"] < 2:
                cell = "-"
            else:
                star = "*" if d["excludes_zero"] else " "
                cell = f"{_fmt(fmt, d['mean'], signed=True)} ({_fmt(fmt, d['ci_low'], signed=True)} to " \
                       f"{_fmt(fmt, d['ci_high'], signed=True)}){star}"
            row += f"  {cell:>34s}"
        lines.append(row)
    return "\n".join(lines)


def sweep_lines(outcome: Outcome) -> str:
    """A row per grid point: total delayed bed-days with its interval, the split, occupancy."""
    keys = [("delayed_bed_days", "total delayed bed-days (95% interval)"),
            ("delayed_bed_days_hospital", "hospital"),
            ("delayed_bed_days_social_care", "social care"),
            ("occupancy", "occupancy")]
    scenarios = outcome.experiment.scenarios
    swept = [key for key, _ in scenarios[0].settings]
    short = [key.rsplit(".", 1)[-1] for key in swept]
    headers = [s if short.count(s) == 1 else key for s, key in zip(short, swept)]
    cells = [[str(value) for _, value in s.settings] for s in scenarios]
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]
    lines = [f"Sweep of {len(scenarios)} point(s), {outcome.replications} replication(s) each, "
             "same seeds at every point.",
             "Columns: " + "; ".join(f"{h} = {key}" for h, key in zip(headers, swept) if h != key) if swept else "",
             "",
             f"  {'point':>5s}  " + "  ".join(f"{h:>{w}s}" for h, w in zip(headers, widths))
             + f"  {keys[0][1]:>38s} {keys[1][1]:>10s} {keys[2][1]:>12s} {keys[3][1]:>10s}"]
    for i, (row, s) in enumerate(zip(cells, outcome.summaries)):
        total = s["delayed_bed_days"]
        lines.append(f"  {i:>5d}  " + "  ".join(f"{c:>{w}s}" for c, w in zip(row, widths))
                     + f"  {total['mean']:>14,.0f} {_interval(total):>23s} "
                     f"{s['delayed_bed_days_hospital']['mean']:>10,.0f} "
                     f"{s['delayed_bed_days_social_care']['mean']:>12,.0f} "
                     f"{s['occupancy']['mean']:>10.1%}")
    return "\n".join(lines)


def warmup_lines(w: Mapping[str, Any]) -> str:
    lines = [f"MSER-5 on the daily series averaged over {w['replications']} replication(s) of {w['days']} days:"]
    for series in w["series"]:
        lines.append(f"  {series['label']:40s} truncation {series['truncation_days']:>5g} days"
                     + ("  (still changing at mid-run: run longer)" if series["unreliable"] else ""))
    suggested, configured = w["suggested_warmup_days"], w["configured_warmup_days"]
    lines.append(f"Suggested warm-up: {suggested:g} days (configured: {configured:g}).")
    if suggested > configured:
        lines.append("The configured warm-up is shorter than suggested: "
                     "set run.warmup_days to at least the suggestion.")
    return "\n".join(lines)


def _fmt(fmt: str, value: float, signed: bool = False) -> str:
    if value != value:
        return "-"
    if fmt.format(abs(value)) == fmt.format(0.0):
        value = 0.0  # no "-0" from rounding
    text = fmt.format(value)
    return f"+{text}" if signed and value >= 0 else text


def dtoc_lines(s: Mapping[str, Mapping[str, float]], config: Config) -> str:
    """Delayed days by reason (A to I) and responsible organisation, as the national statistic
    counted them; hospital-internal days (reason ``other``), which it never counted, beside."""
    from discharge_sim.analysis.metrics import dtoc_metric
    from discharge_sim.present.labels import ORGANISATION_NAMES
    from discharge_sim.vocabulary import DAYS_PER_MONTH, DTOC_CODES, DTOC_UNCOUNTED, ORGANISATIONS

    months = (config.run.days - config.run.warmup_days) / DAYS_PER_MONTH
    total = s["dtoc_delayed_days"]["mean"]
    heads = [ORGANISATION_NAMES[o] for o in ORGANISATIONS] + ["Total"]
    lines = [
        "Delayed days as the DToC statistic counts them (patients delayed at midnight), by reason and",
        "responsible organisation (the statistic's rules: who provides or funds what is awaited): days per",
        "month (share of all counted delayed days). Hospital-internal process ('other') was never a delayed",
        "transfer in the acute statistic: it is left out of the total and shown beside it.",
        "",
        f"  {'reason':8s}" + "".join(f" {h:>18s}" for h in heads),
    ]
    for code in (*(c for c in DTOC_CODES if c != DTOC_UNCOUNTED), "total", DTOC_UNCOUNTED):
        cells = []
        for org in (*ORGANISATIONS, "total"):
            mean = s.get(dtoc_metric(code, org), {}).get("mean", math.nan)
            share = "not counted" if code == DTOC_UNCOUNTED else _share(mean, total).strip()
            cells.append(f"{mean / months:,.0f} ({share})")
        if code in ("total", DTOC_UNCOUNTED):
            lines.append("  " + "-" * (8 + 19 * len(heads)))
        lines.append(f"  {code:8s}" + "".join(f" {c:>18s}" for c in cells))
    return "\n".join(lines)


def ranking_lines(ranked: list[Mapping[str, Any]], limit: int = 25) -> str:
    """The "what to fix first" table: items by delayed bed-days their removal takes away."""
    lines = [
        "What to fix first: delayed bed-days removed by taking away one item at a time (a step made instant,",
        "a pool or staff team made unlimited), paired with the configured run; mean and 95% interval.",
        "",
        f"  {'rank':>4s}  {'item':38s} {'owner':15s} {'change':11s} {'removed':>10s} {'95% interval':>22s}"
        f" {'share':>6s}",
    ]
    for row in ranked[:limit]:
        interval = "" if row["n"] < 2 else f"{_fmt('{:,.0f}', row['ci_low'])} to {_fmt('{:,.0f}', row['ci_high'])}"
        share = "-" if row["share_of_total"] != row["share_of_total"] else f"{row['share_of_total'] * 100:5.1f}%"
        lines.append(f"  {row['rank']:>4d}  {row['item']:38s} {row['owner']:15s} {row['change']:11s} "
                     f"{_fmt('{:,.0f}', row['removed']):>10s} {interval:>22s} {share:>6s}")
    if len(ranked) > limit:
        lines.append(f"  ... {len(ranked) - limit} more in attribution_steps.csv")
    return "\n".join(lines)


def calibration_lines(doc: Mapping[str, Any]) -> str:
    """The best point of a calibration and how each target is met there."""
    best = doc["best"]
    lines = [f"Best point (round {best['round']}, loss {best['loss']:.4g}) of {doc['evaluated_points']} evaluated, "
             f"{doc['replications']} replication(s) each:"]
    lines += [f"  {key} = {value}" for key, value in best["settings"].items()]
    lines += ["", f"  {'target':42s} {'wanted':>10s} {'tolerance':>10s} {'fitted':>10s} {'95% interval':>22s}  met"]
    imprecise = False
    for row in doc["fit"]:
        interval = "-" if row["ci_low"] != row["ci_low"] else f"{row['ci_low']:.4g} to {row['ci_high']:.4g}"
        wide = not row["precise"]
        imprecise = imprecise or wide
        lines.append(f"  {row['metric']:42s} {row['target']:>10.4g} {row['tolerance']:>10.4g} {row['mean']:>10.4g} "
                     f"{interval:>22s}  {'yes' if row['within_tolerance'] else 'NO'}{' (imprecise)' if wide else ''}")
    if imprecise:
        lines.append("\n(imprecise): the 95% interval is wider than the tolerance, so these replications cannot "
                     "tell a fit from a miss; use more --replications.")
    if not doc["all_within_tolerance"]:
        lines.append("\nSome targets are not met within tolerance: widen the ranges, vary other settings, "
                     "or accept the fit as the closest this model structure allows.")
    if "identifiability" in doc:
        lines += ["", identifiability_lines(doc["identifiability"])]
    return "\n".join(lines)


def identifiability_lines(section: Mapping[str, Any]) -> str:
    """Which varied settings the targets pin, which they do not, and why."""
    settings = section["settings"]
    lines = [f"Identifiability (slopes over round 1's {section['points']} point(s), in tolerances across each range):"]
    pinned = [key for key, s in settings.items() if s["verdict"] == "pinned"]
    if pinned:
        lines.append(f"  pinned: {', '.join(pinned)}")
    loose = {key: s for key, s in settings.items() if s["verdict"] != "pinned"}
    for key, s in loose.items():
        lines.append(f"  {key}: {s['verdict']}: {s['reason']}")
    if section.get("note"):
        lines.append(f"  ({section['note']})")
    if any(s["verdict"] != "cannot be judged" for s in loose.values()):
        lines.append("A setting not pinned, or pinned only in combination, keeps whatever value the search landed "
                     "on, which these targets do not support: fix it from other evidence, or add a target that "
                     "moves it.")
    return "\n".join(lines)


def replication_note(outcome: Outcome) -> str:
    """How many replications make up the results, and why that many."""
    plan = outcome.experiment.plan
    if outcome.rule == "fixed":
        return f"Replications: {outcome.replications} (fixed)."
    judged = outcome.summaries[:1] if plan.first_only else outcome.summaries
    worst = max(relative_precision(s.get(plan.metric, {})) for s in judged)
    if outcome.rule == "target":
        return (f"Replications: {outcome.replications}, chosen automatically: the 95% interval of {plan.metric} is "
                f"within ±{worst:.1%} of the mean (target ±{plan.target:.1%}).")
    return (f"Replications: {outcome.replications}, the cap (--max-replications): the 95% interval of "
            f"{plan.metric} is ±{worst:.1%} of the mean, short of the target ±{plan.target:.1%}.")
