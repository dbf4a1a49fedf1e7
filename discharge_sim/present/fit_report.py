"""The fit report: what ``fit`` read, what it fitted from how many rows, how well each family
fitted (AIC, and QQ plots against the Kaplan-Meier quantiles), and what it left at the base
config's values. Every count is shown under NHS disclosure control (:mod:`discharge_sim.data.privacy`);
no row of the extract appears.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from discharge_sim.data.fitting import ExtractFit
from discharge_sim.data.holdout import HeldOut, Holdout
from discharge_sim.data.privacy import SMALLEST_SHOWN, shown_count
from discharge_sim.data.readers import ReadExtract
from discharge_sim.data.survival import Fit, Observations, km_quantiles
from discharge_sim.vocabulary import HOURS_PER_DAY

QQ_PROBABILITIES = np.linspace(0.05, 0.95, 19)
"""Where the QQ plots compare the fitted and observed quantiles: never the extremes, which are
one patient's times."""


def fit_report(read: ReadExtract, fit: ExtractFit, figures: list[str], holdout: Holdout | None = None) -> str:
    """The report as Markdown (figures by their file names in ``figures/``)."""
    ex = read.extract
    lines = [f"# Fit of {read.source}", "",
             f"Fitted on top of `{fit.base_name}`: {shown_count(len(ex))} admissions used of "
             f"{shown_count(ex.source_rows)} rows, from {fit.start} to {fit.end}. Counts are rounded to the "
             f"nearest {SMALLEST_SHOWN} and counts under {SMALLEST_SHOWN} shown as <{SMALLEST_SHOWN} (NHS disclosure "
             "control); no row of the extract is in this report or beside it.", ""]
    lines += _excluded(read)
    lines += ["## Arrivals", ""]
    a = fit.arrivals
    if a is not None:
        rate = f", {a.admissions_per_day:,.2f} a day" if a.emergencies >= SMALLEST_SHOWN else ""
        lines += [f"- Emergencies: {shown_count(a.emergencies)} over {a.days:,.1f} days{rate}.",
                  f"- Electives: {shown_count(a.electives)}; by weekday {a.elective_per_weekday or 'none'}.",
                  "- Seasons: " + (", ".join(f"month {m}: {f:.3f}" for m, f in sorted(a.month_factors.items()))
                                   if a.month_factors else "not fitted (a whole year is needed)."), ""]
    lines += ["## Acute stays (admission to ready), by group", "",
              "Each family fitted by maximum likelihood with patients not yet ready censored at the extract's "
              "end; the lowest AIC is chosen. Mean and sd in days.", "",
              "| group | pathway | stays | censored | family | mean | sd | AIC | chosen |",
              "|---|---|---|---|---|---|---|---|---|"]
    for group in fit.stays:
        fits = [group.overall] if group.overall else []
        fits += list(group.by_pathway.values())
        for s in fits:
            assert s is not None
            lines += _family_rows(s.group, "all" if s.pathway is None else str(s.pathway), s.observations, s.fits)
        if group.note:
            lines.append(f"| {group.group} | | | | {group.note} | | | | |")
    lines += ["", "## Waits for capacity", ""]
    if fit.steps:
        lines += ["| step | from | share | patients | family | mean | sd | AIC | chosen |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for st in fit.steps:
            for k, f in enumerate(st.fits):
                lines.append(f"| {st.step} | {st.source} | {st.share:.3f} | {shown_count(st.rows)} | {f.family} | "
                             f"{f.mean / HOURS_PER_DAY:.2f} | {f.sd / HOURS_PER_DAY:.2f} | {f.aic:,.0f} | "
                             f"{'yes' if k == 0 else ''} |")
        lines.append("")
        lines += [f"- {st.step}: {st.note}." for st in fit.steps]
        if fit.corrections:
            lines += ["", "Corrected by simulation for what the model adds to a wait itself (queues for a place, "
                      "handovers, steps without a milestone): the fitted config's runs, fitted the same way, should "
                      "give back the direct fit. Share, mean and sd (days):", "",
                      "| step | direct fit | last round: its runs refitted | corrected settings |",
                      "|---|---|---|---|"]
            lines += [f"| {c.step} | {_triple(c.direct)} | {_triple(c.refit)} | {_triple(c.corrected)} |"
                      for c in fit.corrections]
    else:
        lines.append("None: the extract has no milestones or delay reasons that fit a step of the base config.")
    if fit.processes:
        lines += ["", "## Each side's own process", "",
                  "Matched the same way for each side, where the extract measures that side alone: the work of its "
                  "steps scaled until the model's patients take as long as the extract's.", "",
                  "| process | steps | patients | observed (hours) | with the base's work | work scaled by |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {p.label} | {', '.join(p.steps)} | {shown_count(p.patients)} | {p.observed_hours:.1f} | "
                  f"{p.base_hours:.1f} | {p.scale:.2f} |" for p in fit.processes]
    lines += ["", "## QQ plots", ""]
    lines += [f"![{name}](figures/{name})" for name in figures if name.startswith("qq_")]
    if holdout is not None:
        lines += ["", *holdout_lines(holdout)]
        lines += [f"![{name}](figures/{name})" for name in figures if name == "holdout.png"]
    lines += ["", "## Fitted from the extract", ""]
    lines += [f"- `{f.key}`: {f.how} ({shown_count(f.rows)} rows)" for f in fit.fitted]
    lines += ["", f"## Left at {fit.base_name}'s values", ""]
    lines += [f"- `{item.key}`: {item.why}" for item in fit.left]
    return "\n".join(lines) + "\n"


def _triple(v: tuple[float, float, float]) -> str:
    return f"{v[0]:.3f}, {v[1]:.2f}, {v[2]:.2f}"


def _excluded(read: ReadExtract) -> list[str]:
    lines = ["## Rows left out", ""]
    if not read.problems.counts:
        lines.append("None: every row passed the checks.")
    else:
        lines += ["| column | why | rows |", "|---|---|---|"]
        for (column, reason), n in sorted(read.problems.counts.items()):
            lines.append(f"| {column} | {reason} | {shown_count(n)} |")
        lines.append("")
        lines.append("Which rows: `excluded_rows.csv` (row numbers of your file, the column and why; no values).")
    if read.problems.unknown_reasons:
        lines += ["", "Delay reasons not in the reason table: the rows are kept, their delays of no known reason "
                  "(not fitted to a step):", ""]
        lines += [f"- {reason!r}: {shown_count(n)} rows" for reason, n in sorted(read.problems.unknown_reasons.items())]
    if read.ignored_columns:
        lines += ["", f"Columns not in the schema, not used: {', '.join(read.ignored_columns)}."]
    lines.append("")
    return lines


def _family_rows(group: str, pathway: str, obs: Observations, fits: list[Fit]) -> list[str]:
    return [f"| {group} | {pathway} | {shown_count(obs.n)} | {shown_count(obs.censored)} | {f.family} | "
            f"{f.mean / HOURS_PER_DAY:.2f} | {f.sd / HOURS_PER_DAY:.2f} | {f.aic:,.0f} | {'yes' if k == 0 else ''} |"
            for k, f in enumerate(fits)]


def qq_panels(fit: ExtractFit) -> dict[str, list[tuple[str, Observations, list[Fit]]]]:
    """Per figure, its panels: (title, observations, fits)."""
    stays = []
    for group in fit.stays:
        if group.overall is not None:
            stays.append((f"{group.group}", group.overall.observations, group.overall.fits))
        for p, s in group.by_pathway.items():
            stays.append((f"{group.group}, pathway {p}", s.observations, s.fits))
    steps = [(f"{s.step} ({s.source})", s.observations, s.fits) for s in fit.steps]
    return {name: panels for name, panels in (("qq_stays.png", stays), ("qq_waits.png", steps)) if panels}


def draw_qq(path: Path, panels: list[tuple[str, Observations, list[Fit]]]) -> None:
    """QQ plots: each family's fitted quantiles against the Kaplan-Meier quantiles, in days."""
    import matplotlib.pyplot as plt

    cols = min(3, len(panels))
    rows = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.8 * rows), squeeze=False)
    for ax, (title, obs, fits) in zip(axes.flat, panels, strict=False):
        observed = km_quantiles(obs, QQ_PROBABILITIES) / HOURS_PER_DAY
        top = float(np.nanmax(observed)) if np.any(~np.isnan(observed)) else 1.0
        for f in fits:
            fitted = f.quantile(QQ_PROBABILITIES) / HOURS_PER_DAY
            ax.plot(observed, fitted, "o-" if f is fits[0] else ".--", ms=3, lw=1,
                    label=f"{f.family}{' (chosen)' if f is fits[0] else ''}")
            top = max(top, float(np.nanmax(fitted)))
        ax.plot([0, top], [0, top], color="grey", lw=0.8)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("observed quantile (days)", fontsize=8)
        ax.set_ylabel("fitted quantile (days)", fontsize=8)
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def fit_summary(read: ReadExtract, fit: ExtractFit, holdout: Holdout | None = None) -> dict[str, Any]:
    """The fit as plain data (fit.json): counts under disclosure control, fitted parameters."""
    held = None if holdout is None else {
        "start": holdout.start.strftime("%Y-%m"), "end": holdout.end.strftime("%Y-%m"),
        "replications": holdout.replications,
        "figures": [{"metric": r.metric, "by": r.by, "patients": shown_count(r.patients),
                     "observed": float(f"{r.observed:.3g}") if r.shown else None, "simulated_mean": r.mean,
                     "low": r.low, "high": r.high, "missed": r.missed} for r in holdout.rows]}
    return {"holdout": held,
        "source": read.source, "base": fit.base_name, "start": fit.start, "end": fit.end,
        "rows_used": shown_count(len(read.extract)), "rows_in_file": shown_count(read.extract.source_rows),
        "rows_left_out": {f"{c}: {r}": shown_count(n) for (c, r), n in sorted(read.problems.counts.items())},
        "fitted": [{"key": f.key, "rows": shown_count(f.rows), "how": f.how} for f in fit.fitted],
        "left": [{"key": item.key, "why": item.why} for item in fit.left],
        "stays": [{"group": g.group, "note": g.note,
                   "fits": [{"pathway": s.pathway, "family": f.family, "mean_days": f.mean / HOURS_PER_DAY,
                             "sd_days": f.sd / HOURS_PER_DAY, "aic": f.aic}
                            for s in ([g.overall] if g.overall else []) + list(g.by_pathway.values())
                            for f in s.fits]} for g in fit.stays],
        "unknown_reasons": {reason: shown_count(n) for reason, n in sorted(read.problems.unknown_reasons.items())},
        "corrected_waits": [{"step": c.step, "direct": list(c.direct), "corrected": list(c.corrected)}
                            for c in fit.corrections],
        "processes": [{"process": p.label, "steps": list(p.steps), "patients": shown_count(p.patients),
                       "observed_hours": round(p.observed_hours, 1), "base_hours": round(p.base_hours, 1),
                       "scale": round(p.scale, 3)} for p in fit.processes],
        "waits": [{"step": s.step, "source": s.source, "share": round(s.share, 3),
                   "fits": [{"family": f.family, "mean_days": f.mean / HOURS_PER_DAY, "sd_days": f.sd / HOURS_PER_DAY,
                             "aic": f.aic} for f in s.fits]} for s in fit.steps],
    }


