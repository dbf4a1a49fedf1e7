"""What the sensitivity and uncertainty commands print: their JSON documents in words."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from discharge_sim.present.assumption_figures import LABELS

SHOWN = 10
"""Settings listed on the terminal; every one is in the results' tables."""


def _side(side: str) -> str:
    return LABELS.get(side, side.replace("_", " "))


def _pct(value: float) -> str:
    return "-" if not math.isfinite(value) else f"{100 * value:.0f}%"


def _num(value: float) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def _show(name: str, value: float) -> str:
    return _pct(value) if name.endswith("_share") else _num(value)


def _rule(rule: str) -> str:
    return {"fixed": "fixed", "target": "auto rule: precision met", "cap": "auto rule: its maximum"}.get(rule, rule)


def _points(value: float) -> str:
    return "-" if not math.isfinite(value) else f"{100 * value:.1f} percentage points"


def _noise(doc: Mapping[str, Any], output: str) -> str:
    n = doc["noise"][output]
    show = _points if output.endswith("_share") else _num
    return (f"{output}: a point's mean is within ±{show(n['median_half_width'])} (median 95% half-width) against "
            f"a spread over the points of {show(n['sd_over_points'])} (sd)")


def sensitivity_lines(doc: Mapping[str, Any]) -> str:
    """Morris screening and Sobol indices of the headline outputs."""
    first, second = doc["sides"]
    share, total = f"{first}_share", "delayed_bed_days"
    morris = doc["morris"]
    lines = [doc["convention_note"], "",
             f"Morris screening of {len(doc['declared'])} declared setting(s): {morris['points']} points, "
             f"{morris['replications']} replication(s) each ({_rule(morris['replication_rule'])}), common random "
             "numbers. mu*: how far the output moves, on average, for a step of two thirds across the setting's "
             "distribution; direction: which way it moves the share.",
             "", f"  {'setting':52s} {'whose':14s} {'mu* ' + _side(first) + ' share':>24s}  {'direction':18s} "
             f"{'mu* delayed bed-days':>22s}"]
    indices = morris["indices"]
    whose = {d["key"]: _side(d.get("side", "")) for d in doc["declared"]}
    order = sorted(indices[share], key=lambda k: -_finite(indices[share][k]["mu_star"]))
    for key in order[:SHOWN]:
        v = indices[share][key]
        interval = f"{100 * v['mu_star']:.1f} pts ±{100 * (v['mu_star_high'] - v['mu_star']):.1f}"
        direction = "-" if not math.isfinite(v["mu"]) or v["mu_star"] == 0 else (
            f"raises {_side(first)}" if v["mu"] > 0 else f"raises {_side(second)}")
        lines.append(f"  {key:52s} {whose[key]:14s} {interval:>24s}  {direction:18s} "
                     f"{_num(indices[total][key]['mu_star']):>22s}")
    if len(order) > SHOWN:
        lines.append(f"  ... and {len(order) - SHOWN} more in morris.csv")
    sobol = doc["sobol"]
    lines += ["", f"Sobol indices of the {len(sobol['settings'])} most influential ({sobol['points']} points, "
              f"{sobol['replications']} replication(s) each; every other setting at the config's own value): "
              "the share of each output's variance a setting explains alone (S1) and with its interactions (ST), "
              "with 95% bootstrap intervals.", "",
              f"  {'setting':52s} {_side(first) + ' share S1':>20s} {'ST':>20s} "
              f"{'delayed bed-days S1':>20s} {'ST':>20s}"]
    for key in sobol["settings"]:
        a = sobol["indices"][share]["settings"][key]
        b = sobol["indices"][total]["settings"][key]
        lines.append(f"  {key:52s} {_index(a, 'first'):>20s} {_index(a, 'total'):>20s} "
                     f"{_index(b, 'first'):>20s} {_index(b, 'total'):>20s}")
    lines += ["", "Noise of the replications beside the effects: " + _noise(doc["morris"], share) + "; "
              + _noise(doc["morris"], total) + "."]
    return "\n".join(lines)


def _finite(value: float) -> float:
    return value if math.isfinite(value) else -math.inf


def _index(v: Mapping[str, float], stat: str) -> str:
    if not math.isfinite(v[stat]):
        return "-"
    return f"{v[stat]:.2f} ({v[f'{stat}_low']:.2f} to {v[f'{stat}_high']:.2f})"


