"""The plot and report commands: figures and reports drawn from a results folder already written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from discharge_sim.io.storage import OutputError, disk_full

if TYPE_CHECKING:
    from discharge_sim.present.figures import Drawn


def plot(results: str | Path) -> list[Drawn]:
    """Draw every figure the folder has data for into ``results/figures`` (PNG and PDF), replacing
    any drawn before; return what was drawn, with titles and captions."""
    from discharge_sim.present.figures import draw_all  # matplotlib: imported only when figures are drawn

    folder = Path(results)
    with reading(folder):
        try:
            if (folder / "sensitivity.json").is_file() or (folder / "uncertainty.json").is_file():
                return draw_assumptions(folder)
            return draw_all(folder)
        except OSError as exc:
            if not disk_full(exc):
                raise
            raise OutputError(f"{folder / 'figures'}: {exc.strerror or 'no space left on the disk'} while drawing "
                              "the figures; the figures drawn before are unchanged. Free some space on that disk, "
                              f"then run again: discharge-sim plot {folder}") from None


def draw_assumptions(folder: Path) -> list[Drawn]:
    """The figures of a sensitivity or uncertainty folder, from its JSON document and tables."""
    from discharge_sim.io.folders import numbers, read_csv, read_json
    from discharge_sim.present.assumption_figures import draw_sensitivity, draw_uncertainty

    if (folder / "sensitivity.json").is_file():
        return draw_sensitivity(folder, read_json(folder / "sensitivity.json"))
    table = read_csv(folder / "points.csv")
    columns: dict[str, np.ndarray] = {name: numbers(values) for name, values in table.items()}
    if "kept" in columns:
        columns["kept"] = columns["kept"] > 0.5  # written as 1 and 0
    return draw_uncertainty(folder, read_json(folder / "uncertainty.json"), columns)


def report(results: str | Path) -> tuple[Path, Path]:
    """Write ``report.md`` and a self-contained ``report.html`` for the folder (drawing its figures
    first if it has none); return their paths."""
    from discharge_sim.present.report import write_report  # matplotlib (for missing figures): only when needed

    with reading(Path(results)):
        return write_report(Path(results))


@contextmanager
def reading(folder: Path) -> Iterator[None]:
    """Results files missing a key or holding the wrong shape are bad input, not an internal error."""
    try:
        yield
    except (KeyError, TypeError, IndexError) as exc:
        raise OutputError(f"{folder}: the results files are incomplete or damaged ({exc!r} missing or "
                          "wrong); rerun the experiment") from None
