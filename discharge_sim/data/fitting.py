"""A config fitted from a trust's extract: what the data can tell, on top of a base config for the rest.

Fitted: emergency arrivals (rate, hour-of-day and day-of-week profiles, a factor per calendar
month when a whole year is covered), electives by weekday, the patient groups (shares of
emergencies and electives, acute stays by group and pathway with censoring, pathway mixes), the
share of self-funders (as the means-tested pools' funded shares), the home councils' shares, and
the waits for places and other capacity from milestones or delay reasons (:mod:`.delays`).
Everything else is the base config's, and listed as such.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import yaml

from discharge_sim.config import Config, config_from_dict
from discharge_sim.config.schema import PlacementStep
from discharge_sim.data.arrivals import Arrivals, fit_arrivals
from discharge_sim.data.correction import Corrected, ProcessScale, correct_waits, process_measures
from discharge_sim.data.delays import StepFit, StepLeft, fit_steps
from discharge_sim.data.extract import FEWEST_ADMISSIONS, Extract, ExtractError, identifier
from discharge_sim.data.privacy import shown_count
from discharge_sim.data.stays import GroupStays, fit_group_stays
from discharge_sim.vocabulary import HOURS_PER_DAY, PATHWAYS

SHARE_DIGITS = 6
FEWEST_ROWS = 30
"""Rows a share or rate is fitted from at least; with fewer, the base config's value stays."""
FEWEST_FOR_PROFILES = 1_000
"""Emergencies the hour-of-day and day-of-week profiles are fitted from at least."""


@dataclass(frozen=True)
class FittedSetting:
    """A setting fitted from the extract: its dotted key, the rows it came from and how."""

    key: str
    rows: int
    how: str


@dataclass(frozen=True)
class Left:
    """A setting left at the base config's value (or a part of the extract not used), and why."""

    key: str
    why: str


@dataclass
class ExtractFit:
    """A fitted config with the account of how each part was fitted."""

    raw: dict[str, Any]
    config: Config
    base_name: str
    fitted: list[FittedSetting] = field(default_factory=list)
    left: list[Left] = field(default_factory=list)
    arrivals: Arrivals | None = None
    stays: list[GroupStays] = field(default_factory=list)
    steps: list[StepFit] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)
    """The extract's group names -> the config's (lower case, words joined by underscores): names
    that differ only in case, spaces or punctuation are one group."""
    rows: int = 0
    start: str = ""
    """The extract's first day (a Monday at or before its first admission)."""
    end: str = ""
    """The month the extract ends in (its last day would be one patient's, by default)."""
    day0: datetime = datetime(2000, 1, 3)
    """The date of the fitted run's day 0 (a Monday)."""
    corrections: list[Corrected] = field(default_factory=list)
    processes: list[ProcessScale] = field(default_factory=list)

    def yaml_text(self, source: str) -> str:
        """The fitted config as YAML, with comments saying what was fitted from how many rows."""
        lines = [
            f"# Fitted by discharge-sim fit from {source}: {shown_count(self.rows)} admissions from {self.start} to "
            f"{self.end},",
            f"# on top of {self.base_name} for what the extract cannot tell. Counts are rounded to the nearest 5",
            "# (under 5: <5). The fit report (fit.md) has the fits, their AICs and QQ plots.",
            "#",
            "# Fitted from the extract:",
        ]
        lines += [f"#   {f.key}: {f.how} ({shown_count(f.rows)} rows)" for f in self.fitted]
        lines += ["#", f"# Left at {self.base_name}'s values:"]
        lines += [f"#   {item.key}: {item.why}" for item in self.left]
        lines.append("")
        fitted_sections = {f.key.split(".")[0] for f in self.fitted} | {"name", "description"}
        for section, value in self.raw.items():
            note = "fitted from the extract (see above)" if section in fitted_sections else f"from {self.base_name}"
            if section in ("name", "description"):
                note = "this fit's"
            lines.append(f"# {section}: {note}")
            lines.append(yaml.safe_dump({section: value}, sort_keys=False, width=110).rstrip())
            lines.append("")
        return "\n".join(lines)


