"""Scenario configuration: the schema, YAML loading and readable errors.

Every config is validated on load. Unknown keys are errors; units are in key names. A failure
raises :class:`ConfigError` whose message names the field, the value found and what is allowed.
"""

from __future__ import annotations

import copy
import itertools
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from discharge_sim.model.calendar import DAY_NAMES
from discharge_sim.model.distributions import Shape

Owner = Literal["hospital", "nhs_community", "social_care", "patient_family", "other"]
Kind = Literal["process", "capacity"]
DtocCode = Literal["A", "B", "C", "Di", "Dii", "E", "F", "G", "H", "I", "other"]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Organisation = Literal["nhs", "social_care", "both"]
Payer = Literal["council", "nhs", "self"]

OWNERS: tuple[str, ...] = ("hospital", "nhs_community", "social_care", "patient_family", "other")
KINDS: tuple[str, ...] = ("process", "capacity")
DTOC_CODES: tuple[str, ...] = ("A", "B", "C", "Di", "Dii", "E", "F", "G", "H", "I", "other")
ORGANISATIONS: tuple[str, ...] = ("nhs", "social_care", "both")
"""Responsible organisation of a delay in the DToC statistic: NHS, Social care or Both."""
DEFAULT_ORGANISATION: dict[str, str] = {
    "hospital": "nhs", "nhs_community": "nhs", "social_care": "social_care",
    "patient_family": "nhs", "other": "nhs",
}
"""Who answers for a delay when a step, team or pool does not say: the NHS for its own services
and for a patient waiting in an NHS bed on their own or their family's account, social care for
its services. ``dtoc_organisation`` overrides it (``both`` for a jointly owned step)."""
DEFAULT_PAYER: dict[str, str] = {
    "hospital": "nhs", "nhs_community": "nhs", "social_care": "council",
    "patient_family": "self", "other": "self",
}
"""Who pays for a pool's places when the pool does not say: the council for social care, the NHS
for its own services, the person otherwise."""
PAYERS: tuple[str, ...] = ("council", "nhs", "self")
PATHWAYS: tuple[int, ...] = (0, 1, 2, 3)
SHARE_TOLERANCE = 1e-6

NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Probability = Annotated[float, Field(ge=0, le=1)]
Hour = Annotated[float, Field(ge=0, lt=24)]


