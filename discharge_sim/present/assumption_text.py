"""What the sensitivity and uncertainty commands print: their JSON documents in words, each side
named as the convention names it and both sides shown alike."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from discharge_sim.analysis.headline import prose

SHOWN = 10
"""Settings listed on the terminal; every one is in the results' tables."""
MIXED = 0.5
"""A setting whose signed mean effect is under half its mean absolute effect moves the output both
ways (curvature or interactions): its direction is 'mixed'."""


def _side(doc: Mapping[str, Any], side: str) -> str:
    return prose(doc.get("side_labels", {}).get(side, side.replace("_", " ")))


def _pct(value: float) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{100 * value:.0f}%"


def _num(value: float) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def _show(name: str, value: float) -> str:
    return _pct(value) if name.endswith("_share") else _num(value)


def _points(value: float) -> str:
    return "-" if not math.isfinite(value) else f"{100 * value:.1f} percentage points"


def _rule(rule: str) -> str:
    return {"fixed": "fixed", "target": "auto rule: precision met", "cap": "auto rule: its maximum"}.get(rule, rule)


def _noise(doc: Mapping[str, Any], output: str, stage: Mapping[str, Any] | None = None) -> str:
    n = (stage or doc)["noise"][output]
    show = _points if output.endswith("_share") else _num
    side = output.removesuffix("_share")
    name = f"the {_side(doc, side)} side's share" if output.endswith("_share") else output.replace("_", " ")
    return (f"{name}: a point's mean within ±{show(n['median_half_width'])} (median 95% half-width), against a "
            f"spread over the points of {show(n['sd_over_points'])} (sd)")


def _undefined(stage: Mapping[str, Any]) -> list[str]:
    missing = stage.get("undefined") or {}
    return [f"  (no value at {n} point(s), so no indices: {name})" for name, n in missing.items()]


def _effect(value: float, share: bool) -> str:
    if not math.isfinite(value):
        return "-"
    return f"{100 * value:.1f} pts" if share else _num(value)


def sensitivity_lines(doc: Mapping[str, Any]) -> str:
    """Morris screening and Sobol indices of the headline outputs, for both sides alike."""
    first, second = doc["sides"]
    shares = (f"{first}_share", f"{second}_share")
    total = "delayed_bed_days"
    morris = doc["morris"]
    a, b = _side(doc, first), _side(doc, second)
    lines = [doc["convention_note"], "",
             f"Morris screening of {len(doc['declared'])} declared setting(s): {morris['points']} points, "
             f"{morris['replications']} replication(s) each ({_rule(morris['replication_rule'])}), common random "
             "numbers. mu*: the mean absolute change in an output per move across a setting's whole distribution "
             "(from steps of two thirds of it); direction: which way raising the setting moves the first share "
             "(mixed: both ways, from curvature or interactions).",
             "", f"  {'setting':50s} {'whose':18s} {'mu* ' + a + ' share':>26s} {'mu* ' + b + ' share':>26s} "
             f"{'mu* delayed bed-days':>21s}  direction"]
    indices = morris["indices"]
    whose = {d["key"]: _side(doc, d.get("side", "")) for d in doc["declared"]}
    both = {k: max(_finite(indices[shares[0]][k]["mu_star"]), _finite(indices[shares[1]][k]["mu_star"]))
            for k in indices[total]}
    order = sorted(both, key=lambda k: -both[k])
    for key in order[:SHOWN]:
        cells = []
        for name in (*shares, total):
            v = indices[name][key]
            half = v["mu_star_high"] - v["mu_star"]
            cells.append(f"{_effect(v['mu_star'], name in shares)} ±{_effect(half, name in shares)}"
                         if math.isfinite(v["mu_star"]) else "-")
        v = indices[shares[0]][key]
        direction = "-" if not math.isfinite(v["mu"]) or not v["mu_star"] else (
            "mixed" if abs(v["mu"]) < MIXED * v["mu_star"] else f"{'raises' if v['mu'] > 0 else 'lowers'} {a}")
        lines.append(f"  {key:50s} {whose[key]:18s} {cells[0]:>26s} {cells[1]:>26s} {cells[2]:>21s}  {direction}")
    if len(order) > SHOWN:
        lines.append(f"  ... and {len(order) - SHOWN} more in morris.csv")
    lines += _undefined(morris)
    sobol = doc["sobol"]
    lines += ["", f"Sobol indices of the {len(sobol['settings'])} most influential ({sobol['points']} points, "
              f"{sobol['replications']} replication(s) each; every other setting at the config's own value): the "
              "share of each output's variance a setting explains alone (S1) and with its interactions (ST), with "
              "95% bootstrap intervals."]
    for name, label in ((shares[0], f"{a} share"), (shares[1], f"{b} share"), (total, "delayed bed-days")):
        lines += ["", f"  {label:50s} {'S1':>22s} {'ST':>22s}"]
        for key in sobol["settings"]:
            v = sobol["indices"][name]["settings"][key]
            lines.append(f"  {key:50s} {_index(v, 'first'):>22s} {_index(v, 'total'):>22s}")
    lines += _undefined(sobol)
    lines += ["", "Noise of the replications beside the effects: " + "; ".join(
        _noise(doc, name, morris) for name in (*shares, total)) + "."]
    return "\n".join(lines)


