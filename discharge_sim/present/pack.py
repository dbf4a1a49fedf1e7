"""The board pack of a results folder: the question, the answer under each convention, what to
fix first, the policy table, the measures boards see, control charts of daily series, the
limitations and the STRESS-DES appendix.

It is built from the folder's files only (summary.json, occupancy.csv, policy.csv,
councils.csv, attribution.json and attribution_steps.csv where written), and, where given, an uncertainty run
(uncertainty.json) and a fitted extract's observed daily series. As in the report, every cell
that shows a result names in the HTML the file, scenario, metric and statistic it came from. The
pack is rendered as one HTML page and as an A4 PDF (:mod:`discharge_sim.present.pdf`) with a
one-page summary per scenario.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from discharge_sim.analysis.headline import prose
from discharge_sim.analysis.spc import RULES, xmr
from discharge_sim.config import changed_settings
from discharge_sim.io.folders import ResultsFolder, numbers, read_csv, read_json
from discharge_sim.io.storage import OutputError
from discharge_sim.present.blocks import Block, Bullets, Cell, Heading, ImageBlock, Paragraph, Table, result_cell
from discharge_sim.present.charts import demand_figure
from discharge_sim.present.fix_first import fix_first, fix_first_heading
from discharge_sim.present.formats import count, decimal, money, share
from discharge_sim.present.labels import setting_label
from discharge_sim.present.report import (
    QUESTION,
    council_blocks,
    differences_from_first,
    limitations,
    model_words,
    parameter_tables,
    policy_blocks,
    setting_text,
    stress_des,
)
from discharge_sim.present.scenarios import Scenario, metric_cell, scenarios_of
from discharge_sim.present.spc_figures import ControlPanel, control_figure, png_bytes
from discharge_sim.version import __version__

CONTROL_SERIES: tuple[tuple[str, str, str | None], ...] = (
    ("nctr_patients_at_midnight", "Patients with no criteria to reside, at midnight", "lower"),
    ("beds_occupied", "Beds occupied (mean over the day)", None),
    ("discharges", "Discharges a day", "higher"),
)
"""occupancy.csv's daily series charted: column, words, which way is better."""

BOARD_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("nctr_patients_mean", "Patients with no criteria to reside, at midnight (mean)", "decimal"),
    ("nctr_discharged_share", "Of them, discharged each day", "share"),
    ("stays_7_plus_mean", "Stays of 7 days or more, at midnight (mean)", "decimal"),
    ("stays_14_plus_mean", "Stays of 14 days or more, at midnight (mean)", "decimal"),
    ("stays_21_plus_mean", "Stays of 21 days or more, at midnight (mean)", "decimal"),
    ("weekend_discharge_ratio", "Weekend discharges a day, over weekday ones", "decimal"),
    ("before_noon_discharge_share", "Discharges before noon", "share"),
    ("occupancy", "Mean bed occupancy", "share"),
    ("delayed_discharge_share", "Discharges leaving after their ready date", "share"),
    ("delay_band_1_share", "Of those delayed: 1 day", "share"),
    ("delay_band_2_3_share", "2 to 3 days", "share"),
    ("delay_band_4_6_share", "4 to 6 days", "share"),
    ("delay_band_7_13_share", "7 to 13 days", "share"),
    ("delay_band_14_20_share", "14 to 20 days", "share"),
    ("delay_band_21_plus_share", "21 days or more", "share"),
    ("boarding_hours", "Emergency hours waiting for a bed", "count"),
)
"""The measures boards see, from summary.json: metric, words, format."""

AT_A_GLANCE: tuple[tuple[str, str, str], ...] = (
    ("delayed_bed_days", "Delayed bed-days over the measured days", "count"),
    ("mean_delayed_beds", "Beds held by delayed patients (mean)", "decimal"),
    ("nctr_patients_mean", "Patients with no criteria to reside, at midnight (mean)", "decimal"),
    ("stays_21_plus_mean", "Stays of 21 days or more, at midnight (mean)", "decimal"),
    ("occupancy", "Mean bed occupancy", "share"),
    ("mean_delay_days_of_delayed", "Mean delay of those delayed, days", "decimal"),
    ("pre_declaration_bed_days", "Pre-declaration bed-days: clinically ready, not yet found ready (the hospital's, "
     "not in the delay)", "count"),
    ("pre_declaration_missed_round_bed_days", "of which after a board round that could have found them ready "
     "missed them", "count"),
    ("no_longer_benefiting_bed_days", "No longer benefiting from acute care (pre-declaration plus delay), bed-days",
     "count"),
    ("delayed_bed_day_cost_gbp", "NHS cost of delayed bed-days over the measured days (notional)", "money"),
)
"""The few numbers on each scenario's summary page."""