class ConfigError(Exception):
    """A config that cannot be used; the message is written for the person who wrote it."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Attributed(Strict):
    """Something a delay can be charged to: an owner and, for DToC tables, an organisation."""

    owner: Owner
    dtoc_organisation: Organisation | None = None
    """nhs, social_care or both; by default from the owner (see DEFAULT_ORGANISATION)."""

    @property
    def organisation(self) -> str:
        return self.dtoc_organisation or DEFAULT_ORGANISATION[self.owner]


class Distribution(Strict):
    """A duration: a family with its mean (and sd), given in hours or in days."""

    distribution: Literal["lognormal", "gamma", "exponential", "fixed"]
    mean_hours: NonNegative | None = None
    sd_hours: Positive | None = None
    mean_days: NonNegative | None = None
    sd_days: Positive | None = None

    @model_validator(mode="after")
    def _units_and_parameters(self) -> Distribution:
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
        needs_sd = self.distribution in ("lognormal", "gamma")
        if needs_sd and sd is None:
            raise ValueError(f"a {self.distribution} distribution needs sd_{unit}")
        if not needs_sd and sd is not None:
            raise ValueError(f"a {self.distribution} distribution takes no sd_{unit}")
        if self.distribution != "fixed" and mean <= 0:
            raise ValueError(f"mean_{unit} of a {self.distribution} distribution must be > 0")
        return self

    @property
    def shape(self) -> Shape:
        """The distribution in hours."""
        scale = 1.0 if self.mean_hours is not None else 24.0
        mean = (self.mean_hours if self.mean_hours is not None else self.mean_days) or 0.0
        sd = self.sd_hours if self.mean_hours is not None else self.sd_days
        return Shape(self.distribution, mean * scale, (sd or 0.0) * scale)


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
    days: Positive
    warmup_days: NonNegative = 0.0
    replications: int = Field(default=10, ge=1)
    seed: int = Field(default=20240401, ge=0)

    @model_validator(mode="after")
    def _warmup_inside_run(self) -> RunSettings:
        if self.warmup_days >= self.days:
            raise ValueError(
                f"warmup_days ({self.warmup_days}) must be shorter than days ({self.days}): "
                "nothing would be left to measure"
            )
        return self


class HospitalSettings(Strict):
    beds: int = Field(gt=0)
    fitness_review_hour: Hour | None = None
    """Hour of the daily review at which a patient is found medically fit (None: the moment the
    acute stay ends). Criteria to reside are reviewed once a day, at the morning board round."""
    when_full: Literal["board", "turn_away"] = "board"
    """What an emergency does when no bed is free: wait for one (board), or go elsewhere
    (turn_away: diverted and lost to this hospital, as in a loss system such as Erlang B)."""


class Surge(Strict):
    """A stretch of days with emergency admissions at ``factor`` times their usual rate (winter)."""

    start_day: NonNegative
    days: Positive
    factor: Positive


class EmergencySettings(Strict):
    admissions_per_day: NonNegative
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

    @field_validator("hour_of_day_profile")
    @classmethod
    def _24_hours(cls, v: list[float]) -> list[float]:
        if len(v) != 24 or sum(v) <= 0:
            raise ValueError(f"needs 24 non-negative weights (hour 0 to 23) with a positive sum, got {len(v)}")
        return v

    @field_validator("day_of_week_profile")
    @classmethod
    def _7_days(cls, v: list[float]) -> list[float]:
        if len(v) != 7 or sum(v) <= 0:
            raise ValueError(f"needs 7 non-negative weights (Monday to Sunday) with a positive sum, got {len(v)}")
        return v


class ElectiveSettings(Strict):
    admissions_per_weekday: dict[Day, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    admission_hour: Hour = 7.0


class Group(Strict):
    """A patient group: its share of admissions, acute length of stay and pathway mix."""

    emergency_share: Probability = 0.0
    elective_share: Probability = 0.0
    length_of_stay: Distribution
    pathway_mix: dict[int, Probability]

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


class Staff(Attributed):
    """Staff who do a step (pharmacists, therapists, social workers), with their working hours."""

    count: int = Field(gt=0)
    schedule: str
    dtoc_code: DtocCode | None = None
    hourly_cost_gbp: NonNegative = 0.0
    """Cost of one member of the team for an hour of its schedule (salary and on-costs), paid by
    the NHS or the council according to the team's organisation."""


class Pool(Attributed):
    """Placements (home-care packages, reablement, intermediate-care and care-home beds)."""

    dtoc_code: DtocCode
    places: int = Field(gt=0)
    length_of_stay: Distribution
    community_referrals_per_day: NonNegative = 0.0
    initial_residents: int | None = Field(default=None, ge=0)
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

    @model_validator(mode="after")
    def _one_initial_state(self) -> Pool:
        if self.initial_residents is not None and self.initial_occupancy is not None:
            raise ValueError("set initial_residents or initial_occupancy, not both")
        return self

    @property
    def paid_by(self) -> str:
        return self.payer or DEFAULT_PAYER[self.owner]

    @property
    def initial_count(self) -> int:
        if self.initial_residents is not None:
            return min(self.initial_residents, self.places)
        share = 0.95 if self.initial_occupancy is None else self.initial_occupancy
        return round(share * self.places)


class SessionSettings(Strict):
    days: list[Day] = Field(min_length=1)
    hours: list[Hour] = Field(min_length=1)
    weekday_probability: Probability = 1.0
    weekend_probability: Probability = 1.0
    every_weeks: int = Field(default=1, ge=1, le=52)
    """Sessions sit every this many weeks (2: fortnightly), in weeks 0, k, 2k... of the run."""


class StepBase(Attributed):
    kind: Kind
    dtoc_code: DtocCode
    probability: Probability = 1.0
    """Chance the step is needed at all; otherwise it takes no time."""


class DelayStep(StepBase):
    """Work with no shared resource: a duration, progressing only in ``schedule`` hours if given."""

    type: Literal["delay"]
    duration: Distribution
    schedule: str | None = None


