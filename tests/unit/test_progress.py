"""The progress bar tells a function (done, total) when the caller has its own display (the web app)."""

from __future__ import annotations

from discharge_sim.present.progress import ProgressBar


def test_a_function_is_told_each_replication_done_out_of_the_total():
    told: list[tuple[int, int]] = []
    bar = ProgressBar(4, 1, lambda done, total: told.append((done, total)))
    bar.step()
    bar.step()
    bar.close()
    assert told == [(1, 4), (2, 4), (3, 4)]


def test_without_a_terminal_or_function_nothing_is_drawn():
    bar = ProgressBar(4, 0, False)
    bar.step()
    assert bar.bar is None
