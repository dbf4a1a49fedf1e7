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
