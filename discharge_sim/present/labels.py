"""Words for numbers: the headline causes, the DToC organisations and the settings as people read them."""

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

MEMBERS = {"pools": "{}", "staff": "staff team {}", "steps": "{} step", "groups": "{} patients",
           "councils": "council {}", "schedules": "{} schedule"}
"""Config sections whose second part names one of their members: how a member is called."""
UNITS = (("_gbp", "GBP"), ("_days", "days"), ("_hours", "hours"))
"""A key's unit suffix and the unit in words."""


def setting_label(key: str) -> str:
    """A dotted config key in words, with its unit, for axes and legends:
    pools.nursing_home.places -> 'Nursing home: places', staff.pharmacists.count -> 'Staff team
    pharmacists: count', steps.home_support.search.mean_days -> 'Home support step: search, mean (days)'."""
    parts = key.split(".")
    if parts[0] in MEMBERS and len(parts) > 2:
        subject, rest = MEMBERS[parts[0]].format(_words(parts[1])), parts[2:]
    elif len(parts) > 1:
        subject, rest = _words(parts[0]), parts[1:]
    else:
        return _capital(_part(key))
    return f"{_capital(subject)}: {', '.join(_part(part) for part in rest)}"


def setting_value(key: str, value: object) -> str:
    """A setting and its value in words: 'Staff team pharmacists: count = 8'."""
    return f"{setting_label(key)} = {value}"


def _part(part: str) -> str:
    """One part of a key in words, a unit suffix as the unit: mean_days -> 'mean (days)'."""
    for suffix, unit in UNITS:
        if part.endswith(suffix) and part != suffix[1:]:
            return f"{_words(part.removesuffix(suffix))} ({unit})"
    return _words(part)


def _words(part: str) -> str:
    return part.replace("_", " ")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
