"""Bad configs exit 2 with a message naming the field, the value and the rule, never a traceback,
and nothing is written. (Any randomly broken config: tests/property/test_random_configs.py.)"""

from __future__ import annotations

import math

import pytest
import yaml

from discharge_sim.config import apply_overrides, read_yaml
from tests.helpers import BASELINE, status


def _edit(**changes) -> dict:
    return apply_overrides(read_yaml(BASELINE), dict(changes))


def _without(dotted: str) -> dict:
    raw = read_yaml(BASELINE)
    *parents, last = dotted.split(".")
    node = raw
    for p in parents:
        node = node[int(p) if p.isdigit() else p]
    del node[last]
    return raw


def _tiny(**emergency) -> dict:
    return {"name": "x", "run": {"days": 10}, "hospital": {"beds": 5}, "emergency": emergency,
            "groups": {"g": {"emergency_share": 1.0, "length_of_stay": {"distribution": "fixed", "mean_days": 1},
                             "pathway_mix": {0: 1.0}}}, "pathways": {0: {}}}


BAD = {
    "not YAML": ("name: [unclosed\n  - x: 1", ["not valid YAML", "line"]),
    "top level not a mapping": ("- just\n- a list\n", ["expected a YAML mapping"]),
    "missing key": (_without("hospital.beds"), ["hospital.beds", "missing"]),
    "unknown key": (_edit(**{"hospital.bedz": 3}), ["hospital.bedz", "unknown key", "beds"]),
    "wrong type": (_edit(**{"hospital.beds": "many"}), ["hospital.beds", "'many'", "integer"]),
    "negative capacity": (_edit(**{"pools.nursing_home.places": -5}), ["pools.nursing_home.places", "-5", "greater than 0"]),
    "pathway shares": (_edit(**{"groups.older_medical.pathway_mix.0": 0.5}), ["groups.older_medical.pathway_mix", "sum to 1"]),
    "group shares": (_edit(**{"groups.surgical.emergency_share": 0.5}), ["emergency_share", "sum to 1", "1.32"]),
    "unknown step": (_edit(**{"pathways.0.teleport": []}), ["pathways.0.teleport", "unknown step 'teleport'", "discharge_summary"]),
    "cyclic graph": (_edit(**{"pathways.0.discharge_summary": ["transport"]}),
                     ["pathways.0", "cycle", "discharge_summary -> transport"]),
    "warm-up too long": (_edit(**{"run.warmup_days": 500}), ["warmup_days", "500", "shorter than days"]),
    "unknown staff": (_edit(**{"steps.medicines.staff": "robots"}), ["steps.medicines.staff", "robots", "pharmacists"]),
    "sd missing": (_edit(**{"groups.surgical.length_of_stay": {"distribution": "lognormal", "mean_days": 3}}),
                   ["groups.surgical.length_of_stay", "sd_days"]),
    "two units": (_edit(**{"steps.transport.duration": {"distribution": "exponential", "mean_days": 1, "mean_hours": 2}}),
                  ["steps.transport.duration", "exactly one unit"]),
    "profile length": (_edit(**{"emergency.hour_of_day_profile": [1.0] * 23}), ["emergency.hour_of_day_profile", "24"]),
    "bad owner": (_edit(**{"steps.transport.owner": "council"}), ["steps.transport.owner", "'council'", "social_care"]),
    "probability above 1": (_edit(**{"steps.transport.probability": 1.5}), ["steps.transport.probability", "1.5"]),
    "step waits outside pathway": (_edit(**{"pathways.0.transport": ["care_home"]}), ["pathways.0.transport", "care_home"]),
    "two initial states": (_edit(**{"pools.nursing_home.initial_occupancy": 0.9}),
                           ["pools.nursing_home", "initial_residents or initial_occupancy"]),
    "bad organisation": (_edit(**{"steps.family_choice.dtoc_organisation": "council"}),
                         ["steps.family_choice.dtoc_organisation", "'council'", "'nhs', 'social_care' or 'both'"]),
    "not a number": (_tiny(admissions_per_day=math.nan), ["emergency.admissions_per_day"]),
    "infinite": (_tiny(admissions_per_day=math.inf), ["emergency.admissions_per_day"]),
    # Overlays: a file that extends another.
    "extends a missing file": ("extends: nowhere.yaml\nname: x\n", ["extends: nowhere.yaml: no such config file"]),
    "extends itself": ("extends: bad.yaml\nname: x\n", ["extend each other in a circle"]),
    "extends a list": ("extends: [a, b]\nname: x\n", ["extends = ['a', 'b']: expected the path"]),
    "bad value in an overlay": (f"extends: {BASELINE}\nhospital: {{beds: -1}}\n", ["hospital.beds = -1"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_config_exits_2_with_clear_message(case, tmp_path, capsys):
    raw, needles = BAD[case]
    path = tmp_path / "bad.yaml"
    path.write_text(raw if isinstance(raw, str) else yaml.safe_dump(raw))
    out = tmp_path / "results"
    assert status(["run", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("discharge-sim: error:") and "Traceback" not in err
    for needle in needles:
        assert needle in err, f"{needle!r} not in {err!r}"
    assert [p.name for p in tmp_path.iterdir()] == ["bad.yaml"]  # nothing half-written


@pytest.mark.parametrize("command", ["run", "check"])
def test_a_missing_config_file(command, tmp_path, capsys):
    assert status([command, str(tmp_path / "nope.yaml")]) == 2
    assert "no such config file" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
