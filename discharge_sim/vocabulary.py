"""The domain's words, defined once: owners, kinds, DToC codes and organisations, payers,
pathways, day names, hour constants and delay bands.

Every layer speaks these; nothing here depends on anything else in the package.
"""

from __future__ import annotations

from typing import Literal

# --- who, what kind, which code ----------------------------------------------------------------

Owner = Literal["hospital", "nhs_community", "social_care", "patient_family", "other"]
Kind = Literal["process", "capacity"]
SegmentKind = Literal["process", "capacity", "necessary"]
DtocCode = Literal["A", "B", "C", "Di", "Dii", "E", "F", "G", "H", "I", "other"]
Organisation = Literal["nhs", "social_care", "both"]
Payer = Literal["council", "nhs", "self"]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

Assessor = Literal["ward_therapists", "discharge_team", "chc_checklist", "social_worker", "care_provider"]
ASSESSORS: tuple[str, ...] = ("ward_therapists", "discharge_team", "chc_checklist", "social_worker", "care_provider")
"""Who assesses a patient before they leave: the ward's therapists, the hospital's discharge team,
the NHS continuing-healthcare checklist (done by hospital staff), the council's social worker, the
care provider (its own assessment before it takes the person)."""
ASSESSOR_ORGANISATION: dict[str, str] = {
    "ward_therapists": "trust", "discharge_team": "trust", "chc_checklist": "trust",
    "social_worker": "council", "care_provider": "provider",
}
"""The organisation each assessor works for: an assessment repeats another organisation's when
an earlier one was by another of these."""
OWNERS: tuple[str, ...] = ("hospital", "nhs_community", "social_care", "patient_family", "other")
"""Who owns a step, a staff team or a pool, and so a stretch of delay."""
KINDS: tuple[str, ...] = ("process", "capacity", "necessary")
"""A stretch of delay is process (the work itself), capacity (waiting for a resource) or necessary
(the unavoidable minimum of a step's work, its ``necessary_hours``: transport takes an hour even
when perfect). Steps declare process or capacity; the ledger marks the necessary part."""
DTOC_CODES: tuple[str, ...] = ("A", "B", "C", "Di", "Dii", "E", "F", "G", "H", "I", "other")
"""Delayed Transfers of Care reasons: A completion of assessment, B public funding, C further
non-acute NHS care, Di residential home, Dii nursing home, E care package in own home, F community
equipment and adaptations, G patient or family choice, H disputes, I housing; ``other`` for
same-day hospital process the statistic never counted."""
ORGANISATIONS: tuple[str, ...] = ("nhs", "social_care", "both")
"""Responsible organisation of a delay in the DToC statistic: NHS, Social care or Both."""
DEFAULT_ORGANISATION: dict[str, str] = {
    "hospital": "nhs", "nhs_community": "nhs", "social_care": "social_care",
    "patient_family": "nhs", "other": "nhs",
}
"""Who answers for a delay when a step, team or pool does not say, by its owner: the NHS for its
own services and for a patient waiting in an NHS bed on their own or their family's account,
social care for its services. See :func:`responsible_organisation` for the whole rule."""
ORGANISATION_BY_PAYER: dict[str, str] = {"council": "social_care", "nhs": "nhs", "self": "nhs"}
"""Who answers for a wait for a place, by who pays for it: council-funded care to social care,
NHS-funded care to the NHS; a place people pay for themselves to the NHS, in whose bed they wait."""
ORGANISATION_BY_CODE: dict[str, str] = {"C": "nhs", "H": "both"}
"""Reasons the DToC guidance charges to one organisation whoever runs the step: C (further
non-acute NHS care) to the NHS, H (disputes between the organisations) to both."""


