"""Configs: the shipped ones load; bad ones fail with a message naming field, value and rule."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from discharge_sim.cli import main
from discharge_sim.config import ConfigError, apply_overrides, load_config, read_yaml

from .conftest import BASELINE, MMC, ROOT


def test_shipped_configs_load():
    for path in sorted((ROOT / "configs").glob("*.yaml")):
        config = load_config(path)
        assert config.name


def test_overrides_are_validated_and_pathway_keys_resolve():
    config = load_config(BASELINE, {"run.days": 90, "pathways.0.transport": ["senior_review"]})
    assert config.run.days == 90 and config.pathways[0]["transport"] == ["senior_review"]
    with pytest.raises(ConfigError, match=r"run: warmup_days \(60\.0\) must be shorter than days \(30\.0\)"):
        load_config(BASELINE, {"run.days": 30})


def _write(tmp_path: Path, raw) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw) if not isinstance(raw, str) else raw)
    return path


def _edit(**changes) -> dict:
    raw = read_yaml(BASELINE)
    return apply_overrides(raw, {k: v for k, v in changes.items()})


def _without(dotted: str) -> dict:
    raw = read_yaml(BASELINE)
    *parents, last = dotted.split(".")
    node = raw
    for p in parents:
        node = node[int(p) if p.isdigit() else p]
    del node[last]
    return raw


BAD = {
    "not YAML": ("name: [unclosed\n  - x: 1", ["not valid YAML", "line"]),
    "top level not a mapping": ("- just\n- a list\n", ["expected a YAML mapping"]),
    "missing key": (_without("hospital.beds"), ["hospital.beds", "missing"]),
    "unknown key": (_edit(**{"hospital.bedz": 3}), ["hospital.bedz", "unknown key", "beds"]),
    "wrong type": (_edit(**{"hospital.beds": "many"}), ["hospital.beds", "'many'", "integer"]),
    "negative capacity": (_edit(**{"pools.nursing_home.places": -5}), ["pools.nursing_home.places", "-5", "greater than 0"]),
    "pathway shares": (_edit(**{"groups.older_medical.pathway_mix.0": 0.5}), ["groups.older_medical.pathway_mix", "sum to 1"]),
    "group shares": (_edit(**{"groups.surgical.emergency_share": 0.5}), ["emergency_share", "sum to 1", "1.32"]),
    "unknown step": (_edit(**{"pathways.0.teleport": []}), ["pathways.0.teleport", "unknown step 'teleport'", "senior_review"]),
    "cyclic graph": (_edit(**{"pathways.0.senior_review": ["transport"]}), ["pathways.0", "cycle", "transport"]),
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
}


def test_initial_residents_do_not_scale_with_places():
    """More places, same people on day 0: a capacity scenario starts with more free places."""
    base = load_config(BASELINE)
    more = load_config(BASELINE, {"pools.nursing_home.places": 700})
    assert base.pools["nursing_home"].initial_count == more.pools["nursing_home"].initial_count == 579
    fewer = load_config(BASELINE, {"pools.nursing_home.places": 500})
    assert fewer.pools["nursing_home"].initial_count == 500  # capped at places
    from discharge_sim.config import config_from_dict

    raw = apply_overrides(_without("pools.nursing_home.initial_residents"), {"pools.nursing_home.initial_occupancy": 0.4})
    assert config_from_dict(raw).pools["nursing_home"].initial_count == 234  # a share scales with places


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_config_exits_2_with_clear_message(case, tmp_path, capsys):
    raw, needles = BAD[case]
    path = _write(tmp_path, raw)
    out = tmp_path / "results"
    status = main(["run", str(path), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert status == 2
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, f"{needle!r} not in {err!r}"
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.yaml"]  # nothing half-written


def test_missing_file(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.yaml")]) == 2
    assert "no such config file" in capsys.readouterr().err


def test_check_prints_resolved_config(capsys):
    assert main(["check", str(MMC)]) == 0
    out = capsys.readouterr().out
    resolved = yaml.safe_load(out)
    assert resolved["name"] == "mmc"
    assert resolved["emergency"]["hour_of_day_profile"] == [1.0] * 24  # default filled in
