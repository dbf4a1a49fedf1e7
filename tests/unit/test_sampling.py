"""Samples of a config's declared uncertain settings: a Latin hypercube in probability, whole
values for counts, reproducible from its seed, and ranges of one value giving the config itself."""

from __future__ import annotations

import numpy as np
import pytest

from discharge_sim.analysis.metrics import replication_metrics
from discharge_sim.config import apply_overrides, config_from_dict, config_to_dict, flatten, load_config, read_config
from discharge_sim.config.schema import UncertainSetting
from discharge_sim.experiments.sampling import at_own_values, latin_hypercube, quantiles
from discharge_sim.model.replication import run_replication
from tests.helpers import BASELINE


def test_each_setting_has_one_point_in_each_stratum_of_its_range():
    config = load_config(BASELINE)
    design = latin_hypercube(config, 40, seed=5)
    assert len(design) == 40 and design.keys == tuple(config.uncertainty)
    current = flatten(config_to_dict(config))
    for j, key in enumerate(design.keys):
        d = config.uncertainty[key]
        values = design.values[:, j]
        assert np.all((values >= d.low) & (values <= d.high)), key
        if isinstance(current[key], int):
            assert np.all(values == np.rint(values)), key  # counts take whole values
            assert all(isinstance(design.overrides(p)[key], int) for p in range(40))
            continue
        strata = np.floor((values - d.low) / (d.high - d.low) * 40).astype(int)
        assert sorted(np.minimum(strata, 39).tolist()) == list(range(40)), key


def test_a_count_takes_each_whole_value_of_a_uniform_range_equally_often():
    # Rounding a continuous draw would give the ends 6 and 8 half the chance of 7.
    raw = read_config(BASELINE)
    raw["uncertainty"] = {"staff.social_workers.count": {"low": 6, "high": 8, "source": "test"}}
    design = latin_hypercube(config_from_dict(raw), 3000, seed=1)
    values, counts = np.unique(design.values[:, 0], return_counts=True)
    assert values.tolist() == [6, 7, 8] and counts.tolist() == [1000, 1000, 1000]


def test_the_same_seed_gives_the_same_design_and_another_seed_another():
    config = load_config(BASELINE)
    a, b, c = (latin_hypercube(config, 8, seed=s) for s in (1, 1, 2))
    assert np.array_equal(a.values, b.values) and not np.array_equal(a.values, c.values)


def test_the_declared_distributions_have_their_shape():
    p = (np.arange(20_000) + 0.5) / 20_000
    triangular = UncertainSetting(distribution="triangular", low=0, mode=2, high=8, source="x")
    assert quantiles(triangular, p).mean() == pytest.approx((0 + 2 + 8) / 3, rel=1e-3)
    normal = UncertainSetting(distribution="normal", low=0, high=10, mean=5, sd=1, source="x")
    values = quantiles(normal, p)
    assert values.mean() == pytest.approx(5, abs=1e-3) and values.std() == pytest.approx(1, rel=0.01)
    cut = UncertainSetting(distribution="normal", low=4, high=10, mean=5, sd=2, source="x")
    assert quantiles(cut, p).min() >= 4


@pytest.mark.slow
def test_ranges_of_one_value_at_the_configs_own_values_give_the_config_itself():
    raw = read_config(BASELINE)
    raw["run"].update(days=90, warmup_days=30)
    config = config_from_dict(raw)
    raw["uncertainty"] = {key: d.model_dump(exclude_none=True) for key, d in at_own_values(config).items()}
    fixed = config_from_dict(raw)
    design = latin_hypercube(fixed, 3, seed=9)
    plain = replication_metrics(run_replication(config, seed=4))
    for point in range(len(design)):
        sampled = config_from_dict(apply_overrides(config_to_dict(fixed), design.overrides(point)))
        assert replication_metrics(run_replication(sampled, seed=4)) == plain
