"""Sides and conventions: which side each item of a config counts against.

An *item* is something a stretch of delay is charged to: a step (its work), a staff team or a pool
(waiting for it) and the council's budget (waiting for next year's); the ledger records the item
of every segment. A *convention* maps every item to a side (``hospital``, ``social_care``,
``nhs_community``, ``patient_family``, ``other``, or the DToC statistic's ``nhs`` and ``both``) or
to none (``unattributed``). Three are shipped, and a config can add its own:

The time after a patient's needs grew while waiting (config ``deconditioning``) is an item of its
own, with the owner, kind and DToC code the config declares for it.

* ``symmetric``: every organisation's process and capacity on its own side, the item's owner.
  The hospital's ward rounds, summaries, medicines and therapy queues are the hospital's; the
  council's assessments, panels, placements and budget are social care's; NHS community
  services, and patients' and families' own choices, are their own sides.
* ``owner``: the split this tool reported before conventions were data, kept for comparison: the
  hospital side is everything the hospital owns (process and capacity); the social-care side is
  only social-care *capacity* (staff queues, places, the budget, shortages such as housing);
  everything else (social-care process, NHS community care, patient or family) is unattributed.
  It is not even-handed, and says so wherever it is reported.
* ``dtoc``: the Delayed Transfers of Care statistic's rules: the responsible organisation (NHS,
  social care or both) of each item, by :func:`discharge_sim.vocabulary.responsible_organisation`;
  hospital-internal process (reason ``other``), which the acute statistic never counted, is
  unattributed.

Pure functions of the config only.
"""

from __future__ import annotations

from dataclasses import dataclass

from discharge_sim.config import Config, Convention, DelayStep, PlacementStep, SessionStep, StaffedStep
from discharge_sim.vocabulary import CONVENTIONS, DTOC_UNCOUNTED, SIDES, UNATTRIBUTED

MOST_PLAYERS = 6
"""The most sides one convention may set against each other: an exact Shapley split needs all
2^n combinations removed (64 runs a replication for six)."""

DESCRIPTIONS = {
    "symmetric": "each organisation's process and capacity on its own side, the side of whoever runs it",
    "owner": "the hospital's process and capacity against social care's capacity only; social-care "
             "process, NHS community care and patient or family unattributed (not even-handed; kept "
             "for comparison with earlier results)",
    "dtoc": "the DToC statistic's responsible organisation (NHS, social care, both); hospital-internal "
            "process, which the acute statistic never counted, unattributed (a historical view: DToC ran to "
            "2020, and today's discharge-ready-date figures count every delay)",
}


@dataclass(frozen=True)
class Item:
    """Something a stretch of delay is charged to, with what conventions decide by."""

    key: str
    """``step:<name>``, ``staff:<name>``, ``pool:<name>``, ``budget:council_budget``,
    ``escalation:deconditioning`` or ``bounce:<step>``."""
    what: str
    name: str
    owner: str
    kind: str
    """process or capacity (staff teams, pools and the budget are capacity; a step its declared kind,
    its work process if it uses staff or a place)."""
    organisation: str
    dtoc_code: str


def config_items(config: Config) -> list[Item]:
    """Every item of ``config``, in the ledger's order (see ``model.replication.item_names``)."""
    items = []
    for name, step in config.steps.items():
        kind = step.kind if isinstance(step, DelayStep | SessionStep) else "process"
        items.append(Item(f"step:{name}", "step", name, step.owner, kind, step.organisation, step.dtoc_code))
    for name, staff in config.staff.items():
        code, organisation = config.staff_cause(name)
        items.append(Item(f"staff:{name}", "staff", name, staff.owner, "capacity", organisation, code))
    for name, pool in config.pools.items():
        items.append(Item(f"pool:{name}", "pool", name, pool.owner, "capacity", pool.organisation, pool.dtoc_code))
    if config.has_council_budget:
        items.append(Item("budget:council_budget", "budget", "council_budget", "social_care", "capacity",
                          "social_care", "B"))
    decon = config.deconditioning
    if decon is not None:
        items.append(Item("escalation:deconditioning", "escalation", "deconditioning", decon.owner, decon.kind,
                          decon.organisation, decon.dtoc_code))
    for name, step in config.steps.items():
        b = step.bounce_back
        if b is not None:
            items.append(Item(f"bounce:{name}", "bounce", name, b.owner, b.kind, b.organisation, b.dtoc_code))
    return items


def used_items(config: Config) -> set[str]:
    """Items some pathway can reach: its steps, their staff teams and pools, and the budget if one
    of its pools is reachable."""
    used: set[str] = set()
    for graph in config.pathways.values():
        for name in graph:
            used.add(f"step:{name}")
            if config.steps[name].bounce_back is not None:
                used.add(f"bounce:{name}")
            for _, steps in config.step_sets():  # each council's residents' teams and pools
                step = steps[name]
                if isinstance(step, StaffedStep):
                    used.add(f"staff:{step.staff}")
                if isinstance(step, PlacementStep):
                    used.update(f"pool:{p}" for p in step.pools)
    budgets = [config.finance.council_budget] if config.finance is not None else []
    budgets += [c.budget for c in config.councils.values()]
    if any(b is not None and any(f"pool:{p}" in used for p in b.pools) for b in budgets):
        used.add("budget:council_budget")
    decon = config.deconditioning
    if decon is not None and any(h > 0 and p in config.pathways for p, h in decon.daily_hazard_by_pathway.items()):
        used.add("escalation:deconditioning")
    return used


def preset_side(preset: str, item: Item) -> str:
    """The side a shipped convention counts ``item`` against."""
    if preset == "symmetric":
        return item.owner
    if preset == "owner":
        if item.owner == "hospital":
            return "hospital"
        return "social_care" if item.owner == "social_care" and item.kind == "capacity" else UNATTRIBUTED
    if preset == "dtoc":
        return UNATTRIBUTED if item.dtoc_code == DTOC_UNCOUNTED else item.organisation
    raise ValueError(f"unknown convention {preset!r}; shipped: {', '.join(CONVENTIONS)}")


@dataclass(frozen=True)
class SideConvention:
    """A convention resolved for one config: the side of every item."""

    name: str
    description: str
    sides: dict[str, str]
    """Item key to side (or ``unattributed``)."""
    players: tuple[str, ...]
    """The sides that own at least one item a pathway can reach, in the order of SIDES."""
    base: str = "symmetric"
    """The shipped convention it is (or starts from): decides how its sides are named."""

    def items_of(self, side: str) -> list[str]:
        return [key for key, s in self.sides.items() if s == side]


def resolve(config: Config, name: str) -> SideConvention:
    """The convention ``name`` (shipped, or the config's own) applied to ``config``'s items."""
    custom: Convention | None = config.attribution.custom.get(name)
    if custom is None and name not in CONVENTIONS:
        known = [*CONVENTIONS, *config.attribution.custom]
        raise ValueError(f"unknown convention {name!r}; known: {', '.join(known)}")
    base = custom.base if custom is not None else name
    sides: dict[str, str] = {}
    for item in config_items(config):
        side = preset_side(base, item)
        if custom is not None:
            side = custom.owners.get(item.owner, side)
            side = custom.owners.get(f"{item.owner}.{item.kind}", side)
            overrides = {"step": custom.steps, "staff": custom.staff, "pool": custom.pools,
                         "bounce": custom.bounce_backs}.get(item.what, {})
            side = overrides.get(item.name, side)
            if item.what == "budget" and custom.council_budget is not None:
                side = custom.council_budget
            if item.what == "escalation" and custom.deconditioning is not None:
                side = custom.deconditioning
        sides[item.key] = side
    used = used_items(config)
    owning = {side for key, side in sides.items() if key in used}
    players = tuple(s for s in SIDES if s in owning)
    if len(players) > MOST_PLAYERS:
        raise ValueError(f"convention {name!r} sets {len(players)} sides against each other ({', '.join(players)}); "
                         f"at most {MOST_PLAYERS}, as an exact split runs every combination of them")
    description = (custom.description or f"{DESCRIPTIONS[base]}, with this config's own changes"
                   if custom is not None else DESCRIPTIONS[name])
    return SideConvention(name, description, sides, players, base)


def conventions(config: Config, names: list[str] | None = None) -> list[SideConvention]:
    """The conventions ``names`` (default: the config's ``attribution.conventions``), resolved."""
    return [resolve(config, name) for name in (names or config.attribution.conventions)]


def convention_notes(config: Config) -> list[str]:
    """What each reported convention counts against each side, item by item, so the sides are
    defined in the open; and what the benchmark changes."""
    used = used_items(config)
    notes = []
    for convention in conventions(config):
        groups: dict[str, list[str]] = {}
        for key, side in convention.sides.items():
            if key in used:
                groups.setdefault(side, []).append(key)
        order = [*convention.players, UNATTRIBUTED]
        parts = [f"{side}: {', '.join(groups[side])}" for side in order if side in groups]
        notes.append(f"convention {convention.name} ({convention.description}) counts " + "; ".join(parts))
    declared = sorted(name for name, step in config.steps.items()
                      if isinstance(step, StaffedStep | PlacementStep) and step.kind == "capacity")
    if declared:
        notes.append(f"steps {', '.join(declared)} declare kind capacity, which a staffed or placement step does "
                     "not use: its own work (a handover, an assessment) is process; waiting for its staff or place "
                     "is the team's or pool's capacity")
    for side, bench in config.attribution.benchmark.items():
        said = [f"{key} {str(value).lower() if isinstance(value, bool) else value}"
                for key, value in bench.model_dump().items() if value not in (None, False)]
        notes.append(f"benchmark for {side}: {', '.join(said) or 'nothing changed'}")
    return notes