OVERVIEW: tuple[tuple[str, str, str], ...] = (
    ("delayed_bed_days", "delayed bed-days", "count"),
    ("delayed_bed_days_hospital", "of which run by the hospital", "count"),
    ("delayed_bed_days_social_care", "by social care", "count"),
    ("delayed_bed_days_nhs_community", "by NHS community care", "count"),
    ("delayed_bed_days_patient_family", "by patients and families", "count"),
    ("pre_declaration_bed_days", "pre-declaration bed-days", "count"),
    ("nctr_patients_mean", "no criteria to reside at midnight", "decimal"),
)
"""The first page's numbers, a row per scenario: the delay by owner (whoever runs each step, team
or pool, before any convention), and the pre-declaration time beside it."""



@dataclass
class BoardPack:
    """The pack's parts: the opening, a summary per scenario (a page each in the PDF), the sections."""

    title: str
    opening: list[Block]
    summaries: list[tuple[str, list[Block]]]
    sections: list[Block]
    notes: list[str] = field(default_factory=list)
    """What the pack could not include and why (said on the terminal too)."""

    def blocks(self) -> list[Block]:
        """Everything in reading order, for the HTML page."""
        out = list(self.opening)
        out.append(Heading("Summary by scenario"))
        for label, blocks in self.summaries:
            out += [Heading(label, 3), *blocks]
        return out + self.sections


def build_pack(folder: Path, uncertainty: Path | None = None, observed: Path | None = None) -> BoardPack:
    """The board pack of a run, compare, sweep or attribute folder (with an uncertainty folder's
    range of the answer where ``uncertainty`` is given, and a fit folder's observed daily series
    where ``observed`` is)."""
    r = ResultsFolder(folder)
    if r.kind not in ("run", "compare", "sweep", "attribute"):
        raise OutputError(f"{folder}: a {r.kind} folder has no board pack; pack works on run, compare, sweep and "
                          "attribute results")
    scenarios = scenarios_of(r)
    table = DailyTable(r) if r.has("occupancy.csv") else None
    daily = daily_series(table, scenarios)
    counterfactual = any(sc.answer is not None and sc.answer.counterfactual for sc in scenarios)
    asked = "who causes delayed discharge" if counterfactual else "where is delayed discharge recorded"
    title = f"Board pack: {asked}? {_title(r)}"
    m = r.manifest
    opening: list[Block] = [
        Heading(title, 1),
        Paragraph(f"Produced by discharge-sim {m.get('version', __version__)} from the results folder "
                  f"`{folder.name}`, finished {m.get('finished', 'unknown')}: {m.get('replications')} replication(s) "
                  f"of {r.config['run']['days']:g} days each, the first {r.config['run'].get('warmup_days', 0):g} "
                  f"discarded as warm-up, seed {m.get('seed')}. Every number below is read from the folder's files; "
                  "intervals are 95% intervals over the replications (simulation noise, not uncertainty in the "
                  "inputs)."),
        Heading("The question"), Paragraph(QUESTION),
        Heading("How to read this pack"), reading_guide(r, counterfactual),
        Heading("In numbers"), overview_table(r, scenarios),
    ]
    summaries = [(sc.label, summary_blocks(r, sc, daily.get(sc.key))) for sc in scenarios]
    sections: list[Block] = []
    notes: list[str] = []
    if uncertainty is not None:
        sections += [Heading("How much of the answer is assumption"), *uncertainty_blocks(uncertainty, r)]
    else:
        notes.append("no uncertainty run given: the intervals in the pack show simulation noise only, not uncertainty "
                     "in the inputs")
    sections += [Heading(fix_first_heading(r)), *fix_first(r, scenarios[0])]
    if r.has("policy.csv"):
        sections += [Heading("Policy comparison"), *policy_blocks(r), Paragraph(_money_note(r))]
    charted = int(next(iter(daily.values()))["replication"][0]) if daily else None
    if r.has("councils.csv"):
        sections += [Heading("By home council"), *council_blocks(r)]
    sections += [Heading("The measures boards see"), measures_table(scenarios),
                 *demand_blocks(table, scenarios, charted)]
    sections += [Heading("Daily variation: statistical process control"), *control_blocks(scenarios, daily)]
    if observed is not None:
        sections += observed_blocks(observed, scenarios[0], daily.get(scenarios[0].key))
    if not daily:
        notes.append("no daily series (occupancy.csv) in the folder: no control charts")
    sections += [Heading("Assumptions and limitations"), limitations(r)]
    sections += [Heading("The model in plain words"), *model_words(r.config)]
    sections += [Heading("Parameters"), *parameter_tables(r.config), *differences_from_first(r)]
    sections += [Heading("Appendix: model documentation (STRESS-DES)"), *stress_des(r)]
    return BoardPack(title, opening, summaries, sections, notes)


