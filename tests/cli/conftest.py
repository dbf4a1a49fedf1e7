"""The reports of the results folders (tests/conftest.py writes the folders once a session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from discharge_sim.cli import main


@pytest.fixture(scope="session")
def reports(result_folders: dict[str, Path]) -> dict[str, Path]:
    """The run, attribute and compare folders with report.html and report.md written."""
    for name in ("run", "attribute", "compare"):
        assert main(["report", str(result_folders[name]), "--quiet"]) == 0
    return {name: result_folders[name] for name in ("run", "attribute", "compare")}
