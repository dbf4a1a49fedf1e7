"""Discharge steps from an extract: waits for a place from milestones where the extract has them,
otherwise from the delays recorded against each reason.

**Milestones.** Where ``place_found_at`` is given, the wait for a place on a pathway with one
placement step is the time from the latest earlier milestone (funding agreed, assessment done,
referral sent, or else the ready date) to the place being found. Waits of a day or more are taken
as a search for a provider (the step's ``search``), fitted as seen only when that long (a search
shorter than a day looks like a place found at once), censored for patients still waiting; the
step's ``search_probability`` is the share of a day or more over the fitted chance of a search
lasting a day or more. (Times known to the day only: every wait of a day or more, as it is.)

**Reasons.** Otherwise, each delay reason's DToC code is matched to the one step it stands for:
a placement step whose code, or whose pools' codes, it is, or a delay step with that code (a step
of staff work or panel sessions is not fitted this way: the model makes their waits from staff and
sessions itself). A patient delayed (leaving on a later day than their ready date) with that
reason waited for that step: their delay is fitted as the step's ``search`` (or a delay step's
``duration``), and the share of the step's pathways' patients so delayed, over the chance the step
is needed, as its ``search_probability`` (a delay step's ``probability``). This is an
approximation, and said so in the fit: a delay also holds the other steps' time, and a patient
waiting for two things is recorded under one reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from discharge_sim.analysis.metrics import left_on_a_later_day
from discharge_sim.config import Config
from discharge_sim.config.schema import DelayStep, PlacementStep, SessionStep, StaffedStep
from discharge_sim.data.extract import MILESTONES, Extract
from discharge_sim.data.privacy import shown_count
from discharge_sim.data.stays import MOST_EVENTS_NEEDED
from discharge_sim.data.survival import Fit, Observations, fit_all
from discharge_sim.vocabulary import HOURS_PER_DAY

SEARCH_FROM_HOURS = HOURS_PER_DAY
"""A wait for a place this long or longer is a search for a provider."""


@dataclass(frozen=True)
class StepFit:
    """A step's wait fitted from the extract."""

    step: str
    source: str
    """"milestones" or "reasons"."""
    codes: tuple[str, ...]
    share_key: str
    """``search_probability`` or ``probability``."""
    share: float
    duration_key: str
    """``search`` or ``duration``."""
    observations: Observations
    fits: list[Fit]
    rows: int
    """Patients the share is out of."""
    note: str

    @property
    def best(self) -> Fit:
        return self.fits[0]


@dataclass(frozen=True)
class StepLeft:
    """A step or reason the extract could not fit, and why."""

    what: str
    why: str


def fittable_steps(config: Config) -> dict[str, tuple[str, ...]]:
    """Steps whose waits an extract's reasons can fit, with the DToC codes each stands for."""
    out: dict[str, tuple[str, ...]] = {}
    for name, step in config.steps.items():
        if isinstance(step, PlacementStep) and step.search is not None:
            codes = {step.dtoc_code, *(config.pools[p].dtoc_code for p in step.pools)}
        elif isinstance(step, DelayStep) and step.schedule is None:
            codes = {step.dtoc_code}
        else:
            continue
        out[name] = tuple(sorted(c for c in codes if c != "other"))
    return out


def pathways_of(config: Config, step: str) -> list[int]:
    """The pathways ``step`` is part of."""
    return [p for p, graph in config.pathways.items() if step in graph]


def delayed(extract: Extract) -> np.ndarray:
    """Patients who left on a later calendar day than their ready date (NHS England's definition)."""
    return left_on_a_later_day(extract.ready, extract.discharged)


def fit_steps(extract: Extract, config: Config) -> tuple[list[StepFit], list[StepLeft]]:
    """Every step the extract can fit (see the module's docstring), and what it could not."""
    fits: list[StepFit] = []
    left: list[StepLeft] = []
    done: set[str] = set()
    if "place_found_at" in extract.milestones:
        for fit in _from_milestones(extract, config, left):
            fits.append(fit)
            done.add(fit.step)
    if extract.delay_code is None:
        left.append(StepLeft("steps' waits", "the extract has no delay_reason column"))
        return fits, left
    steps = fittable_steps(config)
    owners: dict[str, list[str]] = {}
    for name, codes in steps.items():
        for code in codes:
            owners.setdefault(code, []).append(name)
    for code in sorted({str(c) for c in extract.delay_code if c}):
        names = owners.get(code, [])
        if code == "other":
            left.append(StepLeft("delays with a hospital-process reason (code other)",
                                 "the model makes hospital process waits from its steps' work, staff and rounds"))
        elif not names:
            left.append(StepLeft(f"delays with reason code {code}", "no step of the base config a wait with "
                                 "this code could be fitted to (a staffed or session step, or none with the code)"))
        elif len(names) > 1:
            left.append(StepLeft(f"delays with reason code {code}", f"the code stands for several steps "
                                 f"({', '.join(names)}): which one waited is not known"))
    for name, codes in steps.items():
        if name in done or not codes:
            continue
        if any(len(owners[c]) > 1 for c in codes):
            continue
        found = _from_reasons(extract, config, name, codes, left)
        if found is not None:
            fits.append(found)
    return fits, left


