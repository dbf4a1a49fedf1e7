"""Scenario configuration: schema, loading (YAML, ``extends``, overrides) and readable errors."""

from discharge_sim.config.schema import *  # noqa: F403