def holdout_lines(holdout: Holdout) -> list[str]:
    """The held-out months' section of the fit report."""
    lines = ["## Held-out months", "",
             f"Fitted on the months before {holdout.start.date().isoformat()}; the fitted config then simulated "
             f"{holdout.start.strftime('%Y-%m')} to {holdout.end.strftime('%Y-%m')} "
             f"({holdout.replications} replications). Simulated: the mean and the 95% prediction interval over "
             "replications (where one more run, the real months, should fall). A figure outside it is marked MISSED. "
             f"Figures from fewer than {SMALLEST_SHOWN} observed patients are not shown.", "",
             "| figure | patients | observed | simulated | interval | |", "|---|---|---|---|---|---|"]
    for r in holdout.rows:
        observed = f"{r.observed:.3f}" if r.shown else f"(<{SMALLEST_SHOWN} patients)"
        patients = shown_count(r.patients)
        lines.append(f"| {r.metric} ({r.by}) | {patients} | {observed} | {r.mean:.3f} | {r.low:.3f} to {r.high:.3f} | "
                     f"{'**MISSED**' if r.missed else ''} |")
    missed = holdout.missed
    lines += ["", f"{len(missed)} of {sum(1 for r in holdout.rows if r.shown)} figures missed"
              + (": " + ", ".join(f"{r.metric} ({r.by})" for r in missed) if missed else "") + ".", ""]
    return lines


