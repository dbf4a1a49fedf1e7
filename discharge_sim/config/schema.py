"""The config schema: every setting, its type, its limits and its default, with the checks that
tie sections together (pathways name steps that exist, shares add up, ...).

Unknown keys are errors; units are in key names. Loading YAML is :mod:`discharge_sim.config.loading`;
turning validation errors into messages is :mod:`discharge_sim.config.errors`.
"""

from __future__ import annotations

import itertools
import math
import re
import types
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from discharge_sim.config.errors import KEYED_ERRORS
from discharge_sim.config.keys import flatten
from discharge_sim.config.limits import MOST_DAYS, MOST_REPLICATIONS, SEED_LIMIT
from discharge_sim.vocabulary import (
    CONVENTIONS,
    DAY_NAMES,
    DEFAULT_PAYER,
    DTOC_UNCOUNTED,
    HOURS_PER_DAY,
    KINDS,
    OWNERS,
    PATHWAYS,
    Assessor,
    Day,
    DtocCode,
    Kind,
    Organisation,
    Owner,
    Payer,
    Side,
    SideName,
    responsible_organisation,
)

RESERVED_STEP_NAMES = {"council_budget": "waiting for next year's council budget",
                       "deconditioning": "the time after an escalation"}
"""Names under which the ledger records delay that is no configured step's."""
SHARE_TOLERANCE = 1e-6
LONGEST_HOURS = 100 * 365 * HOURS_PER_DAY
"""The longest mean or sd a duration may have (100 years): longer ones are mistakes, and far longer
ones overflow the samplers."""
MOST_SPREAD = 1000.0
"""The largest sd of a lognormal or gamma duration, as a multiple of its mean."""
MOST_WEIBULL_SPREAD = 100.0
"""The largest sd of a Weibull duration, as a multiple of its mean (a shape near 0.1)."""
LEAST_WEIBULL_SPREAD = 0.001
"""The smallest sd of a Weibull duration, as a multiple of its mean (a shape near 1,300)."""
MOST_QUANTILES = 1001
"""The most quantiles an empirical distribution may list."""
# MOST_DAYS, MOST_REPLICATIONS and SEED_LIMIT are in limits.py: the command line checks them too.
MOST_PER_DAY = 100_000
"""The most admissions, or community referrals to a pool, a day: hundreds of times a large
trust's."""
MOST_UNITS = 1_000_000
"""The most beds, places, residents or staff of one kind: far beyond any trust or council."""
MOST_SURGE = 100.0
"""The largest surge factor."""
MOST_PEOPLE = 100_000_000
"""The most people one replication may simulate (admissions and community referrals over the
whole run, and the pools' first residents): each holds a few kilobytes while it runs."""
NAME_LENGTH = 100
"""The longest config name: it names results folders, which file systems limit to 255 bytes."""

NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Probability = Annotated[float, Field(ge=0, le=1)]
Hour = Annotated[float, Field(ge=0, lt=24)]
Count = Annotated[int, Field(gt=0, le=MOST_UNITS)]
PerDay = Annotated[float, Field(ge=0, le=MOST_PER_DAY)]
RunDays = Annotated[float, Field(ge=0, le=MOST_DAYS)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _no_booleans_as_numbers(cls, data: Any) -> Any:
        """true and false are not numbers, though pydantic would read ``beds: true`` as 1 bed: refused
        here for every numeric setting of every section, and for the numbers inside its lists and maps."""
        if isinstance(data, Mapping):
            for key, value in data.items():
                field = cls.model_fields.get(key) if isinstance(key, str) else None
                found = _boolean_as_number(value, field.annotation) if field is not None else None
                if found is not None:
                    where, flag, words = found
                    raise PydanticCustomError(KEYED_ERRORS[0], "true and false are not numbers: give {words}",
                                              {"key": ".".join((key, *where)), "value": flag, "words": words})
        return data


def _numeric(annotation: Any) -> str | None:
    """"a whole number" or "a number" where the annotation takes numbers (and not true/false)."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        members = get_args(annotation)
        if bool in members:
            return None
        found = [words for member in members if (words := _numeric(member))]
        return found[0] if found else None
    return {int: "a whole number", float: "a number"}.get(annotation)


def _boolean_as_number(value: Any, annotation: Any) -> tuple[tuple[str, ...], str, str] | None:
    """Where ``value`` holds true or false in a place ``annotation`` wants a number: the path to it
    inside the value, true or false, and what is wanted there; None if nowhere."""
    words = _numeric(annotation)
    if words:
        return ((), str(value).lower(), words) if isinstance(value, bool) else None
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is dict and len(args) == 2 and isinstance(value, Mapping):
        key_words = _numeric(args[0])
        for key, item in value.items():
            if key_words and isinstance(key, bool):
                return (), f"{str(key).lower()} (as a key)", key_words
            found = _boolean_as_number(item, args[1])
            if found:
                return (str(key), *found[0]), found[1], found[2]
    elif origin is list and args and isinstance(value, list):
        for i, item in enumerate(value):
            found = _boolean_as_number(item, args[0])
            if found:
                return (str(i), *found[0]), found[1], found[2]
    elif origin in (Union, types.UnionType):
        for member in args:
            found = _boolean_as_number(value, member)
            if found:
                return found
    return None


class Attributed(Strict):
    """Something a delay can be charged to: an owner and, for DToC tables, an organisation."""

    owner: Owner
    """Who runs it: the hospital, social care, NHS community services or the patient and family;
    the delay it holds is recorded against its owner, and each convention says which side that is."""
    dtoc_organisation: Organisation | None = None
    """nhs, social_care or both; by default by the DToC statistic's rules (see
    :func:`discharge_sim.vocabulary.responsible_organisation`)."""

    @property
    def organisation(self) -> str:
        code = getattr(self, "dtoc_code", None) or ""
        return responsible_organisation(code, self.owner, None, self.dtoc_organisation)


class Distribution(Strict):
    """A duration: a family with its mean (and sd), given in hours or in days; or an empirical
    distribution, its quantiles at equally spaced probabilities (as fitted from a trust's data)."""

    distribution: Literal["lognormal", "gamma", "weibull", "exponential", "fixed", "empirical"]
    mean_hours: NonNegative | None = None
    """The mean duration, in hours (or give mean_days)."""
    sd_hours: Positive | None = None
    """Its standard deviation, in hours (lognormal, gamma and weibull need one)."""
    mean_days: NonNegative | None = None
    """The mean duration, in days (or give mean_hours)."""
    sd_days: Positive | None = None
    """Its standard deviation, in days."""
    quantiles_hours: list[NonNegative] | None = None
    """For ``empirical``: the durations at probabilities 0, 1/k, 2/k, ..., 1 (k + 1 values, at least
    2, never decreasing); a draw is interpolated linearly between them."""
    quantiles_days: list[NonNegative] | None = None
    """As ``quantiles_hours``, in days."""

    @model_validator(mode="after")
    def _units_and_parameters(self) -> Distribution:
        if self.distribution == "empirical":
            return self._empirical()
        if self.quantiles_hours is not None or self.quantiles_days is not None:
            raise ValueError(f"a {self.distribution} distribution takes no quantiles (only an empirical one does)")
        hours = self.mean_hours is not None or self.sd_hours is not None
        days = self.mean_days is not None or self.sd_days is not None
        if hours == days:
            raise ValueError(
                "give the mean in exactly one unit: mean_hours (with sd_hours) or mean_days (with sd_days)"
            )
        mean = self.mean_hours if hours else self.mean_days
        sd = self.sd_hours if hours else self.sd_days
        unit = "hours" if hours else "days"
        if mean is None:
            raise ValueError(f"mean_{unit} is required")
        needs_sd = self.distribution in ("lognormal", "gamma", "weibull")
        if needs_sd and sd is None:
            raise ValueError(f"a {self.distribution} distribution needs sd_{unit}")
        if not needs_sd and sd is not None:
            raise ValueError(f"a {self.distribution} distribution takes no sd_{unit}")
        if self.distribution != "fixed" and mean <= 0:
            raise ValueError(f"mean_{unit} of a {self.distribution} distribution must be > 0")
        longest = LONGEST_HOURS / (1.0 if hours else HOURS_PER_DAY)
        for key, value in ((f"mean_{unit}", mean), (f"sd_{unit}", sd)):
            if value is not None and value > longest:
                raise PydanticCustomError(
                    KEYED_ERRORS[1], "at most {longest} {unit} (100 years) for any duration",
                    {"key": key, "value": f"{value:g}", "longest": f"{longest:,.0f}", "unit": unit})
        most = MOST_WEIBULL_SPREAD if self.distribution == "weibull" else MOST_SPREAD
        if needs_sd and sd is not None and sd > most * mean:
            raise PydanticCustomError(
                KEYED_ERRORS[1], "more than {most} times mean_{unit} ({mean}): a {family} distribution that spread "
                "cannot be sampled reliably; give an sd of at most {most} times the mean",
                {"key": f"sd_{unit}", "value": f"{sd:g}", "most": f"{most:,.0f}", "unit": unit,
                 "mean": f"{mean:g}", "family": self.distribution})
        if self.distribution == "weibull" and sd is not None and sd < LEAST_WEIBULL_SPREAD * mean:
            raise PydanticCustomError(
                KEYED_ERRORS[1], "less than {least} times mean_{unit} ({mean}): give a fixed duration instead",
                {"key": f"sd_{unit}", "value": f"{sd:g}", "least": f"{LEAST_WEIBULL_SPREAD:g}", "unit": unit,
                 "mean": f"{mean:g}"})
        return self

    def _empirical(self) -> Distribution:
        if any(v is not None for v in (self.mean_hours, self.sd_hours, self.mean_days, self.sd_days)):
            raise ValueError("an empirical distribution takes quantiles_hours or quantiles_days, not a mean or sd")
        if (self.quantiles_hours is None) == (self.quantiles_days is None):
            raise ValueError("an empirical distribution needs its quantiles in exactly one unit: "
                             "quantiles_hours or quantiles_days")
        unit = "hours" if self.quantiles_hours is not None else "days"
        values = self.quantiles_hours if self.quantiles_hours is not None else self.quantiles_days
        assert values is not None
        key = f"quantiles_{unit}"
        if not 2 <= len(values) <= MOST_QUANTILES:
            raise PydanticCustomError(
                KEYED_ERRORS[1], "needs 2 to {most} values (quantiles at 0, 1/k, ..., 1), got {n}",
                {"key": key, "value": "[...]", "most": str(MOST_QUANTILES), "n": str(len(values))})
        for i, (a, b) in enumerate(itertools.pairwise(values)):
            if b < a:
                raise PydanticCustomError(KEYED_ERRORS[1], "quantiles never decrease: value {j} ({b}) is below the one "
                                          "before ({a})", {"key": key, "value": f"{b:g}", "j": str(i + 1),
                                                           "a": f"{a:g}", "b": f"{b:g}"})
        longest = LONGEST_HOURS / (1.0 if unit == "hours" else HOURS_PER_DAY)
        if values[-1] > longest:
            raise PydanticCustomError(
                KEYED_ERRORS[1], "at most {longest} {unit} (100 years) for any duration",
                {"key": key, "value": f"{values[-1]:g}", "longest": f"{longest:,.0f}", "unit": unit})
        if values[-1] <= 0:
            raise ValueError(f"{key}: an empirical distribution needs some positive values")
        return self

    @property
    def quantiles_in_hours(self) -> list[float]:
        """An empirical distribution's quantiles in hours (empty for the other families)."""
        if self.quantiles_hours is not None:
            return list(self.quantiles_hours)
        return [v * HOURS_PER_DAY for v in self.quantiles_days or ()]

    @property
    def mean_in_hours(self) -> float:
        """The mean, in hours whichever unit it was given in."""
        if self.distribution == "empirical":
            return empirical_moments(self.quantiles_in_hours)[0]
        if self.mean_hours is not None:
            return self.mean_hours
        return (self.mean_days or 0.0) * HOURS_PER_DAY

    @property
    def sd_in_hours(self) -> float:
        """The standard deviation in hours (0 for families without one)."""
        if self.distribution == "empirical":
            return empirical_moments(self.quantiles_in_hours)[1]
        if self.mean_hours is not None:
            return (self.sd_hours or 0.0) * 1.0
        return (self.sd_days or 0.0) * HOURS_PER_DAY


def empirical_moments(quantiles: Sequence[float]) -> tuple[float, float]:
    """Mean and sd of the distribution whose quantile function is linear between ``quantiles``
    (at equally spaced probabilities): uniform within each interval."""
    k = len(quantiles) - 1
    mean = sum(a + b for a, b in itertools.pairwise(quantiles)) / (2 * k)
    second = sum(a * a + a * b + b * b for a, b in itertools.pairwise(quantiles)) / (3 * k)
    return mean, math.sqrt(max(second - mean * mean, 0.0))


class Window(Strict):
    """Opening hours on some weekdays, e.g. Monday to Friday 09:00-17:00."""

    days: list[Day] = Field(min_length=1)
    start_hour: Hour
    end_hour: Annotated[float, Field(gt=0, le=24)]

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end_hour <= self.start_hour:
            raise ValueError(
                f"end_hour {self.end_hour} must be after start_hour {self.start_hour} "
                "(split an overnight window into two)"
            )
        return self


class RunSettings(Strict):
    days: Annotated[float, Field(gt=0, le=MOST_DAYS)]
    """Days simulated in each replication, the warm-up included."""
    warmup_days: RunDays = 0.0
    """Days at the start of each replication left out of every result, while the empty hospital
    fills to its usual state."""
    replications: int = Field(default=10, ge=1, le=MOST_REPLICATIONS)
    """Independent runs of the same config; more give narrower 95% intervals."""
    seed: int = Field(default=20240401, ge=0, lt=SEED_LIMIT)
    """The random numbers' seed: the same seed gives the same results, and scenarios run under it
    share their random numbers, so their differences are the scenarios'."""

    @field_validator("seed", mode="before")
    @classmethod
    def _seed_fits(cls, v: Any) -> Any:
        if isinstance(v, int | float) and not isinstance(v, bool) and v >= SEED_LIMIT:
            raise ValueError(f"a seed is a whole number from 0 to 2^63 - 1 ({SEED_LIMIT - 1:,}), as the results "
                             "tables store it in a 64-bit integer")
        return v

    @model_validator(mode="after")
    def _warmup_inside_run(self) -> RunSettings:
        if self.warmup_days >= self.days:
            raise ValueError(
                f"warmup_days ({self.warmup_days}) must be shorter than days ({self.days}): "
                "nothing would be left to measure"
            )
        return self


class SessionSettings(Strict):
    days: list[Day] = Field(min_length=1)
    hours: list[Hour] = Field(min_length=1)
    weekday_probability: Probability = 1.0
    weekend_probability: Probability = 1.0
    every_weeks: int = Field(default=1, ge=1, le=52)
    """Sessions sit every this many weeks (2: fortnightly), in weeks 0, k, 2k... of the run."""

    @model_validator(mode="after")
    def _some_chance(self) -> SessionSettings:
        weekday = any(DAY_NAMES.index(d) < 5 for d in self.days) and self.weekday_probability > 0
        weekend = any(DAY_NAMES.index(d) >= 5 for d in self.days) and self.weekend_probability > 0
        if not (weekday or weekend):
            raise ValueError("no session has a positive probability: cases would wait for ever")
        return self


def _a_change(v: int, what: str, how: str) -> int:
    """A change of a count over a stretch of days must change something."""
    if v == 0:
        raise ValueError(f"a change of 0 {what} changes nothing; give the {what} {how}")
    return v


class Stretch(Strict):
    """A stretch of ``days`` days from ``start_day``, counted in whole days from their midnights."""

    start_day: RunDays
    days: Annotated[float, Field(gt=0, le=MOST_DAYS)]

    def covers(self, day: float) -> bool:
        """Whether the stretch holds on day ``day`` (from its midnight)."""
        return self.start_day <= day < self.start_day + self.days


class BedChange(Stretch):
    """Beds opened (escalation beds in winter) or closed (a ward shut for infection) for a stretch
    of days: ``beds`` is added to the hospital's beds from ``start_day`` for ``days`` days."""

    beds: Annotated[int, Field(ge=-MOST_UNITS, le=MOST_UNITS)]
    reason: str = ""
    """What the change is, for the reader (such as "winter escalation ward")."""

    @field_validator("beds")
    @classmethod
    def _changes(cls, v: int) -> int:
        return _a_change(v, "beds", "opened (+) or closed (-)")


class HospitalSettings(Strict):
    beds: Count
    """General and acute beds: patients in hospital, delayed or not, and emergencies waiting for
    one share them."""
    bed_changes: list[BedChange] = Field(default_factory=list)
    """Beds opened or closed for stretches of days; changes that overlap add up, and at least one
    bed must stay open throughout."""
    declaration: SessionSettings | None = None
    """When a patient who has become clinically ready (at any hour, when their acute stay ends) is
    found ready: the next board or ward round that reviews them (a session that may be missed,
    more often at weekends). The time between is *pre-declaration* time, the hospital's, reported
    apart from the delay (which runs from the declaration, the discharge-ready date national
    statistics use). None: found ready the moment the acute stay ends."""
    fitness_review_hour: Hour | None = None
    """Shorthand for a declaration at this hour every day, never missed."""
    when_full: Literal["board", "turn_away"] = "board"
    """What an emergency does when no bed is free: wait for one (board), or go elsewhere
    (turn_away: diverted and lost to this hospital, as in a loss system such as Erlang B)."""

    @model_validator(mode="after")
    def _one_declaration(self) -> HospitalSettings:
        if self.declaration is not None and self.fitness_review_hour is not None:
            raise ValueError("give declaration or fitness_review_hour (its shorthand), not both "
                             "(in an overlay, declaration: null removes the base's)")
        return self

    @model_validator(mode="after")
    def _beds_stay_open(self) -> HospitalSettings:
        for day, open_beds in self.open_beds():
            if open_beds < 1:
                raise ValueError(f"bed_changes leave {open_beds} beds open from day {day:g}; at least 1 must stay open")
        return self

    def open_beds(self) -> list[tuple[float, int]]:
        """(day, beds open from then) at time 0 and at each day the beds change."""
        edges = sorted({0.0, *(c.start_day for c in self.bed_changes),
                        *(c.start_day + c.days for c in self.bed_changes)})
        return [(day, self.beds + sum(c.beds for c in self.bed_changes if c.covers(day))) for day in edges]

    @property
    def declaration_sessions(self) -> SessionSettings | None:
        """The declaration rounds, the shorthand spelled out."""
        if self.fitness_review_hour is not None:
            return SessionSettings(days=list(DAY_NAMES), hours=[self.fitness_review_hour])
        return self.declaration



class Surge(Strict):
    """A stretch of days with emergency admissions at ``factor`` times their usual rate (winter)."""

    start_day: RunDays
    days: Annotated[float, Field(gt=0, le=MOST_DAYS)]
    factor: Annotated[float, Field(gt=0, le=MOST_SURGE)]


class EmergencySettings(Strict):
    admissions_per_day: PerDay
    """Emergency admissions a day on average, before the weekly and daily profiles and any surge."""
    hour_of_day_profile: list[NonNegative] = Field(default_factory=lambda: [1.0] * 24)
    day_of_week_profile: list[NonNegative] = Field(default_factory=lambda: [1.0] * 7)
    surges: list[Surge] = Field(default_factory=list)
    """Surges in demand (e.g. winter: factor 1.1 for 84 days); they may not overlap."""

    @field_validator("surges")
    @classmethod
    def _surges_apart(cls, v: list[Surge]) -> list[Surge]:
        ordered = sorted(v, key=lambda s: s.start_day)
        for a, b in itertools.pairwise(ordered):
            if b.start_day < a.start_day + a.days:
                raise ValueError(
                    f"surges overlap: one starts on day {b.start_day:g}, before the one from day "
                    f"{a.start_day:g} ends (day {a.start_day + a.days:g}); merge them into one"
                )
        return ordered

    @field_validator("hour_of_day_profile", "day_of_week_profile")
    @classmethod
    def _profile(cls, v: list[float], info: ValidationInfo) -> list[float]:
        n, span = (24, "hour 0 to 23") if info.field_name == "hour_of_day_profile" else (7, "Monday to Sunday")
        if len(v) != n or sum(v) <= 0:
            raise ValueError(f"needs {n} non-negative weights ({span}) with a positive sum, got {len(v)}")
        return v


class ElectiveSettings(Strict):
    admissions_per_weekday: dict[Day, Annotated[int, Field(ge=0, le=MOST_PER_DAY)]] = Field(default_factory=dict)
    admission_hour: Hour = 7.0
    waiting_list: bool = False
    """Electives who find no bed stay on the waiting list and take the first of the next days'
    slots (true), instead of being cancelled and lost to the hospital (false)."""


class Planning(Strict):
    """Planning ahead: an expected discharge date (EDD) set early in the stay, from which the steps
    listed in ``lead_hours`` may begin before the patient is found ready.

    The EDD is the discharge-ready date plus an error (normal, in days); a step with a lead time
    may begin ``lead_hours`` before the EDD, but not before the EDD is set, and at the latest when
    the patient is found ready. A step also waits for the steps before it in its pathway. A step
    not listed, or listed with 0, waits for the ready date as without planning. The patient never
    leaves before their ready date."""

    set_after_admission_hours: Annotated[float, Field(ge=0, le=LONGEST_HOURS)] = 0.0
    """When the EDD is set: hours after admission (0: at admission; about 24: the post-take round)."""
    error_mean_days: Annotated[float, Field(ge=-365, le=365)] = 0.0
    """Mean of EDD minus the discharge-ready date, in days (negative: the EDD is optimistic)."""
    error_sd_days: Annotated[float, Field(ge=0, le=365)] = 0.0
    """Standard deviation of that error, in days."""
    lead_hours: dict[str, Annotated[float, Field(ge=0, le=LONGEST_HOURS)]] = Field(default_factory=dict)
    """Per step: how many hours before the EDD it may begin."""

    @property
    def active(self) -> bool:
        """Whether any step may begin before the ready date."""
        return any(v > 0 for v in self.lead_hours.values())


def _by_pathway(v: dict[int, float]) -> dict[int, float]:
    bad = sorted(k for k in v if k not in PATHWAYS)
    if bad:
        raise ValueError(f"pathway {bad[0]} is not one of 0, 1, 2, 3")
    return v


class Deaths(Strict):
    """Deaths in hospital while waiting: from being found ready, a patient of pathway p dies with
    daily hazard ``daily_hazard_by_pathway[p]`` (0 for pathways not listed) until they leave."""

    daily_hazard_by_pathway: dict[int, Annotated[float, Field(ge=0, le=1)]]
    """Per pathway, the hazard of dying per day of waiting, h: the chance of dying within a day's
    wait is 1 - exp(-h)."""

    _pathways = field_validator("daily_hazard_by_pathway")(_by_pathway)


class Deconditioning(Attributed):
    """Needs that grow while waiting: from being found ready, a patient of pathway p (0, 1 or 2)
    moves to pathway p + 1 with daily hazard ``daily_hazard_by_pathway[p]`` until they leave. The
    steps of the new pathway start afresh, and the ledger charges the time from the escalation to
    departure to the escalation itself, a cause of its own with this owner, kind and DToC code
    (required: who answers for a wait's knock-on is a convention, so it is declared, not assumed)."""

    daily_hazard_by_pathway: dict[int, Annotated[float, Field(ge=0, le=1)]]
    """Per pathway (0, 1 or 2), the hazard per day of waiting of needing the next pathway."""
    kind: Kind
    dtoc_code: DtocCode

    @field_validator("daily_hazard_by_pathway")
    @classmethod
    def _escalating_pathways(cls, v: dict[int, float]) -> dict[int, float]:
        bad = sorted(k for k in v if k not in PATHWAYS[:-1])
        if bad:
            raise ValueError(f"pathway {bad[0]} cannot escalate: give pathways 0, 1 or 2 (each moves to the next)")
        return v


class Readmissions(Strict):
    """Emergency readmissions within ``within_days`` of leaving: a patient of pathway p who leaves
    alive comes back with probability ``probability_by_pathway[p]`` plus
    ``extra_probability_per_delay_day`` for each day of their delay (at most 1), as an emergency
    of the same group, after a time drawn from ``days_to_return`` within the window."""

    probability_by_pathway: dict[int, Probability]
    """Per pathway, the chance of an emergency readmission within the window (0 for pathways not listed)."""
    extra_probability_per_delay_day: Probability = 0.0
    """Added to that chance for each day (24 hours) between the ready date and leaving."""
    within_days: Annotated[float, Field(gt=0, le=365)] = 30.0
    """The window after leaving in which a return counts as a readmission."""
    days_to_return: Distribution
    """Time from leaving to coming back: the distribution conditioned on falling within the window."""

    _pathways = field_validator("probability_by_pathway")(_by_pathway)

    @model_validator(mode="after")
    def _returns_within_the_window(self) -> Readmissions:
        d = self.days_to_return
        if d.distribution == "fixed" and d.mean_in_hours > self.within_days * HOURS_PER_DAY:
            raise ValueError(f"days_to_return: a fixed {d.mean_in_hours / HOURS_PER_DAY:g} days never falls within "
                             f"within_days ({self.within_days:g})")
        return self


class Group(Strict):
    """A patient group: its share of admissions, acute length of stay and pathway mix."""

    emergency_share: Probability = 0.0
    elective_share: Probability = 0.0
    length_of_stay: Distribution
    """The acute stay: from admission to clinically ready (the patient no longer needs an acute bed)."""
    length_of_stay_by_pathway: dict[int, Distribution] = Field(default_factory=dict)
    """Per pathway, the acute stay of this group's patients on it, where it differs from
    ``length_of_stay`` (as fitted from a trust's data: patients who will need a care home are often
    in longer before they are ready). Pathways not listed take ``length_of_stay``."""
    pathway_mix: dict[int, Probability]

    _stay_pathways = field_validator("length_of_stay_by_pathway")(_by_pathway)

    def stay(self, pathway: int) -> Distribution:
        """The acute stay of this group's patients on ``pathway``."""
        return self.length_of_stay_by_pathway.get(pathway, self.length_of_stay)

    def mean_stay_hours(self) -> float:
        """The mean acute stay over the group's pathway mix, in hours."""
        return sum(share * self.stay(p).mean_in_hours for p, share in self.pathway_mix.items())

    @field_validator("pathway_mix")
    @classmethod
    def _pathway_mix(cls, v: dict[int, float]) -> dict[int, float]:
        bad = sorted(k for k in v if k not in PATHWAYS)
        if bad:
            raise ValueError(f"pathway {bad[0]} is not one of 0, 1, 2, 3")
        total = sum(v.values())
        if abs(total - 1.0) > SHARE_TOLERANCE:
            raise ValueError(f"shares must sum to 1, they sum to {total:g}")
        return v


class StaffChange(Stretch):
    """Members added to a team (winter cover) or taken away (a vacancy, a strike) for a stretch of
    days: ``members`` is added to the day's rostered count from ``start_day`` for ``days`` days."""

    members: Annotated[int, Field(ge=-MOST_UNITS, le=MOST_UNITS)]
    reason: str = ""
    """What the change is, for the reader (such as "winter locums")."""

    @field_validator("members")
    @classmethod
    def _changes(cls, v: int) -> int:
        return _a_change(v, "members", "added (+) or taken away (-)")


class Staff(Attributed):
    """Staff who do a step (pharmacists, therapists, social workers), with their working hours."""

    count: Count
    """Members of the team at work in its working hours."""
    schedule: str
    """The name of the working hours (a schedule of the config) the team works."""
    dtoc_code: DtocCode | None = None
    hourly_cost_gbp: NonNegative = 0.0
    """Cost of one member of the team for an hour of its schedule (salary and on-costs), paid by
    the NHS or the council according to the team's organisation."""
    absence_rate: Probability = 0.0
    """The chance that any one member is absent on a given day (sickness, leave not covered),
    drawn afresh each midnight: the team works that day with those present."""
    count_by_weekday: dict[Day, Annotated[int, Field(ge=0, le=MOST_UNITS)]] = Field(default_factory=dict)
    """Members rostered on these days of the week (others: ``count``), such as thinner weekend cover."""
    changes: list[StaffChange] = Field(default_factory=list)
    """Members added or taken away for stretches of days; changes that overlap add up."""

    @model_validator(mode="after")
    def _never_negative(self) -> Staff:
        if self.changes:
            last = max(math.ceil(c.start_day + c.days) for c in self.changes)
            for day in range(last + 7):
                if self.rostered(day) < 0:
                    raise ValueError(f"changes leave {self.rostered(day)} members rostered on day {day}; "
                                     "at least 0")
        return self

    @property
    def varies(self) -> bool:
        """Whether the rostered count changes by weekday or date."""
        return bool(self.changes) or any(n != self.count for n in self.count_by_weekday.values())

    def rostered(self, day: int) -> int:
        """Members rostered on whole day ``day`` (day 0 is a Monday)."""
        base = self.count_by_weekday.get(DAY_NAMES[day % 7], self.count)  # type: ignore[call-overload]
        return base + sum(c.members for c in self.changes if c.covers(day))


class Market(Strict):
    """How the search for a provider in a pool responds to the market (see docs/reference/config.md).

    When a search starts, the pool's state gives a factor ``m``: the product of
    ``((1 - reference_occupancy) / (1 - occupancy)) ** occupancy_elasticity`` (occupancy: places in
    use over places, at most 0.999), ``(fee / market_rate_gbp) ** -fee_elasticity`` (fee: the
    pool's ``weekly_cost_gbp``) and ``((1 - reference_vacancy_rate) / (1 - vacancy_rate)) **
    vacancy_elasticity``, held between 1 / ``most_factor`` and ``most_factor``. A search is needed
    with chance ``1 - (1 - p) ** m`` (p: the step's ``search_probability``) and takes ``m`` times
    its draw. At the reference state, or with every elasticity 0, m is 1: the configured search."""

    reference_occupancy: Annotated[float, Field(ge=0, lt=1)]
    """The occupancy at which the step's configured search holds."""
    occupancy_elasticity: Annotated[float, Field(ge=0, le=10)] = 0.0
    market_rate_gbp: Positive | None = None
    """The weekly fee providers can get elsewhere (self-funders, other councils); with ``fee_elasticity``."""
    fee_elasticity: Annotated[float, Field(ge=0, le=10)] = 0.0
    vacancy_rate: Annotated[float, Field(ge=0, lt=1)] = 0.0
    """The care workforce's vacancy rate (Skills for Care: about 8-10% in 2023/24)."""
    reference_vacancy_rate: Annotated[float, Field(ge=0, lt=1)] = 0.0
    vacancy_elasticity: Annotated[float, Field(ge=0, le=10)] = 0.0
    most_factor: Annotated[float, Field(ge=1, le=1000)] = 10.0
    """The most the market can lengthen a search (and the least, its inverse)."""

    @model_validator(mode="after")
    def _fee_needs_a_rate(self) -> Market:
        if self.fee_elasticity > 0 and self.market_rate_gbp is None:
            raise ValueError("fee_elasticity needs market_rate_gbp, the fee it is measured against")
        return self


class ProviderExit(Strict):
    """A provider leaves the pool on ``day``: a care home closes, or an agency hands back its
    packages. ``places`` places leave for good; the residents in them who find no free place
    elsewhere in the pool wait, first in its queue, for one."""

    day: RunDays
    places: Annotated[int, Field(gt=0, le=MOST_UNITS)]
    reason: str = ""
    """What happened, for the reader (such as "a 60-bed home closes after its inspection")."""


class Pool(Attributed):
    """Placements (home-care packages, reablement, intermediate-care and care-home beds)."""

    dtoc_code: DtocCode
    places: Count
    """Places (packages or beds) at once, shared by hospital patients and people referred from
    the community."""
    length_of_stay: Distribution
    """How long a person keeps a place."""
    community_referrals_per_day: PerDay = 0.0
    """People referred from the community a day, who queue for the same places."""
    initial_residents: int | None = Field(default=None, ge=0, le=MOST_UNITS)
    """People in the pool at time 0 (capped at places). A count, so that a scenario with more
    places starts with the same residents and more free places, as it would in life."""
    initial_occupancy: Probability | None = None
    """Alternatively, the share of places filled at time 0 (default 0.95 if neither is set)."""
    weekly_cost_gbp: NonNegative = 0.0
    """What a place costs a week (the fee the payer pays a provider)."""
    payer: Payer | None = None
    """Who pays for funded places: council, nhs or self; by default from the owner."""
    funded_share: Probability = 1.0
    """Share of new residents the payer funds; the rest pay for themselves (self-funders)."""
    contract: Literal["spot", "block"] = "spot"
    """spot: the payer pays for places while they are used; block: for every place, used or not."""
    market: Market | None = None
    """How searches for a provider in this pool respond to its occupancy, fee and workforce (None:
    the placement step's search as configured, whatever the market's state)."""
    exits: list[ProviderExit] = Field(default_factory=list)
    """Providers leaving the pool (places lost for good, residents re-placed)."""
    hospital_priority: bool = False
    """Hospital discharges waiting for a place go ahead of community referrals (false: first come,
    first served)."""
    admission_schedule: str | None = None
    """The schedule of days and hours in which providers take a patient from hospital (a care home
    that admits on weekdays before 15:00, say): a patient whose handover ends outside it leaves at
    its next opening (None: at any hour)."""

    @model_validator(mode="after")
    def _a_place_remains(self) -> Pool:
        lost = sum(e.places for e in self.exits)
        if lost >= self.places:
            raise ValueError(f"exits take {lost} places of {self.places}; at least one must remain")
        return self

    @model_validator(mode="after")
    def _one_initial_state(self) -> Pool:
        if self.initial_residents is not None and self.initial_occupancy is not None:
            raise ValueError("set initial_residents or initial_occupancy, not both")
        return self

    @property
    def paid_by(self) -> str:
        return self.payer or DEFAULT_PAYER[self.owner]

    @property
    def organisation(self) -> str:
        """Who answers for a wait for one of these places: by who funds them (the DToC rule)."""
        return responsible_organisation(self.dtoc_code, self.owner, self.paid_by, self.dtoc_organisation)

    @property
    def initial_count(self) -> int:
        if self.initial_residents is not None:
            return min(self.initial_residents, self.places)
        share = 0.95 if self.initial_occupancy is None else self.initial_occupancy
        return round(share * self.places)


class Assessment(Strict):
    """The step's work is an assessment of the patient (or, for a placement, its handover is the
    provider's own assessment): counted by who does it, with the share of its work that asks what
    an earlier assessment by another organisation already asked."""

    by: Assessor
    repeated_share: Probability = 0.0
    """Of the assessment's work, the share spent asking what another organisation's earlier
    assessment of the patient already asked (counted only where one came before)."""
    shared: bool = False
    """The assessor sees what earlier assessments recorded (a shared record, a trusted assessor):
    where another organisation's assessment finished before this one's work begins, the work is
    shorter by ``repeated_share`` and nothing is asked again."""


class BounceBack(Attributed):
    """A referral or assessment that comes back for information that was missing or not shared:
    with chance ``probability`` the step's work, once done, needs ``rework`` (in ``schedule``
    hours, by default the hours the step's work progresses in) before the step is finished.

    The rework is charged to the organisation whose information was missing, which the config
    declares (``owner``, ``kind``, ``dtoc_code``, required: no default favours a side): for a
    referral sent without what the receiver needs, the referrer; for information one organisation
    holds and another cannot see, the holder, unless the receiver's own system lost it. The ledger
    charges it to the item ``bounce:<step>``.
    """

    probability: Probability
    rework: Distribution
    schedule: str | None = None
    kind: Kind
    dtoc_code: DtocCode


class StepBase(Attributed):
    kind: Kind
    dtoc_code: DtocCode
    probability: Probability = 1.0
    """Chance a patient on a pathway that has the step needs it."""

    @property
    def work(self) -> Distribution | None:
        """The step's own work: its duration, or a placement's handover (None: it has none)."""
        return getattr(self, "duration", None) or getattr(self, "handover", None)

    """Chance the step is needed at all; otherwise it takes no time."""
    self_funders_skip: bool = False
    """Not needed by a patient whose every placement in the pathway is self-funded (a council
    funding panel, its assessment of means): it takes them no time."""
    necessary_hours: Annotated[float, Field(ge=0, le=LONGEST_HOURS)] = 0.0
    """The unavoidable minimum of the step's work (transport takes an hour even when perfect):
    the last this many hours of its work are reported as necessary process, apart from avoidable
    delay, and a counterfactual that makes the step instant still takes them."""
    assessment: Assessment | None = None
    """The step's work assesses the patient (None: it does not); see :class:`Assessment`."""
    bounce_back: BounceBack | None = None
    """The step's work may come back for missing information (None: it never does); see :class:`BounceBack`."""


class DelayStep(StepBase):
    """Work with no shared resource: a duration, progressing only in ``schedule`` hours if given."""

    type: Literal["delay"]
    duration: Distribution
    """How long the step takes."""
    schedule: str | None = None


class SessionStep(StepBase):
    """Wait for a recurring session (a ward round, a funding panel) that deals with the case."""

    type: Literal["session"]
    sessions: SessionSettings

    @field_validator("assessment")
    @classmethod
    def _no_work_to_assess(cls, v: Assessment | None) -> Assessment | None:
        if v is not None:
            raise ValueError("a session step has no work of its own to count as an assessment "
                             "(a panel decides on the assessments made before it)")
        return v



class StaffedStep(StepBase):
    """Work done by one of a team of staff: queue for a free member, then the work itself."""

    type: Literal["staffed"]
    staff: str
    duration: Distribution
    """How long one member of staff works on it, once free."""


class PlacementStep(StepBase):
    """Find and wait for a place in one of the pools (chosen by share), then an optional handover.

    ``search`` is the time to find a provider willing to take the patient (a home-care agency
    with carers in the area, a care home that accepts the patient's needs at the council's rate)
    before a place can be taken: a shortage the place count alone does not capture. With the
    queue for the place it is waiting for capacity, owned and coded by the chosen pool.
    """

    type: Literal["placement"]
    pools: dict[str, Probability] = Field(min_length=1)
    search: Distribution | None = None
    """How long finding a provider willing to take the patient takes, before a place can be taken."""
    search_probability: Probability = 1.0
    """Chance a search is needed at all (otherwise a provider is known at once)."""
    self_funder_search: Distribution | None = None
    """The search of a person paying for their own place, who looks for a provider themselves (None:
    the same search as anyone)."""
    handover: Distribution | None = None
    schedule: str | None = None
    """Hours in which the handover (the provider's own assessment, first visit) progresses."""

    @field_validator("self_funders_skip")
    @classmethod
    def _a_place_is_needed(cls, v: bool) -> bool:
        if v:
            raise ValueError("a placement is not skipped for self-funders: they need a place too "
                             "(give self_funder_search for their own search)")
        return v

    @field_validator("pools")
    @classmethod
    def _pool_shares(cls, v: dict[str, float]) -> dict[str, float]:
        total = sum(v.values())
        if abs(total - 1.0) > SHARE_TOLERANCE:
            raise ValueError(f"pool shares must sum to 1, they sum to {total:g}")
        return v


class Rationing(Strict):
    """A council's responses while the year's budget for new placements is overcommitted, each with
    one documented effect, from the day the budget is committed in full to the next financial year:

    - ``panel_factor`` (with ``panel_step``, a session step): a stricter panel decides a case at a
      sitting that many times as often (fewer approvals a sitting, more waiting);
    - ``package_factor``: new funded places cost that share of their fee (smaller packages: less
      care and less spend; the wait for them is unchanged);
    - ``fee_factor``: the fee offered for new placements is that share of the pool's fee (a fee
      freeze, falling behind the market): new places cost less, and in a pool whose ``market``
      answers to fees (``market_rate_gbp``, ``fee_elasticity``) searches for a provider take longer.
    """

    panel_step: str | None = None
    panel_factor: Annotated[float, Field(gt=0, le=1)] = 1.0
    package_factor: Annotated[float, Field(ge=0.01, le=1)] = 1.0
    fee_factor: Annotated[float, Field(ge=0.01, le=1)] = 1.0

    @model_validator(mode="after")
    def _panel_named(self) -> Rationing:
        if self.panel_factor < 1.0 and self.panel_step is None:
            raise ValueError("panel_factor needs panel_step: the session step whose sittings become stricter")
        if self.panel_factor == self.package_factor == self.fee_factor == 1.0:
            raise ValueError("every factor is 1 (the default), so rationing would change nothing: give panel_factor "
                             "(with panel_step), package_factor or fee_factor below 1, or leave rationing out")
        return self


class CouncilBudget(Strict):
    """The council's annual budget for new funded placements, which it must balance each year.

    A new funded place in one of ``pools`` commits its expected cost over the next twelve months
    (weekly cost x the pool's mean stay, at most a year) when it is approved. When a request no
    longer fits in what is left of the year's budget, the year's budget is spent: until the next
    financial year begins, new funding either waits (``wait``: people queue, first come first
    served, for the new year's budget) or eligibility tightens (``tighten``: people the council
    would have funded arrange and pay for their care themselves).
    """

    annual_gbp: Positive
    pools: list[str] = Field(min_length=1)
    when_spent: Literal["wait", "tighten", "overspend"] = "wait"
    """What happens once the year's budget is committed: ``overspend`` (the council keeps funding
    eligible people, as the Care Act requires and councils do, and the commitments past the budget
    are its overspend; ``rationing`` then applies); ``wait`` (new funding waits for the next
    financial year) and ``tighten`` (eligible people pay for themselves) are not lawful under the
    Care Act and are kept to compare with earlier results."""
    rationing: Rationing | None = None
    """How the council rations while the year's budget is overcommitted (``when_spent: overspend``)."""

    @model_validator(mode="after")
    def _rationing_with_overspend(self) -> CouncilBudget:
        if self.rationing is not None and self.when_spent != "overspend":
            raise ValueError(f"rationing applies while the council overspends (when_spent: overspend); with "
                             f"when_spent: {self.when_spent} nothing more is funded that year to ration")
        return self

    @field_validator("pools")
    @classmethod
    def _once_each(cls, v: list[str]) -> list[str]:
        twice = sorted({name for name in v if v.count(name) > 1})
        if twice:
            raise ValueError(f"pool {twice[0]!r} is listed more than once")
        return v


class PooledBudget(Strict):
    """An NHS and council pooled budget (a section 75 agreement): one fund pays for the places the
    NHS and the council fund, with no annual cap on new placements; ``nhs_share`` is the part of
    its spend the NHS contributes."""

    nhs_share: Probability = 0.5
    cap_gbp: Positive | None = None
    """The fund's annual budget for the places it pays for (the Better Care Fund's agreed pool; None:
    no cap). Spend past it, pro rata over the measured days, is shared by ``overspend_nhs_share``."""
    overspend_nhs_share: Probability | None = None
    """The risk-share agreement: the NHS's part of spend past the cap (None: as ``nhs_share``)."""

    @model_validator(mode="after")
    def _risk_share_needs_a_cap(self) -> PooledBudget:
        if self.overspend_nhs_share is not None and self.cap_gbp is None:
            raise ValueError("overspend_nhs_share shares spend past the fund's cap: give cap_gbp too")
        return self


class YearEnd(Strict):
    """Each organisation's budget for what the model spends, to report its year-end position: a
    council must balance (an overspend comes out of its reserves; what they cannot cover is
    unfunded), a trust may end the year in deficit and carry it forward. Budgets are for a year
    of 365 days and are taken pro rata over the measured days."""

    council_budget_gbp: Positive | None = None
    """The council's budget for its spend in the model: funded places for existing and new clients
    and its discharge staff (its part of a pooled fund included). Required, unless each of several
    councils gives its own (``councils.<name>.year_end``)."""
    council_reserves_gbp: NonNegative = 0.0
    """The council's usable reserves at the start of the measured period."""
    nhs_budget_gbp: Positive
    """The NHS's budget for its spend in the model: its places, its discharge staff and its part of
    a pooled fund (delayed bed-days are not in it: the beds are paid for whoever is in them)."""
    nhs_deficit_brought_forward_gbp: Annotated[float, Field(ge=-1e12, le=1e12)] = 0.0
    """The trust's deficit at the start of the measured period (negative: a surplus)."""


class Finance(Strict):
    """Money: the cost of delayed bed-days to the NHS and what placements and staff cost."""

    acute_bed_day_cost_gbp: NonNegative
    """Cost to the NHS of a day in an acute bed (what a delayed bed-day costs)."""
    financial_year_starts_day: Annotated[float, Field(ge=0, lt=365)] = 0.0
    """Day of the run on which a financial year (1 April) begins; years are 365 days."""
    council_budget: CouncilBudget | None = None
    pooled_budget: PooledBudget | None = None
    year_end: YearEnd | None = None
    """Each organisation's budget, to report its year-end position (None: spend only)."""


class Convention(Strict):
    """A convention of your own: a shipped one (``base``) with some items counted against other
    sides. Keys of ``owners`` are an owner (``nhs_community``) or an owner and kind
    (``social_care.process``); ``steps``, ``staff`` and ``pools`` name single items, and win."""

    base: Literal["symmetric", "owner", "dtoc"] = "symmetric"
    description: str = Field(default="", max_length=500)
    owners: dict[str, Side] = Field(default_factory=dict)
    steps: dict[str, Side] = Field(default_factory=dict)
    staff: dict[str, Side] = Field(default_factory=dict)
    pools: dict[str, Side] = Field(default_factory=dict)
    council_budget: Side | None = None
    deconditioning: Side | None = None
    """The side the time after an escalation (config ``deconditioning``) counts against."""
    bounce_backs: dict[str, Side] = Field(default_factory=dict)
    """By step, the side its bounce-backs' rework counts against (the item ``bounce:<step>``)."""

    @field_validator("owners")
    @classmethod
    def _owner_keys(cls, v: dict[str, str]) -> dict[str, str]:
        for key in v:
            owner, _, kind = key.partition(".")
            if owner not in OWNERS or (kind and kind not in KINDS[:2]):
                raise ValueError(f"{key!r} is not an owner ({', '.join(OWNERS)}) or an owner.kind "
                                 "(kind process or capacity), such as social_care.process")
        return v


OpenShare = Annotated[float, Field(gt=0, lt=1)]


class Benchmark(Strict):
    """What performing well means for one side: what good peers achieve. ``attribute --against
    benchmark`` brings each side's items (under the convention) to this, instead of removing them."""

    sessions_every_day: bool = False
    """The side's sessions (ward rounds, panels) sit every day of the week, as often at weekends as
    on weekdays."""
    duration_quantile: OpenShare | None = None
    """No work of the side's steps takes longer than this quantile of its configured duration
    (0.25: as quick as a good peer's quickest quarter); quicker cases stay as they are."""
    search_quantile: OpenShare | None = None
    """No search for a provider in the side's pools takes longer than this quantile of its
    configured distribution."""
    occupancy: OpenShare | None = None
    """The side's pools have enough places for their offered load to be this share of them (never
    fewer than configured). Staff teams are left as configured."""


class AttributionSettings(Strict):
    """Which sides delay counts against: the conventions reported (the first leads every headline),
    conventions of your own, and what performing well means for each side."""

    conventions: list[str] = Field(default_factory=lambda: list(CONVENTIONS), min_length=1, max_length=10)
    custom: dict[str, Convention] = Field(default_factory=dict)
    benchmark: dict[SideName, Benchmark] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_names(self) -> AttributionSettings:
        for name in self.custom:
            if name in CONVENTIONS:
                raise ValueError(f"custom convention {name!r} has the name of a shipped one; choose another name")
            if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", name):
                raise ValueError(f"custom convention {name!r}: a name of lower-case letters, digits and _ "
                                 "(at most 40), starting with a letter")
        known = [*CONVENTIONS, *self.custom]
        for name in self.conventions:
            if name not in known:
                raise ValueError(f"conventions: unknown convention {name!r}; known: {', '.join(known)}")
        if len(set(self.conventions)) != len(self.conventions):
            raise ValueError("conventions: each convention once")
        return self


class ReportSettings(Strict):
    """How figures and reports present this config's results."""

    delay_bands_reference: Literal["england_2024_25"] | None = None
    """Overlay these national delay-length bands on the delay-length figure."""


Step = Annotated[DelayStep | SessionStep | StaffedStep | PlacementStep, Field(discriminator="type")]
STEP_TYPES = ("delay", "session", "staffed", "placement")
STEP_MODELS: dict[str, type[StepBase]] = {
    "delay": DelayStep, "session": SessionStep, "staffed": StaffedStep, "placement": PlacementStep,
}


class CouncilStep(Strict):
    """Settings of one step that differ for a council's residents (only those given differ): a
    council's own panel sits when it sits, its own practice decides how often a review is needed."""

    probability: Probability | None = None
    duration: Distribution | None = None
    sessions: SessionSettings | None = None
    search: Distribution | None = None
    search_probability: Probability | None = None
    self_funder_search: Distribution | None = None
    handover: Distribution | None = None
    assessment_shared: bool | None = None
    """For a step that assesses: whether this council's assessors read earlier assessments (see
    :attr:`Assessment.shared`)."""
    bounce_probability: Probability | None = None
    """For a step with a ``bounce_back``: this council's chance its work comes back for missing
    information (better or worse information sharing); the rework and who answers for it are the step's."""

    APPLIES: ClassVar[dict[str, tuple[str, ...]]] = {
        "duration": ("delay", "staffed"), "sessions": ("session",), "search": ("placement",),
        "search_probability": ("placement",), "self_funder_search": ("placement",), "handover": ("placement",),
    }
    """The step types each setting belongs to (``probability``: every type)."""


class CouncilYearEnd(Strict):
    """A council's own budget for its spend in the model and its usable reserves (with several
    councils, each its own; see :class:`YearEnd`)."""

    budget_gbp: Positive
    """The council's annual budget for its spend in the model: its residents' funded places and its
    discharge staff (its part of a pooled fund included)."""
    reserves_gbp: NonNegative = 0.0
    """Its usable reserves at the start of the measured period."""


class Council(Strict):
    """A local authority some of the trust's patients live in (their home council).

    ``share_by_group`` is the share of each group's patients who live here: across councils each
    group's shares sum to 1. A council's residents are served by its own staff teams and pools where
    ``staff`` and ``pools`` name them in place of the config's (``social_workers: north_social_workers``),
    by its own settings of steps in ``steps``, and fund care at its own ``funded_share`` of each pool
    (the rest pay for themselves); everything not named is shared with the other councils. Every
    delay a resident has is also reported under their council.
    """

    share_by_group: dict[str, Probability]
    staff: dict[str, str] = Field(default_factory=dict)
    pools: dict[str, str] = Field(default_factory=dict)
    steps: dict[str, CouncilStep] = Field(default_factory=dict)
    funded_share: dict[str, Probability] = Field(default_factory=dict)
    """By pool (after ``pools``), the share of this council's residents the pool's payer funds."""
    community_share: dict[str, Probability] = Field(default_factory=dict)
    """By pool, the share of its community referrals (and first residents) who live in this council;
    across councils a pool's shares sum to 1. Not given for any council: a pool only one council's
    residents use is that council's; any other is the councils' in proportion to their shares of
    admissions."""
    budget: CouncilBudget | None = None
    """The council's own budget for new funded places of its residents (every council has one, or
    none does and ``finance.council_budget`` is one budget for all)."""
    year_end: CouncilYearEnd | None = None
    """The council's own budget and reserves for its year-end position (every council, or none)."""


class UncertainSetting(Strict):
    """A setting whose value is an assumption: its plausible range (or distribution) and where that
    comes from. ``uniform`` between ``low`` and ``high``; ``triangular`` with its ``mode``;
    ``normal`` with its ``mean`` and ``sd``, cut to ``low``-``high``. A whole-number setting (a count)
    takes whole values. ``low`` equal to ``high`` fixes the setting at that value."""

    distribution: Literal["uniform", "triangular", "normal"] = "uniform"
    low: float
    high: float
    mode: float | None = None
    """For ``triangular``: the most likely value."""
    mean: float | None = None
    """For ``normal``: its mean (the sd gives its spread; low and high cut it)."""
    sd: Annotated[float, Field(gt=0)] | None = None
    source: Annotated[str, Field(min_length=1, max_length=300)]
    """One line on where the range comes from (a reference, or "assumption: ...")."""

    @model_validator(mode="after")
    def _shape(self) -> UncertainSetting:
        if not (math.isfinite(self.low) and math.isfinite(self.high)) or self.high < self.low:
            raise ValueError(f"high ({self.high:g}) must not be below low ({self.low:g})")
        if self.high == self.low and self.distribution != "uniform":
            raise ValueError("a range of one value is uniform (it takes that value)")
        needs = {"uniform": (), "triangular": ("mode",), "normal": ("mean", "sd")}[self.distribution]
        for name in ("mode", "mean", "sd"):
            given = getattr(self, name) is not None
            if given and name not in needs:
                raise ValueError(f"a {self.distribution} range takes no {name}")
            if not given and name in needs:
                raise ValueError(f"a {self.distribution} range needs its {name}")
        for name in ("mode", "mean"):
            value = getattr(self, name)
            if value is not None and not self.low <= value <= self.high:
                raise ValueError(f"{name} ({value:g}) must lie between low ({self.low:g}) and high ({self.high:g})")
        if _CONTROL.search(self.source):
            raise ValueError("a source is one line of text")
        return self


class Config(Strict):
    """A whole scenario."""

    name: str = Field(min_length=1, max_length=NAME_LENGTH)
    description: str = ""
    run: RunSettings
    hospital: HospitalSettings
    emergency: EmergencySettings
    elective: ElectiveSettings = Field(default_factory=ElectiveSettings)
    groups: dict[str, Group] = Field(min_length=1)
    schedules: dict[str, list[Window]] = Field(default_factory=dict)
    staff: dict[str, Staff] = Field(default_factory=dict)
    pools: dict[str, Pool] = Field(default_factory=dict)
    steps: dict[str, Step] = Field(default_factory=dict)
    pathways: dict[int, dict[str, list[str]]]
    planning: Planning | None = None
    """Planning ahead from an expected discharge date (None: every step waits for the ready date)."""
    deaths: Deaths | None = None
    """Deaths while waiting after being found ready (None: nobody dies in hospital)."""
    readmissions: Readmissions | None = None
    """Emergency readmissions after leaving (None: nobody comes back)."""
    deconditioning: Deconditioning | None = None
    """Needs that grow while waiting, escalating the pathway (None: the pathway is fixed at admission)."""
    councils: dict[str, Council] = Field(default_factory=dict)
    """The local authorities the trust's patients live in (empty: one council, not named)."""
    finance: Finance | None = None
    attribution: AttributionSettings = Field(default_factory=AttributionSettings)
    report: ReportSettings | None = None
    uncertainty: dict[str, UncertainSetting] = Field(default_factory=dict)
    """Settings whose values are assumptions, by dotted key (``pools.nursing_home.places``), each with
    its plausible range and source: what an analysis of how much of the answer is assumption varies
    (:mod:`discharge_sim.experiments.sampling`)."""

    @field_validator("name")
    @classmethod
    def _printable_name(cls, v: str) -> str:
        if _CONTROL.search(v):
            raise ValueError("a name is one line of text: no newlines, tabs or other control characters")
        return v

    @field_validator("schedules")
    @classmethod
    def _schedules_not_empty(cls, v: dict[str, list[Window]]) -> dict[str, list[Window]]:
        for name, windows in v.items():
            if not windows:
                raise ValueError(f"schedule {name!r} has no windows")
        return v

    @model_validator(mode="after")
    def _uncertain_settings_exist(self) -> Config:
        if not self.uncertainty:
            return self
        settings = flatten(self.model_dump(mode="json", exclude_none=True, exclude={"uncertainty"}))
        for key in self.uncertainty:
            value = settings.get(key)
            if key not in settings:
                raise ValueError(f"uncertainty: {key!r} is not a setting of this config (give the dotted key of a "
                                 "number, such as pools.nursing_home.places)")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"uncertainty: {key} is {value!r}, not a number: only numbers can be varied")
        return self

    @model_validator(mode="after")
    def _cross_references(self) -> Config:
        for column in ("emergency_share", "elective_share"):
            total = sum(getattr(g, column) for g in self.groups.values())
            needed = self.emergency.admissions_per_day > 0 if column == "emergency_share" else any(
                self.elective.admissions_per_weekday.values()
            )
            if (needed or total > 0) and abs(total - 1.0) > SHARE_TOLERANCE:
                raise ValueError(f"groups: {column} must sum to 1 across groups, it sums to {total:g}")
        for name, staff in self.staff.items():
            if staff.schedule not in self.schedules:
                raise ValueError(
                    f"staff.{name}.schedule: unknown schedule {staff.schedule!r}; "
                    f"defined schedules: {_listing(self.schedules)}"
                )
        for name, pool_cfg in self.pools.items():
            admitting = pool_cfg.admission_schedule
            if admitting is not None and admitting not in self.schedules:
                raise ValueError(
                    f"pools.{name}.admission_schedule: unknown schedule {admitting!r}; "
                    f"defined schedules: {_listing(self.schedules)}"
                )
        for name in self.steps:
            if name in RESERVED_STEP_NAMES:
                raise ValueError(f"steps.{name}: the name is the ledger's own ({RESERVED_STEP_NAMES[name]}); "
                                 "call the step something else")
        for name, step in self.steps.items():
            rework = step.bounce_back.schedule if step.bounce_back is not None else None
            if rework is not None and rework not in self.schedules:
                raise ValueError(f"steps.{name}.bounce_back.schedule: unknown schedule {rework!r}; "
                                 f"defined schedules: {_listing(self.schedules)}")
            schedule = getattr(step, "schedule", None)
            if schedule is not None and schedule not in self.schedules:
                raise ValueError(
                    f"steps.{name}.schedule: unknown schedule {schedule!r}; "
                    f"defined schedules: {_listing(self.schedules)}"
                )
            if isinstance(step, StaffedStep) and step.staff not in self.staff:
                raise ValueError(
                    f"steps.{name}.staff: unknown staff {step.staff!r}; defined staff: {_listing(self.staff)}"
                )
            if isinstance(step, PlacementStep):
                for pool in step.pools:
                    if pool not in self.pools:
                        raise ValueError(
                            f"steps.{name}.pools: unknown pool {pool!r}; defined pools: {_listing(self.pools)}"
                        )
        for pathway, graph in self.pathways.items():
            if pathway not in PATHWAYS:
                raise ValueError(f"pathways: pathway {pathway} is not one of 0, 1, 2, 3")
            for step_name, after in graph.items():
                for name in (step_name, *after):
                    if name not in self.steps:
                        raise ValueError(
                            f"pathways.{pathway}.{step_name}: unknown step {name!r}; "
                            f"defined steps: {_listing(self.steps)}"
                        )
                for name in after:
                    if name not in graph:
                        raise ValueError(
                            f"pathways.{pathway}.{step_name}: waits for {name!r}, "
                            f"which is not a step of pathway {pathway}"
                        )
            cycle = find_cycle(graph)
            if cycle:
                raise ValueError(f"pathways.{pathway}: the steps form a cycle: {' -> '.join(cycle)}")
        if self.finance is not None:
            self._check_finance(self.finance)
        elif any(c.budget is not None or c.year_end is not None for c in self.councils.values()):
            raise ValueError("councils: a council's budget or year_end needs a finance section")
        if self.deconditioning is not None:
            for pathway, hazard in self.deconditioning.daily_hazard_by_pathway.items():
                if hazard > 0 and pathway in self.pathways and pathway + 1 not in self.pathways:
                    raise ValueError(f"deconditioning.daily_hazard_by_pathway: pathway {pathway} escalates to "
                                     f"pathway {pathway + 1}, which has no entry under pathways")
        if self.planning is not None:
            for name in self.planning.lead_hours:
                if name not in self.steps:
                    raise ValueError(f"planning.lead_hours: unknown step {name!r}; "
                                     f"defined steps: {_listing(self.steps)}")
        self._check_conventions()
        self._check_councils()
        self._check_size()
        for gname, group in self.groups.items():
            for pathway, share in group.pathway_mix.items():
                if share > 0 and pathway not in self.pathways:
                    raise ValueError(
                        f"groups.{gname}.pathway_mix: pathway {pathway} has no entry under pathways"
                    )
        return self

    def _check_size(self) -> None:
        """One replication holds everyone it simulates in memory: refuse a run of billions."""
        people = self.people_per_replication
        if people > MOST_PEOPLE:
            raise ValueError(
                f"run.days: one replication of {self.run.days:,.0f} days would simulate about {people:,.0f} people "
                f"({self.people_per_day:,.0f} admissions and community referrals a day, with the pools' first "
                "residents); "
                f"at most {MOST_PEOPLE:,}: shorten run.days or lower emergency.admissions_per_day, "
                "elective.admissions_per_weekday or the pools' community_referrals_per_day"
            )

    def _check_conventions(self) -> None:
        budget = self.has_council_budget
        for name, convention in self.attribution.custom.items():
            for section, defined in (("steps", self.steps), ("staff", self.staff), ("pools", self.pools)):
                for item in getattr(convention, section):
                    if item not in defined:
                        what = "staff team" if section == "staff" else section[:-1]
                        raise ValueError(f"attribution.custom.{name}.{section}: unknown {what} {item!r}; "
                                         f"defined: {_listing(defined)}")
            if convention.council_budget is not None and not budget:
                raise ValueError(f"attribution.custom.{name}.council_budget: this config has no finance.council_budget")
            for step_name in convention.bounce_backs:
                step = self.steps.get(step_name)
                if step is None or step.bounce_back is None:
                    bouncing = [n for n, st in self.steps.items() if st.bounce_back is not None]
                    raise ValueError(f"attribution.custom.{name}.bounce_backs: step {step_name!r} has no "
                                     f"bounce_back; steps with one: {', '.join(bouncing) or '(none)'}")
            if convention.deconditioning is not None and self.deconditioning is None:
                raise ValueError(f"attribution.custom.{name}.deconditioning: this config has no deconditioning")

    def _check_councils(self) -> None:
        """Every group's shares sum to 1 across councils; what a council names exists and fits."""
        if not self.councils:
            return
        for cname, council in self.councils.items():
            where = f"councils.{cname}"
            if not COUNCIL_NAME.fullmatch(cname):
                raise ValueError(f"councils: {cname!r} is not a council name: use letters, digits, _ and - "
                                 f"(at most {NAME_LENGTH} characters, no dots or spaces: it names metrics and columns)")
            for group in council.share_by_group:
                if group not in self.groups:
                    raise ValueError(f"{where}.share_by_group: unknown group {group!r}; defined groups: "
                                     f"{_listing(self.groups)}")
            for section, defined, what in (("staff", self.staff, "staff team"), ("pools", self.pools, "pool")):
                for old, new in getattr(council, section).items():
                    for name in (old, new):
                        if name not in defined:
                            raise ValueError(f"{where}.{section}: unknown {what} {name!r}; "
                                             f"defined: {_listing(defined)}")
                    if old == new:
                        raise ValueError(f"{where}.{section}: {old!r} is replaced by itself; leave it out to share it")
            for sname, change in council.steps.items():
                if sname not in self.steps:
                    raise ValueError(f"{where}.steps: unknown step {sname!r}; defined steps: {_listing(self.steps)}")
                kind = self.steps[sname].type
                for key in change.model_fields_set:
                    if getattr(change, key) is None:
                        raise ValueError(f"{where}.steps.{sname}.{key}: give a value, or leave the key out to keep "
                                         "the step's own (for no search, give search_probability: 0)")
                    if kind not in CouncilStep.APPLIES.get(key, (kind,)):
                        raise ValueError(f"{where}.steps.{sname}.{key}: a {kind} step has no {key} "
                                         f"(it belongs to {' and '.join(CouncilStep.APPLIES[key])} steps)")
                    if key == "assessment_shared" and self.steps[sname].assessment is None:
                        raise ValueError(f"{where}.steps.{sname}.assessment_shared: the step has no assessment "
                                         "(give the step's assessment first)")
                    if key == "bounce_probability" and self.steps[sname].bounce_back is None:
                        raise ValueError(f"{where}.steps.{sname}.bounce_probability: the step has no bounce_back "
                                         "(give the step's bounce_back, with who answers for it, first)")
                    if key == "search_probability" and change.search is None and getattr(
                            self.steps[sname], "search", None) is None:
                        raise ValueError(f"{where}.steps.{sname}.search_probability: the step has no search for "
                                         "a chance to apply to; give the council's search too")
            served = {p for step in self.council_steps(cname).values() if isinstance(step, PlacementStep)
                      for p in step.pools}
            for pool in council.funded_share:
                if pool not in self.pools:
                    raise ValueError(f"{where}.funded_share: unknown pool {pool!r}; defined pools: "
                                     f"{_listing(self.pools)}")
                if pool not in served:
                    raise ValueError(f"{where}.funded_share: pool {pool!r} does not serve this council's residents; "
                                     f"its placement steps' pools: {', '.join(sorted(served)) or '(none)'}")
        for cname, council in self.councils.items():
            for pool in council.community_share:
                if pool not in self.pools:
                    raise ValueError(f"councils.{cname}.community_share: unknown pool {pool!r}; defined pools: "
                                     f"{_listing(self.pools)}")
        for pool in {p for c in self.councils.values() for p in c.community_share}:
            total = sum(c.community_share.get(pool, 0.0) for c in self.councils.values())
            if abs(total - 1.0) > SHARE_TOLERANCE:
                raise ValueError(f"councils: the community shares of pool {pool!r} must sum to 1 across councils, "
                                 f"they sum to {total:g}")
        for group in self.groups:
            total = sum(c.share_by_group.get(group, 0.0) for c in self.councils.values())
            if abs(total - 1.0) > SHARE_TOLERANCE:
                shares = ", ".join(f"{c} {v.share_by_group.get(group, 0.0):g}" for c, v in self.councils.items())
                raise ValueError(f"councils: the shares of group {group!r} must sum to 1 across councils, "
                                 f"they sum to {total:g} ({shares})")

    def council_steps(self, council: str) -> dict[str, Step]:
        """The steps as a council's residents go through them: its staff teams and pools in place
        of the ones it replaces, its own step settings, and its funded shares (on the pools)."""
        c = self.councils[council]
        steps: dict[str, Step] = {}
        for name, step in self.steps.items():
            update: dict[str, Any] = {k: getattr(c.steps[name], k) for k in c.steps[name].model_fields_set
                                      } if name in c.steps else {}
            if "assessment_shared" in update and step.assessment is not None:
                update["assessment"] = step.assessment.model_copy(update={"shared": update.pop("assessment_shared")})
            if "bounce_probability" in update and step.bounce_back is not None:
                update["bounce_back"] = step.bounce_back.model_copy(
                    update={"probability": update.pop("bounce_probability")})
            if isinstance(step, StaffedStep) and step.staff in c.staff:
                update["staff"] = c.staff[step.staff]
            if isinstance(step, PlacementStep) and any(p in c.pools for p in step.pools):
                pools: dict[str, float] = {}
                for p, share in step.pools.items():
                    own = c.pools.get(p, p)
                    pools[own] = pools.get(own, 0.0) + share
                update["pools"] = pools
            steps[name] = step.model_copy(update=update) if update else step
        return steps

    def step_sets(self) -> list[tuple[dict[str, float], dict[str, Step]]]:
        """The steps as each council's residents go through them (:meth:`council_steps`), with the
        council's share of each group; without councils, the config's steps for every patient."""
        if not self.councils:
            return [(dict.fromkeys(self.groups, 1.0), dict(self.steps))]
        return [({g: c.share_by_group.get(g, 0.0) for g in self.groups}, self.council_steps(name))
                for name, c in self.councils.items()]

    def community_shares(self, pool: str) -> list[float]:
        """Per council, the share of ``pool``'s community referrals (and first residents) who live
        there (see :attr:`Council.community_share`); [1.0] without councils."""
        if not self.councils:
            return [1.0]
        if any(pool in c.community_share for c in self.councils.values()):
            return [c.community_share.get(pool, 0.0) for c in self.councils.values()]
        users = [name for name in self.councils
                 if any(isinstance(st, PlacementStep) and pool in st.pools for st in self.council_steps(name).values())]
        if len(users) == 1:  # only one council's residents use it: its own market
            return [1.0 if name == users[0] else 0.0 for name in self.councils]
        return self.admission_shares()

    def admission_shares(self) -> list[float]:
        """Per council, its share of the trust's admissions (emergency and elective, by group)."""
        electives = sum(self.elective.admissions_per_weekday.values()) / 7.0
        rates = [sum((self.emergency.admissions_per_day * g.emergency_share + electives * g.elective_share)
                     * c.share_by_group.get(name, 0.0) for name, g in self.groups.items())
                 for c in self.councils.values()]
        total = sum(rates)
        return [r / total for r in rates] if total else [1.0 / len(rates)] * len(rates)

    def council_funded_share(self, council: str, pool: str) -> float:
        """The share of ``council``'s residents in ``pool`` whom the pool's payer funds."""
        return self.councils[council].funded_share.get(pool, self.pools[pool].funded_share)

    @property
    def has_council_budget(self) -> bool:
        """Whether new funded places need a council budget's approval (one, or each council's own)."""
        return (self.finance is not None and self.finance.council_budget is not None) or any(
            c.budget is not None for c in self.councils.values())

    def _check_finance(self, finance: Finance) -> None:
        if finance.council_budget is not None:  # each budget's own settings first, then how they fit together
            self._check_budget(finance.council_budget, "finance.council_budget")
        for k, (name, council) in enumerate(self.councils.items()):
            if council.budget is not None:
                self._check_budget(council.budget, f"councils.{name}.budget")
                served = {p for st in self.council_steps(name).values() if isinstance(st, PlacementStep)
                          for p in st.pools}
                for pool in council.budget.pools:  # a pool it replaced with its own, and no community clients in it
                    if pool in council.pools and pool not in served and not self.community_shares(pool)[k]:
                        raise ValueError(
                            f"councils.{name}.budget.pools: pool {pool!r} takes none of this council's residents, "
                            f"from hospital or the community (its own pools replace the config's: "
                            f"{', '.join(f'{a} -> {b}' for a, b in council.pools.items()) or 'none'}); "
                            f"its residents' pools: {', '.join(sorted(served)) or '(none)'}")
        year_end = finance.year_end
        own_year_end = [c.year_end is not None for c in self.councils.values()]
        if any(own_year_end) and not all(own_year_end):
            missing = [n for n, c in self.councils.items() if c.year_end is None]
            raise ValueError(f"councils.{missing[0]}.year_end: every council gives its own year_end, or none does")
        if year_end is not None and any(own_year_end) and year_end.council_budget_gbp is not None:
            raise ValueError("finance.year_end.council_budget_gbp: each council gives its own (councils.<name>."
                             "year_end); leave this out (in an overlay, council_budget_gbp: null)")
        if year_end is not None and not any(own_year_end) and year_end.council_budget_gbp is None:
            raise ValueError("finance.year_end.council_budget_gbp: required (the council's budget for its spend), "
                             "unless every council gives its own year_end")
        if any(own_year_end) and year_end is None:
            raise ValueError("finance.year_end: needed for the NHS's budget when councils give their own year_end")
        own = {name: c.budget for name, c in self.councils.items() if c.budget is not None}
        if own and len(own) < len(self.councils):
            missing = [n for n, c in self.councils.items() if c.budget is None]
            raise ValueError(f"councils.{missing[0]}.budget: every council has its own budget, or none does "
                             "(and finance.council_budget is one budget for all)")
        if own and finance.council_budget is not None:
            raise ValueError("finance.council_budget: each council has its own budget (councils.<name>.budget); "
                             "leave this out (in an overlay, council_budget: null)")
        if own and finance.pooled_budget is not None:
            raise ValueError("finance.pooled_budget: a pooled fund replaces the councils' own budgets; "
                             "give one or the other")
        if finance.council_budget is not None and finance.pooled_budget is not None:
            raise ValueError(
                "finance: a pooled_budget replaces the council_budget (the fund's own cap and risk share "
                "apply to it); give one or the other (in an overlay, council_budget: null removes the base's)"
            )

    def _check_budget(self, budget: CouncilBudget, where: str) -> None:
        rationing = budget.rationing
        if rationing is not None and rationing.panel_step is not None:
            panel = self.steps.get(rationing.panel_step)
            if not isinstance(panel, SessionStep):
                sessions = [n for n, st in self.steps.items() if isinstance(st, SessionStep)]
                raise ValueError(f"{where}.rationing.panel_step: {rationing.panel_step!r} is not a "
                                 f"session step; session steps: {', '.join(sessions) or '(none)'}")
        for name in budget.pools:
            if name not in self.pools:
                raise ValueError(f"{where}.pools: unknown pool {name!r}; defined pools: {_listing(self.pools)}")
            if self.pools[name].paid_by != "council":
                raise ValueError(f"{where}.pools: pool {name!r} is paid for by {self.pools[name].paid_by!r}, "
                                 "not the council")

    def staff_cause(self, name: str) -> tuple[str, str]:
        """(DToC code, responsible organisation) of waiting for staff team ``name``: the team's own
        ``dtoc_code``, else the code of the steps it serves (the first counted one, in config order,
        where they differ; ``other`` if it serves only hospital-internal steps). The ledger and every
        convention use this one code for every wait for the team."""
        staff = self.staff[name]
        code: str | None = staff.dtoc_code
        if code is None:
            sets = [self.steps, *(steps for _, steps in self.step_sets())]  # a council's team serves its steps
            served = [s.dtoc_code for n, s in self.steps.items()
                      if any(getattr(steps[n], "staff", None) == name for steps in sets)]
            counted = [c for c in served if c != DTOC_UNCOUNTED]
            code = counted[0] if counted else DTOC_UNCOUNTED
        return code, responsible_organisation(code, staff.owner, None, staff.dtoc_organisation)

    @property
    def people_per_day(self) -> float:
        """Everyone who arrives in a day: admissions (emergency, at the highest surge rate, and
        elective) and community referrals to the pools. A rough measure of a run's size."""
        surge = max((s.factor for s in self.emergency.surges), default=1.0)
        electives = sum(self.elective.admissions_per_weekday.values()) / 7.0
        community = sum(pool.community_referrals_per_day for pool in self.pools.values())
        return self.emergency.admissions_per_day * max(surge, 1.0) + electives + community

    @property
    def people_per_replication(self) -> float:
        """Everyone one replication simulates: arrivals over the whole run and the pools' first residents."""
        return self.people_per_day * self.run.days + sum(pool.initial_count for pool in self.pools.values())

    @property
    def warmup_hours(self) -> float:
        return self.run.warmup_days * HOURS_PER_DAY

    @property
    def horizon_hours(self) -> float:
        return self.run.days * HOURS_PER_DAY


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
COUNCIL_NAME = re.compile(rf"[A-Za-z0-9][A-Za-z0-9_-]{{0,{NAME_LENGTH - 1}}}")


def _listing(names: Mapping[str, Any]) -> str:
    return ", ".join(sorted(names)) or "(none)"


def find_cycle(graph: Mapping[str, list[str]]) -> list[str]:
    """A cycle in a step -> predecessors graph, as a list of names, or [] if there is none."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for pred in graph.get(node, []):
            if state.get(pred) == 1:
                return [*stack[stack.index(pred):], pred]
            if pred not in state:
                found = visit(pred)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return []

    for node in graph:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []
