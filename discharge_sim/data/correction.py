"""Waits fitted from an extract, corrected for what the model adds to them itself.

A recorded wait for a place holds more than the search the model takes as a parameter: the queue
for a free place, the handover, and the time of steps the extract has no milestone for (a family
choosing a home); a wait recorded against a delay reason holds the other steps' time too. Taken as
they are, the fitted waits would be counted twice once the model adds those parts again.

So the fit is corrected by simulation (indirect inference): the fitted config is run over the
extract's own dates, its runs are written as extracts with the same columns as the real one, and
those are fitted exactly as the real one was. Where the refit differs from the direct fit, the
settings are moved by the difference (a mean or sd in proportion, a share by the gap), and the
round repeated: the corrected settings are those whose simulated extract fits like the real one.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from discharge_sim.config import Config, config_from_dict
from discharge_sim.config.schema import StaffedStep
from discharge_sim.data.delays import StepFit, fit_steps
from discharge_sim.data.extract import Extract
from discharge_sim.vocabulary import DAY_NAMES, HOURS_PER_DAY

ROUNDS = 3
"""Rounds of correction: each takes what the one before left (as the model is not linear)."""
REPLICATIONS = 2
"""Simulated extracts per round, pooled: more than one, so the refit's own noise is less than the data's."""


@dataclass(frozen=True)
class Corrected:
    """One step's wait: as fitted directly, as the model's runs with the corrected settings refit,
    and the corrected settings (means and sds in days)."""

    step: str
    share_key: str
    duration_key: str
    direct: tuple[float, float, float]
    """(share, mean, sd) fitted from the extract."""
    refit: tuple[float, float, float]
    """(share, mean, sd) fitted from the simulated extracts of the last round (run with the settings
    before its correction)."""
    corrected: tuple[float, float, float]


@dataclass(frozen=True)
class ProcessScale:
    """One side's own process steps, their work scaled so that the model's patients take as long
    over them as the extract's did."""

    label: str
    steps: tuple[str, ...]
    patients: int
    """Patients in the extract the time is measured on."""
    observed_hours: float
    base_hours: float
    """The simulated time with the base config's work (the first round)."""
    scale: float


def correct_waits(extract: Extract, fits: list[StepFit], raw: dict[str, Any], base: Config,
                  seed: int | None = None, rounds: int = ROUNDS,
                  replications: int = REPLICATIONS, workers: int = 1,
                  electives: bool = True) -> tuple[list[Corrected], list[ProcessScale]]:
    """Correct ``raw``'s fitted waits in place (see the module's docstring), and its elective
    bookings: an extract of admissions holds the electives admitted, not those booked and then
    cancelled for want of a bed, so bookings are raised until the simulated admissions match.

    Each side's own process is matched the same way, where the extract measures it: the hospital's
    steps on pathway 0 (the discharge summary, medicines, transport) by the time its pathway-0
    patients take from ready to leaving, which no other organisation's step touches; the hospital's
    staffed steps before a referral (its assessments) by the time from ready to the referral sent;
    the council's staffed steps (its assessments) by the time from the referral to the assessment
    done, where the extract has those milestones. Their work (durations) is scaled until the
    model's patients take as long as the extract's. Returns what was done to the waits, per step,
    and to each side's process."""
    direct = {f.step: (f.share, f.best.mean, f.best.sd) for f in fits}
    current = dict(direct)
    last: dict[str, tuple[float, float, float]] = {}
    admitted = electives_per_weekday(extract)
    booked = {d: float(v) for d, v in raw.get("elective", {}).get("admissions_per_weekday", {}).items()
              } if electives else {}
    processes = [(label, steps, stat) for label, steps, stat in process_measures(base)
                 if stat(extract)[1] >= FEWEST_PATIENTS]
    scales = dict.fromkeys((p[0] for p in processes), 1.0)
    first_seen: dict[str, float] = {}
    tried: dict[str, list[tuple[float, float]]] = {p[0]: [] for p in processes}
    originals = {name: copy.deepcopy(raw["steps"][name]["duration"]) for _, steps, _ in processes for name in steps}
    for k in range(rounds):
        over_extract = copy.deepcopy(raw)  # the extract's dates only (a held-out fit runs on past them)
        over_extract["run"]["days"] = raw["run"]["warmup_days"] + math.ceil(extract.end / HOURS_PER_DAY)
        config = config_from_dict(over_extract, "the fitted config")
        simulated = _simulated(extract, config, seed, k, replications, workers)
        if booked:
            made = electives_per_weekday(simulated, replications)
            booked = {d: v * admitted[d] / made[d] if made.get(d) else v for d, v in booked.items()}
            raw["elective"]["admissions_per_weekday"] = {d: round(v) for d, v in booked.items()}
        for label, steps, stat in processes:
            hours = stat(simulated)[0]
            first_seen.setdefault(label, hours)
            if hours > 0:
                tried[label].append((math.log(scales[label]), math.log(hours)))
                scales[label] = _next_scale(tried[label], math.log(stat(extract)[0]))
            for name in steps:
                raw["steps"][name]["duration"] = scaled(originals[name], scales[label])
        refits = {f.step: f for f in fit_steps(simulated, base)[0]}
        for fit in fits:
            again = refits.get(fit.step)
            if again is None or again.share_key != fit.share_key:
                continue
            got = (again.share, again.best.mean, again.best.sd)
            last[fit.step] = got
            share, mean, sd = current[fit.step]
            want = direct[fit.step]
            # a share kept above nothing, so the next round still sees the step's waits to compare
            current[fit.step] = (min(max(share + want[0] - got[0], LEAST_SHARE), 1.0), mean * want[1] / got[1],
                                 sd * want[2] / got[2])
            _set(raw["steps"][fit.step], fit, current[fit.step])
    waits = [Corrected(f.step, f.share_key, f.duration_key, _days(direct[f.step]), _days(last[f.step]),
                       _days(current[f.step])) for f in fits if f.step in last]
    return waits, [ProcessScale(label, steps, stat(extract)[1], stat(extract)[0], first_seen[label], scales[label])
                   for label, steps, stat in processes if label in first_seen]


