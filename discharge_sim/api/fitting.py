"""The fit and synth commands: a config from a trust's extract, and an extract from a simulated run.

``fit`` reads and checks the extract (:mod:`discharge_sim.data.readers`), fits a config on top of a
base (:mod:`discharge_sim.data.fitting`) and writes a folder: ``fitted.yaml``, the fit report
(``fit.md``, ``fit.json``, QQ plots in ``figures/``) and ``excluded_rows.csv`` (row numbers, column
and reason of every row left out: never a value). The folder appears whole or not at all. Nothing
leaves the machine.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from discharge_sim.api.defaults import cpus
from discharge_sim.api.errors import UsageError
from discharge_sim.api.runner import RESULTS, default_config
from discharge_sim.config import load_config
from discharge_sim.config.loading import read_config
from discharge_sim.data.daily import daily_table
from discharge_sim.data.extract import ExtractError, columns_frame, template_frame
from discharge_sim.data.fitting import ExtractFit, fit_extract
from discharge_sim.data.holdout import Holdout, hours_at, split_month, validate_held_out
from discharge_sim.data.privacy import shown_count
from discharge_sim.data.readers import SUFFIXES, ReadExtract, read_extract
from discharge_sim.data.reasons import dtoc_code_of
from discharge_sim.data.synth import DEFAULT_START, synthetic_extract
from discharge_sim.io.files import destination, replace_file
from discharge_sim.io.storage import default_out, write_folder
from discharge_sim.present.fit_report import draw_holdout, draw_qq, fit_report, fit_summary, qq_panels
from discharge_sim.present.progress import Progress, ProgressBar


@dataclass
class Fitted:
    """A fit written to a folder."""

    out: Path
    read: ReadExtract
    fit: ExtractFit
    holdout: Holdout | None = None

    @property
    def config_path(self) -> Path:
        return self.out / "fitted.yaml"


def fit(extract: str | Path, base: str | Path | None = None, out: str | Path | None = None,
        end: datetime | None = None, plots: bool = True, holdout_months: int = 0,
        replications: int | None = None, seed: int | None = None, progress: Progress = False,
        correct_waits: bool = True, workers: int | None = None) -> Fitted:
    """Fit a config to the extract at ``extract`` (CSV, Excel or Parquet) on top of ``base``
    (default: the shipped baseline), and write the folder ``out`` (default
    ``results/fit-<name>-<time>``). ``end``: when the extract was taken (default: its latest time).

    With ``holdout_months`` N, the fit uses only the months before the last N, and the fitted
    config then simulates those N months ``replications`` times (default: the base's
    run.replications) to set beside what was observed (holdout.csv, the report's section and
    figures/holdout.png), with a progress bar if ``progress``. With ``correct_waits`` (the
    default) the waits fitted are corrected by simulation for what the model adds to them itself
    (:mod:`discharge_sim.data.correction`). Simulations run on ``workers`` local processes
    (default: the number of CPUs); the results do not depend on how many. Raises
    :class:`~discharge_sim.data.extract.ExtractError` for an extract that cannot be used."""
    base_path = Path(base) if base is not None else default_config()
    base_config = load_config(base_path)
    workers = workers or cpus()
    read = read_extract(extract, end=end, reason_code=dtoc_code_of)
    whole = read.extract
    fitted_on, split = whole, None
    if holdout_months:
        if replications is not None and replications < 2:
            raise UsageError("--replications: the held-out months need at least 2, for an interval")
        split = split_month(whole, holdout_months)
        fitted_on = whole.cut_at(hours_at(whole, split))
        if len(fitted_on) == 0 or hours_at(whole, split) <= float(whole.admitted.min()) + 28 * 24:
            first = whole.date_of(float(whole.admitted.min())).date()
            raise UsageError(f"--holdout-months {holdout_months}: the extract runs from {first} to "
                             f"{whole.date_of(whole.end).date()}, which leaves under four weeks to fit on before "
                             f"{split.date()}; hold out fewer months")
    result = fit_extract(fitted_on, read_config(base_path), base_config, str(base_path), until=whole.end,
                         correct=correct_waits, workers=workers)
    holdout = None
    if split is not None:
        runs = replications or base_config.run.replications
        bar = ProgressBar(runs, 0, progress)
        try:
            holdout = validate_held_out(whole, split, result.config, runs, seed, lambda _done: bar.step(), workers)
        finally:
            bar.close()
    result.raw["name"] = f"{Path(extract).stem}-fitted"
    result.raw["description"] = (f"Fitted from the extract {Path(extract).name} on top of {base_path.name}: "
                                 "see the comments below and fit.md beside it.")
    folder = Path(out) if out is not None else default_out(RESULTS, f"fit-{Path(extract).stem}")

    def write(staging: Path) -> None:
        (staging / "fitted.yaml").write_text(result.yaml_text(read.source), encoding="utf-8")
        figures: list[str] = []
        if plots:
            (staging / "figures").mkdir()
            for name, panels in qq_panels(result).items():
                draw_qq(staging / "figures" / name, panels)
                figures.append(name)
            if holdout is not None:
                draw_holdout(staging / "figures" / "holdout.png", holdout)
                figures.append("holdout.png")
        (staging / "fit.md").write_text(fit_report(read, result, figures, holdout), encoding="utf-8")
        (staging / "fit.json").write_text(json.dumps(fit_summary(read, result, holdout), indent=2, allow_nan=False,
                                                     default=_plain), encoding="utf-8")
        if holdout is not None:
            with (staging / "holdout.csv").open("w", newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(["metric", "by", "patients", "observed", "simulated_mean", "low", "high", "missed"])
                for r in holdout.rows:
                    w.writerow([r.metric, r.by, shown_count(r.patients), f"{r.observed:.3g}" if r.shown else "",
                                repr(r.mean), repr(r.low), repr(r.high), r.missed])
        daily = daily_table(whole)
        with (staging / "daily.csv").open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(daily)
            w.writerows(zip(*daily.values(), strict=True))
        with (staging / "excluded_rows.csv").open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["row", "column", "why"])
            for p in sorted(read.problems.rows, key=lambda p: p.row):
                w.writerow([p.row, p.column, p.reason])

    write_folder(folder, write)
    return Fitted(folder, read, result, holdout)


def _plain(value: object) -> object:
    """numpy numbers as JSON numbers."""
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON: {type(value).__name__}")


def synth(config: str | Path | None = None, out: str | Path = "extract.csv", start: date = DEFAULT_START,
          seed: int | None = None, replication: int = 0, milestones: bool = True, force: bool = False) -> Path:
    """Simulate ``config`` (default: the baseline) once and write the run as an extract at ``out``
    (.csv, .xlsx or .parquet), its first day ``start``. Refuses to replace a file unless ``force``."""
    path = Path(out)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise UsageError(f"{path}: give a .csv, .xlsx or .parquet file name for the extract")
    destination(path, force)
    loaded = load_config(Path(config) if config is not None else default_config())
    frame = synthetic_extract(loaded, start, replication, seed, milestones)

    def write(tmp: Path) -> None:
        if kind == "CSV":
            frame.to_csv(tmp, index=False)
        elif kind == "Excel":
            frame.to_excel(tmp, index=False, sheet_name="extract", engine="openpyxl")
        else:
            frame.to_parquet(tmp, index=False)

    return replace_file(path, write)


def extract_template(out: str | Path, force: bool = False) -> Path:
    """An empty extract to fill in (.csv: the columns and three made-up rows to overwrite; .xlsx:
    the same on an ``extract`` sheet, and a ``columns`` sheet saying what each holds)."""
    path = Path(out)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise UsageError(f"{path}: give a .csv or .xlsx file name for the extract template")
    destination(path, force)
    rows = template_frame()

    def write(tmp: Path) -> None:
        if path.suffix.lower() == ".csv":
            rows.to_csv(tmp, index=False)
            return
        import pandas as pd

        with pd.ExcelWriter(tmp, engine="openpyxl") as book:
            rows.to_excel(book, sheet_name="extract", index=False)
            columns_frame().to_excel(book, sheet_name="columns", index=False)

    return replace_file(path, write)


__all__ = ["ExtractError", "Fitted", "extract_template", "fit", "synth"]
