"""Results folders written once by the command line and read by the figure and report tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from discharge_sim.cli import main
from tests.helpers import BASELINE, CONFIGS

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
    """A folder per kind of experiment (figures drawn), each a 50-day run of two replications."""
    base = tmp_path_factory.mktemp("results")
    made = {}
    for name, argv in EXPERIMENTS.items():
        out = base / name
        assert main([*argv, *SHORT, "--out", str(out)]) == 0
        made[name] = out
    return made


@pytest.fixture(scope="session")
def reports(result_folders: dict[str, Path]) -> dict[str, Path]:
    """The run, attribute and compare folders with report.html and report.md written."""
    for name in ("run", "attribute", "compare"):
        assert main(["report", str(result_folders[name]), "--quiet"]) == 0
    return {name: result_folders[name] for name in ("run", "attribute", "compare")}