def overview_table(r: ResultsFolder, scenarios: Sequence[Scenario]) -> Table:
    """Each scenario's delay by owner and its pre-declaration time, on one page before the rest."""
    shown = [(metric, words, fmt) for metric, words, fmt in OVERVIEW if any(metric in sc.metrics for sc in scenarios)]
    table = Table(f"Over the {r.measured_days:g} measured days, mean of the replications with 95% interval: delayed "
                  "bed-days by owner (whoever runs each step, staff team or pool, before any convention; the "
                  "necessary process of each owner's steps included), pre-declaration bed-days (the hospital's, not "
                  "in the delay) and patients with no criteria to reside at midnight (source: summary.json)",
                  ["scenario", *(words for _, words, _ in shown)])
    for sc in scenarios:
        table.rows.append([Cell(sc.label), *(metric_cell(sc, metric, fmt) if metric in sc.metrics else Cell("-")
                                             for metric, _, fmt in shown)])
    return table


def reading_guide(r: ResultsFolder, counterfactual: bool) -> Bullets:
    """What the pack's words and numbers mean, once, before any of them."""
    return Bullets((
        "Delayed bed-days: the hours patients found ready for discharge spent in a bed, over the measured days, "
        "in days. Beds held by delayed patients is the same as an average number of beds. Patients with no "
        "criteria to reside at midnight is the count the NHS's daily sitrep takes.",
        "Two measures of delay: every delayed hour, and only days after the discharge-ready date (what national "
        "statistics count). Hold-ups on the ready day itself drop out of the second, so a side whose delays are "
        "mostly short, same-day ones has a smaller share there.",
        "Pre-declaration time (clinically ready but not yet found ready at a board round) is the hospital's and "
        "is not in the delay; each scenario's page gives it beside the delay.",
        ("Who causes the delay is measured by counterfactual runs (each side removed, every combination, exact "
         "Shapley values)." if counterfactual else
         "Where the delay is recorded is not who causes it: removing one bottleneck can move patients to queue "
         "at another. `discharge-sim attribute` runs the counterfactuals that say who causes it."),
        f"{r.manifest.get('replications')} replication(s): intervals show simulation noise only; money is over the "
        f"{r.measured_days:g} measured days unless it says a year, and the cost of a bed-day is notional (a bed "
        "freed is not cash saved).",
    ))


def _money_note(r: ResultsFolder) -> str:
    """What the policy table's money and bed-days are, in one place."""
    cost = (r.config.get("finance") or {}).get("acute_bed_day_cost_gbp")
    text = (f"Money and bed-days in the table are over the {r.measured_days:g} measured days. Hospital-internal "
            "and social-care delayed bed-days are by owner (whoever runs each step, team or pool), before any "
            "convention; NHS community care's and patients' and families' delay are in the total only. "
            "Hospital-internal includes the hospital steps' necessary process (their unavoidable minimum), as the "
            "total does. ")
    if isinstance(cost, int | float):
        text += (f"A delayed bed-day is costed at {money(float(cost))} (finance.acute_bed_day_cost_gbp): a notional "
                 "cost, since a bed freed is used by the next patient, not returned as cash.")
    return text


def _title(r: ResultsFolder) -> str:
    if r.kind == "compare":
        return f"{r.summary['baseline']} and {len(r.summary['configs']) - 1} scenario(s)"
    if r.kind == "sweep":
        return f"{r.name} over {len(r.summary['points'])} settings"
    return r.name


ANSWER_MEASURES = (("delayed_bed_days", "every delayed hour"),
                   ("delayed_bed_days_after_ready_day", "days after the ready date (national measure)"))


