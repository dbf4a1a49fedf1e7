"""Acute stays from an extract: time from admission to ready, by group and by pathway, with
patients not yet ready when the extract was taken counted as right-censored.

The model's acute stay ends when the patient becomes clinically ready; they are found ready at
the next declaration round that does not miss them (``hospital.declaration``: weekend rounds miss
more often). So a recorded ready time says the stay ended after the round before it, or, if that
round missed the patient, after an earlier one: each stay is fitted as lying in one of those
stretches, each with the chance of the misses it needs (the base config's rounds), not as the
recorded time itself, which would count the wait for the round twice.

A group gets stays per pathway (``length_of_stay_by_pathway``) only where the data say so: where
separate fits for its pathways with enough stays beat one fit for the group by an AIC margin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from discharge_sim.config import Config
from discharge_sim.data.extract import Extract
from discharge_sim.data.survival import Fit, Observations, fit_all
from discharge_sim.model.steps import session_times
from discharge_sim.vocabulary import DAY_NAMES, HOURS_PER_DAY, HOURS_PER_WEEK, PATHWAYS

MOST_EVENTS_NEEDED = 30
"""Stays that ended (were not censored) needed for a distribution of its own."""
MOST_PIECES = 8
"""Declaration rounds looked back through for where a stay may have ended."""
NEGLIGIBLE = 1e-3
"""A chance of having been missed at every round since below which earlier rounds are not looked at."""
AIC_MARGIN = 10.0
"""How much lower the AIC of per-pathway stays must be to be preferred: strong evidence."""


@dataclass(frozen=True)
class StayFit:
    """The families fitted to one set of stays, best first."""

    group: str
    pathway: int | None
    """None: the group's stays on every pathway (or on the pathways without a fit of their own)."""
    observations: Observations
    fits: list[Fit]

    @property
    def best(self) -> Fit:
        return self.fits[0]


@dataclass
class GroupStays:
    """A group's fitted stays: the one for the group and those per pathway that were preferred."""

    group: str
    overall: StayFit | None
    by_pathway: dict[int, StayFit] = field(default_factory=dict)
    note: str = ""
    """Why stays per pathway were or were not used."""


