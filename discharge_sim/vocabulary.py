"""The domain's words, defined once: owners, kinds, DToC codes and organisations, payers,
pathways, day names, hour constants and delay bands.

Every layer speaks these; nothing here depends on anything else in the package.
"""

from __future__ import annotations

from typing import Literal

# --- who, what kind, which code ----------------------------------------------------------------

Owner = Literal["hospital", "nhs_community", "social_care", "patient_family", "other"]
Kind = Literal["process", "capacity"]
DtocCode = Literal["A", "B", "C", "Di", "Dii", "E", "F", "G", "H", "I", "other"]
Organisation = Literal["nhs", "social_care", "both"]
Payer = Literal["council", "nhs", "self"]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

OWNERS: tuple[str, ...] = ("hospital", "nhs_community", "social_care", "patient_family", "other")
"""Who owns a step, a staff team or a pool, and so a stretch of delay."""
KINDS: tuple[str, ...] = ("process", "capacity")
"""A stretch of delay is process (the work itself) or capacity (waiting for a resource)."""
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
"""Who answers for a delay when a step, team or pool does not say: the NHS for its own services
and for a patient waiting in an NHS bed on their own or their family's account, social care for
its services. ``dtoc_organisation`` overrides it (``both`` for a jointly owned step)."""
PAYERS: tuple[str, ...] = ("council", "nhs", "self")
DEFAULT_PAYER: dict[str, str] = {
    "hospital": "nhs", "nhs_community": "nhs", "social_care": "council",
    "patient_family": "self", "other": "self",
}
"""Who pays for a pool's places when the pool does not say: the council for social care, the NHS
for its own services, the person otherwise."""
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