def holdout_table(holdout: Holdout) -> str:
    """The held-out figures as text for the terminal."""
    lines = [f"Held-out months {holdout.start.strftime('%Y-%m')} to {holdout.end.strftime('%Y-%m')}: observed "
             f"against simulated ({holdout.replications} replications, 95% prediction interval)"]
    for r in holdout.rows:
        observed = f"{r.observed:10.3f}" if r.shown else f"{'<' + str(SMALLEST_SHOWN) + ' pts':>10}"
        lines.append(f"  {r.metric + ' (' + r.by + ')':45s} {observed} {r.mean:10.3f}  [{r.low:.3f}, {r.high:.3f}]"
                     + ("  MISSED" if r.missed else ""))
    missed = holdout.missed
    lines.append(f"{len(missed)} of {sum(1 for r in holdout.rows if r.shown)} figures missed"
                 + (": " + ", ".join(f"{r.metric} ({r.by})" for r in missed) if missed else ""))
    return "\n".join(lines)


def draw_holdout(path: Path, holdout: Holdout) -> None:
    """Observed against simulated over the held-out months: daily patients in hospital and ready
    patients still in (simulated: the replications' range and mean), delay bands, and the share
    delayed by pathway and council (simulated: prediction intervals)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    for ax, k, title in ((axes[0, 0], 0, "patients in hospital at midnight"),
                         (axes[0, 1], 1, "ready patients still in (NCTR) at midnight")):
        sims = np.array([s[k] for s in holdout.simulated_series])
        days = np.arange(sims.shape[1])
        ax.fill_between(days, sims.min(axis=0), sims.max(axis=0), color="tab:blue", alpha=0.25,
                        label="simulated: range of replications")
        ax.plot(days, sims.mean(axis=0), color="tab:blue", lw=1, label="simulated: mean")
        observed = holdout.observed_series[k].astype(float)
        observed[observed < SMALLEST_SHOWN] = np.nan  # small counts are not shown
        ax.plot(np.arange(observed.size), observed, color="black", lw=1.2, label="observed")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(f"days from {holdout.start.date().isoformat()}")
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=8)
    bands = [r for r in holdout.rows if r.metric.startswith("delay_band_") and r.shown]
    _intervals(axes[1, 0], bands, [r.metric.removeprefix("delay_band_").removesuffix("_share").replace("_", "-")
                                   + " d" for r in bands], "share of delayed discharges by delay length")
    shares = [r for r in holdout.rows if r.metric == "share_delayed" and r.shown]
    _intervals(axes[1, 1], shares, [r.by for r in shares], "share of discharges delayed")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _intervals(ax: Any, rows: list[HeldOut], labels: list[str], title: str) -> None:
    x = np.arange(len(rows))
    mean = np.array([r.mean for r in rows])
    ax.errorbar(x, mean, yerr=[mean - np.array([max(r.low, 0.0) for r in rows]),
                               np.array([r.high for r in rows]) - mean],
                fmt="s", color="tab:blue", capsize=4, label="simulated: mean, 95% prediction interval")
    ax.plot(x, [r.observed for r in rows], "o", color="black", label="observed")
    for i, r in enumerate(rows):
        if r.missed:
            ax.annotate("missed", (i, r.observed), textcoords="offset points", xytext=(6, 0), fontsize=7,
                        color="tab:red")
    ax.set_xticks(x, labels, fontsize=8, rotation=30, ha="right")
    ax.set_ylim(bottom=0)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