LEAST_SHARE = 0.005
"""The smallest share a correction sets."""
FEWEST_PATIENTS = 30
"""Patients a side's process time is measured on at least."""
LONGEST_PROCESS_HOURS = 14 * HOURS_PER_DAY
"""A side's process time longer than this is counted at this length, for both sides alike (one
patient waiting weeks for something else should not set either side's process time)."""
Measure = Callable[[Extract], tuple[float, int]]


def _next_scale(tried: list[tuple[float, float]], target: float) -> float:
    """The next scale of a side's work: the time taken grows with the work faster than in
    proportion (work rolls past closing time into the next day, queues lengthen), so after the
    first try the step is taken along the line through the last two tries (on log scales), its
    slope kept between 0.2 and 5; the first try assumes proportion."""
    (x, y) = tried[-1]
    slope = 1.0
    if len(tried) > 1:
        (x0, y0) = tried[-2]
        if x != x0:
            slope = min(max((y - y0) / (x - x0), 0.2), 5.0)
    return min(max(math.exp(x + (target - y) / slope), 0.05), 20.0)


def process_measures(config: Config) -> list[tuple[str, tuple[str, ...], Measure]]:
    """Each side's process steps whose work a time in the extract measures, with that time
    (mean hours, patients): the hospital's steps on pathway 0; the council's staffed steps."""
    out: list[tuple[str, tuple[str, ...], Measure]] = []
    graph = config.pathways.get(0, {})
    hospital = tuple(n for n in graph if config.steps[n].owner == "hospital" and config.steps[n].kind == "process"
                     and getattr(config.steps[n], "duration", None) is not None)
    # (pathway 0's other steps, if any, are not the hospital's: its patients with a delay coded to
    # another organisation are left out of the time, see _pathway0_hours)
    if hospital:
        out.append(("the hospital's discharge process: pathway 0, ready to leaving", hospital, _pathway0_hours))
    referring = {b for graph in config.pathways.values() for n, before in graph.items()
                 if config.steps[n].owner in ("social_care", "nhs_community") for b in before}
    assessing = tuple(n for n, step in config.steps.items() if isinstance(step, StaffedStep)
                      and step.owner == "hospital" and n in referring and n not in graph)
    if assessing:
        out.append(("the hospital's assessments: ready to referral sent", assessing, _referral_hours))
    council = tuple(n for n, step in config.steps.items() if isinstance(step, StaffedStep)
                    and step.owner == "social_care")
    if council:
        out.append(("the council's assessments: referral sent to assessment done", council, _assessment_hours))
    return out


def _pathway0_hours(extract: Extract) -> tuple[float, int]:
    """Pathway 0's time from ready to leaving, but for patients whose delay is coded to another
    organisation's reason (a family's choice, housing): that time is not the hospital's. Not
    measured where ready or discharge times are dates only."""
    if {"ready_at", "discharged_at"} & extract.date_only:
        return math.nan, 0
    rows = (extract.pathway == 0) & ~np.isnan(extract.ready) & ~np.isnan(extract.discharged)
    if extract.delay_code is not None:
        rows &= np.isin(extract.delay_code.astype(str), ["", "other"])
    hours = np.minimum(extract.discharged[rows] - extract.ready[rows], LONGEST_PROCESS_HOURS)
    return (float(hours.mean()) if hours.size else math.nan), int(hours.size)


def _referral_hours(extract: Extract) -> tuple[float, int]:
    """The time from ready to the referral sent (the hospital's assessment before it refers)."""
    sent = extract.milestones.get("referral_sent_at")
    if sent is None or {"ready_at", "referral_sent_at"} & extract.date_only:
        return math.nan, 0
    with np.errstate(invalid="ignore"):
        rows = ~np.isnan(sent) & ~np.isnan(extract.ready) & (sent >= extract.ready)
    hours = np.minimum(sent[rows] - extract.ready[rows], LONGEST_PROCESS_HOURS)  # the same rule for every side
    return (float(hours.mean()) if hours.size else math.nan), int(hours.size)


