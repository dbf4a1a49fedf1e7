"""The shipped calibrated configs reproduce the national figures they were fitted to: every target
of the file each was fitted against (configs/targets/), within its tolerance."""

from __future__ import annotations

import pytest

from discharge_sim.analysis.statistics import t_interval
from discharge_sim.config import load_config, read_yaml
from discharge_sim.experiments.in_memory import run
from tests.helpers import CONFIGS

REPLICATIONS = 8


def _means(name: str) -> dict[str, dict[str, float]]:
    result = run(load_config(CONFIGS / f"{name}.yaml"), replications=REPLICATIONS)
    return {k: t_interval([m[k] for m in result.metrics]) for k in result.metrics[0]}


@pytest.mark.slow
@pytest.mark.parametrize(("name", "targets", "must_have"), [
    ("england_2018_19", "dtoc_2018_19_acute",
     {"dtoc_share_nhs", "dtoc_share_social_care", "dtoc_share_both", "dtoc_share_C", "dtoc_share_E_social_care"}),
    ("england_2024_25", "discharge_ready_2024_25",
     {"delayed_discharge_share", "mean_delay_days_of_delayed", "delay_band_1_share"}),
], ids=["2018/19 acute DToC split", "2024/25 delay lengths"])
def test_a_calibrated_config_meets_every_target_it_was_fitted_to(name, targets, must_have):
    header = (CONFIGS / f"{name}.yaml").read_text(encoding="utf-8").split("\nname:")[0]
    assert f"configs/targets/{targets}.yaml" in header  # the file the config says it was fitted against
    wanted = read_yaml(CONFIGS / "targets" / f"{targets}.yaml")["targets"]
    assert must_have <= set(wanted)
    s = _means(name)
    missed = {metric: (round(s[metric]["mean"], 4), t["value"], t["tolerance"]) for metric, t in wanted.items()
              if abs(s[metric]["mean"] - t["value"]) > t["tolerance"]}
    assert not missed, missed
