"""discharge-sim: who causes delayed hospital discharge, hospital administration or social care?

Python API for notebooks::

    import discharge_sim as ds
    config = ds.load_config("configs/baseline.yaml")
    result = ds.run(config, replications=5, seed=1)
    result.summary["delayed_bed_days"]        # mean, sd, 95% interval
    result.table("delays")                    # ledger segments as numpy columns
    result.frame("patients")                  # pandas DataFrame, if pandas is installed
    more = ds.load_config("configs/baseline.yaml", {"pools.nursing_home.places": 620})
    comparison = ds.compare([config, more], replications=5, labels=["now", "more places"])
    comparison.differences["more places"]["delayed_bed_days"]   # paired difference, 95% interval
    split = ds.attribute(config, replications=5)
    split.summary["shapley_social_care"]      # counterfactual split, 95% interval
"""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("discharge-sim")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

from discharge_sim.analysis.attribution import Attribution, attribute
from discharge_sim.config import Config, ConfigError, load_config
from discharge_sim.experiments.specification import Comparison, ExperimentResult, compare, run
from discharge_sim.model.discharge import Variant
from discharge_sim.model.replication import ReplicationResult, run_replication

__all__ = [
    "Attribution",
    "Comparison",
    "Config",
    "ConfigError",
    "ExperimentResult",
    "ReplicationResult",
    "Variant",
    "__version__",
    "attribute",
    "compare",
    "load_config",
    "run",
    "run_replication",
]
