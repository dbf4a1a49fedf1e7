"""Counterfactual switches: which steps are instant and which staff teams, pools and budgets are
unlimited, applied to a config without changing its random streams."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from discharge_sim.config import DelayStep, SessionStep


@dataclass(frozen=True)
class Variant:
    """Counterfactual switches applied to a config without changing its random streams.

    A step made *instant* takes no time and needs no staff; a placement step made instant still
    takes its place (finding and waiting for it is the pool's capacity) but its handover takes
    no time. A staff team or pool made *unlimited* never makes anyone wait, and a placement in an
    unlimited pool needs no search for a provider.

    ``instant_owners``: every step owned by these is instant.
    ``unlimited_owners``: every staff team and pool owned by these is unlimited, and their
    ``delay`` or ``session`` steps declared ``capacity`` (a shortage modelled as a duration, such
    as waiting for housing) are instant.
    ``instant_steps``, ``unlimited_pools``, ``unlimited_staff``: the same for single items, by name.
    ``unlimited_budget``: the council's annual budget never runs out (also when social care is
    in ``unlimited_owners``).
    """

    instant_owners: frozenset[str] = frozenset()
    unlimited_owners: frozenset[str] = frozenset()
    instant_steps: frozenset[str] = frozenset()
    unlimited_pools: frozenset[str] = frozenset()
    unlimited_staff: frozenset[str] = frozenset()
    unlimited_budget: bool = False

    @property
    def label(self) -> str:
        parts = [f"instant:{o}" for o in sorted(self.instant_owners)]
        parts += [f"unlimited:{o}" for o in sorted(self.unlimited_owners)]
        parts += [f"instant_step:{s}" for s in sorted(self.instant_steps)]
        parts += [f"unlimited_pool:{p}" for p in sorted(self.unlimited_pools)]
        parts += [f"unlimited_staff:{t}" for t in sorted(self.unlimited_staff)]
        parts += ["unlimited_budget"] if self.unlimited_budget else []
        return ",".join(parts) or "as_configured"

    def step_instant(self, name: str, step: Any) -> bool:
        return (
            step.owner in self.instant_owners
            or name in self.instant_steps
            or (step.owner in self.unlimited_owners and step.kind == "capacity"
                and isinstance(step, DelayStep | SessionStep))
        )

    def pool_unlimited(self, name: str, owner: str) -> bool:
        return owner in self.unlimited_owners or name in self.unlimited_pools

    def staff_unlimited(self, name: str, owner: str) -> bool:
        return owner in self.unlimited_owners or name in self.unlimited_staff

    @property
    def budget_unlimited(self) -> bool:
        return self.unlimited_budget or "social_care" in self.unlimited_owners
