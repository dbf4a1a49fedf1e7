"""The headline outputs a sensitivity or uncertainty run follows at each point of its design.

Each is a mean over the point's replications: the two sides' delayed bed-days as the ledger
records them under one convention (necessary hours left out, as in every recorded split), their
shares of all delayed bed-days (a ratio of totals over the replications, the one definition of a
share used everywhere), the difference between the sides (whose sign says which has the
majority), and three measures of the whole system: delayed bed-days, the share of discharges
delayed and emergency boarding hours. With each goes the half-width of its 95% interval over the
replications, so that noise can be told from the effect of the settings.

The two sides compared are the hospital and social care; under a convention that names
organisations as the DToC statistic did (the NHS, social care and both) they are the NHS as DToC
charged it and social care. Every other side's delay (NHS community, patient or family, ``both``)
and unattributed delay is in neither, and the output says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from discharge_sim.analysis.attribution import METRIC, recorded_by_side, side_label
from discharge_sim.analysis.sides import SideConvention
from discharge_sim.analysis.statistics import ratio_interval, t_interval
from discharge_sim.vocabulary import SIDES, UNATTRIBUTED

SYSTEM = ("delayed_bed_days", "delayed_discharge_share", "boarding_hours")
"""Measures of the whole system, taken as the replications' metrics are."""


def prose(label: str) -> str:
    """A table's label in a sentence: 'Social care' -> 'social care'; 'NHS ...' stays."""
    first = label.split(" ")[0]
    return label if first.isupper() else label[:1].lower() + label[1:]


@dataclass(frozen=True)
class Sides:
    """The two sides set against each other, under one convention."""

    convention: str
    first: str
    second: str = "social_care"

    @property
    def outputs(self) -> tuple[str, ...]:
        """The headline outputs' names, in the order they are reported."""
        a, b = self.first, self.second
        return (f"{a}_share", f"{b}_share", f"{a}_bed_days", f"{b}_bed_days", self.difference, *SYSTEM)

    @property
    def difference(self) -> str:
        return f"{self.first}_minus_{self.second}_bed_days"

    def labels(self, convention: SideConvention) -> dict[str, str]:
        """Every side's name as tables give it under the convention (``owner``'s social-care side
        is its capacity only, ``dtoc``'s NHS side is the NHS as DToC charged it)."""
        return {side: side_label(side, convention.base) for side in (*SIDES, UNATTRIBUTED)}

    def note(self, convention: SideConvention) -> str:
        """What the comparison leaves out under the convention, and any side no item counts against."""
        labels = {side: prose(label) for side, label in self.labels(convention).items()}
        others = [labels[s] for s in convention.players if s not in (self.first, self.second)]
        unused = [labels[s] for s in (self.first, self.second) if s not in convention.players]
        text = (f"{labels[self.first]} against {labels[self.second]}; shares are of all delayed bed-days, so "
                f"{', '.join(others) + ' and ' if others else ''}unattributed delay count in neither")
        if unused:
            text += f". No item counts against {' or '.join(unused)} under this convention: its delay is 0"
        return text


def sides_of(name: str, convention: SideConvention) -> Sides:
    """The sides to compare under ``convention``: the hospital against social care, or the NHS
    where the convention names organisations as the DToC statistic did (the NHS as DToC charged
    it: acute and community; hospital-internal process is unattributed there, and ``both`` is in
    neither side)."""
    used = set(convention.sides.values())
    nhs = "nhs" in used or ("hospital" not in used and convention.base == "dtoc")
    return Sides(name, "nhs" if nhs else "hospital")


def headline(sides: Sides, convention: SideConvention, rows: Sequence[Mapping[str, float]],
             measure: str = METRIC) -> dict[str, dict[str, float]]:
    """Per headline output, its mean over ``rows`` (one point's replications) and the half-width of
    the 95% interval (NaN with one replication)."""
    by_side = [recorded_by_side(convention, row, measure) for row in rows]
    first = [b.get(sides.first, 0.0) for b in by_side]
    second = [b.get(sides.second, 0.0) for b in by_side]
    totals = [row[measure] for row in rows]
    out = {
        f"{sides.first}_share": ratio_interval(first, totals),
        f"{sides.second}_share": ratio_interval(second, totals),
        f"{sides.first}_bed_days": t_interval(first),
        f"{sides.second}_bed_days": t_interval(second),
        sides.difference: t_interval([a - b for a, b in zip(first, second, strict=True)]),
    }
    for name in SYSTEM:
        out[name] = t_interval([row[name] for row in rows])
    return {name: {"mean": ci["mean"], "half_width": ci["half_width"]} for name, ci in out.items()}
