"""Samples of the settings a config declares uncertain (``uncertainty:``): points of a
space-filling design, each a set of overrides to run the config at.

A Latin hypercube (scipy.stats.qmc) puts one point in each of ``n`` equal-probability strata of
every setting; each setting's value is its declared distribution's quantile at the point's
coordinate (uniform, triangular, or normal cut to its range), so the design is space-filling in
probability. A whole-number setting (a count of places or staff) takes whole values: under a
uniform range each whole value in it equally likely (rounding a continuous draw would give the two
ends half the chance of the others), otherwise the nearest whole value to the quantile. A range of
one value gives that value at every point, so a sample of such ranges at a config's own
values is the config itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from discharge_sim.config import Config, config_to_dict, flatten
from discharge_sim.config.schema import UncertainSetting


@dataclass(frozen=True)
class Design:
    """Points of a sample: the settings varied (dotted keys) and, per point, their values."""

    keys: tuple[str, ...]
    values: np.ndarray
    """(points, settings)."""

    def overrides(self, point: int) -> dict[str, float | int]:
        """The config's settings at ``point``, as overrides (whole numbers where the setting is one)."""
        return {key: _plain(v) for key, v in zip(self.keys, self.values[point], strict=True)}

    def __len__(self) -> int:
        return int(self.values.shape[0])


def latin_hypercube(config: Config, points: int, seed: int) -> Design:
    """A Latin hypercube of ``points`` points over ``config``'s declared uncertain settings, from
    ``seed`` (the same seed, the same design)."""
    from scipy.stats import qmc

    keys = declared_keys(config)
    unit = qmc.LatinHypercube(d=len(keys), seed=np.random.default_rng(seed)).random(points)
    return from_unit(config, keys, unit)


def declared_keys(config: Config) -> tuple[str, ...]:
    """The settings ``config`` declares uncertain, in the order declared."""
    if not config.uncertainty:
        raise ValueError("the config declares no uncertain setting (uncertainty:) to sample")
    return tuple(config.uncertainty)


def from_unit(config: Config, keys: tuple[str, ...], unit: np.ndarray) -> Design:
    """The points of a design drawn in the unit cube (a Latin hypercube, a Morris or a Sobol
    design), one column per key, mapped through each setting's declared distribution."""
    current = flatten(config_to_dict(config))
    declared = config.uncertainty
    columns = [_quantiles(declared[key], unit[:, j], isinstance(current[key], int)) for j, key in enumerate(keys)]
    return Design(keys, np.column_stack(columns) if columns else np.empty((unit.shape[0], 0)))


def quantiles(setting: UncertainSetting, p: np.ndarray) -> np.ndarray:
    """The declared distribution's quantiles at probabilities ``p``."""
    from scipy import stats

    low, high = setting.low, setting.high
    if high == low:
        return np.full(p.shape, low)
    if setting.distribution == "triangular":
        assert setting.mode is not None
        c = (setting.mode - low) / (high - low)
        return np.asarray(stats.triang.ppf(p, c, loc=low, scale=high - low))
    if setting.distribution == "normal":
        assert setting.mean is not None and setting.sd is not None
        a, b = (low - setting.mean) / setting.sd, (high - setting.mean) / setting.sd
        return np.asarray(stats.truncnorm.ppf(p, a, b, loc=setting.mean, scale=setting.sd))
    return low + p * (high - low)


def _quantiles(setting: UncertainSetting, p: np.ndarray, whole: bool) -> np.ndarray:
    if not whole:
        return quantiles(setting, p)
    low, high = np.ceil(setting.low), np.floor(setting.high)
    if setting.distribution == "uniform":  # each whole value in the range equally likely, the ends too
        return np.clip(np.floor(low + p * (high - low + 1)), low, high)
    return np.clip(np.rint(quantiles(setting, p)), low, high)  # the nearest whole value within the range


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def at_own_values(config: Config) -> Mapping[str, UncertainSetting]:
    """The config's declared settings with each range shrunk to the config's own value."""
    current = flatten(config_to_dict(config))
    return {key: UncertainSetting(low=current[key], high=current[key], source=d.source)
            for key, d in config.uncertainty.items()}
