"""Words for numbers: the headline causes and the DToC organisations as people read them."""

from __future__ import annotations

ORGANISATION_NAMES = {"nhs": "NHS", "social_care": "Social care", "both": "Both"}

HEADLINE: tuple[tuple[str, str], ...] = (
    ("delayed_bed_days_hospital", "Hospital-internal (administration and hospital staff)"),
    ("delayed_bed_days_social_care_capacity", "Social-care capacity (places, staff)"),
    ("delayed_bed_days_social_care_process", "Social-care process (assessment, panels)"),
    ("delayed_bed_days_nhs_community", "NHS community (intermediate care, equipment)"),
    ("delayed_bed_days_patient_family", "Patient or family"),
    ("delayed_bed_days_other", "Other"),
    ("delayed_bed_days", "Total delayed bed-days"),
)
