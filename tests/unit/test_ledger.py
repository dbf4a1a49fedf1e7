"""The critical path through a patient's discharge steps, on hand-made step times.
(The ledger of whole runs: tests/behaviour/test_ledger.py.)"""

from __future__ import annotations

from discharge_sim.model.ledger import QUEUE, WORK, critical_path


def test_critical_path_picks_the_branch_that_finished_last():
    # 0 -> {1, 2} -> 3 ; branch 2 queued 5h then worked 1h and finished last.
    start = [0.0, 2.0, 2.0, 8.0]
    granted = [0.0, 2.0, 7.0, 8.0]
    finish = [2.0, 4.0, 8.0, 9.0]
    preds = [[], [0], [0], [1, 2]]
    segs = critical_path(0.0, 9.0, start, granted, finish, preds)
    assert segs == [
        (0.0, 2.0, 0, WORK), (2.0, 7.0, 2, QUEUE), (7.0, 8.0, 2, WORK), (8.0, 9.0, 3, WORK),
    ]


def test_critical_path_cut_at_horizon():
    # Still queueing for step 2 at the horizon (granted and finish unknown).
    start = [0.0, 2.0, 2.0, None]
    granted = [0.0, 2.0, None, None]
    finish = [2.0, 4.0, None, None]
    segs = critical_path(0.0, 50.0, start, granted, finish, [[], [0], [0], [1, 2]])
    assert segs == [(0.0, 2.0, 0, WORK), (2.0, 50.0, 2, QUEUE)]


def test_no_delay_no_segments():
    assert critical_path(5.0, 5.0, [5.0], [5.0], [5.0], [[]]) == []