def _assessment_hours(extract: Extract) -> tuple[float, int]:
    """The time from the referral sent to the council's assessment done."""
    sent, done = extract.milestones.get("referral_sent_at"), extract.milestones.get("assessment_done_at")
    if sent is None or done is None or {"referral_sent_at", "assessment_done_at"} & extract.date_only:
        return math.nan, 0
    with np.errstate(invalid="ignore"):
        rows = ~np.isnan(sent) & ~np.isnan(done) & (done >= sent)
    hours = np.minimum(done[rows] - sent[rows], LONGEST_PROCESS_HOURS)  # the same rule as the hospital's
    return (float(hours.mean()) if hours.size else math.nan), int(hours.size)


def scaled(duration: dict[str, Any], factor: float) -> dict[str, Any]:
    """A config duration with its mean and sd (or an empirical one's quantiles) times ``factor``."""
    out = dict(duration)
    for key in ("mean_hours", "sd_hours", "mean_days", "sd_days"):
        if key in out:
            out[key] = round(float(out[key]) * factor, 4)
    for key in ("quantiles_hours", "quantiles_days"):
        if key in out:
            out[key] = [round(float(q) * factor, 4) for q in out[key]]
    return out


def electives_per_weekday(extract: Extract, runs: int = 1) -> dict[str, float]:
    """Electives admitted per weekday of the extract (per run, for ``runs`` pooled runs)."""
    covered = extract.weekdays_covered
    when = extract.admitted[extract.elective]
    counts = np.bincount((when // HOURS_PER_DAY).astype(int) % 7, minlength=7)
    return {DAY_NAMES[d]: counts[d] / runs / covered[d] for d in range(7) if covered[d]}


def _days(v: tuple[float, float, float]) -> tuple[float, float, float]:
    return v[0], v[1] / HOURS_PER_DAY, v[2] / HOURS_PER_DAY


def _set(entry: dict[str, Any], fit: StepFit, value: tuple[float, float, float]) -> None:
    """Write a step's share and wait; an empirical wait keeps its shape, scaled to the mean."""
    share, mean, sd = value
    entry[fit.share_key] = round(share, 4)
    wait = copy.deepcopy(fit.best.distribution())
    if wait["distribution"] == "empirical":
        scale = mean / fit.best.mean
        quantiles: list[float] = wait["quantiles_days"]  # type: ignore[assignment]
        wait["quantiles_days"] = [round(q * scale, 4) for q in quantiles]
    else:
        wait["mean_days"], wait["sd_days"] = round(mean / HOURS_PER_DAY, 4), round(sd / HOURS_PER_DAY, 4)
    entry[fit.duration_key] = wait


def _simulated(extract: Extract, config: Config, seed: int | None, round_: int, replications: int,
               workers: int) -> Extract:
    """Runs of ``config`` over the extract's dates as extracts with the real one's columns, pooled."""
    from discharge_sim.data.readers import extract_from_frame
    from discharge_sim.data.synth import synthetic_extracts

    parts = []
    # the same replications every round, so that what changes between rounds is the settings, not chance
    frames = synthetic_extracts(config, extract.origin.date(), [1000 + r for r in range(replications)],
                                seed, milestones=bool(extract.milestones), workers=workers)
    for frame in frames:
        keep = [c for c in frame.columns if c not in _absent(extract)]
        parts.append(extract_from_frame(frame[keep], "simulated", reason_code=_code).extract)
    return pool(parts)


def _code(reason: str) -> str | None:
    return reason  # a simulated extract's reasons are DToC codes already


def _absent(extract: Extract) -> set[str]:
    """Columns the real extract does not have, left out of the simulated ones too."""
    absent = {m for m in ("referral_sent_at", "assessment_done_at", "funding_agreed_at", "place_found_at")
              if m not in extract.milestones}
    if extract.delay_code is None:
        absent.add("delay_reason")
    if extract.self_funder is None:
        absent.add("self_funder")
    if extract.council is None:
        absent.add("council")
    return absent


def pool(parts: list[Extract]) -> Extract:
    """Extracts over the same dates (same origin and end) as one."""
    first = parts[0]

    def join(name: str) -> Any:
        values = [getattr(p, name) for p in parts]
        return None if any(v is None for v in values) else np.concatenate(values)

    return Extract(first.origin, first.end, join("admitted"), join("elective"), join("group"), join("ready"),
                   join("discharged"), join("pathway"), join("council"), join("self_funder"), join("delay_code"),
                   {k: np.concatenate([p.milestones[k] for p in parts]) for k in first.milestones},
                   join("age_band"), sum(p.source_rows for p in parts), join("arrived"))
