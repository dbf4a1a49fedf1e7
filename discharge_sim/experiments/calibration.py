"""Calibration: fit chosen config settings so that run metrics match target values.

The search is a grid with refinement. Round 1 evaluates every combination of ``points`` evenly
spaced values of each varied setting across its range; every point runs the same replications
under the same seed (common random numbers), so differences between points are not noise from
different draws. The best point is the one with the smallest loss, the sum over targets of
``((mean - target) / tolerance) ** 2``. The next round grids the box one grid step either side
of the best point (clipped to the original range), so each round narrows the search by a factor
of ``(points - 1) / 2``. A grid cannot get stuck on the noise of one point as a local optimiser
can, and every round is a batch of independent runs that spread over the workers.

The fitted config is the original YAML text with the varied values replaced in place, so every
comment and the layout stay as they were. Pure functions; the CLI runs the rounds.
"""

from __future__ import annotations

import difflib
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import yaml
from pydantic import Field, ValidationError, model_validator

from discharge_sim.config import ConfigError, Strict, apply_overrides, config_from_dict, read_yaml

MAX_POINTS_PER_ROUND = 400
MIN_POINTS = 4
"""With 3 points a round's box (one step either side of the best) would be the whole box again."""


class TargetSpec(Strict):
    value: float
    tolerance: Annotated[float, Field(gt=0)] | None = None
    """How far from the value still counts as a fit; also the scale of the loss (default: 5% of
    the value's size, or 0.01 for a value of 0)."""


