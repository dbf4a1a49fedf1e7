"""Declared uncertainty: settings whose values are assumptions, with plausible ranges and sources,
named by dotted keys, checked to exist, to be numbers, and to give valid configs at both ends."""

from __future__ import annotations

import pytest
import yaml

from discharge_sim.cli import main
from discharge_sim.config import ConfigError, config_from_dict, load_config, read_config
from tests.helpers import BASELINE


def _owner(config, key: str) -> str:
    section, name, *_ = key.split(".")
    if section == "hospital":
        return "hospital"
    return {"steps": config.steps, "staff": config.staff, "pools": config.pools}[section][name].owner


def test_the_baseline_declares_its_assumptions_for_every_side_alike():
    config = load_config(BASELINE)
    owners = [_owner(config, key) for key in config.uncertainty]
    assert len(owners) >= 20
    assert owners.count("hospital") >= 5 and owners.count("social_care") >= 5
    assert owners.count("nhs_community") >= 2 and owners.count("patient_family") >= 1
    assert all(d.source for d in config.uncertainty.values())


@pytest.mark.parametrize("declared, words", [
    ({"pools.nursing_home.placez": {"low": 1, "high": 2, "source": "x"}}, "is not a setting of this config"),
    ({"steps.care_home.type": {"low": 1, "high": 2, "source": "x"}}, "not a number"),
    ({"staff.therapists.count": {"low": 9, "high": 8, "source": "x"}}, "must not be below low"),
    ({"staff.therapists.count": {"distribution": "triangular", "low": 9, "high": 9, "mode": 9, "source": "x"}},
     "a range of one value is uniform"),
    ({"staff.therapists.count": {"distribution": "triangular", "low": 6, "high": 14, "source": "x"}},
     "needs its mode"),
    ({"staff.therapists.count": {"distribution": "normal", "low": 6, "high": 14, "mean": 10, "source": "x"}},
     "needs its sd"),
    ({"staff.therapists.count": {"low": 6, "high": 14, "mode": 8, "source": "x"}}, "takes no mode"),
    ({"staff.therapists.count": {"low": 6, "high": 14}}, "source"),
])
def test_a_wrong_declaration_is_refused_naming_it(declared, words):
    raw = read_config(BASELINE)
    raw["uncertainty"] = declared
    with pytest.raises(ConfigError) as refused:
        config_from_dict(raw)
    assert words in str(refused.value)


def test_check_lists_the_declared_settings_and_refuses_a_range_whose_end_is_not_valid(tmp_path, capsys):
    assert main(["check", str(BASELINE)]) == 0
    out = capsys.readouterr().out
    assert "# 22 settings declared uncertain" in out
    assert "#   pools.nursing_home.places = 585; 570 to 600 (uniform); assumption:" in out
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump({"extends": str(BASELINE), "uncertainty": {
        "steps.home_support.search_probability": {"low": 0.05, "high": 1.5, "source": "no probability is 1.5"}}}),
        encoding="utf-8")
    assert main(["check", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "uncertainty.steps.home_support.search_probability.high = 1.5 does not give a valid config" in err
