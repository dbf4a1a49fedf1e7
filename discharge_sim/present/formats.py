"""How the reports and the board pack print numbers: counts, shares, differences in percentage
points, and money in thousands and millions."""

from __future__ import annotations

import math
from collections.abc import Callable


def count(value: float) -> str:
    if not math.isfinite(value):
        return "-"
    text = f"{value:,.0f}"
    return "0" if text == "-0" else text  # no "-0" from rounding a small negative


def share(value: float) -> str:
    return "-" if not math.isfinite(value) else f"{value:.1%}"


def decimal(value: float) -> str:
    return "-" if not math.isfinite(value) else f"{value:,.2f}"


def points(value: float) -> str:
    """A difference of two shares, in percentage points."""
    return "-" if not math.isfinite(value) else f"{value * 100:+.1f} pp"


def money(value: float) -> str:
    """Pounds to three significant figures in thousands, millions or billions, as board papers
    give them: £950, £12.3k, £1.24m, -£310k."""
    if not math.isfinite(value):
        return "-"
    size = abs(value)
    for unit, scale in (("bn", 1e9), ("m", 1e6), ("k", 1e3), ("", 1.0)):
        if size >= scale * 0.9995 or scale == 1.0:
            scaled = size / scale
            if unit == "" or round(scaled, _decimals(scaled)) < 1000:
                break
    text = f"{scaled:,.{_decimals(scaled) if unit else 0}f}"
    sign = "-" if value < 0 and text.strip("0.,") else ""
    return f"{sign}£{text}{unit}"


def _decimals(scaled: float) -> int:
    """Decimals that give three significant figures (none past the units)."""
    return 0 if scaled >= 99.95 else 1 if scaled >= 9.995 else 2


def signed(value: float) -> str:
    """A difference in bed-days, with its sign: +12, -3, 0."""
    if not math.isfinite(value):
        return "-"
    text = f"{value:+,.0f}"
    return "0" if text in ("+0", "-0") else text


FORMATS: dict[str, Callable[[float], str]] = {"count": count, "share": share, "decimal": decimal, "points": points,
                                              "money": money, "signed": signed}
