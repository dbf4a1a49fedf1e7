"""The council's annual budget for new funded placements.

A new funded place commits its expected cost over the next twelve months when it is approved.
When a request does not fit in what is left, the year's budget is *spent*. What happens then is the
config's choice (``when_spent``):

- ``overspend``: the council keeps funding eligible people; commitments past the budget are the
  year's overspend, and the budget's rationing responses apply until the next financial year;
- ``wait``: no more funding is approved until the next financial year starts (1 April), when the new
  year's budget first funds the people who waited, in the order they asked (the budget never goes
  below zero);
- ``tighten``: the request is refused, and the person pays.

A run that starts part-way through a financial year gets that year's budget pro rata.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

import simpy

from discharge_sim.config import CouncilBudget
from discharge_sim.vocabulary import HOURS_PER_DAY, HOURS_PER_YEAR


class AnnualBudget:
    """What is left of this financial year's budget, and who is waiting for the next one."""

    def __init__(self, env: simpy.Environment, cfg: CouncilBudget, year_starts_day: float):
        self.env = env
        self.annual = cfg.annual_gbp
        self.pools = frozenset(cfg.pools)
        """The pools whose new funded places it approves."""
        self.waits = cfg.when_spent == "wait"
        self.overspends = cfg.when_spent == "overspend"
        self.rationing = cfg.rationing
        first = (year_starts_day * HOURS_PER_DAY) % HOURS_PER_YEAR or HOURS_PER_YEAR
        self.year_end = first
        self.remaining = self.annual * first / HOURS_PER_YEAR
        self.spent = False
        self._waiting: deque[tuple[float, Callable[[], None]]] = deque()
        self.approvals: list[tuple[float, float, float]] = []
        """(time, amount committed, budget left after it), one per funded placement."""
        self.spells: list[tuple[float, float]] = []
        """(time the year's budget was spent, start of the next year): no approvals in between."""
        env.timeout(first).callbacks.append(self._new_year)

    def approve(self, cost: float) -> bool:
        """Commit ``cost`` now if the year's budget has room for it; otherwise the budget is spent
        (and, if the council overspends, committed all the same: it goes below zero)."""
        if self.overspends:
            if not self.spent and cost > self.remaining:
                self.spent = True
                self.spells.append((self.env.now, self.year_end))
            self.remaining -= cost
            self.approvals.append((self.env.now, cost, self.remaining))
            return True
        if self.spent or cost > self.remaining:
            if not self.spent:
                self.spent = True
                self.spells.append((self.env.now, self.year_end))
            return False
        self.remaining -= cost
        self.approvals.append((self.env.now, cost, self.remaining))
        return True

    def offer(self) -> float:
        """The share of a new place's fee the council pays if it approves it now: 1, or while it
        rations (overcommitted, with ``rationing``), the smaller package at the frozen fee."""
        r = self.rationing
        if r is None or not self.spent:
            return 1.0
        return r.package_factor * r.fee_factor

    def fee_factor(self) -> float:
        """The share of the pool's fee the council offers for a place now (below 1 while a fee freeze rations)."""
        r = self.rationing
        return r.fee_factor if r is not None and self.spent else 1.0

    def release(self) -> None:
        """Forget who is still waiting for next year's budget (the end of a run)."""
        self._waiting.clear()

    def wait(self, cost: float, funded: Callable[[], None]) -> None:
        """Queue for next year's budget; ``funded()`` is called when the place is approved."""
        self._waiting.append((cost, funded))

    def withdraw(self, funded: Callable[[], None]) -> None:
        """Take a request off the queue for next year's budget (the person died waiting)."""
        for k, (_cost, waiting) in enumerate(self._waiting):
            if waiting is funded:
                del self._waiting[k]
                return

    def _new_year(self, _event: Any = None) -> None:
        self.remaining = self.annual
        self.spent = False
        self.year_end = self.env.now + HOURS_PER_YEAR
        self.env.timeout(HOURS_PER_YEAR).callbacks.append(self._new_year)
        waiting = self._waiting
        while waiting:
            cost, funded = waiting[0]
            if not self.approve(cost):
                break
            waiting.popleft()
            funded()

    @property
    def queue_length(self) -> int:
        return len(self._waiting)