class SessionStep(StepBase):
    """Wait for a recurring session (a ward round, a funding panel) that deals with the case."""

    type: Literal["session"]
    sessions: SessionSettings

    @model_validator(mode="after")
    def _some_chance(self) -> SessionStep:
        s = self.sessions
        weekday = any(DAY_NAMES.index(d) < 5 for d in s.days) and s.weekday_probability > 0
        weekend = any(DAY_NAMES.index(d) >= 5 for d in s.days) and s.weekend_probability > 0
        if not (weekday or weekend):
            raise ValueError("no session has a positive probability: cases would wait for ever")
        return self


class StaffedStep(StepBase):
    """Work done by one of a team of staff: queue for a free member, then the work itself."""

    type: Literal["staffed"]
    staff: str
    duration: Distribution


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
    search_probability: Probability = 1.0
    """Chance a search is needed at all (otherwise a provider is known at once)."""
    handover: Distribution | None = None
    schedule: str | None = None
    """Hours in which the handover (the provider's own assessment, first visit) progresses."""

    @field_validator("pools")
    @classmethod
    def _pool_shares(cls, v: dict[str, float]) -> dict[str, float]:
        total = sum(v.values())
        if abs(total - 1.0) > SHARE_TOLERANCE:
            raise ValueError(f"pool shares must sum to 1, they sum to {total:g}")
        return v


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
    when_spent: Literal["wait", "tighten"] = "wait"

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


class Finance(Strict):
    """Money: the cost of delayed bed-days to the NHS and what placements and staff cost."""

    acute_bed_day_cost_gbp: NonNegative
    """Cost to the NHS of a day in an acute bed (what a delayed bed-day costs)."""
    financial_year_starts_day: Annotated[float, Field(ge=0, lt=365)] = 0.0
    """Day of the run on which a financial year (1 April) begins; years are 365 days."""
    council_budget: CouncilBudget | None = None
    pooled_budget: PooledBudget | None = None


class ReportSettings(Strict):
    """How figures and reports present this config's results."""

    delay_bands_reference: Literal["england_2024_25"] | None = None
    """Overlay these national delay-length bands on the delay-length figure."""


Step = Annotated[DelayStep | SessionStep | StaffedStep | PlacementStep, Field(discriminator="type")]
STEP_TYPES = ("delay", "session", "staffed", "placement")
STEP_MODELS: dict[str, type[StepBase]] = {
    "delay": DelayStep, "session": SessionStep, "staffed": StaffedStep, "placement": PlacementStep,
}


class Config(Strict):
    """A whole scenario."""

    name: str = Field(min_length=1)
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
    finance: Finance | None = None
    report: ReportSettings | None = None

    @field_validator("schedules")
    @classmethod
    def _schedules_not_empty(cls, v: dict[str, list[Window]]) -> dict[str, list[Window]]:
        for name, windows in v.items():
            if not windows:
                raise ValueError(f"schedule {name!r} has no windows")
        return v

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
        for name, step in self.steps.items():
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
        for gname, group in self.groups.items():
            for pathway, share in group.pathway_mix.items():
                if share > 0 and pathway not in self.pathways:
                    raise ValueError(
                        f"groups.{gname}.pathway_mix: pathway {pathway} has no entry under pathways"
                    )
        return self

    def _check_finance(self, finance: Finance) -> None:
        budget = finance.council_budget
        if budget is None:
            return
        if finance.pooled_budget is not None:
            raise ValueError(
                "finance: a pooled_budget has no annual cap, so it replaces the council_budget; "
                "give one or the other (in an overlay, council_budget: null removes the base's)"
            )
        for name in budget.pools:
            if name not in self.pools:
                raise ValueError(
                    f"finance.council_budget.pools: unknown pool {name!r}; defined pools: {_listing(self.pools)}"
                )
            if self.pools[name].paid_by != "council":
                raise ValueError(
                    f"finance.council_budget.pools: pool {name!r} is paid for by "
                    f"{self.pools[name].paid_by!r}, not the council"
                )

    @property
    def warmup_hours(self) -> float:
        return self.run.warmup_days * 24.0

    @property
    def horizon_hours(self) -> float:
        return self.run.days * 24.0


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


# --- loading ---------------------------------------------------------------------------------

