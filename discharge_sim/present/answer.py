"""The answer to the question the tool exists for, in words and tables: of the delayed bed-days,
how much each side caused, under each convention, for both delay measures. Every number comes
from a split in summary.json (recorded) or attribution.json (counterfactual)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from discharge_sim.io.folders import ResultsFolder
from discharge_sim.vocabulary import HOURS_PER_DAY, HOURS_PER_YEAR

MEASURE_WORDS = {
    "delayed_bed_days": "every delayed hour",
    "delayed_bed_days_after_ready_day": "only days after the discharge-ready date",
}
SIDE_WORDS = {
    "hospital": "hospital-internal processes",
    "social_care": "social care",
    "nhs_community": "NHS community care",
    "patient_family": "patients' and families' own choices",
    "other": "other causes",
    "nhs": "the NHS",
    "both": "the NHS and social care jointly",
}
BASE_WORDS = {
    "owner": {"social_care": "social-care capacity"},
    "dtoc": {"nhs": "the NHS (as DToC charged it)", "both": "the NHS and social care jointly (as DToC charged it)"},
}
"""Under ``owner`` the social-care side is its capacity only; under ``dtoc`` the organisations are DToC's."""
REST_ROWS = ("unattributed", "necessary", "residual", "interaction", "total")


def percent(share: Mapping[str, float]) -> str:
    """A share with its interval: 21% (19% to 23%)."""
    mean = share.get("mean", math.nan)
    if not math.isfinite(mean):
        return "-"
    text = _whole_percent(mean)
    low, high = share.get("ci_low", math.nan), share.get("ci_high", math.nan)
    if math.isfinite(low) and math.isfinite(high):
        text += f" ({_whole_percent(low)} to {_whole_percent(high)})"
    return text


def _whole_percent(share: float) -> str:
    """A share in whole percent, with no "-0%" from rounding a tiny negative."""
    return f"{round(share * 100) or 0}%"


def per_year(bed_days: float, window_days: float) -> float:
    return bed_days * (HOURS_PER_YEAR / HOURS_PER_DAY) / window_days if window_days else math.nan


def side_words(base: str, side: str) -> str:
    """A side in words, as the convention (shipped, or the one a custom convention starts from) names it."""
    return BASE_WORDS.get(base, {}).get(side, SIDE_WORDS.get(side, side))


def answer_lines(conventions: Sequence[Mapping[str, Any]], window_days: float, counterfactual: bool,
                 national_measure: str, pre_declaration: float | None = None, define_share: bool = True,
                 missed_rounds: float | None = None) -> list[str]:
    """One plain paragraph per convention (the first leads) and measure: "Of N delayed bed-days a
    year, hospital-internal processes caused A% (95% interval), ..."; ``counterfactual``:
    Shapley shares (what each side causes); otherwise the ledger's (what it records)."""
    lines = []
    below_zero = False
    scaled = "" if abs(window_days - 365) < 1e-9 else f"; scaled from {window_days:g} measured days"
    for i, game in enumerate(conventions):
        name = game["convention"]
        lead = "The answer" if i == 0 else "The same"
        lines.append(f"{lead} under the {name} convention: {game['description']}.")
        for measure, split in game["measures"].items():
            total = per_year(split["total"]["mean"], window_days)
            rows = {row["side"]: row for row in split["rows"]}
            key = "counterfactual_share" if counterfactual else "recorded_share"
            base = str(game.get("base", name))
            shares = [(side_words(base, side), percent(rows[side][key])) for side in game["players"] if side in rows]
            below_zero = below_zero or any(rows[side][key].get("ci_low", 0.0) < 0 for side in game["players"]
                                           if side in rows)
            benchmark = game.get("against", "removal") == "benchmark"
            if counterfactual and benchmark:
                parts = ", ".join(f"{words} {share}" for words, share in shares)
                said = (f"by falling short of its benchmark each side caused: {parts}" if shares
                        else "no side has a benchmark")
            elif counterfactual:
                said = ", ".join(f"{words} caused {share}" for words, share in shares) or "no side owns anything"
            else:
                said = "the ledger records " + (", ".join(f"{share} against {words}" for words, share in shares)
                                                or "nothing against any side")
            rest = []
            if counterfactual and "residual" in rows:
                if benchmark:
                    left = [side_words(base, side) for side in game.get("left_out", [])]
                    unbenchmarked = f", and all of {' and '.join(left)}, which has no benchmark" if left else ""
                    rest.append(f"{percent(rows['residual'][key])} would remain with every side at its benchmark "
                                f"(what performing well still takes, necessary process, what no side owns"
                                f"{unbenchmarked})")
                else:
                    rest.append(f"{percent(rows['residual'][key])} would remain with every side removed "
                                "(necessary process and what no side owns)")
            else:
                for side, words in (("unattributed", "is unattributed"), ("necessary", "is necessary process")):
                    share = rows.get(side, {}).get(key, {})
                    if share.get("mean", 0.0) > 0:
                        rest.append(f"{percent(share)} {words}")
            sentence = (f"  Of {total:,.0f} delayed bed-days a year ({MEASURE_WORDS.get(measure, measure)}{scaled}), "
                        f"{said}{'; ' + '; '.join(rest) if rest else ''}.")
            if measure == national_measure:
                sentence += " National statistics count delay this way."
            lines.append(sentence)
    if pre_declaration is not None and math.isfinite(pre_declaration):
        where = f" ({scaled[2:]})" if scaled else ""
        missed = ""
        if missed_rounds is not None and math.isfinite(missed_rounds):
            missed = (f"; {per_year(missed_rounds, window_days):,.0f} of them after a round that could have found "
                      "the patient ready missed them, the rest waiting for the first round")
        lines.append(f"  Not in these figures: {per_year(pre_declaration, window_days):,.0f} bed-days a year{where} "
                     "between becoming clinically ready and being found ready at a board round (the hospital's"
                     f"{missed}; with the delay, the NAO's 'no longer benefiting from acute care').")
    if define_share:
        lines.append("  A share is the ratio of totals across replications, with its 95% interval.")
    if below_zero:
        lines.append("  An interval reaching below 0% means too few replications to bound that share: "
                     "run more (--replications).")
    return lines


