"""discharge-sim: who causes delayed hospital discharge, hospital administration or social care?

Python API for notebooks. Quick runs in this process, everything kept in memory::

    import discharge_sim as ds
    config = ds.load_config("configs/baseline.yaml")
    result = ds.run(config, replications=5, seed=1)
    result.summary["delayed_bed_days"]        # mean, sd, 95% interval
    result.table("delays")                    # ledger segments as numpy columns
    result.frame("patients")                  # pandas DataFrame, if pandas is installed
    more = ds.load_config("configs/baseline.yaml", {"pools.nursing_home.places": 620})
    comparison = ds.compare([config, more], replications=5, labels=["now", "more places"])
    comparison.differences["more places"]["delayed_bed_days"]   # paired difference, 95% interval
    split = ds.attribute(config, replications=5)     # every convention in the config's attribution section
    split.sides("symmetric")["social_care"]["counterfactual_share"]   # Shapley share, 95% interval

Every command of the command line, writing a results folder, on workers or a Dask cluster, with
resume (see :mod:`discharge_sim.api`)::

    results = ds.api.run("configs/baseline.yaml", replications=5, workers=2, out="results/mine")
    ds.api.report(results.out)

The names below are imported when first used, not with the package: ``import discharge_sim`` and
``discharge-sim --version`` load neither numpy, SimPy nor pydantic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from discharge_sim.lazy import exports

if TYPE_CHECKING:
    from discharge_sim import api
    from discharge_sim.config import Config, ConfigError, load_config
    from discharge_sim.experiments.in_memory import Attribution, Comparison, ExperimentResult, attribute, compare, run
    from discharge_sim.model.replication import ReplicationResult, run_replication
    from discharge_sim.model.variant import Variant
    from discharge_sim.version import __version__

__all__ = [
    "Attribution",
    "Comparison",
    "Config",
    "ConfigError",
    "ExperimentResult",
    "ReplicationResult",
    "Variant",
    "__version__",
    "api",
    "attribute",
    "compare",
    "load_config",
    "run",
    "run_replication",
]

_HOMES = {
    "config": ("Config", "ConfigError", "load_config"),
    "experiments.in_memory": ("Attribution", "Comparison", "ExperimentResult", "attribute", "compare", "run"),
    "model.replication": ("ReplicationResult", "run_replication"),
    "model.variant": ("Variant",),
    "version": ("__version__",),
}
"""The module each public name comes from; ``api`` is the subpackage itself."""

if not TYPE_CHECKING:  # type checkers read the imports above instead, and so still catch a misspelt name
    __getattr__, __dir__ = exports(globals(), _HOMES, submodules=("api",))  # PEP 562