def answer_table(sc: Scenario) -> Table:
    """Each side's share of delayed bed-days under each convention, both measures, with bed-days a year."""
    a = sc.answer
    assert a is not None
    column = "counterfactual" if a.counterfactual else "recorded"
    kind = "caused (counterfactual, Shapley)" if a.counterfactual else "recorded against"
    table = Table(f"{sc.label}: delayed bed-days {kind} each side, by convention; shares of all delayed bed-days "
                  "(ratio of totals over the replications) with 95% intervals; bed-days from every delayed hour, "
                  f"mean of the replications (source: {a.source.split('#')[0]})",
                  ["convention", "side", f"bed-days over the {a.window_days:g} days",
                   *(f"share: {words}" for _, words in ANSWER_MEASURES)])
    for index, game in enumerate(a.conventions):
        first_measure = ANSWER_MEASURES[0][0]
        for row in game["measures"][first_measure]["rows"]:
            side = str(row["side"])
            if side in ("total", "residual", "interaction") or (side == "unattributed" and not row[column]["mean"]):
                continue
            cells = [Cell(str(game["convention"])), Cell(str(row["label"])),
                     Cell(count(row[column]["mean"]), a.where(index, first_measure), side, column,
                          "mean")]  # bed-days first: a share can rise while its delay falls
            for measure, _ in ANSWER_MEASURES:
                if measure not in game["measures"]:
                    cells.append(Cell("-"))
                    continue
                rows = {str(x["side"]): x for x in game["measures"][measure]["rows"]}
                cells.append(result_cell(a.where(index, measure), side, f"{column}_share",
                                         rows[side][f"{column}_share"], "share"))
            table.rows.append(cells)
    return table


# --- the summary of one scenario -----------------------------------------------------------------

def summary_blocks(r: ResultsFolder, sc: Scenario, daily: Mapping[str, np.ndarray] | None) -> list[Block]:
    """One scenario on a page: the answer, a few numbers, and its control chart of patients with no
    criteria to reside."""
    blocks: list[Block] = [Paragraph(_what_it_is(r, sc))]
    if sc.answer is not None:
        blocks.append(answer_table(sc))
        blocks.append(Paragraph(_answer_sentence(sc)))
    differences = (r.summary.get("differences") or {}).get(sc.key) if r.kind == "compare" else None
    base = r.summary.get("baseline", "")
    glance = Table(f"{sc.label} at a glance: mean over the replications with 95% interval"
                   + (f", and the paired difference from {base} (common random numbers; shares in percentage points)"
                      if differences else "") + " (source: summary.json)",
                   ["measure", "value", *([f"difference from {base}"] if differences else [])])
    for metric, words, fmt in AT_A_GLANCE:
        if metric in sc.metrics:
            row = [Cell(words), metric_cell(sc, metric, fmt)]
            if differences:
                row.append(result_cell("summary.json#differences", sc.key, metric, differences[metric],
                                       "points" if fmt == "share" else fmt) if metric in differences else Cell("-"))
            glance.rows.append(row)
    blocks.append(glance)
    if differences and "mean_delay_days_of_delayed" in differences:
        blocks.append(Paragraph("The mean delay of those delayed is over the patients still delayed: it can rise "
                                "when a scenario takes away short delays, with fewer patients and bed-days delayed."))
    if daily is not None:
        panel = _panels(daily)[:1]
        blocks.append(ImageBlock(f"control-{_slug(sc.key)}", f"{sc.label}: patients with no criteria to reside",
                                 _control_caption(daily), png_bytes(control_figure(panel, sc.label, width=8.0))))
    return blocks


def _what_it_is(r: ResultsFolder, sc: Scenario) -> str:
    """The scenario's own description, and for a later scenario of a comparison the settings in
    which it differs from the first."""
    text = " ".join(str(sc.config.get("description", "")).split()) or f"The config {sc.config.get('name', sc.label)}."
    first = r.config
    if sc.config is first or r.kind not in ("compare", "sweep"):
        return text
    changed = [f"{setting_label(key)} {setting_text(theirs)} -> {setting_text(mine)}"
               for key, theirs, mine in changed_settings(first, sc.config)]
    if changed:
        text += f" Settings changed from {r.keyed_scenarios()[0][1]}: " + "; ".join(changed[:12]) + (
            f"; and {len(changed) - 12} more" if len(changed) > 12 else "") + "."
    return text


