"""A synthetic extract: one simulated run of a config written as a trust's extract would be, in
the extract schema, so that the schema can be seen working and fitting can be tested end to end
(``fit(synth(config))`` should give back ``config``'s arrivals, mixes and stays).

Every admission after the warm-up is a row; the extract is taken at the run's end, so patients
still in hospital then have no discharge time (and those not yet ready no ready time). What a real
extract holds is taken from the model's record of each patient:

- ``arrived_at``: when an emergency needed a bed (before its admission if it waited for one);
- ``pathway``: the pathway the patient left on; for those still in, the one they are on (the
  model decides it at admission: a real extract may have the planned pathway, or none);
- ``self_funder``: yes if they paid for their own place, no otherwise (blank if not yet ready);
- ``delay_reason``: for a patient delayed (leaving on a later day than their ready date, or still
  waiting), the DToC code with the most delayed hours;
- milestones: ``referral_sent_at`` when the first step owned by the council or community services
  began; ``assessment_done_at`` when the council's last staffed step finished; ``funding_agreed_at``
  when a council panel (a session step) decided; ``place_found_at`` when a placement was granted.

Deaths while waiting, where a config models them, are discharges in the extract.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from discharge_sim.analysis.metrics import left_on_a_later_day
from discharge_sim.config import Config
from discharge_sim.config.schema import PlacementStep, SessionStep, StaffedStep
from discharge_sim.data.extract import COLUMNS
from discharge_sim.model.replication import run_replication
from discharge_sim.vocabulary import DTOC_CODES

DEFAULT_START = date(2024, 4, 1)
"""The first day of a synthetic extract unless another is given: the start of a financial year."""
COUNCIL_OWNERS = ("social_care", "nhs_community")


def synthetic_extract(config: Config, start: date = DEFAULT_START, replication: int = 0,
                      seed: int | None = None, milestones: bool = True, since_day0: bool = False) -> Any:
    """One run of ``config`` as an extract (a pandas data frame of text cells, in the schema's
    column order), its first day ``start``. The run's day 0 is the Monday at least the warm-up
    before ``start``, so weekdays fall as they do in the model. With ``since_day0`` the warm-up's
    admissions are rows too (for counting who is in hospital when the measured period starts)."""
    import pandas as pd

    result = run_replication(config, replication, seed, step_times=True)
    patients = result.patients
    start_dt = datetime(start.year, start.month, start.day)
    warm = timedelta(days=config.run.warmup_days)
    day0 = start_dt - warm
    day0 -= timedelta(days=day0.weekday())
    first = (start_dt - day0).total_seconds() / 3600.0
    horizon = config.horizon_hours
    admitted = patients["admitted"]
    rows = ~np.isnan(admitted) & (admitted >= (0.0 if since_day0 else first)) & (admitted < horizon)
    rows &= ~patients["cancelled"]
    idx = np.flatnonzero(rows)
    n = idx.size

    def stamp(hours: np.ndarray) -> np.ndarray:
        out = np.full(hours.size, "", dtype=object)
        ok = ~np.isnan(hours) & (hours < horizon)
        base = np.datetime64(day0, "s")
        out[ok] = np.datetime_as_string(base + (hours[ok] * 3600).round().astype("timedelta64[s]"), unit="m")
        return _spaced(out)

    groups = list(config.groups)
    ready = patients["ready"][idx]
    departure = patients["departure"][idx]
    columns: dict[str, Any] = {
        "admission_id": np.array([f"S{k + 1:07d}" for k in range(n)], dtype=object),
        "admitted_at": stamp(admitted[idx]),
        "arrived_at": stamp(np.where(patients["elective"][idx], np.nan, patients["arrival"][idx])),
        "admission_method": np.where(patients["elective"][idx], "elective", "emergency"),
        "group": np.array(groups, dtype=object)[patients["group"][idx]],
        "ready_at": stamp(ready),
        "discharged_at": stamp(departure),
        "pathway": patients["final_pathway"][idx].astype(str),
    }
    if config.councils:
        columns["council"] = np.array(list(config.councils), dtype=object)[patients["council"][idx]]
    is_ready = ~np.isnan(ready) & (ready < horizon)
    columns["self_funder"] = np.where(is_ready, np.where(patients["self_funder"][idx], "yes", "no"), "")
    columns["delay_reason"] = _main_reasons(result.segments, patients["id"][idx], ready, departure, horizon)
    if milestones:
        for name, hours in _milestones(config, patients, idx).items():
            columns[name] = stamp(hours)
    order = [c.name for c in COLUMNS if c.name in columns]
    return pd.DataFrame({name: columns[name] for name in order})


def synthetic_extracts(config: Config, start: date, replications: list[int], seed: int | None = None,
                       milestones: bool = True, since_day0: bool = False, workers: int = 1) -> list[Any]:
    """:func:`synthetic_extract` for each of ``replications``, on up to ``workers`` processes
    (each replication has its own seed, so the extracts do not depend on how many)."""
    jobs = [(config, start, r, seed, milestones, since_day0) for r in replications]
    if workers <= 1 or len(jobs) <= 1:
        return [synthetic_extract(*job) for job in jobs]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        return list(pool.map(_one, jobs))


def _one(job: tuple[Config, date, int, int | None, bool, bool]) -> Any:
    return synthetic_extract(*job)


def _spaced(stamps: np.ndarray) -> np.ndarray:
    """ISO stamps with a space between date and time, as people write them."""
    return np.array([s.replace("T", " ") for s in stamps], dtype=object)


def _main_reasons(segments: dict[str, np.ndarray], ids: np.ndarray, ready: np.ndarray, departure: np.ndarray,
                  horizon: float) -> np.ndarray:
    """Per patient delayed (a later day than their ready date, or still waiting at the end), the
    DToC code of the most delayed hours; blank otherwise."""
    out = np.full(ids.size, "", dtype=object)
    waiting = ~np.isnan(ready) & (ready < horizon) & np.isnan(departure)
    delayed = waiting | left_on_a_later_day(ready, departure)
    if not delayed.any() or segments["patient"].size == 0:
        return out
    hours = np.minimum(segments["end"], horizon) - segments["start"]
    codes = len(DTOC_CODES)
    position = {int(p): k for k, p in enumerate(ids)}
    table = np.zeros((ids.size, codes))
    keep = np.array([int(p) in position for p in segments["patient"]], dtype=bool)
    rows = np.array([position[int(p)] for p in segments["patient"][keep]], dtype=int)
    np.add.at(table, (rows, segments["dtoc"][keep].astype(int)), np.maximum(hours[keep], 0.0))
    has = table.sum(axis=1) > 0
    main = np.array(DTOC_CODES, dtype=object)[table.argmax(axis=1)]
    pick = delayed & has
    out[pick] = main[pick]
    return out


def _milestones(config: Config, patients: dict[str, np.ndarray], idx: np.ndarray) -> dict[str, np.ndarray]:
    """The milestone times (hours, NaN where not passed) of the patients ``idx``."""
    n = idx.size

    def times(what: str, names: list[str], latest: bool) -> np.ndarray:
        if not names:
            return np.full(n, np.nan)
        stacked = np.vstack([patients[f"step_{what}:{name}"][idx] for name in names])
        with np.errstate(all="ignore"):
            reduce = np.nanmax if latest else np.nanmin
            out = reduce(np.where(np.isnan(stacked), np.nan, stacked), axis=0) if stacked.size else np.full(n, np.nan)
        return np.asarray(out, dtype=float)

    steps = config.steps
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: the patient never passed it
        return {
            "referral_sent_at": times("started", [s for s, c in steps.items() if c.owner in COUNCIL_OWNERS], False),
            "assessment_done_at": times("finished", [s for s, c in steps.items() if isinstance(c, StaffedStep)
                                                      and c.owner == "social_care"], True),
            "funding_agreed_at": times("finished", [s for s, c in steps.items() if isinstance(c, SessionStep)
                                                     and c.owner == "social_care"], True),
            "place_found_at": times("granted", [s for s, c in steps.items() if isinstance(c, PlacementStep)], True),
        }
