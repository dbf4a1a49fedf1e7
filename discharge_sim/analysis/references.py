"""Published figures a results folder can be drawn against (docs/reference-figures.md)."""

from __future__ import annotations

from typing import Any

DELAY_BAND_REFERENCES: dict[str, dict[str, Any]] = {
    "england_2024_25": {
        "label": "England 2024/25 (NHS England discharge delay data)",
        "bands": {"1": 0.329, "2_3": 0.238, "4_6": 0.170, "7_13": 0.154, "14_20": 0.053, "21_plus": 0.057},
    },
}
"""Shares of delayed discharges in each delay-length band, by name (``report.delay_bands_reference``)."""


DISCHARGE_TIMING_RANGES: dict[str, dict[str, Any]] = {
    "weekend_discharge_ratio": {
        "range": (0.45, 0.75),
        "source": "NHS England's seven-day services ambition (2015-16): weekend discharges at least 0.6 of the "
                  "weekday rate, which many trusts fell well short of",
    },
    "before_noon_discharge_share": {
        "range": (0.15, 0.20),
        "source": "before-noon discharge shares of 15-20% typical of English trusts (local audits; the SAFER "
                  "bundle aims for a third)",
    },
}
"""When discharges happen in English trusts: published ranges a config meant to be typical of one
should fall in (docs/reference-figures.md, Weekend and time-of-day discharge)."""
