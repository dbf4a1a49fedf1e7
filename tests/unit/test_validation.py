"""The validate command's pass rule, and the interrupt latch the runners use."""

from __future__ import annotations

import math
import signal

import pytest

from discharge_sim.config import load_config
from discharge_sim.experiments.execution import InterruptLatch
from discharge_sim.experiments.validation import Case, judge
from tests.helpers import BASELINE


def _case(expected, rule="interval"):
    return Case("c", "a quantity", "a source", expected, load_config(BASELINE), "delayed_beds", 5, rule=rule)


def test_judge_passes_a_value_inside_the_adjusted_interval_only():
    values = [1.0, 1.1, 0.9, 1.05, 0.95]
    assert judge(_case(1.0), values, 8)["passed"]
    assert not judge(_case(1.5), values, 8)["passed"]
    row = judge(_case(1.0), values, 8)
    assert row["pass_low"] < row["ci_low"] < row["ci_high"] < row["pass_high"]  # Bonferroni widens it
    assert judge(_case(1.0, "exact"), [1.0, 1.0 + 1e-9], 8)["passed"]
    assert not judge(_case(1.0, "exact"), [1.0, 1.001], 8)["passed"]
    assert not judge(_case(1.0), [math.nan] * 5, 8)["passed"]


def test_interrupt_latch_defers_and_restores_handlers_and_leaves_ignored_signals_alone():
    before = signal.getsignal(signal.SIGINT)
    with InterruptLatch() as latch:
        assert signal.getsignal(signal.SIGINT) == latch._note
        latch._note(signal.SIGINT, None)  # as if Ctrl-C arrived: nothing is raised yet
        with pytest.raises(KeyboardInterrupt):
            latch.check()
        latch.check()  # once only
    assert signal.getsignal(signal.SIGINT) is before
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with InterruptLatch():
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # an ignored Ctrl-C stays ignored
    finally:
        signal.signal(signal.SIGINT, previous)
