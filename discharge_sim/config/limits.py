"""Limits of the config that the command line checks its options against as well.

They are kept apart from :mod:`~discharge_sim.config.schema`, which imports them, so that the
command line can read them without loading the schema (and pydantic).
"""

from __future__ import annotations

MOST_DAYS = 36_500
"""The longest run, and the latest day a surge may start or end (100 years)."""
MOST_REPLICATIONS = 10_000
"""The most replications of a run: the 95% interval narrows with their square root, so 10,000
are already about 30 times as precise as 10."""
SEED_LIMIT = 2**63
"""Seeds run from 0 to 2^63 - 1: the results tables store the seed as a 64-bit integer."""
MOST_TRAJECTORIES = 100
"""The most Morris paths of a sensitivity run (each runs one point more than there are settings)."""
MOST_SAMPLES = 4096
"""The most Sobol base samples of a sensitivity run."""
MOST_SAMPLE_POINTS = 5000
"""The most points of an uncertainty sample."""