def fit_extract(extract: Extract, base_raw: dict[str, Any], base: Config, base_name: str,
                until: float | None = None, correct: bool = True, workers: int = 1) -> ExtractFit:
    """Fit a config to ``extract`` on top of ``base`` (``base_raw``: its settings as written, with
    ``extends`` resolved). The fitted config runs over the extract's own dates: after a warm-up of
    whole weeks (the base's, rounded up), its measured period starts on the extract's first day
    and runs to ``until`` (hours from the extract's origin; default its end). With ``correct``, the
    waits are corrected by simulation (:mod:`.correction`), its runs on up to ``workers`` processes."""
    if len(extract) < FEWEST_ADMISSIONS:
        raise ExtractError(f"{len(extract)} usable admissions: at least {FEWEST_ADMISSIONS} are needed to fit "
                           "anything from an extract")
    raw = copy.deepcopy(base_raw)
    raw.pop("extends", None)
    result = ExtractFit(raw, base, base_name, rows=len(extract))
    result.start = extract.origin.date().isoformat()
    result.end = extract.date_of(extract.end).strftime("%Y-%m")  # the month only: by default it is one patient's time
    # names that differ only in case, spaces or punctuation ("Older Medical", "older_medical") are one group
    result.groups = {g: identifier(g) for g in sorted(set(extract.group.tolist()))}
    extract = replace(extract, group=np.array([result.groups[g] for g in extract.group.tolist()], dtype=object),
                      council=None if extract.council is None else np.array(
                          [identifier(c) if c else "" for c in extract.council.tolist()], dtype=object))
    names = {key: key for key in sorted(set(result.groups.values()))}
    run = raw.setdefault("run", {})
    warmup_weeks = math.ceil(float(run.get("warmup_days", base.run.warmup_days)) / 7)
    result.day0 = extract.origin - timedelta(days=7 * warmup_weeks)
    run["warmup_days"] = 7 * warmup_weeks
    run["days"] = 7 * warmup_weeks + math.ceil((extract.end if until is None else until) / HOURS_PER_DAY)
    result.fitted.append(FittedSetting("run.days, run.warmup_days", len(extract),
                                f"the extract's dates: day 0 is {result.day0.date().isoformat()}, a Monday, and the "
                                f"measured period starts on {extract.origin.date().isoformat()} (the Monday of the "
                                "first admission)"))
    _arrivals(result, extract, raw)
    _groups(result, extract, raw, base, names)
    _self_funders(result, extract, raw, base)
    _councils(result, extract, raw, base)
    _steps(result, extract, raw, base, correct, workers)
    for key, why in (("hospital.beds", "the extract has no bed base: give the trust's general and acute beds"),
                     ("staff, schedules, pools (places, stays, fees)", "not in a patient-level extract"),
                     ("steps (work, staff, sessions)", "not in a patient-level extract; waits for capacity are fitted "
                      "where listed above"),
                     ("finance", "budgets and costs are not in an extract; the base's budgets were set for its own "
                      "volumes: give your organisations' own"),
                     ("attribution, report", "conventions and settings, not data")):
        result.left.append(Left(key, why))
    result.raw = raw
    result.config = config_from_dict(raw, "the fitted config")
    return result


def _arrivals(result: ExtractFit, extract: Extract, raw: dict[str, Any]) -> None:
    arrivals = fit_arrivals(extract)
    result.arrivals = arrivals
    emergency = raw.setdefault("emergency", {})
    emergency.pop("surges", None)
    if arrivals.emergencies >= FEWEST_ROWS:
        emergency["admissions_per_day"] = round(arrivals.admissions_per_day, 4)
        result.fitted.append(FittedSetting("emergency.admissions_per_day", arrivals.emergencies,
                                    f"emergencies over {arrivals.days:,.1f} days"))
    else:
        result.left.append(Left("emergency.admissions_per_day", f"fewer than {FEWEST_ROWS} emergencies"))
    if arrivals.emergencies >= FEWEST_FOR_PROFILES:
        emergency["day_of_week_profile"] = arrivals.day_of_week_profile
        result.fitted.append(FittedSetting("emergency.day_of_week_profile", arrivals.emergencies,
                                    "emergencies by weekday, per weekday covered"))
        if arrivals.hour_of_day_profile is not None:
            emergency["hour_of_day_profile"] = arrivals.hour_of_day_profile
            result.fitted.append(FittedSetting("emergency.hour_of_day_profile", arrivals.emergencies,
                                        "emergencies by the hour they needed a bed (arrived_at, else admitted_at)"))
        else:
            result.left.append(Left("emergency.hour_of_day_profile", "the extract's admission times are dates only"))
    else:
        result.left.append(Left("emergency.hour_of_day_profile, day_of_week_profile",
                                f"fewer than {FEWEST_FOR_PROFILES:,} emergencies (about 40 an hour of the day)"))
    if arrivals.month_factors:
        emergency["surges"] = _month_surges(arrivals.month_factors, result.day0, float(raw["run"]["days"]))
        result.fitted.append(FittedSetting("emergency.surges", arrivals.emergencies,
                                    "a factor per calendar month, on the run's dates"))
    else:
        months = len(arrivals.month_days)
        result.left.append(Left("emergency.surges (seasons)", f"the extract covers {months} calendar "
                                f"month{'s' if months != 1 else ''}; a whole year is needed for a factor per month, so "
                                "no seasonal change"))
    elective = raw.setdefault("elective", {})
    if 0 < arrivals.electives < FEWEST_ROWS:
        result.left.append(Left("elective.admissions_per_weekday", f"fewer than {FEWEST_ROWS} electives"))
    elif arrivals.electives:
        elective["admissions_per_weekday"] = arrivals.elective_per_weekday
        elective["admission_hour"] = arrivals.elective_hour
        result.fitted.append(FittedSetting("elective.admissions_per_weekday", arrivals.electives,
                                    "electives by weekday, per weekday covered (whole admissions)"))
        result.fitted.append(FittedSetting("elective.admission_hour", arrivals.electives,
                                           "the commonest hour of admission"))
    else:
        elective["admissions_per_weekday"] = {}
        result.fitted.append(FittedSetting("elective.admissions_per_weekday", 0, "the extract has no electives"))


