"""The shipped calibrated configs reproduce the national figures they were fitted to."""

from __future__ import annotations

import pytest

from discharge_sim.analysis.statistics import t_interval
from discharge_sim.config import load_config
from discharge_sim.experiments.in_memory import run
from tests.helpers import CONFIGS

REPLICATIONS = 8


def _means(name: str) -> dict[str, dict[str, float]]:
    result = run(load_config(CONFIGS / f"{name}.yaml"), replications=REPLICATIONS)
    return {k: t_interval([m[k] for m in result.metrics]) for k in result.metrics[0]}


@pytest.mark.slow
def test_england_2018_19_reproduces_the_dtoc_split():
    s = _means("england_2018_19")
    for metric, target in (("dtoc_share_nhs", 0.622), ("dtoc_share_social_care", 0.299), ("dtoc_share_both", 0.079),
                           ("dtoc_share_E", 0.208), ("dtoc_share_C", 0.172)):
        assert abs(s[metric]["mean"] - target) <= 0.03, (metric, s[metric])


@pytest.mark.slow
def test_england_2024_25_reproduces_the_delay_lengths():
    s = _means("england_2024_25")
    assert 0.13 <= s["delayed_discharge_share"]["mean"] <= 0.145, s["delayed_discharge_share"]
    assert abs(s["mean_delay_days_of_delayed"]["mean"] - 6.1) <= 0.4, s["mean_delay_days_of_delayed"]
    assert 0.30 <= s["delay_band_1_share"]["mean"] <= 0.36, s["delay_band_1_share"]