def _finite(value: float) -> float:
    return value if math.isfinite(value) else -math.inf


def _index(v: Mapping[str, float], stat: str) -> str:
    if not math.isfinite(v[stat]):
        return "-"
    return f"{v[stat]:.2f} ({v[f'{stat}_low']:.2f} to {v[f'{stat}_high']:.2f})"


def _answer(doc: Mapping[str, Any], answer: Mapping[str, Any], what: str, few: bool = False) -> list[str]:
    """Each side's share and how many points have its delay the larger (counts alone where the
    points are too few for a range or a percentage to mean much)."""
    first, second = doc["sides"]
    a, b = _side(doc, first), _side(doc, second)
    n = answer["points"]
    level = "" if few else f"; {doc['range']:.0%} range and median"
    lines = [f"{what} ({n} points{level}):"]
    for side, label in ((first, a), (second, b)):
        s = answer["outputs"][f"{side}_share"]
        lines.append(f"  {label} side's share of delayed bed-days {_pct(s['low'])} to {_pct(s['high'])}"
                     + ("" if few else f" (median {_pct(s['median'])})"))
    neither = answer.get("neither_share")
    if neither is not None:
        lines.append(f"  in neither of the two (the other sides and unattributed) {_pct(neither['low'])} to "
                     f"{_pct(neither['high'])}" + ("" if few else f" (median {_pct(neither['median'])})"))
    for key, more in (("first_exceeds_second", a), ("second_exceeds_first", b)):
        p = answer[key]
        count = round(p["probability"] * p["points"]) if math.isfinite(p["probability"]) else 0
        share = "" if few else (f" ({_pct(p['probability'])}; 95% interval {_pct(p['low'])} to {_pct(p['high'])} "
                                "for having run this many points)")
        lines.append(f"  the {more} side's delay is the larger at {count} of {p['points']} points{share}")
    if answer.get("ties"):
        lines.append(f"  ({answer['ties']} point(s) where the two are equal)")
    for name in ("delayed_bed_days", "delayed_discharge_share", "boarding_hours"):
        s = answer["outputs"][name]
        lines.append(f"  {name.replace('_', ' ')} {_show(name, s['low'])} to {_show(name, s['high'])}"
                     + ("" if few else f" (median {_show(name, s['median'])})"))
    return lines


def _thresholds(doc: Mapping[str, Any], a: str, b: str, coefficients: Mapping[str, float]) -> list[str]:
    thresholds = doc["thresholds"]
    r2 = next((t["r_squared"] for t in thresholds.values() if math.isfinite(t["r_squared"])), math.nan)
    if not math.isfinite(r2):
        return ["", "Too few points for thresholds (a linear fit needs more points than settings + 1)."]
    lines = ["", f"Where the larger side changes (a linear fit of the difference, R^2 {r2:.2f}, every other setting "
             "at its sample mean; only settings with a detectable effect):"]
    ranges = {d["key"]: (d["low"], d["high"]) for d in doc["declared"]}
    within = [(k, t) for k, t in thresholds.items() if t["within_range"]]
    for key, t in within:
        low, high = ranges[key]
        toward = a if t["slope"] > 0 else b
        lines.append(f"  {key} = {t['value']:.4g} (declared {low:g} to {high:g}); above it the {toward} side has more")
    if within:
        return lines
    lines.append("  no single setting changes it within its declared range. Alone, the strongest drivers each way "
                 "would have to be:")
    each_way = [k for k, _ in sorted(((k, c) for k, c in coefficients.items() if c > 0), key=lambda kc: -kc[1])[:2]]
    each_way += [k for k, _ in sorted(((k, c) for k, c in coefficients.items() if c < 0), key=lambda kc: kc[1])[:2]]
    for key in each_way:
        t, (low, high) = thresholds[key], ranges[key]
        if t["value"] is None:
            lines.append(f"  {key}: no detectable effect on its own")
        elif not t.get("possible", True):
            lines.append(f"  {key}: no value it can take would do (declared {low:g} to {high:g})")
        else:
            lines.append(f"  {key} = {t['value']:.4g} (declared {low:g} to {high:g})")
    return lines