def _month_surges(factors: dict[int, float], day0: Any, days: float) -> list[dict[str, float]]:
    """One surge per calendar month over the run, at that month's factor."""
    surges: list[dict[str, float]] = []
    d = 0
    while d < days:
        month = (day0 + timedelta(days=d)).month
        length = 0
        while d + length < days and (day0 + timedelta(days=d + length)).month == month:
            length += 1
        surges.append({"start_day": float(d), "days": float(length), "factor": factors[month]})
        d += length
    return surges


def _shares(counts: dict[Any, float]) -> dict[Any, float]:
    """Shares that sum to exactly 1 at SHARE_DIGITS decimals (the largest takes the rounding)."""
    total = sum(counts.values())
    shares = {k: round(v / total, SHARE_DIGITS) for k, v in counts.items()}
    largest = max(shares, key=lambda k: shares[k])
    shares[largest] = round(1.0 - sum(v for k, v in shares.items() if k != largest), SHARE_DIGITS)
    return shares


def _groups(result: ExtractFit, extract: Extract, raw: dict[str, Any], base: Config, names: dict[str, str]) -> None:
    groups: dict[str, Any] = {}
    emergency = {g: float(np.sum((extract.group == g) & ~extract.elective)) for g in names}
    elective = {g: float(np.sum((extract.group == g) & extract.elective)) for g in names}
    e_shares = _shares(emergency) if sum(emergency.values()) else dict.fromkeys(emergency, 0.0)
    l_shares = _shares(elective) if sum(elective.values()) else dict.fromkeys(elective, 0.0)
    everyone = fit_group_stays(_all_one_group(extract), base, "all")
    for g, key in names.items():
        rows = extract.group == g
        n = int(rows.sum())
        entry: dict[str, Any] = {"emergency_share": e_shares[g], "elective_share": l_shares[g]}
        stays = fit_group_stays(extract, base, g)
        result.stays.append(stays)
        if stays.overall is not None:
            entry["length_of_stay"] = stays.overall.best.distribution()
            result.fitted.append(FittedSetting(f"groups.{key}.length_of_stay", n,
                                               f"{stays.overall.best.family}, chosen by AIC, censored at the "
                                               f"extract's end; {stays.note}"))
            if stays.by_pathway:
                entry["length_of_stay_by_pathway"] = {p: s.best.distribution() for p, s in stays.by_pathway.items()}
                result.fitted.append(FittedSetting(f"groups.{key}.length_of_stay_by_pathway", n, stays.note))
        elif key in base.groups:
            entry["length_of_stay"] = raw["groups"][key]["length_of_stay"]
            if "length_of_stay_by_pathway" in raw["groups"][key]:
                entry["length_of_stay_by_pathway"] = raw["groups"][key]["length_of_stay_by_pathway"]
            result.left.append(Left(f"groups.{key}.length_of_stay", f"the base config's: {stays.note}"))
        elif everyone.overall is not None:
            entry["length_of_stay"] = everyone.overall.best.distribution()
            result.left.append(Left(f"groups.{key}.length_of_stay", f"every group's stays together: {stays.note}"))
        else:
            first = next(iter(base.groups))
            entry["length_of_stay"] = raw["groups"][first]["length_of_stay"]
            result.left.append(Left(f"groups.{key}.length_of_stay", f"the base config's {first}: {stays.note}, and "
                                    "too few in all groups together"))
        known = rows & (extract.pathway >= 0)
        counts = {int(p): float(np.sum(known & (extract.pathway == p))) for p in PATHWAYS}
        if sum(counts.values()) >= FEWEST_ROWS:
            entry["pathway_mix"] = _shares(counts)
            result.fitted.append(FittedSetting(f"groups.{key}.pathway_mix", int(known.sum()),
                                               "pathways of patients found ready"))
        elif key in base.groups:
            entry["pathway_mix"] = raw["groups"][key]["pathway_mix"]
            result.left.append(Left(f"groups.{key}.pathway_mix", f"fewer than {FEWEST_ROWS} of the group's patients "
                                    "have a pathway"))
        else:
            known_all = extract.pathway >= 0
            everyone_mix = {int(p): float(np.sum(known_all & (extract.pathway == p))) for p in PATHWAYS}
            entry["pathway_mix"] = _shares(everyone_mix) if sum(everyone_mix.values()) else {0: 1.0}
            result.left.append(Left(f"groups.{key}.pathway_mix", f"fewer than {FEWEST_ROWS} of the group's patients "
                                    "have a pathway: every group's patients together"))
        groups[key] = entry
    raw["groups"] = groups
    result.fitted.append(FittedSetting("groups.*.emergency_share, elective_share", len(extract), "admissions by group"))


