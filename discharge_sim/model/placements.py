"""Social-care and community placements: pools of places with long stays and community demand.

A pool (home-care packages, reablement, intermediate-care beds, residential or nursing homes) is
a SimPy resource whose places are held for the person's whole stay. People arrive from the
community as well as from hospital, in one first-come-first-served queue, so a pool is as busy as
it is in life. Pools start in steady state: filled to their initial occupancy with stays already
part-way through (residual stays), so no multi-year warm-up is needed.

Each place taken is either funded by the pool's payer or paid for by the person (a self-funder),
and the hours of each kind that fall in the observation window are summed, so what the places
cost comes from the simulated occupancy. A new funded place in a pool under the council's
budget needs the budget's approval first (see :mod:`discharge_sim.model.budget`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

from discharge_sim.config import Pool
from discharge_sim.model.budget import AnnualBudget
from discharge_sim.model.calendar import WorkingHours
from discharge_sim.model.distributions import Shape, pick, sampler, uniform_sampler
from discharge_sim.model.resources import CountingResource, ReleaseSchedule
from discharge_sim.model.streams import Streams
from discharge_sim.vocabulary import HOURS_PER_DAY, HOURS_PER_WEEK, HOURS_PER_YEAR


@dataclass(frozen=True)
class PoolCouncils:
    """A pool's councils, by position in the config's ``councils``: the budget approving each one's
    residents' new funded places here (None: none), each one's funded share, and the cumulative
    shares by which community referrals and first residents are theirs."""

    budgets: list[AnnualBudget | None]
    funded_shares: list[float]
    cumulative: list[float]


def payer(council: int, share: float) -> float:
    """Who pays a funded place, and how much of its fee, as one number: the share (True or 1: the
    whole fee), plus the council's position when it is not the first (so with one council it is
    the share alone). :meth:`PlacementPool._count` reads it back."""
    return council + share if council else share


class PlacementPool:
    """Places of one kind, shared by hospital discharges and community referrals."""

    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        cfg: Pool,
        streams: Streams,
        unlimited: bool = False,
        window: tuple[float, float] = (0.0, float("inf")),
        budget: AnnualBudget | None = None,
        admission_hours: WorkingHours | None = None,
        councils: PoolCouncils | None = None,
    ):
        self.env = env
        self.name = name
        self.owner = cfg.owner
        self.organisation = cfg.organisation
        self.dtoc_code = cfg.dtoc_code
        self.places = cfg.places
        self.unlimited = unlimited
        self.market = cfg.market
        """How searches for a provider here respond to the pool's state (None: they do not)."""
        self._market_static = 1.0
        if cfg.market is not None:
            mk = cfg.market
            if mk.market_rate_gbp is not None and mk.fee_elasticity > 0:
                self._market_static *= (cfg.weekly_cost_gbp / mk.market_rate_gbp) ** -mk.fee_elasticity \
                    if cfg.weekly_cost_gbp > 0 else mk.most_factor
            self._market_static *= ((1 - mk.reference_vacancy_rate) / (1 - mk.vacancy_rate)) ** mk.vacancy_elasticity
        self.hospital_priority = cfg.hospital_priority
        self.displaced = 0
        """Residents of providers that left, who had to wait for another place (in the window)."""
        self.replacement_wait_hours = 0.0
        """Their hours waiting for it (for exits in the window; see :meth:`replacement_wait_until`)."""
        self._waiting_since: dict[int, float] = {}
        """Displaced residents not yet re-placed: when each began to wait, by a number of their own."""
        self._displacements = 0
        self.admission_hours = admission_hours
        """When providers take a patient from hospital (None: at any hour)."""
        self.resource = CountingResource(env, cfg.places)
        self.releases = ReleaseSchedule(env, self.resource)
        """Places due back, by clock time."""
        shape = Shape.of(cfg.length_of_stay)
        self._shape = shape
        self.stay: Callable[[], float] = sampler(shape, streams.generator(f"pool.{name}.stay"))
        self._community_stay = sampler(shape, streams.generator(f"pool.{name}.community_stay"))
        self._referral_rate = cfg.community_referrals_per_day / HOURS_PER_DAY
        self._referral_rng = streams.generator(f"pool.{name}.community_referrals")
        self.community_referrals = 0
        self.community_wait_hours = 0.0
        self.funded_share = cfg.funded_share
        self.budget = budget
        self._councils = councils
        """With several councils: whose budget approves a council's residents' places, their funded
        shares, and whose the pool's community referrals are (None: one council)."""
        self.council_hours: list[float] = [0.0] * len(councils.budgets) if councils is not None else []
        """Per council, the payer-funded hours of its residents' places in the window (at the share
        of the fee the payer pays); empty with one council."""
        self.commitment = cfg.weekly_cost_gbp * min(shape.mean, HOURS_PER_YEAR) / HOURS_PER_WEEK
        """What approving a new funded place commits: its expected cost over the next year."""
        self._window = window
        self.funded_hours = 0.0
        """Hours of funded places in the observation window (what the payer pays for)."""
        self.self_funded_hours = 0.0
        self.refused = 0
        """Funding requests the budget turned down under tighter eligibility, in the window."""
        if not unlimited:
            self._community_funded = uniform_sampler(streams.generator(f"pool.{name}.community_funded"))
            if councils is not None:
                self._community_council = uniform_sampler(streams.generator(f"pool.{name}.community_council"))
                self._initial_council = uniform_sampler(streams.generator(f"pool.{name}.initial_council"))
            self._prefill(cfg.initial_count, streams.generator(f"pool.{name}.initial"),
                          streams.generator(f"pool.{name}.initial_funded"))
            if self._referral_rate > 0:
                env.process(self._community())
            if cfg.exits:
                exit_rng = streams.generator(f"pool.{name}.exits")
                for e in sorted(cfg.exits, key=lambda e: e.day):
                    t = e.day * HOURS_PER_DAY
                    if t <= 0.0:  # before anything happens (and before the first midnight's count)
                        self._provider_exit(e.places, exit_rng)
                    elif t < window[1]:
                        env.timeout(t).callbacks.append(self._exit_at(e.places, exit_rng))

    # --- hospital side -------------------------------------------------------------------
    def taken(self, start: float, funded: float) -> None:
        """A place was taken at ``start``: count it as held to the end of the window for now, so
        a place still held by a patient in hospital at the horizon is paid for."""
        lo, hi = self._window
        self._count(max(0.0, hi - max(start, lo)), funded)

    def release_at(self, end: float, funded: float, resident_from: float | None = None) -> None:
        """The place taken earlier is freed at clock time ``end``: uncount what falls after it. Its
        holder lives in it from ``resident_from`` (default now; infinite: never, as for a place
        given back unused); only residents can be displaced when a provider leaves."""
        lo, hi = self._window
        self._count(-max(0.0, hi - max(end, lo)), funded)
        now = self.env.now
        self.releases.after(end - now, funded, now if resident_from is None else resident_from)

    def hold_until(self, end: float, funded: float = True) -> None:
        """Keep a place taken now until clock time ``end``, then free it."""
        self.taken(self.env.now, funded)
        self.release_at(end, funded)

    def _count(self, hours: float, funded: float) -> None:
        """Count ``hours`` of a place: the payer pays ``funded`` of its fee (1 or True: all of it; less
        for a place approved while the council rations), or the person all of it (0 or False). With
        several councils, ``funded`` is the resident's council plus that share (see :func:`payer`)."""
        if hours:
            if funded:
                if self.council_hours:
                    council = math.ceil(funded) - 1
                    paid = hours * (funded - council)
                    self.funded_hours += paid
                    self.council_hours[council] += paid
                else:
                    self.funded_hours += hours * funded
            else:
                self.self_funded_hours += hours

    def budget_for(self, council: int) -> AnnualBudget | None:
        """The budget that approves ``council``'s residents' new funded places here (None: none does)."""
        return self._councils.budgets[council] if self._councils is not None else self.budget

    def refuse(self) -> None:
        """Count a funding request turned down because the year's budget is spent."""
        lo, hi = self._window
        if lo <= self.env.now < hi:
            self.refused += 1

    # --- community side ------------------------------------------------------------------
    def _prefill(self, n: int, rng: np.random.Generator, funded_rng: np.random.Generator) -> None:
        councils = self._councils
        if councils is None:
            funded = (funded_rng.random(n) < self.funded_share).tolist()
        else:  # each first resident's council, then whether it funds them at its own share
            u = funded_rng.random(n).tolist()
            funded = []
            for k in range(n):
                council = pick(councils.cumulative, self._initial_council())
                funded.append(payer(council, True) if u[k] < councils.funded_shares[council] else False)
        for remaining, paid in zip(self._shape.residual_block(rng, n).tolist(), funded, strict=True):
            self.resource.try_take()
            self.hold_until(remaining, funded=paid)

    def _community(self) -> Generator[simpy.events.Event, Any, None]:
        rng = self._referral_rng
        rate = self._referral_rate
        gaps: list[float] = []
        while True:
            if not gaps:
                gaps = rng.exponential(1.0 / rate, 1024)[::-1].tolist()
            yield self.env.timeout(gaps.pop())
            self.community_referrals += 1
            councils = self._councils
            council = pick(councils.cumulative, self._community_council()) if councils is not None else 0
            funded: float = self._community_funded() <= (
                self.funded_share if councils is None else councils.funded_shares[council])
            budget = self.budget_for(council)
            share = budget.offer() if funded and budget is not None else 1.0
            if funded and budget is not None and not budget.approve(self.commitment * share):
                if budget.waits:  # waits at home for next year's budget, then for a place
                    budget.wait(self.commitment, self._community_place(self.env.now, payer(council, True)))
                    continue
                funded = False  # tighter eligibility: the person pays
                self.refuse()
            elif share != 1.0:  # approved while the council rations
                funded = share
            self._community_place(self.env.now, payer(council, funded) if funded else funded)()

    def _community_place(self, asked: float, funded: float) -> Callable[[], None]:
        """Take a place for a community referral now, or queue for one."""
        def take() -> None:
            if self.resource.try_take():
                self._community_stays(asked, funded)
            else:
                request = self.resource.request()
                request.callbacks.append(lambda _ev: self._community_stays(asked, funded))
                if self.hospital_priority:
                    request.community = True  # type: ignore[attr-defined]

        return take

    def _community_stays(self, asked: float, funded: float) -> None:
        self.community_wait_hours += self.env.now - asked
        self.hold_until(self.env.now + self._community_stay(), funded=funded)

    def _exit_at(self, places: int, rng: np.random.Generator) -> Callable[[Any], None]:
        return lambda _event: self._provider_exit(places, rng)

    def _provider_exit(self, places: int, rng: np.random.Generator) -> None:
        """A provider leaves now with ``places`` places: the pool keeps its other places, and the
        residents who no longer fit (chosen at random among those whose stays are scheduled) leave
        their places and wait, first in the queue, to be re-placed for the rest of their stay."""
        resource = self.resource
        capacity = int(resource.capacity) - places
        resource.set_capacity(capacity)
        now = self.env.now
        lo, hi = self._window
        moved = self.releases.withdraw(rng, resource.count - capacity)
        for due, funded in moved:
            self._count(-max(0.0, min(due, hi) - max(now, lo)), funded)  # no longer held to ``due``
            resource.free()  # the count is above the new capacity: nobody queueing is granted it
        for due, funded in reversed(moved):  # each to the front of the queue: the first moved ends first
            self._displacements += 1
            self._waiting_since[self._displacements] = now
            request = resource.request()
            request.callbacks.append(self._replaced(self._displacements, due - now, funded))
            resource.put_queue.remove(request)
            resource.put_queue.insert(0, request)
        if lo <= now < hi:
            self.displaced += len(moved)

    def _replaced(self, number: int, remaining: float, funded: float) -> Callable[[Any], None]:
        """A displaced resident is given a place: they stay there for the time their stay still had
        to run when their provider left."""
        def take(_event: Any) -> None:
            since = self._waiting_since.pop(number)
            lo, hi = self._window
            if lo <= since < hi:
                self.replacement_wait_hours += self.env.now - since
            self.hold_until(self.env.now + remaining, funded=funded)

        return take

    def replacement_wait_until(self, horizon: float) -> float:
        """Hours displaced residents waited to be re-placed, for exits in the window, counting
        those still waiting up to ``horizon``."""
        lo, hi = self._window
        return self.replacement_wait_hours + sum(horizon - since for since in self._waiting_since.values()
                                                 if lo <= since < hi)

    def market_factor(self, fee_factor: float = 1.0) -> float:
        """How many times its configured length a search started now takes (and the power its
        chance of being needed is raised to); see :class:`~discharge_sim.config.schema.Market`.
        ``fee_factor``: the share of the pool's fee offered (below 1 under a fee freeze)."""
        mk = self.market
        assert mk is not None
        occupancy = min(self.resource.count / self.resource.capacity, 0.999) if self.resource.capacity else 0.999
        m = self._market_static * ((1 - mk.reference_occupancy) / (1 - occupancy)) ** mk.occupancy_elasticity
        if fee_factor != 1.0 and mk.market_rate_gbp is not None:  # a lower fee, against the same market rate
            m *= fee_factor ** -mk.fee_elasticity
        return min(max(m, 1.0 / mk.most_factor), mk.most_factor)

    def before_community(self, request: Any) -> None:
        """Move a hospital patient's queued ``request`` ahead of every community referral's."""
        queue = self.resource.put_queue
        for k, queued in enumerate(queue):
            if getattr(queued, "community", False):
                queue.remove(request)
                queue.insert(k, request)
                return

    def in_use(self) -> int:
        return self.resource.count

    def queue_length(self) -> int:
        return len(self.resource.queue)
