"""Every command of ``discharge-sim`` as a Python function, for notebooks and scripts.

The command line is a thin face of these: it parses arguments, calls one of them and prints
what it returns. Each experiment command writes a results folder (``out``, by default
``results/<name>-<time>``), runs on ``workers`` local processes or a Dask ``scheduler``, and
resumes an interrupted run of the same experiment::

    from discharge_sim import api
    results = api.run("configs/baseline.yaml", replications=5, workers=2, out="results/mine")
    results.summary["delayed_bed_days"]          # mean, sd, 95% interval
    api.report(results.out)                      # report.html and report.md

The names below are imported when first used, so that the command line can read
:mod:`~discharge_sim.api.errors` and :mod:`~discharge_sim.api.defaults` without the simulation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from discharge_sim.lazy import exports

if TYPE_CHECKING:
    from discharge_sim.api.board_pack import Pack, pack
    from discharge_sim.api.calibration import Calibrated, calibrate
    from discharge_sim.api.checks import Checked, check
    from discharge_sim.api.defaults import VALIDATION_SEED
    from discharge_sim.api.errors import Interrupted, Terminated, UsageError
    from discharge_sim.api.fitting import Fitted, extract_template, fit, synth
    from discharge_sim.api.published import PublishedTargets, targets_from_published
    from discharge_sim.api.reports import plot, report
    from discharge_sim.api.runner import Results, default_config
    from discharge_sim.api.runs import attribute, compare, run, sweep, warmup
    from discharge_sim.api.sensitivities import Sensitivity, sensitivity
    from discharge_sim.api.templates import config_text, from_workbook, load, template, write_config
    from discharge_sim.api.uncertainties import Uncertainty, uncertainty
    from discharge_sim.api.validation import Validation, validate

__all__ = [
    "VALIDATION_SEED",
    "Calibrated",
    "Checked",
    "Fitted",
    "Interrupted",
    "Pack",
    "PublishedTargets",
    "Results",
    "Sensitivity",
    "Terminated",
    "Uncertainty",
    "UsageError",
    "Validation",
    "attribute",
    "calibrate",
    "check",
    "compare",
    "config_text",
    "default_config",
    "extract_template",
    "fit",
    "from_workbook",
    "load",
    "pack",
    "plot",
    "report",
    "run",
    "sensitivity",
    "sweep",
    "synth",
    "targets_from_published",
    "template",
    "uncertainty",
    "validate",
    "warmup",
    "write_config",
]

_HOMES = {
    "calibration": ("Calibrated", "calibrate"),
    "fitting": ("Fitted", "extract_template", "fit", "synth"),
    "board_pack": ("Pack", "pack"),
    "checks": ("Checked", "check"),
    "defaults": ("VALIDATION_SEED",),
    "errors": ("Interrupted", "Terminated", "UsageError"),
    "published": ("PublishedTargets", "targets_from_published"),
    "reports": ("plot", "report"),
    "runner": ("Results", "default_config"),
    "runs": ("attribute", "compare", "run", "sweep", "warmup"),
    "sensitivities": ("Sensitivity", "sensitivity"),
    "templates": ("config_text", "from_workbook", "load", "template", "write_config"),
    "uncertainties": ("Uncertainty", "uncertainty"),
    "validation": ("Validation", "validate"),
}
"""The module of this package each public name comes from."""

if not TYPE_CHECKING:  # type checkers read the imports above instead, and so still catch a misspelt name
    __getattr__, __dir__ = exports(globals(), _HOMES)  # PEP 562
