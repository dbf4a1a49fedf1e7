"""Social-care and community placements: pools of places with long stays and community demand.

A pool (home-care packages, reablement, intermediate-care beds, residential or nursing homes) is
a SimPy resource whose places are held for the person's whole stay. People arrive from the
community as well as from hospital, in one first-come-first-served queue, so a pool is as busy as
it is in life. Pools start in steady state: filled to their initial occupancy with stays already
part-way through (residual stays), so no multi-year warm-up is needed.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import numpy as np
import simpy

from .config import Pool
from .distributions import sampler
from .resources import CountingResource
from .streams import Streams


class PlacementPool:
    """Places of one kind, shared by hospital discharges and community referrals."""

    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        cfg: Pool,
        streams: Streams,
        unlimited: bool = False,
    ):
        self.env = env
        self.name = name
        self.owner = cfg.owner
        self.organisation = cfg.organisation
        self.dtoc_code = cfg.dtoc_code
        self.places = cfg.places
        self.unlimited = unlimited
        self.resource = CountingResource(env, cfg.places)
        shape = cfg.length_of_stay.shape
        self._shape = shape
        self.stay: Callable[[], float] = sampler(shape, streams.generator(f"pool.{name}.stay"))
        self._community_stay = sampler(shape, streams.generator(f"pool.{name}.community_stay"))
        self._referral_rate = cfg.community_referrals_per_day / 24.0
        self._referral_rng = streams.generator(f"pool.{name}.community_referrals")
        self.community_referrals = 0
        self.community_wait_hours = 0.0
        if not unlimited:
            self._prefill(cfg.initial_count, streams.generator(f"pool.{name}.initial"))
            if self._referral_rate > 0:
                env.process(self._community())

    # --- hospital side -------------------------------------------------------------------
    def hold_until(self, end: float) -> None:
        """Keep one taken place until clock time ``end``, then free it."""
        self.env.timeout(end - self.env.now).callbacks.append(self.resource.free)

    # --- community side ------------------------------------------------------------------
    def _prefill(self, n: int, rng: np.random.Generator) -> None:
        for remaining in self._shape.residual_block(rng, n).tolist():
            self.resource.try_take()
            self.hold_until(remaining)

    def _community(self) -> Generator[simpy.events.Event, Any, None]:
        rng = self._referral_rng
        rate = self._referral_rate
        gaps: list[float] = []
        while True:
            if not gaps:
                gaps = rng.exponential(1.0 / rate, 1024)[::-1].tolist()
            yield self.env.timeout(gaps.pop())
            self.community_referrals += 1
            if self.resource.try_take():
                self.hold_until(self.env.now + self._community_stay())
            else:
                self.resource.request().callbacks.append(self._community_granted(self.env.now))

    def _community_granted(self, asked: float) -> Callable[[Any], None]:
        def granted(_ev: Any) -> None:
            self.community_wait_hours += self.env.now - asked
            self.hold_until(self.env.now + self._community_stay())

        return granted

    def in_use(self) -> int:
        return self.resource.in_use

    def queue_length(self) -> int:
        return len(self.resource.queue)