def _from_reasons(extract: Extract, config: Config, name: str, codes: tuple[str, ...],
                  left: list[StepLeft]) -> StepFit | None:
    assert extract.delay_code is not None
    step = config.steps[name]
    on = np.isin(extract.pathway, pathways_of(config, name)) & ~np.isnan(extract.ready)
    coded = np.isin(extract.delay_code.astype(str), list(codes))
    elsewhere = int(np.sum(coded & ~on & delayed(extract)))
    if elsewhere:
        left.append(StepLeft(f"delays with reason {'/'.join(codes)} on pathways without steps.{name}",
                             f"{shown_count(elsewhere)} patients: not fitted to a step"))
    waited = on & coded & delayed(extract)
    waiting = on & coded & np.isnan(extract.discharged)
    wait = extract.discharged[waited] - extract.ready[waited]
    known_ready, known_left = extract.known_to("ready_at"), extract.known_to("discharged_at")
    obs = Observations.of_pieces((wait - known_ready)[:, None], (wait + known_left)[:, None],
                                 np.ones((wait.size, 1)), extract.end - extract.ready[waiting] - known_ready)
    if obs.events < MOST_EVENTS_NEEDED:
        left.append(StepLeft(f"steps.{name}", f"fewer than {MOST_EVENTS_NEEDED} patients delayed with reason "
                             f"{'/'.join(codes)}"))
        return None
    rows = int(on.sum())
    share = (int(waited.sum()) + int(waiting.sum())) / rows
    placement = isinstance(step, PlacementStep)
    if placement:  # of those who need the step at all
        share /= max(step.probability, 1e-9)
    fits = fit_all(obs)
    if not fits:
        left.append(StepLeft(f"steps.{name}", "no family could be fitted to its waits"))
        return None
    return StepFit(name, "reasons", codes, "search_probability" if placement else "probability", min(share, 1.0),
                   "search" if placement else "duration", obs, fits, rows,
                   f"the delays of patients on pathway {', '.join(map(str, pathways_of(config, name)))} with reason "
                   f"{'/'.join(codes)}, from their ready date (including any other step's time)")


def _has_milestone(step: object, extract: Extract) -> bool:
    """Whether a step's end is a milestone the extract has: the council's assessment (a staffed
    step, ``assessment_done_at``) or panel (a session step, ``funding_agreed_at``)."""
    if getattr(step, "owner", "") != "social_care":
        return False
    if isinstance(step, StaffedStep):
        return "assessment_done_at" in extract.milestones
    return isinstance(step, SessionStep) and "funding_agreed_at" in extract.milestones


def _from_milestones(extract: Extract, config: Config, left: list[StepLeft]) -> list[StepFit]:
    found = extract.milestones["place_found_at"]
    out: list[StepFit] = []
    for pathway, graph in sorted(config.pathways.items()):
        placements = [s for s in graph if isinstance(config.steps[s], PlacementStep)]
        if len(placements) != 1:
            continue
        name = placements[0]
        step = config.steps[name]
        assert isinstance(step, PlacementStep)
        if len(pathways_of(config, name)) != 1:
            left.append(StepLeft(f"steps.{name} from milestones", "the step is on several pathways"))
            continue
        on = (extract.pathway == pathway) & ~np.isnan(extract.ready)
        start = extract.ready.copy()
        for milestone in MILESTONES[:-1]:
            if milestone in extract.milestones:
                t = extract.milestones[milestone]
                later = ~np.isnan(t) & (t > start) & (np.isnan(found) | (t <= found))
                start = np.where(later, t, start)
        placed = on & ~np.isnan(found)
        waiting = on & np.isnan(found) & np.isnan(extract.discharged) & (extract.end - start >= SEARCH_FROM_HOURS)
        wait = found - start
        searched = placed & (wait >= SEARCH_FROM_HOURS)
        asked = int(placed.sum()) + int(waiting.sum())
        known_start = max(extract.known_to(m) for m in ("ready_at", *MILESTONES[:-1]))
        known_found = extract.known_to("place_found_at")
        obs = Observations.of_pieces((wait[searched] - known_start)[:, None], (wait[searched] + known_found)[:, None],
                                     np.ones((int(searched.sum()), 1)), extract.end - start[waiting] - known_start)
        by_the_day = known_start > 0 or known_found > 0
        if not by_the_day:  # a search shorter than a day looks like a place found at once: seen only if longer
            obs = obs.truncated(SEARCH_FROM_HOURS)
        if obs.events < MOST_EVENTS_NEEDED or step.search is None:
            left.append(StepLeft(f"steps.{name} from milestones", f"fewer than {MOST_EVENTS_NEEDED} waits of a day or "
                                 "more for a place" if step.search is not None else "the step has no search"))
            continue
        fits = fit_all(obs)
        if not fits:
            left.append(StepLeft(f"steps.{name} from milestones", "no family could be fitted to its waits"))
            continue
        seen = 1.0 if by_the_day else float(fits[0].survival(SEARCH_FROM_HOURS))
        share = (int(searched.sum()) + int(waiting.sum())) / asked / max(seen, 1e-9)
        unmarked = [s for s in graph[name] if not _has_milestone(config.steps[s], extract)]
        also = (f"; the wait also holds any time on {', '.join(unmarked)}, which has no milestone, so the search is "
                "an upper bound") if unmarked else ""
        out.append(StepFit(name, "milestones", (), "search_probability", min(share, 1.0), "search", obs, fits,
                           asked, f"pathway {pathway}'s waits from the last milestone before a place was found: those "
                           f"of a day or more, fitted as searches seen only when that long (shorter ones look like "
                           f"a place found at once){also}"))
    return out