def _answer_sentence(sc: Scenario) -> str:
    """Each convention's split in words, every row in the table's order (no side singled out), with
    what the convention is."""
    a = sc.answer
    assert a is not None
    column = "counterfactual" if a.counterfactual else "recorded"
    said = []
    for game in a.conventions:
        rows = [x for x in game["measures"]["delayed_bed_days"]["rows"]
                if x["side"] not in ("total", "residual", "interaction") and x[column]["mean"]]
        parts = ", ".join(f"{prose(str(x['label']))} {share(x[f'{column}_share']['mean'])}" for x in rows)
        said.append(f"{game['convention']} ({game.get('description', '')}): {parts}")
    verb = "caused by" if a.counterfactual else "recorded against"
    return (f"Shares of every delayed hour {verb} each side, by convention. " + "; ".join(said) + ". Which side an "
            "item counts against is a convention, declared openly; each is shown, none is the answer alone.")


# --- the measures boards see ---------------------------------------------------------------------

def measures_table(scenarios: Sequence[Scenario]) -> Table:
    """NCTR, long stays, weekend and before-noon discharges, delay bands, by scenario."""
    table = Table("The measures boards see, mean over the replications with 95% interval: counts at each "
                  "midnight as the NHS's daily discharge sitrep takes them; delay bands are shares of the "
                  "discharges delayed (source: summary.json)",
                  ["measure", *(sc.label for sc in scenarios)])
    for metric, words, fmt in BOARD_MEASURES:
        if any(metric in sc.metrics for sc in scenarios):
            table.rows.append([Cell(words), *(metric_cell(sc, metric, fmt) if metric in sc.metrics else Cell("-")
                                              for sc in scenarios)])
    return table


def demand_blocks(daily: DailyTable | None, scenarios: Sequence[Scenario], charted: int | None) -> list[Block]:
    """Each pool's places against the people in them and waiting for them, at midnight, by scenario;
    charted day by day for replication ``charted`` (the control charts' typical one)."""
    if daily is None:
        return []
    blocks: list[Block] = []
    for sc in scenarios:
        pools = sc.config.get("pools") or {}
        if not pools:
            continue
        steps = sc.config.get("steps") or {}
        columns = [f"{name}_{part}_at_midnight" for name in pools for part in ("in_use", "queue")]
        t = daily.rows(sc, columns)
        if t is None:
            continue
        table = Table(f"{sc.label}: daily demand for each pathway's places against capacity, at each midnight of "
                      "the measured days, over every replication; waiting means queueing for a place, while the time "
                      "spent finding a provider (charged to the pool in what to fix first) is not a queue here "
                      "(source: occupancy.csv)",
                      ["pool", "used by", "places", "in use (mean)", "waiting (mean)", "days with anyone waiting"])
        for name, pool in pools.items():
            used = [s for s, st in steps.items() if name in (st.get("pools") or [])]
            in_use, queue = t[f"{name}_in_use_at_midnight"], t[f"{name}_queue_at_midnight"]
            table.rows.append([
                Cell(name.replace("_", " ")), Cell(", ".join(u.replace("_", " ") for u in used) or "-"),
                Cell(f"{pool['places']:,}"),
                Cell(decimal(float(np.mean(in_use))), "occupancy.csv", sc.key, f"{name}_in_use_at_midnight", "mean"),
                Cell(decimal(float(np.mean(queue))), "occupancy.csv", sc.key, f"{name}_queue_at_midnight", "mean"),
                Cell(share(float(np.mean(queue > 0))), "occupancy.csv", sc.key, f"{name}_queue_at_midnight",
                     "share_above_zero")])
        blocks.append(table)
        first = None if charted is None else daily.rows(sc, columns, replication=charted)
        if first is not None:
            series = [(name.replace("_", " "), float(pool["places"]), first[f"{name}_in_use_at_midnight"],
                       first[f"{name}_queue_at_midnight"]) for name, pool in pools.items()]
            shown = int(first["replication"][0]) + 1
            blocks.append(ImageBlock(f"demand-{_slug(sc.key)}", f"{sc.label}: daily demand for places against capacity",
                                     f"Replication {shown} (as the control charts) over the measured days, at each "
                                     "midnight: places in use, demand (in use plus people waiting, from hospital and "
                                     "community), and the places as configured (dashed). Demand above the dashed line "
                                     "is people waiting; the scale is zoomed on the gap between use and places.",
                                     png_bytes(demand_figure(first["day"], series, sc.label))))
    return blocks


# --- daily series and control charts --------------------------------------------------------------

def measured_day_rows(r: ResultsFolder, days: np.ndarray) -> np.ndarray:
    """Rows of whole days after the warm-up."""
    run = r.config["run"]
    return (days >= math.ceil(float(run.get("warmup_days", 0.0)))) & (days < math.floor(float(run["days"])))