def load_config(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Config:
    """Read, validate and return a config file (resolving ``extends:``), applying dotted
    ``overrides`` first."""
    raw = read_config(path)
    if overrides:
        raw = apply_overrides(raw, overrides)
    return config_from_dict(raw, source=str(path))


EXTENDS = "extends"


def read_config(path: str | Path) -> dict[str, Any]:
    """A config file as plain data, with its ``extends:`` chain resolved.

    A config may start from another: ``extends: baseline.yaml`` (a path relative to the file)
    takes that config and lays this file over it. Mappings merge key by key, at any depth; any
    other value (a number, a list) replaces the base's; ``~`` (null) removes the base's key. So a
    scenario file holds only what it changes.
    """
    return _resolve(Path(path), [])


def _resolve(path: Path, chain: list[Path]) -> dict[str, Any]:
    raw = read_yaml(path)
    if EXTENDS not in raw:
        return raw
    ref = raw.pop(EXTENDS)
    if not isinstance(ref, str) or not ref.strip():
        raise ConfigError(f"{path}: extends = {_show(ref)}: expected the path of the config this one changes, "
                          "relative to this file")
    base = (path.parent / ref).resolve()
    here = path.resolve()
    if base in (*chain, here):
        names = " -> ".join(str(p) for p in (*chain, here, base))
        raise ConfigError(f"{path}: extends: the configs extend each other in a circle: {names}")
    if not base.exists():
        raise ConfigError(f"{path}: extends: {ref}: no such config file (looked for {base})")
    return overlay(_resolve(base, [*chain, here]), raw)


def overlay(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``changes`` laid over it: mappings merged at every depth, other values
    replaced, and a null value removing the key."""
    out = copy.deepcopy(dict(base))
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = overlay(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    """Nested settings as dotted keys: {"pools": {"x": {"places": 5}}} -> {"pools.x.places": 5}."""
    if isinstance(node, Mapping):
        out: dict[str, Any] = {}
        for key, value in node.items():
            out.update(flatten(value, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: node}


def read_yaml(path: str | Path, what: str = "config") -> dict[str, Any]:
    p = Path(path)
    if not p.exists():
        raise ConfigError(f"{p}: no such {what} file")
    if p.is_dir():
        raise ConfigError(f"{p}: is a directory, expected a YAML {what} file")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(
            f"{p}: not valid YAML{where}: {problem} (check the indentation and the colons and brackets there)"
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{p}: not a text file (expected YAML)") from None
    if data is None:
        raise ConfigError(f"{p}: the file is empty; a config is a YAML mapping of settings (see configs/baseline.yaml)")
    if not isinstance(data, dict):
        raise ConfigError(f"{p}: expected a YAML mapping of settings at the top level, found {type(data).__name__}")
    return data


def apply_overrides(raw: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``raw`` with each dotted key (``run.days``) set to its value."""
    out = copy.deepcopy(dict(raw))
    for dotted, value in overrides.items():
        node: Any = out
        parts = dotted.split(".")
        for part in parts[:-1]:
            key = _key(node, part)
            if not isinstance(node, dict) or key not in node or not isinstance(node[key], dict):
                raise ConfigError(f"{dotted}: no such setting (stopped at {part!r})")
            node = node[key]
        node[_key(node, parts[-1])] = value
    return out


def _key(node: Any, part: str) -> Any:
    """Dict keys may be ints (pathways); a dotted path always gives strings."""
    if isinstance(node, dict) and part not in node and part.isdigit() and int(part) in node:
        return int(part)
    return part


def config_from_dict(raw: Mapping[str, Any], source: str = "config") -> Config:
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, raw, source)) from None


def config_to_dict(config: Config) -> dict[str, Any]:
    """Plain data for the manifest and ``check``: what was run, defaults filled in."""
    return config.model_dump(mode="json", exclude_none=True)


