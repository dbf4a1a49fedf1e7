"""Small configs built in code for the attribution, readiness and DToC tests: a ward of a few beds'
worth of admissions, a few days, and only the steps, staff teams and pools a test names.

``ward(steps, pathway, ...)`` gives the raw config (a dict, as read from YAML); ``config(...)``
validates it. The step helpers give one step's settings."""

from __future__ import annotations

from typing import Any

from discharge_sim.config import Config, config_from_dict

ALWAYS = [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "start_hour": 0, "end_hour": 24}]
"""A schedule that never closes: work in it runs round the clock."""


def lognormal(mean_hours: float, sd_hours: float | None = None) -> dict[str, Any]:
    return {"distribution": "lognormal", "mean_hours": mean_hours, "sd_hours": sd_hours or mean_hours / 2}


def fixed(hours: float) -> dict[str, Any]:
    return {"distribution": "fixed", "mean_hours": hours}


def exponential(mean_hours: float) -> dict[str, Any]:
    return {"distribution": "exponential", "mean_hours": mean_hours}


def delay(owner: str, duration: dict[str, Any], kind: str = "process", code: str = "other", **more: Any) -> dict[str, Any]:
    """Work with no shared resource, round the clock unless ``schedule`` is given."""
    return {"type": "delay", "owner": owner, "kind": kind, "dtoc_code": code, "duration": duration, **more}


def staffed(owner: str, staff: str, duration: dict[str, Any], code: str = "other", **more: Any) -> dict[str, Any]:
    return {"type": "staffed", "owner": owner, "kind": "process", "dtoc_code": code, "staff": staff,
            "duration": duration, **more}


def session(owner: str, hours: list[float], code: str = "other", days: list[str] | None = None,
            **more: Any) -> dict[str, Any]:
    return {"type": "session", "owner": owner, "kind": "process", "dtoc_code": code,
            "sessions": {"days": days or ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "hours": hours}, **more}


def placement(owner: str, pools: dict[str, float], code: str, search: dict[str, Any] | None = None,
              search_probability: float = 1.0, handover: dict[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    step: dict[str, Any] = {"type": "placement", "owner": owner, "kind": "capacity", "dtoc_code": code,
                            "pools": pools, **more}
    if search is not None:
        step["search"] = search
        step["search_probability"] = search_probability
    if handover is not None:
        step["handover"] = handover
    return step


def pool(owner: str, code: str, places: int, stay_days: float = 4.0, referrals: float = 0.0,
         **more: Any) -> dict[str, Any]:
    return {"owner": owner, "dtoc_code": code, "places": places,
            "length_of_stay": {"distribution": "lognormal", "mean_days": stay_days, "sd_days": stay_days / 2},
            "community_referrals_per_day": referrals, "initial_occupancy": 0.0, **more}


def team(owner: str, count: int, schedule: str = "always") -> dict[str, Any]:
    return {"owner": owner, "count": count, "schedule": schedule}


def ward(steps: dict[str, dict[str, Any]], pathway: dict[str, list[str]], *, name: str = "toy",
         days: float = 40.0, warmup: float = 5.0, beds: int = 200, admissions: float = 8.0,
         stay: dict[str, Any] | None = None, staff: dict[str, Any] | None = None,
         pools: dict[str, Any] | None = None, hospital: dict[str, Any] | None = None,
         replications: int = 3, seed: int = 3, pathway_number: int = 1, **sections: Any) -> dict[str, Any]:
    """A ward whose patients all follow one pathway (``pathway``, as pathway 1 unless
    ``pathway_number`` says otherwise), with ample beds by default so nobody waits for one."""
    raw: dict[str, Any] = {
        "name": name,
        "run": {"days": days, "warmup_days": warmup, "replications": replications, "seed": seed},
        "hospital": {"beds": beds, **(hospital or {})},
        "emergency": {"admissions_per_day": admissions},
        "groups": {"all": {"emergency_share": 1.0,
                           "length_of_stay": stay or {"distribution": "lognormal", "mean_days": 2.0, "sd_days": 1.0},
                           "pathway_mix": {pathway_number: 1.0}}},
        "schedules": {"always": ALWAYS},
        "staff": staff or {},
        "pools": pools or {},
        "steps": steps,
        "pathways": {pathway_number: pathway},
    }
    raw.update(sections)
    return raw


def config(*args: Any, **kwargs: Any) -> Config:
    return config_from_dict(ward(*args, **kwargs))