def _all_one_group(extract: Extract) -> Extract:
    """The extract with every patient in one group, ``all``."""
    return replace(extract, group=np.full(len(extract), "all", dtype=object))


def _self_funders(result: ExtractFit, extract: Extract, raw: dict[str, Any], base: Config) -> None:
    """Each pathway's share of self-funders, as the funded share of the means-tested pools it uses:
    share = P(a place in a means-tested pool) x (1 - funded share)."""
    if extract.self_funder is None:
        result.left.append(Left("pools.*.funded_share", "the extract has no self_funder column"))
        return
    for pathway, graph in sorted(base.pathways.items()):
        tested: dict[str, float] = {}
        for name in graph:
            step = base.steps[name]
            if isinstance(step, PlacementStep):
                for pool, share in step.pools.items():
                    if base.pools[pool].funded_share < 1.0:
                        tested[pool] = tested.get(pool, 0.0) + step.probability * share
        rows = (extract.pathway == pathway) & (extract.self_funder >= 0)
        n = int(rows.sum())
        if not tested:
            continue
        if n < FEWEST_ROWS:
            result.left.append(Left(f"pools {', '.join(tested)} funded_share", f"fewer than {FEWEST_ROWS} pathway "
                                    f"{pathway} patients say whether they fund themselves"))
            continue
        share = float(np.mean(extract.self_funder[rows] == 1))
        others = [base.steps[x] for p, g in base.pathways.items() if p != pathway for x in g]
        elsewhere = {pool for pool in tested if any(isinstance(s, PlacementStep) and pool in s.pools for s in others)}
        for pool in sorted(elsewhere):
            result.left.append(Left(f"pools.{pool}.funded_share", "the pool is used by several pathways"))
        own = {pool: chance for pool, chance in tested.items() if pool not in elsewhere}
        if not own:
            continue
        # the self-funders of the pools kept at the base's share are taken out before solving for the others
        kept = sum(chance * (1.0 - base.pools[pool].funded_share) for pool, chance in tested.items()
                   if pool in elsewhere)
        reach = sum(own.values())
        funded = min(max(1.0 - (share - kept) / reach, 0.0), 1.0)
        for pool in own:
            raw["pools"][pool]["funded_share"] = round(funded, 4)
            result.fitted.append(FittedSetting(f"pools.{pool}.funded_share", n,
                                               f"pathway {pathway}'s self-funder share {share:.1%}, less {kept:.1%} "
                                               "in pools kept at the base's share, over the chance of a means-tested "
                                               f"place ({reach:.1%})"))


