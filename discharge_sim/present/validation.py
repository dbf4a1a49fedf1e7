"""The validation results as people read them: a terminal table and validation.md."""

from __future__ import annotations

import math
from typing import Any

from discharge_sim.experiments.validation import FAMILY_ERROR, LITTLE_TOLERANCE


def table_lines(rows: list[dict[str, Any]]) -> str:
    """The validation table for the terminal."""
    width = max(len(r["case"]) for r in rows)
    lines = [f"  {'case':{width}s} {'expected':>10s} {'simulated':>10s} {'95% interval':>22s}  result",
             "  " + "-" * (width + 54)]
    for r in rows:
        interval = f"{_num(r['ci_low'])} to {_num(r['ci_high'])}"
        lines.append(f"  {r['case']:{width}s} {_num(r['expected']):>10s} {_num(r['simulated']):>10s} "
                     f"{interval:>22s}  {'pass' if r['passed'] else 'FAIL'}")
    return "\n".join(lines)


def markdown(rows: list[dict[str, Any]], seed: int, version: str, quick: bool = False) -> str:
    """validation.md: every case, its source, its result and the pass rule."""
    n = sum(1 for r in rows if r["rule"] == "interval")
    speed = (" A --quick run: shorter runs and fewer replications than the full validation, so wider "
             "intervals." if quick else "")
    out = [
        "# Validation against queueing theory",
        "",
        f"discharge-sim {version}, seed {seed}. Each case is a config whose answer is known exactly; the "
        f"simulated value is the mean over replications with its 95% t-interval.{speed}",
        "",
        "| case | quantity | expected | simulated | 95% interval | replications | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        out.append(f"| `{r['case']}` | {r['what']} | {_num(r['expected'])} | {_num(r['simulated'])} | "
                   f"{_num(r['ci_low'])} to {_num(r['ci_high'])} | {r['replications']} | "
                   f"{'pass' if r['passed'] else '**FAIL**'} |")
    out += ["", "Sources of the expected values:", ""]
    out += [f"- `{r['case']}`: {r['source']}." for r in rows]
    out += ["", f"Pass rule: a case passes when its expected value lies in the simulated mean's t-interval at level "
            f"1 - {FAMILY_ERROR:g}/{n} (Bonferroni over the {n} interval cases, so that a correct engine fails "
            f"any of them less than {FAMILY_ERROR:.0%} of the time). Little's law holds exactly in every run, so "
            f"that case passes when every replication is within 1 ± {LITTLE_TOLERANCE:g}.", ""]
    return "\n".join(out)


def _num(value: float) -> str:
    if not math.isfinite(value):
        return "-"
    return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.0f}"