def split_lines(game: Mapping[str, Any], measure: str, window_days: float) -> list[str]:
    """One convention's table for one measure: per side, recorded and counterfactual bed-days
    (mean, 95% interval, share), what the side takes away alone, and counterfactual - recorded."""
    split = game["measures"][measure]

    def cell(ci: Mapping[str, float], signed: bool = False) -> str:
        mean = ci.get("mean", math.nan)
        if not math.isfinite(mean):
            return ""
        sign = "+" if signed else ""
        text = f"{mean:{sign},.0f}"
        if ci.get("n", 0) >= 2 and math.isfinite(ci.get("ci_low", math.nan)):
            text += f" ({ci['ci_low']:{sign},.0f} to {ci['ci_high']:{sign},.0f})"
        return text

    def share(ci: Mapping[str, float]) -> str:
        mean = ci.get("mean", math.nan)
        return f"{mean * 100:5.1f}%" if math.isfinite(mean) else ""

    lines = [f"  {game['convention']}, {MEASURE_WORDS.get(measure, measure)} (bed-days over {window_days:g} days):",
             f"    {'side':40s} {'recorded':>26s} {'share':>6s} {'counterfactual':>26s} {'share':>6s} "
             f"{'alone':>24s} {'difference':>26s}"]
    for row in split["rows"]:
        if row["side"] == "total":
            lines.append("    " + "-" * 162)
        difference = "" if row["side"] in REST_ROWS else cell(row["difference"], signed=True)
        alone = "" if row["side"] in REST_ROWS else cell(row["alone"])
        lines.append(f"    {row['label']:40s} {cell(row['recorded']):>26s} {share(row['recorded_share']):>6s} "
                     f"{cell(row['counterfactual']):>26s} {share(row['counterfactual_share']):>6s} "
                     f"{alone:>24s} {difference:>26s}")
    return lines


