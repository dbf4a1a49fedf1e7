"""The validate command: the engine against queueing theory, each case's replications spread over
local worker processes, and a results folder with the table, the document and the figure."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from discharge_sim.api.defaults import VALIDATION_SEED, cpus
from discharge_sim.api.runner import RESULTS, Say, as_config, silent
from discharge_sim.config import Config, config_to_dict
from discharge_sim.experiments.execution import ProcessPool
from discharge_sim.experiments.validation import Case, cases, csv_columns, judge, shared_runs, simulate_cases
from discharge_sim.io.formats import write_json, write_table, write_text_atomic
from discharge_sim.io.manifests import now, software, tool
from discharge_sim.io.storage import OutputError, default_out, write_folder
from discharge_sim.present.progress import Progress, ProgressBar
from discharge_sim.present.validation import markdown
from discharge_sim.version import __version__


@dataclass
class Validation:
    """Every case's expected and simulated value, its interval and whether it passed."""

    out: Path
    rows: list[dict[str, Any]]

    @property
    def failed(self) -> list[str]:
        return [row["case"] for row in self.rows if not row["passed"]]


def validate(config: Config | str | Path | None = None, *, seed: int = VALIDATION_SEED, quick: bool = False,
             out: str | Path | None = None, workers: int | None = None, plots: bool = True, say: Say = silent,
             progress: Progress = False, command: Sequence[str] = ("discharge_sim.api.validate",)) -> Validation:
    """Run the analytic cases (Erlang B and C, M/M/c care places, the tandem with blocking, and
    Little's law for delayed patients in ``config``) and judge each; ``quick`` runs shorter."""
    little, _ = as_config(config, {})
    chosen = cases(little, quick=quick)
    folder = Path(out) if out is not None else default_out(RESULTS, "validation")
    if folder.exists():
        raise OutputError(f"{folder}: already exists; choose another --out (results are never overwritten)")
    workers = workers or cpus()
    groups = shared_runs(chosen)
    tasks = [(g, r) for g, group in enumerate(groups) for r in range(chosen[group[0]].replications)]
    say(f"discharge-sim {__version__}: validate, {len(chosen)} case(s), {len(tasks)} replication(s), seed "
        f"{seed}, on {workers} worker(s)")
    started = now()
    clock = time.perf_counter()
    values = _simulate(chosen, groups, tasks, seed, workers, ProgressBar(len(tasks), 0, progress))
    n_interval = sum(1 for case in chosen if case.rule == "interval")
    rows = [judge(case, v, n_interval) for case, v in zip(chosen, values, strict=True)]
    manifest = {**tool(command), "kind": "validate", "seed": seed, "quick": quick,
                "little_config": config_to_dict(little), "started": started, "finished": now(),
                "wall_seconds": round(time.perf_counter() - clock, 3), "execution": {"workers": workers},
                **software()}

    def write(staging: Path) -> None:
        write_table(staging / "validation.csv", csv_columns(rows))
        write_json(staging / "validation.json", {"seed": seed, "cases": rows})
        write_text_atomic(staging / "validation.md", markdown(rows, seed, __version__, quick))
        write_json(staging / "manifest.json", manifest)
        if plots:
            from discharge_sim.present.charts import save_figure, validation_figure  # matplotlib: only when drawn

            save_figure(validation_figure(rows, "Simulated against known values"), staging / "figures", "validation")

    write_folder(folder, write)
    return Validation(folder, rows)


def _simulate(chosen: list[Case], groups: list[list[int]], tasks: list[tuple[int, int]], seed: int, workers: int,
              bar: ProgressBar) -> list[list[float]]:
    """Every case's value in every replication; one run serves every case of a group."""
    values: list[list[float]] = [[math.nan] * case.replications for case in chosen]

    def keep(g: int, r: int, measured: list[float]) -> None:
        for i, value in zip(groups[g], measured, strict=True):
            values[i][r] = value
        bar.step()

    def arguments(g: int, r: int) -> tuple[list[Case], int, int, int]:
        """simulate_cases' arguments for replication r of group g (its streams are its first case's)."""
        return [chosen[i] for i in groups[g]], groups[g][0], r, seed

    if workers > 1:
        runner = ProcessPool(workers)
        try:
            futures = {runner.call(simulate_cases, *arguments(g, r)): (g, r) for g, r in tasks}
            pending = set(futures)
            while pending:
                for future in runner.wait(pending):
                    pending.discard(future)
                    keep(*futures[future], future.result())
        except BaseException:  # Ctrl-C: stop the cases under way and drop the queued ones
            runner.cancel()
            raise
        finally:
            runner.close()
    else:
        for g, r in tasks:
            keep(g, r, simulate_cases(*arguments(g, r)))
    bar.close()
    return values