class TargetsFile(Strict):
    """A targets file: metric name -> value, or -> {value, tolerance}."""

    description: str = ""
    targets: dict[str, float | TargetSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _finite(self) -> TargetsFile:
        for name, spec in self.targets.items():
            value = spec if isinstance(spec, float | int) else spec.value
            if not math.isfinite(value):
                raise ValueError(f"targets.{name}: the value must be a finite number")
        return self


@dataclass(frozen=True)
class Target:
    metric: str
    value: float
    tolerance: float

    def error(self, mean: float) -> float:
        """Distance from the target in tolerances (inf for a metric with no value)."""
        return abs(mean - self.value) / self.tolerance if math.isfinite(mean) else math.inf

    def met(self, mean: float) -> bool:
        return self.error(mean) <= 1.0

    def precise(self, half_width: float) -> bool:
        """Whether the 95% interval is narrow enough to tell a fit from a miss."""
        return math.isfinite(half_width) and half_width <= self.tolerance


def load_targets(path: str | Path, known: Sequence[str]) -> list[Target]:
    """Read a targets file; every metric must be one of ``known`` (the columns of replications.csv)."""
    raw = read_yaml(path, what="targets")
    try:
        parsed = TargetsFile.model_validate(raw)
    except ValidationError as exc:
        problems = [f"  {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False)]
        raise ConfigError(f"{path}: invalid targets file\n" + "\n".join(problems)) from None
    targets = []
    for name, spec in parsed.targets.items():
        if name not in known:
            words = set(name.split("_"))  # names holding every word of the one given come first
            holding = sorted((k for k in known if words <= set(k.split("_"))), key=len)
            close = list(dict.fromkeys([*holding, *difflib.get_close_matches(name, known, n=5, cutoff=0.6)]))[:5]
            hint = f"; similar: {', '.join(close)}" if close else "; see the columns of replications.csv"
            raise ConfigError(f"{path}: targets.{name}: not a metric of this config{hint}")
        value = float(spec) if isinstance(spec, float | int) else spec.value
        tolerance = spec.tolerance if isinstance(spec, TargetSpec) and spec.tolerance else (
            0.05 * abs(value) if value else 0.01)
        targets.append(Target(name, value, tolerance))
    return targets


@dataclass(frozen=True)
class Parameter:
    """A config setting to fit, by dotted key, within [low, high]; whole numbers if ``integer``."""

    key: str
    low: float
    high: float
    integer: bool = False


def parameter(key: str, low: float, high: float, raw: Mapping[str, Any]) -> Parameter:
    """A parameter of ``raw`` (the config as read): the key must hold a number there already. It is
    searched in whole numbers if the schema takes only whole numbers there (places, staff counts)."""
    current = lookup(raw, key)
    if isinstance(current, bool) or not isinstance(current, int | float):
        raise ConfigError(f"--vary {key}: the config has {current!r} there; only a number written in the config "
                          "can be calibrated")
    if not low < high:
        raise ConfigError(f"--vary {key}={low:g}:{high:g}: needs low < high")
    integer = isinstance(current, int) and not _takes_fractions(raw, key, current)
    if integer and math.floor(high) < math.ceil(low):
        raise ConfigError(f"--vary {key}={low:g}:{high:g}: no whole number in the range")
    return Parameter(key, float(low), float(high), integer)


def _takes_fractions(raw: Mapping[str, Any], key: str, current: int) -> bool:
    """Whether the schema accepts a fraction at ``key`` (a mean written as 10 may be 10.5; a count may not)."""
    try:
        config_from_dict(apply_overrides(raw, {key: current + 0.5}))
    except ConfigError:
        return False
    return True


def lookup(raw: Mapping[str, Any], key: str) -> Any:
    node: Any = raw
    for part in key.split("."):
        if isinstance(node, Mapping):
            if part in node:
                node = node[part]
                continue
            if part.isdigit() and int(part) in node:
                node = node[int(part)]
                continue
        raise ConfigError(f"--vary {key}: not a setting written in the config (stopped at {part!r})")
    return node


Box = tuple[tuple[float, float], ...]


def grid(parameters: Sequence[Parameter], box: Box, points: int) -> list[tuple[float | int, ...]]:
    """Every combination of ``points`` evenly spaced values per parameter within ``box`` (whole
    numbers rounded and de-duplicated for integer parameters), in a fixed order."""
    axes = []
    for p, (lo, hi) in zip(parameters, box, strict=True):
        values: list[float | int] = [lo + (hi - lo) * i / (points - 1) for i in range(points)]
        if p.integer:  # whole numbers inside the range
            low, high = math.ceil(lo - 1e-9), math.floor(hi + 1e-9)
            values = list(dict.fromkeys(min(high, max(low, round(v))) for v in values))
        else:
            values = [float(f"{v:.6g}") for v in values]
            values = list(dict.fromkeys(values))
        axes.append(values)
    return list(itertools.product(*axes))


def refine(parameters: Sequence[Parameter], box: Box, best: Sequence[float], points: int) -> Box:
    """The box for the next round: one grid step either side of ``best``, inside the original range."""
    out = []
    for p, (lo, hi), b in zip(parameters, box, best, strict=True):
        step = (hi - lo) / (points - 1)
        out.append((max(p.low, b - step), min(p.high, b + step)))
    return tuple(out)


def loss(means: Mapping[str, float], targets: Sequence[Target]) -> float:
    """Sum of squared distances from the targets, in tolerances."""
    return math.fsum(t.error(means.get(t.metric, math.nan)) ** 2 for t in targets)


def best_point(losses: Sequence[float]) -> int:
    """The index of the smallest loss; the first on ties (grid order is fixed)."""
    return min(range(len(losses)), key=lambda i: (losses[i], i))


# --- the fitted config -----------------------------------------------------------------------

def format_value(value: float | int) -> str:
    """A number as YAML reads it back as a number (``5e-05`` would be read as a string)."""
    if isinstance(value, int):
        return str(value)
    return np.format_float_positional(float(f"{value:.6g}"), trim="0")


def replace_values(text: str, values: Mapping[str, float | int]) -> str:
    """``text`` (a YAML config) with the scalar at each dotted key replaced by its new value, in
    place: comments, order and layout are kept byte for byte elsewhere."""
    root = yaml.compose(text)
    spans = []
    for key, value in values.items():
        node = root
        for part in key.split("."):
            if not isinstance(node, yaml.MappingNode):
                raise ConfigError(f"{key}: not a setting written in the config")
            for k, v in node.value:
                if k.value == part:
                    node = v
                    break
            else:
                raise ConfigError(f"{key}: not a setting written in the config (stopped at {part!r})")
        if not isinstance(node, yaml.ScalarNode):
            raise ConfigError(f"{key}: not a single value in the config")
        spans.append((node.start_mark.index, node.end_mark.index, format_value(value)))
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text