def format_validation_error(exc: ValidationError, raw: Mapping[str, Any], source: str) -> str:
    lines = [f"{source}: invalid config ({exc.error_count()} problem{'s' * (exc.error_count() > 1)})"]
    for err in exc.errors(include_url=False):
        loc = _clean_location(err["loc"], raw)
        field = ".".join(str(p) for p in loc) or "(top level)"
        kind = err["type"]
        if kind == "extra_forbidden":
            step_type = _step_type(raw, loc[:-1])
            allowed = _allowed_keys(loc[:-1], step_type)
            where = f"for a {step_type} step" if step_type else ""
            others = [t for t, m in STEP_MODELS.items() if step_type and loc[-1] in m.model_fields]
            hint = f" ({loc[-1]} belongs to {' and '.join(others)} steps)" if others else ""
            lines.append(f"  {field}: unknown key{' ' + where if where else ''}{hint}; allowed here: "
                         f"{', '.join(allowed) if allowed else '(see README)'}")
            continue
        if kind == "missing":
            lines.append(f"  {field}: required setting is missing")
            continue
        if kind in ("union_tag_not_found", "union_tag_invalid"):
            given = err["input"].get("type") if isinstance(err.get("input"), dict) else None
            shown = "missing" if given is None else f"= {_show(given)}"
            lines.append(f"  {field}.type {shown}: every step needs a type, one of {', '.join(STEP_TYPES)}")
            continue
        message = err["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, "):]
        if not loc and re.match(r"^[a-z_]+[.:]", message):  # a cross-reference error names its field itself
            lines.append(f"  {message}")
            continue
        value = err.get("input")
        if kind.startswith(("value_error", "assertion_error")) and isinstance(value, dict | list):
            lines.append(f"  {field}: {message}")
        else:
            lines.append(f"  {field} = {_show(value)}: {message}")
    return "\n".join(lines)


def _clean_location(loc: tuple[Any, ...], raw: Mapping[str, Any]) -> tuple[Any, ...]:
    """Drop the step-type tag pydantic adds inside discriminated unions (steps.x.staffed.staff)."""
    parts = list(loc)
    if len(parts) >= 3 and parts[0] == "steps" and parts[2] in STEP_TYPES:
        del parts[2]
    return tuple(parts)


_SECTIONS: dict[str, type[BaseModel]] = {
    "run": RunSettings,
    "hospital": HospitalSettings,
    "report": ReportSettings,
    "emergency": EmergencySettings,
    "elective": ElectiveSettings,
}


def _step_type(raw: Mapping[str, Any], parent: tuple[Any, ...]) -> str | None:
    """The declared type of the step at ``parent`` (steps.<name>), if it is one and has a known type."""
    if len(parent) != 2 or parent[0] != "steps":
        return None
    steps = raw.get("steps") if isinstance(raw, Mapping) else None
    step = steps.get(parent[1]) if isinstance(steps, Mapping) else None
    kind = step.get("type") if isinstance(step, Mapping) else None
    return kind if kind in STEP_MODELS else None


def _allowed_keys(parent: tuple[Any, ...], step_type: str | None = None) -> list[str]:
    model: type[BaseModel] | None = Config
    if step_type is not None:
        return sorted(STEP_MODELS[step_type].model_fields)
    if not parent:
        return sorted([*Config.model_fields, EXTENDS])
    elif len(parent) == 1 and parent[0] in _SECTIONS:
        model = _SECTIONS[str(parent[0])]
    elif len(parent) == 2 and parent[0] == "groups":
        model = Group
    elif len(parent) == 2 and parent[0] == "staff":
        model = Staff
    elif len(parent) == 2 and parent[0] == "pools":
        model = Pool
    elif len(parent) == 2 and parent[0] == "steps":
        return sorted(
            set(DelayStep.model_fields) | set(SessionStep.model_fields)
            | set(StaffedStep.model_fields) | set(PlacementStep.model_fields)
        )
    elif len(parent) == 3 and parent[0] == "schedules":
        model = Window
    elif parent == ("finance",):
        model = Finance
    elif parent == ("finance", "council_budget"):
        model = CouncilBudget
    elif parent == ("finance", "pooled_budget"):
        model = PooledBudget
    elif len(parent) == 3 and parent[:2] == ("emergency", "surges"):
        model = Surge
    elif parent and parent[-1] in ("length_of_stay", "duration", "handover"):
        model = Distribution
    elif parent and parent[-1] == "sessions":
        model = SessionSettings
    else:
        model = None
    return sorted(model.model_fields) if model else []


def _show(value: Any) -> str:
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return repr(value)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
