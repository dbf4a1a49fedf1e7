"""Defaults of the commands that the command line shows in its help.

They are kept apart from the modules that use them, so that the command line can build its
argument parser without loading the simulation.
"""

from __future__ import annotations

import os

VALIDATION_SEED = 20240401
"""The seed of every validation case unless another is given."""


def cpus() -> int:
    """Worker processes by default: the CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