def attribution_lines(doc: Mapping[str, Any], pre_declaration: float | None = None,
                      missed_rounds: float | None = None) -> str:
    """attribution.json in words: the answer under each convention, then the tables;
    ``pre_declaration``: the configured run's bed-days before patients were found ready."""
    days = float(doc["window_days"])
    against = doc.get("against", "removal")
    escalating = any("escalation:deconditioning" in game.get("items", {}) for game in doc["conventions"])
    change = ("removed (its steps instant but for their necessary hours, its staff, places and budget unlimited"
              + (", and escalations it answers for stopped" if escalating else "") + ")"
              if against == "removal" else "brought to the benchmark the config declares (what good peers achieve)")
    conventions = [dict(game, against=against) for game in doc["conventions"]]
    lines = [
        f"Who causes the delay: {doc['replications']} replication(s), each run as configured and again with every "
        f"combination of a convention's sides {change}, with the same random numbers; each side's share is its exact "
        "Shapley value (its effect averaged over every order of changing the sides).",
        "",
        *answer_lines(conventions, days, True, doc["national_measure"], pre_declaration,
                      missed_rounds=missed_rounds),
        "",
        "Recorded: the ledger's labels under the convention. Counterfactual: the Shapley value. Alone: what changing",
        "the side on its own takes away. Interaction: what the sides take away together beyond the sum of each alone",
        "(positive: bottlenecks hide each other). Necessary: the unavoidable minimum of steps' work (in the residual).",
    ]
    for game in doc["conventions"]:
        if game.get("left_out"):
            lines.append(f"  {game['convention']}: no benchmark declared for {', '.join(game['left_out'])}, "
                         "left as configured (their delay is in the residual).")
        for measure in game["measures"]:
            lines += ["", *split_lines(game, measure, days)]
    return "\n".join(lines)


def recorded_answer(summary: Mapping[str, Any], config: Any) -> list[str]:
    """The answer a run gives (summary.json's ``answer``): the ledger's split under each
    convention, and the pre-declaration time beside it."""
    answer = summary.get("answer")
    if not answer:
        return []
    days = float(summary["days"]) - float(summary["warmup_days"])
    metrics = summary.get("metrics", {})
    pre = metrics.get("pre_declaration_bed_days", {}).get("mean")
    missed = metrics.get("pre_declaration_missed_round_bed_days", {}).get("mean")
    return [
        "Who the delay is recorded against (the ledger; `discharge-sim attribute` runs the counterfactuals that say",
        "who causes it):",
        *answer_lines(answer["conventions"], days, False, answer["national_measure"], pre, missed_rounds=missed),
    ]


@dataclass(frozen=True)
class Answer:
    """The answer a folder gives, under each convention: the recorded split of a run (summary.json's
    ``answer``) or the counterfactual split of an attribution (attribution.json)."""

    conventions: list[dict[str, Any]]
    counterfactual: bool
    national_measure: str
    measures: dict[str, str]
    """Measure (metric) to its words."""
    window_days: float
    source: str
    """Where the splits are: ``attribution.json#conventions`` or ``summary.json#answer.conventions``."""
    share_definition: str
    pre_declaration: float | None
    """Mean pre-declaration bed-days of the run as configured, over the measured days."""
    missed_rounds: float | None = None
    """Of those, the mean bed-days after a round that could have found the patient ready missed them."""

    def where(self, index: int, measure: str) -> str:
        """The source of a table cell: file and the JSON path of one convention's split."""
        return f"{self.source}.{index}.measures.{measure}"

    def measure_words(self, measure: str) -> str:
        return self.measures.get(measure, measure)


def answer_of(r: ResultsFolder) -> Answer | None:
    """The folder's answer: counterfactual for an attribute folder, recorded for a run; None for the rest."""
    first = r.keyed_scenarios()[0][2]
    pre = first.get("pre_declaration_bed_days", {}).get("mean")
    pre = float(pre) if isinstance(pre, int | float) and math.isfinite(pre) else None
    missed = first.get("pre_declaration_missed_round_bed_days", {}).get("mean")
    missed = float(missed) if isinstance(missed, int | float) and math.isfinite(missed) else None
    if r.kind == "attribute" and r.has("attribution.json"):
        doc = r.attribution
        against = doc.get("against", "removal")
        return Answer([dict(game, against=game.get("against", against)) for game in doc["conventions"]], True,
                      str(doc.get("national_measure", "delayed_bed_days_after_ready_day")),
                      dict(doc.get("measures") or {}), float(doc.get("window_days", r.measured_days)),
                      "attribution.json#conventions", str(doc.get("share_definition", "")), pre, missed)
    answer = r.summary.get("answer")
    if r.kind == "run" and answer:
        s = r.summary
        days = (float(s["days"]) - float(s["warmup_days"]) if "days" in s and "warmup_days" in s
                else r.measured_days)
        return Answer(list(answer["conventions"]), False,
                      str(answer.get("national_measure", "delayed_bed_days_after_ready_day")),
                      dict(answer.get("measures") or {}), days, "summary.json#answer.conventions",
                      str(answer.get("share_definition", "")), pre, missed)
    return None
