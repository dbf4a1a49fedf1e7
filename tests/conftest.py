"""Shared fixtures: shipped configs, shortened so the suite stays fast, and a working folder per test.

Plain helpers (paths of the shipped configs, ``short_baseline``, ``status``, ``files``, ...) are in
``tests/helpers.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from discharge_sim.cli import main
from discharge_sim.config import read_yaml
from discharge_sim.model.replication import ReplicationResult, run_replication
from tests.helpers import BASELINE, CONFIGS, short_baseline


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


SHORT = ["--days", "50", "--warmup-days", "15", "--replications", "2", "--workers", "2", "--quiet"]
EXPERIMENTS = {
    "run": ["run"],
    "attribute": ["attribute"],
    "compare": ["compare", str(BASELINE), str(CONFIGS / "england_2024_25.yaml"),
                str(CONFIGS / "scenarios" / "council_budget_cut.yaml")],
    "sweep": ["sweep", str(BASELINE), "--set", "pools.nursing_home.places=560,600"],
    "sweep2": ["sweep", str(BASELINE), "--set", "pools.nursing_home.places=560,600",
               "--set", "staff.pharmacists.count=8,10"],
}


@pytest.fixture(scope="session")
def result_folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A folder per kind of experiment (figures drawn), each a 50-day run of two replications:
    written once a session for the figure, report, pack and browser tests."""
    base = tmp_path_factory.mktemp("results")
    made = {}
    for name, argv in EXPERIMENTS.items():
        out = base / name
        assert main([*argv, *SHORT, "--out", str(out)]) == 0
        made[name] = out
    return made