def _matching(doc: Mapping[str, Any], matching: Mapping[str, Any]) -> list[str]:
    first, second = doc["sides"]
    a, b = _side(doc, first), _side(doc, second)
    name = matching["targets_path"].replace("\\", "/").split("/")[-1]
    lines = ["", f"History matching against {name} ({len(matching['targets'])} target(s): "
             f"{', '.join(t['metric'] for t in matching['targets'])}): a point is kept when every target's "
             f"|mean - value| / sqrt(tolerance^2 + se^2) is at most {matching['cutoff']:g}. Points kept are those "
             "consistent with these figures; they narrow the split only as far as the figures depend on it.",
             f"  {matching['kept']} of {doc['points']} points kept."]
    if not matching.get("noise_allowed", True):
        lines.append("  (one replication a point: no standard error, so the tolerance alone decides)")
    if matching["given_targets"] is None:
        lines.append("  No point matches every target: the declared ranges, or the model, cannot reproduce them.")
    else:
        if matching["few"]:
            lines.append("  Few points kept: read what follows as a handful of cases, not a range; run more --points.")
        lines += _answer(doc, matching["given_targets"], "Given the targets", few=matching["few"])
    rows = matching.get("by_cutoff") or []
    if rows:
        lines += ["", f"  {'cutoff':>8s} {'kept':>6s} {a + ' share (median, range)':>34s} "
                  f"{b + ' share (median, range)':>34s}"]
        for row in rows:
            cells = [f"{_pct(x['median'])} ({_pct(x['low'])} to {_pct(x['high'])})" if row["kept"] else "-"
                     for x in (row["shares"][first], row["shares"][second])]
            lines.append(f"  {row['cutoff']:>8g} {row['kept']:>6d} {cells[0]:>34s} {cells[1]:>34s}")
    return lines


def uncertainty_lines(doc: Mapping[str, Any]) -> str:
    """The answer over the declared ranges, its drivers and thresholds, and given the targets."""
    first, second = doc["sides"]
    a, b = _side(doc, first), _side(doc, second)
    difference = f"{first}_minus_{second}_bed_days"
    lines = [doc["convention_note"], "",
             f"Each point: {doc['replications']} replication(s) ({_rule(doc['replication_rule'])}), the same seeds "
             "at every point. The points sample the declared ranges (each uniform, independent): a share of points "
             "is a share of assumption sets, not the chance that a side is to blame.", ""]
    lines += _answer(doc, doc["prior"], f"Over the declared ranges (a Latin hypercube of the {len(doc['declared'])} "
                                        "declared settings)")
    lines += _undefined(doc)
    drivers = doc["drivers"][difference]
    shown = [k for k, c in drivers["coefficients"].items() if c != 0][:6]
    if shown and math.isfinite(drivers["r_squared"]):
        lines += ["", f"What drives {a} minus {b} delayed bed-days (standardised rank regression, R^2 "
                  f"{drivers['r_squared']:.2f}; + : more for the {a} side, - : more for the {b} side):"]
        whose = {d["key"]: _side(doc, d.get("side", "")) for d in doc["declared"]}
        lines += [f"  {key:52s} {drivers['coefficients'][key]:+.2f}  (the {whose.get(key, '')} side's assumption)"
                  for key in shown]
    lines += _thresholds(doc, a, b, drivers["coefficients"])
    matching = doc.get("history_matching")
    if matching is not None:
        lines += _matching(doc, matching)
    lines += ["", "Noise of the replications beside the spread: " + "; ".join(
        _noise(doc, f"{side}_share") for side in (first, second)) + "."]
    return "\n".join(lines)
