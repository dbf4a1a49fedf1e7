"""Runs shared by the behaviour tests: the baseline with a council budget spent for months."""

from __future__ import annotations

import pytest

from discharge_sim.config import Config
from discharge_sim.model.replication import ReplicationResult, run_replication
from tests.helpers import finance_config


@pytest.fixture(scope="session")
def tight_budget() -> Config:
    """The baseline with a council budget far below the year's demand, so it is spent for months,
    under the older rule that new funding waits for the next financial year."""
    return finance_config(**{"finance.council_budget.annual_gbp": 12_000_000,
                             "finance.council_budget.when_spent": "wait"})


@pytest.fixture(scope="session")
def tight_budget_run(tight_budget: Config) -> ReplicationResult:
    return run_replication(tight_budget, 0, seed=5)
