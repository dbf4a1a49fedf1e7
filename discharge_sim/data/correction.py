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
from dataclasses import dataclass
from typing import Any

import numpy as np

from discharge_sim.config import Config, config_from_dict
from discharge_sim.data.delays import StepFit, fit_steps
from discharge_sim.data.extract import Extract
from discharge_sim.vocabulary import DAY_NAMES, HOURS_PER_DAY

ROUNDS = 2
"""Rounds of correction: the second takes what the first left (as the model is not linear)."""
REPLICATIONS = 3
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


def correct_waits(extract: Extract, fits: list[StepFit], raw: dict[str, Any], base: Config,
                  seed: int | None = None, rounds: int = ROUNDS,
                  replications: int = REPLICATIONS, workers: int = 1) -> list[Corrected]:
    """Correct ``raw``'s fitted waits in place (see the module's docstring), and its elective
    bookings: an extract of admissions holds the electives admitted, not those booked and then
    cancelled for want of a bed, so bookings are raised until the simulated admissions match.
    Returns what was done to the waits, per step."""
    direct = {f.step: (f.share, f.best.mean, f.best.sd) for f in fits}
    current = dict(direct)
    last: dict[str, tuple[float, float, float]] = {}
    admitted = electives_per_weekday(extract)
    booked = {d: float(v) for d, v in raw.get("elective", {}).get("admissions_per_weekday", {}).items()}
    for k in range(rounds):
        over_extract = copy.deepcopy(raw)  # the extract's dates only (a held-out fit runs on past them)
        over_extract["run"]["days"] = raw["run"]["warmup_days"] + math.ceil(extract.end / HOURS_PER_DAY)
        config = config_from_dict(over_extract, "the fitted config")
        simulated = _simulated(extract, config, seed, k, replications, workers)
        if booked:
            made = electives_per_weekday(simulated, replications)
            booked = {d: v * admitted[d] / made[d] if made.get(d) else v for d, v in booked.items()}
            raw["elective"]["admissions_per_weekday"] = {d: round(v) for d, v in booked.items()}
        refits = {f.step: f for f in fit_steps(simulated, base)[0]}
        for fit in fits:
            again = refits.get(fit.step)
            if again is None or again.share_key != fit.share_key:
                continue
            seen = (again.share, again.best.mean, again.best.sd)
            last[fit.step] = seen
            share, mean, sd = current[fit.step]
            want = direct[fit.step]
            current[fit.step] = (min(max(share + want[0] - seen[0], 0.0), 1.0), mean * want[1] / seen[1],
                                 sd * want[2] / seen[2])
            _set(raw["steps"][fit.step], fit, current[fit.step])
    return [Corrected(f.step, f.share_key, f.duration_key, _days(direct[f.step]), _days(last[f.step]),
                      _days(current[f.step])) for f in fits if f.step in last]


def electives_per_weekday(extract: Extract, runs: int = 1) -> dict[str, float]:
    """Electives admitted per weekday of the extract (per run, for ``runs`` pooled runs)."""
    first = math.floor(float(np.min(extract.admitted)) / HOURS_PER_DAY)
    days = np.arange(first, math.ceil(extract.end / HOURS_PER_DAY))
    covered = np.bincount(days % 7, minlength=7)
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
    frames = synthetic_extracts(config, extract.origin.date(), [1000 * (round_ + 1) + r for r in range(replications)],
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
