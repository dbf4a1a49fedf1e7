"""Counterfactual switches: which steps are instant, which staff teams, pools and budgets are
unlimited, and which durations and searches are capped at a benchmark, applied to a config
without changing its random streams."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    """Counterfactual switches applied to a config without changing its random streams.

    A step made *instant* takes only its ``necessary_hours`` (round the clock) and needs no staff;
    a placement step made instant still takes its place (finding and waiting for it is the pool's
    capacity) but its handover takes only its necessary hours. A staff team or pool made
    *unlimited* never makes anyone wait, and a placement in an unlimited pool needs no search for a
    provider. ``unlimited_budget``: the council's annual budget never runs out.
    ``no_deconditioning``: nobody's needs grow while waiting (the escalation draws are still made).
    ``no_bounce_backs``: these steps' work never comes back for missing information.

    A *cap* brings a step to a benchmark instead: ``duration_caps`` (step, hours) cuts each of the
    step's draws at that many hours; ``search_caps`` (step, pool, hours) cuts the step's searches
    for a provider in that pool. Every draw is still made, so other steps keep theirs.
    """

    instant_steps: frozenset[str] = frozenset()
    unlimited_pools: frozenset[str] = frozenset()
    unlimited_staff: frozenset[str] = frozenset()
    unlimited_budget: bool = False
    duration_caps: frozenset[tuple[str, float]] = frozenset()
    search_caps: frozenset[tuple[str, str, float]] = frozenset()
    no_deconditioning: bool = False
    no_bounce_backs: frozenset[str] = frozenset()
    """Steps whose work never comes back for missing information (their draws are still made)."""

    @property
    def label(self) -> str:
        parts = [f"instant_step:{s}" for s in sorted(self.instant_steps)]
        parts += [f"unlimited_pool:{p}" for p in sorted(self.unlimited_pools)]
        parts += [f"unlimited_staff:{t}" for t in sorted(self.unlimited_staff)]
        parts += ["unlimited_budget"] if self.unlimited_budget else []
        parts += ["no_deconditioning"] if self.no_deconditioning else []
        parts += [f"no_bounce_back:{s}" for s in sorted(self.no_bounce_backs)]
        parts += [f"cap:{s}={h:.6g}h" for s, h in sorted(self.duration_caps)]
        parts += [f"search_cap:{s}/{p}={h:.6g}h" for s, p, h in sorted(self.search_caps)]
        return ",".join(parts) or "as_configured"

    def step_instant(self, name: str) -> bool:
        return name in self.instant_steps

    def pool_unlimited(self, name: str) -> bool:
        return name in self.unlimited_pools

    def staff_unlimited(self, name: str) -> bool:
        return name in self.unlimited_staff

    def bounces(self, step: str) -> bool:
        """Whether the step's work may come back for missing information, as configured."""
        return step not in self.no_bounce_backs

    def duration_cap(self, step: str) -> float | None:
        return next((h for s, h in self.duration_caps if s == step), None)

    def search_cap(self, step: str) -> dict[str, float]:
        """Per pool, the cap on this step's searches for a provider in it."""
        return {p: h for s, p, h in self.search_caps if s == step}

    def merge(self, other: Variant) -> Variant:
        """Both sets of switches at once (the tighter cap where both cap the same thing)."""
        caps: dict[str, float] = dict(self.duration_caps)
        for s, h in other.duration_caps:
            caps[s] = min(h, caps.get(s, h))
        searches: dict[tuple[str, str], float] = {(s, p): h for s, p, h in self.search_caps}
        for s, p, h in other.search_caps:
            searches[(s, p)] = min(h, searches.get((s, p), h))
        return Variant(
            instant_steps=self.instant_steps | other.instant_steps,
            unlimited_pools=self.unlimited_pools | other.unlimited_pools,
            unlimited_staff=self.unlimited_staff | other.unlimited_staff,
            unlimited_budget=self.unlimited_budget or other.unlimited_budget,
            duration_caps=frozenset(caps.items()),
            search_caps=frozenset((s, p, h) for (s, p), h in searches.items()),
            no_deconditioning=self.no_deconditioning or other.no_deconditioning,
            no_bounce_backs=self.no_bounce_backs | other.no_bounce_backs,
        )