def _councils(result: ExtractFit, extract: Extract, raw: dict[str, Any], base: Config) -> None:
    names = sorted({c for c in (extract.council.tolist() if extract.council is not None else []) if c})
    if len(names) < 2:
        if base.councils:
            average = {c: sum(v.share_by_group.values()) / len(v.share_by_group) for c, v in base.councils.items()}
            shares = _shares(average)
            for council, entry in raw["councils"].items():
                entry["share_by_group"] = dict.fromkeys(raw["groups"], shares[council])
            result.left.append(Left("councils.*.share_by_group", "the extract has one council or none: each group "
                                    "takes the base config's council shares averaged over its groups"))
        else:
            result.left.append(Left("councils", "the extract has one home council or none"))
        return
    assert extract.council is not None
    keys = {c: identifier(c) for c in names}
    councils = raw.get("councils") or {}
    if set(councils) != set(keys.values()):  # a council's own services only where the extract has the same councils
        dropped = sorted(councils)
        councils = {}
    else:
        dropped = []
    fitted: dict[str, Any] = {}
    for c in names:
        fitted[keys[c]] = councils.get(keys[c], {}) | {"share_by_group": {}}
    with_council = extract.council != ""
    overall = _shares({keys[c]: float(np.sum(extract.council == c)) for c in names})
    for gkey in sorted(set(result.groups.values())):
        rows = (extract.group == gkey) & with_council
        counts = {keys[c]: float(np.sum(rows & (extract.council == c))) for c in names}
        shares = _shares(counts) if sum(counts.values()) >= FEWEST_ROWS else overall
        for k, v in shares.items():
            fitted[k]["share_by_group"][gkey] = v
    raw["councils"] = fitted
    result.fitted.append(FittedSetting("councils.*.share_by_group", int(np.sum(extract.council != "")),
                                "home councils by group"))
    for name, council in fitted.items():
        own = sorted(council.get("steps", {}))
        if own:
            result.left.append(Left(f"councils.{name}.steps ({', '.join(own)})", "the council's own settings of "
                                    "these steps are the base's; the steps' waits fitted above are the config's, "
                                    "from every council's residents"))
    if dropped:
        result.left.append(Left(f"councils {', '.join(dropped)}", "the base config's councils are not the extract's: "
                                "dropped with their own services; the extract's councils share every service"))


def _steps(result: ExtractFit, extract: Extract, raw: dict[str, Any], base: Config, correct: bool,
           workers: int) -> None:
    fits, left = fit_steps(extract, base)
    result.steps = fits
    for fit in fits:
        entry = raw["steps"][fit.step]
        entry[fit.share_key] = round(fit.share, 4)
        entry[fit.duration_key] = fit.best.distribution()
    booked = raw.get("elective", {}).get("admissions_per_weekday") if extract.elective.sum() >= FEWEST_ROWS else None
    if correct:
        admitted = dict(booked or {})
        result.corrections, result.processes = correct_waits(extract, fits, raw, base, workers=workers,
                                                             electives=bool(booked))
        matched = {p.label for p in result.processes}
        for label, steps, _ in process_measures(base):
            if label not in matched:
                result.left.append(Left(f"steps {', '.join(steps)}: duration", f"{label} is not measured by the "
                                        "extract (no such milestones, times known only to the day, or fewer than "
                                        "30 patients): the base's work"))
        for p in result.processes:
            result.fitted.append(FittedSetting(f"steps {', '.join(p.steps)}: duration", p.patients,
                                        f"{p.label}: work times {p.scale:.2f} so the model's patients take as long as "
                                        f"the extract's ({p.observed_hours:.1f} hours on average; with the base's "
                                        f"work, {p.base_hours:.1f})"))
        if booked:
            result.fitted.append(FittedSetting("elective.admissions_per_weekday (bookings)",
                                               int(extract.elective.sum()),
                                        f"set by simulation from the electives admitted ({admitted}) to "
                                        f"{raw['elective']['admissions_per_weekday']}, as some bookings are cancelled "
                                        "for want of a bed and never appear in an extract of admissions"))
    corrected = {c.step: c for c in result.corrections}
    for fit in fits:
        how = f"{fit.best.family}, chosen by AIC: {fit.note}"
        c = corrected.get(fit.step)
        if c is not None:
            how += (f"; corrected by simulation for what the model adds itself (direct fit: {fit.share_key} "
                    f"{c.direct[0]:.3f}, mean {c.direct[1]:.2f} days; corrected: {c.corrected[0]:.3f}, "
                    f"{c.corrected[1]:.2f} days)")
        result.fitted.append(FittedSetting(f"steps.{fit.step}.{fit.share_key}, {fit.duration_key}", fit.rows, how))
    result.left += [Left(item.what, item.why) for item in left]


__all__ = ["ExtractFit", "FittedSetting", "Left", "StepLeft", "fit_extract", "identifier"]