class DailyTable:
    """occupancy.csv, read once for the whole pack: every numeric column, and the scenario column
    as text, with which rows are of whole days after the warm-up."""

    def __init__(self, r: ResultsFolder):
        self.column = r.scenario_column if r.kind != "run" else None
        with (r.folder / "occupancy.csv").open(newline="", encoding="utf-8") as f:
            header = next(csv.reader(f), [])
        numeric = [name for name in header if name != self.column]
        self.t = r.columns("occupancy.csv", numeric, (self.column,) if self.column else ())
        self.measured = measured_day_rows(r, self.t["day"])

    def rows(self, sc: Scenario, columns: Sequence[str],
             replication: int | None = None) -> dict[str, np.ndarray] | None:
        """Some columns of the scenario's measured days (every replication, or the one given),
        ordered by replication and day; None where the table has none."""
        t = self.t
        rows = self.measured.copy()
        if self.column and self.column in t:
            rows &= t[self.column] == sc.occupancy
        if replication is not None:
            rows &= t["replication"] == replication
        if not rows.any():
            return None
        order = np.lexsort((t["day"][rows], t["replication"][rows]))
        return {name: t[name][rows][order] for name in ("replication", "day", *columns)}


def typical_replication(t: Mapping[str, np.ndarray], column: str) -> int:
    """The replication whose mean of ``column`` is in the middle of the replications' means (the
    lower of the middle two when there is an even number; the lower number on a tie): a typical
    one, not a lucky first."""
    numbers_ = np.unique(t["replication"])
    means = [float(np.mean(t[column][t["replication"] == k])) for k in numbers_]
    order = sorted(range(len(numbers_)), key=lambda i: (means[i], numbers_[i]))
    return int(numbers_[order[(len(order) - 1) // 2]])


def daily_series(table: DailyTable | None, scenarios: Sequence[Scenario]) -> dict[str, dict[str, np.ndarray]]:
    """Per scenario key: the daily series (measured days) the charts show, of one typical
    replication of the first scenario (the same replication for every scenario, so they share its
    random numbers)."""
    if table is None:
        return {}
    columns = [c for c, _, _ in CONTROL_SERIES]
    shown = list(scenarios)
    every = table.rows(shown[0], columns) if shown else None
    if every is None:
        return {}
    chosen = typical_replication(every, CONTROL_SERIES[0][0])
    out = {}
    for sc in shown:
        t = table.rows(sc, columns, replication=chosen)
        if t is not None and t["day"].size >= 2:
            out[sc.key] = t
    return out


def _panels(daily: Mapping[str, np.ndarray]) -> list[ControlPanel]:
    return [ControlPanel(words, daily["day"], xmr(daily[column]), better, "simulated")
            for column, words, better in CONTROL_SERIES]


def lag_correlation(values: np.ndarray) -> float:
    """Correlation of each day's value with the day before's (0 for a constant series)."""
    if values.size < 3 or np.std(values[1:]) == 0 or np.std(values[:-1]) == 0:
        return 0.0
    return float(np.corrcoef(values[1:], values[:-1])[0, 1])


def _control_caption(daily: Mapping[str, np.ndarray]) -> str:
    return (f"Replication {int(daily['replication'][0]) + 1}, the typical one (its mean of patients with no criteria "
            "to reside is in the middle of the replications'), over the measured days: one simulated period as a trust "
            "would see it; every scenario is charted from the same replication. Solid line: the mean; dashed: the "
            "process limits (mean plus or minus 2.66 mean moving ranges). Grey: common cause variation; purple: a "
            "special cause by Making Data Count's rules (a point outside the limits, 7 on one side of the mean, 7 "
            "rising or falling, 2 of 3 beyond two sigma). The model does not change over these days, so every "
            "special cause here is chance and the carry-over of patients from one day to the next, which the "
            "limits assume away: a stable system of this kind shows this many signals.")


def control_blocks(scenarios: Sequence[Scenario], daily: Mapping[str, Mapping[str, np.ndarray]]) -> list[Block]:
    """Per scenario: the control charts of its daily series and a table of their limits and signals."""
    if not daily:
        return [Paragraph("No daily series in this folder (occupancy.csv): run and compare keep them; a sweep or an "
                          "attribution keeps them when run with --detail.")]
    blocks: list[Block] = []
    for sc in scenarios:
        series = daily.get(sc.key)
        if series is None:
            continue
        panels = _panels(series)
        blocks.append(ImageBlock(f"control-all-{_slug(sc.key)}", f"{sc.label}: daily series on XmR charts",
                                 _control_caption(series), png_bytes(control_figure(panels, sc.label))))
        table = Table(f"{sc.label}: XmR limits and special-cause points of the charts above, replication "
                      f"{int(series['replication'][0]) + 1}, {series['day'].size} days, with each series' "
                      "correlation from one day to the next (source: occupancy.csv)",
                      ["series", "mean", "lower limit", "upper limit",
                       *(f"points: {rule.replace('_', ' ')}" for rule in RULES), "day-to-day correlation"])
        for (column, words, _), panel in zip(CONTROL_SERIES, panels, strict=True):
            chart = panel.chart
            cells = [Cell(words)]
            for stat, value in (("xmr_mean", chart.mean), ("xmr_lower", chart.lower), ("xmr_upper", chart.upper)):
                cells.append(Cell(decimal(value), "occupancy.csv", sc.key, column, stat))
            cells += [Cell(str(n), "occupancy.csv", sc.key, column, f"xmr_{rule}") for rule, n in
                      chart.counts().items()]
            cells.append(Cell(decimal(lag_correlation(chart.values)), "occupancy.csv", sc.key, column,
                              "lag_correlation"))
            table.rows.append(cells)
        blocks.append(table)
    blocks.append(Paragraph(
        "Discharges have a weekly rhythm (fewer at weekends), which widens their process limits; a trust's own "
        "charts of daily discharges are usually drawn by day of the week or as weekly totals for that reason."))
    return blocks


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text)[:60] or "scenario"


OBSERVED_SERIES: tuple[tuple[str, str, str | None], ...] = (
    ("nctr_patients_at_midnight", "Patients found ready still in hospital, at midnight", "lower"),
    ("beds_occupied_at_midnight", "Patients in hospital, at midnight", None),
)
"""A fit folder's daily.csv series charted: column, words, which way is better."""


def observed_blocks(folder: Path, sc: Scenario, simulated: Mapping[str, np.ndarray] | None) -> list[Block]:
    """The observed daily series of the extract a fit read (its daily.csv), on XmR charts, with the
    simulated series' limits beside for patients found ready."""
    path = folder / "daily.csv"
    if not path.is_file():
        raise OutputError(f"{folder}: no daily.csv; give a folder written by discharge-sim fit")
    t = read_csv(path)
    days = numbers(t["day"])
    charted: list[tuple[str, str, ControlPanel]] = []
    dropped = 0
    for column, words, better in OBSERVED_SERIES:
        values = _counts(t[column], path, column)
        shown = np.isfinite(values)
        dropped = max(dropped, int((~shown).sum()))
        if shown.sum() >= 2:
            charted.append((column, words, ControlPanel(words, days[shown], xmr(values[shown]), better, "observed")))
    panels = [panel for _, _, panel in charted]
    if not panels:
        return [Paragraph(f"The fit folder `{folder.name}` has too few daily counts to chart.")]
    months = [str(m) for m in t["month"]]
    caption = (f"Observed at each midnight in the extract the fit `{folder.name}` read, {months[0]} to {months[-1]}, "
               "after its first four weeks; counts rounded to the nearest 5 (disclosure control)"
               + (f", {dropped} day(s) under 5 left out" if dropped else "") + ". Lines as above; a special cause is "
               "orange where it is a concern and blue where it is an improvement (fewer patients found ready still "
               "in hospital is better), purple for patients in hospital, which has no better direction.")
    blocks: list[Block] = [Heading("Observed daily series", 3),
                           ImageBlock("control-observed", "Observed daily series on XmR charts", caption,
                                      png_bytes(control_figure(panels, "observed")))]
    table = Table("Observed and simulated: XmR limits of each series (sources: daily.csv of the fit, occupancy.csv)",
                  ["series", "source", "mean", "lower limit", "upper limit", "special-cause points"])
    for column, words, panel in charted:  # only the series with counts enough to chart
        chart = panel.chart
        table.rows.append([Cell(words), Cell("observed"),
                           *(Cell(decimal(v), "daily.csv", "observed", column, stat) for stat, v in
                             (("xmr_mean", chart.mean), ("xmr_lower", chart.lower), ("xmr_upper", chart.upper))),
                           Cell(str(int(chart.special.sum())), "daily.csv", "observed", column, "xmr_special")])
        if column == "nctr_patients_at_midnight" and simulated is not None:
            sim = xmr(simulated[column])
            table.rows.append([Cell(words), Cell(f"simulated ({sc.label})"),
                               *(Cell(decimal(v), "occupancy.csv", sc.key, column, stat) for stat, v in
                                 (("xmr_mean", sim.mean), ("xmr_lower", sim.lower), ("xmr_upper", sim.upper))),
                               Cell(str(int(sim.special.sum())), "occupancy.csv", sc.key, column, "xmr_special")])
    blocks += [table, Paragraph(
        "Where the observed mean lies outside the simulated process limits, or the observed limits are much wider, "
        "the model does not yet reproduce this trust's day-to-day variation: read its answer with that in mind.")]
    return blocks


def _counts(values: Sequence[Any] | np.ndarray, path: Path, column: str) -> np.ndarray:
    """Counts as disclosure control shows them: numbers, with '<5' (suppressed) as NaN."""
    out = np.full(len(values), np.nan)
    for i, value in enumerate(values):
        text = str(value).strip()
        if text.startswith("<"):
            continue
        try:
            out[i] = float(text)
        except ValueError:
            raise OutputError(f"{path}: row {i + 2}, {column}: {text!r} is not a count (a number, or <5 where "
                              "suppressed)") from None
    return out


# --- the uncertainty range -----------------------------------------------------------------------

def uncertainty_blocks(folder: Path, r: ResultsFolder) -> list[Block]:
    """The answer over the uncertainty run's assumption sets: each side's share (median and 90%
    range), how many sets have each side's delay the larger, and the same over the sets history
    matching kept."""
    path = folder / "uncertainty.json"
    if not path.is_file():
        raise OutputError(f"{folder}: not an uncertainty folder (no uncertainty.json); give a folder written by "
                          "discharge-sim uncertainty")
    doc = read_json(path)
    first, second = (str(s) for s in doc["sides"])
    labels = {str(k): str(v) for k, v in (doc.get("side_labels") or {}).items()}
    blocks: list[Block] = [Paragraph(
        f"From the uncertainty run `{folder.name}` of {doc['config']} under the {doc['convention']} convention: "
        f"{doc['points']} sets of assumptions drawn over the ranges the config declares, {doc['replications']} "
        "replication(s) each. A range here is the spread of the answer over what the inputs could plausibly be; "
        "the intervals elsewhere in this pack show simulation noise only.")]
    if str(doc["config"]) != r.name:
        blocks.append(Paragraph(f"Note: the uncertainty run is of {doc['config']}, these results of {r.name}."))
    parts = [("prior", doc["prior"], "every assumption set")]
    matching = doc.get("history_matching")
    kept = isinstance(matching, dict) and isinstance(matching.get("given_targets"), dict)  # null reads as NaN
    if kept:
        parts.append(("history_matching.given_targets", matching["given_targets"],
                      f"the {matching['kept']} sets whose outputs match the targets"))
    for where, answer, words in parts:
        table = Table(f"Each side's share of delayed bed-days over {words}: median and 90% range "
                      "(source: uncertainty.json)",
                      ["side", "median share", "90% range", "sets where its delay is the larger"])
        for side, _other, key in ((first, second, "first_exceeds_second"), (second, first, "second_exceeds_first")):
            name = f"{side}_share"
            stats = answer["outputs"][name]
            larger = answer[key]
            table.rows.append([
                Cell(labels.get(side, side)),
                Cell(share(_num(stats["median"])), f"uncertainty.json#{where}.outputs", side, name, "median"),
                Cell(f"{share(_num(stats['low']))} to {share(_num(stats['high']))}",
                     f"uncertainty.json#{where}.outputs", side, name, "range"),
                Cell(f"{larger['points']} of {answer['points']}", f"uncertainty.json#{where}", side, key, "points")])
        neither = answer["neither_share"]
        table.rows.append([Cell("neither side"), Cell(share(_num(neither["median"])),
                                                      f"uncertainty.json#{where}", "neither", "neither_share",
                                                      "median"),
                           Cell(f"{share(_num(neither['low']))} to {share(_num(neither['high']))}",
                                f"uncertainty.json#{where}", "neither", "neither_share", "range"),
                           Cell(f"ties: {answer['ties']}")])
        blocks.append(table)
    if isinstance(matching, dict) and not kept:
        blocks.append(Paragraph(f"No assumption set matched the targets ({matching['targets_path']}) within the "
                                f"cutoff {matching['cutoff']:g}: the data do not narrow the answer here."))
    blocks.append(Bullets((
        "A share of assumption sets is not a probability that either side is to blame: it counts how many of the "
        "plausible input sets, drawn evenly over the declared ranges, give each answer.",)))
    return blocks


def _num(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else math.nan