def responsible_organisation(code: str, owner: str, payer: str | None = None, declared: str | None = None) -> str:
    """The organisation the DToC statistic holds responsible for a delay (NHS England, Monthly
    Delayed Transfers of Care Situation Report: Principles, Definitions and Guidance, 2018): the
    one that provides or funds the care or assessment awaited.

    In order: what the step, team or pool declares (``dtoc_organisation``, e.g. ``both`` for a
    joint assessment); the reason's own rule (C to the NHS, H to both); for a place, who pays for
    it (council-funded to social care, NHS-funded to the NHS); otherwise who runs it (the NHS for
    hospital and community services and for patient or family choice in an NHS bed, social care
    for the council's). Reason ``other`` (hospital-internal process) is outside the statistic and
    is not counted in its totals at all (see :data:`DTOC_UNCOUNTED`).
    """
    if declared is not None:
        return declared
    if code in ORGANISATION_BY_CODE:
        return ORGANISATION_BY_CODE[code]
    if payer is not None:
        return ORGANISATION_BY_PAYER[payer]
    return DEFAULT_ORGANISATION[owner]


DTOC_UNCOUNTED = "other"
"""The reason code of hospital-internal process: the acute DToC statistic never counted these
days, so DToC totals and shares leave them out and report them beside."""
PAYERS: tuple[str, ...] = ("council", "nhs", "self")
DEFAULT_PAYER: dict[str, str] = {
    "hospital": "nhs", "nhs_community": "nhs", "social_care": "council",
    "patient_family": "self", "other": "self",
}
"""Who pays for a pool's places when the pool does not say: the council for social care, the NHS
for its own services, the person otherwise."""
# --- sides: who a stretch of delay counts against, under a convention --------------------------

SideName = Literal["hospital", "social_care", "nhs_community", "patient_family", "other", "nhs", "both"]
Side = SideName | Literal["unattributed"]
SIDES: tuple[str, ...] = ("hospital", "social_care", "nhs_community", "patient_family", "other", "nhs", "both")
"""The sides a convention can count delay against: the five owners, and the DToC statistic's
organisations ``nhs`` and ``both`` (used by the ``dtoc`` convention; ``social_care`` is shared)."""
UNATTRIBUTED = "unattributed"
"""What a convention counts against no side: never removed in a counterfactual, so it stays in
the residual (``owner`` leaves social-care process there; ``dtoc`` leaves hospital-internal process)."""
SIDE_LABELS: dict[str, str] = {
    "hospital": "Hospital-internal", "social_care": "Social care", "nhs_community": "NHS community care",
    "patient_family": "Patient or family", "other": "Other", "nhs": "NHS", "both": "NHS and social care jointly",
    UNATTRIBUTED: "Unattributed",
}
CONVENTIONS: tuple[str, ...] = ("symmetric", "owner", "dtoc")
"""The shipped conventions (see :mod:`discharge_sim.analysis.sides`)."""

PATHWAYS: tuple[int, ...] = (0, 1, 2, 3)
"""Discharge pathways: 0 home, 1 home with support, 2 short-term bed-based care, 3 care home."""

# --- time ----------------------------------------------------------------------------------------

DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Day 0 of a run is a Monday."""
HOURS_PER_DAY = 24.0
HOURS_PER_WEEK = 168.0
HOURS_PER_YEAR = 365 * HOURS_PER_DAY
"""A budget year: 365 days."""
DAYS_PER_MONTH = 365.25 / 12
"""An average month, for monthly rates such as the DToC table's days per month."""

# --- delay lengths -------------------------------------------------------------------------------

DELAY_BANDS: tuple[tuple[str, int, int], ...] = (
    ("1", 1, 1), ("2_3", 2, 3), ("4_6", 4, 6), ("7_13", 7, 13), ("14_20", 14, 20), ("21_plus", 21, 10**9),
)
"""Bands of delay length in calendar days (name, first day, last day), as NHS England publishes them."""

DETAIL_FORMATS = ("parquet", "csv")
"""How the per-patient and per-segment tables can be written; the first is the default."""


def council_metric(council: str, metric: str) -> str:
    """The metric of one home council's residents or money: ``council.<council>.<metric>``."""
    return f"council.{council}.{metric}"
