"""Shared fixtures: shipped configs, shortened so the suite stays fast, and a working folder per test.

Plain helpers (paths of the shipped configs, ``short_baseline``, ``status``, ``files``, ...) are in
``tests/helpers.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from discharge_sim.config import read_yaml
from discharge_sim.model.replication import ReplicationResult, run_replication
from tests.helpers import BASELINE, short_baseline


@pytest.fixture(autouse=True)
def _work_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test runs in an empty temporary working folder, so nothing a test forgets to send
    elsewhere (a default ``results/<name>-<time>`` folder) lands in the repository. Tests name
    configs by absolute path (``tests.helpers``); the default config is found beside the package."""
    folder = tmp_path_factory.mktemp("cwd")
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture(scope="session")
def short_run() -> ReplicationResult:
    """One 150-day replication of the baseline, shared by read-only tests."""
    return run_replication(short_baseline(), replication=0, seed=11)


@pytest.fixture(scope="session")
def short_runs() -> list[ReplicationResult]:
    cfg = short_baseline()
    return [run_replication(cfg, replication=r, seed=11) for r in range(2)]


@pytest.fixture(scope="session")
def more_places(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A config file: the baseline with 80 more nursing-home places, named ``more_places``."""
    raw = read_yaml(BASELINE)
    raw["name"] = "more_places"
    raw["pools"]["nursing_home"]["places"] += 80
    path = tmp_path_factory.mktemp("configs") / "more_places.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path