def declaration_pieces(config: Config, ready: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Per ready time, where the stay may have ended: between the round before it and it, or
    between earlier rounds that missed the patient (each with the chance of those misses), back
    until the chance is negligible. (hours before ready of each piece's start, of its end, its
    relative chance), each (patients, pieces); None: the config declares patients ready the moment
    their stay ends."""
    sessions = config.hospital.declaration_sessions
    if sessions is None:
        return None
    times = session_times(sessions)
    period = HOURS_PER_WEEK * sessions.every_weeks
    marks = np.array(times.times, dtype=float)
    chance = np.array(times.probabilities, dtype=float)
    n = marks.size
    at = np.mod(ready, period)
    first = np.searchsorted(marks, at - 1e-6, side="left") - 1  # the round strictly before
    steps = np.arange(MOST_PIECES)
    position = first[:, None] - steps[None, :]
    wraps = np.floor_divide(position, n)
    rounds = marks[np.mod(position, n)] + wraps * period  # hours of the period, going back
    missed = 1.0 - chance[np.mod(position, n)]
    factor = np.hstack([np.ones((ready.size, 1)), np.cumprod(missed, axis=1)[:, :-1]])
    ends = np.hstack([at[:, None], rounds[:, :-1]])
    factor = np.where(factor >= NEGLIGIBLE, factor, 0.0)
    return at[:, None] - rounds, at[:, None] - ends, factor


def round_of_the_day(config: Config, day: np.ndarray) -> np.ndarray:
    """Hours from midnight of ``day`` (times at midnight) to the day's first declaration round (the
    base config's; noon on a day without one, or without rounds at all)."""
    sessions = config.hospital.declaration_sessions
    first = np.full(7, 12.0)
    if sessions is not None:
        for name in sessions.days:
            first[DAY_NAMES.index(name)] = min(sessions.hours)
    weekday = (np.floor(np.nan_to_num(day) / HOURS_PER_DAY).astype(int)) % 7
    return first[weekday]


def observations(extract: Extract, rows: np.ndarray, config: Config) -> Observations:
    """The stays of ``rows`` (a mask): ready ones as the stretches their stay may have ended in; the
    others not found ready by the extract's end, so still in their stay then or ended and missed
    by every round since (each stretch with the chance of those misses)."""
    ready = extract.ready[rows]
    admitted = extract.admitted[rows]
    done = ~np.isnan(ready)
    if "ready_at" in extract.date_only:  # found ready on that day: at its round, or on admission if after it
        ready = np.maximum(ready + round_of_the_day(config, ready), admitted)
    stay = ready[done] - admitted[done]
    # admitted sometime on the day given, where admissions are dates only: the stay is up to a day longer
    day_of_admission = extract.known_to("admitted_at")
    censored = extract.end - admitted[~done] - day_of_admission
    pieces = declaration_pieces(config, ready[done])
    if pieces is None:
        return Observations.of_pieces((stay - day_of_admission)[:, None], stay[:, None], np.ones((stay.size, 1)),
                                      censored)
    back_start, back_end, factor = pieces
    at_end = declaration_pieces(config, np.array([extract.end]))
    assert at_end is not None
    end_start, end_end, end_factor = at_end
    upper_open = censored[:, None] - end_end
    upper_open[:, 0] = np.inf  # not found by the end: still in the stay, or ended and missed since
    lower = np.vstack([stay[:, None] - back_start - day_of_admission, censored[:, None] - end_start])
    upper = np.vstack([stay[:, None] - back_end, upper_open])
    return Observations.of_pieces(lower, upper, np.vstack([factor, np.repeat(end_factor, censored.size, axis=0)]))


def fit_group_stays(extract: Extract, config: Config, group: str) -> GroupStays:
    """The stays of ``group``'s patients (see the module's docstring)."""
    rows = extract.group == group
    obs = observations(extract, rows, config)
    if obs.events < MOST_EVENTS_NEEDED:
        return GroupStays(group, None, note=f"fewer than {MOST_EVENTS_NEEDED} stays ended")
    fits = fit_all(obs)
    if not fits:
        return GroupStays(group, None, note="no family could be fitted to the stays")
    overall = StayFit(group, None, obs, fits)
    result = GroupStays(group, overall)
    unknown = int(np.sum(rows & (extract.pathway < 0)))
    if unknown:
        result.note = ("one stay for all pathways: patients not yet ready have no planned pathway, so stays per "
                       "pathway would leave them out and be biased short")
        return result
    pathway_fits: dict[int, StayFit] = {}
    for p in PATHWAYS:
        o = observations(extract, rows & (extract.pathway == p), config)
        if o.events >= MOST_EVENTS_NEEDED and (found := fit_all(o)):
            pathway_fits[p] = StayFit(group, p, o, found)
    if not pathway_fits:
        result.note = "one stay for all pathways: no pathway has enough stays of its own"
        return result
    rest_rows = rows & ~np.isin(extract.pathway, list(pathway_fits))
    rest_aic = 0.0
    if rest_rows.any():  # the pathways without a fit of their own keep the group's: its parameters count
        rest = observations(extract, rest_rows, config)
        rest_aic = _aic_of(overall.best, rest) + 2.0 * overall.best.parameters
    split = sum(f.best.aic for f in pathway_fits.values()) + rest_aic
    if split < overall.best.aic - AIC_MARGIN:
        result.by_pathway = pathway_fits
        result.note = (f"stays per pathway ({', '.join(str(p) for p in pathway_fits)}): AIC {split:,.0f} against "
                       f"{overall.best.aic:,.0f} for one stay")
    else:
        result.note = (f"one stay for all pathways: stays per pathway do not fit better by {AIC_MARGIN:g} AIC "
                       f"({split:,.0f} against {overall.best.aic:,.0f})")
    return result


def _aic_of(fit: Fit, obs: Observations) -> float:
    """The AIC of ``fit`` (no parameters of its own) on other observations."""
    from discharge_sim.data.survival import log_likelihood

    ll = log_likelihood(fit, obs)
    return -2.0 * ll if math.isfinite(ll) else math.inf
