"""A progress bar with ETA on stderr: replications done out of replications planned.

Shown only when stderr is a terminal and the user did not ask for quiet, so logs and pipes get
no control characters. tqdm draws it (rate, ETA and terminal width handled there). A caller with
its own display (the web app) passes a function instead, told (done, total) at every change.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from discharge_sim.experiments.execution import Schedule
from discharge_sim.experiments.specification import ReplicationRecord

Progress = bool | Callable[[int, int], None]
"""Draw a bar on stderr (True), nothing (False), or tell a function (done, total)."""


class ProgressBar:
    """Counts finished replications; with ``--replications auto`` the total shrinks to the
    number actually needed once the precision target is met."""

    def __init__(self, total: int, done: int, enabled: Progress):
        self.bar: Any = None
        if callable(enabled):
            self.bar = Reporter(total, done, enabled)
        elif enabled:
            from tqdm import tqdm

            tqdm.monitor_interval = 0  # no monitor thread: worker processes are started after this
            self.bar = tqdm(total=total, initial=done, unit="rep", file=sys.stderr, dynamic_ncols=True,
                            desc="replications", smoothing=0.1)

    @staticmethod
    def wanted(quiet: bool) -> bool:
        return not quiet and sys.stderr.isatty()

    def update(self, schedule: Schedule, record: ReplicationRecord) -> None:
        if self.bar is None:
            return
        if schedule.final is not None:
            needed = schedule.final * schedule.scenarios
            if self.bar.total != needed:
                self.bar.total = max(needed, self.bar.n)
                self.bar.refresh()
        if record.replication < schedule.limit:
            self.bar.update(1)

    def step(self) -> None:
        """One more done, where there is no schedule (validate)."""
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Reporter:
    """The part of a tqdm bar the progress bar uses, telling a function (done, total) instead of
    drawing."""

    def __init__(self, total: int, done: int, tell: Callable[[int, int], None]):
        self.total, self.n, self.tell = total, done, tell
        tell(done, total)

    def update(self, n: int) -> None:
        self.n += n
        self.tell(self.n, self.total)

    def refresh(self) -> None:
        self.tell(self.n, self.total)

    def close(self) -> None:
        """Nothing to release."""
