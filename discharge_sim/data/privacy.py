"""Disclosure control for anything derived from a real extract.

NHS statistical disclosure control suppresses small counts: a count from 1 to 4 is shown as
``<5``, and, so that a suppressed count cannot be worked out from a total and the counts beside
it, every other count is rounded to the nearest 5. Nothing patient-level (a row, an identifier, a
single patient's date or length of stay) is written anywhere: only these counts and fitted
parameters.
"""

from __future__ import annotations

SMALLEST_SHOWN = 5
"""Counts below this (and above zero) are suppressed."""


def shown_count(n: int | float) -> str:
    """A count as it may be written: ``0``, ``<5``, or rounded to the nearest 5."""
    n = round(n)
    if n == 0:
        return "0"
    if n < SMALLEST_SHOWN:
        return f"<{SMALLEST_SHOWN}"
    return f"{int(SMALLEST_SHOWN * round(n / SMALLEST_SHOWN)):,}"


def enough(n: int | float) -> bool:
    """Whether a figure built from ``n`` patients may be shown (a mean, a share, a quantile)."""
    return n >= SMALLEST_SHOWN
