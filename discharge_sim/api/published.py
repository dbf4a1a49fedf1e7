"""The targets command: NHS England's published discharge tables for one trust (or one council's
residents) into a targets file for ``calibrate``, written atomically with comments saying where
every number comes from.

The reading and the arithmetic are in :mod:`discharge_sim.data.published`; this module chooses
the rows, formats the YAML and writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from discharge_sim.api.errors import UsageError
from discharge_sim.data.published import TOLERANCE_RULE, Selection, Targets, published_targets
from discharge_sim.io.files import write_text_atomically
from discharge_sim.version import __version__


@dataclass
class PublishedTargets:
    """A targets file written from published tables: where it is, and what it holds."""

    out: Path
    targets: Targets

    @property
    def values(self) -> dict[str, tuple[float, float]]:
        """metric -> (value, tolerance), as written."""
        return self.targets.values


def targets_from_published(files: Sequence[str | Path], *, trust: str | None = None, council: str | None = None,
                           months: tuple[str | None, str | None] = (None, None), out: str | Path,
                           force: bool = False, reason_shares: bool = False,
                           as_council: str | None = None) -> PublishedTargets:
    """Read a trust's rows (ODS code ``trust``) and/or a council's (``council``, its code or name)
    of NHS England's Discharge Ready Date and acute discharge sitrep files, over ``months``
    (first, last as 'YYYY-MM'; None for the file's first or last), and write a targets file at
    ``out`` for ``calibrate``. ``reason_shares`` also writes dtoc_share_<code> from the sitrep's
    reasons for delay; ``as_council`` names every target as that home council's metric of the
    model. Refuses to replace an existing file unless ``force``."""
    path = Path(out)
    if path.exists() and not force:
        raise UsageError(f"{path} exists; choose another --out or give --force to replace it")
    if path.exists() and path.is_dir():
        raise UsageError(f"{path} is a folder; --out names the targets file to write")
    if not path.parent.is_dir():
        raise UsageError(f"{path.parent}: no such folder for the targets file")
    chosen = Selection(trust=trust, council=council, first=months[0], last=months[1])
    targets = published_targets([Path(f) for f in files], chosen, reason_shares, as_council)
    if not targets.values:
        raise UsageError("no target could be built from the rows chosen:\n  " + "\n  ".join(targets.left_out))
    write_text_atomically(path, targets_text(targets, chosen))
    return PublishedTargets(path, targets)


def targets_text(targets: Targets, chosen: Selection) -> str:
    """The targets file: comments on the sources, months, tolerance rule and what was left out,
    then ``description`` and ``targets`` as calibrate reads them."""
    months = targets.months
    lines = [f"# Targets for `discharge-sim calibrate`, written by discharge-sim {__version__} `targets` from NHS "
             "England's published tables,", f"# for {chosen.describe()}."]
    lines += ["# Files and the rows read (row numbers as in the file, the header row counted):"]
    lines += [f"#   {s}" for s in targets.sources]
    lines += [f"# Months: {months[0]} to {months[-1]} ({len(months)} month(s) with rows: {', '.join(months)}).",
              "# Each measure sums the months' counts, then divides (a month weighs by its discharges or days).",
              f"# Tolerance rule: {TOLERANCE_RULE}.",
              "# Suppression: a cell marked suppressed or missing, or a count from 1 to 4, leaves out every measure "
              "built from it."]
    for title, items in (("Left out (a cell suppressed or missing, or no way to build the measure)", targets.left_out),
                         ("Published but not used (no metric of the model measures it)", targets.not_used),
                         ("Notes", targets.notes)):
        if items:
            lines.append(f"# {title}:")
            lines += [f"#   - {item}" for item in dict.fromkeys(items)]
    first, last = months[0], months[-1]
    lines.append(f"description: NHS England published discharge delays, {chosen.describe()}, {first} to {last}")
    lines.append("targets:")
    for metric, (value, tol) in targets.values.items():
        lines.append(f"  {metric}: {{value: {_number(value)}, tolerance: {_number(tol)}}}")
    return "\n".join(lines) + "\n"


def _number(x: float) -> str:
    """Six significant figures: more than the publications carry, fewer than float noise."""
    return f"{float(f'{x:.6g}')!r}"