def _answer(doc: Mapping[str, Any], answer: Mapping[str, Any], what: str) -> list[str]:
    first, second = doc["sides"]
    a, b = answer["outputs"][f"{first}_share"], answer["outputs"][f"{second}_share"]
    p = answer["first_exceeds_second"]
    level = f"{doc['range']:.0%}"
    return [
        f"{what} ({answer['points']} points; {level} range, median):",
        f"  {_side(first)} side's share of delayed bed-days {_pct(a['low'])} to {_pct(a['high'])} "
        f"(median {_pct(a['median'])})",
        f"  {_side(second)} side's share {_pct(b['low'])} to {_pct(b['high'])} (median {_pct(b['median'])})",
        f"  probability that the {_side(first)} side's delay exceeds the {_side(second)} side's: "
        f"{_pct(p['probability'])} (95% interval {_pct(p['low'])} to {_pct(p['high'])} for {p['points']} points)",
        *(f"  {name.replace('_', ' ')} {_show(name, answer['outputs'][name]['low'])} to "
          f"{_show(name, answer['outputs'][name]['high'])} (median {_show(name, answer['outputs'][name]['median'])})"
          for name in ("delayed_bed_days", "delayed_discharge_share", "boarding_hours")),
    ]


def uncertainty_lines(doc: Mapping[str, Any]) -> str:
    """The answer over plausible assumptions, its drivers and thresholds, and given the targets."""
    first, second = doc["sides"]
    difference = f"{first}_minus_{second}_bed_days"
    lines = [doc["convention_note"], "",
             f"Each point: {doc['replications']} replication(s) ({_rule(doc['replication_rule'])}), the same seeds "
             "at every point.", ""]
    lines += _answer(doc, doc["prior"], f"Over plausible assumptions (a Latin hypercube of the {len(doc['declared'])} "
                                        "declared settings)")
    drivers = doc["drivers"][difference]
    shown = [(k, c) for k, c in drivers["coefficients"].items() if c != 0][:5]
    if shown and math.isfinite(drivers["r_squared"]):
        lines += ["", f"What drives {_side(first)} minus {_side(second)} delayed bed-days (standardised rank "
                  f"regression, R^2 {drivers['r_squared']:.2f}; + favours the {_side(first)} side having more):"]
        lines += [f"  {key:52s} {c:+.2f}" for key, c in shown]
    r2 = next((t["r_squared"] for t in doc["thresholds"].values() if math.isfinite(t["r_squared"])), math.nan)
    if math.isfinite(r2):
        lines += ["", f"Where the majority changes side (a linear fit of the difference, R^2 {r2:.2f}, every other "
                  "setting at its sample mean):"]
        ranges = {d["key"]: (d["low"], d["high"]) for d in doc["declared"]}
        within = [(k, t) for k, t in doc["thresholds"].items() if t["within_range"]]
        for key, t in within:
            low, high = ranges[key]
            toward = _side(first) if t["slope"] > 0 else _side(second)
            lines.append(f"  {key} = {t['value']:.4g} (declared {low:g} to {high:g}); above it the {toward} side "
                         "has more")
        if not within:
            lines.append("  no single setting changes the majority within its declared range; alone, the drivers "
                         "would have to be:")
            for key, _ in shown[:3]:
                t, (low, high) = doc["thresholds"][key], ranges[key]
                if t["value"] is None:
                    continue
                impossible = "" if t.get("possible", True) else ", which it cannot take: no value of it alone would do"
                lines.append(f"  {key} = {t['value']:.4g} (declared {low:g} to {high:g}{impossible})")
    else:
        lines += ["", "Too few points for thresholds (a linear fit needs more points than settings + 1)."]
    matching = doc.get("history_matching")
    if matching is not None:
        lines += ["", f"History matching against {matching['targets_path']} ({len(matching['targets'])} target(s); "
                  f"{matching['rule']}, cutoff {matching['cutoff']:g}): {matching['kept']} of {doc['points']} points "
                  "kept."]
        if matching["given_targets"] is not None:
            lines += _answer(doc, matching["given_targets"], "Given the targets")
            if matching["few"]:
                lines.append("  (few points kept: run more --points before relying on this range)")
        else:
            lines.append("  No point matches every target: the declared ranges, or the model, cannot reproduce them.")
    share = f"{first}_share"
    lines += ["", "Noise of the replications beside the spread: " + _noise(doc, share) + "."]
    return "\n".join(lines)
