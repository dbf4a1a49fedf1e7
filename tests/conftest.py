"""Shared fixtures: shipped configs, shortened so the suite stays fast."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from discharge_sim.config import Config, apply_overrides, config_from_dict, read_yaml
from discharge_sim.model.replication import ReplicationResult, run_replication

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "configs" / "baseline.yaml"
MMC = ROOT / "configs" / "mmc.yaml"


def baseline(**overrides: Any) -> Config:
    """The shipped baseline with dotted overrides (``run__days=120`` style keys use dots)."""
    raw = read_yaml(BASELINE)
    return config_from_dict(apply_overrides(raw, {k.replace("__", "."): v for k, v in overrides.items()}))


def short_baseline(days: float = 150, warmup: float = 30, **overrides: Any) -> Config:
    return baseline(run__days=days, run__warmup_days=warmup, **overrides)


@pytest.fixture(scope="session")
def short_run() -> ReplicationResult:
    """One 150-day replication of the baseline, shared by read-only tests."""
    return run_replication(short_baseline(), replication=0, seed=11)


@pytest.fixture(scope="session")
def short_runs() -> list[ReplicationResult]:
    cfg = short_baseline()
    return [run_replication(cfg, replication=r, seed=11) for r in range(2)]
