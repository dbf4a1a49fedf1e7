"""Named random streams: one ``numpy.random.Generator`` per source of variation.

Every replication of an experiment derives its streams from one ``SeedSequence``: the child for
replication ``r`` and source ``name`` has spawn key ``(r, crc32(name))``. That is the key
``SeedSequence(seed).spawn(...)`` would give a child, but chosen by name rather than by position,
so a scenario that adds or removes a step leaves every other stream untouched. Two scenarios run
with the same seed therefore share their random numbers wherever their structure agrees (common
random numbers).
"""

from __future__ import annotations

import zlib

import numpy as np


def stream_key(name: str) -> int:
    """A stable 32-bit key for a stream name (crc32 is the same on every platform and run)."""
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """Hands out the named streams of one replication."""

    __slots__ = ("replication", "seed")

    def __init__(self, seed: int, replication: int):
        self.seed = seed
        self.replication = replication

    def seed_sequence(self, name: str) -> np.random.SeedSequence:
        return np.random.SeedSequence(self.seed, spawn_key=(self.replication, stream_key(name)))

    def generator(self, name: str) -> np.random.Generator:
        return np.random.Generator(np.random.PCG64(self.seed_sequence(name)))
